//! The authorization endpoint's decisions (RFC 6749 §4.1, OpenID Connect
//! Core §3.1.2): check the request, then sign the user in, ask consent, and
//! issue a code — or say precisely why not. Rendering is the HTTP layer's.

use super::grant_type::{self, GrantType};
use super::{audience, pkce, scopes};
use crate::crypto::secret;
use crate::domain::profiles;
use crate::error::Result;
use crate::state::State;
use crate::store::grants::{self, Code};
use crate::store::sessions::Session;
use crate::store::{api_scopes, consents, identity_resources, tenants::TenantRef};
use keyward_api::client::Client;
use keyward_api::error::OAuthErrorCode;
use keyward_api::oauth::AuthorizeRequest;

/// Longest lifetime of an authorization code, whatever the client says
/// (RFC 9700 §4.2.1 wants them short).
const MAX_CODE_LIFETIME_SECS: i64 = 60;

/// Where the browser is sent back to, and how.
#[derive(Debug, Clone)]
pub struct Redirect {
    pub uri: String,
    pub form_post: bool,
    pub params: Vec<(String, String)>,
}

/// What the browser gets next.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The request cannot be trusted with a redirect (unknown client,
    /// unregistered redirect URI): say so on a page.
    ErrorPage(String),
    Redirect(Redirect),
    /// Show the sign-in page, with a message after a failed attempt.
    Login {
        client_name: String,
        message: Option<&'static str>,
        login_hint: Option<String>,
        /// Where the form's answer may redirect.
        return_to: String,
    },
    /// Show the consent page for these (scope, description) pairs.
    Consent {
        client_name: String,
        scopes: Vec<(String, String)>,
        return_to: String,
    },
}

/// A request that passed every check.
#[derive(Debug, Clone)]
pub struct Validated {
    pub client: Client,
    pub request: AuthorizeRequest,
    pub redirect_uri: String,
    pub form_post: bool,
    pub scopes: Vec<String>,
    pub prompt: Vec<String>,
    pub max_age: Option<i64>,
    /// The tenant's issuer, sent as `iss` with every response (RFC 9207).
    pub issuer: String,
}

/// The user's answer on the consent page.
#[derive(Debug, Clone, Copy)]
pub struct ConsentAnswer {
    pub allow: bool,
    pub remember: bool,
}

impl Validated {
    pub fn client_name(&self) -> String {
        if self.client.client_name.is_empty() { self.client.client_id.clone() } else { self.client.client_name.clone() }
    }

    fn respond(&self, mut params: Vec<(String, String)>) -> Outcome {
        if let Some(state) = &self.request.state {
            params.push(("state".into(), state.clone()));
        }
        params.push(("iss".into(), self.issuer.clone()));
        Outcome::Redirect(Redirect { uri: self.redirect_uri.clone(), form_post: self.form_post, params })
    }

    /// An error response by redirect (RFC 6749 §4.1.2.1).
    fn error(&self, code: OAuthErrorCode, description: &str) -> Outcome {
        let params = vec![
            ("error".to_string(), code.as_str().to_string()),
            ("error_description".to_string(), description.to_string()),
        ];
        self.respond(params)
    }
}

/// `Ok(Ok(value))` to go on, `Ok(Err(outcome))` to stop and show it.
pub type Checked<T> = Result<std::result::Result<T, Outcome>>;

