//! API scopes of a tenant.

use super::locks::on_postgres;
use super::{Conn, Filter, Page, Values, from_json, to_json, to_time};
use crate::error::{Result, UniqueAs};
use keyward_api::api_scope::ApiScope;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AssertSqlSafe, Row};

const COLUMNS: &str = "id, name, display_name, description, enabled, required, emphasize, show_in_discovery, \
    user_claims, properties, created_at, updated_at";

fn taken(scope: &ApiScope) -> String {
    format!("an API scope named `{}` already exists", scope.name)
}

fn from_row(row: &AnyRow) -> Result<ApiScope> {
    let yes = |name: &str| -> Result<bool> { Ok(row.try_get::<i64, _>(name)? != 0) };
    Ok(ApiScope {
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
        created: to_time(row.try_get("created_at")?),
        updated: to_time(row.try_get("updated_at")?),
    })
}

/// The columns of `scope` that both an insert and an update write.
fn values(scope: &ApiScope) -> Values {
    Values::new()
        .set("name", scope.name.clone())
        .set("display_name", scope.display_name.clone())
        .set("description", scope.description.clone())
        .set("enabled", scope.enabled)
        .set("required", scope.required)
        .set("emphasize", scope.emphasize)
        .set("show_in_discovery", scope.show_in_discovery_document)
        .set("user_claims", to_json(&scope.user_claims))
        .set("properties", to_json(&scope.properties))
}

/// The insert of `scope` into `tenant`, followed by `tail`.
fn insert_query(tenant: i64, scope: &ApiScope, tail: &str, now: i64) -> Query<'static, Any, AnyArguments> {
    values(scope).set("tenant_id", tenant).set("created_at", now).set("updated_at", now).insert("api_scopes", tail)
}

/// Inserts `scope` into `tenant` (its id and times are ignored); returns its id.
pub async fn insert(conn: &mut Conn, tenant: i64, scope: &ApiScope, now: i64) -> Result<i64> {
    let row =
        insert_query(tenant, scope, "RETURNING id", now).fetch_one(&mut *conn).await.unique_as(|_| taken(scope))?;
    Ok(row.try_get("id")?)
}

/// Inserts `scope` into `tenant` unless a scope of that name exists (then
/// nothing changes): safe when replicas do it at once.
pub async fn insert_missing(conn: &mut Conn, tenant: i64, scope: &ApiScope, now: i64) -> Result<()> {
    insert_query(tenant, scope, "ON CONFLICT (tenant_id, name) DO NOTHING", now).execute(&mut *conn).await?;
    Ok(())
}

/// Writes every field of an existing scope of `tenant` but its id and
/// creation time.
pub async fn save(conn: &mut Conn, tenant: i64, scope: &ApiScope, now: i64) -> Result<()> {
    values(scope)
        .set("updated_at", now)
        .update("api_scopes", tenant, scope.id)
        .execute(&mut *conn)
        .await
        .unique_as(|_| taken(scope))?;
    Ok(())
}

pub async fn get(conn: &mut Conn, tenant: i64, id: i64) -> Result<Option<ApiScope>> {
    let row = sqlx::query(AssertSqlSafe(format!("SELECT {COLUMNS} FROM api_scopes WHERE tenant_id = $1 AND id = $2")))
        .bind(tenant)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn by_name(conn: &mut Conn, tenant: i64, name: &str) -> Result<Option<ApiScope>> {
    let row =
        sqlx::query(AssertSqlSafe(format!("SELECT {COLUMNS} FROM api_scopes WHERE tenant_id = $1 AND name = $2")))
            .bind(tenant)
            .bind(name.to_string())
            .fetch_optional(&mut *conn)
            .await?;
    row.as_ref().map(from_row).transpose()
}

/// The names of every API scope of `tenant`, enabled or not. In a
/// transaction the rows stay share-locked until it ends, so a scope that a
/// new reference (client, resource) relies on cannot be deleted meanwhile.
pub async fn names(conn: &mut Conn, tenant: i64) -> Result<Vec<String>> {
    let lock = on_postgres(conn, " FOR SHARE");
    let rows =
        sqlx::query(AssertSqlSafe(format!("SELECT name FROM api_scopes WHERE tenant_id = $1 ORDER BY id{lock}")))
            .bind(tenant)
            .fetch_all(&mut *conn)
            .await?;
    rows.iter().map(|r| Ok(r.try_get("name")?)).collect()
}

/// The enabled API scopes of `tenant`, oldest first.
pub async fn enabled(conn: &mut Conn, tenant: i64) -> Result<Vec<ApiScope>> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM api_scopes WHERE tenant_id = $1 AND enabled = 1 ORDER BY id"
    )))
    .bind(tenant)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

pub async fn delete(conn: &mut Conn, tenant: i64, id: i64) -> Result<bool> {
    let done = sqlx::query("DELETE FROM api_scopes WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn list(conn: &mut Conn, filter: &Filter, page: &Page) -> Result<(i64, Vec<ApiScope>)> {
    let (total, rows) = super::page(conn, COLUMNS, "api_scopes", filter, page).await?;
    Ok((total, rows.iter().map(from_row).collect::<Result<_>>()?))
}
