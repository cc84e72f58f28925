//! Seed 004's user and role endpoints (a Spring Security OAuth server's
//! `/users/…`, `/userDetail/…` and `/roles/list`). Wire names are the
//! seed's; bodies are JSON, and a field the seed does not name is refused.

use crate::oauth::{HttpHandlerResult, refusal};
use dropshot::{ApiEndpointResponse, ErrorStatusCode, HttpError, HttpResponse, HttpResponseError, HttpResponseOk};
use http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Seed 004's envelope: `{"status": 200, "message": …}` on success.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct SpringResult<T> {
    /// Always 200.
    pub status: u16,
    /// The answer: a user id, a user, a user detail, roles, or `true`.
    pub message: T,
}

/// A failure of seed 004's user endpoints: `{"status", "error"}`, `status`
/// equal to the HTTP status.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct SpringError {
    /// The HTTP status: 400, 401, 403, 404, 409, 413, 422, 429, 500 or 503.
    pub status: u16,
    /// What went wrong, precisely enough to fix the request; never a secret.
    pub error: String,
    /// Seconds to wait, sent as `Retry-After` with a 429 or 503; not part of the body.
    #[serde(skip)]
    pub retry_after: Option<u64>,
    /// The `WWW-Authenticate` challenge of a 401; not part of the body.
    #[serde(skip)]
    pub challenge: Option<String>,
}

impl SpringError {
    pub fn new(status: u16, error: impl Into<String>) -> Self {
        SpringError { status, error: error.into(), retry_after: None, challenge: None }
    }
}

impl fmt::Display for SpringError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.status, self.error)
    }
}

/// Dropshot's own extractor failures (bad JSON, a missing field, a wrong
/// type, an oversize body) keep their precise message.
impl From<HttpError> for SpringError {
    fn from(error: HttpError) -> Self {
        SpringError::new(crate::error::request_error_status(&error), error.external_message)
    }
}

impl HttpResponseError for SpringError {
    fn status_code(&self) -> ErrorStatusCode {
        ErrorStatusCode::from_u16(self.status).unwrap_or(ErrorStatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// An answer of seed 004's user endpoints. A refusal travels here rather
/// than as the operation's [`SpringError`] when it needs a header —
/// `WWW-Authenticate` on a 401, `Retry-After` on a 429 or 503 — which
/// dropshot's error path cannot add; the document describes it as the error.
#[derive(Debug)]
pub enum SpringReply<T> {
    Done(SpringResult<T>),
    Refused(SpringError),
}

impl<T: JsonSchema + Serialize + Send + Sync + 'static> HttpResponse for SpringReply<T> {
    fn to_result(self) -> HttpHandlerResult {
        let error = match self {
            SpringReply::Done(body) => return HttpResponseOk(body).to_result(),
            SpringReply::Refused(error) => error,
        };
        let mut builder = http::Response::builder().status(error.status);
        if let Some(challenge) = &error.challenge {
            builder = builder.header(http::header::WWW_AUTHENTICATE, challenge);
        }
        if let Some(seconds) = error.retry_after {
            builder = builder.header(http::header::RETRY_AFTER, seconds);
        }
        refusal(builder, &error)
    }

    fn response_metadata() -> ApiEndpointResponse {
        HttpResponseOk::<SpringResult<T>>::response_metadata()
    }

    fn status_code(&self) -> StatusCode {
        match self {
            SpringReply::Done(_) => StatusCode::OK,
            SpringReply::Refused(e) => StatusCode::from_u16(e.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        }
    }
}

/// `/users/register`: a new account.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SpringRegister {
    /// 1–64 characters without whitespace; unique in the tenant, ignoring case.
    pub username: String,
    /// The app's minimum length (default 8) to 128 characters.
    pub password: String,
}

/// A role named by id or by name (`roleName`): each item of a `roleList`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SpringRoleRef {
    pub id: Option<i64>,
    pub role_name: Option<String>,
}

/// `/users/save`: a user made by an admin.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SpringUserSave {
    /// 1–256 characters without whitespace; unique in the tenant, ignoring case.
    pub username: String,
    /// 8 to 128 characters; without one the account signs in only by code or `sign`.
    pub password: Option<String>,
    /// Must be absent or null: ids are assigned by the server.
    pub id: Option<i64>,
    /// Roles to give, by `roleName` (or `id`).
    #[serde(default)]
    pub role_list: Vec<SpringRoleRef>,
}

/// `/users/update`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SpringUserUpdate {
    /// The user's id.
    pub id: i64,
    /// A new phone number (digits, optional leading `+`, 5–20 characters),
    /// stored unverified; `""` removes it.
    pub phone: Option<String>,
    /// Not kept here: a non-empty value is refused (422). Identities are
    /// linked by the `sign` grant of the app that verified them.
    pub open_id: Option<String>,
}

/// `/users/pwd/update`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SpringPasswordUpdate {
    /// The user whose password changes.
    pub user_id: i64,
    /// The current password: required when users change their own.
    pub old_password: Option<String>,
    /// 8 to 128 characters.
    pub new_password: String,
}

/// `/users/role/update`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SpringRoleUpdate {
    /// The user's id.
    pub id: i64,
    /// Every role the user is to hold, by `id` (or `roleName`); `[]` removes all.
    pub role_list: Vec<SpringRoleRef>,
}

/// `/users/find`: by `id`, else by `username`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SpringUserFind {
    /// Wins over `username` when given.
    pub id: Option<i64>,
    /// Exact user name, ignoring case.
    pub username: Option<String>,
}

/// `/userDetail/get`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SpringUserId {
    /// The user's id.
    pub id: i64,
}

/// A role: an item of `/roles/list` and of a user's `roleList`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SpringRole {
    pub id: i64,
    pub role_name: String,
}

/// A user as `/users/find` shows it (never with a password or its hash).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SpringUser {
    pub id: i64,
    pub username: String,
    pub phone: Option<String>,
    /// The identifier of the user's `openid` link, if any.
    pub open_id: Option<String>,
    pub role_list: Vec<SpringRole>,
    /// `yyyy-MM-dd HH:mm:ss` (UTC).
    pub create_time: String,
}

/// A user's detail (seed 004's `UserDetail`), over Keyward's user: `name`
/// is the nick name, `phone` the phone number, `images` the avatar; `age`,
/// `gender`, `addr`, `nation`, `instruction` and `birthday` are the user's
/// claims `age`, `gender`, `addr`, `nation`, `instruction` and `birthdate`
/// (OpenID Connect's names where it has one). Unset fields are null.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SpringUserDetail {
    /// The user's id.
    pub id: i64,
    pub name: Option<String>,
    pub age: Option<String>,
    pub phone: Option<String>,
    pub gender: Option<String>,
    pub addr: Option<String>,
    /// The account's creation time, `yyyy-MM-dd HH:mm:ss` (UTC). Read-only:
    /// `/userDetail/update` checks its form and keeps the stored one.
    pub create_time: Option<String>,
    pub nation: Option<String>,
    pub instruction: Option<String>,
    pub images: Option<String>,
    /// `yyyy-MM-dd`.
    pub birthday: Option<String>,
}
