//! Wire types of the OAuth 2.0 / OpenID Connect endpoints.

use crate::error::{OAuthError, OAuthErrorCode};
use dropshot::{ApiEndpointResponse, HttpError, HttpResponse, HttpResponseHeaders, HttpResponseOk};
use http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub(crate) type HttpHandlerResult = Result<http::Response<dropshot::Body>, HttpError>;

/// A refusal written by hand, for answers that need headers dropshot's error
/// path cannot add: `builder` has the status and headers, `body` becomes JSON.
pub(crate) fn refusal(builder: http::response::Builder, body: &impl Serialize) -> HttpHandlerResult {
    let body = serde_json::to_vec(body).map_err(|e| HttpError::for_internal_error(e.to_string()))?;
    builder
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(body.into())
        .map_err(|e| HttpError::for_internal_error(e.to_string()))
}

/// A token request (RFC 6749 §4.1.3, §4.3.2, §4.4.2, §6), sent
/// form-encoded. The grant type is a string, not an enum, so an unknown one
/// yields `unsupported_grant_type` rather than a parse error.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct TokenRequest {
    /// `authorization_code`, `refresh_token`, `password`, `client_credentials`,
    /// `mobile` or `sign`.
    pub grant_type: String,
    /// Space-separated scopes: for `client_credentials` and `password`, defaults
    /// to all the client may request; for `refresh_token`, narrows the grant's.
    pub scope: Option<String>,
    /// For `client_secret_post` authentication and public clients.
    pub client_id: Option<String>,
    /// For `client_secret_post` authentication.
    pub client_secret: Option<String>,
    /// `authorization_code`: the code from the authorization response.
    pub code: Option<String>,
    /// `authorization_code`: exactly the redirect URI of the authorization request.
    pub redirect_uri: Option<String>,
    /// `authorization_code`: the PKCE verifier (RFC 7636).
    pub code_verifier: Option<String>,
    /// `refresh_token`: the refresh token.
    pub refresh_token: Option<String>,
    /// `password`: user name, email or phone number.
    pub username: Option<String>,
    /// `password`: the user's password.
    pub password: Option<String>,
    /// `mobile` (seed 004): the phone number the `code` was sent to.
    pub mobile: Option<String>,
    /// `sign` (seed 004): the user's openId or unionId, verified by the client.
    pub sign: Option<String>,
    /// `sign`: the platform of the identifier (default `openid`).
    pub platform: Option<String>,
    /// RFC 8707: the name of one API resource (its audience) the access
    /// token is for; the token carries only that resource's scopes.
    /// `invalid_target` when unknown or when the client may request none of
    /// its scopes. For `client_credentials`, `authorization_code`,
    /// `refresh_token` and `password`.
    pub resource: Option<String>,
}

/// `/mobile/token` (seed 004): the `mobile` grant without `grant_type`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct MobileTokenRequest {
    /// The phone number.
    pub mobile: String,
    /// The 6-digit code from `/mobile/code/get`.
    pub code: String,
    pub scope: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
}

/// `/sign/token` (seed 004): the `sign` grant without `grant_type`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct SignTokenRequest {
    /// The user's openId or unionId, verified by the client.
    pub sign: String,
    /// The platform of the identifier (default `openid`).
    pub platform: Option<String>,
    pub scope: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
}

/// `/mobile/code/get` and `/mobile/code/verify`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct MobileCodeRequest {
    /// The phone number.
    pub mobile: String,
    /// `/mobile/code/verify`: the code to check.
    pub code: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
}

/// A code was sent.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CodeSent {
    /// Seconds the code stays valid: 600.
    pub expires_in: i64,
}

/// A code was checked.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CodeChecked {
    /// Always true: a wrong code is a 400.
    pub valid: bool,
}

/// A successful token response (RFC 6749 §5.1, OpenID Connect Core §3.1.3.3).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// The granted scopes, space-separated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Present when the client may use the `refresh_token` grant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Present when the grant includes the `openid` scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

