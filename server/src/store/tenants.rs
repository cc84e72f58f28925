//! Tenants and the host names that select them.

use super::{Claim, Conn, Filter, Page, Property, Values, from_json, to_json};
use crate::error::{Result, UniqueAs};
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

impl TenantRef {
    /// Whether the tenant is disabled: it then serves no sign-in, token,
    /// registration or admin call.
    pub fn is_disabled(&self) -> bool {
        self.status == TenantStatus::Disabled.code()
    }
}

/// A tenant's status, stored and sent (`Tenant::status`) as its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantStatus {
    Created = 0,
    Enabled = 1,
    Disabled = 2,
}

impl TenantStatus {
    /// The stored and wire number.
    pub const fn code(self) -> i32 {
        self as i32
    }

    /// The status `code` stands for; `None` for a number that is none.
    pub fn of(code: i32) -> Option<TenantStatus> {
        [TenantStatus::Created, TenantStatus::Enabled, TenantStatus::Disabled].into_iter().find(|s| s.code() == code)
    }
}

/// A tenant as stored, with its host names from `tenant_hosts`.
#[derive(Debug, Clone)]
pub struct TenantRow {
    pub id: i64,
    pub name: String,
    /// A [`TenantStatus`] code.
    pub status: i32,
    pub theme: String,
    pub issuer: Option<String>,
    /// In order.
    pub hosts: Vec<String>,
    /// Claims every token of the tenant carries (JSON in the column).
    pub claims: Vec<Claim>,
    /// JSON in the column.
    pub properties: Vec<Property>,
    /// Unix milliseconds.
    pub created_at: i64,
    pub updated_at: i64,
}

fn hosts_taken(tenant: &TenantRow) -> String {
    format!("a host name in [{}] already belongs to another tenant", tenant.hosts.join(", "))
}

fn issuer_taken(tenant: &TenantRow) -> String {
    format!("the issuer `{}` already belongs to another tenant", tenant.issuer.as_deref().unwrap_or_default())
}

fn from_row(row: &AnyRow, hosts: Vec<String>) -> Result<TenantRow> {
    Ok(TenantRow {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        status: row.try_get::<i64, _>("status")? as i32,
        theme: row.try_get("theme")?,
        issuer: row.try_get("issuer")?,
        hosts,
        claims: from_json(&row.try_get::<String, _>("claims")?)?,
        properties: from_json(&row.try_get::<String, _>("properties")?)?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

async fn hosts_of(conn: &mut Conn, id: i64) -> Result<Vec<String>> {
    let rows = sqlx::query("SELECT host FROM tenant_hosts WHERE tenant_id = $1 ORDER BY host")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| Ok(r.try_get("host")?)).collect()
}

async fn insert_hosts(conn: &mut Conn, tenant: &TenantRow) -> Result<()> {
    for host in &tenant.hosts {
        sqlx::query("INSERT INTO tenant_hosts (host, tenant_id) VALUES ($1, $2)")
            .bind(host.clone())
            .bind(tenant.id)
            .execute(&mut *conn)
            .await
            .unique_as(|_| hosts_taken(tenant))?;
    }
    Ok(())
}

/// Marks tenant `id` as the default one; a unique index refuses a second.
pub async fn mark_default(conn: &mut Conn, id: i64) -> Result<()> {
    sqlx::query("UPDATE tenants SET is_default = 1 WHERE id = $1").bind(id).execute(&mut *conn).await?;
    Ok(())
}

/// The columns of `tenant` that both an insert and an update write.
fn values(tenant: &TenantRow) -> Values {
    Values::new()
        .set("name", tenant.name.clone())
        .set("status", tenant.status as i64)
        .set("theme", tenant.theme.clone())
        .set("issuer", tenant.issuer.clone())
        .set("claims", to_json(&tenant.claims))
        .set("properties", to_json(&tenant.properties))
}

/// Inserts `tenant` (its `id` and times are ignored) and returns its id.
pub async fn insert(conn: &mut Conn, tenant: &TenantRow, now: i64) -> Result<i64> {
    let id: i64 = values(tenant)
        .set("created_at", now)
        .set("updated_at", now)
        .insert("tenants", "RETURNING id")
        .fetch_one(&mut *conn)
        .await
        .unique_as(|_| issuer_taken(tenant))?
        .try_get("id")?;
    insert_hosts(conn, &TenantRow { id, ..tenant.clone() }).await?;
    Ok(id)
}

/// Writes every field of an existing tenant, replacing its hosts.
pub async fn save(conn: &mut Conn, tenant: &TenantRow, now: i64) -> Result<()> {
    values(tenant)
        .set("updated_at", now)
        .update_tenant(tenant.id)
        .execute(&mut *conn)
        .await
        .unique_as(|_| issuer_taken(tenant))?;
    sqlx::query("DELETE FROM tenant_hosts WHERE tenant_id = $1").bind(tenant.id).execute(&mut *conn).await?;
    insert_hosts(conn, tenant).await
}

pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<TenantRow>> {
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

pub async fn list(conn: &mut Conn, filter: &Filter, page: &Page) -> Result<(i64, Vec<TenantRow>)> {
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
