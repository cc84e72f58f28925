//! The end-user API's wrappers: the `{code, data, err}` envelope, the app
//! the path names, and the app user a bearer token names.

use super::calls::{Ctx, bearer_token, observed, tenant};
use super::cors::{self, Origins};
use crate::domain::app_users::{self, AppCredentials, AppRef};
use crate::error::Error;
use crate::state::State;
use crate::store::tenants::TenantRef;
use keyward_api::app_user::{AppError, AppReply, Envelope};
use keyward_api::cors::CorsReply;

fn app_error(rqctx: &Ctx, error: Error) -> AppError {
    match error {
        Error::Internal(e) => {
            slog::error!(rqctx.log, "request failed"; "error" => format!("{e:#}"));
            AppError::new(500, "internal error; see the server log for the request id")
        }
        other => AppError::new(other.status(), other.to_string()),
    }
}

/// The credentials of a call from an app's server: HTTP basic client
/// authentication, else a bearer token.
pub fn app_credentials(rqctx: &Ctx) -> Result<AppCredentials<'_>, Error> {
    let header = rqctx.request.headers().get(http::header::AUTHORIZATION);
    let scheme = header.and_then(|h| h.to_str().ok()).and_then(|v| v.split_once(' ')).map(|(scheme, _)| scheme);
    if !scheme.is_some_and(|s| s.eq_ignore_ascii_case("basic")) {
        return Ok(AppCredentials::Bearer(bearer_token(rqctx)?));
    }
    let malformed = || Error::Unauthorized("malformed HTTP basic credentials".into());
    super::oauth::basic_credentials(rqctx).map_err(|_| malformed())?.map(AppCredentials::Basic).ok_or_else(malformed)
}

/// Runs `work` for the app `app_id` of the request's tenant.
async fn run<R>(
    rqctx: &Ctx,
    app_id: i64,
    work: impl AsyncFnOnce(&State, &TenantRef, &AppRef) -> Result<R, Error>,
) -> Result<R, Error> {
    let state = rqctx.context();
    let tenant = tenant(rqctx).await?;
    let target = app_users::load(state, &tenant, app_id).await?;
    work(state, &tenant, &target).await
}

/// As [`call`], answering what `work` returns as is (the QR image).
pub async fn raw<R: dropshot::HttpResponse>(
    rqctx: &Ctx,
    app_id: i64,
    work: impl AsyncFnOnce(&State, &TenantRef, &AppRef) -> Result<R, Error>,
) -> CorsReply<R, AppError> {
    let result = observed(rqctx, async { run(rqctx, app_id, work).await.map_err(|e| app_error(rqctx, e)) }).await;
    Ok(cors::reply(rqctx, Origins::App(app_id), result).await)
}

/// Runs `work` for the app `app_id` of the request's tenant, answering its
/// value or its error in the envelope; a 429 or 503 that says how long to
/// wait carries `Retry-After`; the app's CORS origins are allowed.
pub async fn call<T>(
    rqctx: &Ctx,
    app_id: i64,
    work: impl AsyncFnOnce(&State, &TenantRef, &AppRef) -> Result<T, Error>,
) -> CorsReply<AppReply<T>, AppError>
where
    T: serde::Serialize + schemars::JsonSchema + Send + Sync + 'static,
{
    let result = observed(rqctx, async {
        match run(rqctx, app_id, work).await.map_err(Error::uncoded) {
            Ok(value) => Ok(AppReply::Done(Envelope::ok(value))),
            Err(Error::TooMany { message, retry_after: Some(seconds) }) => {
                Ok(AppReply::Throttled(AppError::new(429, message), seconds))
            }
            Err(Error::Busy { message, retry_after }) => {
                Ok(AppReply::Throttled(AppError::new(503, message), retry_after))
            }
            Err(error) => Err(app_error(rqctx, error)),
        }
    })
    .await;
    Ok(cors::reply(rqctx, Origins::App(app_id), result).await)
}

/// As [`call`], for the signed-in user of the app (the bearer token's).
pub async fn as_user<T>(
    rqctx: &Ctx,
    app_id: i64,
    work: impl AsyncFnOnce(&State, &TenantRef, &AppRef, i64) -> Result<T, Error>,
) -> CorsReply<AppReply<T>, AppError>
where
    T: serde::Serialize + schemars::JsonSchema + Send + Sync + 'static,
{
    call(rqctx, app_id, async |state, tenant, target| {
        let user = app_users::caller(state, tenant, target, bearer_token(rqctx)?).await?;
        work(state, tenant, target, user).await
    })
    .await
}
