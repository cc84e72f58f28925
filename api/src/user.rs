//! Users of a tenant (contract §3.4 `AppUser`, the fields Keyward keeps).

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A role held by a user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserRole {
    pub role_id: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserClaim {
    pub claim_type: String,
    pub claim_value: String,
}

/// A user as stored (never with a password or its hash).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: i64,
    pub user_name: String,
    pub email: Option<String>,
    pub email_confirmed: bool,
    pub phone_number: Option<String>,
    pub phone_number_confirmed: bool,
    pub nick_name: String,
    pub avatar: String,
    /// Opaque application data (usually JSON text).
    pub data: String,
    pub roles: Vec<UserRole>,
    pub claims: Vec<UserClaim>,
    /// Ids of the access profiles (`/profile`) the user holds.
    pub profiles: Vec<i64>,
    /// The user this one signed up through (their referrer), if any.
    #[serde(rename = "parentUserID")]
    pub parent_user_id: Option<i64>,
    pub is_deleted: bool,
    pub create_date: DateTime<Utc>,
    pub last_update_time: DateTime<Utc>,
}

/// Fields of a new user.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserCreate {
    /// 1 to 256 characters, no whitespace; unique in the tenant, ignoring case.
    pub user_name: String,
    /// 8 to 128 characters. Stored only as an argon2id hash.
    pub password: Option<String>,
    pub email: Option<String>,
    pub email_confirmed: Option<bool>,
    /// Digits, optionally with a leading `+`; 5 to 20 characters.
    pub phone_number: Option<String>,
    pub phone_number_confirmed: Option<bool>,
    pub nick_name: Option<String>,
    pub avatar: Option<String>,
    pub data: Option<String>,
    #[serde(default)]
    pub roles: Vec<UserRole>,
    #[serde(default)]
    pub claims: Vec<UserClaim>,
    /// Ids of access profiles of the tenant the user holds.
    #[serde(default)]
    pub profiles: Vec<i64>,
    /// The referrer: a live user of the same tenant this user signed up
    /// through. Set at creation only.
    #[serde(rename = "parentUserID", default)]
    pub parent_user_id: Option<i64>,
}

/// Changes to a user: each field present replaces the stored value.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserUpdate {
    pub user_name: Option<String>,
    /// A new password (8 to 128 characters).
    pub password: Option<String>,
    pub email: Option<String>,
    pub email_confirmed: Option<bool>,
    pub phone_number: Option<String>,
    pub phone_number_confirmed: Option<bool>,
    pub nick_name: Option<String>,
    pub avatar: Option<String>,
    pub data: Option<String>,
    pub roles: Option<Vec<UserRole>>,
    pub claims: Option<Vec<UserClaim>>,
    /// Replaces the access profiles the user holds.
    pub profiles: Option<Vec<i64>>,
}

/// A live browser session of a user at the hosted sign-in page. Its id is
/// never shown: the session cookie carries it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserSession {
    /// When the user signed in.
    pub auth_time: DateTime<Utc>,
    pub expiration: DateTime<Utc>,
}

/// A live grant of a user: one authorization of a client (a sign-in, a code
/// exchange, a password or app sign-in), whose refresh tokens form one family
/// and whose access tokens are revoked with it. No token is ever shown.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserGrant {
    pub id: String,
    /// The client (app) the grant was made to.
    pub client_id: String,
    /// Space-separated scopes granted.
    pub scope: String,
    /// Whether it rests on a consent the user gave (hosted consent page, app-scheme Authorize).
    pub consented: bool,
    /// When the user authenticated.
    pub auth_time: DateTime<Utc>,
    pub created: DateTime<Utc>,
    /// The absolute end of its refresh-token family.
    pub expiration: DateTime<Utc>,
}

crate::list_query! {
    /// Filters of the user list.
    UserListQuery {
        /// Only users whose user name or nick name contains this text (case-insensitive).
        #[serde(rename = "q.name")]
        name: Option<String>,
        /// Exact email.
        #[serde(rename = "q.email")]
        email: Option<String>,
        /// Exact phone number.
        #[serde(rename = "q.phoneNumber")]
        phone_number: Option<String>,
        /// Only holders of the role with this name.
        #[serde(rename = "q.role")]
        role: Option<String>,
    }
}

/// What `HEAD /api/User` looks a user up by: at least one of them; with
/// several, one user must match them all.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserExistsQuery {
    /// The user name, in any case.
    pub user_name: Option<String>,
    /// The email address, in any case.
    pub email: Option<String>,
    /// The phone number, exactly.
    pub phone_number: Option<String>,
}

/// The body of an answer to `HEAD`: none (RFC 9110 §9.3.2), so its schema
/// is empty and the document lists no content.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct NoBody;

impl JsonSchema for NoBody {
    fn schema_name() -> String {
        "NoBody".into()
    }
    fn is_referenceable() -> bool {
        false
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::schema::Schema {
        schemars::schema::Schema::Bool(false)
    }
}

/// Filters of a user's team.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct DistributorQuery {
    /// Only members whose `lineage` starts with this text (e.g. `/1/5/`: the
    /// part of the team under user 5).
    pub path: Option<String>,
}

/// A member of a user's team: a user in their downline (who signed up
/// through them, or through one of those, and so on).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Distributor {
    pub id: i64,
    pub user_name: String,
    pub nick_name: String,
    pub avatar: String,
    /// How many live users are in this member's own downline.
    pub members: i64,
    /// Always 0: Keyward records no sales.
    pub sales: i64,
    /// The member's referrer.
    #[serde(rename = "parentUserID")]
    pub parent_user_id: i64,
    /// How far below the team's owner: 1 for users who signed up through
    /// them directly.
    pub lineage_level: i64,
    /// The ids from the top of the referral tree down to this member, as
    /// `/1/5/9/`.
    pub lineage: String,
}

/// The phone number a code is sent to (seed 001's `PhoneNumber`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserPhone {
    /// Digits, optionally with a leading `+`; 5 to 20 characters.
    pub phone_number: String,
}

/// Where a registration code is e-mailed.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserEmail {
    /// An address of 3 to 256 characters; compared case-insensitively.
    pub email: String,
}

/// A registration by phone code (seed 001's "用户 - 注册 - 提交", the fields
/// Keyward keeps).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserRegister {
    /// The phone number the registration code was sent to; stored verified.
    pub phone_number: String,
    /// The registration code sent to it.
    pub phone_number_verify_code: String,
    /// 8 to 128 characters. Stored only as an argon2id hash.
    pub password: String,
    /// Default the phone number.
    pub user_name: Option<String>,
    pub nick_name: Option<String>,
    /// Stored unverified unless `emailVerifyCode` proves it.
    pub email: Option<String>,
    /// The registration code `POST /api/UserRegistration/EmailCode` sent to
    /// `email`: with it the address is stored verified.
    pub email_verify_code: Option<String>,
    /// The referrer: a live user of the tenant (becomes `parentUserID`).
    #[serde(rename = "refereeID")]
    pub referee_id: Option<i64>,
}

/// A password reset by phone code (seed 001's "用户 - 忘记密码").
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserPasswordReset {
    pub phone_number: String,
    /// The password-reset code sent to it.
    pub phone_number_verify_code: String,
    /// The new password, 8 to 128 characters.
    pub password: String,
}
