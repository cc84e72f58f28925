//! OAuth clients ("apps"), shaped like IdentityServer4's `Client` entity
//! (contract §3.4) so OAuthApp admin tooling keeps working.

use crate::oauth::SigningAlg;
use crate::tenant::Property;
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClientGrantType {
    /// `authorization_code`, `refresh_token`, `password` or `client_credentials`.
    /// Refresh tokens are issued only to clients allowed `refresh_token`.
    pub grant_type: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClientRedirectUri {
    /// Absolute URI, matched exactly.
    pub redirect_uri: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClientPostLogoutRedirectUri {
    pub post_logout_redirect_uri: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ClientScope {
    pub scope: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ClientCorsOrigin {
    /// `scheme://host[:port]`, no path.
    pub origin: String,
}

/// The form of the access tokens a client receives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AccessTokenType {
    /// A self-contained RFC 9068 JWT, verifiable with the JWKS.
    #[default]
    Jwt,
    /// An opaque handle, stored hashed and validated by introspection.
    Reference,
}

/// A claim added to every token issued to the client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ClientClaim {
    #[serde(rename = "type")]
    pub claim_type: String,
    pub value: String,
}

/// What `POST /api/Client/{id}/IssueToken` mints.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClientTokenIssue {
    /// Space-separated scopes, each allowed to the client; default all it is allowed.
    pub scope: Option<String>,
    /// Seconds the token lives, 1 to the client's `accessTokenLifetime` (the default).
    pub lifetime: Option<i64>,
}

/// A client as stored.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Client {
    pub id: i64,
    pub client_id: String,
    pub client_name: String,
    pub description: String,
    pub enabled: bool,
    /// True for a confidential client (it authenticates with a secret).
    pub require_client_secret: bool,
    pub client_secrets: Vec<crate::secret::SecretInfo>,
    /// Whether one of its secrets is `weak` (imported shorter than 8
    /// characters under `allowWeakSecret`).
    pub has_weak_secret: bool,
    pub allowed_grant_types: Vec<ClientGrantType>,
    pub redirect_uris: Vec<ClientRedirectUri>,
    pub post_logout_redirect_uris: Vec<ClientPostLogoutRedirectUri>,
    pub allowed_scopes: Vec<ClientScope>,
    pub allowed_cors_origins: Vec<ClientCorsOrigin>,
    pub require_pkce: bool,
    pub allow_plain_text_pkce: bool,
    /// Whether the hosted consent page asks the user before the first grant.
    pub require_consent: bool,
    pub access_token_type: AccessTokenType,
    /// What its ID tokens are signed with (OpenID Connect Registration's
    /// `id_token_signed_response_alg`).
    pub id_token_signed_response_alg: SigningAlg,
    /// What its JWT access tokens are signed with; null: the algorithm the
    /// token's API resource allows, else ES256.
    pub access_token_signing_alg: Option<SigningAlg>,
    /// Seconds.
    pub access_token_lifetime: i64,
    pub identity_token_lifetime: i64,
    pub authorization_code_lifetime: i64,
    pub absolute_refresh_token_lifetime: i64,
    pub sliding_refresh_token_lifetime: i64,
    /// Seconds, 0 to 300, after a refresh token's first use in which it may
    /// be used once more (a retry after a lost response) for a new token
    /// pair without revoking its family; any other reuse revokes the family.
    /// 0: every reuse does.
    pub refresh_token_rotation_grace_period: i64,
    pub claims: Vec<ClientClaim>,
    pub properties: Vec<Property>,
    /// Whether the client issues tokens only to users holding an access
    /// profile (`/profile`) that contains it; others are refused
    /// (`invalid_grant`, `access_denied`, or 403 at the end-user API).
    pub require_profile: bool,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

/// Fields of a new client. Omitted settings take IdentityServer's defaults.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClientCreate {
    /// 1 to 200 characters of `A-Z a-z 0-9 . _ ~ : -`; unique in the tenant.
    pub client_id: String,
    pub client_name: Option<String>,
    pub description: Option<String>,
    /// Default true.
    pub enabled: Option<bool>,
    /// Default true: a secret is generated and returned once (or
    /// `clientSecret` is imported).
    pub require_client_secret: Option<bool>,
    /// Import this secret instead of generating one (a client that already
    /// uses it elsewhere, like seed 004's `web-client:YunQue`): 8 to 1024
    /// characters, no control characters, stored as its SHA-256 digest and
    /// not returned. Only for a confidential client.
    pub client_secret: Option<String>,
    /// Accept a `clientSecret` shorter than 8 characters; the secret is
    /// marked weak. Default false.
    pub allow_weak_secret: Option<bool>,
    #[serde(default)]
    pub allowed_grant_types: Vec<ClientGrantType>,
    #[serde(default)]
    pub redirect_uris: Vec<ClientRedirectUri>,
    #[serde(default)]
    pub post_logout_redirect_uris: Vec<ClientPostLogoutRedirectUri>,
    #[serde(default)]
    pub allowed_scopes: Vec<ClientScope>,
    #[serde(default)]
    pub allowed_cors_origins: Vec<ClientCorsOrigin>,
    /// Default true.
    pub require_pkce: Option<bool>,
    /// Default false.
    pub allow_plain_text_pkce: Option<bool>,
    /// Default false.
    pub require_consent: Option<bool>,
    /// Default `jwt`.
    pub access_token_type: Option<AccessTokenType>,
    /// Default RS256, as OpenID Connect expects.
    pub id_token_signed_response_alg: Option<SigningAlg>,
    /// Default null: the algorithm the token's API resource allows, else ES256.
    pub access_token_signing_alg: Option<SigningAlg>,
    /// Seconds, default 3600.
    pub access_token_lifetime: Option<i64>,
    /// Seconds, default 300.
    pub identity_token_lifetime: Option<i64>,
    /// Seconds, default 60.
    pub authorization_code_lifetime: Option<i64>,
    /// Seconds, default 2592000 (30 days).
    pub absolute_refresh_token_lifetime: Option<i64>,
    /// Seconds, default 1296000 (15 days).
    pub sliding_refresh_token_lifetime: Option<i64>,
    /// Seconds, 0 to 300, default 0: see `Client`.
    pub refresh_token_rotation_grace_period: Option<i64>,
    #[serde(default)]
    pub claims: Vec<ClientClaim>,
    #[serde(default)]
    pub properties: Vec<Property>,
    /// Default false: see `Client`.
    pub require_profile: Option<bool>,
}

