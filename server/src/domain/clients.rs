//! OAuth clients. A confidential client's secrets are generated here and
//! returned once, or imported; either way kept only as SHA-256 digests. An
//! admin may add (with an expiry, to rotate with overlap) and delete them,
//! and mint a token of the client.

use super::oauth::grant_type::{self, GrantType};
use super::oauth::mint::{self, AccessSpec};
use super::oauth::{audience, scopes};
use super::patch::merge;
use super::{Caller, api_scopes, authority, list, secrets, validate};
use crate::error::{Error, Result};
use crate::state::State;
use crate::store::locks::{Table, lock};
use crate::store::secret_digests::{self, NewDigest, Owner};
use crate::store::{Arg, Conn, Filter, access_tokens, clients};
use keyward_api::client::{Client, ClientCreate, ClientCreated, ClientListQuery, ClientTokenIssue, ClientUpdate};
use keyward_api::envelope::Paged;
use keyward_api::error::OAuthError;
use keyward_api::oauth::SigningAlg;
use keyward_api::oauth::TokenResponse;
use keyward_api::secret::{SecretCreate, SecretCreated};

const SORTABLE: &[(&str, &str)] = &[
    ("id", "id"),
    ("clientId", "client_id"),
    ("clientName", "name"),
    ("created", "created_at"),
    ("updated", "updated_at"),
];

/// The longest refresh-token rotation grace period: long enough for a
/// client to retry after a lost response, short enough that a stolen used
/// token is not a second credential for long.
const MAX_REFRESH_GRACE_SECONDS: i64 = 300;

fn check(client: &Client) -> Result<()> {
    validate::length("clientId", &client.client_id, 1, 200)?;
    if !client.client_id.chars().all(client_id_char) {
        return Err(Error::Invalid("`clientId` may contain only letters, digits and . _ ~ : -".into()));
    }
    validate::length("clientName", &client.client_name, 0, 200)?;
    validate::length("description", &client.description, 0, 1000)?;
    for g in &client.allowed_grant_types {
        if GrantType::parse(&g.grant_type).is_none() {
            return Err(Error::Invalid(format!(
                "`allowedGrantTypes` has unsupported grant type {:?}; supported: {}",
                g.grant_type,
                GrantType::ALL.map(GrantType::as_str).join(", ")
            )));
        }
    }
    validate::distinct("allowedGrantTypes", client.allowed_grant_types.iter().map(|g| g.grant_type.as_str()))?;
    let allows = |grant| grant_type::allows(client, grant);
    for confidential_only in [GrantType::ClientCredentials, GrantType::Password] {
        if allows(confidential_only) && !client.require_client_secret {
            return Err(Error::Invalid(format!(
                "`allowedGrantTypes` {:?} needs a confidential client (`requireClientSecret: true`)",
                confidential_only.as_str()
            )));
        }
    }
    if allows(GrantType::AuthorizationCode) && client.redirect_uris.is_empty() {
        return Err(Error::Invalid(
            "`allowedGrantTypes` \"authorization_code\" needs at least one redirect URI".into(),
        ));
    }
    for u in &client.redirect_uris {
        validate::redirect_uri("redirectUris[].redirectUri", &u.redirect_uri)?;
    }
    for u in &client.post_logout_redirect_uris {
        validate::redirect_uri("postLogoutRedirectUris[].postLogoutRedirectUri", &u.post_logout_redirect_uri)?;
    }
    for s in &client.allowed_scopes {
        validate::token("allowedScopes[].scope", &s.scope, 200)?;
    }
    validate::distinct("allowedScopes", client.allowed_scopes.iter().map(|s| s.scope.as_str()))?;
    for o in &client.allowed_cors_origins {
        validate::origin("allowedCorsOrigins[].origin", &o.origin)?;
    }
    validate::lifetime("accessTokenLifetime", client.access_token_lifetime)?;
    validate::lifetime("identityTokenLifetime", client.identity_token_lifetime)?;
    validate::lifetime("authorizationCodeLifetime", client.authorization_code_lifetime)?;
    validate::lifetime("absoluteRefreshTokenLifetime", client.absolute_refresh_token_lifetime)?;
    validate::lifetime("slidingRefreshTokenLifetime", client.sliding_refresh_token_lifetime)?;
    validate::within(
        "refreshTokenRotationGracePeriod",
        client.refresh_token_rotation_grace_period,
        0,
        MAX_REFRESH_GRACE_SECONDS,
    )?;
    for c in &client.claims {
        validate::token("claims[].type", &c.claim_type, 200)?;
        if crate::claims::RESERVED_CLAIMS.contains(&c.claim_type.as_str()) {
            return Err(Error::Invalid(format!(
                "`claims[].type` {:?} is set by the server and cannot be configured",
                c.claim_type
            )));
        }
    }
    for p in &client.properties {
        validate::length("properties[].key", &p.key, 1, 200)?;
    }
    Ok(())
}

