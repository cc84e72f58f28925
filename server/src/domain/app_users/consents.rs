//! App-scheme authorization (`/api/OAuth/{appId}`): GrantCode authenticates
//! the user and returns a one-time code; Authorize exchanges it for a token
//! and records the consent, which `/Consents` lists and revokes — the same
//! consents the hosted consent page writes.

use super::accounts::{self, link, require_union_id_sign_in};
use super::tokens::{self, How, SignInMethod};
use super::{AppRef, custom_scopes, date, required};
use crate::crypto::secret;
use crate::domain::profiles;
use crate::error::{Error, Result};
use crate::state::State;
use crate::store::app_grant_codes::{self, AppCode};
use crate::store::consents::{self, Context};
use crate::store::{grants, tenants::TenantRef, users};
use keyward_api::app_user::{AppConsent, AppToken, GrantCode, GrantCodeRequest};
use keyward_api::user::User;
use std::net::IpAddr;

const CODE_TTL_SECS: i64 = 120;
const DAY_MS: i64 = 86_400_000;

fn scheme(value: Option<&str>) -> Result<()> {
    match value {
        None | Some("app") => Ok(()),
        Some(other) => Err(Error::BadRequest(format!("`scheme` must be \"app\", not {other:?}"))),
    }
}

/// The redirect URIs GrantCode accepts: the app's whitelist, else its
/// registered redirect URIs.
fn redirect_allowed(target: &AppRef, uri: &str) -> bool {
    let whitelist = &target.config.settings.grant_code_redirect_uris;
    if whitelist.is_empty() {
        target.client.redirect_uris.iter().any(|r| r.redirect_uri == uri)
    } else {
        whitelist.iter().any(|w| w == uri)
    }
}

pub async fn grant_code(
    state: &State,
    tenant: &TenantRef,
    target: &AppRef,
    scheme_value: Option<&str>,
    body: GrantCodeRequest,
    ip: IpAddr,
) -> Result<GrantCode> {
    scheme(scheme_value)?;
    let grant_type = required(&body.grant_type, "grant_type")?;
    let requested = required(&body.scopes, "scopes")?;
    let scope = custom_scopes(&mut *state.store.conn().await?, tenant, &target.client, requested).await?;
    let redirect_uri = required(&body.redirect_uri, "redirect_uri")?;
    if !redirect_allowed(target, redirect_uri) {
        return Err(Error::BadRequest("`redirect_uri` is not in this app's whitelist".into()));
    }
    let days = body.expire_in_days.unwrap_or(1);
    if !(1..=99).contains(&days) {
        return Err(Error::BadRequest(format!("`expireInDays` must be between 1 and 99 (got {days})")));
    }
    let (user_id, identity) = match SignInMethod::parse(grant_type) {
        Some(SignInMethod::Account | SignInMethod::Email | SignInMethod::Phone) => {
            let login = required(&body.user_name, "userName")?;
            let password = required(&body.password, "password")?;
            (accounts::password_user(state, tenant, login, password, ip).await?, None)
        }
        Some(SignInMethod::UnionId) => {
            require_union_id_sign_in(target)?;
            let (platform, union_id) =
                link(required(&body.platform, "platform")?, required(&body.union_id, "unionId")?)?;
            let user = accounts::linked_user(state, tenant, ip, (&platform, &union_id))
                .await?
                .ok_or_else(|| Error::NotFound("no account is linked to this identity".into()))?;
            (user, Some((platform, union_id)))
        }
        Some(SignInMethod::QrCode) | None => {
            return Err(Error::BadRequest(format!(
                "`grant_type` must be account, email, phone or unionid, not {grant_type:?}"
            )));
        }
    };
    let code = uuid::Uuid::new_v4().simple().to_string();
    let (platform, union_id) = identity.unzip();
    let stored = AppCode {
        tenant_id: tenant.id,
        app_id: target.client.id,
        user_id,
        grant_type: grant_type.to_string(),
        scopes: scope,
        redirect_uri: redirect_uri.to_string(),
        expire_days: days,
        platform,
        union_id,
        expires_at: state.clock.now_ms() + CODE_TTL_SECS * 1000,
    };
    let mut conn = state.store.conn().await?;
    profiles::require(&mut conn, &target.client, user_id).await?;
    app_grant_codes::insert(&mut conn, &secret::digest(&code), &stored).await?;
    Ok(GrantCode { code, expires_in: CODE_TTL_SECS })
}

