//! The token endpoint's grants (RFC 6749 §4.1.3, §4.3, §4.4, §6).

use super::audience;
use super::client_auth::{self, Presented};
use super::grant;
use super::grant_type::{GrantType, allows};
use super::login;
use super::mint::{self, AccessSpec, IdSpec};
use super::pkce;
use super::scopes;
use crate::crypto::secret;
use crate::domain::app_users::accounts::{self, SignUpKind, Who};
use crate::domain::app_users::verification_codes::{self, Channel};
use crate::domain::app_users::{self as app_users};
use crate::domain::profiles;
use crate::error::{Error, Refusal};
use crate::state::State;
use crate::store::grants::{self, Grant};
use crate::store::user_links;
use crate::store::users::Contact;
use crate::store::{Tx, access_tokens, tenants::TenantRef, users};
use keyward_api::app_user::{CodePurpose, SignUp};
use keyward_api::client::Client;
use keyward_api::error::OAuthError;
use keyward_api::oauth::{TokenRequest, TokenResponse};
use std::net::IpAddr;

fn required<'a>(value: &'a Option<String>, name: &str) -> Result<&'a str, OAuthError> {
    value.as_deref().filter(|v| !v.is_empty()).ok_or_else(|| OAuthError::invalid_request(format!("{name} is required")))
}

/// Handles a token request for `tenant` from a client at `ip`.
pub async fn token(
    state: &State,
    tenant: &TenantRef,
    basic: Option<(String, String)>,
    mut request: TokenRequest,
    ip: IpAddr,
) -> Result<TokenResponse, Refusal> {
    let presented =
        Presented { basic, client_id: request.client_id.take(), client_secret: request.client_secret.take() };
    let client = client_auth::authenticate(state, tenant, presented, ip).await?;
    let grant_type = match GrantType::parse(&request.grant_type) {
        Some(grant_type) => grant_type,
        None if request.grant_type.is_empty() => {
            return Err(OAuthError::invalid_request("grant_type is required").into());
        }
        None => {
            let message = format!("grant_type {:?} is not supported", request.grant_type);
            return Err(OAuthError::unsupported_grant_type(message).into());
        }
    };
    if !allows(&client, grant_type) {
        let message = format!("this client may not use the {} grant", grant_type.as_str());
        return Err(OAuthError::unauthorized_client(message).into());
    }
    match grant_type {
        GrantType::AuthorizationCode => authorization_code(state, tenant, &client, request).await,
        GrantType::RefreshToken => refresh(state, tenant, &client, request).await,
        GrantType::Password => password(state, tenant, &client, request, ip).await,
        GrantType::ClientCredentials => client_credentials(state, tenant, &client, request).await,
        GrantType::Mobile | GrantType::Sign => external(state, tenant, &client, request, grant_type, ip).await,
    }
}

/// The client acting for itself: no user, no refresh token. Only reference
/// tokens are written down.
async fn client_credentials(
    state: &State,
    tenant: &TenantRef,
    client: &Client,
    request: TokenRequest,
) -> Result<TokenResponse, Refusal> {
    let scope = scopes::requested(client, request.scope.as_deref())?.join(" ");
    let catalog = state.catalog_outside_transaction(tenant.id).await?;
    let target = audience::target(&catalog, tenant, &scope, request.resource.as_deref())?;
    let spec = AccessSpec { subject: client.client_id.clone(), target: &target, grant_id: None, auth_time: None };
    let minted = mint::access_token(state, tenant, client, spec).await?;
    if let Some(record) = &minted.record {
        access_tokens::insert(&mut *state.store.conn().await?, record).await?;
    }
    Ok(response(client, minted.token, target.scope, None, None))
}

fn response(
    client: &Client,
    access_token: String,
    scope: String,
    refresh_token: Option<String>,
    id_token: Option<String>,
) -> TokenResponse {
    TokenResponse {
        access_token,
        token_type: "Bearer".into(),
        expires_in: client.access_token_lifetime,
        scope: (!scope.is_empty()).then_some(scope),
        refresh_token,
        id_token,
    }
}