/// Every allowed scope must mean something in the tenant: an identity
/// resource, an API scope, or a Keyward permission.
async fn check_scopes(conn: &mut Conn, tenant: i64, client: &Client) -> Result<()> {
    let known = api_scopes::known(conn, tenant).await?;
    if let Some(unknown) = client.allowed_scopes.iter().find(|s| !api_scopes::resolves(&known, &s.scope)) {
        return Err(Error::Invalid(format!(
            "`allowedScopes` names {:?}, which is neither an identity resource, an API scope nor a Keyward permission \
             of this tenant; create the API scope first",
            unknown.scope
        )));
    }
    Ok(())
}

fn not_found(id: i64) -> Error {
    Error::NotFound(format!("client {id} does not exist"))
}

pub async fn list(state: &State, caller: &Caller, query: ClientListQuery) -> Result<Paged<Client>> {
    let page = list::page(&query.list(), SORTABLE)?;
    let mut filter =
        list::created_between(Filter::default().and("tenant_id = ?", Arg::Int(caller.tenant.id)), &query.list())?;
    if let Some(client_id) = query.client_id.filter(|c| !c.is_empty()) {
        filter = filter.and("client_id = ?", Arg::Text(client_id));
    }
    if let Some(name) = query.client_name.filter(|n| !n.is_empty()) {
        filter = filter.and("name = ?", Arg::Text(name));
    }
    let (total, items) = clients::list(&mut *state.store.conn().await?, &filter, &page).await?;
    Ok(Paged::ok(total, page.skip, page.take, items))
}

/// Creates a client in the caller's tenant, allowed no permission the
/// caller does not hold.
pub async fn create(state: &State, caller: &Caller, body: ClientCreate) -> Result<ClientCreated> {
    let allowed = body.allowed_scopes.iter().map(|s| s.scope.as_str());
    authority::scopes_within(&mut *state.store.conn().await?, caller, caller.tenant.id, "the new client", allowed)
        .await?;
    create_in(state, caller.tenant.id, body, false).await
}

/// Creates a bootstrap admin client in the default tenant: one the API
/// never changes.
pub async fn create_bootstrap(state: &State, body: ClientCreate) -> Result<ClientCreated> {
    create_in(state, state.default_tenant, body, true).await
}

/// Creates a client in `tenant`. A confidential client gets its
/// `clientSecret` if given (imported, or the bootstrap admin client's),
/// else a generated one.
async fn create_in(state: &State, tenant: i64, body: ClientCreate, bootstrap: bool) -> Result<ClientCreated> {
    let require_client_secret = body.require_client_secret.unwrap_or(true);
    if !require_client_secret && (body.client_secret.is_some() || body.allow_weak_secret.is_some()) {
        return Err(Error::Invalid(
            "`clientSecret` and `allowWeakSecret` are for a confidential client (`requireClientSecret: true`)".into(),
        ));
    }
    let secret =
        require_client_secret.then(|| secrets::choose("clientSecret", body.client_secret, body.allow_weak_secret));
    let secret = secret.transpose()?;
    let client = Client {
        id: 0,
        client_id: body.client_id,
        client_name: body.client_name.unwrap_or_default(),
        description: body.description.unwrap_or_default(),
        enabled: body.enabled.unwrap_or(true),
        require_client_secret,
        client_secrets: Vec::new(),
        has_weak_secret: secret.as_ref().is_some_and(|s| s.weak),
        allowed_grant_types: body.allowed_grant_types,
        redirect_uris: body.redirect_uris,
        post_logout_redirect_uris: body.post_logout_redirect_uris,
        allowed_scopes: body.allowed_scopes,
        allowed_cors_origins: body.allowed_cors_origins,
        require_pkce: body.require_pkce.unwrap_or(true),
        allow_plain_text_pkce: body.allow_plain_text_pkce.unwrap_or(false),
        require_consent: body.require_consent.unwrap_or(false),
        access_token_type: body.access_token_type.unwrap_or_default(),
        id_token_signed_response_alg: body.id_token_signed_response_alg.unwrap_or(SigningAlg::RS256),
        access_token_signing_alg: body.access_token_signing_alg,
        access_token_lifetime: body.access_token_lifetime.unwrap_or(3600),
        identity_token_lifetime: body.identity_token_lifetime.unwrap_or(300),
        authorization_code_lifetime: body.authorization_code_lifetime.unwrap_or(60),
        absolute_refresh_token_lifetime: body.absolute_refresh_token_lifetime.unwrap_or(2_592_000),
        sliding_refresh_token_lifetime: body.sliding_refresh_token_lifetime.unwrap_or(1_296_000),
        refresh_token_rotation_grace_period: body.refresh_token_rotation_grace_period.unwrap_or(0),
        claims: body.claims,
        properties: body.properties,
        require_profile: body.require_profile.unwrap_or(false),
        created: Default::default(),
        updated: Default::default(),
    };
    check(&client)?;
    let now = state.clock.now_ms();
    let mut tx = state.store.begin().await?;
    check_scopes(&mut tx, tenant, &client).await?;
    let id = clients::insert(&mut tx, tenant, &client, now).await?;
    if bootstrap {
        clients::mark_bootstrap(&mut tx, tenant, id).await?;
    }
    let mut shown = None;
    if let Some(secret) = secret {
        let description = if secret.shown.is_some() { "generated at creation" } else { "imported at creation" };
        let new = NewDigest { sha256: &secret.digest, description, expires_at: None, weak: secret.weak };
        secret_digests::add(&mut tx, Owner::Client(id), new, now).await?;
        shown = secret.shown;
    }
    tx.commit().await?;
    Ok(ClientCreated { id, client_id: client.client_id, client_secret: shown })
}

