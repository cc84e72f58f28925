//! Roles and their permissions.

use super::{Conn, Filter, Page, Values, from_json, to_json};
use crate::error::{Result, UniqueAs};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

const COLUMNS: &str = "id, name, permissions, created_at, updated_at";

/// A role as stored (`normalized_name` is derived from `name` on write).
#[derive(Debug, Clone)]
pub struct RoleRow {
    pub id: i64,
    pub name: String,
    /// JSON in the column.
    pub permissions: Vec<String>,
    /// Unix milliseconds.
    pub created_at: i64,
    pub updated_at: i64,
}

fn taken(role: &RoleRow) -> String {
    format!("a role named `{}` already exists", role.name)
}

fn from_row(row: &AnyRow) -> Result<RoleRow> {
    Ok(RoleRow {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        permissions: from_json(&row.try_get::<String, _>("permissions")?)?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// Inserts `role` into `tenant` (its id and times are ignored); returns its id.
pub async fn insert(conn: &mut Conn, tenant: i64, role: &RoleRow, now: i64) -> Result<i64> {
    let row = Values::new()
        .set("tenant_id", tenant)
        .set("name", role.name.clone())
        .set("normalized_name", role.name.to_lowercase())
        .set("permissions", to_json(&role.permissions))
        .set("created_at", now)
        .set("updated_at", now)
        .insert("roles", "RETURNING id")
        .fetch_one(&mut *conn)
        .await
        .unique_as(|_| taken(role))?;
    Ok(row.try_get("id")?)
}

/// Writes an existing role of `tenant`: its name and permissions.
pub async fn save(conn: &mut Conn, tenant: i64, role: &RoleRow, now: i64) -> Result<()> {
    Values::new()
        .set("name", role.name.clone())
        .set("normalized_name", role.name.to_lowercase())
        .set("permissions", to_json(&role.permissions))
        .set("updated_at", now)
        .update("roles", tenant, role.id)
        .execute(&mut *conn)
        .await
        .unique_as(|_| taken(role))?;
    Ok(())
}

pub async fn get(conn: &mut Conn, tenant: i64, id: i64) -> Result<Option<RoleRow>> {
    let row = sqlx::query(AssertSqlSafe(format!("SELECT {COLUMNS} FROM roles WHERE tenant_id = $1 AND id = $2")))
        .bind(tenant)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn delete(conn: &mut Conn, tenant: i64, id: i64) -> Result<bool> {
    let done = sqlx::query("DELETE FROM roles WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn list(conn: &mut Conn, filter: &Filter, page: &Page) -> Result<(i64, Vec<RoleRow>)> {
    let (total, rows) = super::page(conn, COLUMNS, "roles", filter, page).await?;
    Ok((total, rows.iter().map(from_row).collect::<Result<_>>()?))
}

/// The id of `tenant`'s role named `name` (ignoring case).
pub async fn id_by_name(conn: &mut Conn, tenant: i64, name: &str) -> Result<Option<i64>> {
    let row = sqlx::query("SELECT id FROM roles WHERE tenant_id = $1 AND normalized_name = $2")
        .bind(tenant)
        .bind(name.to_lowercase())
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|r| r.try_get("id")).transpose()?)
}
