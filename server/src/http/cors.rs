//! CORS for browser apps: a page on an origin a client lists in
//! `allowedCorsOrigins` may call the token, revocation, userinfo, discovery
//! and JWKS endpoints, and the end-user API of that client.
//!
//! Which origins count: for `/api/AppUsers/{appId}/…` and
//! `/api/OAuth/{appId}/…`, those of the `{appId}` client, while it is
//! enabled; for the tenant-wide endpoints — where a preflight does not say
//! which client is calling — those of any enabled client of the tenant the
//! Host names (IdentityServer's default policy). Both lookups are cached and
//! dropped with the clients ([`State::forget_clients`]), and a request without
//! `Origin` (every server-to-server call, the token endpoint's hot path)
//! looks nothing up.
//!
//! No `Access-Control-Allow-Credentials`: Keyward's browser-callable
//! endpoints authenticate with the `Authorization` header or the request
//! body, never with cookies, so a cross-origin page never needs the
//! browser's cookies sent — and without credentials, a page cannot ride on
//! a signed-in session of the hosted pages. The allowed origin is echoed,
//! never `*`.
//!
//! How: dropshot has no middleware and cannot wrap its service, so actual
//! answers carry their headers in [`Cors`] (built here), and the preflights
//! are OPTIONS routes registered next to the contract's routes by
//! [`register_preflights`], one per path of a browser-callable operation,
//! read from the document itself so the two cannot drift. A preflight is
//! the browser's transport check, not an API operation: it has no caller,
//! no body and no SDK method, so it stays out of the document rather than
//! adding some thirty pseudo-operations to it and to every SDK.

use super::calls::{Ctx, observed, tenant};
use crate::state::State;
use dropshot::{ApiDescription, ApiEndpoint, ApiEndpointVersions, Body, HttpError, Path};
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, Response, StatusCode};
use keyward_api::app_user::{AppPath, ConsentPath};
use keyward_api::cors::Cors;
use std::sync::Arc;

/// What a cross-origin page may send: bearer tokens or client credentials,
/// and JSON or form bodies.
const ALLOW_HEADERS: &str = "authorization, content-type";
/// What a cross-origin page may read besides the safelisted headers: the
/// challenge of a 401, how long to wait after a 429 or 503, the request id.
const EXPOSE_HEADERS: &str = "www-authenticate, retry-after, x-request-id";
/// How long a browser may reuse a preflight's answer: a client disabled or
/// changed takes effect in preflights within ten minutes.
const MAX_AGE: &str = "600";

/// The operations outside the end-user API that browsers may call.
const TENANT_WIDE: &[&str] = &[
    "oauth_token",
    "oauth_revoke",
    "oauth_userinfo_get",
    "oauth_userinfo_post",
    "discovery_openid",
    "discovery_oauth",
    "oauth_jwks",
];

/// Whose `allowedCorsOrigins` decide.
#[derive(Debug, Clone, Copy)]
pub enum Origins {
    /// Any enabled client of the tenant's.
    Tenant,
    /// The `{appId}` client's.
    App(i64),
}

fn origin(rqctx: &Ctx) -> Option<&str> {
    rqctx.request.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok())
}

/// Whether `origin` is one that `origins` lists. A failed lookup allows
/// nothing (and is logged): the answer itself still goes out.
async fn allowed(rqctx: &Ctx, origins: Origins, origin: &str) -> bool {
    let state = rqctx.context();
    let origin = origin.to_ascii_lowercase();
    let found = async {
        let tenant = tenant(rqctx).await?;
        Ok::<_, crate::error::Error>(match origins {
            Origins::Tenant => state.cors_origins(tenant.id).await?.contains(&origin),
            Origins::App(id) => state.app(tenant.id, id).await?.is_some_and(|(client, _)| {
                client.enabled && client.allowed_cors_origins.iter().any(|o| o.origin.eq_ignore_ascii_case(&origin))
            }),
        })
    };
    found.await.unwrap_or_else(|error| {
        slog::warn!(rqctx.log, "CORS origin lookup failed"; "error" => %error);
        false
    })
}

/// `Vary: Origin` always — the answer depends on it, and a shared cache must
/// not hand one origin's answer to another — and, for an allowed origin,
/// that origin and the headers its page may read.
async fn headers(rqctx: &Ctx, origins: Origins) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(origin) = origin(rqctx)
        && allowed(rqctx, origins, origin).await
        && let Ok(value) = HeaderValue::from_str(origin)
    {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static(EXPOSE_HEADERS));
    }
    headers
}

