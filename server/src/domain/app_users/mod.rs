//! OAuthApp's end-user API (reference contract §1–2) over Keyward's users,
//! grants and consents. `{appId}` is a client of the tenant; users are
//! tenant-wide, and the app decides the settings, the token's audience and
//! its `appid` claim.

pub mod accounts;
pub mod consents;
pub mod points;
pub mod qr;
pub mod settings;
mod tokens;
pub mod verification_codes;
mod wechat;

use crate::domain::api_scopes;
use crate::domain::oauth::{bearer, client_auth, scopes};
use crate::error::{Error, Result};
use crate::state::State;
use crate::store::{Conn, tenants::TenantRef};
use keyward_api::client::Client;
use settings::AppConfig;
use std::net::IpAddr;

/// The app a request addresses, with its settings.
pub struct AppRef {
    pub client: Client,
    pub config: AppConfig,
}

/// The enabled app `app_id` of `tenant`.
pub async fn load(state: &State, tenant: &TenantRef, app_id: i64) -> Result<AppRef> {
    let (client, settings) =
        state.app(tenant.id, app_id).await?.ok_or_else(|| Error::NotFound(format!("app {app_id} does not exist")))?;
    if !client.enabled {
        return Err(Error::Forbidden(format!("app {app_id} is disabled")));
    }
    Ok(AppRef { config: settings::parse(&state.master, client.id, &settings)?, client })
}

/// The user a bearer token names, if the app issued it to them.
pub async fn caller(state: &State, tenant: &TenantRef, target: &AppRef, token: &str) -> Result<i64> {
    match token_caller(state, tenant, target, token).await? {
        AppCaller::User(id) => Ok(id),
        AppCaller::App => Err(Error::Forbidden("this operation needs a token issued to a user".into())),
    }
}

/// Who calls an operation of the app's server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppCaller {
    /// The app itself: its client authentication, or its client_credentials token.
    App,
    /// One of its users, by a token the app issued them.
    User(i64),
}

/// How a call to the app's server operations authenticates.
pub enum AppCredentials<'a> {
    /// HTTP basic client authentication: (client id, secret).
    Basic((String, String)),
    Bearer(&'a str),
}

/// Who `credentials` from the client address `ip` identify for the app
/// `target`. Only a confidential app can authenticate as itself: a public
/// one has no secret to prove it.
pub async fn app_or_user(
    state: &State,
    tenant: &TenantRef,
    target: &AppRef,
    credentials: AppCredentials<'_>,
    ip: IpAddr,
) -> Result<AppCaller> {
    let caller = match credentials {
        AppCredentials::Basic(basic) => {
            let client = client_auth::authenticate_basic(state, tenant, basic, ip).await?;
            if client.id != target.client.id {
                return Err(Error::Forbidden("these are another app's client credentials".into()));
            }
            AppCaller::App
        }
        AppCredentials::Bearer(token) => token_caller(state, tenant, target, token).await?,
    };
    if caller == AppCaller::App && !target.client.require_client_secret {
        return Err(Error::Forbidden("a public app cannot authenticate as itself".into()));
    }
    Ok(caller)
}

/// Who a bearer token the app was issued names: the app (its client_credentials
/// token, told by how it was issued) or one of its users.
async fn token_caller(state: &State, tenant: &TenantRef, target: &AppRef, token: &str) -> Result<AppCaller> {
    let claims = bearer::access_claims(state, tenant, token).await?;
    if claims.client_id != target.client.client_id {
        return Err(Error::Forbidden("this token was issued to another app".into()));
    }
    if claims.is_client_own() {
        return Ok(AppCaller::App);
    }
    let user =
        bearer::token_user(&claims).ok_or_else(|| Error::Forbidden("this token names no user of this app".into()))?;
    Ok(AppCaller::User(user))
}

/// A field's value: `None` when missing, blank or only whitespace (OAuthApp
/// clients send `""` for "not given").
pub fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// A required field's value, or 400 naming it.
pub fn required<'a>(value: &'a Option<String>, name: &str) -> Result<&'a str> {
    given(value).ok_or_else(|| Error::BadRequest(format!("`{name}` is required")))
}

/// A new password, at least the minimum length of `settings`.
pub fn check_password(settings: &keyward_api::app_settings::AppSettings, password: &str) -> Result<()> {
    check_password_named(settings, "pwd", password)
}

/// As [`check_password`], naming the field `field` when it fails.
pub fn check_password_named(
    settings: &keyward_api::app_settings::AppSettings,
    field: &str,
    password: &str,
) -> Result<()> {
    let min = settings.password_min_length.clamp(6, 128) as usize;
    crate::domain::validate::length(field, password, min, 128)
}

/// The scopes an end-user API token may carry (GrantCode, QR sign-in):
/// well-formed, at most 20, and never an admin permission, which only
/// /oauth/token grants, role-gated. A scope that names something of the
/// tenant — an identity resource or an API scope — must be one the app's
/// client may request, as at /oauth/token; OAuthApp's free-form scopes
/// ("自定义授权范围") stay free-form only while they name nothing.
pub async fn custom_scopes(conn: &mut Conn, tenant: &TenantRef, client: &Client, value: &str) -> Result<String> {
    let requested: Vec<&str> = value.split_whitespace().collect();
    if requested.len() > 20 {
        return Err(Error::BadRequest("at most 20 scopes may be requested".into()));
    }
    for scope in &requested {
        crate::domain::validate::token("scopes", scope, 100)?;
        if keyward_api::access::is_permission(scope) {
            return Err(Error::BadRequest(format!("`{scope}` is an admin permission; it cannot be granted here")));
        }
    }
    if requested.is_empty() {
        return Ok(String::new());
    }
    let known = api_scopes::known(conn, tenant.id).await?;
    if let Some(scope) = requested.iter().find(|s| known.contains(**s) && !scopes::may_request(client, s)) {
        return Err(Error::BadRequest(format!("scope {scope:?} is not allowed for this client")));
    }
    Ok(requested.join(" "))
}

/// OAuthApp's date format, `yyyy-MM-dd HH:mm:ss` (UTC here).
pub fn date(ms: i64) -> String {
    crate::store::to_time(ms).format("%Y-%m-%d %H:%M:%S").to_string()
}
