//! API scopes: the permissions a tenant's protected APIs define. Clients'
//! `allowedScopes` and API resources name them, so a named scope can be
//! neither renamed nor deleted.

use super::patch::merge;
use super::{Caller, named_scopes, validate};
use crate::error::{Error, Result};
use crate::state::State;
use crate::store::api_scopes;
use crate::store::locks::{Table, lock};
use crate::store::{Conn, api_resources, clients, identity_resources};
use keyward_api::access::is_permission;
use keyward_api::api_scope::{ApiScope, ApiScopeCreate, ApiScopeListQuery, ApiScopeUpdate, ApiUserClaim};
use keyward_api::envelope::Paged;
use std::collections::HashSet;

named_scopes::wire_conversions!(ApiScope, ApiUserClaim);

/// `tenant`'s API scope `id`, for the wire.
async fn get(conn: &mut Conn, tenant: i64, id: i64) -> Result<ApiScope> {
    Ok(api_scopes::get(conn, tenant, id).await?.ok_or_else(|| not_found(id))?.into())
}

/// The scope names a client of `tenant` may be allowed besides Keyward's
/// permissions: its identity resources and API scopes.
pub async fn known(conn: &mut Conn, tenant: i64) -> Result<HashSet<String>> {
    let mut names: HashSet<String> = identity_resources::names(conn, tenant).await?.into_iter().collect();
    names.extend(api_scopes::names(conn, tenant).await?);
    Ok(names)
}

/// Whether `scope` means something in a tenant whose [`known`] names are
/// `known`: one of them, or a Keyward admin permission (`isms.*`,
/// `oauthapp.*` and their wildcards — the built-in API whose audience is the
/// issuer).
pub fn resolves(known: &HashSet<String>, scope: &str) -> bool {
    is_permission(scope) || known.contains(scope)
}

/// The checks a scope's fields must pass on their own.
pub(super) fn check(scope: &ApiScope) -> Result<()> {
    validate::token("name", &scope.name, 200)?;
    if is_permission(&scope.name) {
        return Err(Error::Invalid(format!(
            "`name` {:?} is a Keyward permission (`isms.…`, `oauthapp.…`), which cannot be an API scope",
            scope.name
        )));
    }
    let claims = scope.user_claims.iter().map(|c| c.claim_type.as_str());
    named_scopes::check_details(&scope.display_name, &scope.description, claims, &scope.properties)
}

/// Refuses a name an identity resource of the tenant already has: a scope
/// name must mean one thing.
pub(super) async fn check_unclaimed(conn: &mut Conn, tenant: i64, name: &str) -> Result<()> {
    if identity_resources::names(conn, tenant).await?.iter().any(|n| n == name) {
        return Err(Error::Conflict(format!("`{name}` is already the name of an identity resource")));
    }
    Ok(())
}

/// Who names scope `name` in `tenant` ("the allowedScopes of clients `a`
/// and API resources `b`"), or `None` if no one does.
async fn references(conn: &mut Conn, tenant: i64, name: &str) -> Result<Option<String>> {
    let clients: Vec<String> = clients::allowed_scopes(conn, tenant)
        .await?
        .into_iter()
        .filter(|(_, scopes)| scopes.iter().any(|s| s == name))
        .map(|(client_id, _)| client_id)
        .collect();
    let resources = api_resources::containing(conn, tenant, name).await?;
    let mut parts = Vec::new();
    if !clients.is_empty() {
        parts.push(format!("the allowedScopes of clients {}", quoted(&clients)));
    }
    if !resources.is_empty() {
        parts.push(format!("API resources {}", quoted(&resources)));
    }
    Ok((!parts.is_empty()).then(|| parts.join(" and ")))
}

fn quoted(names: &[String]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

fn not_found(id: i64) -> Error {
    Error::NotFound(format!("API scope {id} does not exist"))
}

/// A new scope from a create body, defaults applied.
pub(super) fn from_create(body: ApiScopeCreate) -> ApiScope {
    ApiScope {
        id: 0,
        display_name: body.display_name.unwrap_or_else(|| body.name.clone()),
        name: body.name,
        description: body.description.unwrap_or_default(),
        enabled: body.enabled.unwrap_or(true),
        required: body.required.unwrap_or(false),
        emphasize: body.emphasize.unwrap_or(false),
        show_in_discovery_document: body.show_in_discovery_document.unwrap_or(true),
        user_claims: body.user_claims,
        properties: body.properties,
        created: Default::default(),
        updated: Default::default(),
    }
}

pub async fn list(state: &State, caller: &Caller, query: ApiScopeListQuery) -> Result<Paged<ApiScope>> {
    let (page, filter) = named_scopes::query(caller, &query.list(), query.name)?;
    let (total, rows) = api_scopes::list(&mut *state.store.conn().await?, &filter, &page).await?;
    let mut items: Vec<ApiScope> = rows.into_iter().map(ApiScope::from).collect();
    for scope in &mut items {
        if !query.expand_properties.unwrap_or(false) {
            scope.properties.clear();
        }
        if !query.expand_claims.unwrap_or(false) {
            scope.user_claims.clear();
        }
    }
    Ok(Paged::ok(total, page.skip, page.take, items))
}

pub async fn create(state: &State, caller: &Caller, body: ApiScopeCreate) -> Result<i64> {
    let scope = from_create(body);
    check(&scope)?;
    let mut tx = state.store.begin().await?;
    check_unclaimed(&mut tx, caller.tenant.id, &scope.name).await?;
    let id = api_scopes::insert(&mut tx, caller.tenant.id, &scope.into(), state.clock.now_ms()).await?;
    tx.commit().await?;
    state.forget_catalog();
    Ok(id)
}

pub async fn view(state: &State, caller: &Caller, id: i64) -> Result<ApiScope> {
    get(&mut *state.store.conn().await?, caller.tenant.id, id).await
}

pub async fn update(state: &State, caller: &Caller, id: i64, body: ApiScopeUpdate) -> Result<ApiScope> {
    let tenant = caller.tenant.id;
    let mut tx = state.store.begin().await?;
    lock(&mut tx, Table::ApiScopes, tenant, id).await?;
    let current = get(&mut tx, tenant, id).await?;
    let old_name = current.name.clone();
    let mut scope = current;
    merge!(scope <- body; name, display_name, description, enabled, required, emphasize,
        show_in_discovery_document, user_claims, properties);
    check(&scope)?;
    if scope.name != old_name {
        if let Some(users) = references(&mut tx, tenant, &old_name).await? {
            return Err(Error::Conflict(format!("API scope `{old_name}` cannot be renamed: it is named by {users}")));
        }
        check_unclaimed(&mut tx, tenant, &scope.name).await?;
    }
    api_scopes::save(&mut tx, tenant, &scope.into(), state.clock.now_ms()).await?;
    let saved = get(&mut tx, tenant, id).await?;
    tx.commit().await?;
    state.forget_catalog();
    Ok(saved)
}

pub async fn delete(state: &State, caller: &Caller, id: i64) -> Result<i64> {
    let tenant = caller.tenant.id;
    let mut tx = state.store.begin().await?;
    lock(&mut tx, Table::ApiScopes, tenant, id).await?;
    let current = get(&mut tx, tenant, id).await?;
    if let Some(users) = references(&mut tx, tenant, &current.name).await? {
        return Err(Error::Conflict(format!("API scope `{}` cannot be deleted: it is named by {users}", current.name)));
    }
    api_scopes::delete(&mut tx, tenant, id).await?;
    tx.commit().await?;
    state.forget_catalog();
    Ok(id)
}
