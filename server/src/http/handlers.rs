//! `impl KeywardApi`: one thin function per operation.

use super::calls::{Ctx, admin, public, tenant};
use super::oauth;
use crate::app::App;
use crate::domain::{clients, identity_resources, roles, tenants, users};
use crate::error::Error;
use dropshot::{Body, HttpResponseCreated, HttpResponseOk, Path, Query, TypedBody};
use keyward_api::IdPath;
use keyward_api::KeywardApi;
use keyward_api::client::{Client, ClientCreate, ClientCreated, ClientListQuery, ClientUpdate};
use keyward_api::envelope::{ApiResult, Paged};
use keyward_api::error::{AdminError, OAuthError};
use keyward_api::identity_resource::{
    IdentityResource, IdentityResourceCreate, IdentityResourceListQuery, IdentityResourceUpdate,
};
use keyward_api::oauth::{
    AuthorizeRequest, ConsentForm, Introspection, Jwks, LoginForm, LogoutRequest, OAuthReply, Revoked, ServerMetadata,
    TokenReply, TokenRequest, TokenTypeHintRequest, UserInfo,
};
use keyward_api::ops::Health;
use keyward_api::role::{Role, RoleCreate, RoleListQuery, RoleUpdate};
use keyward_api::tenant::{Tenant, TenantCreate, TenantListQuery, TenantUpdate};
use keyward_api::user::{User, UserCreate, UserListQuery, UserUpdate};
use std::sync::Arc;

pub enum KeywardImpl {}

fn text_response(content_type: &str, body: String) -> Result<http::Response<Body>, Error> {
    http::Response::builder()
        .header(http::header::CONTENT_TYPE, content_type)
        .body(body.into())
        .map_err(|e| Error::Internal(e.into()))
}

impl KeywardApi for KeywardImpl {
    type Context = Arc<App>;

    async fn health_live(rqctx: Ctx) -> Result<HttpResponseOk<Health>, AdminError> {
        public(&rqctx, async |_| Ok(HttpResponseOk(Health { status: "ok".into() }))).await
    }

    async fn health_ready(rqctx: Ctx) -> Result<HttpResponseOk<Health>, AdminError> {
        public(&rqctx, async |app| {
            if app.store.ping().await {
                Ok(HttpResponseOk(Health { status: "ok".into() }))
            } else {
                Err(Error::Internal(anyhow::anyhow!("database unreachable")))
            }
        })
        .await
        .map_err(|_| AdminError::new(503, "the database does not answer"))
    }

    async fn metrics_get(rqctx: Ctx) -> Result<http::Response<Body>, AdminError> {
        public(&rqctx, async |app| text_response("text/plain; version=0.0.4", app.metrics.render())).await
    }

    async fn openapi_get(rqctx: Ctx) -> Result<http::Response<Body>, AdminError> {
        public(&rqctx, async |app| text_response("application/json", app.openapi.to_string())).await
    }

    async fn discovery_openid(rqctx: Ctx) -> Result<HttpResponseOk<ServerMetadata>, AdminError> {
        public(&rqctx, async |app| Ok(HttpResponseOk(oauth::metadata(app, &tenant(&rqctx).await?).await?))).await
    }

    async fn discovery_oauth(rqctx: Ctx) -> Result<HttpResponseOk<ServerMetadata>, AdminError> {
        public(&rqctx, async |app| Ok(HttpResponseOk(oauth::metadata(app, &tenant(&rqctx).await?).await?))).await
    }

    async fn oauth_jwks(rqctx: Ctx) -> Result<HttpResponseOk<Jwks>, AdminError> {
        public(&rqctx, async |app| Ok(HttpResponseOk(Jwks { keys: app.keys.jwks() }))).await
    }

    async fn oauth_token(rqctx: Ctx, body: TypedBody<TokenRequest>) -> Result<TokenReply, OAuthError> {
        oauth::token(&rqctx, body.into_inner()).await
    }

    async fn oauth_authorize(rqctx: Ctx, query: Query<AuthorizeRequest>) -> Result<http::Response<Body>, AdminError> {
        oauth::authorize(&rqctx, query.into_inner()).await
    }

    async fn oauth_authorize_post(
        rqctx: Ctx,
        body: TypedBody<AuthorizeRequest>,
    ) -> Result<http::Response<Body>, AdminError> {
        oauth::authorize(&rqctx, body.into_inner()).await
    }

    async fn oauth_login(rqctx: Ctx, body: TypedBody<LoginForm>) -> Result<http::Response<Body>, AdminError> {
        oauth::login(&rqctx, body.into_inner()).await
    }

    async fn oauth_consent(rqctx: Ctx, body: TypedBody<ConsentForm>) -> Result<http::Response<Body>, AdminError> {
        oauth::consent(&rqctx, body.into_inner()).await
    }

    async fn oauth_userinfo_get(rqctx: Ctx) -> Result<OAuthReply<UserInfo>, OAuthError> {
        oauth::userinfo(&rqctx).await
    }

