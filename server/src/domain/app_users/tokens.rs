//! Tokens of the end-user API: the app's RFC 9068 JWT with OAuthApp's claims
//! (contract §2.3) added, living the app's number of days, issued under a
//! grant so that it can be revoked.

use super::{AppRef, custom_scopes};
use crate::domain::oauth::audience;
use crate::domain::oauth::grant;
use crate::domain::oauth::mint::{self, AccessSpec};
use crate::domain::profiles;
use crate::error::Result;
use crate::state::State;
use crate::store::{Tx, access_tokens, grants, tenants::TenantRef};
use keyward_api::app_user::AppToken;
use keyward_api::client::{AccessTokenType, ClientClaim};
use keyward_api::user::User;

/// How a user signed in to an app: the token's `grant_type` claim, and
/// what a GrantCode keeps for the consent it leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInMethod {
    /// A user name, email or phone number with the password.
    Account,
    /// A `signin` code sent to the phone, or a phone sign-up.
    Phone,
    /// A `signin` code sent to the email address, or an email sign-up.
    Email,
    /// A (platform, unionID) identity.
    UnionId,
    /// A QR code the app scanned and confirmed.
    QrCode,
}

impl SignInMethod {
    const ALL: [SignInMethod; 5] =
        [SignInMethod::Account, SignInMethod::Phone, SignInMethod::Email, SignInMethod::UnionId, SignInMethod::QrCode];

    pub const fn as_str(self) -> &'static str {
        match self {
            SignInMethod::Account => "account",
            SignInMethod::Phone => "phone",
            SignInMethod::Email => "email",
            SignInMethod::UnionId => "unionid",
            SignInMethod::QrCode => "qrcode",
        }
    }

    /// The method `name` spells, if any.
    pub fn parse(name: &str) -> Option<SignInMethod> {
        SignInMethod::ALL.into_iter().find(|method| method.as_str() == name)
    }
}

/// How the user signed in, as the token tells it.
pub struct How<'a> {
    pub method: SignInMethod,
    pub platform: &'a str,
    pub union_id: &'a str,
    pub days: i64,
    /// Space-separated; empty for a plain sign-in.
    pub scope: &'a str,
    /// Whether the grant rests on a consent (GrantCode → Authorize).
    pub consented: bool,
}

/// Issues the token inside `tx`, if the app admits the user (its access
/// profiles) and its client may still request the scopes (its
/// `allowedScopes` may have narrowed since a code was given); a refusal
/// rolls back what `tx` wrote (a new account too).
pub async fn issue(
    state: &State,
    tx: &mut Tx,
    tenant: &TenantRef,
    target: &AppRef,
    user: &User,
    how: How<'_>,
) -> Result<AppToken> {
    profiles::require(tx, &target.client, user.id).await?;
    let scope = custom_scopes(tx, tenant, &target.client, how.scope).await?;
    let lifetime = how.days * 86_400;
    let mut client = target.client.clone();
    client.access_token_type = AccessTokenType::Jwt;
    client.access_token_lifetime = lifetime;
    let claim = |claim_type: &str, value: &str| ClientClaim { claim_type: claim_type.into(), value: value.into() };
    client.claims.extend([
        claim("appid", &target.client.id.to_string()),
        claim("nameid", &user.id.to_string()),
        claim("unique_name", &user.user_name),
        claim("role", &target.config.settings.default_role),
        claim("picture", &user.avatar),
        claim("email", user.email.as_deref().unwrap_or("")),
        claim("mobile", user.phone_number.as_deref().unwrap_or("")),
        claim("given_name", &user.nick_name),
        claim("unionid", how.union_id),
        claim("platform", how.platform),
        claim("grant_type", how.method.as_str()),
        claim("groupsid", "app"),
        claim("permission", ""),
    ]);
    let now = state.clock.now_ms();
    let mut grant = grant::new(tenant, &client, user.id, scope.clone(), None, now);
    grant.expires_at = now + lifetime * 1000;
    grant.consented = how.consented;
    grants::insert(tx, &grant, now).await?;
    let target = audience::target(&*state.catalog(tx, tenant.id).await?, tenant, &scope, None)?;
    let spec = AccessSpec {
        subject: user.id.to_string(),
        target: &target,
        grant_id: Some(&grant.id),
        auth_time: Some(grant.auth_time),
    };
    let minted = mint::access_token(state, tenant, &client, spec).await?;
    if let Some(record) = &minted.record {
        access_tokens::insert(tx, record).await?;
    }
    Ok(AppToken { access_token: minted.token, token_type: "Bearer".into(), expires_in: lifetime })
}