/// An authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, OpenID Connect
/// Core §3.1.2.1). Every field is optional here so that each missing or
/// malformed one gets its precise error, on a page or by redirect.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct AuthorizeRequest {
    /// `code`.
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    /// Must equal one of the client's registered redirect URIs.
    pub redirect_uri: Option<String>,
    pub scope: Option<String>,
    /// Returned unchanged to the client.
    pub state: Option<String>,
    /// Copied into the ID token.
    pub nonce: Option<String>,
    /// RFC 7636 challenge, 43 to 128 characters.
    pub code_challenge: Option<String>,
    /// `S256` (default) or, if the client allows it, `plain`.
    pub code_challenge_method: Option<String>,
    /// Space-separated: `none`, `login`, `consent`.
    pub prompt: Option<String>,
    /// Seconds since the user last signed in beyond which they must again.
    pub max_age: Option<String>,
    /// `query` (default) or `form_post`.
    pub response_mode: Option<String>,
    /// Prefills the sign-in name.
    pub login_hint: Option<String>,
    /// Not supported: refused with `request_not_supported`.
    pub request: Option<String>,
    /// Not supported: refused with `request_uri_not_supported`.
    pub request_uri: Option<String>,
    /// RFC 8707: the name of one API resource the tokens are for; the grant
    /// keeps the identity scopes and only that resource's API scopes.
    pub resource: Option<String>,
}

/// The hosted sign-in form's submission.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct LoginForm {
    /// The authorization request, as its query string.
    pub request: String,
    pub csrf: String,
    /// User name, email or phone number.
    pub username: String,
    pub password: String,
}

/// The hosted consent form's submission.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct ConsentForm {
    /// The authorization request, as its query string.
    pub request: String,
    pub csrf: String,
    /// `allow` or `deny`.
    pub decision: String,
    /// Present (any value) to remember the consent.
    pub remember: Option<String>,
}

/// RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0 §2).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct LogoutRequest {
    /// An ID token Keyward issued to the client (expired ones are accepted).
    pub id_token_hint: Option<String>,
    /// Must be registered for the client named by the hint.
    pub post_logout_redirect_uri: Option<String>,
    /// Returned unchanged with the redirect.
    pub state: Option<String>,
    pub client_id: Option<String>,
}

/// The logout confirmation page's submission: the logout request (without
/// hint) and the page's CSRF token.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct LogoutConfirmForm {
    pub client_id: Option<String>,
    pub post_logout_redirect_uri: Option<String>,
    pub state: Option<String>,
    pub csrf: String,
}

/// An introspection or revocation request (RFC 7662 §2.1, RFC 7009 §2.1),
/// form-encoded, from an authenticated client.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct TokenTypeHintRequest {
    pub token: String,
    /// `access_token` or `refresh_token`; only a hint.
    pub token_type_hint: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
}

/// RFC 7662 §2.2. Inactive tokens carry only `active: false`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Introspection {
    pub active: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// `Bearer` for access tokens, `refresh_token` for refresh tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// A string, or an array of strings when the token is for several API
    /// resources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aud: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
    /// For an API resource introspecting a user's token: the user claims the
    /// resource's `userClaims` name.
    #[serde(flatten)]
    pub user_claims: std::collections::BTreeMap<String, serde_json::Value>,
}

/// What RFC 7009 revocation answers: an empty object.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Revoked {}

/// OpenID Connect Core §5.1 claims of the user, as released by the identity
/// resources of the token's scopes: `sub` always; by default `profile` gives
/// name, preferred_username, nickname, picture, updated_at; `email` gives
/// email, email_verified; `phone` gives phone_number, phone_number_verified.
/// Claims of custom identity resources come from the user's own claims.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct UserInfo {
    pub sub: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub picture: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number_verified: Option<bool>,
    /// Claims of custom identity resources.
    #[serde(flatten)]
    pub other: std::collections::BTreeMap<String, String>,
}

/// A JWS algorithm Keyward signs with (RFC 7518 §3). Every tenant keeps a
/// key of each; both are published in its JWKS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum SigningAlg {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (2048-bit keys); OpenID Connect's default.
    RS256,
    /// ECDSA on P-256 with SHA-256: small and fast.
    ES256,
}

impl SigningAlg {
    pub const ALL: [SigningAlg; 2] = [SigningAlg::RS256, SigningAlg::ES256];

    pub fn as_str(self) -> &'static str {
        match self {
            SigningAlg::RS256 => "RS256",
            SigningAlg::ES256 => "ES256",
        }
    }

    pub fn parse(name: &str) -> Option<SigningAlg> {
        SigningAlg::ALL.into_iter().find(|alg| alg.as_str() == name)
    }
}

/// A public signing key (RFC 7517): `kty` `RSA` with `n` and `e` for RS256,
/// `EC` with `crv` `P-256`, `x` and `y` for ES256.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Jwk {
    pub kty: String,
    pub kid: String,
    pub alg: String,
    #[serde(rename = "use")]
    pub key_use: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crv: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
}