/// The numeric id of the caller's tenant's client `client_id` (seed 000
/// addresses clients by `clientId`).
pub async fn id_of(state: &State, caller: &Caller, client_id: &str) -> Result<i64> {
    row_of(&mut *state.store.conn().await?, caller.tenant.id, client_id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("client {client_id:?} does not exist")))
}

/// The numeric id of client `client_id` of `tenant` (share-locked in a
/// transaction, see the store). A `clientId` no client can have (see
/// [`check`]) is not looked up.
pub async fn row_of(conn: &mut Conn, tenant: i64, client_id: &str) -> Result<Option<i64>> {
    if !client_id.chars().all(client_id_char) {
        return Ok(None);
    }
    clients::id_of(conn, tenant, client_id).await
}

/// What a `clientId` is made of.
fn client_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "._~:-".contains(c)
}

pub async fn view(state: &State, caller: &Caller, id: i64) -> Result<Client> {
    clients::get(&mut *state.store.conn().await?, caller.tenant.id, id).await?.ok_or_else(|| not_found(id))
}

pub async fn update(state: &State, caller: &Caller, id: i64, body: ClientUpdate) -> Result<Client> {
    let mut tx = state.store.begin().await?;
    lock(&mut tx, Table::Clients, caller.tenant.id, id).await?;
    let current = clients::get(&mut tx, caller.tenant.id, id).await?.ok_or_else(|| not_found(id))?;
    authority::client(&mut tx, caller, &current).await?;
    let mut client = current;
    merge!(client <- body; client_name, description, enabled, allowed_grant_types, redirect_uris,
        post_logout_redirect_uris, allowed_scopes, allowed_cors_origins, require_pkce, allow_plain_text_pkce,
        require_consent, access_token_type, id_token_signed_response_alg, access_token_signing_alg => Some,
        access_token_lifetime, identity_token_lifetime, authorization_code_lifetime, absolute_refresh_token_lifetime,
        sliding_refresh_token_lifetime, refresh_token_rotation_grace_period, claims, properties, require_profile);
    check(&client)?;
    let allowed = client.allowed_scopes.iter().map(|s| s.scope.as_str());
    authority::scopes_within(&mut tx, caller, caller.tenant.id, "the changed client", allowed).await?;
    check_scopes(&mut tx, caller.tenant.id, &client).await?;
    clients::save(&mut tx, caller.tenant.id, &client, state.clock.now_ms()).await?;
    let saved = clients::get(&mut tx, caller.tenant.id, id).await?.ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    state.forget_clients();
    Ok(saved)
}

pub async fn delete(state: &State, caller: &Caller, id: i64) -> Result<i64> {
    let mut tx = state.store.begin().await?;
    let current = clients::get(&mut tx, caller.tenant.id, id).await?.ok_or_else(|| not_found(id))?;
    authority::client(&mut tx, caller, &current).await?;
    if !clients::delete(&mut tx, caller.tenant.id, id).await? {
        return Err(not_found(id));
    }
    tx.commit().await?;
    state.forget_clients();
    Ok(id)
}

