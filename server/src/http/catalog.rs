//! The one handler path of every admin resource — the tenant's own (tenants,
//! clients, users, roles, access profiles, API resources, API scopes,
//! identity resources) and the catalog's collections: list, view, create,
//! update and delete in the admin envelope; and the pages of the
//! subscription links.

use super::calls::{Ctx, admin, observed, tenant};
use super::{browser, pages};
use crate::domain::Caller;
use crate::domain::api_catalog::collections::{self, Collection, Parent};
use crate::domain::api_catalog::subscriptions;
use crate::domain::{api_resources, api_scopes, clients, identity_resources, profiles, roles, tenants, users};
use crate::error::{Error, Result};
use crate::state::State;
use dropshot::{Body, HttpResponseCreated, HttpResponseOk};
use http::{Response, StatusCode};
use keyward_api::access_profile::{AccessProfile, AccessProfileCreate, AccessProfileListQuery, AccessProfileUpdate};
use keyward_api::api_resource::{
    ApiResource, ApiResourceCreate, ApiResourceCreated, ApiResourceListQuery, ApiResourceUpdate,
};
use keyward_api::api_scope::{ApiScope, ApiScopeCreate, ApiScopeListQuery, ApiScopeUpdate};
use keyward_api::client::{Client, ClientCreate, ClientCreated, ClientListQuery, ClientUpdate};
use keyward_api::envelope::{ApiResult, Paged};
use keyward_api::error::AdminError;
use keyward_api::identity_resource::{
    IdentityResource, IdentityResourceCreate, IdentityResourceListQuery, IdentityResourceUpdate,
};
use keyward_api::role::{Role, RoleCreate, RoleListQuery, RoleUpdate};
use keyward_api::tenant::{Tenant, TenantCreate, TenantListQuery, TenantUpdate};
use keyward_api::user::{User, UserCreate, UserListQuery, UserUpdate};
use keyward_api::with_id::WithId;
use schemars::JsonSchema;
use serde::Serialize;

/// What an answer's payload must be for dropshot to send and document it.
pub trait Payload: Serialize + JsonSchema + Send + Sync + 'static {}
impl<T: Serialize + JsonSchema + Send + Sync + 'static> Payload for T {}

/// One kind of admin item as the generic handlers see it. Each operation
/// checks the caller's authority itself ("no caller grants more than it
/// holds", bootstrap-client protection) and forgets what it invalidates in
/// the caches, so the handlers only authenticate and wrap the answer. As
/// with [`Collection`], only concrete server types implement it, so the
/// futures' `Send` needs no bound here.
#[allow(async_fn_in_trait)]
pub trait Resource {
    /// Whose items: `()` for a tenant's own resources, a [`Parent`] for a
    /// catalog collection.
    type Scope: Copy + Send;
    /// What a list is filtered and paged by.
    type Query: Send;
    /// The list's answer: a [`Paged`] page, or all items in an [`ApiResult`].
    type Listed: Payload;
    type Item: Payload;
    type Create: Send;
    /// A create's answer: the new id, or more (a client's first secret).
    type Created: Payload;
    type Update: Send;

    async fn list(state: &State, caller: &Caller, scope: Self::Scope, query: Self::Query) -> Result<Self::Listed>;
    async fn create(state: &State, caller: &Caller, scope: Self::Scope, body: Self::Create) -> Result<Self::Created>;
    async fn update(
        state: &State,
        caller: &Caller,
        scope: Self::Scope,
        id: i64,
        body: Self::Update,
    ) -> Result<Self::Item>;
    async fn delete(state: &State, caller: &Caller, scope: Self::Scope, id: i64) -> Result<i64>;
}

/// A tenant's own resource with an id of its own: viewable, and changeable
/// by OAuthApp's `PUT /api/{Resource}` with the id in the body.
#[allow(async_fn_in_trait)]
pub trait Entity: Resource<Scope = ()> {
    /// How messages name the one a body changes ("the role").
    const THE: &'static str;

    async fn view(state: &State, caller: &Caller, id: i64) -> Result<Self::Item>;
}

