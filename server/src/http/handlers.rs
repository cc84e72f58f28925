//! `impl KeywardApi`: one thin function per operation.

use super::app_users::{app_credentials, as_user, call, raw};
use super::blobs;
use super::calls::{Ctx, admin, ip, public, tenant};
use super::catalog::{self, ApiResources, ApiScopes, Clients, IdentityResources, Profiles, Roles, Tenants, Users};
use super::cors::tenant_wide;
use super::oauth;
use super::spring::{as_admin, as_client, on_user};
use crate::codegen::Kind;
use crate::domain::api_catalog::collections::Parent;
use crate::domain::api_catalog::items::{Packages, Products, Releases};
use crate::domain::api_catalog::{self, subscriptions};
use crate::domain::app_users::accounts::{self, SignUpKind};
use crate::domain::app_users::verification_codes::{self, Channel};
use crate::domain::app_users::{self, AppCaller, AppRef, consents, given, points, qr, required, settings};
use crate::domain::blobs::Accept;
use crate::domain::codegen::{self, Requester, options};
use crate::domain::{api_resources, clients, registration, spring, tenants, user_access, users};
use crate::error::Error;
use crate::state::State;
use crate::store::tenants::TenantRef;
use dropshot::{Body, HttpResponseCreated, HttpResponseOk, Path, Query, StreamingBody, TypedBody};
use keyward_api::IdPath;
use keyward_api::KeywardApi;
use keyward_api::access_profile::{
    AccessProfile, AccessProfileCreate, AccessProfileListQuery, AccessProfileUpdate, ClientIdPath, CreatePath,
};
use keyward_api::api_catalog::{
    ApiPackage, ApiPackageBody, ApiProduct, ApiProductBody, ApiPublish, ApiPublishConfiguration, ApiRelease,
    ApiReleaseCreate, ApiReleaseQuery, ApiReleaseUpdate, ApiRevision, ApiRevisionCreate, ApiSubscriber,
    ApiVersionCreate, AuthServer, PackagePath, ProductPath, ReleasePath, RevisionPath, SubscriptionCode,
    SubscriptionEmail,
};
use keyward_api::api_resource::{
    ApiResource, ApiResourceCreate, ApiResourceCreated, ApiResourceImportPath, ApiResourceImportQuery,
    ApiResourceListQuery, ApiResourceUpdate,
};
use keyward_api::api_scope::{ApiScope, ApiScopeCreate, ApiScopeListQuery, ApiScopeUpdate};
use keyward_api::app_settings::{AppSettings, AppSettingsUpdate};
use keyward_api::app_user::{
    AppCard, AppConsent, AppError, AppPath, AppReply, AppToken, AuthorizeCodeQuery, CodePurpose, ConsentPath, Consume,
    EmailSignIn, GrantCode, GrantCodeRequest, PasswordSignIn, PhoneSignIn, PointEntry, PointLog, PointLogQuery,
    Profile, ProfileUpdate, QrImageQuery, QrKey, QrPreSignIn, Recharge, ResetPassword, SchemeQuery, SendEmailCode,
    SendSmsCode, SignUp, UnionIdSignIn,
};
use keyward_api::blob::{BlobFolderQuery, BlobPath};
use keyward_api::client::{Client, ClientCreate, ClientCreated, ClientListQuery, ClientTokenIssue, ClientUpdate};
use keyward_api::codegen::{
    CodegenHistory, CodegenHistoryCreate, CommonOptions, GenRequest, GenStoredRequest, GeneratedSdk, Generator,
    GeneratorListQuery, GithubOptions, GithubOptionsBody, GithubSync, NpmOptions, NpmOptionsBody, NpmOptionsPath,
    SdkReleaseRequest,
};
use keyward_api::cors::CorsReply;
use keyward_api::envelope::{ApiResult, Paged};
use keyward_api::error::{AdminError, OAuthError};
use keyward_api::error_codes::{CodesPath, ErrorCode};
use keyward_api::identity_resource::{
    IdentityResource, IdentityResourceCreate, IdentityResourceListQuery, IdentityResourceUpdate,
};
use keyward_api::oauth::{
    AuthorizeRequest, CodeChecked, CodeSent, ConsentForm, Introspection, Jwks, LoginForm, LogoutConfirmForm,
    LogoutRequest, MobileCodeRequest, MobileTokenRequest, OAuthReply, Revoked, ServerMetadata, SignTokenRequest,
    TokenReply, TokenRequest, TokenResponse, TokenTypeHintRequest, UserInfo,
};
use keyward_api::ops::{DocsAssetPath, Health};
use keyward_api::role::{Role, RoleCreate, RoleListQuery, RoleUpdate};
use keyward_api::secret::{SecretCreate, SecretCreated, SecretPath};
use keyward_api::spring::{
    SpringError, SpringPasswordUpdate, SpringRegister, SpringReply, SpringRole, SpringRoleUpdate, SpringUser,
    SpringUserDetail, SpringUserFind, SpringUserId, SpringUserSave, SpringUserUpdate,
};
use keyward_api::tenant::{Tenant, TenantCreate, TenantListQuery, TenantPublic, TenantUpdate};
use keyward_api::user::{
    Distributor, DistributorQuery, NoBody, User, UserCreate, UserEmail, UserExistsQuery, UserGrant, UserListQuery,
    UserPasswordReset, UserPhone, UserRegister, UserSession, UserUpdate,
};
use keyward_api::with_id::WithId;
use std::sync::Arc;

pub enum KeywardImpl {}

fn text_response(content_type: &str, body: String) -> Result<http::Response<Body>, Error> {
    http::Response::builder()
        .header(http::header::CONTENT_TYPE, content_type)
        .body(body.into())
        .map_err(|e| Error::Internal(e.into()))
}

impl KeywardApi for KeywardImpl {
    type Context = Arc<State>;

    async fn health_live(rqctx: Ctx) -> Result<HttpResponseOk<Health>, AdminError> {
        public(&rqctx, async |_| Ok(HttpResponseOk(Health { status: "ok".into() }))).await
    }

    async fn health_ready(rqctx: Ctx) -> Result<HttpResponseOk<Health>, AdminError> {
        public(&rqctx, async |state| {
            if state.store.ping().await {
                Ok(HttpResponseOk(Health { status: "ok".into() }))
            } else {
                Err(Error::Internal(anyhow::anyhow!("database unreachable")))
            }
        })
        .await
        .map_err(|_| AdminError::new(503, "the database does not answer"))
    }

    async fn metrics_get(rqctx: Ctx) -> Result<http::Response<Body>, AdminError> {
        public(&rqctx, async |state| {
            text_response(
                "text/plain; version=0.0.4",
                state.metrics.render(&[state.keys.reload_counter(), crate::logging::dropped_counter()]),
            )
        })
        .await
    }

    async fn openapi_get(rqctx: Ctx) -> Result<http::Response<Body>, AdminError> {
        public(&rqctx, async |state| text_response("application/json", state.openapi.to_string())).await
    }

    async fn docs_page(rqctx: Ctx) -> Result<http::Response<Body>, AdminError> {
        public(&rqctx, async |_| super::docs::page()).await
    }

    async fn docs_asset(rqctx: Ctx, path: Path<DocsAssetPath>) -> Result<http::Response<Body>, AdminError> {
        let path = path.into_inner();
        public(&rqctx, async |_| super::docs::asset(&path.version, &path.file)).await
    }

    async fn discovery_openid(rqctx: Ctx) -> CorsReply<HttpResponseOk<ServerMetadata>, AdminError> {
        tenant_wide(&rqctx, discovery(&rqctx)).await
    }

    async fn discovery_oauth(rqctx: Ctx) -> CorsReply<HttpResponseOk<ServerMetadata>, AdminError> {
        tenant_wide(&rqctx, discovery(&rqctx)).await
    }

    async fn oauth_jwks(rqctx: Ctx) -> CorsReply<HttpResponseOk<Jwks>, AdminError> {
        let jwks = public(&rqctx, async |state| {
            let keys = state.keys.jwks(tenant(&rqctx).await?.id).await?;
            Ok(HttpResponseOk(Jwks { keys }))
        });
        tenant_wide(&rqctx, jwks).await
    }

