//! Error bodies of the admin and OAuth surfaces.

use dropshot::{ErrorStatusCode, HttpError, HttpResponseError};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An admin API failure: `{code, codeName, message, data: null}` with `code`
/// equal to the HTTP status.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdminError {
    /// The HTTP status (400, 401, 403, 404, 409, 413, 415, 422, 500, 503), or a
    /// business code from `GET /api/Codes/{resource}` (such as 100001).
    pub code: u32,
    /// A stable name for the code, e.g. `NotFound`.
    pub code_name: String,
    /// What went wrong, precisely enough to fix the request.
    pub message: String,
    /// Always null on failure.
    #[schemars(schema_with = "always_null")]
    pub data: Option<()>,
    /// The HTTP status; not part of the body.
    #[serde(skip, default = "internal_status")]
    pub status: u16,
}

/// A field that is always `null`: no type, nullable. schemars' own schema
/// for `Option<()>` is `enum: [null]`, which generators turn into a
/// TypeScript `never` or refuse.
fn always_null(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
    let mut schema = schemars::schema::SchemaObject::default();
    schema.extensions.insert("nullable".into(), true.into());
    schema.into()
}

fn internal_status() -> u16 {
    500
}

impl AdminError {
    pub fn new(status: u16, message: impl Into<String>) -> Self {
        let code_name = match status {
            400 => "HasError",
            401 => "Unauthorized",
            403 => "NoPermission",
            404 => "NotFound",
            409 => "Conflict",
            410 => "Gone",
            413 => "PayloadTooLarge",
            415 => "UnsupportedMediaType",
            422 => "UnprocessableEntity",
            429 => "TooManyRequests",
            501 => "NotImplemented",
            502 => "BadGateway",
            503 => "ServiceUnavailable",
            _ => "ExpectationFailed",
        };
        AdminError { code: status.into(), code_name: code_name.into(), message: message.into(), data: None, status }
    }
    /// The same failure under a business code of [`crate::error_codes::CODES`].
    pub fn with_business(self, entry: &crate::error_codes::CodeEntry) -> Self {
        AdminError { code: entry.code, code_name: entry.name.into(), ..self }
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, message)
    }
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(401, message)
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(403, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(404, message)
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(409, message)
    }
    pub fn unprocessable(message: impl Into<String>) -> Self {
        Self::new(422, message)
    }
    pub fn internal() -> Self {
        Self::new(500, "internal error; see the server log for the request id")
    }
}

impl fmt::Display for AdminError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.code, self.code_name, self.message)
    }
}

/// Dropshot's own extractor failures (bad JSON, bad query, oversize body) keep
/// their precise message but take the admin envelope.
impl From<HttpError> for AdminError {
    fn from(error: HttpError) -> Self {
        AdminError::new(request_error_status(&error), error.external_message)
    }
}

impl HttpResponseError for AdminError {
    fn status_code(&self) -> ErrorStatusCode {
        ErrorStatusCode::from_u16(self.status).unwrap_or(ErrorStatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// The status for one of dropshot's request errors. Dropshot reports an
/// oversize body as 400; HTTP has 413 for exactly that.
pub fn request_error_status(error: &HttpError) -> u16 {
    if error.external_message.starts_with("request body exceeded maximum size") {
        413
    } else {
        error.status_code.as_u16()
    }
}

/// The RFC 6749 §5.2 error codes Keyward emits (the authorization
/// responses' ones: RFC 6749 §4.1.2.1, OpenID Connect Core §3.1.2.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OAuthErrorCode {
    /// A parameter is missing, repeated, malformed or not supported.
    InvalidRequest,
    /// Client authentication failed (unknown client, wrong secret, no credentials).
    InvalidClient,
    /// The code, refresh token or password is invalid, expired, revoked or not the client's.
    InvalidGrant,
    /// The client may not use this grant type.
    UnauthorizedClient,
    /// The grant type is not one this server supports.
    UnsupportedGrantType,
    /// A requested scope is unknown or not allowed to the client.
    InvalidScope,
    /// RFC 8707 §2: the `resource` is unknown or not allowed to the client.
    InvalidTarget,
    /// An internal error; the server log has the request id.
    ServerError,
    /// Overloaded or the database is unavailable; retry after `Retry-After` seconds.
    TemporarilyUnavailable,
    /// RFC 6750 §3.1: the bearer token is missing, expired, revoked or malformed.
    InvalidToken,
    /// RFC 6750 §3.1: the token lacks a scope the resource needs.
    InsufficientScope,
    /// The user or the server refused the authorization request (RFC 6749 §4.1.2.1).
    AccessDenied,
    /// The `response_type` is not `code`.
    UnsupportedResponseType,
    /// `prompt=none` but the user is not signed in.
    LoginRequired,
    /// `prompt=none` but the user has not consented.
    ConsentRequired,
    /// A `request` object was sent (OpenID Connect Core §6); not supported.
    RequestNotSupported,
    /// A `request_uri` was sent (OpenID Connect Core §6); not supported.
    RequestUriNotSupported,
}

impl OAuthErrorCode {
    /// The code as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            OAuthErrorCode::InvalidRequest => "invalid_request",
            OAuthErrorCode::InvalidClient => "invalid_client",
            OAuthErrorCode::InvalidGrant => "invalid_grant",
            OAuthErrorCode::UnauthorizedClient => "unauthorized_client",
            OAuthErrorCode::UnsupportedGrantType => "unsupported_grant_type",
            OAuthErrorCode::InvalidScope => "invalid_scope",
            OAuthErrorCode::InvalidTarget => "invalid_target",
            OAuthErrorCode::ServerError => "server_error",
            OAuthErrorCode::TemporarilyUnavailable => "temporarily_unavailable",
            OAuthErrorCode::InvalidToken => "invalid_token",
            OAuthErrorCode::InsufficientScope => "insufficient_scope",
            OAuthErrorCode::AccessDenied => "access_denied",
            OAuthErrorCode::UnsupportedResponseType => "unsupported_response_type",
            OAuthErrorCode::LoginRequired => "login_required",
            OAuthErrorCode::ConsentRequired => "consent_required",
            OAuthErrorCode::RequestNotSupported => "request_not_supported",
            OAuthErrorCode::RequestUriNotSupported => "request_uri_not_supported",
        }
    }
}

