//! Checking access tokens where they are presented — the admin API,
//! UserInfo, introspection — and revoking tokens (RFC 7009).

use super::client_auth::{self, Authenticated, Presented};
use super::scopes;
use crate::claims::{ACCESS_TOKEN_TYP, AccessClaims};
use crate::crypto::secret;
use crate::domain::Caller;
use crate::error::{Error, Refusal, Result};
use crate::state::State;
use crate::store::access_tokens::{self, AccessRecord};
use crate::store::{Conn, from_json, grants, identity_resources, tenants::TenantRef, users};
use keyward_api::api_resource::ApiResource;
use keyward_api::client::Client;
use keyward_api::error::OAuthError;
use keyward_api::oauth::{Introspection, TokenTypeHintRequest, UserInfo};
use keyward_api::user::User;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::net::IpAddr;

/// Compact JWS tokens have two dots; reference and refresh tokens none.
fn is_jwt(token: &str) -> bool {
    token.matches('.').count() == 2
}

/// The claims of a live access token of `tenant`, JWT or reference, or why
/// it is not acceptable. The token must be `tenant`'s: signed with its keys
/// (or stored for it) and naming its issuer. Expiry and the deny-list are
/// checked here; the audience is the caller's to check.
pub async fn access_claims(state: &State, tenant: &TenantRef, token: &str) -> Result<AccessClaims> {
    let invalid = |why: &str| Error::Unauthorized(format!("invalid access token: {why}"));
    let claims: AccessClaims = if is_jwt(token) {
        let key = (tenant.id, secret::digest(token));
        let claims = match state.verified_tokens.get(&key) {
            Some(claims) => claims,
            None => {
                let (header, claims): (_, AccessClaims) =
                    state.keys.verify(tenant.id, token).await.map_err(|e| invalid(&e.to_string()))?;
                if header.typ.as_deref() != Some(ACCESS_TOKEN_TYP) {
                    return Err(invalid("not an access token"));
                }
                state.verified_tokens.put(key, claims.clone());
                claims
            }
        };
        if state.deny_list.contains(&claims.jti) {
            return Err(invalid("revoked"));
        }
        claims
    } else {
        let stored = access_tokens::reference_claims(&mut *state.store.conn().await?, &secret::digest(token))
            .await?
            .ok_or_else(|| invalid("unknown or revoked"))?;
        from_json(&stored)?
    };
    let now = state.clock.now_secs();
    if claims.exp <= now {
        return Err(invalid("expired"));
    }
    if claims.nbf > now + 60 {
        return Err(invalid("not yet valid"));
    }
    if claims.iss != tenant.issuer || home_tenant(&claims)? != tenant.id {
        return Err(invalid("issued by another issuer"));
    }
    if claims.gty.is_none() && claims.sub == claims.client_id && claims.sub.parse::<i64>().is_ok() {
        // The previous release marked no client's own token, so one whose
        // subject spells its client's numeric id could be a user's as well;
        // neither is assumed. (A non-numeric subject names no user.)
        return Err(invalid("issued by an earlier release to a subject named like its client; request a new one"));
    }
    Ok(claims)
}

/// The user a token was issued to; `None` for a client's own token, told
/// by how it was issued ([`AccessClaims::is_client_own`]).
pub fn token_user(claims: &AccessClaims) -> Option<i64> {
    if claims.is_client_own() { None } else { claims.sub.parse().ok() }
}

fn home_tenant(claims: &AccessClaims) -> Result<i64> {
    claims.tenant_id.parse().map_err(|_| Error::Unauthorized("invalid access token: malformed tenant_id".into()))
}

/// Validates a bearer access token presented to `tenant`'s admin API: a
/// token of `tenant` itself, or of the default tenant, whose admins
/// administer every tenant. It must be meant for Keyward's own API (its
/// audience includes the issuer).
pub async fn caller(state: &State, tenant: &TenantRef, token: &str) -> Result<Caller> {
    Ok(caller_and_user(state, tenant, token).await?.0)
}

/// As [`caller`], with the user the token was issued to when it is a user
/// of `tenant` itself (a client's own token, or one of the default tenant
/// presented elsewhere, names none) and the token's client is first-party:
/// enabled and asking no consent. A third-party client the user consented
/// to (for sign-in, say) holds a token meant for Keyward too, and must not
/// act on the user's own account with it.
pub async fn caller_and_user(state: &State, tenant: &TenantRef, token: &str) -> Result<(Caller, Option<i64>)> {
    let (claims, issuer) = match access_claims(state, tenant, token).await {
        Ok(claims) => (claims, tenant.issuer.clone()),
        Err(refused) if tenant.id != state.default_tenant => {
            let home = state.default_tenant_ref().await?;
            (access_claims(state, &home, token).await.map_err(|_| refused)?, home.issuer)
        }
        Err(refused) => return Err(refused),
    };
    if !claims.aud.contains(&issuer) {
        return Err(Error::Unauthorized("invalid access token: it is not meant for Keyward's admin API".into()));
    }
    let home = home_tenant(&claims)?;
    let user = token_user(&claims).filter(|_| home == tenant.id);
    let user = match user {
        Some(id) if first_party(state, tenant.id, &claims.client_id).await? => Some(id),
        _ => None,
    };
    let caller = Caller {
        tenant: tenant.clone(),
        home_tenant: home,
        client_id: claims.client_id.clone(),
        scopes: claims.scope.split_whitespace().map(str::to_string).collect(),
    };
    Ok((caller, user))
}

