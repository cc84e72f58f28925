//! API resources: the APIs a tenant protects. A resource's name is the
//! audience of tokens for it; its secrets (generated here, shown once, kept
//! as SHA-256) let the API introspect tokens.

use super::patch::merge;
use super::{Caller, api_scopes as scopes, list, secrets, validate};
use crate::crypto::secret;
use crate::error::{Error, Result};
use crate::state::State;
use crate::store::locks::{Table, lock};
use crate::store::secret_digests::{self, NewDigest, Owner};
use crate::store::{Arg, Conn, Filter, api_resources, api_scopes, clients, identity_resources};
use keyward_api::api_resource::{
    ApiResource, ApiResourceCreate, ApiResourceCreated, ApiResourceListQuery, ApiResourceScope, ApiResourceUpdate,
};
use keyward_api::api_scope::ApiScope;
use keyward_api::envelope::Paged;
use keyward_api::secret::{SecretCreate, SecretCreated};
use serde_json::Value;

const SORTABLE: &[(&str, &str)] =
    &[("id", "id"), ("name", "name"), ("created", "created_at"), ("updated", "updated_at")];

fn check(resource: &ApiResource) -> Result<()> {
    validate::token("name", &resource.name, 200)?;
    validate::length("displayName", &resource.display_name, 0, 200)?;
    validate::length("description", &resource.description, 0, 1000)?;
    for claim in &resource.user_claims {
        validate::token("userClaims[].type", &claim.claim_type, 200)?;
    }
    validate::distinct("userClaims", resource.user_claims.iter().map(|c| c.claim_type.as_str()))?;
    validate::distinct("scopes", resource.scopes.iter().map(|s| s.scope.as_str()))?;
    for p in &resource.properties {
        validate::length("properties[].key", &p.key, 1, 200)?;
    }
    Ok(())
}

/// Every scope a resource contains must be an API scope of its tenant.
async fn check_scopes(conn: &mut Conn, tenant: i64, resource: &ApiResource) -> Result<()> {
    let names = api_scopes::names(conn, tenant).await?;
    if let Some(unknown) = resource.scopes.iter().find(|s| !names.contains(&s.scope)) {
        return Err(Error::Invalid(format!(
            "`scopes` names {:?}, which is not an API scope of this tenant",
            unknown.scope
        )));
    }
    Ok(())
}

fn not_found(id: i64) -> Error {
    Error::NotFound(format!("API resource {id} does not exist"))
}