/// What one issuance under a grant produces.
struct Issue<'a> {
    grant: &'a Grant,
    scope: &'a str,
    /// RFC 8707: the one API resource the access token is for.
    resource: Option<&'a str>,
    nonce: Option<String>,
    /// Whether to add an ID token (when `scope` includes `openid`).
    id_token: bool,
}

/// Mints the access token (and refresh and ID tokens) of a grant, storing
/// what must be remembered in `tx` — if the client admits the user (its
/// access profiles): every user grant (code, refresh, password, mobile,
/// sign) comes here.
async fn issue(
    state: &State,
    tx: &mut Tx,
    tenant: &TenantRef,
    client: &Client,
    issue: Issue<'_>,
) -> Result<TokenResponse, Refusal> {
    let grant = issue.grant;
    if !profiles::admits(tx, client, grant.user_id).await? {
        return Err(OAuthError::invalid_grant(profiles::REFUSED).into());
    }
    let target = audience::target(&*state.catalog(tx, tenant.id).await?, tenant, issue.scope, issue.resource)?;
    let spec = AccessSpec {
        subject: grant.user_id.to_string(),
        target: &target,
        grant_id: Some(&grant.id),
        auth_time: Some(grant.auth_time),
    };
    let minted = mint::access_token(state, tenant, client, spec).await?;
    if let Some(record) = &minted.record {
        access_tokens::insert(tx, record).await?;
    }
    let refresh_token = if allows(client, GrantType::RefreshToken) {
        let (token, digest) = mint::refresh_token();
        let now = state.clock.now_ms();
        let expires_at = (now + client.sliding_refresh_token_lifetime * 1000).min(grant.expires_at);
        grants::insert_refresh(tx, &digest, &grant.id, expires_at, now).await?;
        Some(token)
    } else {
        None
    };
    let id_token = if issue.id_token && scopes::has(issue.scope, "openid") {
        let spec = IdSpec {
            user_id: grant.user_id,
            auth_time: grant.auth_time,
            nonce: issue.nonce,
            session_id: grant.session_id.clone(),
            access_token: &minted.token,
        };
        Some(mint::id_token(state, tenant, client, spec).await?)
    } else {
        None
    };
    Ok(response(client, minted.token, target.scope, refresh_token, id_token))
}

async fn authorization_code(
    state: &State,
    tenant: &TenantRef,
    client: &Client,
    request: TokenRequest,
) -> Result<TokenResponse, Refusal> {
    let code = required(&request.code, "code")?;
    let redirect_uri = required(&request.redirect_uri, "redirect_uri")?;
    let code_hash = secret::digest(code);
    let now = state.clock.now_ms();
    let mut tx = state.store.begin().await?;
    let invalid = |why: &str| Refusal::OAuth(OAuthError::invalid_grant(why.to_string()));
    let stored = grants::code_by_hash(&mut tx, &code_hash).await?.ok_or_else(|| invalid("the code is not valid"))?;
    if stored.tenant_id != tenant.id || stored.client_id != client.client_id {
        return Err(invalid("the code was issued to another client"));
    }
    if let Some(grant_id) = &stored.grant_id {
        // RFC 6749 §4.1.2: a second use revokes what the first one got. The
        // code is locked, so a concurrent redemption that lost comes here
        // too, once the winner has committed.
        grants::revoke(&mut tx, tenant.id, grant_id, now).await?;
        tx.commit().await?;
        state.revocations_changed().await?;
        return Err(invalid("the code was already used; the tokens issued for it are now revoked"));
    }
    if stored.expires_at <= now {
        return Err(invalid("the code has expired"));
    }
    if stored.redirect_uri != redirect_uri {
        return Err(invalid("redirect_uri differs from the one in the authorization request"));
    }
    match (&stored.code_challenge, request.code_verifier.as_deref()) {
        (Some(_), Some(verifier)) if !pkce::valid_value(verifier) => {
            return Err(invalid("code_verifier must be 43 to 128 unreserved characters (RFC 7636 §4.1)"));
        }
        (Some(challenge), Some(verifier)) => {
            let method = stored.code_challenge_method.as_deref().unwrap_or("S256");
            if !pkce::matches(method, challenge, verifier) {
                return Err(invalid("code_verifier does not match the code_challenge"));
            }
        }
        (Some(_), None) => return Err(invalid("code_verifier is required: the authorization request used PKCE")),
        (None, Some(_)) => return Err(invalid("code_verifier was sent but the authorization request had no PKCE")),
        (None, None) => {}
    }
    if users::get(&mut tx, tenant.id, stored.user_id).await?.is_none() {
        return Err(invalid("the user no longer exists"));
    }
    let mut grant =
        grant::new(tenant, client, stored.user_id, stored.scope.clone(), Some(stored.session_id.clone()), now);
    grant.auth_time = stored.auth_time;
    grants::insert(&mut tx, &grant, now).await?;
    if !grants::redeem_code(&mut tx, tenant.id, &code_hash, &grant.id).await? {
        return Err(invalid("the code was already used"));
    }
    let issued = Issue {
        grant: &grant,
        scope: &stored.scope,
        resource: request.resource.as_deref(),
        nonce: stored.nonce.clone(),
        id_token: true,
    };
    let response = issue(state, &mut tx, tenant, client, issued).await?;
    tx.commit().await?;
    Ok(response)
}

