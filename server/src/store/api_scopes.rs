//! API scopes of a tenant: the [`named_scopes`](super::named_scopes) table
//! `api_scopes`, plus the insert that replicas may race and the names a
//! transaction keeps from being deleted.

use super::locks::on_postgres;
use super::named_scopes::{Kind, ScopeRow};
use super::{Conn, Filter, Page};
use crate::error::Result;

const KIND: Kind = Kind { table: "api_scopes", noun: "an API scope", non_editable: false };

/// Inserts `scope` into `tenant` (its id and times are ignored); returns its id.
pub async fn insert(conn: &mut Conn, tenant: i64, scope: &ScopeRow, now: i64) -> Result<i64> {
    KIND.insert(conn, tenant, scope, now).await
}

/// Inserts `scope` into `tenant` unless a scope of that name exists (then
/// nothing changes): safe when replicas do it at once.
pub async fn insert_missing(conn: &mut Conn, tenant: i64, scope: &ScopeRow, now: i64) -> Result<()> {
    KIND.insert_query(tenant, scope, "ON CONFLICT (tenant_id, name) DO NOTHING", now).execute(&mut *conn).await?;
    Ok(())
}

/// Writes every field of an existing scope of `tenant` but its id and
/// creation time.
pub async fn save(conn: &mut Conn, tenant: i64, scope: &ScopeRow, now: i64) -> Result<()> {
    KIND.save(conn, tenant, scope, now).await
}

pub async fn get(conn: &mut Conn, tenant: i64, id: i64) -> Result<Option<ScopeRow>> {
    KIND.get(conn, tenant, id).await
}

pub async fn by_name(conn: &mut Conn, tenant: i64, name: &str) -> Result<Option<ScopeRow>> {
    KIND.by_name(conn, tenant, name).await
}

/// The names of every API scope of `tenant`, enabled or not. In a
/// transaction the rows stay share-locked until it ends, so a scope that a
/// new reference (client, resource) relies on cannot be deleted meanwhile.
pub async fn names(conn: &mut Conn, tenant: i64) -> Result<Vec<String>> {
    let lock = on_postgres(conn, " FOR SHARE");
    KIND.names(conn, tenant, lock).await
}

/// The enabled API scopes of `tenant`, oldest first.
pub async fn enabled(conn: &mut Conn, tenant: i64) -> Result<Vec<ScopeRow>> {
    KIND.enabled(conn, tenant).await
}

pub async fn delete(conn: &mut Conn, tenant: i64, id: i64) -> Result<bool> {
    KIND.delete(conn, tenant, id).await
}

pub async fn list(conn: &mut Conn, filter: &Filter, page: &Page) -> Result<(i64, Vec<ScopeRow>)> {
    KIND.list(conn, filter, page).await
}
