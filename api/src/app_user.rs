//! OAuthApp's end-user API (reference contract §1–2): sign-up and sign-in of
//! an app's users, verification codes, QR-code sign-in, profile, points and
//! app-scheme consents. Wire names are OAuthApp's; request fields are
//! optional strings because OAuthApp clients send `""` for "not given".

use crate::oauth::{HttpHandlerResult, refusal};
use dropshot::{ApiEndpointResponse, ErrorStatusCode, HttpError, HttpResponse, HttpResponseError, HttpResponseOk};
use http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The `{appId}` of `/api/AppUsers/{appId}/…` and `/api/OAuth/{appId}/…`:
/// the numeric id of a client of the tenant.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppPath {
    pub app_id: i64,
}

/// A consent of the caller, by id.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConsentPath {
    pub app_id: i64,
    pub id: i64,
}

/// OAuthApp's envelope: `{code: 200, data, err: ""}` on success.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Envelope<T> {
    pub code: u16,
    pub data: T,
    pub err: String,
}

impl<T> Envelope<T> {
    pub fn ok(data: T) -> Self {
        Envelope { code: 200, data, err: String::new() }
    }
}

/// A failure of the end-user API: `{code, data: "", err}` with `code` equal
/// to the HTTP status.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct AppError {
    /// The HTTP status: 400, 401, 403, 404, 409, 410, 413, 422, 429, 500, 502 or 503.
    pub code: u16,
    /// Always the empty string, as OAuthApp sends it.
    pub data: String,
    /// What went wrong, precisely enough to fix the request.
    pub err: String,
}

impl AppError {
    pub fn new(status: u16, err: impl Into<String>) -> Self {
        AppError { code: status, data: String::new(), err: err.into() }
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.err)
    }
}

impl From<HttpError> for AppError {
    fn from(error: HttpError) -> Self {
        AppError::new(crate::error::request_error_status(&error), error.external_message)
    }
}

impl HttpResponseError for AppError {
    fn status_code(&self) -> ErrorStatusCode {
        ErrorStatusCode::from_u16(self.code).unwrap_or(ErrorStatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// An end-user API answer. A 429 or 503 travels here rather than as the
/// operation's [`AppError`] because it carries `Retry-After`, which
/// dropshot's error path cannot add; the document still describes it as the
/// operation's error.
#[derive(Debug)]
pub enum AppReply<T> {
    Done(Envelope<T>),
    /// A 429 or 503 and the seconds to wait.
    Throttled(AppError, u64),
}

impl<T: JsonSchema + Serialize + Send + Sync + 'static> HttpResponse for AppReply<T> {
    fn to_result(self) -> HttpHandlerResult {
        match self {
            AppReply::Done(body) => HttpResponseOk(body).to_result(),
            AppReply::Throttled(error, seconds) => {
                let builder = http::Response::builder().status(error.code).header(http::header::RETRY_AFTER, seconds);
                refusal(builder, &error)
            }
        }
    }

    fn response_metadata() -> ApiEndpointResponse {
        HttpResponseOk::<Envelope<T>>::response_metadata()
    }

    fn status_code(&self) -> StatusCode {
        match self {
            AppReply::Done(_) => StatusCode::OK,
            AppReply::Throttled(error, _) => StatusCode::from_u16(error.code).unwrap_or(StatusCode::TOO_MANY_REQUESTS),
        }
    }
}

/// What sign-in and sign-up return.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct AppToken {
    /// An ES256 JWT signed by Keyward (verify it with `/oauth/jwks`).
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the token expires.
    pub expires_in: i64,
}

/// `UnionIDSignIn`: a user known by their identity on another platform.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct UnionIdSignIn {
    /// `web`, `weibo`, `wexin`, `qq`, `dingtalk`, `wxminip` or another name (1–20 letters, digits, `_`, `-`).
    pub platform: Option<String>,
    #[serde(rename = "unionID", alias = "unionId", alias = "unionid")]
    pub union_id: Option<String>,
}