/// Whether `client_id` of `tenant` is enabled and asks its users no consent.
async fn first_party(state: &State, tenant: i64, client_id: &str) -> Result<bool> {
    Ok(state.client(tenant, client_id).await?.is_some_and(|(client, _)| client.enabled && !client.require_consent))
}

/// OpenID Connect Core §5.3: the claims of the token's user, by scope.
pub async fn userinfo(state: &State, tenant: &TenantRef, token: Option<&str>) -> Result<UserInfo, Refusal> {
    let token =
        token.ok_or_else(|| OAuthError::invalid_token("an `Authorization: Bearer` access token is required"))?;
    let claims = access_claims(state, tenant, token).await.map_err(|e| match e {
        Error::Unauthorized(why) => Refusal::OAuth(OAuthError::invalid_token(why)),
        other => other.into(),
    })?;
    if !scopes::has(&claims.scope, "openid") {
        return Err(OAuthError::insufficient_scope("the access token lacks the `openid` scope").into());
    }
    let mut conn = state.store.conn().await?;
    let user = match token_user(&claims) {
        Some(id) => users::get(&mut conn, tenant.id, id).await?.map(User::from),
        None => None,
    };
    let granted = claims.scope;
    let user = user.ok_or_else(|| OAuthError::invalid_token("the token's user no longer exists"))?;
    let identity = identity_resources::enabled(&mut conn, tenant.id).await?;
    let mut claims = Map::new();
    for claim in identity.iter().filter(|r| scopes::has(&granted, &r.name)).flat_map(|r| &r.user_claims) {
        if let Some(value) = claim_value(&user, claim) {
            claims.insert(claim.clone(), value);
        }
    }
    claims.insert("sub".into(), Value::String(user.id.to_string()));
    Ok(serde_json::from_value(Value::Object(claims)).map_err(anyhow::Error::from)?)
}

/// The value of one user claim, if the user has it.
fn claim_value(user: &User, claim: &str) -> Option<Value> {
    let text = |s: &str| (!s.is_empty()).then(|| Value::String(s.to_string()));
    match claim {
        "sub" => None,
        "name" => text(if user.nick_name.is_empty() { &user.user_name } else { &user.nick_name }),
        "preferred_username" => text(&user.user_name),
        "nickname" => text(&user.nick_name),
        "picture" => text(&user.avatar),
        "updated_at" => Some(Value::from(user.last_update_time.timestamp())),
        "email" => user.email.as_deref().and_then(text),
        "email_verified" => user.email.as_ref().map(|_| Value::Bool(user.email_confirmed)),
        "phone_number" => user.phone_number.as_deref().and_then(text),
        "phone_number_verified" => user.phone_number.as_ref().map(|_| Value::Bool(user.phone_number_confirmed)),
        other => user.claims.iter().find(|c| c.claim_type == other).map(|c| Value::String(c.claim_value.clone())),
    }
}

fn presented(basic: Option<(String, String)>, request: &mut TokenTypeHintRequest) -> Presented {
    Presented { basic, client_id: request.client_id.take(), client_secret: request.client_secret.take() }
}

/// Who asks at the introspection endpoint.
enum Introspector {
    /// A confidential client of the tenant: it learns about any token.
    Client,
    /// An API resource, with one of its own secrets: it learns only about
    /// access tokens meant for it, with the user claims it is released.
    Resource(Box<ApiResource>),
}

/// An API resource authenticating with its name and one of its secrets, else
/// a confidential client: a public client cannot prove it is the resource
/// server it claims to be.
async fn introspector(
    state: &State,
    tenant: &TenantRef,
    presented: Presented,
    ip: IpAddr,
) -> Result<Introspector, Refusal> {
    match client_auth::authenticate_client_or_resource(state, tenant, presented, ip).await? {
        Authenticated::Resource(resource) => Ok(Introspector::Resource(resource)),
        Authenticated::Client(client) if client.require_client_secret => Ok(Introspector::Client),
        Authenticated::Client(_) => {
            Err(OAuthError::unauthorized_client("public clients cannot introspect tokens").into())
        }
    }
}

/// The values of `resource`'s user claims for the user a token names.
async fn released_claims(
    state: &State,
    tenant: &TenantRef,
    resource: &ApiResource,
    claims: &AccessClaims,
) -> Result<BTreeMap<String, Value>> {
    let mut released = BTreeMap::new();
    let user = match token_user(claims) {
        Some(id) if !resource.user_claims.is_empty() => {
            users::get(&mut *state.store.conn().await?, tenant.id, id).await?.map(User::from)
        }
        _ => None,
    };
    if let Some(user) = user {
        for claim in &resource.user_claims {
            if let Some(value) = claim_value(&user, &claim.claim_type) {
                released.insert(claim.claim_type.clone(), value);
            }
        }
    }
    Ok(released)
}