async fn refresh(
    state: &State,
    tenant: &TenantRef,
    client: &Client,
    request: TokenRequest,
) -> Result<TokenResponse, Refusal> {
    let token = required(&request.refresh_token, "refresh_token")?;
    let token_hash = secret::digest(token);
    let now = state.clock.now_ms();
    let mut tx = state.store.begin().await?;
    let invalid = |why: &str| Refusal::OAuth(OAuthError::invalid_grant(why.to_string()));
    let stored = grants::refresh_by_hash(&mut tx, &token_hash)
        .await?
        .ok_or_else(|| invalid("the refresh token is not valid"))?;
    let grant = &stored.grant;
    if grant.tenant_id != tenant.id || grant.client_id != client.client_id {
        return Err(invalid("the refresh token was issued to another client"));
    }
    if grant.revoked {
        return Err(invalid("the refresh token has been revoked"));
    }
    let grace_ms = client.refresh_token_rotation_grace_period * 1000;
    if !grants::use_refresh(&mut tx, &token_hash, grace_ms, now).await? {
        // RFC 9700 §4.14.2: a rotated token came back (and not as the one
        // retry the client's grace period allows); someone holds a copy.
        grants::revoke(&mut tx, tenant.id, &grant.id, now).await?;
        tx.commit().await?;
        state.revocations_changed().await?;
        return Err(invalid("the refresh token was already used; its token family is now revoked"));
    }
    if stored.expires_at <= now || grant.expires_at <= now {
        return Err(invalid("the refresh token has expired"));
    }
    let scope = scopes::narrow(&grant.scope, request.scope.as_deref())?;
    if users::get(&mut tx, tenant.id, grant.user_id).await?.is_none() {
        return Err(invalid("the user no longer exists"));
    }
    // Roles may have changed since the grant: admin permissions the user
    // no longer holds are left out.
    let narrowed = scope.split_whitespace().map(str::to_string).collect();
    let scope = scopes::for_user(&mut tx, grant.user_id, narrowed).await?.join(" ");
    let issued = Issue { grant, scope: &scope, resource: request.resource.as_deref(), nonce: None, id_token: true };
    let response = issue(state, &mut tx, tenant, client, issued).await?;
    tx.commit().await?;
    Ok(response)
}

async fn password(
    state: &State,
    tenant: &TenantRef,
    client: &Client,
    request: TokenRequest,
    ip: IpAddr,
) -> Result<TokenResponse, Refusal> {
    let username = required(&request.username, "username")?;
    let secret = required(&request.password, "password")?;
    let requested = scopes::requested(client, request.scope.as_deref())?;
    let user = match login::check_password(state, tenant, username, secret, ip).await? {
        Ok(user) => user,
        Err(failure) => return Err(OAuthError::invalid_grant(failure.message()).into()),
    };
    let mut tx = state.store.begin().await?;
    let scope = scopes::for_user(&mut tx, user, requested).await?.join(" ");
    let now = state.clock.now_ms();
    let grant = grant::new(tenant, client, user, scope.clone(), None, now);
    grants::insert(&mut tx, &grant, now).await?;
    let issued =
        Issue { grant: &grant, scope: &scope, resource: request.resource.as_deref(), nonce: None, id_token: false };
    let response = issue(state, &mut tx, tenant, client, issued).await?;
    tx.commit().await?;
    Ok(response)
}

