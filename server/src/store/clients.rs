//! OAuth clients and their hashed secrets.

use super::secret_digests::{self, Owner, SecretDigest};
use super::{Conn, Filter, Page, Values, flag, from_json, to_json, to_time};
use crate::error::{Result, UniqueAs};
use keyward_api::client::{AccessTokenType, Client, ClientCorsOrigin};
use keyward_api::oauth::SigningAlg;
use keyward_api::secret::SecretInfo;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

const COLUMNS: &str = "id, client_id, name, description, enabled, confidential, grant_types, redirect_uris, \
    post_logout_redirect_uris, scopes, cors_origins, require_pkce, allow_plain_pkce, require_consent, access_token_type, \
    id_token_alg, access_token_alg, access_token_lifetime, identity_token_lifetime, authorization_code_lifetime, absolute_refresh_lifetime, sliding_refresh_lifetime, \
    refresh_grace_period, claims, properties, require_profile, created_at, updated_at";

fn token_type_name(kind: AccessTokenType) -> String {
    to_json(&kind).trim_matches('"').to_string()
}

fn alg(name: &str) -> Result<SigningAlg> {
    Ok(SigningAlg::parse(name)
        .ok_or_else(|| anyhow::anyhow!("a client's stored signing algorithm {name:?} is unknown"))?)
}

fn from_row(row: &AnyRow, secrets: Vec<SecretInfo>) -> Result<Client> {
    let json = |name: &str| -> Result<String> { Ok(row.try_get::<String, _>(name)?) };
    Ok(Client {
        id: row.try_get("id")?,
        client_id: row.try_get("client_id")?,
        client_name: row.try_get("name")?,
        description: row.try_get("description")?,
        enabled: row.try_get::<i64, _>("enabled")? != 0,
        require_client_secret: row.try_get::<i64, _>("confidential")? != 0,
        has_weak_secret: secrets.iter().any(|s| s.weak),
        client_secrets: secrets,
        allowed_grant_types: from_json(&json("grant_types")?)?,
        redirect_uris: from_json(&json("redirect_uris")?)?,
        post_logout_redirect_uris: from_json(&json("post_logout_redirect_uris")?)?,
        allowed_scopes: from_json(&json("scopes")?)?,
        allowed_cors_origins: from_json(&json("cors_origins")?)?,
        require_pkce: row.try_get::<i64, _>("require_pkce")? != 0,
        allow_plain_text_pkce: row.try_get::<i64, _>("allow_plain_pkce")? != 0,
        require_consent: row.try_get::<i64, _>("require_consent")? != 0,
        access_token_type: from_json(&format!("{:?}", row.try_get::<String, _>("access_token_type")?))?,
        id_token_signed_response_alg: alg(&row.try_get::<String, _>("id_token_alg")?)?,
        access_token_signing_alg: row
            .try_get::<Option<String>, _>("access_token_alg")?
            .as_deref()
            .map(alg)
            .transpose()?,
        access_token_lifetime: row.try_get("access_token_lifetime")?,
        identity_token_lifetime: row.try_get("identity_token_lifetime")?,
        authorization_code_lifetime: row.try_get("authorization_code_lifetime")?,
        absolute_refresh_token_lifetime: row.try_get("absolute_refresh_lifetime")?,
        sliding_refresh_token_lifetime: row.try_get("sliding_refresh_lifetime")?,
        refresh_token_rotation_grace_period: row.try_get("refresh_grace_period")?,
        claims: from_json(&json("claims")?)?,
        properties: from_json(&json("properties")?)?,
        require_profile: row.try_get::<i64, _>("require_profile")? != 0,
        created: to_time(row.try_get("created_at")?),
        updated: to_time(row.try_get("updated_at")?),
    })
}