/// RFC 7662: the state of a token of the tenant. An API resource hears
/// `active: true` only for access tokens whose `aud` names it.
pub async fn introspect(
    state: &State,
    tenant: &TenantRef,
    basic: Option<(String, String)>,
    mut request: TokenTypeHintRequest,
    ip: IpAddr,
) -> Result<Introspection, Refusal> {
    let introspector = introspector(state, tenant, presented(basic, &mut request), ip).await?;
    if request.token.is_empty() {
        return Err(OAuthError::invalid_request("token is required").into());
    }
    let inactive = Introspection::default();
    if let Ok(claims) = access_claims(state, tenant, &request.token).await {
        let user_claims = match &introspector {
            Introspector::Resource(resource) if !claims.aud.contains(&resource.name) => return Ok(inactive),
            Introspector::Resource(resource) => released_claims(state, tenant, resource, &claims).await?,
            Introspector::Client => BTreeMap::new(),
        };
        return Ok(Introspection {
            active: true,
            scope: Some(claims.scope),
            username: None,
            token_type: Some("Bearer".into()),
            exp: Some(claims.exp),
            iat: Some(claims.iat),
            nbf: Some(claims.nbf),
            aud: Some(serde_json::to_value(&claims.aud).map_err(anyhow::Error::from)?),
            iss: Some(claims.iss),
            jti: Some(claims.jti),
            client_id: Some(claims.client_id),
            sub: Some(claims.sub),
            user_claims,
        });
    }
    if matches!(introspector, Introspector::Resource(_)) {
        // Refresh tokens are the client's, never an API's business.
        return Ok(inactive);
    }
    if is_jwt(&request.token) {
        return Ok(inactive);
    }
    let Some(stored) =
        grants::refresh_by_hash(&mut *state.store.conn().await?, &secret::digest(&request.token)).await?
    else {
        return Ok(inactive);
    };
    let grant = &stored.grant;
    let expires_at = stored.expires_at.min(grant.expires_at);
    if grant.tenant_id != tenant.id || grant.revoked || stored.used || expires_at <= state.clock.now_ms() {
        return Ok(inactive);
    }
    Ok(Introspection {
        active: true,
        scope: Some(grant.scope.clone()),
        client_id: Some(grant.client_id.clone()),
        token_type: Some("refresh_token".into()),
        exp: Some(expires_at / 1000),
        sub: Some(grant.user_id.to_string()),
        iss: Some(tenant.issuer.clone()),
        ..Default::default()
    })
}

/// RFC 7009: revokes a token issued to the calling client. Unknown tokens,
/// and other clients' tokens, are ignored (the answer is the same).
pub async fn revoke(
    state: &State,
    tenant: &TenantRef,
    basic: Option<(String, String)>,
    mut request: TokenTypeHintRequest,
    ip: IpAddr,
) -> Result<(), Refusal> {
    let client = client_auth::authenticate(state, tenant, presented(basic, &mut request), ip).await?;
    if request.token.is_empty() {
        return Err(OAuthError::invalid_request("token is required").into());
    }
    let mut tx = state.store.begin().await?;
    revoke_in(state, &mut tx, tenant, &client, &request.token).await?;
    tx.commit().await?;
    state.revocations_changed().await?;
    Ok(())
}

async fn revoke_in(state: &State, conn: &mut Conn, tenant: &TenantRef, client: &Client, token: &str) -> Result<()> {
    let owned = |tenant_id: &str, client_id: &str| tenant_id == tenant.id.to_string() && client_id == client.client_id;
    let now = state.clock.now_ms();
    if is_jwt(token) {
        // The signature is checked so that nothing forged is written down.
        if let Ok((_, claims)) = state.keys.verify::<AccessClaims>(tenant.id, token).await
            && owned(&claims.tenant_id, &claims.client_id)
        {
            let record = AccessRecord {
                jti: claims.jti,
                tenant_id: tenant.id,
                client_id: client.client_id.clone(),
                expires_at: claims.exp * 1000,
                ..Default::default()
            };
            access_tokens::revoke(conn, &record, now).await?;
        }
        return Ok(());
    }
    let digest = secret::digest(token);
    if let Some(stored) = access_tokens::reference_claims(conn, &digest).await? {
        let claims: AccessClaims = from_json(&stored)?;
        if owned(&claims.tenant_id, &claims.client_id) {
            let record = AccessRecord { jti: claims.jti, tenant_id: tenant.id, ..Default::default() };
            access_tokens::revoke(conn, &record, now).await?;
        }
        return Ok(());
    }
    if let Some(stored) = grants::refresh_by_hash(conn, &digest).await?
        && stored.grant.tenant_id == tenant.id
        && stored.grant.client_id == client.client_id
    {
        grants::revoke(conn, tenant.id, &stored.grant.id, now).await?;
    }
    Ok(())
}