/// Checks an authorization request. Problems with the client or redirect
/// URI stop at an error page; every later one is redirected to the client.
pub async fn validate(state: &State, tenant: &TenantRef, request: AuthorizeRequest) -> Checked<Validated> {
    let page = |message: &str| Ok(Err(Outcome::ErrorPage(message.to_string())));
    if tenant.is_disabled() {
        return page("This tenant is disabled.");
    }
    let Some(client_id) = request.client_id.as_deref().filter(|c| !c.is_empty()) else {
        return page("The request has no client_id.");
    };
    let client = match state.client(tenant.id, client_id).await? {
        Some((client, _)) if client.enabled => client,
        _ => return page("The application that sent you here is not registered."),
    };
    let registered: Vec<&str> = client.redirect_uris.iter().map(|u| u.redirect_uri.as_str()).collect();
    let redirect_uri = match request.redirect_uri.as_deref() {
        Some(uri) if registered.contains(&uri) => uri.to_string(),
        Some(_) => return page("The redirect_uri is not registered for this application."),
        None if registered.len() == 1 && !request.scope.as_deref().is_some_and(|s| scopes::has(s, "openid")) => {
            registered[0].to_string()
        }
        None => return page("The request has no redirect_uri."),
    };
    let mode = request.response_mode.clone().unwrap_or_else(|| "query".into());
    let mut validated = Validated {
        client,
        redirect_uri,
        form_post: mode == "form_post",
        scopes: Vec::new(),
        prompt: Vec::new(),
        max_age: None,
        issuer: tenant.issuer.clone(),
        request,
    };
    let stop = |v: &Validated, code: OAuthErrorCode, why: &str| Ok(Err(v.error(code, why)));
    use OAuthErrorCode::*;
    if !matches!(mode.as_str(), "query" | "form_post") {
        return stop(&validated, InvalidRequest, "response_mode must be query or form_post");
    }
    if validated.request.request.is_some() {
        return stop(&validated, RequestNotSupported, "request objects are not supported");
    }
    if validated.request.request_uri.is_some() {
        return stop(&validated, RequestUriNotSupported, "request_uri is not supported");
    }
    match validated.request.response_type.as_deref() {
        Some("code") => {}
        None | Some("") => return stop(&validated, InvalidRequest, "response_type is required"),
        Some(_) => return stop(&validated, UnsupportedResponseType, "only response_type=code is supported"),
    }
    if !grant_type::allows(&validated.client, GrantType::AuthorizationCode) {
        return stop(&validated, UnauthorizedClient, "this client may not use the authorization code flow");
    }
    validated.scopes = match scopes::requested(&validated.client, validated.request.scope.as_deref()) {
        Ok(scopes) => scopes,
        Err(e) => return stop(&validated, InvalidScope, e.error_description.as_deref().unwrap_or("invalid scope")),
    };
    if let Some(resource) = validated.request.resource.clone() {
        let catalog = state.catalog_outside_transaction(tenant.id).await?;
        validated.scopes = match audience::narrow_request(tenant, &catalog.resources, &validated.scopes, &resource) {
            Ok(scopes) => scopes,
            Err(e) => {
                return stop(&validated, InvalidTarget, e.error_description.as_deref().unwrap_or("invalid resource"));
            }
        };
    }
    let method = validated.request.code_challenge_method.clone();
    match (validated.request.code_challenge.as_deref(), method.as_deref()) {
        (None, Some(_)) => return stop(&validated, InvalidRequest, "code_challenge_method without code_challenge"),
        (None, None) if validated.client.require_pkce || !validated.client.require_client_secret => {
            return stop(&validated, InvalidRequest, "code_challenge is required (PKCE, RFC 7636)");
        }
        (None, None) => {}
        (Some(challenge), method) => {
            match method.unwrap_or("S256") {
                "S256" => {}
                "plain" if validated.client.allow_plain_text_pkce => {}
                "plain" => {
                    return stop(&validated, InvalidRequest, "code_challenge_method plain is not allowed; use S256");
                }
                _ => return stop(&validated, InvalidRequest, "code_challenge_method must be S256"),
            }
            if !pkce::valid_value(challenge) {
                return stop(&validated, InvalidRequest, "code_challenge must be 43 to 128 unreserved characters");
            }
        }
    }
    validated.prompt = validated.request.prompt.as_deref().unwrap_or("").split_whitespace().map(String::from).collect();
    if let Some(bad) = validated.prompt.iter().find(|p| !matches!(p.as_str(), "none" | "login" | "consent")) {
        return stop(&validated, InvalidRequest, &format!("prompt value {bad:?} is not supported"));
    }
    if validated.prompt.iter().any(|p| p == "none") && validated.prompt.len() > 1 {
        return stop(&validated, InvalidRequest, "prompt=none cannot be combined with other values");
    }
    if let Some(max_age) = validated.request.max_age.as_deref() {
        match max_age.parse::<i64>() {
            Ok(seconds) if seconds >= 0 => validated.max_age = Some(seconds),
            _ => return stop(&validated, InvalidRequest, "max_age must be a non-negative number of seconds"),
        }
    }
    Ok(Ok(validated))
}

