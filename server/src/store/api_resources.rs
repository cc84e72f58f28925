//! API resources of a tenant, the API scopes each contains, and their hashed
//! secrets.

use super::secret_digests::{self, Owner};
use super::{Conn, Filter, Page, Values, from_json, to_json, to_time};
use crate::crypto::secret;
use crate::error::{Result, UniqueAs};
use keyward_api::api_resource::{ApiResource, ApiResourceScope};
use keyward_api::oauth::SigningAlg;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AssertSqlSafe, Row};
use std::collections::HashMap;

const COLUMNS: &str = "id, name, display_name, description, enabled, show_in_discovery, signing_alg, user_claims, \
    properties, non_editable, created_at, updated_at";

fn taken(resource: &ApiResource) -> String {
    format!("an API resource named `{}` already exists", resource.name)
}

/// A resource from its row; its scopes and secrets are read separately.
fn from_row(row: &AnyRow) -> Result<ApiResource> {
    let yes = |name: &str| -> Result<bool> { Ok(row.try_get::<i64, _>(name)? != 0) };
    let alg: Option<String> = row.try_get("signing_alg")?;
    Ok(ApiResource {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        display_name: row.try_get("display_name")?,
        description: row.try_get("description")?,
        enabled: yes("enabled")?,
        show_in_discovery_document: yes("show_in_discovery")?,
        allowed_access_token_signing_algorithms: alg.as_deref().and_then(SigningAlg::parse),
        scopes: Vec::new(),
        user_claims: from_json(&row.try_get::<String, _>("user_claims")?)?,
        properties: from_json(&row.try_get::<String, _>("properties")?)?,
        secrets: Vec::new(),
        non_editable: yes("non_editable")?,
        created: to_time(row.try_get("created_at")?),
        updated: to_time(row.try_get("updated_at")?),
    })
}

async fn scopes_of(conn: &mut Conn, id: i64) -> Result<Vec<ApiResourceScope>> {
    let rows = sqlx::query("SELECT scope FROM api_resource_scopes WHERE resource_id = $1 ORDER BY scope")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| Ok(ApiResourceScope { scope: r.try_get("scope")? })).collect()
}

/// A resource with its scopes and secrets.
async fn complete(conn: &mut Conn, row: &AnyRow) -> Result<ApiResource> {
    let mut resource = from_row(row)?;
    resource.scopes = scopes_of(conn, resource.id).await?;
    resource.secrets = secret_digests::list(conn, Owner::ApiResource(resource.id)).await?;
    Ok(resource)
}

async fn replace_scopes(conn: &mut Conn, id: i64, scopes: &[ApiResourceScope]) -> Result<()> {
    sqlx::query("DELETE FROM api_resource_scopes WHERE resource_id = $1").bind(id).execute(&mut *conn).await?;
    for scope in scopes {
        add_scope(conn, id, &scope.scope).await?;
    }
    Ok(())
}

/// The columns of `resource` that both an insert and an update write.
fn values(resource: &ApiResource) -> Values {
    Values::new()
        .set("name", resource.name.clone())
        .set("display_name", resource.display_name.clone())
        .set("description", resource.description.clone())
        .set("enabled", resource.enabled)
        .set("show_in_discovery", resource.show_in_discovery_document)
        .set("signing_alg", resource.allowed_access_token_signing_algorithms.map(|a| a.as_str().to_string()))
        .set("user_claims", to_json(&resource.user_claims))
        .set("properties", to_json(&resource.properties))
}

/// The insert of `resource` into `tenant`, followed by `tail`.
fn insert_query(tenant: i64, resource: &ApiResource, tail: &str, now: i64) -> Query<'static, Any, AnyArguments> {
    values(resource)
        .set("tenant_id", tenant)
        .set("non_editable", resource.non_editable)
        .set("created_at", now)
        .set("updated_at", now)
        .insert("api_resources", tail)
}

/// Inserts `resource` into `tenant` with its scope links (its id, secrets and
/// times are ignored); returns its id.
pub async fn insert(conn: &mut Conn, tenant: i64, resource: &ApiResource, now: i64) -> Result<i64> {
    let row = insert_query(tenant, resource, "RETURNING id", now)
        .fetch_one(&mut *conn)
        .await
        .unique_as(|_| taken(resource))?;
    let id: i64 = row.try_get("id")?;
    replace_scopes(conn, id, &resource.scopes).await?;
    Ok(id)
}

/// The id of the resource of `tenant` named like `resource`, inserting
/// `resource` (without its scope links) if there is none: safe when replicas
/// do it at once.
pub async fn insert_missing(conn: &mut Conn, tenant: i64, resource: &ApiResource, now: i64) -> Result<i64> {
    insert_query(tenant, resource, "ON CONFLICT (tenant_id, name) DO NOTHING", now).execute(&mut *conn).await?;
    let row = sqlx::query("SELECT id FROM api_resources WHERE tenant_id = $1 AND name = $2")
        .bind(tenant)
        .bind(resource.name.clone())
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.try_get("id")?)
}

/// Writes every field of an existing resource of `tenant`, and its scope
/// links, but not its secrets nor `non_editable`.
pub async fn save(conn: &mut Conn, tenant: i64, resource: &ApiResource, now: i64) -> Result<()> {
    values(resource)
        .set("updated_at", now)
        .update("api_resources", tenant, resource.id)
        .execute(&mut *conn)
        .await
        .unique_as(|_| taken(resource))?;
    replace_scopes(conn, resource.id, &resource.scopes).await
}

