//! The wrappers every handler runs in.

use crate::domain::oauth::bearer;
use crate::domain::{Acting, Caller};
use crate::error::Error;
use crate::state::State;
use crate::store::tenants::TenantRef;
use dropshot::{HttpError, HttpResponse, HttpResponseError, RequestContext};
use keyward_api::access::{Access, access};
use keyward_api::error::AdminError;
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

pub type Ctx = RequestContext<Arc<State>>;

/// Runs a handler's work and records its latency and status under the
/// operation id. An operation this listener does not serve is a 404.
pub async fn observed<T: HttpResponse, E: HttpResponseError>(
    rqctx: &Ctx,
    work: impl Future<Output = Result<T, E>>,
) -> Result<T, E> {
    let started = Instant::now();
    let result = if rqctx.context().serves(&rqctx.endpoint.operation_id, rqctx.server.local_addr) {
        work.await
    } else {
        Err(E::from(HttpError::for_not_found(None, "Not Found".into())))
    };
    let status = match &result {
        Ok(response) => response.status_code().as_u16(),
        Err(error) => error.status_code().as_status().as_u16(),
    };
    rqctx.context().metrics.observe(&rqctx.endpoint.operation_id, status, started.elapsed());
    result
}

/// Maps a domain error to the admin envelope, logging internal failures
/// (with the request id dropshot put in the logger) instead of showing them.
pub fn admin_error(rqctx: &Ctx, error: Error) -> AdminError {
    match error {
        Error::Internal(e) => {
            slog::error!(rqctx.log, "request failed"; "error" => format!("{e:#}"));
            AdminError::internal()
        }
        Error::Coded(code, inner) => admin_error(rqctx, *inner).with_business(code.entry()),
        other => AdminError::new(other.status(), other.to_string()),
    }
}

/// The client's address, for throttling and send caps.
pub fn ip(rqctx: &Ctx) -> std::net::IpAddr {
    let state = rqctx.context();
    super::client_ip::client_ip(
        rqctx.request.remote_addr().ip(),
        rqctx.request.headers(),
        &state.settings.trusted_proxies,
        state.settings.forwarded_header,
    )
}

fn host(rqctx: &Ctx) -> Option<&str> {
    rqctx.request.headers().get(http::header::HOST).and_then(|h| h.to_str().ok())
}

pub async fn tenant(rqctx: &Ctx) -> Result<TenantRef, Error> {
    rqctx.context().tenant_for_host(host(rqctx)).await
}

/// The bearer token of the request.
pub fn bearer_token(rqctx: &Ctx) -> Result<&str, Error> {
    let header =
        rqctx.request.headers().get(http::header::AUTHORIZATION).ok_or_else(|| {
            Error::Unauthorized("an `Authorization: Bearer <access token>` header is required".into())
        })?;
    let value = header.to_str().map_err(|_| Error::Unauthorized("the Authorization header is not ASCII".into()))?;
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => Ok(token.trim()),
        _ => Err(Error::Unauthorized("the Authorization header must use the Bearer scheme".into())),
    }
}

/// Who may act on a user's own account.
const FIRST_PARTY: &str =
    "acting on a user's own account needs that user's access token from a client that asks no consent";

/// Authenticates the bearer token and checks the operation's rule, for
/// acting on the user `target` (`None`: the token's own user, where the rule
/// is about users). Every bearer rule of [`Access`] is enforced here: a
/// permission the token's scopes grant, the token's own user, or either.
pub async fn authorize(rqctx: &Ctx, target: Option<i64>) -> Result<(Caller, Option<Acting>), Error> {
    let state = rqctx.context();
    let tenant = tenant(rqctx).await?;
    let (caller, user) = bearer::caller_and_user(state, &tenant, bearer_token(rqctx)?).await?;
    let requires = |required: &str| Error::Forbidden(format!("this operation requires the `{required}` permission"));
    let acting = match (access(&rqctx.endpoint.operation_id), target.or(user)) {
        (Some(Access::Permission(required)), _) if caller.holds(required) => None,
        (Some(Access::Permission(required)), _) => return Err(requires(required)),
        (Some(Access::User), _) => Some(Acting::Own(user.ok_or_else(|| Error::Forbidden(FIRST_PARTY.into()))?)),
        (Some(Access::UserOrPermission(_)), Some(id)) if user == Some(id) => Some(Acting::Own(id)),
        (Some(Access::UserOrPermission(required)), Some(id)) if caller.holds(required) => Some(Acting::Admin(id)),
        (Some(Access::UserOrPermission(required)), _) => {
            return Err(Error::Forbidden(format!("{FIRST_PARTY}, or the `{required}` permission for any user")));
        }
        _ => {
            return Err(Error::Internal(anyhow::anyhow!(
                "operation {} has no bearer rule",
                rqctx.endpoint.operation_id
            )));
        }
    };
    if tenant.is_disabled() {
        return Err(Error::Forbidden("this tenant is disabled".into()));
    }
    Ok((caller, acting))
}

/// An admin operation: authenticated, authorized, observed.
pub async fn admin<T: HttpResponse>(
    rqctx: &Ctx,
    work: impl AsyncFnOnce(&State, Caller) -> Result<T, Error>,
) -> Result<T, AdminError> {
    observed(rqctx, async {
        let (caller, _) = authorize(rqctx, None).await.map_err(|e| admin_error(rqctx, e))?;
        work(rqctx.context(), caller).await.map_err(|e| admin_error(rqctx, e))
    })
    .await
}

/// A public operation with the admin error envelope.
pub async fn public<T: HttpResponse>(
    rqctx: &Ctx,
    work: impl AsyncFnOnce(&State) -> Result<T, Error>,
) -> Result<T, AdminError> {
    observed(rqctx, async { work(rqctx.context()).await.map_err(|e| admin_error(rqctx, e)) }).await
}
