//! The token endpoint's grants and the access tokens it issues: RFC 9068 JWTs
//! signed with the tenant-independent ES256 key ring.

use super::Caller;
use crate::app::App;
use crate::crypto::secret;
use crate::error::{Error, Result};
use crate::store::{clients, now_ms, tenants::TenantRef};
use keyward_api::access::grants;
use keyward_api::client::Client;
use keyward_api::error::OAuthError;
use keyward_api::oauth::{TokenRequest, TokenResponse};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Grant types the token endpoint issues tokens for.
pub const GRANT_TYPES: &[&str] = &["client_credentials"];
/// Client authentication methods the token endpoint accepts.
pub const AUTH_METHODS: &[&str] = &["client_secret_basic", "client_secret_post"];
/// Claims the server sets itself; clients cannot configure them.
pub const RESERVED_CLAIMS: &[&str] =
    &["iss", "sub", "aud", "exp", "nbf", "iat", "jti", "scope", "client_id", "tenant_id", "tenant_name", "typ"];
/// JOSE `typ` of access tokens (RFC 9068 §2.1).
pub const ACCESS_TOKEN_TYP: &str = "at+jwt";

/// The claims of an access token (RFC 9068 §2.2).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    pub nbf: i64,
    pub jti: String,
    pub client_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scope: String,
    /// OAuthApp's tenant claims (contract §2.3), as strings.
    pub tenant_id: String,
    pub tenant_name: String,
    /// The client's configured claims.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// How the client presented its credentials.
#[derive(Debug, Clone, Default)]
pub struct ClientCredentials {
    /// From `Authorization: Basic`, already form-decoded.
    pub basic: Option<(String, String)>,
}

/// The audience of tokens for Keyward's own APIs: the issuer itself.
pub fn own_audience(app: &App) -> &str {
    app.issuer()
}

/// Handles a token request for `tenant`.
pub async fn token(
    app: &App,
    tenant: &TenantRef,
    credentials: ClientCredentials,
    request: TokenRequest,
) -> Result<TokenResponse, OAuthError> {
    if tenant.status == 2 {
        return Err(OAuthError::unauthorized_client("this tenant is disabled"));
    }
    let client = authenticate(app, tenant, credentials, &request).await?;
    match request.grant_type.as_str() {
        "client_credentials" => client_credentials(app, tenant, &client, request.scope.as_deref()),
        "" => Err(OAuthError::invalid_request("grant_type is required")),
        other => Err(OAuthError::unsupported_grant_type(format!("grant_type {other:?} is not supported"))),
    }
}

/// RFC 6749 §2.3: one authentication method per request; secrets compared
/// by digest in constant time. Every failure reads the same.
async fn authenticate(
    app: &App,
    tenant: &TenantRef,
    credentials: ClientCredentials,
    request: &TokenRequest,
) -> Result<Client, OAuthError> {
    let (client_id, presented) = match (credentials.basic, &request.client_id, &request.client_secret) {
        (Some(_), _, Some(_)) => {
            return Err(OAuthError::invalid_request("use one client authentication method, not two"));
        }
        (Some((id, secret)), form_id, None) => {
            if form_id.as_ref().is_some_and(|f| *f != id) {
                return Err(OAuthError::invalid_request("client_id does not match the authenticated client"));
            }
            (id, Some(secret))
        }
        (None, Some(id), secret) => (id.clone(), secret.clone()),
        (None, None, _) => return Err(OAuthError::invalid_client("client authentication is required")),
    };
    let failed = || OAuthError::invalid_client("client authentication failed");
    let mut conn = app.store.conn().await.map_err(|_| OAuthError::server_error())?;
    let (client, digests) = clients::by_client_id(&mut conn, tenant.id, &client_id)
        .await
        .map_err(|_| OAuthError::server_error())?
        .ok_or_else(failed)?;
    if !client.enabled {
        return Err(failed());
    }
    if client.require_client_secret {
        let presented = presented.ok_or_else(failed)?;
        let now = now_ms();
        let valid = digests
            .iter()
            .filter(|d| d.expires_at.is_none_or(|at| at > now))
            .fold(false, |found, d| found | secret::matches(&presented, &d.sha256));
        if !valid {
            return Err(failed());
        }
    } else if presented.is_some() {
        return Err(failed());
    }
    Ok(client)
}

fn client_credentials(
    app: &App,
    tenant: &TenantRef,
    client: &Client,
    scope: Option<&str>,
) -> Result<TokenResponse, OAuthError> {
    if !client.require_client_secret {
        return Err(OAuthError::unauthorized_client("public clients cannot use client_credentials"));
    }
    if !client.allowed_grant_types.iter().any(|g| g.grant_type == "client_credentials") {
        return Err(OAuthError::unauthorized_client("this client may not use client_credentials"));
    }
    let allowed: Vec<&str> = client.allowed_scopes.iter().map(|s| s.scope.as_str()).collect();
    let granted: Vec<&str> = match scope.map(str::split_whitespace) {
        Some(requested) => {
            let requested: Vec<&str> = requested.collect();
            if let Some(refused) = requested.iter().find(|r| !allowed.iter().any(|a| grants(a, r))) {
                return Err(OAuthError::invalid_scope(format!("scope {refused:?} is not allowed for this client")));
            }
            requested
        }
        None => allowed,
    };
    let now = now_ms() / 1000;
    let claims = AccessClaims {
        iss: app.issuer().to_string(),
        sub: client.client_id.clone(),
        aud: own_audience(app).to_string(),
        exp: now + client.access_token_lifetime,
        iat: now,
        nbf: now,
        jti: uuid::Uuid::new_v4().simple().to_string(),
        client_id: client.client_id.clone(),
        scope: granted.join(" "),
        tenant_id: tenant.id.to_string(),
        tenant_name: tenant.name.clone(),
        extra: client.claims.iter().map(|c| (c.claim_type.clone(), Value::String(c.value.clone()))).collect(),
    };
    let access_token = app.keys.sign(ACCESS_TOKEN_TYP, &claims).map_err(|_| OAuthError::server_error())?;
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer".into(),
        expires_in: client.access_token_lifetime,
        scope: (!claims.scope.is_empty()).then_some(claims.scope),
    })
}

/// Validates a bearer access token presented to `tenant`'s admin API. Tokens
/// of the default tenant are accepted by every tenant.
pub async fn caller(app: &App, tenant: &TenantRef, token: &str) -> Result<Caller> {
    let invalid = |why: &str| Error::Unauthorized(format!("invalid access token: {why}"));
    let (header, claims): (Value, AccessClaims) =
        app.keys.verify(token).await.map_err(|e| Error::Unauthorized(format!("invalid access token: {e}")))?;
    if header["typ"] != ACCESS_TOKEN_TYP {
        return Err(invalid("not an access token"));
    }
    let now = now_ms() / 1000;
    if claims.exp <= now {
        return Err(invalid("expired"));
    }
    if claims.nbf > now + 60 {
        return Err(invalid("not yet valid"));
    }
    if claims.iss != app.issuer() || claims.aud != own_audience(app) {
        return Err(invalid("wrong issuer or audience"));
    }
    let home_tenant: i64 = claims.tenant_id.parse().map_err(|_| invalid("malformed tenant_id"))?;
    if home_tenant != tenant.id && home_tenant != app.default_tenant {
        return Err(invalid("issued for another tenant"));
    }
    Ok(Caller {
        tenant: tenant.clone(),
        home_tenant,
        scopes: claims.scope.split_whitespace().map(str::to_string).collect(),
    })
}
