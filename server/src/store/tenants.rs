//! Tenants and the host names that select them.

use super::{Conn, Filter, Page, from_json, to_json, to_time};
use crate::error::{Result, UniqueAs};
use keyward_api::tenant::{Tenant, TenantHost};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

const COLUMNS: &str = "id, name, status, theme, issuer, claims, properties, created_at, updated_at";

/// What request routing needs to know of a tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantRef {
    pub id: i64,
    pub name: String,
    pub status: i32,
    /// The issuer of the tenant's tokens. The store leaves it empty where
    /// none is stored (the default tenant, whose issuer is the server's);
    /// `State::tenant_for_host` fills it in.
    pub issuer: String,
}

fn hosts_taken(tenant: &Tenant) -> String {
    let names: Vec<&str> = tenant.hosts.iter().map(|h| h.host_name.as_str()).collect();
    format!("a host name in [{}] already belongs to another tenant", names.join(", "))
}

fn issuer_taken(tenant: &Tenant) -> String {
    format!(
        "the issuer `{}` already belongs to another tenant",
        tenant.identity_server_issuer_uri.as_deref().unwrap_or_default()
    )
}

fn from_row(row: &AnyRow, hosts: Vec<TenantHost>) -> Result<Tenant> {
    Ok(Tenant {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        status: row.try_get::<i64, _>("status")? as i32,
        theme: row.try_get("theme")?,
        identity_server_issuer_uri: row.try_get("issuer")?,
        hosts,
        claims: from_json(&row.try_get::<String, _>("claims")?)?,
        properties: from_json(&row.try_get::<String, _>("properties")?)?,
        create_date: to_time(row.try_get("created_at")?),
        last_update_time: to_time(row.try_get("updated_at")?),
    })
}

async fn hosts_of(conn: &mut Conn, id: i64) -> Result<Vec<TenantHost>> {
    let rows = sqlx::query("SELECT host FROM tenant_hosts WHERE tenant_id = $1 ORDER BY host")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| Ok(TenantHost { host_name: r.try_get("host")? })).collect()
}

async fn insert_hosts(conn: &mut Conn, tenant: &Tenant) -> Result<()> {
    for host in &tenant.hosts {
        sqlx::query("INSERT INTO tenant_hosts (host, tenant_id) VALUES ($1, $2)")
            .bind(host.host_name.clone())
            .bind(tenant.id)
            .execute(&mut *conn)
            .await
            .unique_as(|_| hosts_taken(tenant))?;
    }
    Ok(())
}

/// Inserts `tenant` (its `id` and times are ignored) and returns its id.
/// Marks tenant `id` as the default one; a unique index refuses a second.
pub async fn mark_default(conn: &mut Conn, id: i64) -> Result<()> {
    sqlx::query("UPDATE tenants SET is_default = 1 WHERE id = $1").bind(id).execute(&mut *conn).await?;
    Ok(())
}

pub async fn insert(conn: &mut Conn, tenant: &Tenant, now: i64) -> Result<i64> {
    let id: i64 = sqlx::query(
        "INSERT INTO tenants (name, status, theme, issuer, claims, properties, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(tenant.name.clone())
    .bind(tenant.status as i64)
    .bind(tenant.theme.clone())
    .bind(tenant.identity_server_issuer_uri.clone())
    .bind(to_json(&tenant.claims))
    .bind(to_json(&tenant.properties))
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .unique_as(|_| issuer_taken(tenant))?
    .try_get(0)?;
    insert_hosts(conn, &Tenant { id, ..tenant.clone() }).await?;
    Ok(id)
}

/// Writes every field of an existing tenant, replacing its hosts.
pub async fn save(conn: &mut Conn, tenant: &Tenant, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE tenants SET name = $1, status = $2, theme = $3, issuer = $4, claims = $5, properties = $6, \
         updated_at = $7 WHERE id = $8",
    )
    .bind(tenant.name.clone())
    .bind(tenant.status as i64)
    .bind(tenant.theme.clone())
    .bind(tenant.identity_server_issuer_uri.clone())
    .bind(to_json(&tenant.claims))
    .bind(to_json(&tenant.properties))
    .bind(now)
    .bind(tenant.id)
    .execute(&mut *conn)
    .await
    .unique_as(|_| issuer_taken(tenant))?;
    sqlx::query("DELETE FROM tenant_hosts WHERE tenant_id = $1").bind(tenant.id).execute(&mut *conn).await?;
    insert_hosts(conn, tenant).await
}

pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<Tenant>> {
    let row = sqlx::query(AssertSqlSafe(format!("SELECT {COLUMNS} FROM tenants WHERE id = $1")))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(row) => Ok(Some(from_row(&row, hosts_of(conn, id).await?)?)),
        None => Ok(None),
    }
}

pub async fn delete(conn: &mut Conn, id: i64) -> Result<bool> {
    let done = sqlx::query("DELETE FROM tenants WHERE id = $1").bind(id).execute(&mut *conn).await?;
    Ok(done.rows_affected() > 0)
}

pub async fn list(conn: &mut Conn, filter: &Filter, page: &Page) -> Result<(i64, Vec<Tenant>)> {
    let (total, rows) = super::page(conn, COLUMNS, "tenants", filter, page).await?;
    let mut tenants = Vec::with_capacity(rows.len());
    for row in &rows {
        let id: i64 = row.try_get("id")?;
        tenants.push(from_row(row, hosts_of(conn, id).await?)?);
    }
    Ok((total, tenants))
}

/// The tenant serving `host`, if one claims it.
pub async fn by_host(conn: &mut Conn, host: &str) -> Result<Option<TenantRef>> {
    let row = sqlx::query(
        "SELECT t.id, t.name, t.status, t.issuer FROM tenant_hosts h JOIN tenants t ON t.id = h.tenant_id \
         WHERE h.host = $1",
    )
    .bind(host.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| tenant_ref(&r)).transpose()
}

/// The default tenant: the first one created, marked by bootstrap.
pub async fn default_tenant(conn: &mut Conn) -> Result<Option<TenantRef>> {
    let row = sqlx::query("SELECT id, name, status, issuer FROM tenants WHERE is_default = 1")
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| tenant_ref(&r)).transpose()
}

fn tenant_ref(row: &AnyRow) -> Result<TenantRef> {
    Ok(TenantRef {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        status: row.try_get::<i64, _>("status")? as i32,
        issuer: row.try_get::<Option<String>, _>("issuer")?.unwrap_or_default(),
    })
}
