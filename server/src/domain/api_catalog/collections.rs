//! The catalog's simple collections — release notes, packages, product
//! groups — share one life cycle here: the parent checked (another
//! tenant's API is 404), the body checked, the row written with what hangs
//! off it in one transaction, and the stored item answered.

use crate::domain::Caller;
use crate::error::{Error, Result, UniqueAs};
use crate::state::State;
use crate::store::locks::{Table, first_missing};
use crate::store::owned::Owned;
use crate::store::{Arg, Conn};
use sqlx::FromRow;
use sqlx::any::AnyRow;

/// One collection: its table, how its bodies become column values, and how
/// a row becomes what the API answers. Only the server implements it, on
/// concrete types whose futures the compiler sees (so their `Send` needs no
/// bound here).
#[allow(async_fn_in_trait)]
pub trait Collection {
    type Row: for<'r> FromRow<'r, AnyRow> + Send + Unpin;
    type Item: serde::Serialize + schemars::JsonSchema + Send + Sync + 'static;
    type Create: Send;
    type Update: Send;
    const STORE: Owned;
    /// What one item is called in messages ("package").
    const NOUN: &'static str;

    /// The values of [`Owned::columns`] for a new item; checks the body,
    /// including what it refers to.
    async fn create_values(conn: &mut Conn, tenant: i64, parent: i64, body: &Self::Create) -> Result<Vec<Arg>>;

    /// The values of [`Owned::changeable`] for a changed item.
    async fn update_values(conn: &mut Conn, tenant: i64, parent: i64, body: &Self::Update) -> Result<Vec<Arg>>;

    /// Writes what hangs off new item `id` (a product group's members).
    async fn after_create(_conn: &mut Conn, _id: i64, _body: &Self::Create) -> Result<()> {
        Ok(())
    }

    /// Writes what hangs off changed item `id`.
    async fn after_update(_conn: &mut Conn, _id: i64, _body: &Self::Update) -> Result<()> {
        Ok(())
    }

    async fn item(conn: &mut Conn, row: Self::Row) -> Result<Self::Item>;
}

/// Whose items: an API resource of the caller's tenant, or the tenant.
#[derive(Debug, Clone, Copy)]
pub enum Parent {
    Api(i64),
    Tenant,
}

/// The parent's id, after checking an API parent exists in `tenant` (and,
/// in a transaction, share-locking it until the end).
async fn parent_id(conn: &mut Conn, tenant: i64, parent: Parent) -> Result<i64> {
    match parent {
        Parent::Api(id) => match first_missing(conn, Table::ApiResources, tenant, &[id]).await? {
            Some(_) => Err(Error::NotFound(format!("API resource {id} does not exist"))),
            None => Ok(id),
        },
        Parent::Tenant => Ok(tenant),
    }
}

fn not_found<C: Collection>(id: i64) -> Error {
    Error::NotFound(format!("{} {id} does not exist", C::NOUN))
}

fn taken<C: Collection>(_: &str) -> String {
    format!("a {} with this name already exists", C::NOUN)
}

async fn load<C: Collection>(conn: &mut Conn, tenant: i64, parent: i64, id: i64) -> Result<C::Item> {
    let row: C::Row = C::STORE.get(conn, tenant, parent, id).await?.ok_or_else(|| not_found::<C>(id))?;
    C::item(conn, row).await
}

/// The parent's items, newest first; `only` keeps those whose column equals
/// a value.
pub async fn list<C: Collection>(
    state: &State,
    caller: &Caller,
    parent: Parent,
    only: Option<(&str, i64)>,
) -> Result<Vec<C::Item>> {
    let tenant = caller.tenant.id;
    let mut conn = state.store.conn().await?;
    let parent = parent_id(&mut conn, tenant, parent).await?;
    let rows: Vec<C::Row> = C::STORE.list(&mut conn, tenant, parent, only).await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        items.push(C::item(&mut conn, row).await?);
    }
    Ok(items)
}

pub async fn create<C: Collection>(state: &State, caller: &Caller, parent: Parent, body: C::Create) -> Result<C::Item> {
    let tenant = caller.tenant.id;
    let mut tx = state.store.begin().await?;
    let parent = parent_id(&mut tx, tenant, parent).await?;
    let values = C::create_values(&mut tx, tenant, parent, &body).await?;
    let id = C::STORE.insert(&mut tx, tenant, parent, values, state.clock.now_ms()).await.unique_as(taken::<C>)?;
    C::after_create(&mut tx, id, &body).await?;
    let item = load::<C>(&mut tx, tenant, parent, id).await?;
    tx.commit().await?;
    Ok(item)
}

pub async fn update<C: Collection>(
    state: &State,
    caller: &Caller,
    parent: Parent,
    id: i64,
    body: C::Update,
) -> Result<C::Item> {
    let tenant = caller.tenant.id;
    let mut tx = state.store.begin().await?;
    let parent = parent_id(&mut tx, tenant, parent).await?;
    let values = C::update_values(&mut tx, tenant, parent, &body).await?;
    if !C::STORE.update(&mut tx, tenant, parent, id, values, state.clock.now_ms()).await.unique_as(taken::<C>)? {
        return Err(not_found::<C>(id));
    }
    C::after_update(&mut tx, id, &body).await?;
    let item = load::<C>(&mut tx, tenant, parent, id).await?;
    tx.commit().await?;
    Ok(item)
}

pub async fn delete<C: Collection>(state: &State, caller: &Caller, parent: Parent, id: i64) -> Result<i64> {
    let tenant = caller.tenant.id;
    let mut tx = state.store.begin().await?;
    let parent = parent_id(&mut tx, tenant, parent).await?;
    if !C::STORE.delete(&mut tx, tenant, parent, id).await? {
        return Err(not_found::<C>(id));
    }
    tx.commit().await?;
    Ok(id)
}
