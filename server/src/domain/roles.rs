//! Roles: named permission sets held by users.

use super::patch::{merge, trim};
use super::{Caller, authority, list, validate};
use crate::error::{Error, Result};
use crate::state::State;
use crate::store::locks::{Table, lock};
use crate::store::roles::{self, RoleRow};
use crate::store::{Arg, Conn, Filter, contains_pattern, to_time};
use keyward_api::envelope::Paged;
use keyward_api::role::{Role, RoleCreate, RoleListQuery, RoleUpdate};

const SORTABLE: &[(&str, &str)] =
    &[("id", "id"), ("name", "normalized_name"), ("createDate", "created_at"), ("lastUpdateTime", "updated_at")];

impl From<RoleRow> for Role {
    fn from(row: RoleRow) -> Role {
        Role {
            id: row.id,
            name: row.name,
            permissions: row.permissions,
            create_date: to_time(row.created_at),
            last_update_time: to_time(row.updated_at),
        }
    }
}

/// What a write stores; the times are the store's to set.
impl From<Role> for RoleRow {
    fn from(role: Role) -> RoleRow {
        RoleRow { id: role.id, name: role.name, permissions: role.permissions, created_at: 0, updated_at: 0 }
    }
}

/// `tenant`'s role `id`, for the wire.
async fn get(conn: &mut Conn, tenant: i64, id: i64) -> Result<Role> {
    Ok(roles::get(conn, tenant, id).await?.ok_or_else(|| not_found(id))?.into())
}

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
    Ok(Paged::ok(total, page.skip, page.take, items.into_iter().map(Role::from).collect()))
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
    let id = roles::insert(&mut tx, caller.tenant.id, &role.into(), state.clock.now_ms()).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn view(state: &State, caller: &Caller, id: i64) -> Result<Role> {
    get(&mut *state.store.conn().await?, caller.tenant.id, id).await
}

pub async fn update(state: &State, caller: &Caller, id: i64, body: RoleUpdate) -> Result<Role> {
    let mut tx = state.store.begin().await?;
    lock(&mut tx, Table::Roles, caller.tenant.id, id).await?;
    let current = get(&mut tx, caller.tenant.id, id).await?;
    authority::within(caller, &format!("role {id}"), &current.permissions)?;
    let mut role = current;
    merge!(role <- body; name => trim, permissions);
    check(&role)?;
    authority::within(caller, "the changed role", &role.permissions)?;
    roles::save(&mut tx, caller.tenant.id, &role.into(), state.clock.now_ms()).await?;
    let saved = get(&mut tx, caller.tenant.id, id).await?;
    tx.commit().await?;
    Ok(saved)
}

pub async fn delete(state: &State, caller: &Caller, id: i64) -> Result<i64> {
    let mut tx = state.store.begin().await?;
    let current = get(&mut tx, caller.tenant.id, id).await?;
    authority::within(caller, &format!("role {id}"), &current.permissions)?;
    if !roles::delete(&mut tx, caller.tenant.id, id).await? {
        return Err(not_found(id));
    }
    tx.commit().await?;
    Ok(id)
}
