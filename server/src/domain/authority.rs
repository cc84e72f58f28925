//! No caller grants more than it holds. Every admin operation that mints,
//! grants or widens authority — a client's token, secrets or allowed scopes,
//! a user's roles, a role's permissions, an access profile's clients — asks
//! here first, so that one narrow permission (`isms.client.issuetoken`,
//! `isms.client.postsecretkey`, `isms.user.put`, …) never becomes more.
//!
//! The rule has two halves. What an operation would confer must lie within
//! the caller's own authority; and the principal it acts on (a client, a
//! user, a role) must hold nothing beyond it either — otherwise replacing
//! that principal's secret or password, or adding oneself to it, would hand
//! the caller its authority. Authority is of two kinds: Keyward's own
//! permissions (`isms.…`, `oauthapp.…`, with seed 001's wildcards), held when
//! the caller's token grants them; and API scopes (the tenant's API
//! resources' scopes, which tokens for those APIs carry), held when the
//! caller's token carries the scope itself or the caller may define API
//! scopes (`oauthapp.apiresource.put`: who may create a scope may hand it
//! out). Identity scopes (`openid`, `profile`, …) confer nothing. The
//! bootstrap admin clients are beyond every caller: the server's
//! configuration manages them, never the API.

use super::Caller;
use crate::error::{Error, Result};
use crate::store::{Conn, api_scopes, clients, profiles, roles, users};
use keyward_api::access::{grants, is_permission};
use keyward_api::client::Client;
use keyward_api::user::UserRole;

/// The permission that lets a caller hand out any API scope of its tenant.
const API_SCOPE_ADMIN: &str = "oauthapp.apiresource.put";

impl Caller {
    /// Whether the caller's token grants `permission`.
    pub fn holds(&self, permission: &str) -> bool {
        self.scopes.iter().any(|held| grants(held, permission))
    }
}

/// Refuses (403) when `scopes` name a permission the caller does not hold;
/// `what` says whose scopes they are, for the message.
pub fn within(caller: &Caller, what: &str, scopes: impl IntoIterator<Item = impl AsRef<str>>) -> Result<()> {
    for scope in scopes {
        let scope = scope.as_ref();
        if is_permission(scope) && !caller.holds(scope) {
            return Err(beyond(what, scope));
        }
    }
    Ok(())
}

/// As [`within`], and refuses API scopes of `tenant` the caller does not
/// hold (see the module's comment).
pub async fn scopes_within(
    conn: &mut Conn,
    caller: &Caller,
    tenant: i64,
    what: &str,
    scopes: impl IntoIterator<Item = impl AsRef<str>>,
) -> Result<()> {
    let scopes: Vec<String> = scopes.into_iter().map(|s| s.as_ref().to_string()).collect();
    within(caller, what, &scopes)?;
    if caller.holds(API_SCOPE_ADMIN) {
        return Ok(());
    }
    let api = api_scopes::names(conn, tenant).await?;
    match scopes.iter().find(|s| api.contains(s) && !caller.scopes.contains(s)) {
        Some(scope) => Err(beyond(what, scope)),
        None => Ok(()),
    }
}

fn beyond(what: &str, scope: &str) -> Error {
    Error::Forbidden(format!(
        "{what} holds `{scope}`, which your token does not: no caller can grant more than it holds"
    ))
}

/// A client the caller may act on: not a bootstrap admin client, and
/// allowed nothing beyond the caller.
pub async fn client(conn: &mut Conn, caller: &Caller, client: &Client) -> Result<()> {
    not_bootstrap(conn, client).await?;
    let allowed = client.allowed_scopes.iter().map(|s| s.scope.as_str());
    scopes_within(conn, caller, caller.tenant.id, &format!("client {}", client.id), allowed).await
}

/// Refuses (403) any change to a bootstrap admin client.
pub async fn not_bootstrap(conn: &mut Conn, client: &Client) -> Result<()> {
    if clients::is_bootstrap(conn, client.id).await? {
        return Err(Error::Forbidden(format!(
            "client {} is the bootstrap admin client: the server's configuration manages it \
             (KEYWARD_ADMIN_CLIENT_ID, KEYWARD_ADMIN_CLIENT_SECRET), not the API",
            client.id
        )));
    }
    Ok(())
}

/// Clients (by `clientId`) an access profile the caller writes would admit
/// users to: none allowed beyond the caller.
pub async fn profile_clients(conn: &mut Conn, caller: &Caller, tenant: i64, client_ids: &[String]) -> Result<()> {
    for client_id in client_ids {
        if let Some((client, _)) = clients::by_client_id(conn, tenant, client_id).await? {
            let allowed = client.allowed_scopes.iter().map(|s| s.scope.as_str());
            scopes_within(conn, caller, tenant, &format!("client {client_id:?}"), allowed).await?;
        }
    }
    Ok(())
}

/// Access profiles of `tenant` the caller may give a user: each admits only
/// to clients allowed nothing beyond the caller.
pub async fn profiles(conn: &mut Conn, caller: &Caller, tenant: i64, ids: &[i64]) -> Result<()> {
    for id in ids {
        if let Some(profile) = profiles::get(conn, tenant, *id).await? {
            profile_clients(conn, caller, tenant, &profile.clients).await?;
        }
    }
    Ok(())
}

/// Roles the caller may give a user: none holds a permission beyond the
/// caller's. Roles of another tenant or that do not exist are left to the
/// store's own checks.
pub async fn user_roles(conn: &mut Conn, caller: &Caller, tenant: i64, held: &[UserRole]) -> Result<()> {
    for role in held {
        if let Some(role) = roles::get(conn, tenant, role.role_id).await? {
            within(caller, &format!("role {:?}", role.name), &role.permissions)?;
        }
    }
    Ok(())
}

/// A user the caller may act on (change, delete, sign out, reset): one whose
/// roles hold no permission beyond the caller's.
pub async fn user(conn: &mut Conn, caller: &Caller, id: i64) -> Result<()> {
    within(caller, &format!("user {id}"), users::permissions(conn, id).await?)
}