    async fn oauth_userinfo_post(rqctx: Ctx) -> Result<OAuthReply<UserInfo>, OAuthError> {
        oauth::userinfo(&rqctx).await
    }

    async fn oauth_introspect(
        rqctx: Ctx,
        body: TypedBody<TokenTypeHintRequest>,
    ) -> Result<OAuthReply<Introspection>, OAuthError> {
        oauth::introspect(&rqctx, body.into_inner()).await
    }

    async fn oauth_revoke(
        rqctx: Ctx,
        body: TypedBody<TokenTypeHintRequest>,
    ) -> Result<OAuthReply<Revoked>, OAuthError> {
        oauth::revoke(&rqctx, body.into_inner()).await
    }

    async fn oauth_logout(rqctx: Ctx, query: Query<LogoutRequest>) -> Result<http::Response<Body>, AdminError> {
        oauth::logout(&rqctx, query.into_inner()).await
    }

    async fn oauth_logout_post(rqctx: Ctx, body: TypedBody<LogoutRequest>) -> Result<http::Response<Body>, AdminError> {
        oauth::logout(&rqctx, body.into_inner()).await
    }

    async fn tenant_list(
        rqctx: Ctx,
        query: Query<TenantListQuery>,
    ) -> Result<HttpResponseOk<Paged<Tenant>>, AdminError> {
        admin(&rqctx, async |app, caller| Ok(HttpResponseOk(tenants::list(app, &caller, query.into_inner()).await?)))
            .await
    }

    async fn tenant_create(
        rqctx: Ctx,
        body: TypedBody<TenantCreate>,
    ) -> Result<HttpResponseCreated<ApiResult<i64>>, AdminError> {
        admin(&rqctx, async |app, caller| {
            Ok(HttpResponseCreated(ApiResult::ok(tenants::create(app, &caller, body.into_inner()).await?)))
        })
        .await
    }

    async fn tenant_view(rqctx: Ctx, path: Path<IdPath>) -> Result<HttpResponseOk<ApiResult<Tenant>>, AdminError> {
        admin(&rqctx, async |app, caller| {
            Ok(HttpResponseOk(ApiResult::ok(tenants::view(app, &caller, path.into_inner().id).await?)))
        })
        .await
    }

    async fn tenant_update(
        rqctx: Ctx,
        path: Path<IdPath>,
        body: TypedBody<TenantUpdate>,
    ) -> Result<HttpResponseOk<ApiResult<Tenant>>, AdminError> {
        admin(&rqctx, async |app, caller| {
            let id = path.into_inner().id;
            Ok(HttpResponseOk(ApiResult::ok(tenants::update(app, &caller, id, body.into_inner()).await?)))
        })
        .await
    }

    async fn tenant_delete(rqctx: Ctx, path: Path<IdPath>) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError> {
        admin(&rqctx, async |app, caller| {
            Ok(HttpResponseOk(ApiResult::ok(tenants::delete(app, &caller, path.into_inner().id).await?)))
        })
        .await
    }

    async fn client_list(
        rqctx: Ctx,
        query: Query<ClientListQuery>,
    ) -> Result<HttpResponseOk<Paged<Client>>, AdminError> {
        admin(&rqctx, async |app, caller| Ok(HttpResponseOk(clients::list(app, &caller, query.into_inner()).await?)))
            .await
    }

    async fn client_create(
        rqctx: Ctx,
        body: TypedBody<ClientCreate>,
    ) -> Result<HttpResponseCreated<ApiResult<ClientCreated>>, AdminError> {
        admin(&rqctx, async |app, caller| {
            Ok(HttpResponseCreated(ApiResult::ok(clients::create(app, &caller, body.into_inner()).await?)))
        })
        .await
    }

    async fn client_view(rqctx: Ctx, path: Path<IdPath>) -> Result<HttpResponseOk<ApiResult<Client>>, AdminError> {
        admin(&rqctx, async |app, caller| {
            Ok(HttpResponseOk(ApiResult::ok(clients::view(app, &caller, path.into_inner().id).await?)))
        })
        .await
    }

    async fn client_update(
        rqctx: Ctx,
        path: Path<IdPath>,
        body: TypedBody<ClientUpdate>,
    ) -> Result<HttpResponseOk<ApiResult<Client>>, AdminError> {
        admin(&rqctx, async |app, caller| {
            let id = path.into_inner().id;
            Ok(HttpResponseOk(ApiResult::ok(clients::update(app, &caller, id, body.into_inner()).await?)))
        })
        .await
    }

    async fn client_delete(rqctx: Ctx, path: Path<IdPath>) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError> {
        admin(&rqctx, async |app, caller| {
            Ok(HttpResponseOk(ApiResult::ok(clients::delete(app, &caller, path.into_inner().id).await?)))
        })
        .await
    }

    async fn user_list(rqctx: Ctx, query: Query<UserListQuery>) -> Result<HttpResponseOk<Paged<User>>, AdminError> {
        admin(&rqctx, async |app, caller| Ok(HttpResponseOk(users::list(app, &caller, query.into_inner()).await?)))
            .await
    }

