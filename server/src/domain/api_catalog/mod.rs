//! The API catalog: each API resource's OpenAPI documents as revisions
//! (stored once, never changed), versions naming revisions with one
//! online, the last publish configuration, the tenant's authorization
//! servers, and e-mail subscribers confirmed by signed links. Release
//! notes, packages and product groups are [`collections`].

pub mod collections;
pub mod document;
pub mod items;
pub mod subscriptions;
mod yaml;

use super::{Caller, validate};
use crate::error::{Error, Result};
use crate::outbound::OutboundError;
use crate::state::State;
use crate::store::api_catalog::{self, RevisionRow};
use crate::store::locks::{Table, first_missing, lock};
use crate::store::{Conn, from_json, to_json, to_time};
use collections::Collection;
use items::{ProductRow, Products, Releases};
use keyward_api::IMPORT_BODY_MAX_BYTES;
use keyward_api::api_catalog::{
    ApiPublish, ApiPublishConfiguration, ApiRevision, ApiRevisionCreate, ApiVersionCreate, AuthServer,
};
use serde_json::Value;

impl From<RevisionRow> for ApiRevision {
    fn from(row: RevisionRow) -> ApiRevision {
        ApiRevision {
            id: row.id,
            number: row.number,
            source_url: row.source_url,
            version: row.version,
            online: row.online == Some(1),
            created: to_time(row.created_at),
        }
    }
}

fn not_found(id: i64) -> Error {
    Error::NotFound(format!("API resource {id} does not exist"))
}

/// 404 unless API resource `id` is `tenant`'s.
pub async fn ensure_api(conn: &mut Conn, tenant: i64, id: i64) -> Result<()> {
    match first_missing(conn, Table::ApiResources, tenant, &[id]).await? {
        Some(_) => Err(not_found(id)),
        None => Ok(()),
    }
}

/// Locks API resource `id` of `tenant` for the transaction (revision
/// numbers and the online version change one at a time); 404 if absent.
async fn lock_api(conn: &mut Conn, tenant: i64, id: i64) -> Result<()> {
    lock(conn, Table::ApiResources, tenant, id).await?;
    ensure_api(conn, tenant, id).await
}

/// An OpenAPI 3.x or Swagger 2.0 document, as JSON text, read within the
/// limits of [`document`].
fn openapi(document: Value) -> Result<String> {
    let document = match document {
        Value::String(text) => document::parse(&text)?,
        other => {
            document::check(&other)?;
            other
        }
    };
    let invalid = document::not_openapi;
    let object = document.as_object().ok_or_else(|| invalid("it is not an object"))?;
    let openapi3 = object.get("openapi").and_then(Value::as_str).is_some_and(|v| v.starts_with("3."));
    let swagger2 = object.get("swagger").and_then(Value::as_str) == Some("2.0");
    if !openapi3 && !swagger2 {
        return Err(invalid("it has no `openapi: 3.x` (or `swagger: \"2.0\"`) field"));
    }
    if !object.get("info").and_then(|info| info.get("title")).is_some_and(Value::is_string) {
        return Err(invalid("it has no `info.title`"));
    }
    if object.get("paths").is_some_and(|paths| !paths.is_object()) {
        return Err(invalid("`paths` is not an object"));
    }
    Ok(document.to_string())
}

/// The document a publish (or a generation) uses: the one given, else the
/// one at `url`, as JSON.
pub async fn document_of(state: &State, document: Option<Value>, url: Option<&str>) -> Result<String> {
    if let Some(document) = document {
        return read(document).await;
    }
    let url =
        url.ok_or_else(|| Error::Invalid("give the OpenAPI document in `document`, or its `swaggerUrl`".into()))?;
    validate::length("swaggerUrl", url, 1, 2000)?;
    let fetched = state.http.fetch(url, IMPORT_BODY_MAX_BYTES).await.map_err(|error| {
        let why = match error {
            OutboundError::Refused(why) => format!("refused: {why}"),
            other => format!("could not be fetched: {other}"),
        };
        Error::Invalid(format!("`swaggerUrl` {why}"))
    })?;
    let text = String::from_utf8(fetched)
        .map_err(|_| Error::Invalid("the document at `swaggerUrl` is not UTF-8 text".into()))?;
    read(Value::String(text)).await
}

/// [`openapi`] off the async runtime: reading a megabyte of YAML takes a
/// while.
async fn read(document: Value) -> Result<String> {
    tokio::task::spawn_blocking(move || openapi(document)).await.map_err(|e| Error::Internal(e.into()))?
}

/// Stores a revision of API `id` made at `now` and reads it back, in
/// `conn`'s transaction.
async fn store_revision(
    conn: &mut Conn,
    tenant: i64,
    id: i64,
    document: &str,
    source: Option<&str>,
    now: i64,
) -> Result<ApiRevision> {
    let revision = api_catalog::add_revision(conn, tenant, id, document, source, now).await?;
    api_catalog::get_revision(conn, tenant, id, revision)
        .await?
        .map(ApiRevision::from)
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("revision {revision} vanished")))
}

fn optional(field: &str, value: &Option<String>, max: usize) -> Result<()> {
    value.as_deref().map_or(Ok(()), |value| validate::length(field, value, 0, max))
}

