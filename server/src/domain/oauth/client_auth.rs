//! Client authentication at the token, introspection and revocation
//! endpoints (RFC 6749 §2.3): `client_secret_basic`, `client_secret_post`,
//! and `none` for public clients.

use crate::app::App;
use crate::crypto::secret;
use crate::error::Refusal;
use crate::store::{now_ms, tenants::TenantRef};
use keyward_api::client::Client;
use keyward_api::error::OAuthError;

/// Client authentication methods the endpoints accept.
pub const AUTH_METHODS: &[&str] = &["client_secret_basic", "client_secret_post", "none"];

/// How the client presented itself.
#[derive(Debug, Clone, Default)]
pub struct Presented {
    /// From `Authorization: Basic`, already form-decoded.
    pub basic: Option<(String, String)>,
    /// From the form body.
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
}

/// One authentication method per request; secrets compared by digest in
/// constant time; every failure reads the same. A public client presents
/// only its `client_id`.
pub async fn authenticate(app: &App, tenant: &TenantRef, presented: Presented) -> Result<Client, Refusal> {
    if tenant.status == 2 {
        return Err(OAuthError::unauthorized_client("this tenant is disabled").into());
    }
    let (client_id, secret) = match (presented.basic, presented.client_id, presented.client_secret) {
        (Some(_), _, Some(_)) => {
            return Err(OAuthError::invalid_request("use one client authentication method, not two").into());
        }
        (Some((id, secret)), form_id, None) => {
            if form_id.is_some_and(|f| f != id) {
                return Err(OAuthError::invalid_request("client_id does not match the authenticated client").into());
            }
            (id, Some(secret))
        }
        (None, Some(id), secret) => (id, secret),
        (None, None, _) => return Err(OAuthError::invalid_client("client authentication is required").into()),
    };
    let failed = || Refusal::OAuth(OAuthError::invalid_client("client authentication failed"));
    let (client, digests) = app.client(tenant.id, &client_id).await?.ok_or_else(failed)?;
    if !client.enabled {
        return Err(failed());
    }
    match (client.require_client_secret, secret) {
        (true, Some(secret)) => {
            let now = now_ms();
            let valid = digests
                .iter()
                .filter(|d| d.expires_at.is_none_or(|at| at > now))
                .fold(false, |found, d| found | secret::matches(&secret, &d.sha256));
            if valid { Ok(client) } else { Err(failed()) }
        }
        (false, None) => Ok(client),
        _ => Err(failed()),
    }
}
