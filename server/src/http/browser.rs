//! What the hosted pages need from HTTP: cookies (the signed session, the
//! CSRF seed), security headers, and turning an authorization outcome into a
//! response.

use super::calls::Ctx;
use super::pages::{self, LoginPage};
use crate::crypto::secret;
use crate::domain::oauth::authorize::{Outcome, Redirect};
use crate::error::{Error, Result};
use crate::state::State;
use crate::store::sessions::{self, Session};
use crate::store::tenants::TenantRef;
use base64::Engine;
use dropshot::Body;
use http::{Response, StatusCode, header};
use sha2::{Digest, Sha256};

const SESSION_COOKIE: &str = "kw_session";
const CSRF_COOKIE: &str = "kw_csrf";
/// What the CSRF seed cookie is sealed for.
const CSRF_SEED: &str = "csrf seed";

/// Whether `tenant`'s pages are served over https.
fn https(tenant: &TenantRef) -> bool {
    tenant.issuer.starts_with("https://")
}

/// A cookie's name: under https with the `__Host-` prefix, which browsers
/// accept only from this host, `Secure`, on `/` — so a sibling subdomain
/// cannot plant or overwrite it.
fn cookie_name(tenant: &TenantRef, name: &str) -> String {
    if https(tenant) { format!("__Host-{name}") } else { name.to_string() }
}

/// The value of cookie `name`, if the request has it.
fn cookie(rqctx: &Ctx, tenant: &TenantRef, name: &str) -> Option<String> {
    let name = cookie_name(tenant, name);
    rqctx
        .request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Secure under https.
fn set_cookie(tenant: &TenantRef, name: &str, value: &str, max_age: Option<i64>) -> String {
    let secure = if https(tenant) { "; Secure" } else { "" };
    let age = max_age.map(|s| format!("; Max-Age={s}")).unwrap_or_default();
    format!("{}={value}; Path=/; HttpOnly; SameSite=Lax{secure}{age}", cookie_name(tenant, name))
}

/// The browser's live session, from the signed session cookie.
pub async fn session(state: &State, tenant: &TenantRef, rqctx: &Ctx) -> Result<Option<Session>> {
    let Some(sealed) = cookie(rqctx, tenant, SESSION_COOKIE) else { return Ok(None) };
    let Some(id) = state.mac.open("session", &sealed) else { return Ok(None) };
    sessions::live(&mut *state.store.conn().await?, tenant.id, id, state.clock.now_ms()).await
}

/// The cookie that carries a new session.
pub fn session_cookie(state: &State, tenant: &TenantRef, session: &Session) -> String {
    set_cookie(tenant, SESSION_COOKIE, &state.mac.seal("session", &session.id), None)
}

pub fn clear_session_cookie(tenant: &TenantRef) -> String {
    set_cookie(tenant, SESSION_COOKIE, "", Some(0))
}

/// CSRF protection: each form carries the MAC of a seed only this browser
/// holds — its session when signed in, else a random seed the server sealed
/// into a cookie. A cookie someone else planted, unsealed or for another
/// session, is no seed, and another site can neither read nor forge the MAC.
pub struct Csrf {
    seed: String,
    /// The cookie to set when the browser had no seed yet.
    pub set_cookie: Option<String>,
}

impl Csrf {
    pub fn of(state: &State, tenant: &TenantRef, rqctx: &Ctx, session: Option<&Session>) -> Csrf {
        if let Some(session) = session {
            return Csrf::of_session(session);
        }
        let sealed = cookie(rqctx, tenant, CSRF_COOKIE);
        match sealed.as_deref().and_then(|sealed| state.mac.open(CSRF_SEED, sealed)) {
            Some(seed) => Csrf { seed: format!("browser {seed}"), set_cookie: None },
            None => {
                let seed = secret::generate();
                let cookie = set_cookie(tenant, CSRF_COOKIE, &state.mac.seal(CSRF_SEED, &seed), None);
                Csrf { seed: format!("browser {seed}"), set_cookie: Some(cookie) }
            }
        }
    }

    /// The seed of a browser signed in to `session`.
    pub fn of_session(session: &Session) -> Csrf {
        Csrf { seed: format!("session {}", session.id), set_cookie: None }
    }

    pub fn token(&self, state: &State) -> String {
        state.mac.tag("csrf", &self.seed)
    }

    /// Whether a submitted form's token belongs to this browser's seed.
    pub fn accepts(&self, state: &State, token: &str) -> bool {
        self.set_cookie.is_none() && state.mac.verify("csrf", &self.seed, token)
    }
}

/// The CSP source that allows exactly this inline script: `sha256-…`.
pub fn script_hash(script: &str) -> String {
    format!("sha256-{}", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script.as_bytes())))
}