pub async fn publish(state: &State, caller: &Caller, id: i64, mut body: ApiPublish) -> Result<ApiRevision> {
    let tenant = caller.tenant.id;
    optional("name", &body.name, 200)?;
    optional("description", &body.description, 1000)?;
    optional("apiId", &body.api_id, 200)?;
    optional("suffix", &body.suffix, 200)?;
    optional("scope", &body.scope, 1000)?;
    optional("openid", &body.openid, 1000)?;
    optional("policy", &body.policy, 64 * 1024)?;
    if body.authorization_server_id.is_some_and(|server| server != tenant) {
        return Err(Error::Invalid(format!(
            "`authorizationServerId` must be {tenant}, this tenant's authorization server (see AuthServers)"
        )));
    }
    let given = body.document.take();
    let source = if given.is_none() { body.swagger_url.clone() } else { None };
    let document = document_of(state, given, body.swagger_url.as_deref()).await?;
    let now = state.clock.now_ms();
    let mut tx = state.store.begin().await?;
    lock_api(&mut tx, tenant, id).await?;
    for product in &body.product_ids {
        let found: Option<ProductRow> = Products::STORE.get(&mut tx, tenant, tenant, *product).await?;
        if found.is_none() {
            return Err(Error::Invalid(format!("`productIds` names {product}, which is not a product group here")));
        }
        api_catalog::add_member(&mut tx, *product, id).await?;
    }
    let revision = store_revision(&mut tx, tenant, id, &document, source.as_deref(), now).await?;
    api_catalog::save_configuration(&mut tx, id, revision.id, &to_json(&body), now).await?;
    tx.commit().await?;
    Ok(revision)
}

pub async fn create_revision(state: &State, caller: &Caller, id: i64, body: ApiRevisionCreate) -> Result<ApiRevision> {
    let tenant = caller.tenant.id;
    optional("apiId", &body.api_id, 200)?;
    if let Some(note) = &body.release_note {
        validate::length("releaseNote", note, 1, 64 * 1024)?;
    }
    let source = if body.document.is_none() { body.swagger_url.clone() } else { None };
    let document = document_of(state, body.document, body.swagger_url.as_deref()).await?;
    let now = state.clock.now_ms();
    let mut tx = state.store.begin().await?;
    lock_api(&mut tx, tenant, id).await?;
    let revision = store_revision(&mut tx, tenant, id, &document, source.as_deref(), now).await?;
    if let Some(note) = body.release_note {
        let values = vec![crate::store::Arg::Int(revision.id), crate::store::Arg::Text(note)];
        Releases::STORE.insert(&mut tx, tenant, id, values, now).await?;
    }
    tx.commit().await?;
    Ok(revision)
}

/// A revision of API `id`, or 404.
async fn revision(conn: &mut Conn, tenant: i64, id: i64, revision: i64) -> Result<ApiRevision> {
    api_catalog::get_revision(conn, tenant, id, revision)
        .await?
        .map(ApiRevision::from)
        .ok_or_else(|| Error::NotFound(format!("API resource {id} has no revision {revision}")))
}

pub async fn create_version(state: &State, caller: &Caller, id: i64, body: ApiVersionCreate) -> Result<ApiRevision> {
    let tenant = caller.tenant.id;
    validate::token("apiVersionName", &body.api_version_name, 100)?;
    let mut tx = state.store.begin().await?;
    lock_api(&mut tx, tenant, id).await?;
    revision(&mut tx, tenant, id, body.revision_id).await?;
    api_catalog::add_version(&mut tx, id, body.revision_id, &body.api_version_name, state.clock.now_ms()).await?;
    let named = revision(&mut tx, tenant, id, body.revision_id).await?;
    tx.commit().await?;
    Ok(named)
}

pub async fn set_online(state: &State, caller: &Caller, id: i64, revision_id: i64) -> Result<ApiRevision> {
    let tenant = caller.tenant.id;
    let mut tx = state.store.begin().await?;
    lock_api(&mut tx, tenant, id).await?;
    revision(&mut tx, tenant, id, revision_id).await?;
    if !api_catalog::set_online(&mut tx, id, revision_id).await? {
        return Err(Error::Conflict(format!(
            "no version names revision {revision_id}; name it with PublishVersion first"
        )));
    }
    let online = revision(&mut tx, tenant, id, revision_id).await?;
    tx.commit().await?;
    Ok(online)
}

pub async fn versions(state: &State, caller: &Caller, id: i64) -> Result<Vec<ApiRevision>> {
    let tenant = caller.tenant.id;
    let mut conn = state.store.conn().await?;
    ensure_api(&mut conn, tenant, id).await?;
    Ok(api_catalog::revisions(&mut conn, tenant, id).await?.into_iter().map(ApiRevision::from).collect())
}

pub async fn configuration(state: &State, caller: &Caller, id: i64) -> Result<ApiPublishConfiguration> {
    let mut conn = state.store.conn().await?;
    ensure_api(&mut conn, caller.tenant.id, id).await?;
    let stored = api_catalog::configuration(&mut conn, id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("API resource {id} was never published")))?;
    let body: ApiPublish = from_json(&stored.configuration)?;
    Ok(ApiPublishConfiguration {
        name: body.name,
        description: body.description,
        api_id: body.api_id,
        suffix: body.suffix,
        swagger_url: body.swagger_url,
        product_ids: body.product_ids,
        authorization_server_id: body.authorization_server_id,
        scope: body.scope,
        openid: body.openid,
        policy: body.policy,
        revision_id: stored.revision_id,
        updated: to_time(stored.updated_at),
    })
}

/// The tenant is the one authorization server its APIs can be protected by.
pub fn auth_servers(caller: &Caller) -> Vec<AuthServer> {
    let issuer = caller.tenant.issuer.trim_end_matches('/').to_string();
    vec![AuthServer {
        id: caller.tenant.id,
        name: caller.tenant.name.clone(),
        discovery_url: format!("{issuer}/.well-known/openid-configuration"),
        issuer,
    }]
}
