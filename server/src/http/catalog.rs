//! The handlers' side of the catalog's collections: one list, create,
//! update and delete for every [`Collection`], in the admin envelope.

use super::calls::{Ctx, admin};
use crate::domain::api_catalog::collections::{self, Collection, Parent};
use dropshot::{HttpResponseCreated, HttpResponseOk};
use keyward_api::envelope::ApiResult;
use keyward_api::error::AdminError;

pub async fn list<C: Collection>(
    rqctx: &Ctx,
    parent: Parent,
    only: Option<(&str, i64)>,
) -> Result<HttpResponseOk<ApiResult<Vec<C::Item>>>, AdminError> {
    admin(rqctx, async |app, caller| {
        Ok(HttpResponseOk(ApiResult::ok(collections::list::<C>(app, &caller, parent, only).await?)))
    })
    .await
}

pub async fn create<C: Collection>(
    rqctx: &Ctx,
    parent: Parent,
    body: C::Create,
) -> Result<HttpResponseCreated<ApiResult<C::Item>>, AdminError> {
    admin(rqctx, async |app, caller| {
        Ok(ApiResult::created(collections::create::<C>(app, &caller, parent, body).await?))
    })
    .await
}

pub async fn update<C: Collection>(
    rqctx: &Ctx,
    parent: Parent,
    id: i64,
    body: C::Update,
) -> Result<HttpResponseOk<ApiResult<C::Item>>, AdminError> {
    admin(rqctx, async |app, caller| {
        Ok(HttpResponseOk(ApiResult::ok(collections::update::<C>(app, &caller, parent, id, body).await?)))
    })
    .await
}

pub async fn delete<C: Collection>(
    rqctx: &Ctx,
    parent: Parent,
    id: i64,
) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError> {
    admin(rqctx, async |app, caller| {
        Ok(HttpResponseOk(ApiResult::ok(collections::delete::<C>(app, &caller, parent, id).await?)))
    })
    .await
}