/// `SignIn`: user name (or email or phone) and password.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct PasswordSignIn {
    #[serde(rename = "userName", alias = "username")]
    pub user_name: Option<String>,
    /// The password; `password` is accepted too.
    #[serde(alias = "password")]
    pub pwd: Option<String>,
}

/// `PhoneSignIn`: a phone number and the `signin` code sent to it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct PhoneSignIn {
    pub phone: Option<String>,
    /// The code; `phoneCode` and `code` are accepted too.
    #[serde(rename = "verifyCode", alias = "phoneCode", alias = "code")]
    pub verify_code: Option<String>,
}

/// `EmailSignIn`: an email address and the `signin` code sent to it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct EmailSignIn {
    pub email: Option<String>,
    /// The code; `emailCode` and `code` are accepted too.
    #[serde(rename = "verifyCode", alias = "emailCode", alias = "code")]
    pub verify_code: Option<String>,
}

/// The body of every sign-up (`SignUp`, `UnionIDSignUp`, `PhoneSignUp`,
/// `EmailSignUp`, `QRCodeSignUp`); each operation says which fields it requires.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct SignUp {
    /// 1–64 characters without whitespace; defaults to the unionID, phone or
    /// email the sign-up is made with.
    #[serde(rename = "userName", alias = "username")]
    pub user_name: Option<String>,
    /// The app's minimum length (default 8) to 128 characters; `password` is
    /// accepted too. Without one, the account signs in only with codes or its
    /// unionID.
    #[serde(alias = "password")]
    pub pwd: Option<String>,
    #[serde(rename = "nickName")]
    pub nick_name: Option<String>,
    pub avatar: Option<String>,
    /// Opaque application data (usually JSON text), up to 4,000 characters.
    pub data: Option<String>,
    /// Stored verified with `phoneCode`, unverified without (unless the app
    /// requires verification).
    pub phone: Option<String>,
    /// The `signup` code sent to `phone`.
    #[serde(rename = "phoneCode")]
    pub phone_code: Option<String>,
    /// Stored verified with `emailCode`, unverified without (unless the app
    /// requires verification).
    pub email: Option<String>,
    /// The `signup` code sent to `email`; `verifyCode` is accepted too.
    #[serde(rename = "emailCode", alias = "verifyCode")]
    pub email_code: Option<String>,
    #[serde(rename = "unionID", alias = "unionId", alias = "unionid")]
    pub union_id: Option<String>,
    pub platform: Option<String>,
    /// `QRCodeSignUp` only: the key shown in the QR code.
    #[serde(rename = "signInKey", default, deserialize_with = "text_or_number")]
    pub sign_in_key: Option<String>,
    /// `QRCodeSignUp` only: the WeChat `wx.login` code; required when the app
    /// has WeChat mini-program credentials, and then it decides the unionID.
    pub code: Option<String>,
}

/// What a code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CodePurpose {
    Signup,
    Signin,
    Forgetpwd,
}

impl CodePurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            CodePurpose::Signup => "signup",
            CodePurpose::Signin => "signin",
            CodePurpose::Forgetpwd => "forgetpwd",
        }
    }
}

/// `SendSMSCode`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct SendSmsCode {
    pub phone: Option<String>,
    /// `signup`, `signin` or `forgetpwd`.
    #[serde(rename = "type")]
    pub purpose: Option<String>,
}

/// `SendEmailCode`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct SendEmailCode {
    pub email: Option<String>,
    /// `signup`, `signin` or `forgetpwd`.
    #[serde(rename = "type")]
    pub purpose: Option<String>,
}

/// `ResetPwd`: a `forgetpwd` code sent to the phone or email, and the new password.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct ResetPassword {
    pub phone: Option<String>,
    pub email: Option<String>,
    pub code: Option<String>,
    /// The new password (8–128 characters); `password` is accepted too.
    #[serde(alias = "password")]
    pub pwd: Option<String>,
}