/// Decides the next step for a valid request: sign in, consent, or a code.
/// `fresh_login` is true right after the user signed in on our page;
/// `answer` carries the consent page's answer.
pub async fn decide(
    state: &State,
    tenant: &TenantRef,
    v: &Validated,
    session: Option<&Session>,
    fresh_login: bool,
    answer: Option<ConsentAnswer>,
) -> Result<Outcome> {
    let now = state.clock.now_ms();
    let prompts = |p: &str| v.prompt.iter().any(|x| x == p);
    let login = Outcome::Login {
        client_name: v.client_name(),
        message: None,
        login_hint: v.request.login_hint.clone(),
        return_to: v.redirect_uri.clone(),
    };
    let stale = |s: &Session| v.max_age.is_some_and(|max| now / 1000 - s.auth_time > max);
    let session = match session {
        Some(s) if fresh_login || (!prompts("login") && !stale(s)) => s,
        _ if prompts("none") => return Ok(v.error(OAuthErrorCode::LoginRequired, "the user must sign in")),
        _ => return Ok(login),
    };
    let mut conn = state.store.conn().await?;
    if !profiles::admits(&mut conn, &v.client, session.user_id).await? {
        return Ok(v.error(OAuthErrorCode::AccessDenied, profiles::REFUSED));
    }
    let granted = scopes::for_user(&mut conn, session.user_id, v.scopes.clone()).await?;
    match answer {
        Some(ConsentAnswer { allow: false, .. }) => {
            return Ok(v.error(OAuthErrorCode::AccessDenied, "the user denied the request"));
        }
        Some(ConsentAnswer { allow: true, remember: true }) => {
            consents::upsert(
                &mut conn,
                tenant.id,
                session.user_id,
                &v.client.client_id,
                &granted,
                &consents::Context {
                    grant_type: GrantType::AuthorizationCode.as_str().into(),
                    redirect_uri: v.redirect_uri.clone(),
                    ..Default::default()
                },
                now,
            )
            .await?;
        }
        Some(ConsentAnswer { allow: true, remember: false }) => {}
        None if v.client.require_consent || prompts("consent") => {
            let remembered = consents::scopes(&mut conn, tenant.id, session.user_id, &v.client.client_id, now).await?;
            let covered = remembered.is_some_and(|r| granted.iter().all(|g| r.contains(g)));
            if prompts("consent") || !covered {
                if prompts("none") {
                    return Ok(v.error(OAuthErrorCode::ConsentRequired, "the user must consent"));
                }
                let identity = identity_resources::enabled(&mut conn, tenant.id).await?;
                let api = api_scopes::enabled(&mut conn, tenant.id).await?;
                let scopes = granted.iter().map(|s| (s.clone(), scopes::describe(&identity, &api, s))).collect();
                return Ok(Outcome::Consent {
                    client_name: v.client_name(),
                    scopes,
                    return_to: v.redirect_uri.clone(),
                });
            }
        }
        None => {}
    }
    let code = secret::generate();
    let stored = Code {
        tenant_id: tenant.id,
        client_id: v.client.client_id.clone(),
        user_id: session.user_id,
        redirect_uri: v.redirect_uri.clone(),
        scope: granted.join(" "),
        nonce: v.request.nonce.clone(),
        code_challenge: v.request.code_challenge.clone(),
        code_challenge_method: v
            .request
            .code_challenge
            .as_ref()
            .map(|_| v.request.code_challenge_method.clone().unwrap_or_else(|| "S256".into())),
        session_id: session.id.clone(),
        auth_time: session.auth_time,
        expires_at: now + v.client.authorization_code_lifetime.min(MAX_CODE_LIFETIME_SECS) * 1000,
        grant_id: None,
    };
    grants::insert_code(&mut conn, &secret::digest(&code), &stored, now).await?;
    Ok(v.respond(vec![("code".into(), code)]))
}
