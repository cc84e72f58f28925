//! Row locks for read-modify-write transactions, so that two concurrent
//! edits of one row run one after the other instead of the later one
//! silently undoing the earlier (a lost update).
//!
//! PostgreSQL runs write transactions side by side, so a row about to be
//! read and written back is locked first (`SELECT … FOR NO KEY UPDATE`: the
//! `FOR UPDATE` that leaves foreign-key checks alone, so rows that merely
//! reference it — a user's sessions, a client's grants — are still written
//! meanwhile). SQLite needs nothing: [`Store::begin`](super::Store::begin)
//! takes its one write lock up front (`BEGIN IMMEDIATE`), and it has no row
//! locks.

use super::Conn;
use crate::error::Result;
use sqlx::AssertSqlSafe;

/// `clause` on PostgreSQL; nothing on SQLite (see the module).
pub fn on_postgres(conn: &Conn, clause: &'static str) -> &'static str {
    if super::is_postgres(conn) { clause } else { "" }
}

/// Tables whose rows admin `PUT`s read, change and write back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Tenants,
    Clients,
    Users,
    Roles,
    IdentityResources,
    ApiResources,
    ApiScopes,
    AccessProfiles,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Tenants => "tenants",
            Table::Clients => "clients",
            Table::Users => "users",
            Table::Roles => "roles",
            Table::IdentityResources => "identity_resources",
            Table::ApiResources => "api_resources",
            Table::ApiScopes => "api_scopes",
            Table::AccessProfiles => "access_profiles",
        }
    }

    /// The column naming the tenant a row belongs to: a tenant is its own.
    fn owner(self) -> &'static str {
        if self == Table::Tenants { "id" } else { "tenant_id" }
    }
}

/// Locks row `id` of `table` in `tenant` until the transaction ends; call it
/// before reading the row to change it. A row of another tenant, or none, is
/// left alone (the read that follows finds nothing).
pub async fn lock(conn: &mut Conn, table: Table, tenant: i64, id: i64) -> Result<()> {
    let lock = on_postgres(conn, " FOR NO KEY UPDATE");
    if !lock.is_empty() {
        let (name, owner) = (table.name(), table.owner());
        sqlx::query(AssertSqlSafe(format!("SELECT id FROM {name} WHERE {owner} = $1 AND id = $2{lock}")))
            .bind(tenant)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The first of `ids` that is not a row of `table` in `tenant` (a live one,
/// for users). In a transaction the rows found stay share-locked until it
/// ends, so none is deleted before the rows naming them (a user's roles, a
/// profile's users) are written.
pub async fn first_missing(conn: &mut Conn, table: Table, tenant: i64, ids: &[i64]) -> Result<Option<i64>> {
    let lock = on_postgres(conn, " FOR SHARE");
    let live = if table == Table::Users { " AND deleted_at IS NULL" } else { "" };
    let (name, owner) = (table.name(), table.owner());
    let sql = format!("SELECT 1 FROM {name} WHERE {owner} = $1 AND id = $2{live}{lock}");
    for id in ids {
        let row = sqlx::query(AssertSqlSafe(sql.clone())).bind(tenant).bind(*id).fetch_optional(&mut *conn).await?;
        if row.is_none() {
            return Ok(Some(*id));
        }
    }
    Ok(None)
}
