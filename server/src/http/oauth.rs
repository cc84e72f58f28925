//! The OAuth 2.0 / OpenID Connect endpoints: request unpacking, error
//! mapping, and the hosted pages' request/response handling.

use super::browser::{self, Csrf};
use super::calls::{Ctx, bearer_token, ip, observed, tenant};
use super::pages;
use crate::domain::oauth::authorize::{self, ConsentAnswer, Outcome};
use crate::domain::oauth::grant_type::GrantType;
use crate::domain::oauth::logout::{self, LoggedOut};
use crate::domain::oauth::{bearer, client_auth, login, mobile, scopes, token};
use crate::error::{Error, Refusal, Result};
use crate::state::State;
use crate::store::tenants::TenantRef;
use crate::store::{api_scopes, identity_resources};
use base64::Engine;
use dropshot::Body;
use http::{Response, StatusCode};
use keyward_api::error::{AdminError, OAuthError};
use keyward_api::oauth::{
    AuthorizeRequest, CodeChecked, CodeSent, ConsentForm, LoginForm, LogoutConfirmForm, LogoutRequest,
    MobileCodeRequest, MobileTokenRequest, OAuthReply, ServerMetadata, SignTokenRequest, SigningAlg, TokenReply,
    TokenRequest,
};
use std::future::Future;

/// Discovery metadata: exactly the endpoints, grants, methods, scopes and
/// claims that work for `tenant`.
pub async fn metadata(state: &State, tenant: &TenantRef) -> Result<ServerMetadata> {
    let issuer = tenant.issuer.clone();
    let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut conn = state.store.conn().await?;
    let identity: Vec<_> =
        identity_resources::enabled(&mut conn, tenant.id).await?.into_iter().filter(|r| r.show_in_discovery).collect();
    let mut scopes_supported: Vec<String> = identity.iter().map(|r| r.name.clone()).collect();
    let api = api_scopes::enabled(&mut conn, tenant.id).await?;
    scopes_supported.extend(api.into_iter().filter(|s| s.show_in_discovery).map(|s| s.name));
    scopes_supported.extend(strings(keyward_api::access::ADMIN_SCOPES));
    Ok(ServerMetadata {
        authorization_endpoint: format!("{issuer}/oauth/authorize"),
        token_endpoint: format!("{issuer}/oauth/token"),
        userinfo_endpoint: format!("{issuer}/oauth/userinfo"),
        jwks_uri: format!("{issuer}/oauth/jwks"),
        introspection_endpoint: format!("{issuer}/oauth/introspect"),
        revocation_endpoint: format!("{issuer}/oauth/revoke"),
        end_session_endpoint: format!("{issuer}/oauth/logout"),
        scopes_supported,
        claims_supported: scopes::claims_supported(&identity),
        response_types_supported: strings(&["code"]),
        response_modes_supported: strings(&["query", "form_post"]),
        grant_types_supported: strings(&GrantType::ALL.map(GrantType::as_str)),
        token_endpoint_auth_methods_supported: strings(client_auth::AUTH_METHODS),
        introspection_endpoint_auth_methods_supported: strings(&["client_secret_basic", "client_secret_post"]),
        revocation_endpoint_auth_methods_supported: strings(client_auth::AUTH_METHODS),
        code_challenge_methods_supported: strings(&["S256", "plain"]),
        prompt_values_supported: strings(&["none", "login", "consent"]),
        subject_types_supported: strings(&["public"]),
        id_token_signing_alg_values_supported: SigningAlg::ALL.iter().map(|alg| alg.as_str().to_string()).collect(),
        userinfo_signing_alg_values_supported: Vec::new(),
        claims_parameter_supported: false,
        request_parameter_supported: false,
        request_uri_parameter_supported: false,
        authorization_response_iss_parameter_supported: true,
        service_documentation: format!("{issuer}/openapi.json"),
        issuer,
    })
}

