//! Client authentication at the token, introspection and revocation
//! endpoints (RFC 6749 §2.3): `client_secret_basic`, `client_secret_post`,
//! and `none` for public clients; and API resources' authentication at
//! introspection, under the same throttle.

use super::login::{self, LoginFailure};
use crate::crypto::secret;
use crate::error::{Error, Refusal};
use crate::state::State;
use crate::store::{api_resources, tenants::TenantRef};
use keyward_api::api_resource::ApiResource;
use keyward_api::client::Client;
use keyward_api::error::{OAuthError, OAuthErrorCode};
use std::net::IpAddr;

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

/// Failed authentications allowed per client, and per client address,
/// within the sign-in throttling window.
const CLIENT_LIMIT: i64 = 20;
const ADDRESS_LIMIT: i64 = 50;

/// Who proved a secret: a client, or (at introspection) an API resource.
pub enum Authenticated {
    Client(Box<Client>),
    Resource(Box<ApiResource>),
}

/// One authentication method per request; secrets compared by digest in
/// constant time; every failure reads the same. A public client presents
/// only its `client_id`.
pub async fn authenticate(
    state: &State,
    tenant: &TenantRef,
    presented: Presented,
    ip: IpAddr,
) -> Result<Client, Refusal> {
    let (client_id, secret) = credentials(tenant, presented)?;
    throttled(state, tenant, &client_id, ip, check(state, tenant, &client_id, secret)).await
}

/// As [`authenticate`], where an API resource may present its name and one
/// of its secrets instead (introspection). Both count against the one
/// throttle of the name presented, so guessing a resource's secret is no
/// cheaper than guessing a client's.
pub async fn authenticate_client_or_resource(
    state: &State,
    tenant: &TenantRef,
    presented: Presented,
    ip: IpAddr,
) -> Result<Authenticated, Refusal> {
    let (name, secret) = credentials(tenant, presented)?;
    let checked = async {
        if let Some(secret) = &secret
            && let Some(resource) = resource(state, tenant, &name, secret).await?
        {
            return Ok(Some(Authenticated::Resource(Box::new(resource))));
        }
        Ok(check(state, tenant, &name, secret).await?.map(|client| Authenticated::Client(Box::new(client))))
    };
    throttled(state, tenant, &name, ip, checked).await
}

/// The enabled API resource `name` if `secret` is one of its live secrets.
/// Only names of enabled resources (cached) cost a database read.
async fn resource(state: &State, tenant: &TenantRef, name: &str, secret: &str) -> Result<Option<ApiResource>, Refusal> {
    if !state.catalog_outside_transaction(tenant.id).await?.resources.iter().any(|r| r.name == name) {
        return Ok(None);
    }
    Ok(api_resources::authenticate(&mut *state.store.conn().await?, tenant.id, name, secret, state.clock.now_ms())
        .await?)
}

/// The (id, secret) presented by exactly one authentication method.
fn credentials(tenant: &TenantRef, presented: Presented) -> Result<(String, Option<String>), Refusal> {
    if tenant.is_disabled() {
        return Err(OAuthError::unauthorized_client("this tenant is disabled").into());
    }
    match (presented.basic, presented.client_id, presented.client_secret) {
        (Some(_), _, Some(_)) => {
            Err(OAuthError::invalid_request("use one client authentication method, not two").into())
        }
        (Some((id, secret)), form_id, None) => {
            if form_id.is_some_and(|f| f != id) {
                return Err(OAuthError::invalid_request("client_id does not match the authenticated client").into());
            }
            Ok((id, Some(secret)))
        }
        (None, Some(id), secret) => Ok((id, secret)),
        (None, None, _) => Err(OAuthError::invalid_client("client authentication is required").into()),
    }
}