/// `QRCodePreSignIn`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct QrPreSignIn {
    /// Always `app` (the default).
    pub scheme: Option<String>,
    /// Space-separated scopes shown to the scanning user, e.g. `openid phone`.
    pub scopes: Option<String>,
    /// Shown to the scanning user, up to 200 characters.
    pub remark: Option<String>,
}

/// `QRCodeSignIn` and `QRCodeScan`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct QrKey {
    /// OAuthApp's samples send a number here; it is read as text.
    #[serde(rename = "signInKey", default, deserialize_with = "text_or_number")]
    pub sign_in_key: Option<String>,
}

/// A text field that some OAuthApp clients send as a JSON number.
fn text_or_number<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum TextOrNumber {
        Text(String),
        Number(serde_json::Number),
    }
    Ok(Option::<TextOrNumber>::deserialize(deserializer)?.map(|v| match v {
        TextOrNumber::Text(text) => text,
        TextOrNumber::Number(number) => number.to_string(),
    }))
}

/// The image of a sign-in QR code.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct QrImageQuery {
    #[serde(rename = "signInKey")]
    pub sign_in_key: String,
    /// `png` (default) or `svg`.
    #[serde(default, deserialize_with = "crate::query::optional")]
    pub format: Option<String>,
}

/// What the scanning user is asked to approve (`QRCodeScan`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct AppCard {
    #[serde(rename = "appID")]
    pub app_id: i64,
    pub name: String,
    pub logo: String,
    pub website: String,
    pub description: String,
    pub tags: String,
    pub scopes: String,
    pub remark: String,
    pub scheme: String,
}

/// The signed-in user as the app sees them (`GET Profile`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Profile {
    #[serde(rename = "appID")]
    pub app_id: i64,
    /// The platform of the user's first linked identity, or empty.
    pub platform: String,
    #[serde(rename = "unionID")]
    pub union_id: String,
    pub phone: String,
    /// `yyyy-MM-dd HH:mm:ss`, UTC.
    #[serde(rename = "createDate")]
    pub create_date: String,
    #[serde(rename = "userName")]
    pub user_name: String,
    #[serde(rename = "phoneIsValid")]
    pub phone_is_valid: bool,
    pub data: Option<String>,
    pub email: String,
    #[serde(rename = "emailIsValid")]
    pub email_is_valid: bool,
    /// `yyyy-MM-dd HH:mm:ss`, UTC.
    #[serde(rename = "lastUpdate")]
    pub last_update: String,
    #[serde(rename = "nickName")]
    pub nick_name: String,
    pub id: i64,
    pub avatar: String,
    /// The app's default role.
    pub role: String,
}

/// `PUT Profile`: blank or missing fields stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct ProfileUpdate {
    pub avatar: Option<String>,
    #[serde(rename = "nickName")]
    pub nick_name: Option<String>,
    pub data: Option<String>,
}

/// `PointLog` filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct PointLogQuery {
    /// 0 all (default), 1 credits (recharges and bonuses), 2 debits.
    #[serde(rename = "type", default, deserialize_with = "crate::query::optional")]
    #[schemars(range(min = 0, max = 2))]
    pub kind: Option<i64>,
    /// Default 0.
    #[serde(default, deserialize_with = "crate::query::optional")]
    #[schemars(range(min = 0))]
    pub skip: Option<i64>,
    /// 1–100, default 10.
    #[serde(default, deserialize_with = "crate::query::optional")]
    #[schemars(range(min = 1, max = "POINT_LOG_MAX_TAKE"))]
    pub take: Option<i64>,
}

/// Largest page of `PointLog`.
pub const POINT_LOG_MAX_TAKE: i64 = 100;