/// `Authorization: Basic` credentials, each part form-decoded (RFC 6749 §2.3.1).
pub fn basic_credentials(rqctx: &Ctx) -> Result<Option<(String, String)>, OAuthError> {
    let Some(header) = rqctx.request.headers().get(http::header::AUTHORIZATION) else { return Ok(None) };
    let malformed = || OAuthError::invalid_client("malformed HTTP basic credentials");
    let value = header.to_str().map_err(|_| malformed())?;
    let Some((scheme, encoded)) = value.split_once(' ') else { return Err(malformed()) };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(malformed());
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).map_err(|_| malformed())?;
    let decoded = String::from_utf8(decoded).map_err(|_| malformed())?;
    let (id, secret) = decoded.split_once(':').ok_or_else(malformed)?;
    let form_decode = |part: &str| {
        percent_encoding::percent_decode_str(&part.replace('+', " ")).decode_utf8().map(|s| s.into_owned())
    };
    Ok(Some((form_decode(id).map_err(|_| malformed())?, form_decode(secret).map_err(|_| malformed())?)))
}

/// A JSON OAuth endpoint: refusals become RFC 6749 §5.2 bodies, internal
/// failures are logged and shown as `server_error`.
async fn json<T>(rqctx: &Ctx, work: impl Future<Output = Result<T, Refusal>>) -> Result<OAuthReply<T>, OAuthError>
where
    OAuthReply<T>: dropshot::HttpResponse,
{
    observed(rqctx, async {
        Ok(match work.await {
            Ok(body) => OAuthReply::Done(body),
            Err(Refusal::OAuth(error)) => OAuthReply::Refused(error),
            Err(Refusal::Internal(error)) => {
                slog::error!(rqctx.log, "OAuth request failed"; "error" => format!("{error:#}"));
                OAuthReply::Refused(OAuthError::server_error())
            }
        })
    })
    .await
}

pub async fn token(
    rqctx: &Ctx,
    request: TokenRequest,
) -> Result<OAuthReply<keyward_api::oauth::TokenResponse>, OAuthError> {
    json(rqctx, async {
        let tenant = tenant(rqctx).await?;
        let basic = basic_credentials(rqctx)?;
        token::token(rqctx.context(), &tenant, basic, request, ip(rqctx)).await
    })
    .await
}

pub async fn mobile_code_get(rqctx: &Ctx, request: MobileCodeRequest) -> Result<OAuthReply<CodeSent>, OAuthError> {
    json(rqctx, async {
        let tenant = tenant(rqctx).await?;
        let basic = basic_credentials(rqctx)?;
        mobile::send(rqctx.context(), &rqctx.log, &tenant, basic, request, ip(rqctx)).await
    })
    .await
}

pub async fn mobile_code_verify(
    rqctx: &Ctx,
    request: MobileCodeRequest,
) -> Result<OAuthReply<CodeChecked>, OAuthError> {
    json(rqctx, async {
        let tenant = tenant(rqctx).await?;
        let basic = basic_credentials(rqctx)?;
        mobile::verify(rqctx.context(), &tenant, basic, request, ip(rqctx)).await
    })
    .await
}

/// Seed 004's `/mobile/token`: the `mobile` grant without `grant_type`.
pub async fn mobile_token(rqctx: &Ctx, r: MobileTokenRequest) -> Result<TokenReply, OAuthError> {
    let request = TokenRequest {
        grant_type: GrantType::Mobile.as_str().into(),
        mobile: Some(r.mobile),
        code: Some(r.code),
        scope: r.scope,
        client_id: r.client_id,
        client_secret: r.client_secret,
        ..TokenRequest::default()
    };
    token(rqctx, request).await
}

/// Seed 004's `/sign/token`: the `sign` grant without `grant_type`.
pub async fn sign_token(rqctx: &Ctx, r: SignTokenRequest) -> Result<TokenReply, OAuthError> {
    let request = TokenRequest {
        grant_type: GrantType::Sign.as_str().into(),
        sign: Some(r.sign),
        platform: r.platform,
        scope: r.scope,
        client_id: r.client_id,
        client_secret: r.client_secret,
        ..TokenRequest::default()
    };
    token(rqctx, request).await
}

pub async fn userinfo(rqctx: &Ctx) -> Result<OAuthReply<keyward_api::oauth::UserInfo>, OAuthError> {
    json(rqctx, async {
        let tenant = tenant(rqctx).await?;
        bearer::userinfo(rqctx.context(), &tenant, bearer_token(rqctx).ok()).await
    })
    .await
}