/// The columns of `client` that both an insert and an update write.
fn values(client: &Client) -> Values {
    Values::new()
        .set("name", client.client_name.clone())
        .set("description", client.description.clone())
        .set("enabled", client.enabled)
        .set("confidential", client.require_client_secret)
        .set("grant_types", to_json(&client.allowed_grant_types))
        .set("redirect_uris", to_json(&client.redirect_uris))
        .set("post_logout_redirect_uris", to_json(&client.post_logout_redirect_uris))
        .set("scopes", to_json(&client.allowed_scopes))
        .set("cors_origins", to_json(&client.allowed_cors_origins))
        .set("require_pkce", client.require_pkce)
        .set("allow_plain_pkce", client.allow_plain_text_pkce)
        .set("require_consent", client.require_consent)
        .set("access_token_type", token_type_name(client.access_token_type))
        .set("id_token_alg", client.id_token_signed_response_alg.as_str())
        .set("access_token_alg", client.access_token_signing_alg.map(|alg| alg.as_str().to_string()))
        .set("access_token_lifetime", client.access_token_lifetime)
        .set("identity_token_lifetime", client.identity_token_lifetime)
        .set("authorization_code_lifetime", client.authorization_code_lifetime)
        .set("absolute_refresh_lifetime", client.absolute_refresh_token_lifetime)
        .set("sliding_refresh_lifetime", client.sliding_refresh_token_lifetime)
        .set("refresh_grace_period", client.refresh_token_rotation_grace_period)
        .set("claims", to_json(&client.claims))
        .set("properties", to_json(&client.properties))
        .set("require_profile", client.require_profile)
}

/// Inserts `client` into `tenant` (its `id`, secrets and times are ignored)
/// and returns its id.
pub async fn insert(conn: &mut Conn, tenant: i64, client: &Client, now: i64) -> Result<i64> {
    let row = values(client)
        .set("tenant_id", tenant)
        .set("client_id", client.client_id.clone())
        .set("created_at", now)
        .set("updated_at", now)
        .insert("clients", "RETURNING id")
        .fetch_one(&mut *conn)
        .await
        .unique_as(|_| format!("a client with clientId `{}` already exists", client.client_id))?;
    Ok(row.try_get("id")?)
}

/// Writes every field of an existing client of `tenant` but its id,
/// `client_id` and secrets.
pub async fn save(conn: &mut Conn, tenant: i64, client: &Client, now: i64) -> Result<()> {
    values(client).set("updated_at", now).update("clients", tenant, client.id).execute(&mut *conn).await?;
    Ok(())
}

pub async fn get(conn: &mut Conn, tenant: i64, id: i64) -> Result<Option<Client>> {
    let row = sqlx::query(AssertSqlSafe(format!("SELECT {COLUMNS} FROM clients WHERE tenant_id = $1 AND id = $2")))
        .bind(tenant)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(row) => Ok(Some(from_row(&row, secret_digests::list(conn, Owner::Client(id)).await?)?)),
        None => Ok(None),
    }
}

/// A client by its `client_id`, with its secret digests, for authentication.
pub async fn by_client_id(
    conn: &mut Conn,
    tenant: i64,
    client_id: &str,
) -> Result<Option<(Client, Vec<SecretDigest>)>> {
    let row =
        sqlx::query(AssertSqlSafe(format!("SELECT {COLUMNS} FROM clients WHERE tenant_id = $1 AND client_id = $2")))
            .bind(tenant)
            .bind(client_id.to_string())
            .fetch_optional(&mut *conn)
            .await?;
    let Some(row) = row else { return Ok(None) };
    let id: i64 = row.try_get("id")?;
    let digests = secret_digests::digests(conn, Owner::Client(id)).await?;
    Ok(Some((from_row(&row, Vec::new())?, digests)))
}

/// The numeric id of client `client_id` of `tenant`. In a transaction it
/// stays share-locked until the end, so the client is not deleted before
/// the rows naming it (a profile's clients) are written.
pub async fn id_of(conn: &mut Conn, tenant: i64, client_id: &str) -> Result<Option<i64>> {
    let lock = super::locks::on_postgres(conn, " FOR SHARE");
    let row =
        sqlx::query(AssertSqlSafe(format!("SELECT id FROM clients WHERE tenant_id = $1 AND client_id = $2{lock}")))
            .bind(tenant)
            .bind(client_id.to_string())
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row.map(|r| r.try_get("id")).transpose()?)
}