/// Links API scope `scope` to resource row `id`; linking twice is a no-op.
pub async fn add_scope(conn: &mut Conn, id: i64, scope: &str) -> Result<()> {
    sqlx::query("INSERT INTO api_resource_scopes (resource_id, scope) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(id)
        .bind(scope.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn get(conn: &mut Conn, tenant: i64, id: i64) -> Result<Option<ApiResource>> {
    let row =
        sqlx::query(AssertSqlSafe(format!("SELECT {COLUMNS} FROM api_resources WHERE tenant_id = $1 AND id = $2")))
            .bind(tenant)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    match row {
        Some(row) => Ok(Some(complete(conn, &row).await?)),
        None => Ok(None),
    }
}

async fn row_by_name(conn: &mut Conn, tenant: i64, name: &str) -> Result<Option<AnyRow>> {
    Ok(sqlx::query(AssertSqlSafe(format!("SELECT {COLUMNS} FROM api_resources WHERE tenant_id = $1 AND name = $2")))
        .bind(tenant)
        .bind(name.to_string())
        .fetch_optional(&mut *conn)
        .await?)
}

pub async fn by_name(conn: &mut Conn, tenant: i64, name: &str) -> Result<Option<ApiResource>> {
    match row_by_name(conn, tenant, name).await? {
        Some(row) => Ok(Some(complete(conn, &row).await?)),
        None => Ok(None),
    }
}

/// The enabled API resources of `tenant`, oldest first, with their scope
/// names, user claims and algorithm (not their secrets) — in two queries,
/// since token issuance reads them.
pub async fn enabled(conn: &mut Conn, tenant: i64) -> Result<Vec<ApiResource>> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM api_resources WHERE tenant_id = $1 AND enabled = 1 ORDER BY id"
    )))
    .bind(tenant)
    .fetch_all(&mut *conn)
    .await?;
    let mut scopes: HashMap<i64, Vec<ApiResourceScope>> = HashMap::new();
    for row in sqlx::query(
        "SELECT s.resource_id, s.scope FROM api_resource_scopes s JOIN api_resources r ON r.id = s.resource_id \
         WHERE r.tenant_id = $1 AND r.enabled = 1 ORDER BY s.scope",
    )
    .bind(tenant)
    .fetch_all(&mut *conn)
    .await?
    {
        scopes.entry(row.try_get("resource_id")?).or_default().push(ApiResourceScope { scope: row.try_get("scope")? });
    }
    rows.iter()
        .map(|row| {
            let mut resource = from_row(row)?;
            resource.scopes = scopes.remove(&resource.id).unwrap_or_default();
            Ok(resource)
        })
        .collect()
}

/// The enabled resource `name` of `tenant` (without its scopes and secrets)
/// if `presented` is one of its unexpired secrets (compared in constant
/// time), else `None`.
pub async fn authenticate(
    conn: &mut Conn,
    tenant: i64,
    name: &str,
    presented: &str,
    now: i64,
) -> Result<Option<ApiResource>> {
    let Some(resource) = row_by_name(conn, tenant, name).await?.as_ref().map(from_row).transpose()? else {
        return Ok(None);
    };
    if !resource.enabled {
        return Ok(None);
    }
    let mut matched = false;
    for digest in secret_digests::digests(conn, Owner::ApiResource(resource.id)).await? {
        let live = digest.expires_at.is_none_or(|at| at > now);
        // Every digest is compared, so timing does not tell which one matched.
        matched |= secret::matches(presented, &digest.sha256) && live;
    }
    Ok(matched.then_some(resource))
}

/// API scopes of `tenant` that tokens may not carry: disabled ones, and
/// those every resource containing them is disabled.
pub async fn withheld_scopes(conn: &mut Conn, tenant: i64) -> Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT name FROM api_scopes WHERE tenant_id = $1 AND enabled = 0 \
         UNION SELECT s.scope AS name FROM api_resource_scopes s JOIN api_resources r ON r.id = s.resource_id \
         WHERE r.tenant_id = $1 GROUP BY s.scope HAVING MAX(r.enabled) = 0",
    )
    .bind(tenant)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| Ok(r.try_get("name")?)).collect()
}

/// Names of the resources of `tenant` that contain API scope `scope`.
pub async fn containing(conn: &mut Conn, tenant: i64, scope: &str) -> Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT r.name FROM api_resources r JOIN api_resource_scopes s ON s.resource_id = r.id \
         WHERE r.tenant_id = $1 AND s.scope = $2 ORDER BY r.name",
    )
    .bind(tenant)
    .bind(scope.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| Ok(r.try_get("name")?)).collect()
}

pub async fn delete(conn: &mut Conn, tenant: i64, id: i64) -> Result<bool> {
    let done = sqlx::query("DELETE FROM api_resources WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// One page of resources with their secrets; scopes only if `with_scopes`.
pub async fn list(conn: &mut Conn, filter: &Filter, page: &Page, with_scopes: bool) -> Result<(i64, Vec<ApiResource>)> {
    let (total, rows) = super::page(conn, COLUMNS, "api_resources", filter, page).await?;
    let mut resources = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut resource = from_row(row)?;
        if with_scopes {
            resource.scopes = scopes_of(conn, resource.id).await?;
        }
        resource.secrets = secret_digests::list(conn, Owner::ApiResource(resource.id)).await?;
        resources.push(resource);
    }
    Ok((total, resources))
}