/// An operation's result with the CORS headers its request's origin earned.
pub async fn reply<R, E>(rqctx: &Ctx, origins: Origins, result: Result<R, E>) -> Cors<R, E> {
    Cors { result, headers: headers(rqctx, origins).await }
}

/// A tenant-wide browser-callable operation: `work`'s answer with its CORS headers.
pub async fn tenant_wide<R, E>(rqctx: &Ctx, work: impl Future<Output = Result<R, E>>) -> Result<Cors<R, E>, E> {
    let result = work.await;
    Ok(reply(rqctx, Origins::Tenant, result).await)
}

/// Answers a preflight: 204, and for an allowed origin asking for one of
/// `methods` (the path's), what it may send and for how long; otherwise
/// no CORS header, which the browser takes as a refusal.
async fn preflight(rqctx: Ctx, origins: Origins, methods: Arc<str>) -> Result<Response<Body>, HttpError> {
    observed(&rqctx, async {
        let requested =
            rqctx.request.headers().get(header::ACCESS_CONTROL_REQUEST_METHOD).and_then(|v| v.to_str().ok());
        let mut response = Response::builder().status(StatusCode::NO_CONTENT).header(header::VARY, "Origin");
        if let Some(origin) = origin(&rqctx)
            && requested.is_some_and(|method| methods.split(", ").any(|m| m == method))
            && allowed(&rqctx, origins, origin).await
        {
            response = response
                .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin)
                .header(header::ACCESS_CONTROL_ALLOW_METHODS, &*methods)
                .header(header::ACCESS_CONTROL_ALLOW_HEADERS, ALLOW_HEADERS)
                .header(header::ACCESS_CONTROL_MAX_AGE, MAX_AGE);
        }
        response.body(Body::empty()).map_err(|e| HttpError::for_internal_error(e.to_string()))
    })
    .await
}

/// Whether browsers may call the operation `operation_id` at `path`.
fn browser_callable(operation_id: &str, path: &str) -> bool {
    TENANT_WIDE.contains(&operation_id)
        || path.starts_with("/api/AppUsers/{appId}/")
        || path.starts_with("/api/OAuth/{appId}/")
}

/// Registers the OPTIONS route of every path of `document` (the OpenAPI
/// document) that has a browser-callable operation; it allows that path's
/// methods.
pub fn register_preflights(api: &mut ApiDescription<Arc<State>>, document: &str) -> anyhow::Result<()> {
    let document: serde_json::Value = serde_json::from_str(document)?;
    let paths = document["paths"].as_object().ok_or_else(|| anyhow::anyhow!("the document has no paths"))?;
    for (path, item) in paths {
        let methods: Vec<String> = item
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, operation)| operation["operationId"].as_str().is_some_and(|id| browser_callable(id, path)))
            .map(|(method, _)| method.to_ascii_uppercase())
            .collect();
        if methods.is_empty() {
            continue;
        }
        let methods: Arc<str> = methods.join(", ").into();
        let (id, versions) = ("cors_preflight".to_string(), ApiEndpointVersions::All);
        // One handler per shape of path: dropshot wants each path variable taken.
        let endpoint = if path.contains("{id}") {
            let handler = move |rqctx: Ctx, p: Path<ConsentPath>| {
                preflight(rqctx, Origins::App(p.into_inner().app_id), methods.clone())
            };
            ApiEndpoint::new(id, handler, Method::OPTIONS, "application/json", path, versions)
        } else if path.contains("{appId}") {
            let handler = move |rqctx: Ctx, p: Path<AppPath>| {
                preflight(rqctx, Origins::App(p.into_inner().app_id), methods.clone())
            };
            ApiEndpoint::new(id, handler, Method::OPTIONS, "application/json", path, versions)
        } else {
            let handler = move |rqctx: Ctx| preflight(rqctx, Origins::Tenant, methods.clone());
            ApiEndpoint::new(id, handler, Method::OPTIONS, "application/json", path, versions)
        };
        api.register(endpoint.visible(false))
            .map_err(|e| anyhow::anyhow!("registering the preflight of {path}: {e}"))?;
    }
    Ok(())
}
