//! Identity resources of a tenant.

use super::{Conn, Filter, Page, flag, from_json, to_json, to_time};
use crate::error::{Result, UniqueAs};
use keyward_api::identity_resource::IdentityResource;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

const COLUMNS: &str = "id, name, display_name, description, enabled, required, emphasize, show_in_discovery, \
    user_claims, properties, non_editable, created_at, updated_at";

fn taken(resource: &IdentityResource) -> String {
    format!("an identity resource named `{}` already exists", resource.name)
}

fn from_row(row: &AnyRow) -> Result<IdentityResource> {
    let yes = |name: &str| -> Result<bool> { Ok(row.try_get::<i64, _>(name)? != 0) };
    Ok(IdentityResource {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        display_name: row.try_get("display_name")?,
        description: row.try_get("description")?,
        enabled: yes("enabled")?,
        required: yes("required")?,
        emphasize: yes("emphasize")?,
        show_in_discovery_document: yes("show_in_discovery")?,
        user_claims: from_json(&row.try_get::<String, _>("user_claims")?)?,
        properties: from_json(&row.try_get::<String, _>("properties")?)?,
        non_editable: yes("non_editable")?,
        created: to_time(row.try_get("created_at")?),
        updated: to_time(row.try_get("updated_at")?),
    })
}

pub async fn insert(conn: &mut Conn, tenant: i64, resource: &IdentityResource, now: i64) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO identity_resources (tenant_id, name, display_name, description, enabled, required, emphasize, \
         show_in_discovery, user_claims, properties, non_editable, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
    )
    .bind(tenant)
    .bind(resource.name.clone())
    .bind(resource.display_name.clone())
    .bind(resource.description.clone())
    .bind(flag(resource.enabled))
    .bind(flag(resource.required))
    .bind(flag(resource.emphasize))
    .bind(flag(resource.show_in_discovery_document))
    .bind(to_json(&resource.user_claims))
    .bind(to_json(&resource.properties))
    .bind(flag(resource.non_editable))
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .unique_as(|_| taken(resource))?;
    Ok(row.try_get(0)?)
}

pub async fn save(conn: &mut Conn, resource: &IdentityResource, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE identity_resources SET name = $1, display_name = $2, description = $3, enabled = $4, required = $5, \
         emphasize = $6, show_in_discovery = $7, user_claims = $8, properties = $9, updated_at = $10 WHERE id = $11",
    )
    .bind(resource.name.clone())
    .bind(resource.display_name.clone())
    .bind(resource.description.clone())
    .bind(flag(resource.enabled))
    .bind(flag(resource.required))
    .bind(flag(resource.emphasize))
    .bind(flag(resource.show_in_discovery_document))
    .bind(to_json(&resource.user_claims))
    .bind(to_json(&resource.properties))
    .bind(now)
    .bind(resource.id)
    .execute(&mut *conn)
    .await
    .unique_as(|_| taken(resource))?;
    Ok(())
}

pub async fn get(conn: &mut Conn, tenant: i64, id: i64) -> Result<Option<IdentityResource>> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM identity_resources WHERE tenant_id = $1 AND id = $2"
    )))
    .bind(tenant)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The enabled identity resources of `tenant`, by name.
pub async fn enabled(conn: &mut Conn, tenant: i64) -> Result<Vec<IdentityResource>> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM identity_resources WHERE tenant_id = $1 AND enabled = 1 ORDER BY id"
    )))
    .bind(tenant)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// The names of every identity resource of `tenant`, enabled or not.
pub async fn names(conn: &mut Conn, tenant: i64) -> Result<Vec<String>> {
    let rows = sqlx::query("SELECT name FROM identity_resources WHERE tenant_id = $1 ORDER BY id")
        .bind(tenant)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| Ok(r.try_get("name")?)).collect()
}

/// Tenants with no identity resource at all (made before they existed).
pub async fn tenants_without(conn: &mut Conn) -> Result<Vec<i64>> {
    let rows = sqlx::query(
        "SELECT id FROM tenants t WHERE NOT EXISTS (SELECT 1 FROM identity_resources r WHERE r.tenant_id = t.id)",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}

pub async fn delete(conn: &mut Conn, tenant: i64, id: i64) -> Result<bool> {
    let done = sqlx::query("DELETE FROM identity_resources WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn list(conn: &mut Conn, filter: &Filter, page: &Page) -> Result<(i64, Vec<IdentityResource>)> {
    let (total, rows) = super::page(conn, COLUMNS, "identity_resources", filter, page).await?;
    Ok((total, rows.iter().map(from_row).collect::<Result<_>>()?))
}