/// Runs `check` — `None` when the secret presented for `id` is wrong —
/// under the failure throttle.
///
/// Failures are counted per presented id and per client address (`ip`) in
/// the database, like failed sign-ins. An id or address that failed at this
/// replica within the window is suspect: its attempts here are reserved
/// before they are evaluated, and refused once at the limit. Others cost no
/// database access at all, so client_credentials stays as fast as it was.
async fn throttled<T>(
    state: &State,
    tenant: &TenantRef,
    id: &str,
    ip: IpAddr,
    check: impl Future<Output = Result<Option<T>, Refusal>>,
) -> Result<T, Refusal> {
    let keys = [format!("client:{}:{id}", tenant.id), format!("client-ip:{}", crate::domain::address::bucket(ip))];
    let limits = [(keys[0].as_str(), CLIENT_LIMIT), (keys[1].as_str(), ADDRESS_LIMIT)];
    let suspect = keys.iter().any(|key| state.client_auth_failures.get(key).is_some());
    if suspect && let Some(locked) = login::reserve(state, &limits).await? {
        return Err(throttled_refusal(locked));
    }
    match check.await? {
        Some(found) => {
            if suspect {
                login::settle(state, &[&keys[0], &keys[1]], false).await?;
            }
            Ok(found)
        }
        None => {
            for key in &keys {
                state.client_auth_failures.put(key.clone(), ());
            }
            // A suspect's attempt was reserved before; another's now.
            if !suspect && let Some(locked) = login::reserve(state, &limits).await? {
                return Err(throttled_refusal(locked));
            }
            login::settle(state, &[&keys[0], &keys[1]], true).await?;
            Err(OAuthError::invalid_client("client authentication failed").into())
        }
    }
}

/// HTTP basic client authentication outside the OAuth endpoints (the
/// end-user API, seed 004's user endpoints): a failure is the domain's 401,
/// or its 429 while the client or the address is locked.
pub async fn authenticate_basic(
    state: &State,
    tenant: &TenantRef,
    basic: (String, String),
    ip: IpAddr,
) -> crate::error::Result<Client> {
    let presented = Presented { basic: Some(basic), ..Presented::default() };
    authenticate(state, tenant, presented, ip).await.map_err(|refusal| match refusal {
        Refusal::OAuth(e) if e.status == 401 => Error::Unauthorized("client authentication failed".into()),
        Refusal::OAuth(e) if e.status == 429 => {
            Error::TooMany { message: e.error_description.unwrap_or_default(), retry_after: e.retry_after }
        }
        Refusal::OAuth(e) if e.status == 503 => {
            Error::Busy { message: e.error_description.unwrap_or_default(), retry_after: e.retry_after.unwrap_or(1) }
        }
        other => other.into(),
    })
}

fn throttled_refusal(locked: LoginFailure) -> Refusal {
    let retry_after = match locked {
        LoginFailure::Throttled { retry_after } => Some(retry_after),
        LoginFailure::Incorrect => None,
    };
    Refusal::OAuth(OAuthError {
        retry_after,
        ..OAuthError::new(429, OAuthErrorCode::InvalidClient, "too many failed client authentications; wait and retry")
    })
}

/// The enabled client `client_id` if `secret` is one of its unexpired
/// secrets (or it is public and presented none); `None` otherwise.
async fn check(
    state: &State,
    tenant: &TenantRef,
    client_id: &str,
    secret: Option<String>,
) -> Result<Option<Client>, Refusal> {
    let Some((client, digests)) = state.client(tenant.id, client_id).await? else { return Ok(None) };
    if !client.enabled {
        return Ok(None);
    }
    let valid = match (client.require_client_secret, secret) {
        (true, Some(secret)) => {
            let now = state.clock.now_ms();
            digests
                .iter()
                .filter(|d| d.expires_at.is_none_or(|at| at > now))
                .fold(false, |found, d| found | secret::matches(&secret, &d.sha256))
        }
        (false, None) => true,
        _ => false,
    };
    Ok(valid.then_some(client))
}