/// A failure of a seed 004 grant: what the user presented is refused as
/// `invalid_grant`; limits and outages keep their status.
fn grant_refusal(error: Error) -> Refusal {
    match error.uncoded() {
        Error::BadRequest(m) | Error::NotFound(m) | Error::Forbidden(m) | Error::Conflict(m) | Error::Gone(m) => {
            Refusal::OAuth(OAuthError::invalid_grant(m))
        }
        other => other.into(),
    }
}

/// Seed 004's grants for confidential clients: `mobile` (a phone number and
/// the `signin` code sent to it) and `sign` (an openId or unionId the client
/// has verified). An unknown user is created when the client's app settings
/// allow sign-up.
///
/// `sign` trusts the client's word for who the user is, so only a
/// confidential client may use it, only for identities linked through its
/// own app, and never for admin permissions.
async fn external(
    state: &State,
    tenant: &TenantRef,
    client: &Client,
    request: TokenRequest,
    grant_type: GrantType,
    ip: IpAddr,
) -> Result<TokenResponse, Refusal> {
    let requested = if grant_type == GrantType::Sign {
        if !client.require_client_secret {
            return Err(OAuthError::unauthorized_client("the sign grant is only for confidential clients").into());
        }
        scopes::without_permissions(client, request.scope.as_deref(), "the sign grant")?
    } else {
        scopes::requested(client, request.scope.as_deref())?
    };
    let target = app_users::load(state, tenant, client.id).await?;
    let mut conn = state.store.conn().await?;
    let (checked, who) = if grant_type == GrantType::Mobile {
        let phone = Channel::Sms.normalize("mobile", required(&request.mobile, "mobile")?).map_err(grant_refusal)?;
        let code = required(&request.code, "code")?;
        let checked = verification_codes::check(state, tenant, (Channel::Sms, &phone), CodePurpose::Signin, code)
            .await
            .map_err(grant_refusal)?;
        let who = match users::by_contact(&mut conn, tenant.id, Contact::Phone, &phone).await? {
            Some(id) => Who::Known(id),
            None => {
                // The phone is proven by the code just checked.
                let body = SignUp { user_name: Some(phone.clone()), ..SignUp::default() };
                let mut account = accounts::prepare(state, tenant, &target, &body, SignUpKind::Linked, None, ip)
                    .await
                    .map_err(grant_refusal)?;
                account.prove_phone(phone);
                Who::New(Box::new(account))
            }
        };
        (Some(checked), who)
    } else {
        let platform = request.platform.as_deref().filter(|p| !p.is_empty()).unwrap_or("openid");
        let (platform, union_id) = accounts::link(platform, required(&request.sign, "sign")?).map_err(grant_refusal)?;
        let who = match user_links::linked(&mut conn, tenant.id, &platform, &union_id).await? {
            Some(linked) if linked.app_id == Some(client.id) => Who::Known(linked.user_id),
            Some(_) => return Err(OAuthError::invalid_grant("this identity is not linked through this app").into()),
            None => {
                let link = Some((platform, union_id));
                let account =
                    accounts::prepare(state, tenant, &target, &SignUp::default(), SignUpKind::Linked, link, ip)
                        .await
                        .map_err(grant_refusal)?;
                Who::New(Box::new(account))
            }
        };
        (None, who)
    };
    drop(conn);
    let now = state.clock.now_ms();
    let mut tx = state.store.begin().await?;
    if let Some(checked) = checked {
        verification_codes::consume(&mut tx, checked, now).await.map_err(grant_refusal)?;
    }
    let user = who.resolve(&mut tx, tenant, &target, now).await.map_err(grant_refusal)?.id;
    let scope = scopes::for_user(&mut tx, user, requested).await?.join(" ");
    let now = state.clock.now_ms();
    let grant = grant::new(tenant, client, user, scope.clone(), None, now);
    grants::insert(&mut tx, &grant, now).await?;
    let issued = Issue { grant: &grant, scope: &scope, resource: None, nonce: None, id_token: false };
    let response = issue(state, &mut tx, tenant, client, issued).await?;
    tx.commit().await?;
    Ok(response)
}