/// The JSON Web Key Set that verifies the tokens of the tenant asked.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

/// Authorization server metadata (RFC 8414, OpenID Connect Discovery 1.0):
/// only what this server actually supports.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ServerMetadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub userinfo_endpoint: String,
    pub jwks_uri: String,
    pub introspection_endpoint: String,
    pub revocation_endpoint: String,
    pub end_session_endpoint: String,
    pub scopes_supported: Vec<String>,
    pub claims_supported: Vec<String>,
    pub response_types_supported: Vec<String>,
    pub response_modes_supported: Vec<String>,
    pub grant_types_supported: Vec<String>,
    pub token_endpoint_auth_methods_supported: Vec<String>,
    pub introspection_endpoint_auth_methods_supported: Vec<String>,
    pub revocation_endpoint_auth_methods_supported: Vec<String>,
    pub code_challenge_methods_supported: Vec<String>,
    pub prompt_values_supported: Vec<String>,
    pub subject_types_supported: Vec<String>,
    pub id_token_signing_alg_values_supported: Vec<String>,
    pub userinfo_signing_alg_values_supported: Vec<String>,
    pub claims_parameter_supported: bool,
    pub request_parameter_supported: bool,
    pub request_uri_parameter_supported: bool,
    /// RFC 9207: authorization responses carry `iss`.
    pub authorization_response_iss_parameter_supported: bool,
    pub service_documentation: String,
}

/// Headers of every token endpoint answer (RFC 6749 §5.1).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct NoStoreHeaders {
    /// Always `no-store`.
    #[serde(rename = "Cache-Control")]
    pub cache_control: String,
    /// Always `no-cache`.
    #[serde(rename = "Pragma")]
    pub pragma: String,
}

impl Default for NoStoreHeaders {
    fn default() -> Self {
        NoStoreHeaders { cache_control: "no-store".into(), pragma: "no-cache".into() }
    }
}

/// An OAuth endpoint's JSON answer. A refusal travels here rather than as
/// the operation's error type because it needs headers — `Cache-Control`,
/// and the `WWW-Authenticate` challenge of `invalid_client` (RFC 6749 §5.2)
/// and `invalid_token` (RFC 6750 §3) — which dropshot's error path cannot
/// add. The document still describes it as the 4XX error.
#[derive(Debug)]
pub enum OAuthReply<T> {
    Done(T),
    Refused(OAuthError),
}

/// The token endpoint's answer.
pub type TokenReply = OAuthReply<TokenResponse>;

fn challenge(error: &OAuthError) -> Option<String> {
    let description = error.error_description.as_deref().unwrap_or("").replace(['"', '\\'], "'");
    match error.error {
        OAuthErrorCode::InvalidClient => Some(r#"Basic realm="keyward", charset="UTF-8""#.to_string()),
        OAuthErrorCode::InvalidToken | OAuthErrorCode::InsufficientScope => Some(format!(
            r#"Bearer realm="keyward", error="{}", error_description="{description}""#,
            error.error.as_str()
        )),
        _ => None,
    }
}

impl<T: JsonSchema + Serialize + Send + Sync + 'static> HttpResponse for OAuthReply<T> {
    fn to_result(self) -> HttpHandlerResult {
        match self {
            OAuthReply::Done(body) => {
                HttpResponseHeaders::new(HttpResponseOk(body), NoStoreHeaders::default()).to_result()
            }
            OAuthReply::Refused(error) => {
                let mut response = http::Response::builder()
                    .status(error.status)
                    .header(http::header::CACHE_CONTROL, "no-store")
                    .header(http::header::PRAGMA, "no-cache");
                if let Some(challenge) = challenge(&error) {
                    response = response.header(http::header::WWW_AUTHENTICATE, challenge);
                }
                if let Some(seconds) = error.retry_after {
                    response = response.header(http::header::RETRY_AFTER, seconds);
                }
                refusal(response, &error)
            }
        }
    }

    fn response_metadata() -> ApiEndpointResponse {
        HttpResponseHeaders::<HttpResponseOk<T>, NoStoreHeaders>::response_metadata()
    }

    fn status_code(&self) -> StatusCode {
        match self {
            OAuthReply::Done(_) => StatusCode::OK,
            OAuthReply::Refused(error) => StatusCode::from_u16(error.status).unwrap_or(StatusCode::BAD_REQUEST),
        }
    }
}
