//! Per-app settings of the end-user API (OAuthApp's "应用设置"), managed at
//! `/api/Client/{id}/AppSettings`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An app's end-user settings as stored (the WeChat secret is never shown).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct AppSettings {
    /// Whether new users may sign up through this app (default false). Every
    /// sign-up also needs the tenant's `UserRegistration` property set to
    /// `enabled`; the bootstrap admin client never takes sign-ups.
    pub sign_up_enabled: bool,
    /// Whether `UnionIDSignIn`, `UnionIDSignUp` and GrantCode's `unionid` are
    /// served (default false). A unionID is an identifier, not a secret:
    /// enable only when the platform's identifiers reach callers verified.
    pub union_id_sign_in_enabled: bool,
    /// Shortest password accepted at sign-up and reset, 6–128 (default 8;
    /// OAuthApp clients that send 6-character passwords need 6).
    pub password_min_length: i64,
    /// Sign-up requires `phone` and its `signup` code (default false).
    pub verify_phone_on_sign_up: bool,
    /// Sign-up requires `email` and its `signup` code (default false).
    pub verify_email_on_sign_up: bool,
    /// The `role` claim of tokens and profiles (default `user`).
    pub default_role: String,
    /// Lifetime of sign-in tokens in days, 1–365 (default 1).
    pub token_lifetime_days: i64,
    /// Points credited at sign-up (default 0).
    pub sign_up_bonus_points: i64,
    /// Points credited per currency unit recharged (default 1).
    pub points_per_currency_unit: i64,
    /// Whether a user may call `RechargePoints` with their own token to credit
    /// their own points (default false). Off, only the app's server credits
    /// points (its client authentication and `userID`); turn on only for
    /// OAuthApp clients that recharge from the device and have no server.
    pub user_recharge_enabled: bool,
    /// Subject of code emails.
    pub email_subject: String,
    /// Body of code emails; must contain `{code}`.
    pub email_template: String,
    /// Text of code SMS for the webhook provider; must contain `{code}`.
    pub sms_template: String,
    /// Aliyun template code (`SMS_…`); empty = the server's default.
    pub sms_template_code: String,
    /// Aliyun signature name; empty = the server's default.
    pub sms_sign_name: String,
    /// Redirect URIs GrantCode accepts; empty = the client's registered redirect URIs.
    pub grant_code_redirect_uris: Vec<String>,
    /// WeChat mini-program AppID for QR-code sign-in; empty = not configured.
    pub wechat_app_id: String,
    /// Whether a WeChat mini-program secret is stored.
    pub wechat_app_secret_set: bool,
}

impl Default for AppSettings {
    fn default() -> Self {
        AppSettings {
            sign_up_enabled: false,
            union_id_sign_in_enabled: false,
            password_min_length: 8,
            verify_phone_on_sign_up: false,
            verify_email_on_sign_up: false,
            default_role: "user".into(),
            token_lifetime_days: 1,
            sign_up_bonus_points: 0,
            points_per_currency_unit: 1,
            user_recharge_enabled: false,
            email_subject: "Your verification code".into(),
            email_template: "Your verification code is {code}. It expires in 10 minutes.".into(),
            sms_template: "Your verification code is {code}. It expires in 10 minutes.".into(),
            sms_template_code: String::new(),
            sms_sign_name: String::new(),
            grant_code_redirect_uris: Vec::new(),
            wechat_app_id: String::new(),
            wechat_app_secret_set: false,
        }
    }
}

/// Changes to an app's settings: each field present replaces the stored value.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AppSettingsUpdate {
    pub sign_up_enabled: Option<bool>,
    pub union_id_sign_in_enabled: Option<bool>,
    /// 6–128.
    pub password_min_length: Option<i64>,
    pub verify_phone_on_sign_up: Option<bool>,
    pub verify_email_on_sign_up: Option<bool>,
    /// Up to 64 characters.
    pub default_role: Option<String>,
    /// 1–365.
    pub token_lifetime_days: Option<i64>,
    /// 0–1,000,000.
    pub sign_up_bonus_points: Option<i64>,
    /// 0–1,000,000.
    pub points_per_currency_unit: Option<i64>,
    pub user_recharge_enabled: Option<bool>,
    /// 1–200 characters.
    pub email_subject: Option<String>,
    /// Up to 4,000 characters, containing `{code}`.
    pub email_template: Option<String>,
    /// Up to 500 characters, containing `{code}`.
    pub sms_template: Option<String>,
    pub sms_template_code: Option<String>,
    pub sms_sign_name: Option<String>,
    /// Absolute `http(s)` URIs or app schemes (`myapp://…`), at most 50.
    pub grant_code_redirect_uris: Option<Vec<String>>,
    pub wechat_app_id: Option<String>,
    /// Write-only; empty removes it.
    pub wechat_app_secret: Option<String>,
}
