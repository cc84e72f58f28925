//! The handlers' side of the catalog's collections: one list, create,
//! update and delete for every [`Collection`], in the admin envelope; and
//! the pages of the subscription links.

use super::calls::{Ctx, admin, observed, tenant};
use super::{browser, pages};
use crate::domain::api_catalog::collections::{self, Collection, Parent};
use crate::domain::api_catalog::subscriptions;
use crate::error::{Error, Result};
use dropshot::{Body, HttpResponseCreated, HttpResponseOk};
use http::{Response, StatusCode};
use keyward_api::envelope::ApiResult;
use keyward_api::error::AdminError;

pub async fn list<C: Collection>(
    rqctx: &Ctx,
    parent: Parent,
    only: Option<(&str, i64)>,
) -> Result<HttpResponseOk<ApiResult<Vec<C::Item>>>, AdminError> {
    admin(rqctx, async |state, caller| {
        Ok(HttpResponseOk(ApiResult::ok(collections::list::<C>(state, &caller, parent, only).await?)))
    })
    .await
}

pub async fn create<C: Collection>(
    rqctx: &Ctx,
    parent: Parent,
    body: C::Create,
) -> Result<HttpResponseCreated<ApiResult<C::Item>>, AdminError> {
    admin(rqctx, async |state, caller| {
        Ok(ApiResult::created(collections::create::<C>(state, &caller, parent, body).await?))
    })
    .await
}

pub async fn update<C: Collection>(
    rqctx: &Ctx,
    parent: Parent,
    id: i64,
    body: C::Update,
) -> Result<HttpResponseOk<ApiResult<C::Item>>, AdminError> {
    admin(rqctx, async |state, caller| {
        Ok(HttpResponseOk(ApiResult::ok(collections::update::<C>(state, &caller, parent, id, body).await?)))
    })
    .await
}

pub async fn delete<C: Collection>(
    rqctx: &Ctx,
    parent: Parent,
    id: i64,
) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError> {
    admin(rqctx, async |state, caller| {
        Ok(HttpResponseOk(ApiResult::ok(collections::delete::<C>(state, &caller, parent, id).await?)))
    })
    .await
}

/// `GET AddSubscription`: the page of the e-mailed link, whose button posts
/// the code to confirm.
pub async fn subscription_page(rqctx: &Ctx, api: i64, code: String) -> Result<Response<Body>, AdminError> {
    subscription_answer(rqctx, async {
        let tenant = tenant(rqctx).await?;
        let email = subscriptions::pending(rqctx.context(), &tenant, api, &code).await?;
        let action = format!("/api/ApiResource/{api}/AddSubscription");
        Ok(pages::subscription_confirm(&tenant.name, &email, &action, &code))
    })
    .await
}

/// `POST AddSubscription`: the page's button, which subscribes.
pub async fn subscription_confirm(rqctx: &Ctx, api: i64, code: String) -> Result<Response<Body>, AdminError> {
    subscription_answer(rqctx, async {
        let tenant = tenant(rqctx).await?;
        let subscriber = subscriptions::add(rqctx.context(), &rqctx.log, &tenant, api, &code).await?;
        Ok(pages::subscription_outcome(&tenant.name, Ok(&subscriber.email)))
    })
    .await
}

/// A subscription page, or one saying why the link cannot be used, with
/// the error's status; internal failures are logged, not shown.
async fn subscription_answer(
    rqctx: &Ctx,
    work: impl Future<Output = Result<String>>,
) -> Result<Response<Body>, AdminError> {
    observed(rqctx, async {
        let (status, html) = match work.await {
            Ok(html) => (StatusCode::OK, html),
            Err(error) => {
                let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let message = match error {
                    Error::Internal(e) => {
                        slog::error!(rqctx.log, "page failed"; "error" => format!("{e:#}"));
                        "Something went wrong on our side. Please try again.".to_string()
                    }
                    other => other.to_string(),
                };
                (status, pages::subscription_outcome("Keyward", Err(&message)))
            }
        };
        browser::html(status, html, &[]).map_err(|_| AdminError::internal())
    })
    .await
}