    async fn user_create(
        rqctx: Ctx,
        body: TypedBody<UserCreate>,
    ) -> Result<HttpResponseCreated<ApiResult<i64>>, AdminError> {
        admin(&rqctx, async |app, caller| {
            Ok(HttpResponseCreated(ApiResult::ok(users::create(app, &caller, body.into_inner()).await?)))
        })
        .await
    }

    async fn user_view(rqctx: Ctx, path: Path<IdPath>) -> Result<HttpResponseOk<ApiResult<User>>, AdminError> {
        admin(&rqctx, async |app, caller| {
            Ok(HttpResponseOk(ApiResult::ok(users::view(app, &caller, path.into_inner().id).await?)))
        })
        .await
    }

    async fn user_update(
        rqctx: Ctx,
        path: Path<IdPath>,
        body: TypedBody<UserUpdate>,
    ) -> Result<HttpResponseOk<ApiResult<User>>, AdminError> {
        admin(&rqctx, async |app, caller| {
            let id = path.into_inner().id;
            Ok(HttpResponseOk(ApiResult::ok(users::update(app, &caller, id, body.into_inner()).await?)))
        })
        .await
    }

    async fn user_delete(rqctx: Ctx, path: Path<IdPath>) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError> {
        admin(&rqctx, async |app, caller| {
            Ok(HttpResponseOk(ApiResult::ok(users::delete(app, &caller, path.into_inner().id).await?)))
        })
        .await
    }

    async fn role_list(rqctx: Ctx, query: Query<RoleListQuery>) -> Result<HttpResponseOk<Paged<Role>>, AdminError> {
        admin(&rqctx, async |app, caller| Ok(HttpResponseOk(roles::list(app, &caller, query.into_inner()).await?)))
            .await
    }

    async fn role_create(
        rqctx: Ctx,
        body: TypedBody<RoleCreate>,
    ) -> Result<HttpResponseCreated<ApiResult<i64>>, AdminError> {
        admin(&rqctx, async |app, caller| {
            Ok(HttpResponseCreated(ApiResult::ok(roles::create(app, &caller, body.into_inner()).await?)))
        })
        .await
    }

    async fn role_view(rqctx: Ctx, path: Path<IdPath>) -> Result<HttpResponseOk<ApiResult<Role>>, AdminError> {
        admin(&rqctx, async |app, caller| {
            Ok(HttpResponseOk(ApiResult::ok(roles::view(app, &caller, path.into_inner().id).await?)))
        })
        .await
    }

    async fn role_update(
        rqctx: Ctx,
        path: Path<IdPath>,
        body: TypedBody<RoleUpdate>,
    ) -> Result<HttpResponseOk<ApiResult<Role>>, AdminError> {
        admin(&rqctx, async |app, caller| {
            let id = path.into_inner().id;
            Ok(HttpResponseOk(ApiResult::ok(roles::update(app, &caller, id, body.into_inner()).await?)))
        })
        .await
    }

    async fn role_delete(rqctx: Ctx, path: Path<IdPath>) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError> {
        admin(&rqctx, async |app, caller| {
            Ok(HttpResponseOk(ApiResult::ok(roles::delete(app, &caller, path.into_inner().id).await?)))
        })
        .await
    }

    async fn identity_resource_list(
        rqctx: Ctx,
        query: Query<IdentityResourceListQuery>,
    ) -> Result<HttpResponseOk<Paged<IdentityResource>>, AdminError> {
        admin(&rqctx, async |app, caller| {
            Ok(HttpResponseOk(identity_resources::list(app, &caller, query.into_inner()).await?))
        })
        .await
    }

    async fn identity_resource_create(
        rqctx: Ctx,
        body: TypedBody<IdentityResourceCreate>,
    ) -> Result<HttpResponseCreated<ApiResult<i64>>, AdminError> {
        admin(&rqctx, async |app, caller| {
            Ok(HttpResponseCreated(ApiResult::ok(identity_resources::create(app, &caller, body.into_inner()).await?)))
        })
        .await
    }

    async fn identity_resource_view(
        rqctx: Ctx,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<IdentityResource>>, AdminError> {
        admin(&rqctx, async |app, caller| {
            Ok(HttpResponseOk(ApiResult::ok(identity_resources::view(app, &caller, path.into_inner().id).await?)))
        })
        .await
    }

    async fn identity_resource_update(
        rqctx: Ctx,
        path: Path<IdPath>,
        body: TypedBody<IdentityResourceUpdate>,
    ) -> Result<HttpResponseOk<ApiResult<IdentityResource>>, AdminError> {
        admin(&rqctx, async |app, caller| {
            let id = path.into_inner().id;
            Ok(HttpResponseOk(ApiResult::ok(identity_resources::update(app, &caller, id, body.into_inner()).await?)))
        })
        .await
    }

    async fn identity_resource_delete(
        rqctx: Ctx,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError> {
        admin(&rqctx, async |app, caller| {
            Ok(HttpResponseOk(ApiResult::ok(identity_resources::delete(app, &caller, path.into_inner().id).await?)))
        })
        .await
    }
}
