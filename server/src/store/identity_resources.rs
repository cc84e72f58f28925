//! Identity resources of a tenant: the [`named_scopes`](super::named_scopes)
//! table `identity_resources` (whose rows may be `non_editable`), plus the
//! tenants that have none yet.

use super::named_scopes::{Kind, ScopeRow};
use super::{Conn, Filter, Page};
use crate::error::Result;
use sqlx::Row;

const KIND: Kind = Kind { table: "identity_resources", noun: "an identity resource", non_editable: true };

/// Inserts `resource` into `tenant` (its id and times are ignored); returns its id.
pub async fn insert(conn: &mut Conn, tenant: i64, resource: &ScopeRow, now: i64) -> Result<i64> {
    KIND.insert(conn, tenant, resource, now).await
}

/// Writes every field of an existing resource of `tenant` but its id,
/// creation time and `non_editable`.
pub async fn save(conn: &mut Conn, tenant: i64, resource: &ScopeRow, now: i64) -> Result<()> {
    KIND.save(conn, tenant, resource, now).await
}

pub async fn get(conn: &mut Conn, tenant: i64, id: i64) -> Result<Option<ScopeRow>> {
    KIND.get(conn, tenant, id).await
}

/// The enabled identity resources of `tenant`, oldest first.
pub async fn enabled(conn: &mut Conn, tenant: i64) -> Result<Vec<ScopeRow>> {
    KIND.enabled(conn, tenant).await
}

/// The names of every identity resource of `tenant`, enabled or not.
pub async fn names(conn: &mut Conn, tenant: i64) -> Result<Vec<String>> {
    KIND.names(conn, tenant, "").await
}

/// Tenants with no identity resource at all (made before they existed).
pub async fn tenants_without(conn: &mut Conn) -> Result<Vec<i64>> {
    let rows = sqlx::query(
        "SELECT id FROM tenants t WHERE NOT EXISTS (SELECT 1 FROM identity_resources r WHERE r.tenant_id = t.id)",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| Ok(r.try_get("id")?)).collect()
}

pub async fn delete(conn: &mut Conn, tenant: i64, id: i64) -> Result<bool> {
    KIND.delete(conn, tenant, id).await
}

pub async fn list(conn: &mut Conn, filter: &Filter, page: &Page) -> Result<(i64, Vec<ScopeRow>)> {
    KIND.list(conn, filter, page).await
}
