//! The end-user API's wrappers: the `{code, data, err}` envelope, the app
//! the path names, and the app user a bearer token names.

use super::calls::{Ctx, bearer_token, observed, tenant};
use crate::app::App;
use crate::domain::app_users::{self, AppRef};
use crate::error::Error;
use crate::store::tenants::TenantRef;
use dropshot::HttpResponseOk;
use keyward_api::AppReply;
use keyward_api::app_user::{AppError, Envelope};
use std::net::IpAddr;

fn app_error(rqctx: &Ctx, error: Error) -> AppError {
    match error {
        Error::Internal(e) => {
            slog::error!(rqctx.log, "request failed"; "error" => format!("{e:#}"));
            AppError::new(500, "internal error; see the server log for the request id")
        }
        other => AppError::new(other.status(), other.to_string()),
    }
}

/// The client address, for throttling and send caps.
pub fn ip(rqctx: &Ctx) -> IpAddr {
    rqctx.request.remote_addr().ip()
}

/// Runs `work` for the app `app_id` of the request's tenant, answering
/// what it returns as is (the QR image) or its error in the envelope.
pub async fn raw<R: dropshot::HttpResponse>(
    rqctx: &Ctx,
    app_id: i64,
    work: impl AsyncFnOnce(&App, &TenantRef, &AppRef) -> Result<R, Error>,
) -> Result<R, AppError> {
    observed(rqctx, async {
        let app = rqctx.context();
        let done = async {
            let tenant = tenant(rqctx).await?;
            let target = app_users::load(app, &tenant, app_id).await?;
            work(app, &tenant, &target).await
        };
        done.await.map_err(|e| app_error(rqctx, e))
    })
    .await
}

/// As [`raw`], with the value in the envelope.
pub async fn call<T>(
    rqctx: &Ctx,
    app_id: i64,
    work: impl AsyncFnOnce(&App, &TenantRef, &AppRef) -> Result<T, Error>,
) -> Result<AppReply<T>, AppError>
where
    T: serde::Serialize + schemars::JsonSchema + Send + Sync + 'static,
{
    raw(rqctx, app_id, async |app, tenant, target| Ok(HttpResponseOk(Envelope::ok(work(app, tenant, target).await?))))
        .await
}

/// As [`call`], for the signed-in user of the app (the bearer token's).
pub async fn as_user<T>(
    rqctx: &Ctx,
    app_id: i64,
    work: impl AsyncFnOnce(&App, &TenantRef, &AppRef, i64) -> Result<T, Error>,
) -> Result<AppReply<T>, AppError>
where
    T: serde::Serialize + schemars::JsonSchema + Send + Sync + 'static,
{
    call(rqctx, app_id, async |app, tenant, target| {
        let user = app_users::caller(app, tenant, target, bearer_token(rqctx)?).await?;
        work(app, tenant, target, user).await
    })
    .await
}