pub async fn secrets(state: &State, caller: &Caller, id: i64) -> Result<Vec<keyward_api::secret::SecretInfo>> {
    Ok(view(state, caller, id).await?.client_secrets)
}

pub async fn add_secret(state: &State, caller: &Caller, id: i64, body: SecretCreate) -> Result<SecretCreated> {
    let description = body.description.unwrap_or_default();
    validate::length("description", &description, 0, 1000)?;
    let now = state.clock.now_ms();
    let expires_at = validate::expiration("expiration", body.expiration, now)?;
    let secret = secrets::choose("value", body.value, body.allow_weak_secret)?;
    let mut tx = state.store.begin().await?;
    let client = clients::get(&mut tx, caller.tenant.id, id).await?.ok_or_else(|| not_found(id))?;
    authority::client(&mut tx, caller, &client).await?;
    if !client.require_client_secret {
        return Err(Error::Conflict(format!("client {id} is public: it authenticates without a secret")));
    }
    let new = NewDigest { sha256: &secret.digest, description: &description, expires_at, weak: secret.weak };
    let secret_id = secret_digests::add(&mut tx, Owner::Client(id), new, now).await?;
    tx.commit().await?;
    state.forget_clients();
    Ok(SecretCreated { id: secret_id, secret: secret.shown })
}

pub async fn delete_secret(state: &State, caller: &Caller, id: i64, secret_id: i64) -> Result<i64> {
    let mut tx = state.store.begin().await?;
    let client = clients::get(&mut tx, caller.tenant.id, id).await?.ok_or_else(|| not_found(id))?;
    authority::client(&mut tx, caller, &client).await?;
    if !secret_digests::delete(&mut tx, Owner::Client(id), secret_id).await? {
        return Err(Error::NotFound(format!("client {id} has no secret {secret_id}")));
    }
    tx.commit().await?;
    state.forget_clients();
    Ok(secret_id)
}

/// Mints an access token of client `id` as its `client_credentials` grant
/// would, with the chosen scopes and a lifetime no longer than the client's
/// (signing keys stay published only that long after they retire). The
/// token carries no permission the caller does not hold.
pub async fn issue_token(state: &State, caller: &Caller, id: i64, body: ClientTokenIssue) -> Result<TokenResponse> {
    let client = view(state, caller, id).await?;
    authority::not_bootstrap(&mut *state.store.conn().await?, &client).await?;
    if !client.enabled {
        return Err(Error::Conflict(format!("client {id} is disabled")));
    }
    if !grant_type::allows(&client, GrantType::ClientCredentials) {
        return Err(Error::Conflict(format!(
            "client {id} is not allowed the client_credentials grant: it has no token of its own to issue"
        )));
    }
    let lifetime = body.lifetime.unwrap_or(client.access_token_lifetime);
    if !(1..=client.access_token_lifetime).contains(&lifetime) {
        return Err(Error::Invalid(format!(
            "`lifetime` must be between 1 and the client's accessTokenLifetime, {} seconds (got {lifetime})",
            client.access_token_lifetime
        )));
    }
    let client = Client { access_token_lifetime: lifetime, ..client };
    // A scope the client may not have, or one without an audience, is the request's fault.
    let invalid = |e: OAuthError| Error::Invalid(e.error_description.unwrap_or_else(|| e.error.as_str().into()));
    let scope = scopes::requested(&client, body.scope.as_deref()).map_err(invalid)?;
    let catalog = state.catalog_outside_transaction(caller.tenant.id).await?;
    let target = audience::target(&catalog, &caller.tenant, &scope.join(" "), None).map_err(invalid)?;
    let granted = target.scope.split_whitespace();
    authority::scopes_within(&mut *state.store.conn().await?, caller, caller.tenant.id, "the token", granted).await?;
    let spec = AccessSpec { subject: client.client_id.clone(), target: &target, grant_id: None, auth_time: None };
    let minted = mint::access_token(state, &caller.tenant, &client, spec).await?;
    if let Some(record) = &minted.record {
        access_tokens::insert(&mut *state.store.conn().await?, record).await?;
    }
    Ok(TokenResponse {
        access_token: minted.token,
        token_type: "Bearer".into(),
        expires_in: lifetime,
        scope: (!target.scope.is_empty()).then_some(target.scope),
        refresh_token: None,
        id_token: None,
    })
}