pub async fn introspect(
    rqctx: &Ctx,
    request: keyward_api::oauth::TokenTypeHintRequest,
) -> Result<OAuthReply<keyward_api::oauth::Introspection>, OAuthError> {
    json(rqctx, async {
        let tenant = tenant(rqctx).await?;
        bearer::introspect(rqctx.context(), &tenant, basic_credentials(rqctx)?, request, ip(rqctx)).await
    })
    .await
}

pub async fn revoke(
    rqctx: &Ctx,
    request: keyward_api::oauth::TokenTypeHintRequest,
) -> Result<OAuthReply<keyward_api::oauth::Revoked>, OAuthError> {
    json(rqctx, async {
        let tenant = tenant(rqctx).await?;
        bearer::revoke(rqctx.context(), &tenant, basic_credentials(rqctx)?, request, ip(rqctx)).await?;
        Ok(keyward_api::oauth::Revoked {})
    })
    .await
}

/// A hosted page: failures are shown as a plain error page (503 when
/// waiting helps, as while the database is unavailable); internal ones are
/// logged.
async fn page(rqctx: &Ctx, work: impl Future<Output = Result<Response<Body>>>) -> Result<Response<Body>, AdminError> {
    observed(rqctx, async {
        match work.await {
            Ok(response) => Ok(response),
            Err(error) => {
                if let Error::Internal(e) = &error {
                    slog::error!(rqctx.log, "page failed"; "error" => format!("{e:#}"));
                }
                let status = match error {
                    Error::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
                    _ => StatusCode::INTERNAL_SERVER_ERROR,
                };
                let html = pages::error("Keyward", "Something went wrong on our side. Please try again.");
                browser::html(status, html, &[]).map_err(|_| AdminError::internal())
            }
        }
    })
    .await
}

pub async fn authorize(rqctx: &Ctx, request: AuthorizeRequest) -> Result<Response<Body>, AdminError> {
    page(rqctx, async {
        let state = rqctx.context();
        let tenant = tenant(rqctx).await?;
        // The forms carry the request along as a query string, whichever
        // method brought it.
        let query = serde_urlencoded::to_string(&request).map_err(|e| Error::Internal(e.into()))?;
        let session = browser::session(state, &tenant, rqctx).await?;
        let csrf = Csrf::of(state, &tenant, rqctx, session.as_ref());
        let outcome = match authorize::validate(state, &tenant, request).await? {
            Err(outcome) => outcome,
            Ok(valid) => authorize::decide(state, &tenant, &valid, session.as_ref(), false, None).await?,
        };
        browser::render(state, &tenant, outcome, &query, &csrf, Vec::new())
    })
    .await
}

/// The authorization request a form carried, checked again in full.
async fn carried(
    state: &State,
    tenant: &crate::store::tenants::TenantRef,
    query: &str,
) -> authorize::Checked<authorize::Validated> {
    match serde_urlencoded::from_str::<AuthorizeRequest>(query) {
        Ok(request) => authorize::validate(state, tenant, request).await,
        Err(_) => Ok(Err(Outcome::ErrorPage("The form was altered; start again from the application.".into()))),
    }
}

pub async fn login(rqctx: &Ctx, form: LoginForm) -> Result<Response<Body>, AdminError> {
    page(rqctx, async {
        let state = rqctx.context();
        let tenant = tenant(rqctx).await?;
        let current = browser::session(state, &tenant, rqctx).await?;
        let csrf = Csrf::of(state, &tenant, rqctx, current.as_ref());
        let render =
            |outcome, csrf: &Csrf, cookies| browser::render(state, &tenant, outcome, &form.request, csrf, cookies);
        let valid = match carried(state, &tenant, &form.request).await? {
            Ok(valid) => valid,
            Err(outcome) => return render(outcome, &csrf, Vec::new()),
        };
        let retry = |message| Outcome::Login {
            client_name: valid.client_name(),
            message: Some(message),
            login_hint: Some(form.username.clone()),
            return_to: valid.redirect_uri.clone(),
        };
        if !csrf.accepts(state, &form.csrf) {
            return render(retry("The form expired. Please sign in again."), &csrf, Vec::new());
        }
        match login::check_password(state, &tenant, &form.username, &form.password, ip(rqctx)).await? {
            Err(failure) => render(retry(failure.message()), &csrf, Vec::new()),
            Ok(user) => {
                let session = login::open_session(state, &tenant, user).await?;
                let outcome = authorize::decide(state, &tenant, &valid, Some(&session), true, None).await?;
                // Forms from here on are bound to the new session.
                render(outcome, &Csrf::of_session(&session), vec![browser::session_cookie(state, &tenant, &session)])
            }
        }
    })
    .await
}