pub async fn authorize(
    state: &State,
    tenant: &TenantRef,
    target: &AppRef,
    scheme_value: Option<&str>,
    code: Option<&str>,
) -> Result<AppToken> {
    scheme(scheme_value)?;
    let code = code.ok_or_else(|| Error::BadRequest("`code` is required".into()))?;
    let invalid = || Error::BadRequest("the code is invalid or was already used".into());
    let now = state.clock.now_ms();
    let mut tx = state.store.begin().await?;
    let stored = app_grant_codes::redeem(&mut tx, tenant.id, &secret::digest(code), now).await?.ok_or_else(invalid)?;
    if stored.tenant_id != tenant.id || stored.app_id != target.client.id {
        return Err(invalid());
    }
    if stored.expires_at <= now {
        return Err(Error::BadRequest("the code has expired".into()));
    }
    let user = users::get(&mut tx, tenant.id, stored.user_id)
        .await?
        .map(User::from)
        .ok_or_else(|| Error::NotFound("the account no longer exists".into()))?;
    // GrantCode stores only a method it accepts.
    let method = SignInMethod::parse(&stored.grant_type).ok_or_else(|| {
        Error::Internal(anyhow::anyhow!("an app code holds no sign-in method: {:?}", stored.grant_type))
    })?;
    let granted: Vec<String> = stored.scopes.split_whitespace().map(str::to_string).collect();
    // The days asked for, up to the app's token lifetime.
    let days = stored.expire_days.min(target.config.settings.token_lifetime_days);
    let context = Context {
        grant_type: stored.grant_type.clone(),
        redirect_uri: stored.redirect_uri.clone(),
        remark: String::new(),
        expires_at: Some(now + days * DAY_MS),
    };
    consents::upsert(&mut tx, tenant.id, user.id, &target.client.client_id, &granted, &context, now).await?;
    let (platform, union_id) = (stored.platform.unwrap_or_default(), stored.union_id.unwrap_or_default());
    let how = How { method, platform: &platform, union_id: &union_id, days, scope: &stored.scopes, consented: true };
    let token = tokens::issue(state, &mut tx, tenant, target, &user, how).await?;
    tx.commit().await?;
    Ok(token)
}

pub async fn list(state: &State, tenant: &TenantRef, user_id: i64) -> Result<Vec<AppConsent>> {
    let stored = consents::of_user(&mut *state.store.conn().await?, tenant.id, user_id, state.clock.now_ms()).await?;
    let mut listed = Vec::with_capacity(stored.len());
    for consent in stored {
        // A consent outlives nothing: clients delete theirs with them.
        let Some((client, _)) = state.client(tenant.id, &consent.client_id).await? else { continue };
        listed.push(AppConsent {
            id: consent.id,
            app_id: client.id,
            create_date: date(consent.created_at),
            last_update: date(consent.updated_at),
            grant_type: consent.context.grant_type,
            redirect_uri: consent.context.redirect_uri,
            remark: consent.context.remark,
            scopes: consent.scopes.join(" "),
            expire_date: consent.context.expires_at.map(date),
        });
    }
    Ok(listed)
}

/// Deletes the caller's consent and revokes the grants resting on it.
pub async fn delete(state: &State, tenant: &TenantRef, user_id: i64, id: i64) -> Result<bool> {
    let mut tx = state.store.begin().await?;
    let client_id = consents::delete(&mut tx, tenant.id, user_id, id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("you have no consent {id}")))?;
    grants::revoke_all(&mut tx, tenant.id, user_id, &client_id, state.clock.now_ms()).await?;
    tx.commit().await?;
    state.revocations_changed().await?;
    Ok(true)
}