/// Marks client `id` of `tenant` as a bootstrap admin client, which the API
/// never changes.
pub async fn mark_bootstrap(conn: &mut Conn, tenant: i64, id: i64) -> Result<()> {
    sqlx::query("UPDATE clients SET bootstrap = 1 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Whether client `id` is a bootstrap admin client.
pub async fn is_bootstrap(conn: &mut Conn, id: i64) -> Result<bool> {
    let row = sqlx::query("SELECT bootstrap FROM clients WHERE id = $1").bind(id).fetch_optional(&mut *conn).await?;
    Ok(row.map(|r| r.try_get::<i64, _>("bootstrap")).transpose()?.is_some_and(|b| b != 0))
}

pub async fn delete(conn: &mut Conn, tenant: i64, id: i64) -> Result<bool> {
    let done = sqlx::query("DELETE FROM clients WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn list(conn: &mut Conn, filter: &Filter, page: &Page) -> Result<(i64, Vec<Client>)> {
    let (total, rows) = super::page(conn, COLUMNS, "clients", filter, page).await?;
    let mut clients = Vec::with_capacity(rows.len());
    for row in &rows {
        let id: i64 = row.try_get("id")?;
        clients.push(from_row(row, secret_digests::list(conn, Owner::Client(id)).await?)?);
    }
    Ok((total, clients))
}

/// The JSON of a client's end-user settings (`{}` when never set).
pub async fn app_settings(conn: &mut Conn, tenant: i64, id: i64) -> Result<Option<String>> {
    let row = sqlx::query("SELECT app_settings FROM clients WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|r| r.try_get("app_settings")).transpose()?)
}

pub async fn set_app_settings(conn: &mut Conn, tenant: i64, id: i64, json: &str, now: i64) -> Result<()> {
    sqlx::query("UPDATE clients SET app_settings = $1, updated_at = $2 WHERE tenant_id = $3 AND id = $4")
        .bind(json.to_string())
        .bind(now)
        .bind(tenant)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Every client of `tenant` as its `client_id` and allowed scope names: for
/// checking which clients name a scope.
pub async fn allowed_scopes(conn: &mut Conn, tenant: i64) -> Result<Vec<(String, Vec<String>)>> {
    let rows = sqlx::query("SELECT client_id, scopes FROM clients WHERE tenant_id = $1 ORDER BY client_id")
        .bind(tenant)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| {
            let scopes: Vec<keyward_api::client::ClientScope> = from_json(&r.try_get::<String, _>("scopes")?)?;
            Ok((r.try_get("client_id")?, scopes.into_iter().map(|s| s.scope).collect()))
        })
        .collect()
}

/// Tenants that have at least one client: the only ones whose clients can
/// name scopes that no longer resolve.
pub async fn tenants_with_clients(conn: &mut Conn) -> Result<Vec<i64>> {
    let rows = sqlx::query("SELECT DISTINCT tenant_id FROM clients ORDER BY tenant_id").fetch_all(&mut *conn).await?;
    rows.iter().map(|r| Ok(r.try_get("tenant_id")?)).collect()
}

/// The `allowedCorsOrigins` column of a client.
#[derive(sqlx::FromRow)]
struct CorsOrigins {
    cors_origins: String,
}

/// Every origin an enabled client of `tenant` lists: who may call the
/// tenant-wide browser endpoints (token, discovery, …) from another site.
pub async fn enabled_cors_origins(conn: &mut Conn, tenant: i64) -> Result<Vec<String>> {
    let rows: Vec<CorsOrigins> =
        sqlx::query_as("SELECT cors_origins FROM clients WHERE tenant_id = $1 AND enabled = $2")
            .bind(tenant)
            .bind(flag(true))
            .fetch_all(&mut *conn)
            .await?;
    let mut origins = Vec::new();
    for row in rows {
        let listed: Vec<ClientCorsOrigin> = from_json(&row.cors_origins)?;
        origins.extend(listed.into_iter().map(|o| o.origin));
    }
    Ok(origins)
}