/// An RFC 6749 §5.2 error: `{error, error_description}`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct OAuthError {
    /// The HTTP status; not part of the body.
    #[serde(skip, default = "bad_request")]
    pub status: u16,
    pub error: OAuthErrorCode,
    /// Human-readable detail; never contains a secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
    /// Seconds to wait, sent as `Retry-After` with a 429; not part of the body.
    #[serde(skip)]
    pub retry_after: Option<u64>,
}

fn bad_request() -> u16 {
    400
}

impl OAuthError {
    pub fn new(status: u16, error: OAuthErrorCode, description: impl Into<String>) -> Self {
        OAuthError { status, error, error_description: Some(description.into()), retry_after: None }
    }
    pub fn invalid_request(description: impl Into<String>) -> Self {
        Self::new(400, OAuthErrorCode::InvalidRequest, description)
    }
    /// Client authentication failed: always 401 with a challenge.
    pub fn invalid_client(description: impl Into<String>) -> Self {
        Self::new(401, OAuthErrorCode::InvalidClient, description)
    }
    pub fn invalid_grant(description: impl Into<String>) -> Self {
        Self::new(400, OAuthErrorCode::InvalidGrant, description)
    }
    pub fn unauthorized_client(description: impl Into<String>) -> Self {
        Self::new(400, OAuthErrorCode::UnauthorizedClient, description)
    }
    pub fn unsupported_grant_type(description: impl Into<String>) -> Self {
        Self::new(400, OAuthErrorCode::UnsupportedGrantType, description)
    }
    pub fn invalid_scope(description: impl Into<String>) -> Self {
        Self::new(400, OAuthErrorCode::InvalidScope, description)
    }
    pub fn invalid_target(description: impl Into<String>) -> Self {
        Self::new(400, OAuthErrorCode::InvalidTarget, description)
    }
    /// RFC 6750: the bearer token is not acceptable (401 with a challenge).
    pub fn invalid_token(description: impl Into<String>) -> Self {
        Self::new(401, OAuthErrorCode::InvalidToken, description)
    }
    pub fn insufficient_scope(description: impl Into<String>) -> Self {
        Self::new(403, OAuthErrorCode::InsufficientScope, description)
    }
    pub fn server_error() -> Self {
        Self::new(500, OAuthErrorCode::ServerError, "internal error; see the server log for the request id")
    }
}

impl fmt::Display for OAuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.error, self.error_description.as_deref().unwrap_or(""))
    }
}

/// Request parsing failures (bad form body, oversize body) are `invalid_request`.
impl From<HttpError> for OAuthError {
    fn from(error: HttpError) -> Self {
        let status = request_error_status(&error);
        let code = if status >= 500 { OAuthErrorCode::ServerError } else { OAuthErrorCode::InvalidRequest };
        OAuthError::new(status, code, error.external_message)
    }
}

impl HttpResponseError for OAuthError {
    fn status_code(&self) -> ErrorStatusCode {
        ErrorStatusCode::from_u16(self.status).unwrap_or(ErrorStatusCode::INTERNAL_SERVER_ERROR)
    }
}