/// Headers every page carries: no caching, no framing, no referrer, and a
/// CSP that allows only our inline style (and the form_post script).
fn page(
    status: StatusCode,
    html: String,
    cookies: &[String],
    script: Option<&str>,
    form_action: &str,
) -> Result<Response<Body>> {
    let script_src = match script {
        Some(script) => format!("script-src '{}'", script_hash(script)),
        None => "script-src 'none'".to_string(),
    };
    let csp = format!(
        "default-src 'none'; style-src 'unsafe-inline'; {script_src}; form-action {form_action}; frame-ancestors 'none'; base-uri 'none'"
    );
    let mut response = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .header(header::CACHE_CONTROL, "no-store")
        .header(header::PRAGMA, "no-cache")
        .header("X-Frame-Options", "DENY")
        .header("X-Content-Type-Options", "nosniff")
        .header("Referrer-Policy", "no-referrer")
        .header(header::CONTENT_SECURITY_POLICY, csp);
    for cookie in cookies {
        response = response.header(header::SET_COOKIE, cookie);
    }
    response.body(html.into()).map_err(|e| Error::Internal(e.into()))
}

/// A page of ours whose forms post back to us only.
pub fn html(status: StatusCode, html: String, cookies: &[String]) -> Result<Response<Body>> {
    page(status, html, cookies, None, "'self'")
}

/// A page whose form posts to us and may be redirected on to `return_to`:
/// browsers apply `form-action` to the redirect too.
fn form_page(html: String, status: StatusCode, cookies: &[String], return_to: &str) -> Result<Response<Body>> {
    page(status, html, cookies, None, &format!("'self' {}", csp_source(return_to)))
}

/// The CSP source expression that matches `uri`: its origin, or its scheme
/// for a custom-scheme (native app) URI.
fn csp_source(uri: &str) -> String {
    match uri.split_once("://") {
        Some((scheme, rest)) => {
            let authority = rest.split(['/', '?']).next().unwrap_or("");
            format!("{scheme}://{authority}")
        }
        None => format!("{}:", uri.split(':').next().unwrap_or("")),
    }
}

/// A 303 to `location`.
pub fn see_other(location: &str, cookies: &[String]) -> Result<Response<Body>> {
    let mut response = Response::builder()
        .status(StatusCode::SEE_OTHER)
        .header(header::LOCATION, location)
        .header(header::CACHE_CONTROL, "no-store")
        .header("Referrer-Policy", "no-referrer");
    for cookie in cookies {
        response = response.header(header::SET_COOKIE, cookie);
    }
    response.body(Body::empty()).map_err(|e| Error::Internal(e.into()))
}

/// `base` with form-urlencoded parameters appended to its query.
pub fn with_query(base: &str, params: &[(String, String)]) -> String {
    let encode = |s: &str| percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string();
    let mut url = base.to_string();
    for (i, (name, value)) in params.iter().enumerate() {
        let separator = if i == 0 && !base.contains('?') { '?' } else { '&' };
        url.push_str(&format!("{separator}{}={}", encode(name), encode(value)));
    }
    url
}

fn redirect(redirect: &Redirect, cookies: &[String]) -> Result<Response<Body>> {
    if redirect.form_post {
        let html = pages::form_post(&redirect.uri, &redirect.params);
        page(StatusCode::OK, html, cookies, Some(pages::FORM_POST_SCRIPT), &redirect.uri)
    } else {
        see_other(&with_query(&redirect.uri, &redirect.params), cookies)
    }
}

/// Renders an authorization outcome. `request` is the authorization
/// request's query string, which the forms carry along.
pub fn render(
    state: &State,
    tenant: &TenantRef,
    outcome: Outcome,
    request: &str,
    csrf: &Csrf,
    mut cookies: Vec<String>,
) -> Result<Response<Body>> {
    cookies.extend(csrf.set_cookie.clone());
    let token = csrf.token(state);
    match outcome {
        Outcome::ErrorPage(message) => html(StatusCode::BAD_REQUEST, pages::error(&tenant.name, &message), &cookies),
        Outcome::Redirect(target) => redirect(&target, &cookies),
        Outcome::Login { client_name, message, login_hint, return_to } => {
            let status = if message.is_some() { StatusCode::UNAUTHORIZED } else { StatusCode::OK };
            let page = LoginPage {
                tenant: &tenant.name,
                client: &client_name,
                request,
                csrf: &token,
                message,
                login_hint: login_hint.as_deref(),
            };
            form_page(pages::login(page), status, &cookies, &return_to)
        }
        Outcome::Consent { client_name, scopes, return_to } => {
            let html = pages::consent(&tenant.name, &client_name, &scopes, request, &token);
            form_page(html, StatusCode::OK, &cookies, &return_to)
        }
    }
}
