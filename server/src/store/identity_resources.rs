//! Identity resources of a tenant.

use super::{Conn, Filter, Page, Values, from_json, to_json, to_time};
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

/// The columns of `resource` that both an insert and an update write.
fn values(resource: &IdentityResource) -> Values {
    Values::new()
        .set("name", resource.name.clone())
        .set("display_name", resource.display_name.clone())
        .set("description", resource.description.clone())
        .set("enabled", resource.enabled)
        .set("required", resource.required)
        .set("emphasize", resource.emphasize)
        .set("show_in_discovery", resource.show_in_discovery_document)
        .set("user_claims", to_json(&resource.user_claims))
        .set("properties", to_json(&resource.properties))
}

pub async fn insert(conn: &mut Conn, tenant: i64, resource: &IdentityResource, now: i64) -> Result<i64> {
    let row = values(resource)
        .set("tenant_id", tenant)
        .set("non_editable", resource.non_editable)
        .set("created_at", now)
        .set("updated_at", now)
        .insert("identity_resources", "RETURNING id")
        .fetch_one(&mut *conn)
        .await
        .unique_as(|_| taken(resource))?;
    Ok(row.try_get("id")?)
}

/// Writes every field of an existing resource of `tenant` but its id,
/// creation time and `non_editable`.
pub async fn save(conn: &mut Conn, tenant: i64, resource: &IdentityResource, now: i64) -> Result<()> {
    values(resource)
        .set("updated_at", now)
        .update("identity_resources", tenant, resource.id)
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
    rows.iter().map(|r| Ok(r.try_get("id")?)).collect()
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
