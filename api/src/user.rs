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
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
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