/// Changes to a client: each field present replaces the stored value.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClientUpdate {
    pub client_name: Option<String>,
    pub description: Option<String>,
    pub enabled: Option<bool>,
    pub allowed_grant_types: Option<Vec<ClientGrantType>>,
    pub redirect_uris: Option<Vec<ClientRedirectUri>>,
    pub post_logout_redirect_uris: Option<Vec<ClientPostLogoutRedirectUri>>,
    pub allowed_scopes: Option<Vec<ClientScope>>,
    pub allowed_cors_origins: Option<Vec<ClientCorsOrigin>>,
    pub require_pkce: Option<bool>,
    pub allow_plain_text_pkce: Option<bool>,
    pub require_consent: Option<bool>,
    pub access_token_type: Option<AccessTokenType>,
    pub id_token_signed_response_alg: Option<SigningAlg>,
    /// Once set, it stays set: choose RS256 or ES256.
    pub access_token_signing_alg: Option<SigningAlg>,
    pub access_token_lifetime: Option<i64>,
    pub identity_token_lifetime: Option<i64>,
    pub authorization_code_lifetime: Option<i64>,
    pub absolute_refresh_token_lifetime: Option<i64>,
    pub sliding_refresh_token_lifetime: Option<i64>,
    /// Seconds, 0 to 300: see `Client`.
    pub refresh_token_rotation_grace_period: Option<i64>,
    pub claims: Option<Vec<ClientClaim>>,
    pub properties: Option<Vec<Property>>,
    /// See `Client`.
    pub require_profile: Option<bool>,
}

/// What creating a client returns: its ids and, for a confidential client
/// with a generated secret, the secret — shown this once and never again
/// (null for a public client and for an imported `clientSecret`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClientCreated {
    pub id: i64,
    pub client_id: String,
    pub client_secret: Option<String>,
}

crate::list_query! {
    /// Filters of the client list.
    ClientListQuery {
        /// Exact client id.
        #[serde(rename = "q.ClientID")]
        client_id: Option<String>,
        /// Exact client name.
        #[serde(rename = "q.ClientName")]
        client_name: Option<String>,
    }
}
