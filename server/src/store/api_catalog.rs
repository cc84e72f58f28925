//! The API catalog's revisions, versions, publish configurations,
//! subscribers and product memberships. Revisions are inserted, never
//! updated: a document once stored stays as it was.

use super::Conn;
use crate::error::{Result, UniqueAs};
use sqlx::{FromRow, Row};

/// A revision with the version naming it, if one does.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RevisionRow {
    pub id: i64,
    pub number: i64,
    pub source_url: Option<String>,
    /// The name of the version naming the revision.
    pub version: Option<String>,
    /// 1 when that version is the online one.
    pub online: Option<i64>,
    pub created_at: i64,
}

const REVISIONS: &str = "SELECT r.id, r.number, r.source_url, v.name AS version, v.online, r.created_at \
    FROM api_revisions r LEFT JOIN api_versions v ON v.revision_id = r.id \
    WHERE r.tenant_id = $1 AND r.resource_id = $2";

/// Stores `document` (JSON) as the resource's next revision; its id. The
/// caller holds the resource's row lock, so numbers are handed out in turn.
pub async fn add_revision(
    conn: &mut Conn,
    tenant: i64,
    resource: i64,
    document: &str,
    source_url: Option<&str>,
    now: i64,
) -> Result<i64> {
    let number: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(number), 0) + 1 FROM api_revisions WHERE resource_id = $1")
            .bind(resource)
            .fetch_one(&mut *conn)
            .await?;
    let row = sqlx::query(
        "INSERT INTO api_revisions (tenant_id, resource_id, number, document, source_url, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(tenant)
    .bind(resource)
    .bind(number)
    .bind(document)
    .bind(source_url)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .unique_as(|_| "another revision was stored at the same moment; try again".into())?;
    Ok(row.try_get("id")?)
}

/// The resource's revisions, newest first.
pub async fn revisions(conn: &mut Conn, tenant: i64, resource: i64) -> Result<Vec<RevisionRow>> {
    let sql = format!("{REVISIONS} ORDER BY r.number DESC");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant).bind(resource).fetch_all(conn).await?)
}

pub async fn get_revision(conn: &mut Conn, tenant: i64, resource: i64, id: i64) -> Result<Option<RevisionRow>> {
    let sql = format!("{REVISIONS} AND r.id = $3");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant).bind(resource).bind(id).fetch_optional(conn).await?)
}

/// Names revision `revision` `name`, offline.
pub async fn add_version(conn: &mut Conn, resource: i64, revision: i64, name: &str, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO api_versions (resource_id, revision_id, name, online, created_at) VALUES ($1, $2, $3, 0, $4)",
    )
    .bind(resource)
    .bind(revision)
    .bind(name)
    .bind(now)
    .execute(conn)
    .await
    .unique_as(|_| format!("the revision already is a version, or the version `{name}` already exists"))?;
    Ok(())
}

/// Makes the version naming `revision` the resource's one online version;
/// false when no version names it. The caller holds the resource's row lock.
pub async fn set_online(conn: &mut Conn, resource: i64, revision: i64) -> Result<bool> {
    let named: Option<i64> =
        sqlx::query_scalar("SELECT id FROM api_versions WHERE resource_id = $1 AND revision_id = $2")
            .bind(resource)
            .bind(revision)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(version) = named else { return Ok(false) };
    sqlx::query("UPDATE api_versions SET online = 0 WHERE resource_id = $1 AND online = 1 AND id <> $2")
        .bind(resource)
        .bind(version)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE api_versions SET online = 1 WHERE id = $1").bind(version).execute(&mut *conn).await?;
    Ok(true)
}

