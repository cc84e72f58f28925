//! Wire types of the OAuth 2.0 / OpenID Connect endpoints.

use crate::error::{OAuthError, OAuthErrorCode};
use dropshot::{ApiEndpointResponse, HttpError, HttpResponse, HttpResponseHeaders, HttpResponseOk};
use http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

type HttpHandlerResult = Result<http::Response<dropshot::Body>, HttpError>;

/// A token request (RFC 6749 §4.4.2), sent form-encoded. The grant type is a
/// string, not an enum, so an unknown one yields `unsupported_grant_type`
/// rather than a parse error.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct TokenRequest {
    /// `client_credentials`.
    pub grant_type: String,
    /// Space-separated scopes; defaults to all the client may request.
    pub scope: Option<String>,
    /// For `client_secret_post` authentication.
    pub client_id: Option<String>,
    /// For `client_secret_post` authentication.
    pub client_secret: Option<String>,
}

/// A successful token response (RFC 6749 §5.1).
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
}

/// A public signing key (RFC 7517), EC P-256 for ES256.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Jwk {
    pub kty: String,
    pub crv: String,
    pub x: String,
    pub y: String,
    pub kid: String,
    pub alg: String,
    #[serde(rename = "use")]
    pub key_use: String,
}

/// The JSON Web Key Set that verifies Keyward's tokens.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

/// Authorization server metadata (RFC 8414, OpenID Connect Discovery 1.0):
/// only what this server actually supports.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ServerMetadata {
    pub issuer: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    pub grant_types_supported: Vec<String>,
    pub token_endpoint_auth_methods_supported: Vec<String>,
    pub response_types_supported: Vec<String>,
    pub scopes_supported: Vec<String>,
    pub subject_types_supported: Vec<String>,
    pub id_token_signing_alg_values_supported: Vec<String>,
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

type Issued = HttpResponseHeaders<HttpResponseOk<TokenResponse>, NoStoreHeaders>;

/// The token endpoint's answer. A refusal travels here rather than as the
/// operation's error type because it needs headers — `Cache-Control`, and
/// `WWW-Authenticate` for `invalid_client` (RFC 6749 §5.2) — which dropshot's
/// error path cannot add. The document still describes it as the 4XX error.
#[derive(Debug)]
pub enum TokenReply {
    Issued(TokenResponse),
    Refused(OAuthError),
}

impl HttpResponse for TokenReply {
    fn to_result(self) -> HttpHandlerResult {
        match self {
            TokenReply::Issued(tokens) => {
                HttpResponseHeaders::new(HttpResponseOk(tokens), NoStoreHeaders::default()).to_result()
            }
            TokenReply::Refused(error) => {
                let body = serde_json::to_vec(&error).map_err(|e| HttpError::for_internal_error(e.to_string()))?;
                let mut response = http::Response::builder()
                    .status(error.status)
                    .header(http::header::CONTENT_TYPE, "application/json")
                    .header(http::header::CACHE_CONTROL, "no-store")
                    .header(http::header::PRAGMA, "no-cache");
                if error.error == OAuthErrorCode::InvalidClient {
                    response =
                        response.header(http::header::WWW_AUTHENTICATE, r#"Basic realm="keyward", charset="UTF-8""#);
                }
                response.body(body.into()).map_err(|e| HttpError::for_internal_error(e.to_string()))
            }
        }
    }

    fn response_metadata() -> ApiEndpointResponse {
        Issued::response_metadata()
    }

    fn status_code(&self) -> StatusCode {
        match self {
            TokenReply::Issued(_) => StatusCode::OK,
            TokenReply::Refused(error) => StatusCode::from_u16(error.status).unwrap_or(StatusCode::BAD_REQUEST),
        }
    }
}