/// `text` cut to at most `max` characters.
fn truncated(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// Stores `resource` in `tenant` at `now` with a first, generated secret.
async fn insert_with_secret(
    conn: &mut Conn,
    tenant: i64,
    resource: &ApiResource,
    now: i64,
) -> Result<ApiResourceCreated> {
    let id = api_resources::insert(conn, tenant, resource, now).await?;
    let secret = secret::generate();
    let new = NewDigest {
        sha256: &secret::digest(&secret),
        description: "generated at creation",
        expires_at: None,
        weak: false,
    };
    secret_digests::add(conn, Owner::ApiResource(id), new, now).await?;
    Ok(ApiResourceCreated { id, secret })
}

/// A new resource from a create body, defaults applied.
fn from_create(body: ApiResourceCreate) -> ApiResource {
    ApiResource {
        id: 0,
        display_name: body.display_name.unwrap_or_else(|| body.name.clone()),
        name: body.name,
        description: body.description.unwrap_or_default(),
        enabled: body.enabled.unwrap_or(true),
        show_in_discovery_document: body.show_in_discovery_document.unwrap_or(true),
        allowed_access_token_signing_algorithms: body.allowed_access_token_signing_algorithms,
        scopes: body.scopes,
        user_claims: body.user_claims,
        properties: body.properties,
        secrets: Vec::new(),
        non_editable: false,
        created: Default::default(),
        updated: Default::default(),
    }
}

pub async fn list(state: &State, caller: &Caller, query: ApiResourceListQuery) -> Result<Paged<ApiResource>> {
    let page = list::page(&query.list(), SORTABLE)?;
    let mut filter =
        list::created_between(Filter::default().and("tenant_id = ?", Arg::Int(caller.tenant.id)), &query.list())?;
    if let Some(name) = query.name.filter(|n| !n.is_empty()) {
        filter = filter.and("name = ?", Arg::Text(name));
    }
    let with_scopes = query.expand_scopes.unwrap_or(false);
    let (total, mut items) = api_resources::list(&mut *state.store.conn().await?, &filter, &page, with_scopes).await?;
    if !query.expand_claims.unwrap_or(false) {
        items.iter_mut().for_each(|r| r.user_claims.clear());
    }
    Ok(Paged::ok(total, page.skip, page.take, items))
}

pub async fn create(state: &State, caller: &Caller, body: ApiResourceCreate) -> Result<ApiResourceCreated> {
    let resource = from_create(body);
    check(&resource)?;
    let mut tx = state.store.begin().await?;
    check_scopes(&mut tx, caller.tenant.id, &resource).await?;
    let created = insert_with_secret(&mut tx, caller.tenant.id, &resource, state.clock.now_ms()).await?;
    tx.commit().await?;
    state.forget_catalog();
    Ok(created)
}

pub async fn view(state: &State, caller: &Caller, id: i64) -> Result<ApiResource> {
    api_resources::get(&mut *state.store.conn().await?, caller.tenant.id, id).await?.ok_or_else(|| not_found(id))
}

pub async fn update(state: &State, caller: &Caller, id: i64, body: ApiResourceUpdate) -> Result<ApiResource> {
    let tenant = caller.tenant.id;
    let mut tx = state.store.begin().await?;
    lock(&mut tx, Table::ApiResources, tenant, id).await?;
    let current = api_resources::get(&mut tx, tenant, id).await?.ok_or_else(|| not_found(id))?;
    let mut resource = current;
    merge!(resource <- body; name, display_name, description, enabled, show_in_discovery_document,
        allowed_access_token_signing_algorithms => Some, scopes, user_claims, properties);
    check(&resource)?;
    check_scopes(&mut tx, tenant, &resource).await?;
    api_resources::save(&mut tx, tenant, &resource, state.clock.now_ms()).await?;
    let saved = api_resources::get(&mut tx, tenant, id).await?.ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    state.forget_catalog();
    Ok(saved)
}

pub async fn delete(state: &State, caller: &Caller, id: i64) -> Result<i64> {
    let mut tx = state.store.begin().await?;
    if !api_resources::delete(&mut tx, caller.tenant.id, id).await? {
        return Err(not_found(id));
    }
    tx.commit().await?;
    state.forget_catalog();
    Ok(id)
}

pub async fn add_secret(state: &State, caller: &Caller, id: i64, body: SecretCreate) -> Result<SecretCreated> {
    let description = body.description.unwrap_or_default();
    validate::length("description", &description, 0, 1000)?;
    let now = state.clock.now_ms();
    let expires_at = validate::expiration("expiration", body.expiration, now)?;
    let secret = secrets::choose("value", body.value, body.allow_weak_secret)?;
    let mut tx = state.store.begin().await?;
    api_resources::get(&mut tx, caller.tenant.id, id).await?.ok_or_else(|| not_found(id))?;
    let new = NewDigest { sha256: &secret.digest, description: &description, expires_at, weak: secret.weak };
    let secret_id = secret_digests::add(&mut tx, Owner::ApiResource(id), new, now).await?;
    tx.commit().await?;
    Ok(SecretCreated { id: secret_id, secret: secret.shown })
}

pub async fn delete_secret(state: &State, caller: &Caller, id: i64, secret_id: i64) -> Result<i64> {
    let mut tx = state.store.begin().await?;
    api_resources::get(&mut tx, caller.tenant.id, id).await?.ok_or_else(|| not_found(id))?;
    if !secret_digests::delete(&mut tx, Owner::ApiResource(id), secret_id).await? {
        return Err(Error::NotFound(format!("API resource {id} has no secret {secret_id}")));
    }
    tx.commit().await?;
    Ok(secret_id)
}

/// What an OpenAPI 3.x document says about the API it describes.
#[derive(Debug)]
struct Described {
    name: String,
    title: Option<String>,
    description: String,
    /// OAuth2 scope name and description, in document order, without repeats.
    scopes: Vec<(String, String)>,
}

/// Reads an OpenAPI 3.x document; `name` overrides the derived resource name.
fn describe(document: &Value, name: Option<String>) -> Result<Described> {
    let invalid = |message: &str| Error::Invalid(message.to_string());
    let document =
        document.as_object().ok_or_else(|| invalid("the body must be an OpenAPI 3.x document (a JSON object)"))?;
    match document.get("openapi").and_then(Value::as_str) {
        Some(version) if version.starts_with("3.") => {}
        Some(version) => {
            return Err(Error::Invalid(format!("`openapi` is {version:?}: only OpenAPI 3.x is supported")));
        }
        None if document.contains_key("swagger") => {
            return Err(invalid("Swagger 2.0 documents are not supported: convert the document to OpenAPI 3.x"));
        }
        None => return Err(invalid("`openapi` is missing: the body must be an OpenAPI 3.x document")),
    }
    let info = document.get("info");
    let text =
        |field: &str| info.and_then(|i| i.get(field)).and_then(Value::as_str).map(str::trim).filter(|t| !t.is_empty());
    let server_url = document
        .get("servers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| s.get("url").and_then(Value::as_str))
        .find(|url| url.starts_with("https://") || url.starts_with("http://"))
        .map(|url| url.trim_end_matches('/').to_string());
    let name = name
        .filter(|n| !n.is_empty())
        .or(server_url)
        .or_else(|| text("title").map(str::to_string))
        .ok_or_else(|| invalid("no resource name: pass `name`, or import a document with an absolute `servers[].url` or an `info.title`"))?;
    let mut scopes: Vec<(String, String)> = Vec::new();
    let schemes = document.get("components").and_then(|c| c.get("securitySchemes")).and_then(Value::as_object);
    for scheme in schemes.into_iter().flat_map(|s| s.values()) {
        if scheme.get("type").and_then(Value::as_str) != Some("oauth2") {
            continue;
        }
        let flows = scheme.get("flows").and_then(Value::as_object);
        for flow in flows.into_iter().flat_map(|f| f.values()) {
            for (scope, about) in flow.get("scopes").and_then(Value::as_object).into_iter().flatten() {
                if !scopes.iter().any(|(known, _)| known == scope) {
                    scopes.push((scope.clone(), about.as_str().unwrap_or_default().to_string()));
                }
            }
        }
    }
    Ok(Described {
        name,
        title: text("title").map(|t| truncated(t, 200)),
        description: truncated(text("description").unwrap_or_default(), 1000),
        scopes,
    })
}

/// Creates an API resource from an OpenAPI 3.x document: its oauth2 scopes
/// become API scopes of the tenant (new ones created, existing ones reused),
/// all contained by the new resource.
pub async fn import(
    state: &State,
    caller: &Caller,
    name: Option<String>,
    document: Value,
) -> Result<ApiResourceCreated> {
    let tenant = caller.tenant.id;
    let named = name.as_deref().is_some_and(|n| !n.is_empty());
    let described = describe(&document, name)?;
    let now = state.clock.now_ms();
    let mut tx = state.store.begin().await?;
    // OpenID Connect scopes a document lists (`openid`, `email`) are identity
    // resources, not API scopes: they stay out of the resource.
    let identity = identity_resources::names(&mut tx, tenant).await?;
    let api_scoped: Vec<&(String, String)> = described.scopes.iter().filter(|(n, _)| !identity.contains(n)).collect();
    let resource = from_create(ApiResourceCreate {
        display_name: Some(described.title.unwrap_or_else(|| truncated(&described.name, 200))),
        name: described.name,
        description: Some(described.description),
        scopes: api_scoped.iter().map(|(scope, _)| ApiResourceScope { scope: scope.clone() }).collect(),
        ..Default::default()
    });
    check(&resource).map_err(|e| match e {
        Error::Invalid(message) if !named => {
            Error::Invalid(format!("{message} (derived from the document; pass `name` to choose one)"))
        }
        other => other,
    })?;
    if api_resources::by_name(&mut tx, tenant, &resource.name).await?.is_some() {
        return Err(Error::Conflict(format!("an API resource named `{}` already exists", resource.name)));
    }
    for (name, about) in api_scoped {
        if api_scopes::by_name(&mut tx, tenant, name).await?.is_some() {
            continue;
        }
        let display_name = if about.trim().is_empty() { name.clone() } else { truncated(about.trim(), 200) };
        let scope = ApiScope { display_name, description: truncated(about, 1000), ..new_scope(name) };
        scopes::check(&scope).map_err(|e| Error::Invalid(format!("scope {name:?} of the document: {e}")))?;
        api_scopes::insert(&mut tx, tenant, &scope.into(), now).await?;
    }
    let created = insert_with_secret(&mut tx, tenant, &resource, now).await?;
    tx.commit().await?;
    state.forget_catalog();
    Ok(created)
}

/// A plain, enabled API scope named `name`.
fn new_scope(name: &str) -> ApiScope {
    scopes::from_create(keyward_api::api_scope::ApiScopeCreate { name: name.to_string(), ..Default::default() })
}

/// Gives meaning to scopes that clients of `tenant_id` were allowed before
/// API scopes existed (any string was accepted then): each scope that is
/// neither an identity resource, an API scope nor a Keyward permission
/// becomes an API scope, contained by the API resource named `issuer`
/// ("Legacy scopes"; created without a secret if missing). Idempotent; runs
/// on the caller's connection, which should be a transaction. Returns the
/// scopes adopted; what it creates is stamped `now`.
pub async fn adopt_legacy_scopes(conn: &mut Conn, tenant_id: i64, issuer: &str, now: i64) -> Result<Vec<String>> {
    let known = scopes::known(conn, tenant_id).await?;
    let mut legacy: Vec<String> = Vec::new();
    for (_, allowed) in clients::allowed_scopes(conn, tenant_id).await? {
        for scope in allowed {
            if !scopes::resolves(&known, &scope) && !legacy.contains(&scope) {
                legacy.push(scope);
            }
        }
    }
    if legacy.is_empty() {
        return Ok(legacy);
    }
    // Replicas starting together may adopt at once: inserts that meet an
    // existing row do nothing.
    for name in &legacy {
        api_scopes::insert_missing(conn, tenant_id, &new_scope(name).into(), now).await?;
    }
    let legacy_resource = from_create(ApiResourceCreate {
        name: issuer.to_string(),
        display_name: Some("Legacy scopes".into()),
        description: Some("Scopes clients were allowed before API scopes existed.".into()),
        ..Default::default()
    });
    let resource_id = api_resources::insert_missing(conn, tenant_id, &legacy_resource, now).await?;
    for name in &legacy {
        api_resources::add_scope(conn, resource_id, name).await?;
    }
    Ok(legacy)
}

#[cfg(test)]
mod tests {
    use super::describe;
    use serde_json::json;

    #[test]
    fn documents_name_the_resource_and_declare_its_scopes() {
        let document = json!({
            "openapi": "3.0.0",
            "info": { "title": "Pets", "description": "d".repeat(1200) },
            "servers": [{ "url": "/v1" }, { "url": "https://pets.example.com/v1/" }],
            "components": { "securitySchemes": {
                "key": { "type": "apiKey", "name": "k", "in": "header" },
                "o": { "type": "oauth2", "flows": {
                    "implicit": { "authorizationUrl": "https://x/a", "scopes": { "pets.read": "Read", "pets.write": "" } },
                    "password": { "tokenUrl": "https://x/t", "scopes": { "pets.read": "Read again" } }
                } }
            } }
        });
        let described = describe(&document, None).unwrap();
        assert_eq!(described.name, "https://pets.example.com/v1");
        assert_eq!(described.title.as_deref(), Some("Pets"));
        assert_eq!(described.description.chars().count(), 1000);
        let scopes: Vec<(&str, &str)> = described.scopes.iter().map(|(n, d)| (n.as_str(), d.as_str())).collect();
        assert_eq!(scopes, [("pets.read", "Read"), ("pets.write", "")]);
        assert_eq!(describe(&document, Some("pets".into())).unwrap().name, "pets");
        let untitled = json!({ "openapi": "3.1.0", "info": { "title": "  " } });
        assert!(describe(&untitled, None).is_err());
        assert!(describe(&json!({ "swagger": "2.0" }), None).unwrap_err().to_string().contains("Swagger 2.0"));
    }
}
