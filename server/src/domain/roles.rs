//! Roles: named permission sets held by users.

use super::patch::{merge, trim};
use super::{Caller, authority, list, validate};
use crate::error::{Error, Result};
use crate::state::State;
use crate::store::locks::{Table, lock};
use crate::store::{Arg, Filter, contains_pattern, roles};
use keyward_api::envelope::Paged;
use keyward_api::role::{Role, RoleCreate, RoleListQuery, RoleUpdate};

const SORTABLE: &[(&str, &str)] =
    &[("id", "id"), ("name", "normalized_name"), ("createDate", "created_at"), ("lastUpdateTime", "updated_at")];

fn check(role: &Role) -> Result<()> {
    validate::length("name", &role.name, 1, 256)?;
    for p in &role.permissions {
        validate::token("permissions[]", p, 200)?;
    }
    validate::distinct("permissions", role.permissions.iter().map(String::as_str))
}

fn not_found(id: i64) -> Error {
    Error::NotFound(format!("role {id} does not exist"))
}

pub async fn list(state: &State, caller: &Caller, query: RoleListQuery) -> Result<Paged<Role>> {
    let page = list::page(&query.list(), SORTABLE)?;
    let mut filter =
        list::created_between(Filter::default().and("tenant_id = ?", Arg::Int(caller.tenant.id)), &query.list())?;
    if let Some(name) = query.name.filter(|n| !n.is_empty()) {
        filter = filter.and("normalized_name LIKE ? ESCAPE '\\'", Arg::Text(contains_pattern(&name)));
    }
    let (total, items) = roles::list(&mut *state.store.conn().await?, &filter, &page).await?;
    Ok(Paged::ok(total, page.skip, page.take, items))
}

pub async fn create(state: &State, caller: &Caller, body: RoleCreate) -> Result<i64> {
    let role = Role {
        id: 0,
        name: body.name.trim().to_string(),
        permissions: body.permissions,
        create_date: Default::default(),
        last_update_time: Default::default(),
    };
    check(&role)?;
    authority::within(caller, "the new role", &role.permissions)?;
    let mut tx = state.store.begin().await?;
    let id = roles::insert(&mut tx, caller.tenant.id, &role, state.clock.now_ms()).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn view(state: &State, caller: &Caller, id: i64) -> Result<Role> {
    roles::get(&mut *state.store.conn().await?, caller.tenant.id, id).await?.ok_or_else(|| not_found(id))
}

pub async fn update(state: &State, caller: &Caller, id: i64, body: RoleUpdate) -> Result<Role> {
    let mut tx = state.store.begin().await?;
    lock(&mut tx, Table::Roles, caller.tenant.id, id).await?;
    let current = roles::get(&mut tx, caller.tenant.id, id).await?.ok_or_else(|| not_found(id))?;
    authority::within(caller, &format!("role {id}"), &current.permissions)?;
    let mut role = current;
    merge!(role <- body; name => trim, permissions);
    check(&role)?;
    authority::within(caller, "the changed role", &role.permissions)?;
    roles::save(&mut tx, caller.tenant.id, &role, state.clock.now_ms()).await?;
    let saved = roles::get(&mut tx, caller.tenant.id, id).await?.ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    Ok(saved)
}

pub async fn delete(state: &State, caller: &Caller, id: i64) -> Result<i64> {
    let mut tx = state.store.begin().await?;
    let current = roles::get(&mut tx, caller.tenant.id, id).await?.ok_or_else(|| not_found(id))?;
    authority::within(caller, &format!("role {id}"), &current.permissions)?;
    if !roles::delete(&mut tx, caller.tenant.id, id).await? {
        return Err(not_found(id));
    }
    tx.commit().await?;
    Ok(id)
}