/// Keeps `configuration` (JSON) as the resource's last publish settings.
pub async fn save_configuration(
    conn: &mut Conn,
    resource: i64,
    revision: i64,
    configuration: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO api_publish_configurations (resource_id, revision_id, configuration, updated_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (resource_id) DO UPDATE \
         SET revision_id = excluded.revision_id, configuration = excluded.configuration, updated_at = excluded.updated_at",
    )
    .bind(resource)
    .bind(revision)
    .bind(configuration)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The last publish settings: JSON, the revision stored and when.
#[derive(sqlx::FromRow)]
pub struct Configuration {
    pub configuration: String,
    pub revision_id: i64,
    pub updated_at: i64,
}

pub async fn configuration(conn: &mut Conn, resource: i64) -> Result<Option<Configuration>> {
    let row = sqlx::query(
        "SELECT configuration, revision_id, updated_at FROM api_publish_configurations WHERE resource_id = $1",
    )
    .bind(resource)
    .fetch_optional(conn)
    .await?;
    Ok(row.as_ref().map(Configuration::from_row).transpose()?)
}

/// A confirmed subscriber of an API.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SubscriberRow {
    pub id: i64,
    pub email: String,
    pub created_at: i64,
}

/// Subscribes `email` (lower case); 409 when it already is.
pub async fn add_subscriber(
    conn: &mut Conn,
    tenant: i64,
    resource: i64,
    email: &str,
    now: i64,
) -> Result<SubscriberRow> {
    let row = sqlx::query(
        "INSERT INTO api_subscribers (tenant_id, resource_id, email, created_at) VALUES ($1, $2, $3, $4) \
         RETURNING id, email, created_at",
    )
    .bind(tenant)
    .bind(resource)
    .bind(email)
    .bind(now)
    .fetch_one(conn)
    .await
    .unique_as(|_| "this address is already subscribed to the API".into())?;
    Ok(SubscriberRow::from_row(&row)?)
}

pub async fn is_subscribed(conn: &mut Conn, resource: i64, email: &str) -> Result<bool> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM api_subscribers WHERE resource_id = $1 AND email = $2")
        .bind(resource)
        .bind(email)
        .fetch_optional(conn)
        .await?;
    Ok(found.is_some())
}

pub async fn subscribers(conn: &mut Conn, tenant: i64, resource: i64) -> Result<Vec<SubscriberRow>> {
    Ok(sqlx::query_as(
        "SELECT id, email, created_at FROM api_subscribers WHERE tenant_id = $1 AND resource_id = $2 ORDER BY id",
    )
    .bind(tenant)
    .bind(resource)
    .fetch_all(conn)
    .await?)
}

/// Unsubscribes `email`; whether it was subscribed.
pub async fn remove_subscriber(conn: &mut Conn, tenant: i64, resource: i64, email: &str) -> Result<bool> {
    let done = sqlx::query("DELETE FROM api_subscribers WHERE tenant_id = $1 AND resource_id = $2 AND email = $3")
        .bind(tenant)
        .bind(resource)
        .bind(email)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The API resources in product group `product`.
pub async fn members(conn: &mut Conn, product: i64) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar("SELECT resource_id FROM api_product_members WHERE product_id = $1 ORDER BY resource_id")
        .bind(product)
        .fetch_all(conn)
        .await?)
}

/// Adds `resource` to product group `product` (nothing if it is in it).
pub async fn add_member(conn: &mut Conn, product: i64, resource: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO api_product_members (product_id, resource_id) VALUES ($1, $2) \
         ON CONFLICT (product_id, resource_id) DO NOTHING",
    )
    .bind(product)
    .bind(resource)
    .execute(conn)
    .await?;
    Ok(())
}

/// Makes `resources` the members of product group `product`.
pub async fn replace_members(conn: &mut Conn, product: i64, resources: &[i64]) -> Result<()> {
    sqlx::query("DELETE FROM api_product_members WHERE product_id = $1").bind(product).execute(&mut *conn).await?;
    for resource in resources {
        add_member(conn, product, *resource).await?;
    }
    Ok(())
}

/// A revision's id and OpenAPI document (JSON): revision `id` of the
/// resource, or when `None` the online version's, else the newest.
pub async fn document(conn: &mut Conn, tenant: i64, resource: i64, id: Option<i64>) -> Result<Option<(i64, String)>> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT r.id, r.document FROM api_revisions r LEFT JOIN api_versions v ON v.revision_id = r.id \
         WHERE r.tenant_id = $1 AND r.resource_id = $2 AND ($3 IS NULL OR r.id = $3) \
         ORDER BY COALESCE(v.online, 0) DESC, r.number DESC LIMIT 1",
    )
    .bind(tenant)
    .bind(resource)
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(row)
}
