//! Seed 000's access profiles: named sets of clients that users hold. A
//! client with `requireProfile` issues tokens only to holders of a profile
//! containing it; [`admits`] is the one check every issuance makes.
//!
//! Membership is read from the database at each issuance (nothing about it
//! is cached), so a change holds from the next token request on, on every
//! replica; the client's own flag is cached with the client and forgotten
//! when the client changes.

use super::patch::{merge, trim};
use super::{Caller, authority, clients, list, validate};
use crate::error::{Error, Result};
use crate::state::State;
use crate::store::locks::{Table, lock};
use crate::store::profiles::{self, ProfileRow};
use crate::store::{Arg, Conn, Filter, contains_pattern, to_time};
use keyward_api::access_profile::{AccessProfile, AccessProfileCreate, AccessProfileListQuery, AccessProfileUpdate};
use keyward_api::client::Client;
use keyward_api::envelope::Paged;

/// Why a client that requires a profile refuses a user (no secret in it).
pub const REFUSED: &str = "this client issues tokens only to users holding an access profile that contains it";

/// Whether `client` may issue tokens to user `user`: always, unless it
/// requires a profile; then only if the user holds one containing it.
pub async fn admits(conn: &mut Conn, client: &Client, user: i64) -> Result<bool> {
    if !client.require_profile {
        return Ok(true);
    }
    profiles::holds_client(conn, client.id, user).await
}

/// [`admits`] as the end-user API answers it: a refusal is a 403.
pub async fn require(conn: &mut Conn, client: &Client, user: i64) -> Result<()> {
    if admits(conn, client, user).await? { Ok(()) } else { Err(Error::Forbidden(REFUSED.into())) }
}

impl From<ProfileRow> for AccessProfile {
    fn from(row: ProfileRow) -> AccessProfile {
        AccessProfile {
            id: row.id,
            name: row.name,
            description: row.description,
            clients: row.clients,
            users: row.users,
            created: to_time(row.created_at),
            updated: to_time(row.updated_at),
        }
    }
}

/// What a write stores (the store writes the name and description; the
/// links go through [`link`]); the times are the store's to set.
impl From<&AccessProfile> for ProfileRow {
    fn from(profile: &AccessProfile) -> ProfileRow {
        ProfileRow {
            id: profile.id,
            name: profile.name.clone(),
            description: profile.description.clone(),
            clients: profile.clients.clone(),
            users: profile.users.clone(),
            created_at: 0,
            updated_at: 0,
        }
    }
}

/// `tenant`'s access profile `id`, for the wire.
async fn get(conn: &mut Conn, tenant: i64, id: i64) -> Result<AccessProfile> {
    Ok(profiles::get(conn, tenant, id).await?.ok_or_else(|| not_found(id))?.into())
}

const SORTABLE: &[(&str, &str)] =
    &[("id", "id"), ("name", "normalized_name"), ("created", "created_at"), ("updated", "updated_at")];

fn check(profile: &AccessProfile) -> Result<()> {
    validate::length("name", &profile.name, 1, 200)?;
    if profile.name.chars().any(char::is_control) {
        return Err(Error::Invalid(format!("`name` must not contain control characters: {:?}", profile.name)));
    }
    validate::length("description", &profile.description, 0, 1000)?;
    if profile.description.contains('\0') {
        return Err(Error::Invalid("`description` must not contain NUL characters".into()));
    }
    validate::distinct("clients", profile.clients.iter().map(String::as_str))
}

fn not_found(id: i64) -> Error {
    Error::NotFound(format!("access profile {id} does not exist"))
}

/// Writes the clients and users of profile `id` (each list when given),
/// after checking that each exists in the tenant.
async fn link(conn: &mut Conn, tenant: i64, id: i64, clients: Option<&[String]>, users: Option<&[i64]>) -> Result<()> {
    if let Some(users) = users {
        validate::ids_exist(conn, Table::Users, tenant, "users", users).await?;
    }
    if let Some(names) = clients {
        let mut rows = Vec::with_capacity(names.len());
        for name in names {
            let row = clients::row_of(conn, tenant, name).await?.ok_or_else(|| {
                Error::Invalid(format!("`clients` names {name:?}, which is not a clientId of this tenant"))
            })?;
            rows.push(row);
        }
        profiles::set_clients(conn, id, &rows).await?;
    }
    if let Some(users) = users {
        profiles::set_users(conn, id, users).await?;
    }
    Ok(())
}

pub async fn list(state: &State, caller: &Caller, query: AccessProfileListQuery) -> Result<Paged<AccessProfile>> {
    let page = list::page(&query.list(), SORTABLE)?;
    let mut filter =
        list::created_between(Filter::default().and("tenant_id = ?", Arg::Int(caller.tenant.id)), &query.list())?;
    if let Some(name) = query.name.filter(|n| !n.is_empty()) {
        filter = filter.and("normalized_name LIKE ? ESCAPE '\\'", Arg::Text(contains_pattern(&name)));
    }
    let (total, items) = profiles::list(&mut *state.store.conn().await?, &filter, &page).await?;
    Ok(Paged::ok(total, page.skip, page.take, items.into_iter().map(AccessProfile::from).collect()))
}

pub async fn create(state: &State, caller: &Caller, body: AccessProfileCreate) -> Result<i64> {
    let profile = AccessProfile {
        id: 0,
        name: body.name.trim().to_string(),
        description: body.description.unwrap_or_default(),
        clients: body.clients,
        users: body.users,
        created: Default::default(),
        updated: Default::default(),
    };
    check(&profile)?;
    let mut tx = state.store.begin().await?;
    let id = profiles::insert(&mut tx, caller.tenant.id, &(&profile).into(), state.clock.now_ms()).await?;
    link(&mut tx, caller.tenant.id, id, Some(&profile.clients), Some(&profile.users)).await?;
    // A profile admits its users to its clients: none beyond the caller
    // (checked once `link` found each; a refusal rolls back).
    authority::profile_clients(&mut tx, caller, caller.tenant.id, &profile.clients).await?;
    tx.commit().await?;
    Ok(id)
}

/// Seed 000's `updateClientToProfileById`: fields present replace the
/// stored ones, `clients` and `users` as whole sets.
pub async fn update(state: &State, caller: &Caller, id: i64, body: AccessProfileUpdate) -> Result<AccessProfile> {
    let mut tx = state.store.begin().await?;
    lock(&mut tx, Table::AccessProfiles, caller.tenant.id, id).await?;
    let current = get(&mut tx, caller.tenant.id, id).await?;
    let linked_clients = body.clients.clone();
    let mut profile = current;
    merge!(profile <- body; name => trim, description, clients);
    check(&profile)?;
    profiles::save(&mut tx, caller.tenant.id, &(&profile).into(), state.clock.now_ms()).await?;
    link(&mut tx, caller.tenant.id, id, linked_clients.as_deref(), body.users.as_deref()).await?;
    authority::profile_clients(&mut tx, caller, caller.tenant.id, &profile.clients).await?;
    let saved = get(&mut tx, caller.tenant.id, id).await?;
    tx.commit().await?;
    Ok(saved)
}

pub async fn delete(state: &State, caller: &Caller, id: i64) -> Result<i64> {
    let mut tx = state.store.begin().await?;
    if !profiles::delete(&mut tx, caller.tenant.id, id).await? {
        return Err(not_found(id));
    }
    tx.commit().await?;
    Ok(id)
}