/// How recent a sign-in counts as part of the current interaction, so that
/// `prompt=login` is not asked again on the consent page that follows it.
const INTERACTION_SECS: i64 = 600;

pub async fn consent(rqctx: &Ctx, form: ConsentForm) -> Result<Response<Body>, AdminError> {
    page(rqctx, async {
        let state = rqctx.context();
        let tenant = tenant(rqctx).await?;
        let session = browser::session(state, &tenant, rqctx).await?;
        let csrf = Csrf::of(state, &tenant, rqctx, session.as_ref());
        let render = |outcome| browser::render(state, &tenant, outcome, &form.request, &csrf, Vec::new());
        let valid = match carried(state, &tenant, &form.request).await? {
            Ok(valid) => valid,
            Err(outcome) => return render(outcome),
        };
        let answer = match form.decision.as_str() {
            _ if !csrf.accepts(state, &form.csrf) => None,
            "allow" => Some(ConsentAnswer { allow: true, remember: form.remember.is_some() }),
            "deny" => Some(ConsentAnswer { allow: false, remember: false }),
            _ => return render(Outcome::ErrorPage("The consent form was altered; start again.".into())),
        };
        let recent = session
            .as_ref()
            .is_some_and(|s| state.clock.now_secs() - s.auth_time < INTERACTION_SECS && answer.is_some());
        render(authorize::decide(state, &tenant, &valid, session.as_ref(), recent, answer).await?)
    })
    .await
}

/// RP-initiated logout: at once with a valid ID token hint, else after the
/// user confirms on a page of ours ([`logout_confirm`]).
pub async fn logout(rqctx: &Ctx, request: LogoutRequest) -> Result<Response<Body>, AdminError> {
    end_session(rqctx, request, None).await
}

/// The confirmation page's form: the logout request without its hint, and
/// the page's CSRF token.
pub async fn logout_confirm(rqctx: &Ctx, form: LogoutConfirmForm) -> Result<Response<Body>, AdminError> {
    let LogoutConfirmForm { client_id, post_logout_redirect_uri, state, csrf } = form;
    let request = LogoutRequest { id_token_hint: None, post_logout_redirect_uri, state, client_id };
    end_session(rqctx, request, Some(csrf)).await
}

/// Ends the session if the request carries a valid hint or the confirmation
/// page's token; otherwise shows that page.
async fn end_session(rqctx: &Ctx, request: LogoutRequest, token: Option<String>) -> Result<Response<Body>, AdminError> {
    page(rqctx, async {
        let state = rqctx.context();
        let tenant = tenant(rqctx).await?;
        let session = browser::session(state, &tenant, rqctx).await?;
        let csrf = Csrf::of(state, &tenant, rqctx, session.as_ref());
        let confirmed = token.is_some_and(|token| csrf.accepts(state, &token));
        let cleared = [browser::clear_session_cookie(&tenant)];
        match logout::logout(state, &tenant, session.as_ref().map(|s| s.id.as_str()), request, confirmed).await? {
            LoggedOut::Redirect { uri, state } => {
                let params: Vec<(String, String)> = state.into_iter().map(|s| ("state".to_string(), s)).collect();
                browser::see_other(&browser::with_query(&uri, &params), &cleared)
            }
            LoggedOut::Page(note) => browser::html(StatusCode::OK, pages::signed_out(&tenant.name, note), &cleared),
            LoggedOut::Confirm(request) => {
                let html = pages::logout_confirm(&tenant.name, &request, &csrf.token(state));
                browser::html(StatusCode::OK, html, csrf.set_cookie.as_slice())
            }
        }
    })
    .await
}
