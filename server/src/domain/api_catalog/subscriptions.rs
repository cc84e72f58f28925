//! E-mail subscribers of an API's releases, with double opt-in: an admin
//! asks an address to confirm, and only the link e-mailed to it subscribes
//! it — by the button of the page it opens, since mail scanners open links. Links carry codes signed with the server's MAC key, bound to their
//! purpose, tenant and API, and expiring; nothing is stored until the
//! owner of the address follows one. Codes are never logged.

use super::validate;
use crate::crypto::mac::Mac;
use crate::domain::Caller;
use crate::error::{Error, Result};
use crate::state::State;
use crate::store::api_catalog::{self, SubscriberRow};
use crate::store::locks::{Table, first_missing};
use crate::store::tenants::TenantRef;
use crate::store::{Conn, to_time};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use keyward_api::api_catalog::ApiSubscriber;

impl From<SubscriberRow> for ApiSubscriber {
    fn from(row: SubscriberRow) -> ApiSubscriber {
        ApiSubscriber { id: row.id, email: row.email, created: to_time(row.created_at) }
    }
}

/// What a link does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// `AddSubscription`: confirms a subscription, for 30 minutes.
    Add,
    /// `DelSubscription`: cancels it, for 30 days.
    Delete,
}

impl Link {
    fn purpose(self) -> &'static str {
        match self {
            Link::Add => "api-subscription-add",
            Link::Delete => "api-subscription-delete",
        }
    }

    fn lifetime_secs(self) -> i64 {
        match self {
            Link::Add => 30 * 60,
            Link::Delete => 30 * 24 * 3600,
        }
    }

    fn path(self) -> &'static str {
        match self {
            Link::Add => "AddSubscription",
            Link::Delete => "DelSubscription",
        }
    }
}

/// The code of a `link` for `email` on API `api` of `tenant`, valid until
/// `expires` (Unix seconds).
pub fn code(mac: &Mac, link: Link, tenant: i64, api: i64, email: &str, expires: i64) -> String {
    mac.seal(link.purpose(), &format!("{tenant}.{api}.{expires}.{}", B64.encode(email)))
}

/// The address a valid, unexpired code for `link` on API `api` of `tenant`
/// names. The signature is checked first, in constant time.
fn open(state: &State, link: Link, tenant: i64, api: i64, code: &str) -> Result<String> {
    let invalid = || Error::BadRequest("the subscription code is not valid".into());
    let value = state.mac.open(link.purpose(), code).ok_or_else(invalid)?;
    let mut parts = value.splitn(4, '.');
    let mut number = || parts.next().and_then(|part| part.parse::<i64>().ok());
    let (Some(for_tenant), Some(for_api), Some(expires)) = (number(), number(), number()) else {
        return Err(invalid());
    };
    if (for_tenant, for_api) != (tenant, api) {
        return Err(invalid());
    }
    if expires < state.clock.now_secs() {
        return Err(Error::Gone("the subscription link has expired; ask for a new one".into()));
    }
    let email = parts.next().and_then(|encoded| B64.decode(encoded).ok()).and_then(|raw| String::from_utf8(raw).ok());
    email.ok_or_else(invalid)
}

/// The link of `link` for `email`, on the tenant's issuer (its public URL).
fn url(state: &State, tenant: &TenantRef, link: Link, api: i64, email: &str) -> String {
    let expires = state.clock.now_secs() + link.lifetime_secs();
    let code = code(&state.mac, link, tenant.id, api, email, expires);
    format!("{}/api/ApiResource/{api}/{}?code={code}", tenant.issuer.trim_end_matches('/'), link.path())
}

async fn api_exists(conn: &mut Conn, tenant: i64, api: i64) -> Result<()> {
    match first_missing(conn, Table::ApiResources, tenant, &[api]).await? {
        Some(_) => Err(Error::NotFound(format!("API resource {api} does not exist"))),
        None => Ok(()),
    }
}

pub async fn list(state: &State, caller: &Caller, api: i64) -> Result<Vec<ApiSubscriber>> {
    let mut conn = state.store.conn().await?;
    api_exists(&mut conn, caller.tenant.id, api).await?;
    Ok(api_catalog::subscribers(&mut conn, caller.tenant.id, api).await?.into_iter().map(ApiSubscriber::from).collect())
}

/// Sends `email` the link that confirms its subscription.
pub async fn ask(state: &State, log: &slog::Logger, caller: &Caller, api: i64, email: &str) -> Result<bool> {
    validate::email("email", email)?;
    let email = email.to_lowercase();
    let mut conn = state.store.conn().await?;
    api_exists(&mut conn, caller.tenant.id, api).await?;
    if api_catalog::is_subscribed(&mut conn, api, &email).await? {
        return Err(Error::Conflict("this address is already subscribed to the API".into()));
    }
    drop(conn);
    let link = url(state, &caller.tenant, Link::Add, api, &email);
    let body = format!(
        "Someone asked to send the release notes of an API of {} to this address.\n\n\
         To confirm, open this link within 30 minutes:\n\n{link}\n\n\
         If it was not you, ignore this message: nothing happens without the link.\n",
        caller.tenant.name
    );
    state.delivery.email(log, &email, "Confirm your API subscription", &body).await?;
    Ok(true)
}

/// The address a valid `AddSubscription` code would subscribe, for the page
/// that asks its owner to confirm; nothing is stored.
pub async fn pending(state: &State, tenant: &TenantRef, api: i64, code: &str) -> Result<String> {
    let email = open(state, Link::Add, tenant.id, api, code)?;
    let mut conn = state.store.conn().await?;
    api_exists(&mut conn, tenant.id, api).await?;
    if api_catalog::is_subscribed(&mut conn, api, &email).await? {
        return Err(Error::Conflict("this address is already subscribed to the API".into()));
    }
    Ok(email)
}

/// Subscribes the address an `AddSubscription` code names (posted from the
/// page of [`pending`]), then e-mails it the link that unsubscribes it.
pub async fn add(state: &State, log: &slog::Logger, tenant: &TenantRef, api: i64, code: &str) -> Result<ApiSubscriber> {
    let email = open(state, Link::Add, tenant.id, api, code)?;
    let mut tx = state.store.begin().await?;
    api_exists(&mut tx, tenant.id, api).await?;
    let subscriber = api_catalog::add_subscriber(&mut tx, tenant.id, api, &email, state.clock.now_ms()).await?.into();
    tx.commit().await?;
    let link = url(state, tenant, Link::Delete, api, &email);
    let body = format!("You are subscribed. To unsubscribe, open this link within 30 days:\n\n{link}\n");
    // The subscription stands even if this message cannot be sent (the
    // delivery logs why).
    let _ = state.delivery.email(log, &email, "API subscription confirmed", &body).await;
    Ok(subscriber)
}

/// Unsubscribes the address a `DelSubscription` code names.
pub async fn delete(state: &State, tenant: &TenantRef, api: i64, code: &str) -> Result<bool> {
    let email = open(state, Link::Delete, tenant.id, api, code)?;
    let mut tx = state.store.begin().await?;
    api_exists(&mut tx, tenant.id, api).await?;
    if !api_catalog::remove_subscriber(&mut tx, tenant.id, api, &email).await? {
        return Err(Error::NotFound("this address is not subscribed to the API".into()));
    }
    tx.commit().await?;
    Ok(true)
}