/// One ledger entry.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PointEntry {
    pub id: i64,
    #[serde(rename = "userID")]
    pub user_id: i64,
    /// 1 credit, 2 debit.
    #[serde(rename = "type")]
    pub kind: i64,
    /// Points added (positive) or taken (negative).
    pub used: i64,
    /// The balance after this entry.
    pub balance: i64,
    pub remark: String,
    /// Who credited or debited: `app:<client id>` (the app's server),
    /// `user:<id>` (the user, where the app allows it) or `sign-up` (the
    /// bonus); null for entries of earlier releases.
    #[serde(rename = "creditedBy")]
    pub credited_by: Option<String>,
    /// `yyyy-MM-dd HH:mm:ss`, UTC.
    #[serde(rename = "createDate")]
    pub create_date: String,
}

/// A page of the ledger, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PointLog {
    pub total: i64,
    /// The current balance.
    pub balance: i64,
    pub data: Vec<PointEntry>,
}

/// `RechargePoints`: credits `price ×` the app's points per currency unit.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Recharge {
    /// The amount paid, greater than 0 and at most 1,000,000, with at most two decimals.
    pub price: Option<f64>,
    pub remark: Option<String>,
    /// The user to credit; required when the app's server calls, and when a
    /// user calls it may only be their own id. `userId` is accepted too.
    #[serde(rename = "userID", alias = "userId", default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
}

/// `ConsumePoints`: debits `points` from a user of the app.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Consume {
    /// Points to take: a whole number from 1 to 1,000,000,000, at most the
    /// user's balance.
    pub points: Option<i64>,
    /// Up to 200 characters, shown in `PointLog`.
    pub remark: Option<String>,
    /// The user to debit; required when the app's server calls, and when a
    /// user calls it may only be their own id. `userId` is accepted too.
    #[serde(rename = "userID", alias = "userId", default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
}

/// The `scheme` query of `/api/OAuth/{appId}/GrantCode`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct SchemeQuery {
    /// Always `app` (the default).
    #[serde(default, deserialize_with = "crate::query::optional")]
    pub scheme: Option<String>,
}

/// `GrantCode`: the user authenticates and allows a redirect target.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct GrantCodeRequest {
    /// `account`, `email`, `phone` (user name, email or phone with `password`) or `unionid`.
    pub grant_type: Option<String>,
    /// Space-separated scopes, e.g. `openid profile`.
    pub scopes: Option<String>,
    /// Must be in the app's GrantCode whitelist, or a registered redirect URI when the whitelist is empty.
    pub redirect_uri: Option<String>,
    #[serde(rename = "userName", alias = "username")]
    pub user_name: Option<String>,
    /// `pwd` is accepted too.
    #[serde(alias = "pwd")]
    pub password: Option<String>,
    #[serde(rename = "unionId", alias = "unionID", alias = "unionid")]
    pub union_id: Option<String>,
    pub platform: Option<String>,
    /// Lifetime of the access token `Authorize` will mint, in days: 1–99, default 1.
    #[serde(rename = "expireInDays")]
    pub expire_in_days: Option<i64>,
}

/// A one-time code for `Authorize`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct GrantCode {
    /// 32 hexadecimal characters, valid once.
    pub code: String,
    /// Seconds the code is valid: 120.
    pub expires_in: i64,
}

/// The query of `/api/OAuth/{appId}/Authorize`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct AuthorizeCodeQuery {
    /// Always `app` (the default).
    #[serde(default, deserialize_with = "crate::query::optional")]
    pub scheme: Option<String>,
    #[serde(default, deserialize_with = "crate::query::optional")]
    pub code: Option<String>,
}

/// A consent the caller gave.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppConsent {
    pub id: i64,
    /// The app the consent was given to.
    #[serde(rename = "appID")]
    pub app_id: i64,
    /// `yyyy-MM-dd HH:mm:ss`, UTC.
    pub create_date: String,
    pub last_update: String,
    /// How it was given: `account`, `email`, `phone`, `unionid`, or `authorization_code` (the hosted consent page).
    pub grant_type: String,
    pub redirect_uri: String,
    pub remark: String,
    /// Space-separated.
    pub scopes: String,
    /// `yyyy-MM-dd HH:mm:ss`, UTC; null when it does not expire.
    pub expire_date: Option<String>,
}