    async fn oauth_token(rqctx: Ctx, body: TypedBody<TokenRequest>) -> CorsReply<TokenReply, OAuthError> {
        tenant_wide(&rqctx, oauth::token(&rqctx, body.into_inner())).await
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

    async fn oauth_userinfo_get(rqctx: Ctx) -> CorsReply<OAuthReply<UserInfo>, OAuthError> {
        tenant_wide(&rqctx, oauth::userinfo(&rqctx)).await
    }

    async fn oauth_userinfo_post(rqctx: Ctx) -> CorsReply<OAuthReply<UserInfo>, OAuthError> {
        tenant_wide(&rqctx, oauth::userinfo(&rqctx)).await
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
    ) -> CorsReply<OAuthReply<Revoked>, OAuthError> {
        tenant_wide(&rqctx, oauth::revoke(&rqctx, body.into_inner())).await
    }

    async fn oauth_logout(rqctx: Ctx, query: Query<LogoutRequest>) -> Result<http::Response<Body>, AdminError> {
        oauth::logout(&rqctx, query.into_inner()).await
    }

    async fn oauth_logout_post(rqctx: Ctx, body: TypedBody<LogoutRequest>) -> Result<http::Response<Body>, AdminError> {
        oauth::logout(&rqctx, body.into_inner()).await
    }

    async fn oauth_logout_confirm(
        rqctx: Ctx,
        body: TypedBody<LogoutConfirmForm>,
    ) -> Result<http::Response<Body>, AdminError> {
        oauth::logout_confirm(&rqctx, body.into_inner()).await
    }

    async fn tenant_list(
        rqctx: Ctx,
        query: Query<TenantListQuery>,
    ) -> Result<HttpResponseOk<Paged<Tenant>>, AdminError> {
        catalog::list::<Tenants>(&rqctx, (), query.into_inner()).await
    }

    async fn tenant_create(
        rqctx: Ctx,
        body: TypedBody<TenantCreate>,
    ) -> Result<HttpResponseCreated<ApiResult<i64>>, AdminError> {
        catalog::create::<Tenants>(&rqctx, (), body.into_inner()).await
    }

    async fn tenant_view(rqctx: Ctx, path: Path<IdPath>) -> Result<HttpResponseOk<ApiResult<Tenant>>, AdminError> {
        catalog::view::<Tenants>(&rqctx, path.into_inner().id).await
    }

    async fn tenant_update(
        rqctx: Ctx,
        path: Path<IdPath>,
        body: TypedBody<TenantUpdate>,
    ) -> Result<HttpResponseOk<ApiResult<Tenant>>, AdminError> {
        catalog::update::<Tenants>(&rqctx, (), path.into_inner().id, body.into_inner()).await
    }

    async fn tenant_put(
        rqctx: Ctx,
        body: TypedBody<WithId<TenantUpdate>>,
    ) -> Result<HttpResponseOk<ApiResult<bool>>, AdminError> {
        catalog::put::<Tenants, _>(&rqctx, body.into_inner(), |_| true).await
    }

    async fn tenant_delete(rqctx: Ctx, path: Path<IdPath>) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError> {
        catalog::delete::<Tenants>(&rqctx, (), path.into_inner().id).await
    }

    async fn tenant_public_view(
        rqctx: Ctx,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<TenantPublic>>, AdminError> {
        public(&rqctx, async |state| {
            Ok(HttpResponseOk(ApiResult::ok(
                tenants::public_view(state, &tenant(&rqctx).await?, path.into_inner().id).await?,
            )))
        })
        .await
    }

    async fn error_code_list(rqctx: Ctx, path: Path<CodesPath>) -> Result<HttpResponseOk<Vec<ErrorCode>>, AdminError> {
        public(&rqctx, async |_| Ok(HttpResponseOk(keyward_api::error_codes::table(path.into_inner().resource)))).await
    }

    async fn client_list(
        rqctx: Ctx,
        query: Query<ClientListQuery>,
    ) -> Result<HttpResponseOk<Paged<Client>>, AdminError> {
        catalog::list::<Clients>(&rqctx, (), query.into_inner()).await
    }

    async fn client_create(
        rqctx: Ctx,
        body: TypedBody<ClientCreate>,
    ) -> Result<HttpResponseCreated<ApiResult<ClientCreated>>, AdminError> {
        catalog::create::<Clients>(&rqctx, (), body.into_inner()).await
    }

    async fn client_view(rqctx: Ctx, path: Path<IdPath>) -> Result<HttpResponseOk<ApiResult<Client>>, AdminError> {
        catalog::view::<Clients>(&rqctx, path.into_inner().id).await
    }

    async fn client_update(
        rqctx: Ctx,
        path: Path<IdPath>,
        body: TypedBody<ClientUpdate>,
    ) -> Result<HttpResponseOk<ApiResult<Client>>, AdminError> {
        catalog::update::<Clients>(&rqctx, (), path.into_inner().id, body.into_inner()).await
    }

    async fn client_put(
        rqctx: Ctx,
        body: TypedBody<WithId<ClientUpdate>>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError> {
        catalog::put::<Clients, _>(&rqctx, body.into_inner(), |id| id).await
    }

    async fn client_delete(rqctx: Ctx, path: Path<IdPath>) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError> {
        catalog::delete::<Clients>(&rqctx, (), path.into_inner().id).await
    }

    async fn client_secret_list(
        rqctx: Ctx,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<Vec<keyward_api::secret::SecretInfo>>>, AdminError> {
        admin(&rqctx, async |state, caller| {
            Ok(HttpResponseOk(ApiResult::ok(clients::secrets(state, &caller, path.into_inner().id).await?)))
        })
        .await
    }

    async fn client_secret_create(
        rqctx: Ctx,
        path: Path<IdPath>,
        body: TypedBody<SecretCreate>,
    ) -> Result<HttpResponseCreated<ApiResult<SecretCreated>>, AdminError> {
        admin(&rqctx, async |state, caller| {
            let created = clients::add_secret(state, &caller, path.into_inner().id, body.into_inner()).await?;
            Ok(ApiResult::created(created))
        })
        .await
    }

    async fn client_secret_delete(
        rqctx: Ctx,
        path: Path<SecretPath>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError> {
        admin(&rqctx, async |state, caller| {
            let SecretPath { id, secret_id } = path.into_inner();
            Ok(HttpResponseOk(ApiResult::ok(clients::delete_secret(state, &caller, id, secret_id).await?)))
        })
        .await
    }

    async fn client_issue_token(
        rqctx: Ctx,
        path: Path<IdPath>,
        body: TypedBody<ClientTokenIssue>,
    ) -> Result<HttpResponseOk<ApiResult<TokenResponse>>, AdminError> {
        admin(&rqctx, async |state, caller| {
            let issued = clients::issue_token(state, &caller, path.into_inner().id, body.into_inner()).await?;
            Ok(HttpResponseOk(ApiResult::ok(issued)))
        })
        .await
    }

    async fn user_list(rqctx: Ctx, query: Query<UserListQuery>) -> Result<HttpResponseOk<Paged<User>>, AdminError> {
        catalog::list::<Users>(&rqctx, (), query.into_inner()).await
    }

    async fn user_create(
        rqctx: Ctx,
        body: TypedBody<UserCreate>,
    ) -> Result<HttpResponseCreated<ApiResult<i64>>, AdminError> {
        catalog::create::<Users>(&rqctx, (), body.into_inner()).await
    }

    async fn user_exists(rqctx: Ctx, query: Query<UserExistsQuery>) -> Result<HttpResponseOk<NoBody>, AdminError> {
        admin(&rqctx, async |state, caller| {
            users::exists(state, &caller, query.into_inner()).await?;
            Ok(HttpResponseOk(NoBody))
        })
        .await
    }

    async fn user_distributor_list(
        rqctx: Ctx,
        path: Path<IdPath>,
        query: Query<DistributorQuery>,
    ) -> Result<HttpResponseOk<ApiResult<Vec<Distributor>>>, AdminError> {
        admin(&rqctx, async |state, caller| {
            let (id, query) = (path.into_inner().id, query.into_inner());
            Ok(HttpResponseOk(ApiResult::ok(users::distributors(state, &caller, id, query).await?)))
        })
        .await
    }

    async fn user_view(rqctx: Ctx, path: Path<IdPath>) -> Result<HttpResponseOk<ApiResult<User>>, AdminError> {
        catalog::view::<Users>(&rqctx, path.into_inner().id).await
    }

    async fn user_update(
        rqctx: Ctx,
        path: Path<IdPath>,
        body: TypedBody<UserUpdate>,
    ) -> Result<HttpResponseOk<ApiResult<User>>, AdminError> {
        catalog::update::<Users>(&rqctx, (), path.into_inner().id, body.into_inner()).await
    }

    async fn user_put(
        rqctx: Ctx,
        body: TypedBody<WithId<UserUpdate>>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError> {
        catalog::put::<Users, _>(&rqctx, body.into_inner(), |id| id).await
    }

    async fn user_delete(rqctx: Ctx, path: Path<IdPath>) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError> {
        catalog::delete::<Users>(&rqctx, (), path.into_inner().id).await
    }

    async fn user_session_list(
        rqctx: Ctx,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<Vec<UserSession>>>, AdminError> {
        admin(&rqctx, async |state, caller| {
            Ok(HttpResponseOk(ApiResult::ok(user_access::sessions(state, &caller, path.into_inner().id).await?)))
        })
        .await
    }

    async fn user_session_revoke(rqctx: Ctx, path: Path<IdPath>) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError> {
        admin(&rqctx, async |state, caller| {
            Ok(HttpResponseOk(ApiResult::ok(user_access::end_sessions(state, &caller, path.into_inner().id).await?)))
        })
        .await
    }

    async fn user_grant_list(
        rqctx: Ctx,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<Vec<UserGrant>>>, AdminError> {
        admin(&rqctx, async |state, caller| {
            Ok(HttpResponseOk(ApiResult::ok(user_access::grants(state, &caller, path.into_inner().id).await?)))
        })
        .await
    }

    async fn user_grant_revoke(rqctx: Ctx, path: Path<IdPath>) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError> {
        admin(&rqctx, async |state, caller| {
            Ok(HttpResponseOk(ApiResult::ok(user_access::revoke_grants(state, &caller, path.into_inner().id).await?)))
        })
        .await
    }

    async fn user_registration_code_send(
        rqctx: Ctx,
        body: TypedBody<UserPhone>,
    ) -> Result<HttpResponseOk<ApiResult<bool>>, AdminError> {
        let phone = body.into_inner().phone_number;
        registration_code(&rqctx, (Channel::Sms, "phoneNumber", &phone), CodePurpose::Signup).await
    }

    async fn user_registration_email_code_send(
        rqctx: Ctx,
        body: TypedBody<UserEmail>,
    ) -> Result<HttpResponseOk<ApiResult<bool>>, AdminError> {
        let email = body.into_inner().email;
        registration_code(&rqctx, (Channel::Email, "email", &email), CodePurpose::Signup).await
    }

    async fn user_register(
        rqctx: Ctx,
        body: TypedBody<UserRegister>,
    ) -> Result<HttpResponseCreated<ApiResult<i64>>, AdminError> {
        let ip = ip(&rqctx);
        public(&rqctx, async |state| {
            let tenant = tenant(&rqctx).await?;
            Ok(ApiResult::created(registration::register(state, &tenant, body.into_inner(), ip).await?))
        })
        .await
    }

    async fn user_password_code_send(
        rqctx: Ctx,
        body: TypedBody<UserPhone>,
    ) -> Result<HttpResponseOk<ApiResult<bool>>, AdminError> {
        let phone = body.into_inner().phone_number;
        registration_code(&rqctx, (Channel::Sms, "phoneNumber", &phone), CodePurpose::Forgetpwd).await
    }

    async fn user_password_reset(
        rqctx: Ctx,
        body: TypedBody<UserPasswordReset>,
    ) -> Result<HttpResponseOk<ApiResult<bool>>, AdminError> {
        public(&rqctx, async |state| {
            let tenant = tenant(&rqctx).await?;
            Ok(HttpResponseOk(ApiResult::ok(registration::reset_password(state, &tenant, body.into_inner()).await?)))
        })
        .await
    }

    async fn role_list(rqctx: Ctx, query: Query<RoleListQuery>) -> Result<HttpResponseOk<Paged<Role>>, AdminError> {
        catalog::list::<Roles>(&rqctx, (), query.into_inner()).await
    }

    async fn role_create(
        rqctx: Ctx,
        body: TypedBody<RoleCreate>,
    ) -> Result<HttpResponseCreated<ApiResult<i64>>, AdminError> {
        catalog::create::<Roles>(&rqctx, (), body.into_inner()).await
    }

    async fn role_view(rqctx: Ctx, path: Path<IdPath>) -> Result<HttpResponseOk<ApiResult<Role>>, AdminError> {
        catalog::view::<Roles>(&rqctx, path.into_inner().id).await
    }

    async fn role_update(
        rqctx: Ctx,
        path: Path<IdPath>,
        body: TypedBody<RoleUpdate>,
    ) -> Result<HttpResponseOk<ApiResult<Role>>, AdminError> {
        catalog::update::<Roles>(&rqctx, (), path.into_inner().id, body.into_inner()).await
    }

    async fn role_put(
        rqctx: Ctx,
        body: TypedBody<WithId<RoleUpdate>>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError> {
        catalog::put::<Roles, _>(&rqctx, body.into_inner(), |id| id).await
    }

    async fn role_delete(rqctx: Ctx, path: Path<IdPath>) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError> {
        catalog::delete::<Roles>(&rqctx, (), path.into_inner().id).await
    }

    async fn identity_resource_list(
        rqctx: Ctx,
        query: Query<IdentityResourceListQuery>,
    ) -> Result<HttpResponseOk<Paged<IdentityResource>>, AdminError> {
        catalog::list::<IdentityResources>(&rqctx, (), query.into_inner()).await
    }

    async fn identity_resource_create(
        rqctx: Ctx,
        body: TypedBody<IdentityResourceCreate>,
    ) -> Result<HttpResponseCreated<ApiResult<i64>>, AdminError> {
        catalog::create::<IdentityResources>(&rqctx, (), body.into_inner()).await
    }

    async fn identity_resource_view(
        rqctx: Ctx,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<IdentityResource>>, AdminError> {
        catalog::view::<IdentityResources>(&rqctx, path.into_inner().id).await
    }

    async fn identity_resource_update(
        rqctx: Ctx,
        path: Path<IdPath>,
        body: TypedBody<IdentityResourceUpdate>,
    ) -> Result<HttpResponseOk<ApiResult<IdentityResource>>, AdminError> {
        catalog::update::<IdentityResources>(&rqctx, (), path.into_inner().id, body.into_inner()).await
    }

    async fn identity_resource_put(
        rqctx: Ctx,
        body: TypedBody<WithId<IdentityResourceUpdate>>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError> {
        catalog::put::<IdentityResources, _>(&rqctx, body.into_inner(), |id| id).await
    }

    async fn identity_resource_delete(
        rqctx: Ctx,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError> {
        catalog::delete::<IdentityResources>(&rqctx, (), path.into_inner().id).await
    }

    async fn api_resource_list(
        rqctx: Ctx,
        query: Query<ApiResourceListQuery>,
    ) -> Result<HttpResponseOk<Paged<ApiResource>>, AdminError> {
        catalog::list::<ApiResources>(&rqctx, (), query.into_inner()).await
    }

    async fn api_resource_create(
        rqctx: Ctx,
        body: TypedBody<ApiResourceCreate>,
    ) -> Result<HttpResponseCreated<ApiResult<ApiResourceCreated>>, AdminError> {
        catalog::create::<ApiResources>(&rqctx, (), body.into_inner()).await
    }

    async fn api_resource_import(
        rqctx: Ctx,
        _path: Path<ApiResourceImportPath>,
        query: Query<ApiResourceImportQuery>,
        body: TypedBody<serde_json::Value>,
    ) -> Result<HttpResponseCreated<ApiResult<ApiResourceCreated>>, AdminError> {
        admin(&rqctx, async |state, caller| {
            let name = query.into_inner().name;
            Ok(ApiResult::created(api_resources::import(state, &caller, name, body.into_inner()).await?))
        })
        .await
    }

    async fn api_resource_view(
        rqctx: Ctx,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<ApiResource>>, AdminError> {
        catalog::view::<ApiResources>(&rqctx, path.into_inner().id).await
    }

    async fn api_resource_update(
        rqctx: Ctx,
        path: Path<IdPath>,
        body: TypedBody<ApiResourceUpdate>,
    ) -> Result<HttpResponseOk<ApiResult<ApiResource>>, AdminError> {
        catalog::update::<ApiResources>(&rqctx, (), path.into_inner().id, body.into_inner()).await
    }

    async fn api_resource_put(
        rqctx: Ctx,
        body: TypedBody<WithId<ApiResourceUpdate>>,
    ) -> Result<HttpResponseOk<ApiResult<bool>>, AdminError> {
        catalog::put::<ApiResources, _>(&rqctx, body.into_inner(), |_| true).await
    }

    async fn api_resource_delete(rqctx: Ctx, path: Path<IdPath>) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError> {
        catalog::delete::<ApiResources>(&rqctx, (), path.into_inner().id).await
    }

    async fn api_resource_secret_create(
        rqctx: Ctx,
        path: Path<IdPath>,
        body: TypedBody<SecretCreate>,
    ) -> Result<HttpResponseCreated<ApiResult<SecretCreated>>, AdminError> {
        admin(&rqctx, async |state, caller| {
            let id = path.into_inner().id;
            Ok(ApiResult::created(api_resources::add_secret(state, &caller, id, body.into_inner()).await?))
        })
        .await
    }

    async fn api_resource_secret_delete(
        rqctx: Ctx,
        path: Path<SecretPath>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError> {
        admin(&rqctx, async |state, caller| {
            let SecretPath { id, secret_id } = path.into_inner();
            Ok(HttpResponseOk(ApiResult::ok(api_resources::delete_secret(state, &caller, id, secret_id).await?)))
        })
        .await
    }

    async fn api_resource_publish(
        rqctx: Ctx,
        path: Path<IdPath>,
        body: TypedBody<ApiPublish>,
    ) -> Result<HttpResponseOk<ApiResult<ApiRevision>>, AdminError> {
        admin(&rqctx, async |state, caller| {
            let id = path.into_inner().id;
            Ok(HttpResponseOk(ApiResult::ok(api_catalog::publish(state, &caller, id, body.into_inner()).await?)))
        })
        .await
    }

    async fn api_revision_create(
        rqctx: Ctx,
        path: Path<IdPath>,
        body: TypedBody<ApiRevisionCreate>,
    ) -> Result<HttpResponseCreated<ApiResult<ApiRevision>>, AdminError> {
        admin(&rqctx, async |state, caller| {
            let id = path.into_inner().id;
            Ok(ApiResult::created(api_catalog::create_revision(state, &caller, id, body.into_inner()).await?))
        })
        .await
    }

    async fn api_version_create(
        rqctx: Ctx,
        path: Path<IdPath>,
        body: TypedBody<ApiVersionCreate>,
    ) -> Result<HttpResponseCreated<ApiResult<ApiRevision>>, AdminError> {
        admin(&rqctx, async |state, caller| {
            let id = path.into_inner().id;
            Ok(ApiResult::created(api_catalog::create_version(state, &caller, id, body.into_inner()).await?))
        })
        .await
    }

    async fn api_publish_configuration_view(
        rqctx: Ctx,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<ApiPublishConfiguration>>, AdminError> {
        admin(&rqctx, async |state, caller| {
            Ok(HttpResponseOk(ApiResult::ok(api_catalog::configuration(state, &caller, path.into_inner().id).await?)))
        })
        .await
    }

    async fn api_version_list(
        rqctx: Ctx,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<Vec<ApiRevision>>>, AdminError> {
        admin(&rqctx, async |state, caller| {
            Ok(HttpResponseOk(ApiResult::ok(api_catalog::versions(state, &caller, path.into_inner().id).await?)))
        })
        .await
    }

    async fn api_version_set_online(
        rqctx: Ctx,
        path: Path<RevisionPath>,
    ) -> Result<HttpResponseOk<ApiResult<ApiRevision>>, AdminError> {
        admin(&rqctx, async |state, caller| {
            let RevisionPath { id, revision_id } = path.into_inner();
            Ok(HttpResponseOk(ApiResult::ok(api_catalog::set_online(state, &caller, id, revision_id).await?)))
        })
        .await
    }

    async fn auth_server_list(rqctx: Ctx) -> Result<HttpResponseOk<ApiResult<Vec<AuthServer>>>, AdminError> {
        admin(&rqctx, async |_, caller| Ok(HttpResponseOk(ApiResult::ok(api_catalog::auth_servers(&caller))))).await
    }

    async fn api_product_list(rqctx: Ctx) -> Result<HttpResponseOk<ApiResult<Vec<ApiProduct>>>, AdminError> {
        catalog::list::<Products>(&rqctx, Parent::Tenant, None).await
    }

    async fn api_product_create(
        rqctx: Ctx,
        body: TypedBody<ApiProductBody>,
    ) -> Result<HttpResponseCreated<ApiResult<ApiProduct>>, AdminError> {
        catalog::create::<Products>(&rqctx, Parent::Tenant, body.into_inner()).await
    }

    async fn api_product_update(
        rqctx: Ctx,
        path: Path<ProductPath>,
        body: TypedBody<ApiProductBody>,
    ) -> Result<HttpResponseOk<ApiResult<ApiProduct>>, AdminError> {
        catalog::update::<Products>(&rqctx, Parent::Tenant, path.into_inner().product_id, body.into_inner()).await
    }

    async fn api_product_delete(
        rqctx: Ctx,
        path: Path<ProductPath>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError> {
        catalog::delete::<Products>(&rqctx, Parent::Tenant, path.into_inner().product_id).await
    }

    async fn api_release_list(
        rqctx: Ctx,
        path: Path<IdPath>,
        query: Query<ApiReleaseQuery>,
    ) -> Result<HttpResponseOk<ApiResult<Vec<ApiRelease>>>, AdminError> {
        let only = query.into_inner().aid.map(|aid| ("revision_id", aid));
        catalog::list::<Releases>(&rqctx, Parent::Api(path.into_inner().id), only).await
    }

    async fn api_release_create(
        rqctx: Ctx,
        path: Path<IdPath>,
        body: TypedBody<ApiReleaseCreate>,
    ) -> Result<HttpResponseCreated<ApiResult<ApiRelease>>, AdminError> {
        catalog::create::<Releases>(&rqctx, Parent::Api(path.into_inner().id), body.into_inner()).await
    }

    async fn api_release_update(
        rqctx: Ctx,
        path: Path<ReleasePath>,
        body: TypedBody<ApiReleaseUpdate>,
    ) -> Result<HttpResponseOk<ApiResult<ApiRelease>>, AdminError> {
        let ReleasePath { id, release_id } = path.into_inner();
        catalog::update::<Releases>(&rqctx, Parent::Api(id), release_id, body.into_inner()).await
    }

    async fn api_release_delete(
        rqctx: Ctx,
        path: Path<ReleasePath>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError> {
        let ReleasePath { id, release_id } = path.into_inner();
        catalog::delete::<Releases>(&rqctx, Parent::Api(id), release_id).await
    }

    async fn api_subscriber_list(
        rqctx: Ctx,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<Vec<ApiSubscriber>>>, AdminError> {
        admin(&rqctx, async |state, caller| {
            Ok(HttpResponseOk(ApiResult::ok(subscriptions::list(state, &caller, path.into_inner().id).await?)))
        })
        .await
    }

    async fn api_subscription_confirm_send(
        rqctx: Ctx,
        path: Path<IdPath>,
        body: TypedBody<SubscriptionEmail>,
    ) -> Result<HttpResponseOk<ApiResult<bool>>, AdminError> {
        admin(&rqctx, async |state, caller| {
            let (id, email) = (path.into_inner().id, body.into_inner().email);
            Ok(HttpResponseOk(ApiResult::ok(subscriptions::ask(state, &rqctx.log, &caller, id, &email).await?)))
        })
        .await
    }

    async fn api_subscription_add(
        rqctx: Ctx,
        path: Path<IdPath>,
        query: Query<SubscriptionCode>,
    ) -> Result<http::Response<Body>, AdminError> {
        catalog::subscription_page(&rqctx, path.into_inner().id, query.into_inner().code).await
    }

    async fn api_subscription_add_confirm(
        rqctx: Ctx,
        path: Path<IdPath>,
        body: TypedBody<SubscriptionCode>,
    ) -> Result<http::Response<Body>, AdminError> {
        catalog::subscription_confirm(&rqctx, path.into_inner().id, body.into_inner().code).await
    }

    async fn api_subscription_delete(
        rqctx: Ctx,
        path: Path<IdPath>,
        query: Query<SubscriptionCode>,
    ) -> Result<HttpResponseOk<ApiResult<bool>>, AdminError> {
        public(&rqctx, async |state| {
            let (id, code) = (path.into_inner().id, query.into_inner().code);
            let tenant = tenant(&rqctx).await?;
            Ok(HttpResponseOk(ApiResult::ok(subscriptions::delete(state, &tenant, id, &code).await?)))
        })
        .await
    }

    async fn api_package_list(
        rqctx: Ctx,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<Vec<ApiPackage>>>, AdminError> {
        catalog::list::<Packages>(&rqctx, Parent::Api(path.into_inner().id), None).await
    }

    async fn api_package_create(
        rqctx: Ctx,
        path: Path<IdPath>,
        body: TypedBody<ApiPackageBody>,
    ) -> Result<HttpResponseCreated<ApiResult<ApiPackage>>, AdminError> {
        catalog::create::<Packages>(&rqctx, Parent::Api(path.into_inner().id), body.into_inner()).await
    }

    async fn api_package_update(
        rqctx: Ctx,
        path: Path<PackagePath>,
        body: TypedBody<ApiPackageBody>,
    ) -> Result<HttpResponseOk<ApiResult<ApiPackage>>, AdminError> {
        let PackagePath { id, package_id } = path.into_inner();
        catalog::update::<Packages>(&rqctx, Parent::Api(id), package_id, body.into_inner()).await
    }

    async fn api_package_delete(
        rqctx: Ctx,
        path: Path<PackagePath>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError> {
        let PackagePath { id, package_id } = path.into_inner();
        catalog::delete::<Packages>(&rqctx, Parent::Api(id), package_id).await
    }

    async fn api_scope_list(
        rqctx: Ctx,
        query: Query<ApiScopeListQuery>,
    ) -> Result<HttpResponseOk<Paged<ApiScope>>, AdminError> {
        catalog::list::<ApiScopes>(&rqctx, (), query.into_inner()).await
    }

    async fn api_scope_create(
        rqctx: Ctx,
        body: TypedBody<ApiScopeCreate>,
    ) -> Result<HttpResponseCreated<ApiResult<i64>>, AdminError> {
        catalog::create::<ApiScopes>(&rqctx, (), body.into_inner()).await
    }

    async fn api_scope_view(rqctx: Ctx, path: Path<IdPath>) -> Result<HttpResponseOk<ApiResult<ApiScope>>, AdminError> {
        catalog::view::<ApiScopes>(&rqctx, path.into_inner().id).await
    }

    async fn api_scope_update(
        rqctx: Ctx,
        path: Path<IdPath>,
        body: TypedBody<ApiScopeUpdate>,
    ) -> Result<HttpResponseOk<ApiResult<ApiScope>>, AdminError> {
        catalog::update::<ApiScopes>(&rqctx, (), path.into_inner().id, body.into_inner()).await
    }

    async fn api_scope_put(
        rqctx: Ctx,
        body: TypedBody<WithId<ApiScopeUpdate>>,
    ) -> Result<HttpResponseOk<ApiResult<bool>>, AdminError> {
        catalog::put::<ApiScopes, _>(&rqctx, body.into_inner(), |_| true).await
    }

    async fn api_scope_delete(rqctx: Ctx, path: Path<IdPath>) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError> {
        catalog::delete::<ApiScopes>(&rqctx, (), path.into_inner().id).await
    }

    async fn blob_file_upload(
        rqctx: Ctx,
        query: Query<BlobFolderQuery>,
        body: StreamingBody,
    ) -> Result<HttpResponseCreated<ApiResult<String>>, AdminError> {
        admin(&rqctx, async |state, caller| {
            let url = blobs::upload(&rqctx, (state, &caller), query.into_inner(), body, Accept::File).await?;
            Ok(ApiResult::created(url))
        })
        .await
    }

    async fn blob_image_upload(
        rqctx: Ctx,
        query: Query<BlobFolderQuery>,
        body: StreamingBody,
    ) -> Result<HttpResponseCreated<ApiResult<String>>, AdminError> {
        admin(&rqctx, async |state, caller| {
            let url = blobs::upload(&rqctx, (state, &caller), query.into_inner(), body, Accept::Image).await?;
            Ok(ApiResult::created(url))
        })
        .await
    }

    async fn blob_base64_upload(
        rqctx: Ctx,
        query: Query<BlobFolderQuery>,
        body: TypedBody<String>,
    ) -> Result<HttpResponseCreated<ApiResult<String>>, AdminError> {
        admin(&rqctx, async |state, caller| {
            let url = blobs::upload_base64(state, &caller, query.into_inner(), &body.into_inner()).await?;
            Ok(ApiResult::created(url))
        })
        .await
    }

    async fn blob_view(rqctx: Ctx, path: Path<BlobPath>) -> Result<http::Response<Body>, AdminError> {
        public(&rqctx, async |state| {
            let BlobPath { folder, name } = path.into_inner();
            let (blob, content) = crate::domain::blobs::view(state, &tenant(&rqctx).await?, &folder, &name).await?;
            blobs::served(&blob, content)
        })
        .await
    }

    async fn codegen_client_list(
        rqctx: Ctx,
        query: Query<GeneratorListQuery>,
    ) -> Result<HttpResponseOk<ApiResult<Vec<Generator>>>, AdminError> {
        let from_cache = query.into_inner().from_cache;
        admin(&rqctx, async |state, _| {
            Ok(HttpResponseOk(ApiResult::ok(codegen::generators(state, Kind::Client, from_cache).await?)))
        })
        .await
    }

    async fn codegen_server_list(
        rqctx: Ctx,
        query: Query<GeneratorListQuery>,
    ) -> Result<HttpResponseOk<ApiResult<Vec<Generator>>>, AdminError> {
        let from_cache = query.into_inner().from_cache;
        admin(&rqctx, async |state, _| {
            Ok(HttpResponseOk(ApiResult::ok(codegen::generators(state, Kind::Server, from_cache).await?)))
        })
        .await
    }

    async fn codegen_generate(
        rqctx: Ctx,
        body: TypedBody<GenRequest>,
    ) -> Result<HttpResponseOk<ApiResult<GeneratedSdk>>, AdminError> {
        let body = body.into_inner();
        // With a token, the permission is checked as for any operation;
        // without one, the server's anonymous rules apply.
        if rqctx.request.headers().contains_key(http::header::AUTHORIZATION) {
            admin(&rqctx, async |state, _| {
                Ok(HttpResponseOk(ApiResult::ok(codegen::generate(state, Requester::Authorized, body).await?)))
            })
            .await
        } else {
            let requester = Requester::Anonymous(ip(&rqctx));
            public(&rqctx, async |state| {
                Ok(HttpResponseOk(ApiResult::ok(codegen::generate(state, requester, body).await?)))
            })
            .await
        }
    }

    async fn codegen_generate_stored(
        rqctx: Ctx,
        path: Path<IdPath>,
        body: TypedBody<GenStoredRequest>,
    ) -> Result<HttpResponseOk<ApiResult<GeneratedSdk>>, AdminError> {
        admin(&rqctx, async |state, caller| {
            let generated = codegen::generate_stored(state, &caller, path.into_inner().id, body.into_inner()).await?;
            Ok(HttpResponseOk(ApiResult::ok(generated)))
        })
        .await
    }

    async fn codegen_npm_options_view(
        rqctx: Ctx,
        path: Path<NpmOptionsPath>,
    ) -> Result<HttpResponseOk<ApiResult<NpmOptions>>, AdminError> {
        let NpmOptionsPath { id, language } = path.into_inner();
        admin(&rqctx, async |state, caller| {
            Ok(HttpResponseOk(ApiResult::ok(options::npm(state, &caller, id, language).await?)))
        })
        .await
    }

    async fn codegen_npm_options_update(
        rqctx: Ctx,
        path: Path<NpmOptionsPath>,
        body: TypedBody<NpmOptionsBody>,
    ) -> Result<HttpResponseOk<ApiResult<NpmOptions>>, AdminError> {
        let NpmOptionsPath { id, language } = path.into_inner();
        admin(&rqctx, async |state, caller| {
            Ok(HttpResponseOk(ApiResult::ok(options::set_npm(state, &caller, id, language, body.into_inner()).await?)))
        })
        .await
    }

    async fn codegen_github_options_view(
        rqctx: Ctx,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<GithubOptions>>, AdminError> {
        let id = path.into_inner().id;
        admin(&rqctx, async |state, caller| {
            Ok(HttpResponseOk(ApiResult::ok(options::github(state, &caller, id).await?)))
        })
        .await
    }

    async fn codegen_github_options_update(
        rqctx: Ctx,
        path: Path<IdPath>,
        body: TypedBody<GithubOptionsBody>,
    ) -> Result<HttpResponseOk<ApiResult<GithubOptions>>, AdminError> {
        let id = path.into_inner().id;
        admin(&rqctx, async |state, caller| {
            Ok(HttpResponseOk(ApiResult::ok(options::set_github(state, &caller, id, body.into_inner()).await?)))
        })
        .await
    }

    async fn codegen_github_sync(
        rqctx: Ctx,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<GithubSync>>, AdminError> {
        let id = path.into_inner().id;
        admin(&rqctx, async |state, caller| {
            Ok(HttpResponseOk(ApiResult::ok(codegen::sync_github(state, &caller, id).await?)))
        })
        .await
    }

    async fn codegen_common_options_view(
        rqctx: Ctx,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<CommonOptions>>, AdminError> {
        let id = path.into_inner().id;
        admin(&rqctx, async |state, caller| {
            Ok(HttpResponseOk(ApiResult::ok(options::common(state, &caller, id).await?)))
        })
        .await
    }

    async fn codegen_common_options_update(
        rqctx: Ctx,
        path: Path<IdPath>,
        body: TypedBody<CommonOptions>,
    ) -> Result<HttpResponseOk<ApiResult<CommonOptions>>, AdminError> {
        let id = path.into_inner().id;
        admin(&rqctx, async |state, caller| {
            Ok(HttpResponseOk(ApiResult::ok(options::set_common(state, &caller, id, body.into_inner()).await?)))
        })
        .await
    }

    async fn codegen_sdk_release(
        rqctx: Ctx,
        body: TypedBody<SdkReleaseRequest>,
    ) -> Result<HttpResponseCreated<ApiResult<CodegenHistory>>, AdminError> {
        admin(&rqctx, async |state, caller| {
            Ok(ApiResult::created(codegen::release(state, &caller, body.into_inner()).await?))
        })
        .await
    }

    async fn codegen_history_list(
        rqctx: Ctx,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<Vec<CodegenHistory>>>, AdminError> {
        let id = path.into_inner().id;
        admin(&rqctx, async |state, caller| {
            Ok(HttpResponseOk(ApiResult::ok(codegen::history(state, &caller, id).await?)))
        })
        .await
    }

    async fn codegen_history_create(
        rqctx: Ctx,
        path: Path<IdPath>,
        body: TypedBody<CodegenHistoryCreate>,
    ) -> Result<HttpResponseCreated<ApiResult<CodegenHistory>>, AdminError> {
        let id = path.into_inner().id;
        admin(&rqctx, async |state, caller| {
            Ok(ApiResult::created(codegen::post_history(state, &caller, id, body.into_inner()).await?))
        })
        .await
    }

    async fn app_settings_view(
        rqctx: Ctx,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<AppSettings>>, AdminError> {
        admin(&rqctx, async |state, caller| {
            Ok(HttpResponseOk(ApiResult::ok(settings::view(state, &caller, path.into_inner().id).await?)))
        })
        .await
    }

    async fn app_settings_update(
        rqctx: Ctx,
        path: Path<IdPath>,
        body: TypedBody<AppSettingsUpdate>,
    ) -> Result<HttpResponseOk<ApiResult<AppSettings>>, AdminError> {
        admin(&rqctx, async |state, caller| {
            Ok(HttpResponseOk(ApiResult::ok(
                settings::update(state, &caller, path.into_inner().id, body.into_inner()).await?,
            )))
        })
        .await
    }

    async fn app_union_id_sign_in(
        rqctx: Ctx,
        path: Path<AppPath>,
        body: TypedBody<UnionIdSignIn>,
    ) -> CorsReply<AppReply<AppToken>, AppError> {
        let (body, ip) = (body.into_inner(), ip(&rqctx));
        call(&rqctx, path.into_inner().app_id, async |state, tenant, target| {
            accounts::union_id_sign_in(state, tenant, target, (given(&body.platform), given(&body.union_id)), ip).await
        })
        .await
    }

    async fn app_union_id_sign_up(
        rqctx: Ctx,
        path: Path<AppPath>,
        body: TypedBody<SignUp>,
    ) -> CorsReply<AppReply<AppToken>, AppError> {
        sign_up(&rqctx, path, body, SignUpKind::Linked).await
    }

    async fn app_sign_in(
        rqctx: Ctx,
        path: Path<AppPath>,
        body: TypedBody<PasswordSignIn>,
    ) -> CorsReply<AppReply<AppToken>, AppError> {
        let ip = ip(&rqctx);
        call(&rqctx, path.into_inner().app_id, async |state, tenant, target| {
            accounts::sign_in(state, tenant, target, body.into_inner(), ip).await
        })
        .await
    }

    async fn app_sign_up(
        rqctx: Ctx,
        path: Path<AppPath>,
        body: TypedBody<SignUp>,
    ) -> CorsReply<AppReply<AppToken>, AppError> {
        sign_up(&rqctx, path, body, SignUpKind::Account).await
    }

    async fn app_phone_sign_up(
        rqctx: Ctx,
        path: Path<AppPath>,
        body: TypedBody<SignUp>,
    ) -> CorsReply<AppReply<AppToken>, AppError> {
        sign_up(&rqctx, path, body, SignUpKind::Phone).await
    }

    async fn app_phone_sign_in(
        rqctx: Ctx,
        path: Path<AppPath>,
        body: TypedBody<PhoneSignIn>,
    ) -> CorsReply<AppReply<AppToken>, AppError> {
        let body = body.into_inner();
        call(&rqctx, path.into_inner().app_id, async |state, tenant, target| {
            accounts::code_sign_in(
                state,
                tenant,
                target,
                (Channel::Sms, "phone"),
                given(&body.phone),
                given(&body.verify_code),
            )
            .await
        })
        .await
    }

    async fn app_send_sms_code(
        rqctx: Ctx,
        path: Path<AppPath>,
        body: TypedBody<SendSmsCode>,
    ) -> CorsReply<AppReply<bool>, AppError> {
        let body = body.into_inner();
        send_code(&rqctx, path, (Channel::Sms, "phone"), body.phone, body.purpose).await
    }

    async fn app_email_sign_up(
        rqctx: Ctx,
        path: Path<AppPath>,
        body: TypedBody<SignUp>,
    ) -> CorsReply<AppReply<AppToken>, AppError> {
        sign_up(&rqctx, path, body, SignUpKind::Email).await
    }

    async fn app_email_sign_in(
        rqctx: Ctx,
        path: Path<AppPath>,
        body: TypedBody<EmailSignIn>,
    ) -> CorsReply<AppReply<AppToken>, AppError> {
        let body = body.into_inner();
        call(&rqctx, path.into_inner().app_id, async |state, tenant, target| {
            accounts::code_sign_in(
                state,
                tenant,
                target,
                (Channel::Email, "email"),
                given(&body.email),
                given(&body.verify_code),
            )
            .await
        })
        .await
    }

    async fn app_send_email_code(
        rqctx: Ctx,
        path: Path<AppPath>,
        body: TypedBody<SendEmailCode>,
    ) -> CorsReply<AppReply<bool>, AppError> {
        let body = body.into_inner();
        send_code(&rqctx, path, (Channel::Email, "email"), body.email, body.purpose).await
    }

    async fn app_reset_password(
        rqctx: Ctx,
        path: Path<AppPath>,
        body: TypedBody<ResetPassword>,
    ) -> CorsReply<AppReply<bool>, AppError> {
        call(&rqctx, path.into_inner().app_id, async |state, tenant, target| {
            accounts::reset_password(state, tenant, &target.config.settings, body.into_inner()).await
        })
        .await
    }

    async fn app_qr_pre_sign_in(
        rqctx: Ctx,
        path: Path<AppPath>,
        body: TypedBody<QrPreSignIn>,
    ) -> CorsReply<AppReply<String>, AppError> {
        call(&rqctx, path.into_inner().app_id, async |state, tenant, target| {
            qr::pre_sign_in(state, tenant, target, body.into_inner()).await
        })
        .await
    }

    async fn app_qr_image(
        rqctx: Ctx,
        path: Path<AppPath>,
        query: Query<QrImageQuery>,
    ) -> CorsReply<http::Response<Body>, AppError> {
        let query = query.into_inner();
        raw(&rqctx, path.into_inner().app_id, async |state, tenant, target| {
            let (content_type, bytes) =
                qr::image(state, tenant, target, &query.sign_in_key, query.format.as_deref()).await?;
            http::Response::builder()
                .header(http::header::CONTENT_TYPE, content_type)
                .header(http::header::CACHE_CONTROL, "no-store")
                .body(bytes.into())
                .map_err(|e| Error::Internal(e.into()))
        })
        .await
    }

    async fn app_qr_sign_in(
        rqctx: Ctx,
        path: Path<AppPath>,
        body: TypedBody<QrKey>,
    ) -> CorsReply<AppReply<AppToken>, AppError> {
        let body = body.into_inner();
        call(&rqctx, path.into_inner().app_id, async |state, tenant, target| {
            qr::sign_in(state, tenant, target, required(&body.sign_in_key, "signInKey")?).await
        })
        .await
    }

    async fn app_qr_scan(
        rqctx: Ctx,
        path: Path<AppPath>,
        body: TypedBody<QrKey>,
    ) -> CorsReply<AppReply<AppCard>, AppError> {
        let body = body.into_inner();
        call(&rqctx, path.into_inner().app_id, async |state, tenant, target| {
            qr::scan(state, tenant, target, required(&body.sign_in_key, "signInKey")?).await
        })
        .await
    }

    async fn app_qr_sign_up(
        rqctx: Ctx,
        path: Path<AppPath>,
        body: TypedBody<SignUp>,
    ) -> CorsReply<AppReply<AppToken>, AppError> {
        let (log, ip) = (rqctx.log.clone(), ip(&rqctx));
        call(&rqctx, path.into_inner().app_id, async |state, tenant, target| {
            qr::sign_up(state, (&log, ip), tenant, target, body.into_inner()).await
        })
        .await
    }

    async fn app_profile_get(rqctx: Ctx, path: Path<AppPath>) -> CorsReply<AppReply<Profile>, AppError> {
        as_user(&rqctx, path.into_inner().app_id, async |state, tenant, target, user| {
            accounts::profile(state, tenant, target, user).await
        })
        .await
    }

    async fn app_profile_update(
        rqctx: Ctx,
        path: Path<AppPath>,
        body: TypedBody<ProfileUpdate>,
    ) -> CorsReply<AppReply<bool>, AppError> {
        as_user(&rqctx, path.into_inner().app_id, async |state, tenant, _, user| {
            accounts::update_profile(state, tenant, user, body.into_inner()).await
        })
        .await
    }

    async fn app_point_log(
        rqctx: Ctx,
        path: Path<AppPath>,
        query: Query<PointLogQuery>,
    ) -> CorsReply<AppReply<PointLog>, AppError> {
        as_user(&rqctx, path.into_inner().app_id, async |state, _, target, user| {
            points::log(state, target, user, query.into_inner()).await
        })
        .await
    }

    async fn app_recharge_points(
        rqctx: Ctx,
        path: Path<AppPath>,
        body: TypedBody<Recharge>,
    ) -> CorsReply<AppReply<bool>, AppError> {
        change_points(&rqctx, path, body, points::recharge).await
    }

    async fn app_consume_points(
        rqctx: Ctx,
        path: Path<AppPath>,
        body: TypedBody<Consume>,
    ) -> CorsReply<AppReply<PointEntry>, AppError> {
        change_points(&rqctx, path, body, points::consume).await
    }

    async fn app_grant_code(
        rqctx: Ctx,
        path: Path<AppPath>,
        query: Query<SchemeQuery>,
        body: TypedBody<GrantCodeRequest>,
    ) -> CorsReply<AppReply<GrantCode>, AppError> {
        let ip = ip(&rqctx);
        let scheme = query.into_inner().scheme;
        call(&rqctx, path.into_inner().app_id, async |state, tenant, target| {
            consents::grant_code(state, tenant, target, given(&scheme), body.into_inner(), ip).await
        })
        .await
    }

    async fn app_authorize(
        rqctx: Ctx,
        path: Path<AppPath>,
        query: Query<AuthorizeCodeQuery>,
    ) -> CorsReply<AppReply<AppToken>, AppError> {
        let query = query.into_inner();
        call(&rqctx, path.into_inner().app_id, async |state, tenant, target| {
            consents::authorize(state, tenant, target, given(&query.scheme), given(&query.code)).await
        })
        .await
    }

    async fn app_consent_list(rqctx: Ctx, path: Path<AppPath>) -> CorsReply<AppReply<Vec<AppConsent>>, AppError> {
        as_user(&rqctx, path.into_inner().app_id, async |state, tenant, _, user| {
            consents::list(state, tenant, user).await
        })
        .await
    }

    async fn app_consent_delete(rqctx: Ctx, path: Path<ConsentPath>) -> CorsReply<AppReply<bool>, AppError> {
        let path = path.into_inner();
        as_user(&rqctx, path.app_id, async |state, tenant, _, user| {
            consents::delete(state, tenant, user, path.id).await
        })
        .await
    }

    async fn mobile_code_get(
        rqctx: Ctx,
        body: TypedBody<MobileCodeRequest>,
    ) -> Result<OAuthReply<CodeSent>, OAuthError> {
        oauth::mobile_code_get(&rqctx, body.into_inner()).await
    }

    async fn mobile_code_verify(
        rqctx: Ctx,
        body: TypedBody<MobileCodeRequest>,
    ) -> Result<OAuthReply<CodeChecked>, OAuthError> {
        oauth::mobile_code_verify(&rqctx, body.into_inner()).await
    }

    async fn mobile_token(rqctx: Ctx, body: TypedBody<MobileTokenRequest>) -> Result<TokenReply, OAuthError> {
        oauth::mobile_token(&rqctx, body.into_inner()).await
    }

    async fn sign_token(rqctx: Ctx, body: TypedBody<SignTokenRequest>) -> Result<TokenReply, OAuthError> {
        oauth::sign_token(&rqctx, body.into_inner()).await
    }

    async fn seed000_client_create(
        rqctx: Ctx,
        _path: Path<CreatePath>,
        body: TypedBody<ClientCreate>,
    ) -> Result<HttpResponseOk<ApiResult<ClientCreated>>, AdminError> {
        catalog::create_ok::<Clients>(&rqctx, (), body.into_inner()).await
    }

    async fn seed000_client_list(
        rqctx: Ctx,
        query: Query<ClientListQuery>,
    ) -> Result<HttpResponseOk<Paged<Client>>, AdminError> {
        Self::client_list(rqctx, query).await
    }

    async fn seed000_client_view(
        rqctx: Ctx,
        path: Path<ClientIdPath>,
    ) -> Result<HttpResponseOk<ApiResult<Client>>, AdminError> {
        admin(&rqctx, async |state, caller| {
            let id = clients::id_of(state, &caller, &path.into_inner().id).await?;
            Ok(HttpResponseOk(ApiResult::ok(clients::view(state, &caller, id).await?)))
        })
        .await
    }

    async fn seed000_client_update(
        rqctx: Ctx,
        path: Path<ClientIdPath>,
        body: TypedBody<ClientUpdate>,
    ) -> Result<HttpResponseOk<ApiResult<Client>>, AdminError> {
        admin(&rqctx, async |state, caller| {
            let id = clients::id_of(state, &caller, &path.into_inner().id).await?;
            Ok(HttpResponseOk(ApiResult::ok(clients::update(state, &caller, id, body.into_inner()).await?)))
        })
        .await
    }

    async fn seed000_client_delete(
        rqctx: Ctx,
        path: Path<ClientIdPath>,
    ) -> Result<HttpResponseOk<ApiResult<String>>, AdminError> {
        admin(&rqctx, async |state, caller| {
            let client_id = path.into_inner().id;
            clients::delete(state, &caller, clients::id_of(state, &caller, &client_id).await?).await?;
            Ok(HttpResponseOk(ApiResult::ok(client_id)))
        })
        .await
    }

    async fn seed000_user_create(
        rqctx: Ctx,
        _path: Path<CreatePath>,
        body: TypedBody<UserCreate>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError> {
        catalog::create_ok::<Users>(&rqctx, (), body.into_inner()).await
    }

    async fn seed000_user_list(
        rqctx: Ctx,
        query: Query<UserListQuery>,
    ) -> Result<HttpResponseOk<Paged<User>>, AdminError> {
        Self::user_list(rqctx, query).await
    }

    async fn seed000_user_view(rqctx: Ctx, path: Path<IdPath>) -> Result<HttpResponseOk<ApiResult<User>>, AdminError> {
        Self::user_view(rqctx, path).await
    }

    async fn seed000_user_delete(rqctx: Ctx, path: Path<IdPath>) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError> {
        Self::user_delete(rqctx, path).await
    }

    async fn access_profile_create(
        rqctx: Ctx,
        _path: Path<CreatePath>,
        body: TypedBody<AccessProfileCreate>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError> {
        catalog::create_ok::<Profiles>(&rqctx, (), body.into_inner()).await
    }

    async fn access_profile_list(
        rqctx: Ctx,
        query: Query<AccessProfileListQuery>,
    ) -> Result<HttpResponseOk<Paged<AccessProfile>>, AdminError> {
        catalog::list::<Profiles>(&rqctx, (), query.into_inner()).await
    }

    async fn access_profile_update(
        rqctx: Ctx,
        path: Path<IdPath>,
        body: TypedBody<AccessProfileUpdate>,
    ) -> Result<HttpResponseOk<ApiResult<AccessProfile>>, AdminError> {
        catalog::update::<Profiles>(&rqctx, (), path.into_inner().id, body.into_inner()).await
    }

    async fn access_profile_delete(
        rqctx: Ctx,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError> {
        catalog::delete::<Profiles>(&rqctx, (), path.into_inner().id).await
    }

    async fn spring_user_register(
        rqctx: Ctx,
        body: TypedBody<SpringRegister>,
    ) -> Result<SpringReply<i64>, SpringError> {
        as_client(&rqctx, async |state, tenant, client, ip| {
            spring::register(state, tenant, &client, body.into_inner(), ip).await
        })
        .await
    }

    async fn spring_user_save(rqctx: Ctx, body: TypedBody<SpringUserSave>) -> Result<SpringReply<i64>, SpringError> {
        as_admin(&rqctx, async |state, caller| spring::save(state, &caller, body.into_inner()).await).await
    }

    async fn spring_user_update(
        rqctx: Ctx,
        body: TypedBody<SpringUserUpdate>,
    ) -> Result<SpringReply<i64>, SpringError> {
        let body = body.into_inner();
        on_user(&rqctx, Some(body.id), async |state, caller, acting| spring::update(state, &caller, acting, body).await)
            .await
    }

    async fn spring_password_update(
        rqctx: Ctx,
        body: TypedBody<SpringPasswordUpdate>,
    ) -> Result<SpringReply<bool>, SpringError> {
        let (body, ip) = (body.into_inner(), ip(&rqctx));
        on_user(&rqctx, Some(body.user_id), async |state, caller, acting| {
            spring::change_password(state, &caller, acting, body, ip).await
        })
        .await
    }

    async fn spring_user_role_update(
        rqctx: Ctx,
        body: TypedBody<SpringRoleUpdate>,
    ) -> Result<SpringReply<bool>, SpringError> {
        as_admin(&rqctx, async |state, caller| spring::replace_roles(state, &caller, body.into_inner()).await).await
    }

    async fn spring_user_find(
        rqctx: Ctx,
        body: TypedBody<SpringUserFind>,
    ) -> Result<SpringReply<SpringUser>, SpringError> {
        as_admin(&rqctx, async |state, caller| spring::find(state, &caller, body.into_inner()).await).await
    }

    async fn spring_user_detail_update(
        rqctx: Ctx,
        body: TypedBody<SpringUserDetail>,
    ) -> Result<SpringReply<bool>, SpringError> {
        let body = body.into_inner();
        on_user(&rqctx, Some(body.id), async |state, caller, acting| {
            spring::update_detail(state, &caller, acting, body).await
        })
        .await
    }

    async fn spring_user_detail_current(rqctx: Ctx) -> Result<SpringReply<SpringUserDetail>, SpringError> {
        on_user(&rqctx, None, async |state, caller, acting| spring::detail(state, &caller, acting).await).await
    }

    async fn spring_user_detail_get(
        rqctx: Ctx,
        body: TypedBody<SpringUserId>,
    ) -> Result<SpringReply<SpringUserDetail>, SpringError> {
        let id = body.into_inner().id;
        on_user(&rqctx, Some(id), async |state, caller, acting| spring::detail(state, &caller, acting).await).await
    }

    async fn spring_role_list(rqctx: Ctx) -> Result<SpringReply<Vec<SpringRole>>, SpringError> {
        as_admin(&rqctx, async |state, caller| spring::roles(state, &caller).await).await
    }
}

/// The discovery document of the request's tenant.
async fn discovery(rqctx: &Ctx) -> Result<HttpResponseOk<ServerMetadata>, AdminError> {
    public(rqctx, async |state| Ok(HttpResponseOk(oauth::metadata(state, &tenant(rqctx).await?).await?))).await
}

/// RechargePoints and ConsumePoints: the app's server (or a user, where the
/// app allows) changes a user's points, with an optional `Idempotency-Key`.
async fn change_points<B, T>(
    rqctx: &Ctx,
    path: Path<AppPath>,
    body: TypedBody<B>,
    work: impl AsyncFnOnce(&State, &TenantRef, &AppRef, AppCaller, B, Option<&str>) -> Result<T, Error>,
) -> CorsReply<AppReply<T>, AppError>
where
    B: serde::de::DeserializeOwned + schemars::JsonSchema + Send + Sync + 'static,
    T: serde::Serialize + schemars::JsonSchema + Send + Sync + 'static,
{
    let key = rqctx.request.headers().get("idempotency-key").map(|v| v.to_str().map(str::to_string));
    let ip = ip(rqctx);
    call(rqctx, path.into_inner().app_id, async |state, tenant, target| {
        let key = key.transpose().map_err(|_| Error::BadRequest("the Idempotency-Key header is not ASCII".into()))?;
        let caller = app_users::app_or_user(state, tenant, target, app_credentials(rqctx)?, ip).await?;
        work(state, tenant, target, caller, body.into_inner(), key.as_deref()).await
    })
    .await
}

/// The four `*SignUp` operations but QRCodeSignUp differ only in kind.
async fn sign_up(
    rqctx: &Ctx,
    path: Path<AppPath>,
    body: TypedBody<SignUp>,
    kind: SignUpKind,
) -> CorsReply<AppReply<AppToken>, AppError> {
    let ip = ip(rqctx);
    call(rqctx, path.into_inner().app_id, async |state, tenant, target| {
        accounts::sign_up(state, tenant, target, body.into_inner(), kind, ip).await
    })
    .await
}

/// Seed 001's registration and password-reset code sends.
async fn registration_code(
    rqctx: &Ctx,
    to: (Channel, &str, &str),
    purpose: CodePurpose,
) -> Result<HttpResponseOk<ApiResult<bool>>, AdminError> {
    let ip = ip(rqctx);
    public(rqctx, async |state| {
        let tenant = tenant(rqctx).await?;
        Ok(HttpResponseOk(ApiResult::ok(registration::send_code(state, &rqctx.log, &tenant, to, purpose, ip).await?)))
    })
    .await
}

/// SendSMSCode and SendEmailCode.
async fn send_code(
    rqctx: &Ctx,
    path: Path<AppPath>,
    (channel, field): (Channel, &str),
    destination: Option<String>,
    purpose: Option<String>,
) -> CorsReply<AppReply<bool>, AppError> {
    let ip = ip(rqctx);
    call(rqctx, path.into_inner().app_id, async |state, tenant, target| {
        let destination = channel.normalize(field, required(&destination, field)?)?;
        let purpose = verification_codes::purpose(given(&purpose))?;
        verification_codes::send(
            state,
            &rqctx.log,
            tenant,
            &target.config.settings,
            (channel, &destination),
            purpose,
            ip,
        )
        .await?;
        Ok(true)
    })
    .await
}