/// The catalog's collections are resources of their parent; they answer a
/// list whole and a create with the stored item.
impl<C: Collection> Resource for C {
    type Scope = Parent;
    /// Only the items whose column equals a value.
    type Query = Option<(&'static str, i64)>;
    type Listed = ApiResult<Vec<C::Item>>;
    type Item = C::Item;
    type Create = C::Create;
    type Created = C::Item;
    type Update = C::Update;

    async fn list(state: &State, caller: &Caller, parent: Parent, only: Self::Query) -> Result<Self::Listed> {
        Ok(ApiResult::ok(collections::list::<C>(state, caller, parent, only).await?))
    }

    async fn create(state: &State, caller: &Caller, parent: Parent, body: C::Create) -> Result<C::Item> {
        collections::create::<C>(state, caller, parent, body).await
    }

    async fn update(state: &State, caller: &Caller, parent: Parent, id: i64, body: C::Update) -> Result<C::Item> {
        collections::update::<C>(state, caller, parent, id, body).await
    }

    async fn delete(state: &State, caller: &Caller, parent: Parent, id: i64) -> Result<i64> {
        collections::delete::<C>(state, caller, parent, id).await
    }
}

/// A tenant's own resource `$kind`, served by domain module `$module`'s
/// `list`, `create`, `update` and `delete`; with `view` (and `THE`), an
/// [`Entity`].
macro_rules! resource {
    ($kind:ident, $module:ident, $query:ty => $item:ty, $create:ty => $created:ty, $update:ty) => {
        pub enum $kind {}

        impl Resource for $kind {
            type Scope = ();
            type Query = $query;
            type Listed = Paged<$item>;
            type Item = $item;
            type Create = $create;
            type Created = $created;
            type Update = $update;

            async fn list(state: &State, caller: &Caller, _: (), query: $query) -> Result<Paged<$item>> {
                $module::list(state, caller, query).await
            }

            async fn create(state: &State, caller: &Caller, _: (), body: $create) -> Result<$created> {
                $module::create(state, caller, body).await
            }

            async fn update(state: &State, caller: &Caller, _: (), id: i64, body: $update) -> Result<$item> {
                $module::update(state, caller, id, body).await
            }

            async fn delete(state: &State, caller: &Caller, _: (), id: i64) -> Result<i64> {
                $module::delete(state, caller, id).await
            }
        }
    };
    ($kind:ident, $module:ident, $the:literal, $query:ty => $item:ty, $create:ty => $created:ty, $update:ty) => {
        resource!($kind, $module, $query => $item, $create => $created, $update);

        impl Entity for $kind {
            const THE: &'static str = $the;

            async fn view(state: &State, caller: &Caller, id: i64) -> Result<$item> {
                $module::view(state, caller, id).await
            }
        }
    };
}

resource!(Tenants, tenants, "the tenant", TenantListQuery => Tenant, TenantCreate => i64, TenantUpdate);
resource!(Clients, clients, "the client", ClientListQuery => Client, ClientCreate => ClientCreated, ClientUpdate);
resource!(Users, users, "the user", UserListQuery => User, UserCreate => i64, UserUpdate);
resource!(Roles, roles, "the role", RoleListQuery => Role, RoleCreate => i64, RoleUpdate);
resource!(Profiles, profiles, AccessProfileListQuery => AccessProfile, AccessProfileCreate => i64, AccessProfileUpdate);
resource!(
    ApiResources,
    api_resources,
    "the API resource",
    ApiResourceListQuery => ApiResource,
    ApiResourceCreate => ApiResourceCreated,
    ApiResourceUpdate
);
resource!(ApiScopes, api_scopes, "the API scope", ApiScopeListQuery => ApiScope, ApiScopeCreate => i64, ApiScopeUpdate);
resource!(
    IdentityResources,
    identity_resources,
    "the identity resource",
    IdentityResourceListQuery => IdentityResource,
    IdentityResourceCreate => i64,
    IdentityResourceUpdate
);

pub async fn list<R: Resource>(
    rqctx: &Ctx,
    scope: R::Scope,
    query: R::Query,
) -> Result<HttpResponseOk<R::Listed>, AdminError> {
    admin(rqctx, async |state, caller| Ok(HttpResponseOk(R::list(state, &caller, scope, query).await?))).await
}

pub async fn view<R: Entity>(rqctx: &Ctx, id: i64) -> Result<HttpResponseOk<ApiResult<R::Item>>, AdminError> {
    admin(rqctx, async |state, caller| Ok(HttpResponseOk(ApiResult::ok(R::view(state, &caller, id).await?)))).await
}

pub async fn create<R: Resource>(
    rqctx: &Ctx,
    scope: R::Scope,
    body: R::Create,
) -> Result<HttpResponseCreated<ApiResult<R::Created>>, AdminError> {
    admin(rqctx, async |state, caller| Ok(ApiResult::created(R::create(state, &caller, scope, body).await?))).await
}

/// A create of seed 000's (`/Create/...`), which answers 200 with a 200
/// envelope.
pub async fn create_ok<R: Resource>(
    rqctx: &Ctx,
    scope: R::Scope,
    body: R::Create,
) -> Result<HttpResponseOk<ApiResult<R::Created>>, AdminError> {
    admin(rqctx, async |state, caller| Ok(HttpResponseOk(ApiResult::ok(R::create(state, &caller, scope, body).await?))))
        .await
}

pub async fn update<R: Resource>(
    rqctx: &Ctx,
    scope: R::Scope,
    id: i64,
    body: R::Update,
) -> Result<HttpResponseOk<ApiResult<R::Item>>, AdminError> {
    admin(rqctx, async |state, caller| {
        Ok(HttpResponseOk(ApiResult::ok(R::update(state, &caller, scope, id, body).await?)))
    })
    .await
}

/// OAuthApp's `PUT /api/{Resource}`: the update of `PUT /api/{Resource}/{id}`
/// with the `id` in the body, answering what `answer` makes of the id (the
/// id itself, or `true`).
pub async fn put<R: Entity, A: Payload>(
    rqctx: &Ctx,
    body: WithId<R::Update>,
    answer: impl FnOnce(i64) -> A,
) -> Result<HttpResponseOk<ApiResult<A>>, AdminError> {
    admin(rqctx, async |state, caller| {
        let WithId { id, body } = body;
        let id = id.ok_or_else(|| Error::Invalid(format!("`id` is required: it names {} to change", R::THE)))?;
        R::update(state, &caller, (), id, body).await?;
        Ok(HttpResponseOk(ApiResult::ok(answer(id))))
    })
    .await
}

pub async fn delete<R: Resource>(
    rqctx: &Ctx,
    scope: R::Scope,
    id: i64,
) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError> {
    admin(rqctx, async |state, caller| Ok(HttpResponseOk(ApiResult::ok(R::delete(state, &caller, scope, id).await?))))
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
