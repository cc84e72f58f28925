//! Keyward's HTTP contract. The [`KeywardApi`] trait is the single definition
//! of every operation; `openapi/keyward.json` is generated from it and the
//! server implements it.

pub mod access;
pub mod access_profile;
pub mod api_catalog;
pub mod api_resource;
pub mod api_scope;
pub mod app_settings;
pub mod app_user;
pub mod blob;
pub mod client;
pub mod codegen;
pub mod cors;
pub mod envelope;
pub mod error;
pub mod error_codes;
pub mod identity_resource;
pub mod list;
pub mod oauth;
pub mod ops;
pub mod query;
pub mod role;
pub mod secret;
pub mod spring;
pub mod tenant;
pub mod user;
pub mod with_id;

use access_profile::{
    AccessProfile, AccessProfileCreate, AccessProfileListQuery, AccessProfileUpdate, ClientIdPath, CreatePath,
};
use api_catalog::{
    ApiPackage, ApiPackageBody, ApiProduct, ApiProductBody, ApiPublish, ApiPublishConfiguration, ApiRelease,
    ApiReleaseCreate, ApiReleaseQuery, ApiReleaseUpdate, ApiRevision, ApiRevisionCreate, ApiSubscriber,
    ApiVersionCreate, AuthServer, PackagePath, ProductPath, ReleasePath, RevisionPath, SubscriptionCode,
    SubscriptionEmail,
};
use api_resource::{
    ApiResource, ApiResourceCreate, ApiResourceCreated, ApiResourceImportPath, ApiResourceImportQuery,
    ApiResourceListQuery, ApiResourceUpdate,
};
use api_scope::{ApiScope, ApiScopeCreate, ApiScopeListQuery, ApiScopeUpdate};
use app_settings::{AppSettings, AppSettingsUpdate};
use app_user::{
    AppCard, AppConsent, AppError, AppPath, AppReply, AppToken, AuthorizeCodeQuery, ConsentPath, Consume, EmailSignIn,
    GrantCode, GrantCodeRequest, PasswordSignIn, PhoneSignIn, PointEntry, PointLog, PointLogQuery, Profile,
    ProfileUpdate, QrImageQuery, QrKey, QrPreSignIn, Recharge, ResetPassword, SchemeQuery, SendEmailCode, SendSmsCode,
    SignUp, UnionIdSignIn,
};
use blob::{BlobFolderQuery, BlobPath};
use client::{Client, ClientCreate, ClientCreated, ClientListQuery, ClientTokenIssue, ClientUpdate};
use codegen::{
    CodegenHistory, CodegenHistoryCreate, CommonOptions, GenRequest, GenStoredRequest, GeneratedSdk, Generator,
    GeneratorListQuery, GithubOptions, GithubOptionsBody, GithubSync, NpmOptions, NpmOptionsBody, NpmOptionsPath,
    SdkReleaseRequest,
};
use cors::CorsReply;
use dropshot::{
    Body, EndpointTagPolicy, HttpResponseCreated, HttpResponseOk, Path, Query, RequestContext, StreamingBody, TypedBody,
};
use envelope::{ApiResult, Paged};
use error::{AdminError, OAuthError};
use error_codes::{CodesPath, ErrorCode};
use identity_resource::{IdentityResource, IdentityResourceCreate, IdentityResourceListQuery, IdentityResourceUpdate};
use oauth::{
    AuthorizeRequest, CodeChecked, CodeSent, ConsentForm, Introspection, Jwks, LoginForm, LogoutConfirmForm,
    LogoutRequest, MobileCodeRequest, MobileTokenRequest, OAuthReply, Revoked, ServerMetadata, SignTokenRequest,
    TokenReply, TokenRequest, TokenResponse, TokenTypeHintRequest, UserInfo,
};
use ops::{DocsAssetPath, Health};
use role::{Role, RoleCreate, RoleListQuery, RoleUpdate};
use schemars::JsonSchema;
use secret::{SecretCreate, SecretCreated, SecretPath};
use serde::{Deserialize, Serialize};
use spring::{
    SpringError, SpringPasswordUpdate, SpringRegister, SpringReply, SpringRole, SpringRoleUpdate, SpringUser,
    SpringUserDetail, SpringUserFind, SpringUserId, SpringUserSave, SpringUserUpdate,
};
use tenant::{Tenant, TenantCreate, TenantListQuery, TenantPublic, TenantUpdate};
use user::{
    Distributor, DistributorQuery, NoBody, User, UserCreate, UserEmail, UserExistsQuery, UserGrant, UserListQuery,
    UserPasswordReset, UserPhone, UserRegister, UserSession, UserUpdate,
};
use with_id::WithId;

/// Largest admin create/update body: room for many redirect URIs and claims.
pub const ADMIN_BODY_MAX_BYTES: usize = 64 * 1024;
/// Largest end-user API body.
pub const APP_BODY_MAX_BYTES: usize = 16 * 1024;
/// Largest OpenAPI document an API resource import accepts.
pub const IMPORT_BODY_MAX_BYTES: usize = 1024 * 1024;
/// Largest token request body.
pub const TOKEN_BODY_MAX_BYTES: usize = 8 * 1024;

/// The numeric id of an admin resource.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
pub struct IdPath {
    pub id: i64,
}

#[dropshot::api_description {
    tag_config = {
        tags = {
            "operations" = { description = "Liveness, readiness, metrics and this document." },
            "oauth" = { description = "OAuth 2.0 and OpenID Connect standard endpoints. Errors are RFC 6749 §5.2 bodies." },
            "admin-tenants" = { description = "Tenants: isolated sets of clients, users and roles, selected by Host header (OAuthApp `/api/Tenant`)." },
            "admin-clients" = { description = "OAuth clients of the caller's tenant (OAuthApp `/api/Client`)." },
            "admin-users" = { description = "Users of the caller's tenant (OAuthApp `/api/User`)." },
            "admin-roles" = { description = "Roles and their permissions (OAuthApp `/api/Role`)." },
            "app-users" = { description = "OAuthApp's end-user API (`/api/AppUsers/{appId}`): sign-up, sign-in, codes, QR sign-in, profile, points. Envelope `{code, data, err}` with `code` equal to the HTTP status; a 429 says in `Retry-After` how many seconds to wait." },
            "app-oauth" = { description = "OAuthApp's app-scheme authorization (`/api/OAuth/{appId}`): one-time codes and consents." },
            "admin-identity-resources" = { description = "OpenID Connect identity scopes and the user claims they release (OAuthApp `/api/IdentityResource`)." },
            "admin-api-resources" = { description = "Protected APIs: the audiences of access tokens, the API scopes each contains, and the secrets an API introspects with (OAuthApp `/api/ApiResource`)." },
            "admin-api-catalog" = { description = "The API catalog (seed 001's API gateway operations, kept by Keyward itself): each API resource's OpenAPI documents as revisions never overwritten, versions naming them with one online, the last publish configuration, release notes, e-mail subscribers with double opt-in, SDK packages, and the tenant's product groups and authorization servers." },
            "admin-codes" = { description = "OAuthApp's error-code tables (错误码表): the business codes an admin answer's `code` may carry instead of its HTTP status." },
            "admin-codegen" = { description = "SDK generation (OAuthApp `/api/CodeGen`): the generators Keyward runs (Rust with progenitor; others with openapi-generator-cli when configured), generated code for a document or a stored revision, per-API npm, GitHub and common options with write-only tokens, pushing an SDK to GitHub, releasing it to npm, and the history of each. OAuthApp's `/api/CodeGen/{Clients,Servers,Gen,ReleaseSDK}` are served at `/api/CodeGenerators/…`: dropshot cannot route a literal beside `/api/CodeGen/{id}/…`." },
            "admin-blobs" = { description = "Uploaded videos, documents and images (OAuthApp `/api/Blob`), typed by their bytes, stored per tenant, and served back inert at `/blobs/{folder}/{name}`." },
            "admin-api-scopes" = { description = "API scopes: the permissions protected APIs define and clients are allowed (OAuthApp `/api/ApiScope`)." },
            "seed-000" = { description = "Seed 000 (\"oauth2-server\") at its own paths: `/client`, `/user` and `/profile`. The same clients and users as the admin API, with its bodies, envelopes, permissions and tenant rules; access profiles (`/profile`) are named sets of clients that users hold, and a client with `requireProfile` issues tokens only to their holders. `/client/{id}` takes the `clientId`; `/user/{id}` and `/profile/{id}` take Keyward's numeric ids. `POST …/create` is served as `POST …/{id}` whose `{id}` accepts only `create` (dropshot cannot route a literal beside a variable segment); the URL is the seed's." },
            "spring-users" = { description = "Seed 004's (Spring Security OAuth) user and role endpoints: `/users/…`, `/userDetail/…`, `/roles/list`, all POST with JSON bodies, over Keyward's users and roles. Success is `{status: 200, message}`; failure `{status, error}` with `status` equal to the HTTP status, a 401 with `WWW-Authenticate`, a 429 or 503 with `Retry-After`. A field the seed does not name is refused (400)." },
        },
        policy = EndpointTagPolicy::ExactlyOne,
        allow_other_tags = false,
    },
}]
pub trait KeywardApi {
    type Context;

    /// Liveness
    ///
    /// Answers 200 while the process serves requests; touches nothing else.
    ///
    /// Permission: none.
    #[endpoint { method = GET, path = "/healthz", tags = ["operations"] }]
    async fn health_live(rqctx: RequestContext<Self::Context>) -> Result<HttpResponseOk<Health>, AdminError>;

    /// Readiness
    ///
    /// Answers 200 when the database answers a query, 503 otherwise.
    ///
    /// Permission: none.
    #[endpoint { method = GET, path = "/readyz", tags = ["operations"] }]
    async fn health_ready(rqctx: RequestContext<Self::Context>) -> Result<HttpResponseOk<Health>, AdminError>;

    /// Prometheus metrics
    ///
    /// Requests and latency by operation and status, in the Prometheus text
    /// exposition format.
    ///
    /// Permission: none.
    #[endpoint { method = GET, path = "/metrics", tags = ["operations"] }]
    async fn metrics_get(rqctx: RequestContext<Self::Context>) -> Result<http::Response<Body>, AdminError>;

    /// This API's OpenAPI document
    ///
    /// The committed contract, `openapi/keyward.json`, byte for byte.
    ///
    /// Permission: none.
    #[endpoint { method = GET, path = "/openapi.json", tags = ["operations"] }]
    async fn openapi_get(rqctx: RequestContext<Self::Context>) -> Result<http::Response<Body>, AdminError>;

    /// API reference page
    ///
    /// This document (`/openapi.json`) rendered by Swagger UI, whose script
    /// and stylesheet the binary carries: no CDN, no network. An HTML page
    /// for browsers, not for SDKs.
    ///
    /// Permission: none.
    #[endpoint { method = GET, path = "/docs", tags = ["operations"] }]
    async fn docs_page(rqctx: RequestContext<Self::Context>) -> Result<http::Response<Body>, AdminError>;

    /// An asset of the API reference page
    ///
    /// Swagger UI's script (`text/javascript`) or stylesheet (`text/css`),
    /// under the bundled release's version, so it is cached for a year. Any
    /// other version or file is a 404. For browsers, not for SDKs.
    ///
    /// Permission: none.
    #[endpoint { method = GET, path = "/docs/{version}/{file}", tags = ["operations"] }]
    async fn docs_asset(
        rqctx: RequestContext<Self::Context>,
        path: Path<DocsAssetPath>,
    ) -> Result<http::Response<Body>, AdminError>;

    /// OpenID Connect discovery
    ///
    /// OpenID Connect Discovery 1.0 provider metadata, listing only what this
    /// server supports.
    ///
    /// Permission: none.
    #[endpoint { method = GET, path = "/.well-known/openid-configuration", tags = ["oauth"] }]
    async fn discovery_openid(
        rqctx: RequestContext<Self::Context>,
    ) -> CorsReply<HttpResponseOk<ServerMetadata>, AdminError>;

    /// OAuth authorization server metadata
    ///
    /// RFC 8414 metadata; the same document as OpenID discovery.
    ///
    /// Permission: none.
    #[endpoint { method = GET, path = "/.well-known/oauth-authorization-server", tags = ["oauth"] }]
    async fn discovery_oauth(
        rqctx: RequestContext<Self::Context>,
    ) -> CorsReply<HttpResponseOk<ServerMetadata>, AdminError>;

    /// JSON Web Key Set
    ///
    /// The public keys that verify Keyward's tokens, each with its `kid`.
    ///
    /// Permission: none.
    #[endpoint { method = GET, path = "/oauth/jwks", tags = ["oauth"] }]
    async fn oauth_jwks(rqctx: RequestContext<Self::Context>) -> CorsReply<HttpResponseOk<Jwks>, AdminError>;

    /// Token endpoint
    ///
    /// RFC 6749 §3.2. Grants: `authorization_code` (with PKCE, RFC 7636),
    /// `refresh_token` (rotated on every use; reusing a rotated token revokes
    /// its whole family), `password` (clients that enable it) and
    /// `client_credentials`. Confidential clients authenticate with HTTP basic
    /// (`client_secret_basic`) or form fields (`client_secret_post`); public
    /// clients send only `client_id` (`none`). Access tokens are RFC 9068 JWTs
    /// signed with ES256, or opaque reference tokens for clients configured
    /// so. Responses carry `Cache-Control: no-store`; a failed client
    /// authentication answers 401 with `WWW-Authenticate`.
    ///
    /// Permission: client authentication.
    #[endpoint {
        method = POST,
        path = "/oauth/token",
        tags = ["oauth"],
        content_type = "application/x-www-form-urlencoded",
        request_body_max_bytes = TOKEN_BODY_MAX_BYTES,
    }]
    async fn oauth_token(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<TokenRequest>,
    ) -> CorsReply<TokenReply, OAuthError>;

    /// Authorization endpoint
    ///
    /// RFC 6749 §4.1.1 and OpenID Connect Core §3.1.2: starts the
    /// authorization code flow. Shows the hosted sign-in page (and the consent
    /// page when the client requires consent), then redirects to the client's
    /// registered redirect URI with `code`, `state` and `iss` (RFC 9207), by
    /// query or `form_post`. An unknown client or unregistered redirect URI
    /// gets an error page and no redirect; every other error is redirected as
    /// RFC 6749 §4.1.2.1 says.
    ///
    /// Permission: none (the user signs in on the page).
    #[endpoint { method = GET, path = "/oauth/authorize", tags = ["oauth"] }]
    async fn oauth_authorize(
        rqctx: RequestContext<Self::Context>,
        query: Query<AuthorizeRequest>,
    ) -> Result<http::Response<Body>, AdminError>;

    /// Authorization endpoint (POST)
    ///
    /// The same as `GET /oauth/authorize`, with the parameters form-encoded in
    /// the body (OpenID Connect Core §3.1.2.1 requires both methods).
    ///
    /// Permission: none (the user signs in on the page).
    #[endpoint {
        method = POST,
        path = "/oauth/authorize",
        tags = ["oauth"],
        content_type = "application/x-www-form-urlencoded",
        request_body_max_bytes = TOKEN_BODY_MAX_BYTES,
    }]
    async fn oauth_authorize_post(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<AuthorizeRequest>,
    ) -> Result<http::Response<Body>, AdminError>;

    /// Sign-in form submission
    ///
    /// The hosted sign-in page posts here; not an API.
    ///
    /// Permission: none.
    #[endpoint {
        method = POST,
        path = "/oauth/authorize/login",
        tags = ["oauth"],
        content_type = "application/x-www-form-urlencoded",
        request_body_max_bytes = TOKEN_BODY_MAX_BYTES,
        unpublished = true,
    }]
    async fn oauth_login(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<LoginForm>,
    ) -> Result<http::Response<Body>, AdminError>;

    /// Consent form submission
    ///
    /// The hosted consent page posts here; not an API.
    ///
    /// Permission: none.
    #[endpoint {
        method = POST,
        path = "/oauth/authorize/consent",
        tags = ["oauth"],
        content_type = "application/x-www-form-urlencoded",
        request_body_max_bytes = TOKEN_BODY_MAX_BYTES,
        unpublished = true,
    }]
    async fn oauth_consent(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<ConsentForm>,
    ) -> Result<http::Response<Body>, AdminError>;

    /// UserInfo (GET)
    ///
    /// OpenID Connect Core §5.3: the signed-in user's claims allowed by the
    /// access token's scopes (`profile`, `email`, `phone`). Revoked or expired
    /// tokens answer 401 with an RFC 6750 `WWW-Authenticate` challenge.
    ///
    /// Permission: a user's access token with scope `openid`.
    #[endpoint { method = GET, path = "/oauth/userinfo", tags = ["oauth"] }]
    async fn oauth_userinfo_get(rqctx: RequestContext<Self::Context>) -> CorsReply<OAuthReply<UserInfo>, OAuthError>;

    /// UserInfo (POST)
    ///
    /// The same as `GET /oauth/userinfo`, for clients that POST.
    ///
    /// Permission: a user's access token with scope `openid`.
    #[endpoint { method = POST, path = "/oauth/userinfo", tags = ["oauth"] }]
    async fn oauth_userinfo_post(rqctx: RequestContext<Self::Context>) -> CorsReply<OAuthReply<UserInfo>, OAuthError>;

    /// Token introspection
    ///
    /// RFC 7662: whether a token (JWT or reference access token, or refresh
    /// token) is active, with its claims. Expired, revoked, unknown and other
    /// tenants' tokens are `{"active": false}`. Any confidential client of the
    /// tenant may introspect (resource servers are clients).
    ///
    /// Permission: client authentication.
    #[endpoint {
        method = POST,
        path = "/oauth/introspect",
        tags = ["oauth"],
        content_type = "application/x-www-form-urlencoded",
        request_body_max_bytes = TOKEN_BODY_MAX_BYTES,
    }]
    async fn oauth_introspect(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<TokenTypeHintRequest>,
    ) -> Result<OAuthReply<Introspection>, OAuthError>;

    /// Token revocation
    ///
    /// RFC 7009: revokes a token the calling client was issued. A refresh
    /// token revokes its whole family and the access tokens issued under it;
    /// a JWT access token goes on the deny-list until it expires. Unknown
    /// tokens also answer 200, as the RFC requires.
    ///
    /// Permission: client authentication.
    #[endpoint {
        method = POST,
        path = "/oauth/revoke",
        tags = ["oauth"],
        content_type = "application/x-www-form-urlencoded",
        request_body_max_bytes = TOKEN_BODY_MAX_BYTES,
    }]
    async fn oauth_revoke(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<TokenTypeHintRequest>,
    ) -> CorsReply<OAuthReply<Revoked>, OAuthError>;

    /// End session
    ///
    /// OpenID Connect RP-Initiated Logout 1.0: with a valid `id_token_hint`,
    /// ends the browser session and redirects to `post_logout_redirect_uri`
    /// when it is registered for the client the hint names (otherwise shows a
    /// signed-out page). Without a valid hint, answers a page asking the user
    /// to confirm, and ends the session (redirecting to a URI registered for
    /// `client_id`) only once they do.
    ///
    /// Permission: none.
    #[endpoint { method = GET, path = "/oauth/logout", tags = ["oauth"] }]
    async fn oauth_logout(
        rqctx: RequestContext<Self::Context>,
        query: Query<LogoutRequest>,
    ) -> Result<http::Response<Body>, AdminError>;

    /// End session (POST)
    ///
    /// The same as `GET /oauth/logout`, with the parameters form-encoded in the
    /// body (RP-Initiated Logout 1.0 §2 requires both methods).
    ///
    /// Permission: none.
    #[endpoint {
        method = POST,
        path = "/oauth/logout",
        tags = ["oauth"],
        content_type = "application/x-www-form-urlencoded",
        request_body_max_bytes = TOKEN_BODY_MAX_BYTES,
    }]
    async fn oauth_logout_post(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<LogoutRequest>,
    ) -> Result<http::Response<Body>, AdminError>;

    /// Logout confirmation
    ///
    /// The hosted logout confirmation page posts here; not an API.
    ///
    /// Permission: none.
    #[endpoint {
        method = POST,
        path = "/oauth/logout/confirm",
        tags = ["oauth"],
        content_type = "application/x-www-form-urlencoded",
        request_body_max_bytes = TOKEN_BODY_MAX_BYTES,
        unpublished = true,
    }]
    async fn oauth_logout_confirm(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<LogoutConfirmForm>,
    ) -> Result<http::Response<Body>, AdminError>;

    /// List tenants
    ///
    /// Filters, sorts and pages the tenants of the caller's tenant. A caller from the default tenant sees every tenant; a caller from any other tenant sees only its own.
    ///
    /// Permission: `oauthapp.tenant.get`.
    #[endpoint { method = GET, path = "/api/Tenant", tags = ["admin-tenants"] }]
    async fn tenant_list(
        rqctx: RequestContext<Self::Context>,
        query: Query<TenantListQuery>,
    ) -> Result<HttpResponseOk<Paged<Tenant>>, AdminError>;

    /// Create a tenant
    ///
    /// Answers 201 with the new tenant's id. Host names must be unique across tenants.
    ///
    /// Permission: `oauthapp.tenant.post`.
    #[endpoint { method = POST, path = "/api/Tenant", tags = ["admin-tenants"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn tenant_create(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<TenantCreate>,
    ) -> Result<HttpResponseCreated<ApiResult<i64>>, AdminError>;

    /// View a tenant
    ///
    /// Answers 404 for an id that does not exist in the caller's tenant.
    ///
    /// Permission: `oauthapp.tenant.detail`.
    #[endpoint { method = GET, path = "/api/Tenant/{id}", tags = ["admin-tenants"] }]
    async fn tenant_view(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<Tenant>>, AdminError>;

    /// Update a tenant
    ///
    /// Each field present in the body replaces the stored value; absent fields
    /// stay as they are. Answers with the tenant as now stored.
    ///
    /// Permission: `oauthapp.tenant.put`.
    #[endpoint { method = PUT, path = "/api/Tenant/{id}", tags = ["admin-tenants"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn tenant_update(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
        body: TypedBody<TenantUpdate>,
    ) -> Result<HttpResponseOk<ApiResult<Tenant>>, AdminError>;

    /// Update a tenant named in the body
    ///
    /// OAuthApp's `PUT /api/Tenant` (`TenantPut`): the body is the update of
    /// `PUT /api/Tenant/{id}` plus the `id` of what it changes, with the same
    /// rules. Answers `true`, as OAuthApp does. A body without `id` is 422;
    /// an id that does not exist in the caller's tenant is 404.
    ///
    /// Permission: `oauthapp.tenant.put`.
    #[endpoint { method = PUT, path = "/api/Tenant", tags = ["admin-tenants"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn tenant_put(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<WithId<TenantUpdate>>,
    ) -> Result<HttpResponseOk<ApiResult<bool>>, AdminError>;

    /// Delete a tenant
    ///
    /// Answers with the deleted id. The default tenant cannot be deleted.
    ///
    /// Permission: `oauthapp.tenant.delete`.
    #[endpoint { method = DELETE, path = "/api/Tenant/{id}", tags = ["admin-tenants"] }]
    async fn tenant_delete(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError>;

    /// View a tenant's public profile
    ///
    /// Seed 001's "租户 - 详情（公共）", anonymous: the tenant's name, theme
    /// and the public properties `Description`, `Logo` (else `Favicon`) and
    /// `WebSite` — never its hosts, issuer, claims or other properties.
    /// OAuthApp serves it as `GET /api/Tenant/Info?host=`; dropshot cannot
    /// route a literal segment beside `/api/Tenant/{id}`, so the tenant is
    /// named by id here, and only the tenant the request's `Host` selects is
    /// shown (so tenants cannot be listed by id from one host). An unknown,
    /// disabled or other tenant answers 404.
    ///
    /// Permission: none.
    #[endpoint { method = GET, path = "/api/Tenant/{id}/Public", tags = ["admin-tenants"] }]
    async fn tenant_public_view(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<TenantPublic>>, AdminError>;

    /// An error-code table
    ///
    /// Seed 001's "错误码表" of one resource (OAuthApp's
    /// `GET /api/{Resource}/Codes`, which dropshot cannot route beside
    /// `/api/{Resource}/{id}`): a bare array of `{code, name, description}`,
    /// the business codes Keyward answers with for that resource under
    /// OAuthApp's numbers. Generic failures carry their HTTP status as
    /// `code` and are not listed; a resource without business codes has an
    /// empty table. `{resource}` is one of `User`, `Tenant`, `Client`,
    /// `ApiResource`, `ApiScope`, `IdentityResource`, `Role`.
    ///
    /// Permission: none.
    #[endpoint { method = GET, path = "/api/Codes/{resource}", tags = ["admin-codes"] }]
    async fn error_code_list(
        rqctx: RequestContext<Self::Context>,
        path: Path<CodesPath>,
    ) -> Result<HttpResponseOk<Vec<ErrorCode>>, AdminError>;

    /// List clients
    ///
    /// Filters, sorts and pages the clients of the caller's tenant.
    ///
    /// Permission: `isms.client.get`.
    #[endpoint { method = GET, path = "/api/Client", tags = ["admin-clients"] }]
    async fn client_list(
        rqctx: RequestContext<Self::Context>,
        query: Query<ClientListQuery>,
    ) -> Result<HttpResponseOk<Paged<Client>>, AdminError>;

    /// Create a client
    ///
    /// Answers 201 with the new client's ids and secret. A confidential client (`requireClientSecret`, the default) gets a generated 256-bit secret, returned in this response only and stored as a SHA-256 digest — or imports `clientSecret` (not returned; under 8 characters only with `allowWeakSecret`, and then marked weak). A public client has no secret.
    ///
    /// Permission: `isms.client.post`.
    #[endpoint { method = POST, path = "/api/Client", tags = ["admin-clients"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn client_create(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<ClientCreate>,
    ) -> Result<HttpResponseCreated<ApiResult<ClientCreated>>, AdminError>;

    /// View a client
    ///
    /// Answers 404 for an id that does not exist in the caller's tenant.
    ///
    /// Permission: `isms.client.detail`.
    #[endpoint { method = GET, path = "/api/Client/{id}", tags = ["admin-clients"] }]
    async fn client_view(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<Client>>, AdminError>;

    /// Update a client
    ///
    /// Each field present in the body replaces the stored value; absent fields
    /// stay as they are. Answers with the client as now stored.
    ///
    /// Permission: `isms.client.put`.
    #[endpoint { method = PUT, path = "/api/Client/{id}", tags = ["admin-clients"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn client_update(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
        body: TypedBody<ClientUpdate>,
    ) -> Result<HttpResponseOk<ApiResult<Client>>, AdminError>;

    /// Update a client named in the body
    ///
    /// OAuthApp's `PUT /api/Client` (`ClientPut`): the body is the update of
    /// `PUT /api/Client/{id}` plus the `id` of what it changes, with the same
    /// rules. Answers its id, as OAuthApp does. A body without `id` is 422;
    /// an id that does not exist in the caller's tenant is 404.
    ///
    /// Permission: `isms.client.put`.
    #[endpoint { method = PUT, path = "/api/Client", tags = ["admin-clients"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn client_put(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<WithId<ClientUpdate>>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError>;

    /// Delete a client
    ///
    /// Answers with the deleted id. Deleting a client also deletes its secrets.
    ///
    /// Permission: `isms.client.delete`.
    #[endpoint { method = DELETE, path = "/api/Client/{id}", tags = ["admin-clients"] }]
    async fn client_delete(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError>;

    /// List a client's secrets
    ///
    /// Each secret's id, description, creation and expiry — never the secret
    /// or its digest.
    ///
    /// Permission: `isms.client.detail`.
    #[endpoint { method = GET, path = "/api/Client/{id}/Secrets", tags = ["admin-clients"] }]
    async fn client_secret_list(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<Vec<secret::SecretInfo>>>, AdminError>;

    /// Add a secret to a client
    ///
    /// Seed 001's "生成密钥": generates a 256-bit secret, stores its SHA-256
    /// digest and answers 201 with its id and value — shown this once. With
    /// `value` the secret is imported instead (a client that keeps the secret
    /// it has elsewhere, like seed 004's `web-client:YunQue`): stored the same
    /// way and never echoed (`secret` is null). An imported secret under 8
    /// characters is refused (422 naming `value`) unless `allowWeakSecret` is
    /// true; it is then marked `weak`, and the client `hasWeakSecret`. With an
    /// `expiration` (which must be in the future) it stops working then; the
    /// client's other secrets keep working, so a secret can be rotated with
    /// overlap. A public client has no secrets (409).
    ///
    /// Permission: `isms.client.postsecretkey`.
    #[endpoint { method = POST, path = "/api/Client/{id}/Secrets", tags = ["admin-clients"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn client_secret_create(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
        body: TypedBody<SecretCreate>,
    ) -> Result<HttpResponseCreated<ApiResult<SecretCreated>>, AdminError>;

    /// Delete a secret of a client
    ///
    /// Answers with the deleted secret's id; the client can no longer
    /// authenticate with it.
    ///
    /// Permission: `isms.client.postsecretkey`.
    #[endpoint { method = DELETE, path = "/api/Client/{id}/Secrets/{secretId}", tags = ["admin-clients"] }]
    async fn client_secret_delete(
        rqctx: RequestContext<Self::Context>,
        path: Path<SecretPath>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError>;

    /// Issue a token for a client
    ///
    /// Seed 001's "创建令牌": mints an access token of the client, as its
    /// `client_credentials` grant would, with the chosen `scope` (each one the
    /// client is allowed; default all it is allowed) and `lifetime` in seconds
    /// (at most the client's `accessTokenLifetime`, so the signing key outlives
    /// it; default that). Its audience follows the usual rules.
    ///
    /// Permission: `isms.client.issuetoken`.
    #[endpoint { method = POST, path = "/api/Client/{id}/IssueToken", tags = ["admin-clients"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn client_issue_token(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
        body: TypedBody<ClientTokenIssue>,
    ) -> Result<HttpResponseOk<ApiResult<TokenResponse>>, AdminError>;

    /// List users
    ///
    /// Filters, sorts and pages the users of the caller's tenant. Deleted users are not listed.
    ///
    /// Permission: `isms.user.get`.
    #[endpoint { method = GET, path = "/api/User", tags = ["admin-users"] }]
    async fn user_list(
        rqctx: RequestContext<Self::Context>,
        query: Query<UserListQuery>,
    ) -> Result<HttpResponseOk<Paged<User>>, AdminError>;

    /// Create a user
    ///
    /// Answers 201 with the new user's id. The password is stored as an argon2id hash, never in clear.
    ///
    /// Permission: `isms.user.post`.
    #[endpoint { method = POST, path = "/api/User", tags = ["admin-users"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn user_create(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<UserCreate>,
    ) -> Result<HttpResponseCreated<ApiResult<i64>>, AdminError>;

    /// Whether a user exists
    ///
    /// Seed 001's "用户 - 是否存在" (OAuthApp's `GET /api/User/Head`, which
    /// dropshot cannot route beside `/api/User/{id}`): `HEAD /api/User`
    /// answers 200 when a live user of the caller's tenant has the given
    /// `userName` (any case), `email` (any case) and/or `phoneNumber`
    /// (exactly; verified or not) — all of those given — and 404 when none
    /// does. At least one is required (400). HEAD answers have no body, so
    /// neither success nor failure carries one.
    ///
    /// Permission: `isms.user.head`.
    #[endpoint { method = HEAD, path = "/api/User", tags = ["admin-users"] }]
    async fn user_exists(
        rqctx: RequestContext<Self::Context>,
        query: Query<UserExistsQuery>,
    ) -> Result<HttpResponseOk<NoBody>, AdminError>;

    /// List a user's team
    ///
    /// Seed 001's "获取团队列表" (OAuthApp's `GET /api/User/Distributors`,
    /// which dropshot cannot route beside `/api/User/{id}`; OAuthApp takes
    /// the caller as the team's owner, Keyward the user `{id}`): every live
    /// user who signed up through user `{id}` (`parentUserID`), through one
    /// of those, and so on, nearest first. Each row counts its own downline
    /// (`members`); `sales` is always 0, as Keyward records no sales. With
    /// `path`, only members whose `lineage` starts with it. Answers 404 for a
    /// user that does not exist in the caller's tenant.
    ///
    /// Permission: `isms.user.distributors`.
    #[endpoint { method = GET, path = "/api/User/{id}/Distributors", tags = ["admin-users"] }]
    async fn user_distributor_list(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
        query: Query<DistributorQuery>,
    ) -> Result<HttpResponseOk<ApiResult<Vec<Distributor>>>, AdminError>;

    /// View a user
    ///
    /// Answers 404 for an id that does not exist in the caller's tenant.
    ///
    /// Permission: `isms.user.detail`.
    #[endpoint { method = GET, path = "/api/User/{id}", tags = ["admin-users"] }]
    async fn user_view(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<User>>, AdminError>;

    /// Update a user
    ///
    /// Each field present in the body replaces the stored value; absent fields
    /// stay as they are. Answers with the user as now stored.
    ///
    /// Permission: `isms.user.put`.
    #[endpoint { method = PUT, path = "/api/User/{id}", tags = ["admin-users"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn user_update(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
        body: TypedBody<UserUpdate>,
    ) -> Result<HttpResponseOk<ApiResult<User>>, AdminError>;

    /// Update a user named in the body
    ///
    /// OAuthApp's `PUT /api/User` (`UserPut`): the body is the update of
    /// `PUT /api/User/{id}` plus the `id` of what it changes, with the same
    /// rules. Answers its id, as OAuthApp does. A body without `id` is 422;
    /// an id that does not exist in the caller's tenant is 404.
    ///
    /// Permission: `isms.user.put`.
    #[endpoint { method = PUT, path = "/api/User", tags = ["admin-users"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn user_put(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<WithId<UserUpdate>>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError>;

    /// Delete a user
    ///
    /// Answers with the deleted id. Deletion is soft: the user can no longer sign in and is hidden from lists, and the user name becomes free again.
    ///
    /// Permission: `isms.user.delete`.
    #[endpoint { method = DELETE, path = "/api/User/{id}", tags = ["admin-users"] }]
    async fn user_delete(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError>;

    /// List a user's sessions
    ///
    /// The user's live sessions at the hosted sign-in page, newest first,
    /// without their ids. Answers 404 for a user that does not exist in the
    /// caller's tenant.
    ///
    /// Permission: `isms.user.detail`.
    #[endpoint { method = GET, path = "/api/User/{id}/Sessions", tags = ["admin-users"] }]
    async fn user_session_list(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<Vec<UserSession>>>, AdminError>;

    /// End a user's sessions
    ///
    /// Ends every live session of the user, so the hosted sign-in page asks
    /// for the password again; answers how many were ended. Tokens already
    /// issued live on: revoke them with `DELETE /api/User/{id}/Grants`.
    /// Answers 404 for a user that does not exist in the caller's tenant.
    ///
    /// Permission: `isms.user.put`.
    #[endpoint { method = DELETE, path = "/api/User/{id}/Sessions", tags = ["admin-users"] }]
    async fn user_session_revoke(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError>;

    /// List a user's grants
    ///
    /// The user's live grants to clients, newest first: each is a
    /// refresh-token family and the access tokens issued under it. No token
    /// value is shown. Answers 404 for a user that does not exist in the
    /// caller's tenant.
    ///
    /// Permission: `isms.user.detail`.
    #[endpoint { method = GET, path = "/api/User/{id}/Grants", tags = ["admin-users"] }]
    async fn user_grant_list(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<Vec<UserGrant>>>, AdminError>;

    /// Revoke a user's grants
    ///
    /// Revokes every live grant of the user — their refresh tokens stop
    /// working and their access tokens are refused — and forgets the user's
    /// consents, so every client must ask again; answers how many grants
    /// were revoked. Answers 404 for a user that does not exist in the
    /// caller's tenant.
    ///
    /// Permission: `isms.user.put`.
    #[endpoint { method = DELETE, path = "/api/User/{id}/Grants", tags = ["admin-users"] }]
    async fn user_grant_revoke(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError>;

    /// Send a registration code by SMS
    ///
    /// Seed 001's "用户 - 注册 - 发送手机验证码" (OAuthApp's
    /// `POST /api/User/SmsCode`; dropshot cannot route a literal segment
    /// beside `/api/User/{id}`, hence the `/api/UserRegistration/` prefix).
    /// Sends a 6-digit registration code for the tenant the Host header
    /// selects, valid 10 minutes and once, at most 5 wrong attempts, through
    /// the end-user API's code machinery: one send per number per 60 s (429,
    /// code 100006) and a daily cap per number and per client address (429,
    /// code 100005). The answer never says whether the number has an account.
    /// Registration is off until the tenant's admins set its property
    /// `UserRegistration` to `enabled` (403 before).
    ///
    /// Permission: none.
    #[endpoint { method = POST, path = "/api/UserRegistration/SmsCode", tags = ["admin-users"], request_body_max_bytes = APP_BODY_MAX_BYTES }]
    async fn user_registration_code_send(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<UserPhone>,
    ) -> Result<HttpResponseOk<ApiResult<bool>>, AdminError>;

    /// Send a registration code by e-mail
    ///
    /// Seed 001's "用户 - 注册 - 发送邮件验证码" (OAuthApp's
    /// `POST /api/User/EmailCode`, served under `/api/UserRegistration/` as
    /// the SMS code is). E-mails a 6-digit registration code for the tenant
    /// the Host header selects, valid 10 minutes and once, at most 5 wrong
    /// attempts; `Register` takes it as `emailVerifyCode` to store the address
    /// verified. One send per address per 60 s and a daily cap per address
    /// and per client address (429). The answer never says whether the
    /// address has an account. No e-mail delivery configured is 503; off
    /// (403) unless the tenant's property `UserRegistration` is `enabled`.
    ///
    /// Permission: none.
    #[endpoint { method = POST, path = "/api/UserRegistration/EmailCode", tags = ["admin-users"], request_body_max_bytes = APP_BODY_MAX_BYTES }]
    async fn user_registration_email_code_send(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<UserEmail>,
    ) -> Result<HttpResponseOk<ApiResult<bool>>, AdminError>;

    /// Register with a phone code
    ///
    /// Seed 001's "用户 - 注册 - 提交" (OAuthApp's `POST /api/User/Register`,
    /// served at `/api/UserRegistration/Register` for the same reason):
    /// creates a user of the Host header's tenant with the phone number
    /// verified by its registration code, the password, and optionally a user
    /// name (default the phone number), nick name, email (verified when
    /// `emailVerifyCode`, from `POST /api/UserRegistration/EmailCode`, comes
    /// with it) and referrer (`refereeID`, a live user of the tenant, 422
    /// otherwise). The user gets no roles. Answers 201 with the new id. A
    /// wrong or used phone code answers 400 with code 100002, a wrong e-mail
    /// code 400 with code 100004 (an e-mail code without `email` is 422); a
    /// number already registered (checked after the codes, so only its owner
    /// learns it) 409 with code 100001, an address another account has
    /// verified 409 with code 100003.
    /// Counts against the daily sign-up caps per client address and per
    /// tenant (429). OAuthApp's other fields (gender, address, birthday,
    /// stature, weight, files) are not kept and are refused (400). Off (403)
    /// unless the tenant's property `UserRegistration` is `enabled`.
    ///
    /// Permission: none.
    #[endpoint { method = POST, path = "/api/UserRegistration/Register", tags = ["admin-users"], request_body_max_bytes = APP_BODY_MAX_BYTES }]
    async fn user_register(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<UserRegister>,
    ) -> Result<HttpResponseCreated<ApiResult<i64>>, AdminError>;

    /// Send a password-reset code by SMS
    ///
    /// Seed 001's "用户 - 忘记密码 - 手机验证码" (OAuthApp sends one code for
    /// both at `POST /api/User/SmsCode`; Keyward's codes are bound to their
    /// purpose, so a reset code is asked for here): as the registration
    /// code, for `POST /api/UserRegistration/ResetPassword`.
    ///
    /// Permission: none.
    #[endpoint { method = POST, path = "/api/UserRegistration/ResetPasswordSmsCode", tags = ["admin-users"], request_body_max_bytes = APP_BODY_MAX_BYTES }]
    async fn user_password_code_send(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<UserPhone>,
    ) -> Result<HttpResponseOk<ApiResult<bool>>, AdminError>;

    /// Reset a password with a phone code
    ///
    /// OAuthApp's `POST /api/User/ResetPassword` (served at
    /// `/api/UserRegistration/ResetPassword`): sets the password of the user
    /// of the Host header's tenant whose verified phone number received the
    /// password-reset code, ends their sessions and grants, and answers
    /// `true`. A wrong code and a number no account verified answer alike:
    /// 400 with code 100002.
    ///
    /// Permission: none.
    #[endpoint { method = POST, path = "/api/UserRegistration/ResetPassword", tags = ["admin-users"], request_body_max_bytes = APP_BODY_MAX_BYTES }]
    async fn user_password_reset(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<UserPasswordReset>,
    ) -> Result<HttpResponseOk<ApiResult<bool>>, AdminError>;

    /// List roles
    ///
    /// Filters, sorts and pages the roles of the caller's tenant.
    ///
    /// Permission: `isms.role.get`.
    #[endpoint { method = GET, path = "/api/Role", tags = ["admin-roles"] }]
    async fn role_list(
        rqctx: RequestContext<Self::Context>,
        query: Query<RoleListQuery>,
    ) -> Result<HttpResponseOk<Paged<Role>>, AdminError>;

    /// Create a role
    ///
    /// Answers 201 with the new role's id.
    ///
    /// Permission: `isms.role.post`.
    #[endpoint { method = POST, path = "/api/Role", tags = ["admin-roles"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn role_create(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<RoleCreate>,
    ) -> Result<HttpResponseCreated<ApiResult<i64>>, AdminError>;

    /// View a role
    ///
    /// Answers 404 for an id that does not exist in the caller's tenant.
    ///
    /// Permission: `isms.role.detail`.
    #[endpoint { method = GET, path = "/api/Role/{id}", tags = ["admin-roles"] }]
    async fn role_view(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<Role>>, AdminError>;

    /// Update a role
    ///
    /// Each field present in the body replaces the stored value; absent fields
    /// stay as they are. Answers with the role as now stored.
    ///
    /// Permission: `isms.role.put`.
    #[endpoint { method = PUT, path = "/api/Role/{id}", tags = ["admin-roles"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn role_update(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
        body: TypedBody<RoleUpdate>,
    ) -> Result<HttpResponseOk<ApiResult<Role>>, AdminError>;

    /// Update a role named in the body
    ///
    /// OAuthApp's `PUT /api/Role` (`RolePut`): the body is the update of
    /// `PUT /api/Role/{id}` plus the `id` of what it changes, with the same
    /// rules. Answers its id, as OAuthApp does. A body without `id` is 422;
    /// an id that does not exist in the caller's tenant is 404.
    ///
    /// Permission: `isms.role.put`.
    #[endpoint { method = PUT, path = "/api/Role", tags = ["admin-roles"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn role_put(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<WithId<RoleUpdate>>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError>;

    /// Delete a role
    ///
    /// Answers with the deleted id. Users holding the role lose it.
    ///
    /// Permission: `isms.role.delete`.
    #[endpoint { method = DELETE, path = "/api/Role/{id}", tags = ["admin-roles"] }]
    async fn role_delete(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError>;

    /// List identity resources
    ///
    /// Filters, sorts and pages the identity resources of the caller's tenant.
    ///
    /// Permission: `isms.identityresource.get`.
    #[endpoint { method = GET, path = "/api/IdentityResource", tags = ["admin-identity-resources"] }]
    async fn identity_resource_list(
        rqctx: RequestContext<Self::Context>,
        query: Query<IdentityResourceListQuery>,
    ) -> Result<HttpResponseOk<Paged<IdentityResource>>, AdminError>;

    /// Create an identity resource
    ///
    /// Answers 201 with the new resource's id. Its name becomes a scope
    /// clients may be allowed; its user claims are released at UserInfo.
    ///
    /// Permission: `isms.identityresource.post`.
    #[endpoint { method = POST, path = "/api/IdentityResource", tags = ["admin-identity-resources"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn identity_resource_create(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<IdentityResourceCreate>,
    ) -> Result<HttpResponseCreated<ApiResult<i64>>, AdminError>;

    /// View an identity resource
    ///
    /// One identity resource of the caller's tenant.
    ///
    /// Permission: `isms.identityresource.detail`.
    #[endpoint { method = GET, path = "/api/IdentityResource/{id}", tags = ["admin-identity-resources"] }]
    async fn identity_resource_view(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<IdentityResource>>, AdminError>;

    /// Update an identity resource
    ///
    /// Fields present in the body replace the stored ones; the others stay as
    /// they are. `openid` cannot be changed (409). Answers with the resource
    /// as now stored.
    ///
    /// Permission: `isms.identityresource.put`.
    #[endpoint { method = PUT, path = "/api/IdentityResource/{id}", tags = ["admin-identity-resources"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn identity_resource_update(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
        body: TypedBody<IdentityResourceUpdate>,
    ) -> Result<HttpResponseOk<ApiResult<IdentityResource>>, AdminError>;

    /// Update an identity resource named in the body
    ///
    /// OAuthApp's `PUT /api/IdentityResource` (`IdentityResourcePut`): the body is the update of
    /// `PUT /api/IdentityResource/{id}` plus the `id` of what it changes, with the same
    /// rules. Answers its id, as OAuthApp does. A body without `id` is 422;
    /// an id that does not exist in the caller's tenant is 404.
    ///
    /// Permission: `isms.identityresource.put`.
    #[endpoint { method = PUT, path = "/api/IdentityResource", tags = ["admin-identity-resources"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn identity_resource_put(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<WithId<IdentityResourceUpdate>>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError>;

    /// Delete an identity resource
    ///
    /// Answers with the deleted id. `openid` cannot be deleted (409).
    ///
    /// Permission: `isms.identityresource.delete`.
    #[endpoint { method = DELETE, path = "/api/IdentityResource/{id}", tags = ["admin-identity-resources"] }]
    async fn identity_resource_delete(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError>;

    /// List API resources
    ///
    /// Filters, sorts and pages the API resources of the caller's tenant. List
    /// rows carry their `scopes` only with `q.expandScopes=true` and their
    /// `userClaims` only with `q.expandClaims=true` (otherwise empty); the
    /// detail view is always complete. Secrets are listed without values.
    ///
    /// Permission: `oauthapp.apiresource.get`.
    #[endpoint { method = GET, path = "/api/ApiResource", tags = ["admin-api-resources"] }]
    async fn api_resource_list(
        rqctx: RequestContext<Self::Context>,
        query: Query<ApiResourceListQuery>,
    ) -> Result<HttpResponseOk<Paged<ApiResource>>, AdminError>;

    /// Create an API resource
    ///
    /// Answers 201 with the new resource's id and a generated 256-bit secret,
    /// returned in this response only and stored as a SHA-256 digest. Each of
    /// `scopes` must name an API scope of the tenant (422 names the unknown
    /// one); a name already taken answers 409.
    ///
    /// Permission: `oauthapp.apiresource.post`.
    #[endpoint { method = POST, path = "/api/ApiResource", tags = ["admin-api-resources"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn api_resource_create(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<ApiResourceCreate>,
    ) -> Result<HttpResponseCreated<ApiResult<ApiResourceCreated>>, AdminError>;

    /// Import an API resource from an OpenAPI document
    ///
    /// OAuthApp's `POST /api/ApiResource/Import`. dropshot cannot route a
    /// literal segment beside `/api/ApiResource/{id}`, so this operation is
    /// `POST /api/ApiResource/{id}` whose `{id}` accepts only the value
    /// `Import` — the URL is the seed's. The body is an OpenAPI 3.x document
    /// as JSON (up to 1 MiB; send the document itself, not a multipart upload,
    /// which generated SDKs cannot send). The resource is named by the `name`
    /// query parameter, else the document's first absolute `servers[].url`,
    /// else `info.title`; its display name and description come from `info`.
    /// Every scope of every flow of every `oauth2` security scheme becomes an
    /// API scope of the tenant (created if missing, its display name the
    /// scope's description; reused if present) contained by the new resource;
    /// scopes that are identity resources of the tenant (`openid`, `email`, …)
    /// are left out.
    /// Answers 201 with the id and a secret shown once, like create. A body
    /// that is not an OpenAPI 3.x object (Swagger 2.0 is not supported) or
    /// yields no name answers 422; a name already taken answers 409.
    ///
    /// Permission: `oauthapp.apiresource.post`.
    #[endpoint { method = POST, path = "/api/ApiResource/{id}", tags = ["admin-api-resources"], request_body_max_bytes = IMPORT_BODY_MAX_BYTES }]
    async fn api_resource_import(
        rqctx: RequestContext<Self::Context>,
        path: Path<ApiResourceImportPath>,
        query: Query<ApiResourceImportQuery>,
        body: TypedBody<serde_json::Value>,
    ) -> Result<HttpResponseCreated<ApiResult<ApiResourceCreated>>, AdminError>;

    /// View an API resource
    ///
    /// One API resource of the caller's tenant, complete (secrets without
    /// their values).
    ///
    /// Permission: `oauthapp.apiresource.detail`.
    #[endpoint { method = GET, path = "/api/ApiResource/{id}", tags = ["admin-api-resources"] }]
    async fn api_resource_view(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<ApiResource>>, AdminError>;

    /// Update an API resource
    ///
    /// Fields present in the body replace the stored ones; the others stay as
    /// they are (`scopes` replaces the whole list). Secrets are managed with
    /// their own operations. Answers with the resource as now stored.
    ///
    /// Permission: `oauthapp.apiresource.put`.
    #[endpoint { method = PUT, path = "/api/ApiResource/{id}", tags = ["admin-api-resources"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn api_resource_update(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
        body: TypedBody<ApiResourceUpdate>,
    ) -> Result<HttpResponseOk<ApiResult<ApiResource>>, AdminError>;

    /// Update an API resource named in the body
    ///
    /// OAuthApp's `PUT /api/ApiResource` (`ApiResourcePut`): the body is the update of
    /// `PUT /api/ApiResource/{id}` plus the `id` of what it changes, with the same
    /// rules. Answers `true`, as OAuthApp does. A body without `id` is 422;
    /// an id that does not exist in the caller's tenant is 404.
    ///
    /// Permission: `oauthapp.apiresource.put`.
    #[endpoint { method = PUT, path = "/api/ApiResource", tags = ["admin-api-resources"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn api_resource_put(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<WithId<ApiResourceUpdate>>,
    ) -> Result<HttpResponseOk<ApiResult<bool>>, AdminError>;

    /// Delete an API resource
    ///
    /// Answers with the deleted id. Its secrets go with it; its API scopes stay.
    ///
    /// Permission: `oauthapp.apiresource.delete`.
    #[endpoint { method = DELETE, path = "/api/ApiResource/{id}", tags = ["admin-api-resources"] }]
    async fn api_resource_delete(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError>;

    /// Add a secret to an API resource
    ///
    /// Generates a 256-bit secret, stores its SHA-256 digest and answers 201
    /// with its id and value — shown this once; or imports `value` as the
    /// client secret operation does (never echoed; under 8 characters only
    /// with `allowWeakSecret`).
    ///
    /// Permission: `oauthapp.apiresource.put`.
    #[endpoint { method = POST, path = "/api/ApiResource/{id}/Secrets", tags = ["admin-api-resources"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn api_resource_secret_create(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
        body: TypedBody<SecretCreate>,
    ) -> Result<HttpResponseCreated<ApiResult<SecretCreated>>, AdminError>;

    /// Delete a secret of an API resource
    ///
    /// Answers with the deleted secret's id; the API can no longer
    /// authenticate with it.
    ///
    /// Permission: `oauthapp.apiresource.put`.
    #[endpoint { method = DELETE, path = "/api/ApiResource/{id}/Secrets/{secretId}", tags = ["admin-api-resources"] }]
    async fn api_resource_secret_delete(
        rqctx: RequestContext<Self::Context>,
        path: Path<SecretPath>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError>;

    /// Publish an API
    ///
    /// OAuthApp's gateway publish (API - 网关 - 发布或更新版本), kept by Keyward
    /// itself: the OpenAPI 3.x document in `document` (a JSON object, or JSON
    /// or YAML text), else the one fetched from `swaggerUrl`, is stored as
    /// the API's next revision (revisions are never overwritten), the API
    /// joins the product groups `productIds`, and the body without its
    /// document becomes the publish configuration. Name the revision with
    /// `PublishVersion` and put it online with `Versions/{revisionId}`. A
    /// document that is not OpenAPI 3.x, or neither `document` nor
    /// `swaggerUrl`, is 422; a `swaggerUrl` the server may not reach
    /// (loopback, private or reserved addresses unless the outbound
    /// allow-list names them), that does not answer, or answers more than
    /// 1 MiB is 422 saying why. Answers the new revision.
    ///
    /// Permission: `oauthapp.apiresource.publish`.
    #[endpoint { method = PUT, path = "/api/ApiResource/{id}/Publish", tags = ["admin-api-catalog"], request_body_max_bytes = IMPORT_BODY_MAX_BYTES }]
    async fn api_resource_publish(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
        body: TypedBody<ApiPublish>,
    ) -> Result<HttpResponseOk<ApiResult<ApiRevision>>, AdminError>;

    /// Store a revision of an API
    ///
    /// The document (or the one at `swaggerUrl`) becomes the API's next
    /// revision, with `releaseNote` as its first release note when given; the
    /// publish configuration is left alone. Errors as for publish.
    ///
    /// Permission: `oauthapp.apiresource.publishrevision`.
    #[endpoint { method = POST, path = "/api/ApiResource/{id}/PublishRevision", tags = ["admin-api-catalog"], request_body_max_bytes = IMPORT_BODY_MAX_BYTES }]
    async fn api_revision_create(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
        body: TypedBody<ApiRevisionCreate>,
    ) -> Result<HttpResponseCreated<ApiResult<ApiRevision>>, AdminError>;

    /// Name a revision as a version
    ///
    /// `apiVersionName` names revision `revisionId` of this API. A revision
    /// is named once, and a name is used once per API (409); an unknown
    /// revision is 404. The new version is offline.
    ///
    /// Permission: `oauthapp.apiresource.publishversion`.
    #[endpoint { method = POST, path = "/api/ApiResource/{id}/PublishVersion", tags = ["admin-api-catalog"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn api_version_create(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
        body: TypedBody<ApiVersionCreate>,
    ) -> Result<HttpResponseCreated<ApiResult<ApiRevision>>, AdminError>;

    /// View the last publish configuration
    ///
    /// The settings the last `Publish` of this API stored; 404 before the
    /// first.
    ///
    /// Permission: `oauthapp.apiresource.publishconfiguration`.
    #[endpoint { method = GET, path = "/api/ApiResource/{id}/PublishConfiguration", tags = ["admin-api-catalog"] }]
    async fn api_publish_configuration_view(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<ApiPublishConfiguration>>, AdminError>;

    /// List an API's revisions and versions
    ///
    /// Every revision of the API, newest first, with the version naming it
    /// and whether that version is online.
    ///
    /// Permission: `oauthapp.apiresource.versions`.
    #[endpoint { method = GET, path = "/api/ApiResource/{id}/Versions", tags = ["admin-api-catalog"] }]
    async fn api_version_list(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<Vec<ApiRevision>>>, AdminError>;

    /// Put a version online
    ///
    /// The version naming revision `revisionId` becomes the API's one online
    /// version; the one online before goes offline in the same transaction,
    /// so concurrent calls leave exactly one online. A revision no version
    /// names is 409; an unknown one 404.
    ///
    /// Permission: `oauthapp.apiresource.setonlineversion`.
    #[endpoint { method = POST, path = "/api/ApiResource/{id}/Versions/{revisionId}", tags = ["admin-api-catalog"] }]
    async fn api_version_set_online(
        rqctx: RequestContext<Self::Context>,
        path: Path<RevisionPath>,
    ) -> Result<HttpResponseOk<ApiResult<ApiRevision>>, AdminError>;

    /// List authorization servers
    ///
    /// The authorization servers APIs of this tenant can be protected by:
    /// the tenant itself, with its issuer and discovery document URL.
    /// OAuthApp's `GET /api/ApiResource/AuthServers`, which dropshot cannot
    /// route beside `/api/ApiResource/{id}`.
    ///
    /// Permission: `oauthapp.apiresource.authservers`.
    #[endpoint { method = GET, path = "/api/ApiGateway/AuthServers", tags = ["admin-api-catalog"] }]
    async fn auth_server_list(
        rqctx: RequestContext<Self::Context>,
    ) -> Result<HttpResponseOk<ApiResult<Vec<AuthServer>>>, AdminError>;

    /// List product groups
    ///
    /// The tenant's product groups, each a named set of its APIs. OAuthApp's
    /// `GET /api/ApiResource/Products`, which dropshot cannot route beside
    /// `/api/ApiResource/{id}`.
    ///
    /// Permission: `oauthapp.apiresource.products`.
    #[endpoint { method = GET, path = "/api/ApiGateway/Products", tags = ["admin-api-catalog"] }]
    async fn api_product_list(
        rqctx: RequestContext<Self::Context>,
    ) -> Result<HttpResponseOk<ApiResult<Vec<ApiProduct>>>, AdminError>;

    /// Create a product group
    ///
    /// `name` is unique in the tenant (409); each of `apiIds` must be an API
    /// resource of the tenant (422).
    ///
    /// Permission: `oauthapp.apiresource.postproducts`.
    #[endpoint { method = POST, path = "/api/ApiGateway/Products", tags = ["admin-api-catalog"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn api_product_create(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<ApiProductBody>,
    ) -> Result<HttpResponseCreated<ApiResult<ApiProduct>>, AdminError>;

    /// Replace a product group
    ///
    /// Every field is replaced, `apiIds` as a whole set; rules as for create.
    ///
    /// Permission: `oauthapp.apiresource.putproduct`.
    #[endpoint { method = PUT, path = "/api/ApiGateway/Products/{productId}", tags = ["admin-api-catalog"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn api_product_update(
        rqctx: RequestContext<Self::Context>,
        path: Path<ProductPath>,
        body: TypedBody<ApiProductBody>,
    ) -> Result<HttpResponseOk<ApiResult<ApiProduct>>, AdminError>;

    /// Delete a product group
    ///
    /// Its APIs stay. Answers the deleted id.
    ///
    /// Permission: `oauthapp.apiresource.deleteproduct`.
    #[endpoint { method = DELETE, path = "/api/ApiGateway/Products/{productId}", tags = ["admin-api-catalog"] }]
    async fn api_product_delete(
        rqctx: RequestContext<Self::Context>,
        path: Path<ProductPath>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError>;

    /// List release notes
    ///
    /// The API's release notes, newest first; `aid` keeps one revision's.
    ///
    /// Permission: `oauthapp.apiresource.releases`.
    #[endpoint { method = GET, path = "/api/ApiResource/{id}/Releases", tags = ["admin-api-catalog"] }]
    async fn api_release_list(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
        query: Query<ApiReleaseQuery>,
    ) -> Result<HttpResponseOk<ApiResult<Vec<ApiRelease>>>, AdminError>;

    /// Add release notes to a revision
    ///
    /// `aid` must be a revision of this API (422).
    ///
    /// Permission: `oauthapp.apiresource.postrelease`.
    #[endpoint { method = POST, path = "/api/ApiResource/{id}/Releases", tags = ["admin-api-catalog"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn api_release_create(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
        body: TypedBody<ApiReleaseCreate>,
    ) -> Result<HttpResponseCreated<ApiResult<ApiRelease>>, AdminError>;

    /// Change release notes
    ///
    /// Replaces the notes' text.
    ///
    /// Permission: `oauthapp.apiresource.putrelease`.
    #[endpoint { method = PUT, path = "/api/ApiResource/{id}/Releases/{releaseId}", tags = ["admin-api-catalog"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn api_release_update(
        rqctx: RequestContext<Self::Context>,
        path: Path<ReleasePath>,
        body: TypedBody<ApiReleaseUpdate>,
    ) -> Result<HttpResponseOk<ApiResult<ApiRelease>>, AdminError>;

    /// Delete release notes
    ///
    /// Answers the deleted id; the revision stays.
    ///
    /// Permission: `oauthapp.apiresource.deleterelease`.
    #[endpoint { method = DELETE, path = "/api/ApiResource/{id}/Releases/{releaseId}", tags = ["admin-api-catalog"] }]
    async fn api_release_delete(
        rqctx: RequestContext<Self::Context>,
        path: Path<ReleasePath>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError>;

    /// List an API's subscribers
    ///
    /// The confirmed e-mail subscribers of the API's releases.
    ///
    /// Permission: `oauthapp.apiresource.subscriptions`.
    #[endpoint { method = GET, path = "/api/ApiResource/{id}/Subscriptions", tags = ["admin-api-catalog"] }]
    async fn api_subscriber_list(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<Vec<ApiSubscriber>>>, AdminError>;

    /// Ask an address to confirm a subscription
    ///
    /// The first step of the double opt-in: e-mails `email` a link to
    /// `AddSubscription` carrying a signed code valid for 30 minutes. Nothing
    /// is stored until the address's owner follows it. An address already
    /// subscribed is 409; an invalid one 422; no e-mail delivery 503.
    ///
    /// Permission: `oauthapp.apiresource.verifyemail`.
    #[endpoint { method = POST, path = "/api/ApiResource/{id}/Subscriptions/VerifyEmail", tags = ["admin-api-catalog"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn api_subscription_confirm_send(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
        body: TypedBody<SubscriptionEmail>,
    ) -> Result<HttpResponseOk<ApiResult<bool>>, AdminError>;

    /// Subscription confirmation page
    ///
    /// The link of the confirmation e-mail: an HTML page asking the owner of
    /// the address to confirm, whose button posts the `code` back (the
    /// next operation). Following the link changes nothing, so a mail
    /// scanner that opens every link subscribes nobody. A forged or altered
    /// code is 400, an expired one 410, an address already subscribed 409,
    /// each as a page.
    ///
    /// Permission: none (the signed code is the proof).
    #[endpoint { method = GET, path = "/api/ApiResource/{id}/AddSubscription", tags = ["admin-api-catalog"] }]
    async fn api_subscription_add(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
        query: Query<SubscriptionCode>,
    ) -> Result<http::Response<Body>, AdminError>;

    /// Confirm a subscription
    ///
    /// The confirmation page's form: a valid, unexpired `code` signed for
    /// this API of this tenant subscribes its address, and an e-mail with an
    /// unsubscribe link (`DelSubscription`, valid 30 days) follows. Answers
    /// a page; a forged or altered code is 400, an expired one 410, an
    /// address already subscribed 409.
    ///
    /// Permission: none (the signed code is the proof).
    #[endpoint {
        method = POST,
        path = "/api/ApiResource/{id}/AddSubscription",
        tags = ["admin-api-catalog"],
        content_type = "application/x-www-form-urlencoded",
    }]
    async fn api_subscription_add_confirm(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
        body: TypedBody<SubscriptionCode>,
    ) -> Result<http::Response<Body>, AdminError>;

    /// Cancel a subscription
    ///
    /// The unsubscribe link: a valid, unexpired `code` signed for this API
    /// unsubscribes its address (404 if it is not subscribed). A forged or
    /// altered code is 400, an expired one 410.
    ///
    /// Permission: none (the signed code is the proof).
    #[endpoint { method = GET, path = "/api/ApiResource/{id}/DelSubscription", tags = ["admin-api-catalog"] }]
    async fn api_subscription_delete(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
        query: Query<SubscriptionCode>,
    ) -> Result<HttpResponseOk<ApiResult<bool>>, AdminError>;

    /// List an API's packages
    ///
    /// The SDK packages of the API's package market.
    ///
    /// Permission: `oauthapp.apiresource.packages`.
    #[endpoint { method = GET, path = "/api/ApiResource/{id}/Packages", tags = ["admin-api-catalog"] }]
    async fn api_package_list(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<Vec<ApiPackage>>>, AdminError>;

    /// Add a package
    ///
    /// Field rules are on the body; `link` and `icon` are absolute http(s)
    /// URLs (422 otherwise).
    ///
    /// Permission: `oauthapp.apiresource.postpackages`.
    #[endpoint { method = POST, path = "/api/ApiResource/{id}/Packages", tags = ["admin-api-catalog"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn api_package_create(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
        body: TypedBody<ApiPackageBody>,
    ) -> Result<HttpResponseCreated<ApiResult<ApiPackage>>, AdminError>;

    /// Replace a package
    ///
    /// Every field is replaced; rules as for add.
    ///
    /// Permission: `oauthapp.apiresource.putpackage`.
    #[endpoint { method = PUT, path = "/api/ApiResource/{id}/Packages/{packageId}", tags = ["admin-api-catalog"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn api_package_update(
        rqctx: RequestContext<Self::Context>,
        path: Path<PackagePath>,
        body: TypedBody<ApiPackageBody>,
    ) -> Result<HttpResponseOk<ApiResult<ApiPackage>>, AdminError>;

    /// Delete a package
    ///
    /// Answers the deleted id.
    ///
    /// Permission: `oauthapp.apiresource.deletepackage`.
    #[endpoint { method = DELETE, path = "/api/ApiResource/{id}/Packages/{packageId}", tags = ["admin-api-catalog"] }]
    async fn api_package_delete(
        rqctx: RequestContext<Self::Context>,
        path: Path<PackagePath>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError>;

    /// List API scopes
    ///
    /// Filters, sorts and pages the API scopes of the caller's tenant. List
    /// rows carry their `properties` only with `q.expandProperties=true` and
    /// their `userClaims` only with `q.expandClaims=true` (otherwise empty);
    /// the detail view is always complete.
    ///
    /// Permission: `isms.apiscope.get`.
    #[endpoint { method = GET, path = "/api/ApiScope", tags = ["admin-api-scopes"] }]
    async fn api_scope_list(
        rqctx: RequestContext<Self::Context>,
        query: Query<ApiScopeListQuery>,
    ) -> Result<HttpResponseOk<Paged<ApiScope>>, AdminError>;

    /// Create an API scope
    ///
    /// Answers 201 with the new scope's id; clients may then be allowed it.
    /// A name that is a Keyward permission (`isms.…`, `oauthapp.…`) answers
    /// 422; one taken by an API scope or identity resource answers 409.
    ///
    /// Permission: `isms.apiscope.post`.
    #[endpoint { method = POST, path = "/api/ApiScope", tags = ["admin-api-scopes"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn api_scope_create(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<ApiScopeCreate>,
    ) -> Result<HttpResponseCreated<ApiResult<i64>>, AdminError>;

    /// View an API scope
    ///
    /// One API scope of the caller's tenant, complete.
    ///
    /// Permission: `isms.apiscope.detail`.
    #[endpoint { method = GET, path = "/api/ApiScope/{id}", tags = ["admin-api-scopes"] }]
    async fn api_scope_view(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<ApiScope>>, AdminError>;

    /// Update an API scope
    ///
    /// Fields present in the body replace the stored ones; the others stay as
    /// they are. Renaming a scope that a client's `allowedScopes` or an API
    /// resource names answers 409 listing them. Answers with the scope as now
    /// stored.
    ///
    /// Permission: `isms.apiscope.put`.
    #[endpoint { method = PUT, path = "/api/ApiScope/{id}", tags = ["admin-api-scopes"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn api_scope_update(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
        body: TypedBody<ApiScopeUpdate>,
    ) -> Result<HttpResponseOk<ApiResult<ApiScope>>, AdminError>;

    /// Update an API scope named in the body
    ///
    /// OAuthApp's `PUT /api/ApiScope` (`ApiScopePut`): the body is the update of
    /// `PUT /api/ApiScope/{id}` plus the `id` of what it changes, with the same
    /// rules. Answers `true`, as OAuthApp does. A body without `id` is 422;
    /// an id that does not exist in the caller's tenant is 404.
    ///
    /// Permission: `isms.apiscope.put`.
    #[endpoint { method = PUT, path = "/api/ApiScope", tags = ["admin-api-scopes"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn api_scope_put(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<WithId<ApiScopeUpdate>>,
    ) -> Result<HttpResponseOk<ApiResult<bool>>, AdminError>;

    /// Delete an API scope
    ///
    /// Answers with the deleted id. A scope that a client's `allowedScopes` or
    /// an API resource names cannot be deleted (409 listing them).
    ///
    /// Permission: `isms.apiscope.delete`.
    #[endpoint { method = DELETE, path = "/api/ApiScope/{id}", tags = ["admin-api-scopes"] }]
    async fn api_scope_delete(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError>;

    /// Upload a video or document
    ///
    /// OAuthApp's `POST /api/Blob/File?folderName=`. The body is the file:
    /// `multipart/form-data` with the file in the field `value` (as OAuthApp's
    /// clients send it), or the bare bytes under any other `Content-Type` (what
    /// the generated SDKs send; the document describes only this form, as
    /// progenitor cannot generate multipart bodies). The type is decided by
    /// the bytes alone, never by a header or file name: video (mp4, mov, webm,
    /// mkv, avi, wmv/asf, flv, mpeg) up to 20 MiB, pdf, doc or docx up to
    /// 10 MiB. Anything else answers 415 saying what was found; a larger file
    /// answers 413. `folderName` is 5 to 30 letters and digits (default the
    /// UTC date, `yyyyMMdd`); the file is stored under a name Keyward makes.
    /// Answers 201 with the URL the file is served at (`GET /blobs/…`).
    ///
    /// Permission: `isms.blob.post`.
    #[endpoint { method = POST, path = "/api/Blob/File", tags = ["admin-blobs"], request_body_max_bytes = blob::FILE_BODY_MAX_BYTES }]
    async fn blob_file_upload(
        rqctx: RequestContext<Self::Context>,
        query: Query<BlobFolderQuery>,
        body: StreamingBody,
    ) -> Result<HttpResponseCreated<ApiResult<String>>, AdminError>;

    /// Upload an image
    ///
    /// OAuthApp's `POST /api/Blob/Image?folderName=`: as `POST /api/Blob/File`
    /// (multipart field `value`, or the bare bytes), for a JPEG or PNG image up
    /// to 10 MiB. A declared `application/octet-stream` is accepted when the
    /// bytes are a JPEG or PNG; anything else (an SVG, HTML, a GIF) answers 415.
    ///
    /// Permission: `isms.blob.image`.
    #[endpoint { method = POST, path = "/api/Blob/Image", tags = ["admin-blobs"], request_body_max_bytes = blob::IMAGE_BODY_MAX_BYTES }]
    async fn blob_image_upload(
        rqctx: RequestContext<Self::Context>,
        query: Query<BlobFolderQuery>,
        body: StreamingBody,
    ) -> Result<HttpResponseCreated<ApiResult<String>>, AdminError>;

    /// Upload a base64 PNG image
    ///
    /// OAuthApp's `POST /api/Blob/Base64?folderName=`: the body is a JSON
    /// string holding a PNG image in base64 (a `data:image/png;base64,` prefix
    /// is allowed), up to 10 MiB decoded. Answers 201 with its URL; text that is
    /// not base64 answers 400, bytes that are not a PNG 415.
    ///
    /// Permission: `isms.blob.base64`.
    #[endpoint { method = POST, path = "/api/Blob/Base64", tags = ["admin-blobs"], request_body_max_bytes = blob::BASE64_BODY_MAX_BYTES }]
    async fn blob_base64_upload(
        rqctx: RequestContext<Self::Context>,
        query: Query<BlobFolderQuery>,
        body: TypedBody<String>,
    ) -> Result<HttpResponseCreated<ApiResult<String>>, AdminError>;

    /// Download an uploaded file
    ///
    /// The URL an upload answered: the file of the tenant the Host header
    /// names, byte for byte, with the type found at upload,
    /// `X-Content-Type-Options: nosniff` and a `Content-Security-Policy` that
    /// runs nothing, so no upload can act on this origin. Images and videos are
    /// served `inline`, documents as `attachment`. Another tenant's file, or
    /// one that does not exist, is 404.
    ///
    /// Permission: none (like OAuthApp's public blob URLs; names are random).
    #[endpoint { method = GET, path = "/blobs/{folder}/{name}", tags = ["admin-blobs"] }]
    async fn blob_view(
        rqctx: RequestContext<Self::Context>,
        path: Path<BlobPath>,
    ) -> Result<http::Response<Body>, AdminError>;

    /// List client generators
    ///
    /// OAuthApp's `GET /api/CodeGen/Clients`, which dropshot cannot route
    /// beside `/api/CodeGen/{id}/…`. The generators `Gen` accepts for client
    /// SDKs: `rust` (progenitor, linked into Keyward) always; with
    /// `--openapi-generator`, every client generator of openapi-generator-cli,
    /// read once and kept (`fromCache=false` reads them again). 503 when
    /// openapi-generator-cli is configured but cannot list them.
    ///
    /// Permission: `isms.codegen.clients`.
    #[endpoint { method = GET, path = "/api/CodeGenerators/Clients", tags = ["admin-codegen"] }]
    async fn codegen_client_list(
        rqctx: RequestContext<Self::Context>,
        query: Query<GeneratorListQuery>,
    ) -> Result<HttpResponseOk<ApiResult<Vec<Generator>>>, AdminError>;

    /// List server generators
    ///
    /// OAuthApp's `GET /api/CodeGen/Servers`: openapi-generator-cli's server
    /// stub generators when the server is started with
    /// `--openapi-generator`, else none. `fromCache` as for the clients.
    ///
    /// Permission: `isms.codegen.servers`.
    #[endpoint { method = GET, path = "/api/CodeGenerators/Servers", tags = ["admin-codegen"] }]
    async fn codegen_server_list(
        rqctx: RequestContext<Self::Context>,
        query: Query<GeneratorListQuery>,
    ) -> Result<HttpResponseOk<ApiResult<Vec<Generator>>>, AdminError>;

    /// Generate code for a document
    ///
    /// OAuthApp's `POST /api/CodeGen/Gen` (SDK preview): the files of the
    /// `genName` SDK for the OpenAPI document given in `document`, or
    /// fetched from `swaggerUrl` (as for publishing: loopback, private and
    /// reserved addresses are refused unless the outbound allow-list names
    /// them; at most 1 MiB). Generation runs in a child process limited in
    /// time and memory, a few at a time; anonymous callers may hold half of
    /// the slots, and are answered 503 at once when those are busy. A
    /// document whose `$ref`s point outside it (or with `$id`, `$schema`,
    /// `$dynamicRef` or `$recursiveRef`, which move or bypass the base a
    /// `$ref` resolves against) is 422, as are an unknown `genName` and a
    /// document the generator rejects, saying why (a fetch failure carries
    /// business code 200001); a generator of openapi-generator-cli on a
    /// server started without `--openapi-generator` is 501; a generation over
    /// its limits 422.
    ///
    /// Permission: `isms.codegen.gen`. Without a token only when the server
    /// runs with `--codegen-anonymous` (else 401): then with the generators
    /// it reviewed for that (others 401), a number of requests per address
    /// (then 429) and a 30 s time limit.
    #[endpoint { method = POST, path = "/api/CodeGenerators/Gen", tags = ["admin-codegen"], request_body_max_bytes = codegen::GEN_BODY_MAX_BYTES }]
    async fn codegen_generate(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<GenRequest>,
    ) -> Result<HttpResponseOk<ApiResult<GeneratedSdk>>, AdminError>;

    /// Generate code for a stored revision
    ///
    /// As `POST /api/CodeGenerators/Gen`, for revision `revisionId` of the
    /// API (default: the online version's, else the newest); recorded in the
    /// API's history. Waits up to 10 s for a generation slot (then 503). An
    /// API with no revision, or an unknown revision, is 404.
    ///
    /// Permission: `isms.codegen.gen`.
    #[endpoint { method = POST, path = "/api/CodeGen/{id}/Gen", tags = ["admin-codegen"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn codegen_generate_stored(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
        body: TypedBody<GenStoredRequest>,
    ) -> Result<HttpResponseOk<ApiResult<GeneratedSdk>>, AdminError>;

    /// View an API's npm options
    ///
    /// The package settings `ReleaseSDK` uses for `language` (`angular2` or
    /// `jQuery`); the token only as `tokenSet`. 404 (business code 200002)
    /// before they are set.
    ///
    /// Permission: `isms.codegen.npmoptions`.
    #[endpoint { method = GET, path = "/api/CodeGen/{id}/NpmOptions/{language}", tags = ["admin-codegen"] }]
    async fn codegen_npm_options_view(
        rqctx: RequestContext<Self::Context>,
        path: Path<NpmOptionsPath>,
    ) -> Result<HttpResponseOk<ApiResult<NpmOptions>>, AdminError>;

    /// Set an API's npm options
    ///
    /// Replaces the settings for `language`; field rules are on the body. The
    /// token is encrypted under the master key and never answered; leave it
    /// out to keep the stored one.
    ///
    /// Permission: `isms.codegen.putnpmoptions`.
    #[endpoint { method = PUT, path = "/api/CodeGen/{id}/NpmOptions/{language}", tags = ["admin-codegen"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn codegen_npm_options_update(
        rqctx: RequestContext<Self::Context>,
        path: Path<NpmOptionsPath>,
        body: TypedBody<NpmOptionsBody>,
    ) -> Result<HttpResponseOk<ApiResult<NpmOptions>>, AdminError>;

    /// View an API's GitHub options
    ///
    /// The repository `SyncGithub` pushes to; the token only as `tokenSet`.
    /// 404 (business code 200003) before they are set.
    ///
    /// Permission: `isms.codegen.githuboptions`.
    #[endpoint { method = GET, path = "/api/CodeGen/{id}/GithubOptions", tags = ["admin-codegen"] }]
    async fn codegen_github_options_view(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<GithubOptions>>, AdminError>;

    /// Set an API's GitHub options
    ///
    /// Replaces them; field rules are on the body. The token is encrypted
    /// under the master key and never answered; leave it out to keep the
    /// stored one.
    ///
    /// Permission: `isms.codegen.putgithuboptions`.
    #[endpoint { method = PUT, path = "/api/CodeGen/{id}/GithubOptions", tags = ["admin-codegen"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn codegen_github_options_update(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
        body: TypedBody<GithubOptionsBody>,
    ) -> Result<HttpResponseOk<ApiResult<GithubOptions>>, AdminError>;

    /// Push the SDK to GitHub
    ///
    /// Generates the SDK of the GitHub options' `genName` and commits it on
    /// top of the branch through GitHub's REST API (blobs, a tree on the
    /// branch's tree, a commit, the branch moved to it): one commit, only
    /// when something changed. Generated documentation is left out unless
    /// `syncDocs`; with `syncLabels`, each tag of the document becomes an
    /// issue label. Recorded in the history. No GitHub options or no token
    /// is 404 or 422; the branch moved by another push meanwhile is 409 (sync
    /// again); GitHub refusing or failing is 502 with its status and message.
    ///
    /// Permission: `isms.codegen.putgithuboptions` (as in seed 001).
    #[endpoint { method = PUT, path = "/api/CodeGen/{id}/SyncGithub", tags = ["admin-codegen"] }]
    async fn codegen_github_sync(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<GithubSync>>, AdminError>;

    /// View an API's common code generation options
    ///
    /// 404 (business code 200004) before they are set.
    ///
    /// Permission: `isms.codegen.commonoptions`.
    #[endpoint { method = GET, path = "/api/CodeGen/{id}/CommonOptions", tags = ["admin-codegen"] }]
    async fn codegen_common_options_view(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<CommonOptions>>, AdminError>;

    /// Set an API's common code generation options
    ///
    /// `swaggerUrl`, when given, is an absolute http(s) URL of up to 2000
    /// characters.
    ///
    /// Permission: `isms.codegen.putcommonoptions`.
    #[endpoint { method = PUT, path = "/api/CodeGen/{id}/CommonOptions", tags = ["admin-codegen"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn codegen_common_options_update(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
        body: TypedBody<CommonOptions>,
    ) -> Result<HttpResponseOk<ApiResult<CommonOptions>>, AdminError>;

    /// Release the SDK to a package registry
    ///
    /// OAuthApp's `POST /api/CodeGen/ReleaseSDK`, which dropshot cannot route
    /// beside `/api/CodeGen/{id}/…`. Generates the `language` package
    /// (openapi-generator's `typescript-angular` or `typescript-jquery`)
    /// named and versioned by the API's npm options, and publishes it to the
    /// npm registry the server is configured with (`--npm-registry`) with
    /// the stored token; recorded in the history. `nuget`, `gradle` and
    /// `spm` are 501, as is a server without `--openapi-generator`. No npm
    /// options is 404, no token 422; the registry refusing (a version
    /// published before, a bad token) is 502 with its status and message.
    ///
    /// Permission: `isms.codegen.releasesdk`.
    #[endpoint { method = POST, path = "/api/CodeGenerators/ReleaseSDK", tags = ["admin-codegen"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn codegen_sdk_release(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<SdkReleaseRequest>,
    ) -> Result<HttpResponseCreated<ApiResult<CodegenHistory>>, AdminError>;

    /// List an API's SDK history
    ///
    /// Every generation, push and release of the API's SDKs, newest first.
    ///
    /// Permission: `isms.apiresource.history`.
    #[endpoint { method = GET, path = "/api/CodeGen/{id}/History", tags = ["admin-codegen"] }]
    async fn codegen_history_list(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<Vec<CodegenHistory>>>, AdminError>;

    /// Record a release made elsewhere
    ///
    /// Adds a `posted` entry to the API's history. Seed 001 lets anyone call
    /// this; Keyward asks for a permission, so that the history of a tenant's
    /// API is written only by whom the tenant allows.
    ///
    /// Permission: `isms.codegen.posthistory`.
    #[endpoint { method = POST, path = "/api/CodeGen/{id}/PostHistory", tags = ["admin-codegen"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn codegen_history_create(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
        body: TypedBody<CodegenHistoryCreate>,
    ) -> Result<HttpResponseCreated<ApiResult<CodegenHistory>>, AdminError>;

    /// View an app's end-user settings
    ///
    /// The settings `/api/AppUsers/{appId}/…` and `/api/OAuth/{appId}/…` apply
    /// for this client: sign-up rules, token lifetime, points, code templates,
    /// the GrantCode whitelist and WeChat mini-program credentials (the
    /// secret is never shown).
    ///
    /// Permission: `isms.client.detail`.
    #[endpoint { method = GET, path = "/api/Client/{id}/AppSettings", tags = ["admin-clients"] }]
    async fn app_settings_view(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<AppSettings>>, AdminError>;

    /// Update an app's end-user settings
    ///
    /// Fields present replace the stored ones. Templates must contain
    /// `{code}`; 422 names the first invalid field. Answers with the settings
    /// as now stored.
    ///
    /// Permission: `isms.client.put`.
    #[endpoint { method = PUT, path = "/api/Client/{id}/AppSettings", tags = ["admin-clients"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn app_settings_update(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
        body: TypedBody<AppSettingsUpdate>,
    ) -> Result<HttpResponseOk<ApiResult<AppSettings>>, AdminError>;

    /// Sign in by unionID
    ///
    /// Signs in the user linked to (`platform`, `unionID`). Served only when
    /// the app enables unionID sign-in (403 otherwise); an unknown identity
    /// answers 404 and counts as a failed sign-in of the client address, so
    /// an address with 20 failures in 15 minutes answers 429 (with
    /// `Retry-After`).
    ///
    /// Permission: none.
    #[endpoint { method = POST, path = "/api/AppUsers/{appId}/UnionIDSignIn", tags = ["app-users"], request_body_max_bytes = APP_BODY_MAX_BYTES }]
    async fn app_union_id_sign_in(
        rqctx: RequestContext<Self::Context>,
        path: Path<AppPath>,
        body: TypedBody<UnionIdSignIn>,
    ) -> CorsReply<AppReply<AppToken>, AppError>;

    /// Sign up by unionID
    ///
    /// Requires `unionID` and `platform`; creates a user linked to them
    /// (409 if the identity or the user name is taken). `userName` defaults to
    /// the unionID. Needs the app's unionID sign-in and sign-up enabled.
    ///
    /// Permission: none.
    #[endpoint { method = POST, path = "/api/AppUsers/{appId}/UnionIDSignUp", tags = ["app-users"], request_body_max_bytes = APP_BODY_MAX_BYTES }]
    async fn app_union_id_sign_up(
        rqctx: RequestContext<Self::Context>,
        path: Path<AppPath>,
        body: TypedBody<SignUp>,
    ) -> CorsReply<AppReply<AppToken>, AppError>;

    /// Sign in with a password
    ///
    /// `userName` may be the user name, email or phone. A wrong name or
    /// password gives the same 401; 5 failures per account or 20 per address
    /// in 15 minutes answer 429, with `Retry-After` the seconds until that
    /// window closes.
    ///
    /// Permission: none.
    #[endpoint { method = POST, path = "/api/AppUsers/{appId}/SignIn", tags = ["app-users"], request_body_max_bytes = APP_BODY_MAX_BYTES }]
    async fn app_sign_in(
        rqctx: RequestContext<Self::Context>,
        path: Path<AppPath>,
        body: TypedBody<PasswordSignIn>,
    ) -> CorsReply<AppReply<AppToken>, AppError>;

    /// Sign up with a user name and password
    ///
    /// Requires `userName` and `pwd`; `phone`+`phoneCode` and
    /// `email`+`emailCode` when the app requires them. A phone or email sent
    /// with its `signup` code is stored verified; without one, unverified
    /// (never used to find the account). 409 if the user name, or a verified
    /// phone or email, is taken; 403 if the app disabled sign-up.
    ///
    /// Permission: none.
    #[endpoint { method = POST, path = "/api/AppUsers/{appId}/SignUp", tags = ["app-users"], request_body_max_bytes = APP_BODY_MAX_BYTES }]
    async fn app_sign_up(
        rqctx: RequestContext<Self::Context>,
        path: Path<AppPath>,
        body: TypedBody<SignUp>,
    ) -> CorsReply<AppReply<AppToken>, AppError>;

    /// Sign up with a phone number
    ///
    /// Requires `phone` and the `signup` code sent to it (`phoneCode`).
    /// `userName` defaults to the phone number.
    ///
    /// Permission: none.
    #[endpoint { method = POST, path = "/api/AppUsers/{appId}/PhoneSignUp", tags = ["app-users"], request_body_max_bytes = APP_BODY_MAX_BYTES }]
    async fn app_phone_sign_up(
        rqctx: RequestContext<Self::Context>,
        path: Path<AppPath>,
        body: TypedBody<SignUp>,
    ) -> CorsReply<AppReply<AppToken>, AppError>;

    /// Sign in with a phone code
    ///
    /// Requires `phone` and the `signin` code sent to it (`verifyCode`).
    /// A wrong code counts against the code's 5 attempts.
    ///
    /// Permission: none.
    #[endpoint { method = POST, path = "/api/AppUsers/{appId}/PhoneSignIn", tags = ["app-users"], request_body_max_bytes = APP_BODY_MAX_BYTES }]
    async fn app_phone_sign_in(
        rqctx: RequestContext<Self::Context>,
        path: Path<AppPath>,
        body: TypedBody<PhoneSignIn>,
    ) -> CorsReply<AppReply<AppToken>, AppError>;

    /// Send a code by SMS
    ///
    /// Sends a 6-digit code for `type` (`signup`, `signin`, `forgetpwd`),
    /// valid 10 minutes, at most 5 wrong attempts. One send per number per
    /// 60 s and a daily cap per number and per client address (429 with the
    /// wait, also in `Retry-After`). The answer never says whether the number has an account.
    ///
    /// Permission: none.
    #[endpoint { method = POST, path = "/api/AppUsers/{appId}/SendSMSCode", tags = ["app-users"], request_body_max_bytes = APP_BODY_MAX_BYTES }]
    async fn app_send_sms_code(
        rqctx: RequestContext<Self::Context>,
        path: Path<AppPath>,
        body: TypedBody<SendSmsCode>,
    ) -> CorsReply<AppReply<bool>, AppError>;

    /// Sign up with an email address
    ///
    /// Requires `email` and the `signup` code sent to it (`emailCode`).
    /// `userName` defaults to the address.
    ///
    /// Permission: none.
    #[endpoint { method = POST, path = "/api/AppUsers/{appId}/EmailSignUp", tags = ["app-users"], request_body_max_bytes = APP_BODY_MAX_BYTES }]
    async fn app_email_sign_up(
        rqctx: RequestContext<Self::Context>,
        path: Path<AppPath>,
        body: TypedBody<SignUp>,
    ) -> CorsReply<AppReply<AppToken>, AppError>;

    /// Sign in with an email code
    ///
    /// Requires `email` and the `signin` code sent to it (`verifyCode`).
    ///
    /// Permission: none.
    #[endpoint { method = POST, path = "/api/AppUsers/{appId}/EmailSignIn", tags = ["app-users"], request_body_max_bytes = APP_BODY_MAX_BYTES }]
    async fn app_email_sign_in(
        rqctx: RequestContext<Self::Context>,
        path: Path<AppPath>,
        body: TypedBody<EmailSignIn>,
    ) -> CorsReply<AppReply<AppToken>, AppError>;

    /// Send a code by email
    ///
    /// As SendSMSCode, over SMTP with the app's template.
    ///
    /// Permission: none.
    #[endpoint { method = POST, path = "/api/AppUsers/{appId}/SendEmailCode", tags = ["app-users"], request_body_max_bytes = APP_BODY_MAX_BYTES }]
    async fn app_send_email_code(
        rqctx: RequestContext<Self::Context>,
        path: Path<AppPath>,
        body: TypedBody<SendEmailCode>,
    ) -> CorsReply<AppReply<bool>, AppError>;

    /// Reset a password with a code
    ///
    /// Requires `phone` or `email`, the `forgetpwd` code sent to it (`code`)
    /// and the new password (`pwd`). A wrong code and an unknown address give
    /// the same 400.
    ///
    /// Permission: none.
    #[endpoint { method = POST, path = "/api/AppUsers/{appId}/ResetPwd", tags = ["app-users"], request_body_max_bytes = APP_BODY_MAX_BYTES }]
    async fn app_reset_password(
        rqctx: RequestContext<Self::Context>,
        path: Path<AppPath>,
        body: TypedBody<ResetPassword>,
    ) -> CorsReply<AppReply<bool>, AppError>;

    /// Start a QR-code sign-in
    ///
    /// Answers a `signInKey` (32 hex characters) valid 5 minutes; show its QR
    /// code (`QRCodeImage`) and poll `QRCodeSignIn`.
    ///
    /// Permission: none.
    #[endpoint { method = POST, path = "/api/AppUsers/{appId}/QRCodePreSignIn", tags = ["app-users"], request_body_max_bytes = APP_BODY_MAX_BYTES }]
    async fn app_qr_pre_sign_in(
        rqctx: RequestContext<Self::Context>,
        path: Path<AppPath>,
        body: TypedBody<QrPreSignIn>,
    ) -> CorsReply<AppReply<String>, AppError>;

    /// The QR code of a sign-in key
    ///
    /// A PNG (default) or SVG image encoding the `signInKey` of a pending
    /// sign-in (404 once it has expired or been used).
    ///
    /// Permission: none.
    #[endpoint { method = GET, path = "/api/AppUsers/{appId}/QRCodeImage", tags = ["app-users"] }]
    async fn app_qr_image(
        rqctx: RequestContext<Self::Context>,
        path: Path<AppPath>,
        query: Query<QrImageQuery>,
    ) -> CorsReply<http::Response<Body>, AppError>;

    /// Poll a QR-code sign-in
    ///
    /// While pending, 400 with `err` starting `authorization_pending:` and
    /// saying what is awaited (the scan, or the confirmation), as RFC 8628
    /// polling does; 410 once expired or spent; the token once confirmed (the
    /// key is then spent).
    ///
    /// Permission: none.
    #[endpoint { method = POST, path = "/api/AppUsers/{appId}/QRCodeSignIn", tags = ["app-users"], request_body_max_bytes = APP_BODY_MAX_BYTES }]
    async fn app_qr_sign_in(
        rqctx: RequestContext<Self::Context>,
        path: Path<AppPath>,
        body: TypedBody<QrKey>,
    ) -> CorsReply<AppReply<AppToken>, AppError>;

    /// Scan a QR code
    ///
    /// Called by the scanning app: marks the sign-in scanned and answers the
    /// app card to show. Valid once, from the pending state only (409 after).
    ///
    /// Permission: none.
    #[endpoint { method = POST, path = "/api/AppUsers/{appId}/QRCodeScan", tags = ["app-users"], request_body_max_bytes = APP_BODY_MAX_BYTES }]
    async fn app_qr_scan(
        rqctx: RequestContext<Self::Context>,
        path: Path<AppPath>,
        body: TypedBody<QrKey>,
    ) -> CorsReply<AppReply<AppCard>, AppError>;

    /// Confirm a QR-code sign-in
    ///
    /// Called by the scanning app after the scan: links or creates the user by
    /// (`platform`, `unionID`) — with WeChat credentials configured, by the
    /// `code2session` answer for `code` instead — and completes the sign-in.
    /// Answers the scanning side's token.
    ///
    /// Permission: none.
    #[endpoint { method = POST, path = "/api/AppUsers/{appId}/QRCodeSignUp", tags = ["app-users"], request_body_max_bytes = APP_BODY_MAX_BYTES }]
    async fn app_qr_sign_up(
        rqctx: RequestContext<Self::Context>,
        path: Path<AppPath>,
        body: TypedBody<SignUp>,
    ) -> CorsReply<AppReply<AppToken>, AppError>;

    /// The signed-in user's profile
    ///
    /// Permission: an access token the app issued to the user.
    #[endpoint { method = GET, path = "/api/AppUsers/{appId}/Profile", tags = ["app-users"] }]
    async fn app_profile_get(
        rqctx: RequestContext<Self::Context>,
        path: Path<AppPath>,
    ) -> CorsReply<AppReply<Profile>, AppError>;

    /// Update the signed-in user's profile
    ///
    /// `avatar`, `nickName` and `data`; blank or missing fields stay.
    ///
    /// Permission: an access token the app issued to the user.
    #[endpoint { method = PUT, path = "/api/AppUsers/{appId}/Profile", tags = ["app-users"], request_body_max_bytes = APP_BODY_MAX_BYTES }]
    async fn app_profile_update(
        rqctx: RequestContext<Self::Context>,
        path: Path<AppPath>,
        body: TypedBody<ProfileUpdate>,
    ) -> CorsReply<AppReply<bool>, AppError>;

    /// The signed-in user's points ledger
    ///
    /// Newest first, filtered by `type`, with the total and current balance.
    ///
    /// Permission: an access token the app issued to the user.
    #[endpoint { method = GET, path = "/api/AppUsers/{appId}/PointLog", tags = ["app-users"] }]
    async fn app_point_log(
        rqctx: RequestContext<Self::Context>,
        path: Path<AppPath>,
        query: Query<PointLogQuery>,
    ) -> CorsReply<AppReply<PointLog>, AppError>;

    /// Recharge points
    ///
    /// Credits `price ×` the app's points per currency unit to the user
    /// `userID` in one transaction; the ledger entry records who credited
    /// (`creditedBy`). The app's server calls it with its client
    /// authentication (HTTP basic, or a client_credentials token of the app)
    /// after it has been paid; a user's own token is refused (403) unless the
    /// app's `userRechargeEnabled` setting allows users to credit themselves.
    /// An unknown `userID` is 404. With an `Idempotency-Key` header (1–100
    /// characters) a retry applies once and answers as the first; the same
    /// key with another body is 422.
    ///
    /// Permission: the app's client authentication (a user's token where the app allows it).
    #[endpoint { method = POST, path = "/api/AppUsers/{appId}/RechargePoints", tags = ["app-users"], request_body_max_bytes = APP_BODY_MAX_BYTES }]
    async fn app_recharge_points(
        rqctx: RequestContext<Self::Context>,
        path: Path<AppPath>,
        body: TypedBody<Recharge>,
    ) -> CorsReply<AppReply<bool>, AppError>;

    /// Spend points
    ///
    /// Debits `points` from the user `userID` in one transaction, never below
    /// zero: a debit larger than the balance is refused (409) and writes
    /// nothing, however many debits race. The entry joins the same ledger as
    /// recharges (`PointLog` type 2, `used` negative, `creditedBy` naming who
    /// debited) and is the answer. Who may call is as for RechargePoints: the
    /// app's server with its client authentication (HTTP basic, or a
    /// client_credentials token of the app); a user's own token only where
    /// the app's `userRechargeEnabled` setting lets users change their own
    /// points (403 otherwise). An unknown `userID` is 404. With an
    /// `Idempotency-Key` header (1–100 characters) a retry debits once and
    /// answers the first entry; the same key with another body (or a
    /// recharge's key) is 422.
    ///
    /// Permission: the app's client authentication (a user's token where the app allows it).
    #[endpoint { method = POST, path = "/api/AppUsers/{appId}/ConsumePoints", tags = ["app-users"], request_body_max_bytes = APP_BODY_MAX_BYTES }]
    async fn app_consume_points(
        rqctx: RequestContext<Self::Context>,
        path: Path<AppPath>,
        body: TypedBody<Consume>,
    ) -> CorsReply<AppReply<PointEntry>, AppError>;

    /// Grant a one-time code (app scheme)
    ///
    /// The user authenticates (`account`/`email`/`phone` with password, or
    /// `unionid`) and allows `scopes` for `redirect_uri`, which must be in the
    /// app's whitelist. Answers a 32-hex code valid 120 s for `Authorize`.
    ///
    /// Permission: none.
    #[endpoint { method = POST, path = "/api/OAuth/{appId}/GrantCode", tags = ["app-oauth"], request_body_max_bytes = APP_BODY_MAX_BYTES }]
    async fn app_grant_code(
        rqctx: RequestContext<Self::Context>,
        path: Path<AppPath>,
        query: Query<SchemeQuery>,
        body: TypedBody<GrantCodeRequest>,
    ) -> CorsReply<AppReply<GrantCode>, AppError>;

    /// Exchange a code for a token (app scheme)
    ///
    /// Single use within 120 s. Records the consent (scopes, redirect URI,
    /// expiry `expireInDays`) and answers a token living that many days.
    ///
    /// Permission: none.
    #[endpoint { method = POST, path = "/api/OAuth/{appId}/Authorize", tags = ["app-oauth"] }]
    async fn app_authorize(
        rqctx: RequestContext<Self::Context>,
        path: Path<AppPath>,
        query: Query<AuthorizeCodeQuery>,
    ) -> CorsReply<AppReply<AppToken>, AppError>;

    /// The caller's consents
    ///
    /// Every live consent the user gave in this tenant, from GrantCode and
    /// from the hosted consent page.
    ///
    /// Permission: an access token the app issued to the user.
    #[endpoint { method = GET, path = "/api/OAuth/{appId}/Consents", tags = ["app-oauth"] }]
    async fn app_consent_list(
        rqctx: RequestContext<Self::Context>,
        path: Path<AppPath>,
    ) -> CorsReply<AppReply<Vec<AppConsent>>, AppError>;

    /// Revoke a consent
    ///
    /// Deletes one of the caller's consents and revokes every token and
    /// refresh token the user's grants to that app carry (404 if it is not
    /// the caller's).
    ///
    /// Permission: an access token the app issued to the user.
    #[endpoint { method = DELETE, path = "/api/OAuth/{appId}/Consents/{id}", tags = ["app-oauth"] }]
    async fn app_consent_delete(
        rqctx: RequestContext<Self::Context>,
        path: Path<ConsentPath>,
    ) -> CorsReply<AppReply<bool>, AppError>;

    /// Send a sign-in code by SMS (seed 004)
    ///
    /// A 6-digit `signin` code valid 10 minutes for `mobile`, with the same
    /// limits as SendSMSCode (429 with `Retry-After`). Answers
    /// `{"expires_in": 600}`.
    ///
    /// Permission: client authentication.
    #[endpoint {
        method = POST,
        path = "/mobile/code/get",
        tags = ["oauth"],
        content_type = "application/x-www-form-urlencoded",
        request_body_max_bytes = TOKEN_BODY_MAX_BYTES,
    }]
    async fn mobile_code_get(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<MobileCodeRequest>,
    ) -> Result<OAuthReply<CodeSent>, OAuthError>;

    /// Check a sign-in code (seed 004)
    ///
    /// Whether `code` is the live `signin` code of `mobile`, without using it;
    /// a wrong code counts against its 5 attempts (400 `invalid_grant`). The
    /// app that sends codes checks them: it authenticates as a client allowed
    /// the `mobile` grant, as at `/mobile/code/get`, so no stranger can spend
    /// the attempts of a code sent to someone else.
    ///
    /// Permission: client authentication.
    #[endpoint {
        method = POST,
        path = "/mobile/code/verify",
        tags = ["oauth"],
        content_type = "application/x-www-form-urlencoded",
        request_body_max_bytes = TOKEN_BODY_MAX_BYTES,
    }]
    async fn mobile_code_verify(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<MobileCodeRequest>,
    ) -> Result<OAuthReply<CodeChecked>, OAuthError>;

    /// Token by SMS code (seed 004)
    ///
    /// The `mobile` grant at its own path: `mobile` and `code` with HTTP
    /// basic client authentication; same as `grant_type=mobile` at
    /// `/oauth/token`.
    ///
    /// Permission: client authentication.
    #[endpoint {
        method = POST,
        path = "/mobile/token",
        tags = ["oauth"],
        content_type = "application/x-www-form-urlencoded",
        request_body_max_bytes = TOKEN_BODY_MAX_BYTES,
    }]
    async fn mobile_token(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<MobileTokenRequest>,
    ) -> Result<TokenReply, OAuthError>;

    /// Token by third-party identifier (seed 004)
    ///
    /// The `sign` grant at its own path: `sign` (an openId or unionId the
    /// client has verified) with HTTP basic client authentication; same as
    /// `grant_type=sign` at `/oauth/token`.
    ///
    /// Permission: client authentication.
    #[endpoint {
        method = POST,
        path = "/sign/token",
        tags = ["oauth"],
        content_type = "application/x-www-form-urlencoded",
        request_body_max_bytes = TOKEN_BODY_MAX_BYTES,
    }]
    async fn sign_token(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<SignTokenRequest>,
    ) -> Result<TokenReply, OAuthError>;

    /// Create a client (seed 000)
    ///
    /// Seed 000's `POST /client/create`, served as `POST /client/{id}` whose
    /// `{id}` accepts only `create` (dropshot cannot route a literal segment
    /// beside `/client/{id}`); the URL is the seed's. The body is the admin
    /// API's client (`POST /api/Client`), `requireProfile` included; answers
    /// 200 (the seed's status) with the new client's ids and, for a
    /// confidential client, its generated secret, shown this once.
    ///
    /// Permission: `isms.client.post`.
    #[endpoint { method = POST, path = "/client/{id}", tags = ["seed-000"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn seed000_client_create(
        rqctx: RequestContext<Self::Context>,
        path: Path<CreatePath>,
        body: TypedBody<ClientCreate>,
    ) -> Result<HttpResponseOk<ApiResult<ClientCreated>>, AdminError>;

    /// List clients (seed 000)
    ///
    /// Seed 000's `GET /client`: the clients of the caller's tenant, with the
    /// admin API's filters, sorting and paging (`GET /api/Client`).
    ///
    /// Permission: `isms.client.get`.
    #[endpoint { method = GET, path = "/client", tags = ["seed-000"] }]
    async fn seed000_client_list(
        rqctx: RequestContext<Self::Context>,
        query: Query<ClientListQuery>,
    ) -> Result<HttpResponseOk<Paged<Client>>, AdminError>;

    /// View a client (seed 000)
    ///
    /// Seed 000's `GET /client/{id}`, where `{id}` is the client's
    /// `clientId`. Answers 404 for a client that does not exist in the
    /// caller's tenant.
    ///
    /// Permission: `isms.client.detail`.
    #[endpoint { method = GET, path = "/client/{id}", tags = ["seed-000"] }]
    async fn seed000_client_view(
        rqctx: RequestContext<Self::Context>,
        path: Path<ClientIdPath>,
    ) -> Result<HttpResponseOk<ApiResult<Client>>, AdminError>;

    /// Update a client (seed 000)
    ///
    /// Seed 000's `PUT /client/{id}`, where `{id}` is the client's
    /// `clientId`. Each field present in the body (the admin API's client
    /// update) replaces the stored value. Answers with the client as now
    /// stored.
    ///
    /// Permission: `isms.client.put`.
    #[endpoint { method = PUT, path = "/client/{id}", tags = ["seed-000"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn seed000_client_update(
        rqctx: RequestContext<Self::Context>,
        path: Path<ClientIdPath>,
        body: TypedBody<ClientUpdate>,
    ) -> Result<HttpResponseOk<ApiResult<Client>>, AdminError>;

    /// Delete a client (seed 000)
    ///
    /// Seed 000's `DELETE /client/{id}`, where `{id}` is the client's
    /// `clientId`. Answers with that `clientId`; the client's secrets and its
    /// places in access profiles go with it.
    ///
    /// Permission: `isms.client.delete`.
    #[endpoint { method = DELETE, path = "/client/{id}", tags = ["seed-000"] }]
    async fn seed000_client_delete(
        rqctx: RequestContext<Self::Context>,
        path: Path<ClientIdPath>,
    ) -> Result<HttpResponseOk<ApiResult<String>>, AdminError>;

    /// Create a user (seed 000)
    ///
    /// Seed 000's `POST /user/create`, served as `POST /user/{id}` whose
    /// `{id}` accepts only `create`; the URL is the seed's. The body is the
    /// admin API's user (`POST /api/User`); its `profiles` lists the access
    /// profiles the user holds (each must exist in the tenant, else 422).
    /// Answers 200 (the seed's status) with the new user's id.
    ///
    /// Permission: `isms.user.post`.
    #[endpoint { method = POST, path = "/user/{id}", tags = ["seed-000"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn seed000_user_create(
        rqctx: RequestContext<Self::Context>,
        path: Path<CreatePath>,
        body: TypedBody<UserCreate>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError>;

    /// List users (seed 000)
    ///
    /// Seed 000's `GET /user`: the users of the caller's tenant, with the
    /// admin API's filters, sorting and paging (`GET /api/User`).
    ///
    /// Permission: `isms.user.get`.
    #[endpoint { method = GET, path = "/user", tags = ["seed-000"] }]
    async fn seed000_user_list(
        rqctx: RequestContext<Self::Context>,
        query: Query<UserListQuery>,
    ) -> Result<HttpResponseOk<Paged<User>>, AdminError>;

    /// View a user (seed 000)
    ///
    /// Seed 000's `GET /user/{id}`. `{id}` is Keyward's numeric user id (the
    /// seed's examples are 24-hex strings, which Keyward does not issue: they
    /// answer 400). Answers 404 for a user that does not exist in the
    /// caller's tenant.
    ///
    /// Permission: `isms.user.detail`.
    #[endpoint { method = GET, path = "/user/{id}", tags = ["seed-000"] }]
    async fn seed000_user_view(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<User>>, AdminError>;

    /// Delete a user (seed 000)
    ///
    /// Seed 000's `DELETE /user/{id}` (Keyward's numeric user id). Answers
    /// with the deleted id; the user's sessions, grants and profiles end with
    /// it, as with `DELETE /api/User/{id}`.
    ///
    /// Permission: `isms.user.delete`.
    #[endpoint { method = DELETE, path = "/user/{id}", tags = ["seed-000"] }]
    async fn seed000_user_delete(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError>;

    /// Create an access profile
    ///
    /// Seed 000's `POST /profile/create`, served as `POST /profile/{id}`
    /// whose `{id}` accepts only `create`; the URL is the seed's. A profile is
    /// a named set of clients (`clients`, by `clientId`) held by users
    /// (`users`, by id); each must exist in the tenant (422 names the one that
    /// does not). A name already taken answers 409. Answers 200 (the seed's
    /// status) with the new profile's id.
    ///
    /// Permission: `isms.profile.post`.
    #[endpoint { method = POST, path = "/profile/{id}", tags = ["seed-000"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn access_profile_create(
        rqctx: RequestContext<Self::Context>,
        path: Path<CreatePath>,
        body: TypedBody<AccessProfileCreate>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError>;

    /// List access profiles
    ///
    /// Seed 000's `GET /profile`: the access profiles of the caller's tenant,
    /// each with its clients and users, filtered, sorted and paged like the
    /// admin lists.
    ///
    /// Permission: `isms.profile.get`.
    #[endpoint { method = GET, path = "/profile", tags = ["seed-000"] }]
    async fn access_profile_list(
        rqctx: RequestContext<Self::Context>,
        query: Query<AccessProfileListQuery>,
    ) -> Result<HttpResponseOk<Paged<AccessProfile>>, AdminError>;

    /// Assign clients (and users) to an access profile
    ///
    /// Seed 000's `PUT /profile/{id}` ("updateClientToProfileById"). Each
    /// field present replaces the stored value: `clients` (by `clientId`)
    /// the whole set of clients the profile contains, `users` (by id) the
    /// whole set of users holding it. Unknown clients or users answer 422 and
    /// change nothing. Answers with the profile as now stored; the next token
    /// request of an affected user (a refresh too) is judged by it.
    ///
    /// Permission: `isms.profile.put`.
    #[endpoint { method = PUT, path = "/profile/{id}", tags = ["seed-000"], request_body_max_bytes = ADMIN_BODY_MAX_BYTES }]
    async fn access_profile_update(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
        body: TypedBody<AccessProfileUpdate>,
    ) -> Result<HttpResponseOk<ApiResult<AccessProfile>>, AdminError>;

    /// Delete an access profile
    ///
    /// Seed 000's `DELETE /profile/{id}`. Answers with the deleted id; its
    /// holders lose it, and clients that require a profile stop issuing
    /// tokens to users who held no other profile containing them.
    ///
    /// Permission: `isms.profile.delete`.
    #[endpoint { method = DELETE, path = "/profile/{id}", tags = ["seed-000"] }]
    async fn access_profile_delete(
        rqctx: RequestContext<Self::Context>,
        path: Path<IdPath>,
    ) -> Result<HttpResponseOk<ApiResult<i64>>, AdminError>;

    /// Register a user (seed 004)
    ///
    /// `POST /users/register` with `{username, password}` and the app's HTTP
    /// basic client authentication (`Authorization: Basic base64(clientId:clientSecret)`;
    /// a wrong secret is 401 and counts against the client's failure limit).
    /// An end-user sign-up of that app: it obeys the app's settings (sign-up
    /// enabled, minimum password length) and the daily sign-up caps (429 with
    /// `Retry-After`); a taken name is 409. Answers `{status: 200, message:
    /// <user id>}`.
    ///
    /// Permission: client authentication.
    #[endpoint { method = POST, path = "/users/register", tags = ["spring-users"], request_body_max_bytes = APP_BODY_MAX_BYTES }]
    async fn spring_user_register(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<SpringRegister>,
    ) -> Result<SpringReply<i64>, SpringError>;

    /// Add a user (seed 004)
    ///
    /// `POST /users/save` with `{username, password?, roleList?: [{roleName}]}`;
    /// each role is named by `roleName` (or `id`) and must exist in the
    /// tenant (422). `id` must be absent: ids are assigned here (422). As
    /// `POST /api/User`; answers `{status: 200, message: <user id>}`.
    ///
    /// Permission: `isms.user.post`.
    #[endpoint { method = POST, path = "/users/save", tags = ["spring-users"], request_body_max_bytes = APP_BODY_MAX_BYTES }]
    async fn spring_user_save(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<SpringUserSave>,
    ) -> Result<SpringReply<i64>, SpringError>;

    /// Change a user's phone (seed 004)
    ///
    /// `POST /users/update` with `{id, phone?, openId?}`. A new `phone` is
    /// stored unverified (so it never finds the account at sign-in until
    /// proven); `""` removes it. `openId` is not kept: a non-empty one is 422,
    /// because identities are linked only by the `sign` grant of the app that
    /// verified them. Unknown ids and users of other tenants are 404. Answers
    /// `{status: 200, message: <user id>}`.
    ///
    /// Permission: the user's own access token from a first-party client (one that asks no
    /// consent), or `isms.user.put` for any user.
    #[endpoint { method = POST, path = "/users/update", tags = ["spring-users"], request_body_max_bytes = APP_BODY_MAX_BYTES }]
    async fn spring_user_update(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<SpringUserUpdate>,
    ) -> Result<SpringReply<i64>, SpringError>;

    /// Change a password (seed 004)
    ///
    /// `POST /users/pwd/update` with `{userId, oldPassword, newPassword}`.
    /// Users changing their own password must give the current one (400 when
    /// missing or wrong; wrong ones count against the account's sign-in
    /// failure limit, 429 with `Retry-After` once locked); a caller holding
    /// `isms.user.put` sets another user's without it. The new password (8 to
    /// 128 characters, else 422) replaces the old, and every session and grant
    /// of the user ends: their refresh tokens fail with `invalid_grant` and
    /// their access tokens — the one that made this call too — are refused on
    /// every replica. Answers `{status: 200, message: true}`.
    ///
    /// Permission: the user's own access token from a first-party client (one that asks no
    /// consent), or `isms.user.put` for any user.
    #[endpoint { method = POST, path = "/users/pwd/update", tags = ["spring-users"], request_body_max_bytes = APP_BODY_MAX_BYTES }]
    async fn spring_password_update(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<SpringPasswordUpdate>,
    ) -> Result<SpringReply<bool>, SpringError>;

    /// Replace a user's roles (seed 004)
    ///
    /// `POST /users/role/update` with `{id, roleList: [{id}]}`: the user then
    /// holds exactly these roles (`[]` removes every role; null or missing is
    /// 400). Each role is named by `id` (or `roleName`) and must exist in the
    /// tenant (422). Answers `{status: 200, message: true}`.
    ///
    /// Permission: `isms.user.put`.
    #[endpoint { method = POST, path = "/users/role/update", tags = ["spring-users"], request_body_max_bytes = APP_BODY_MAX_BYTES }]
    async fn spring_user_role_update(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<SpringRoleUpdate>,
    ) -> Result<SpringReply<bool>, SpringError>;

    /// Find a user (seed 004)
    ///
    /// `POST /users/find` with `{id}` or `{username}` (`id` wins; neither is
    /// 400; nobody is 404). Answers `{status: 200, message: {id, username,
    /// phone, openId, roleList: [{id, roleName}], createTime}}`.
    ///
    /// Permission: `isms.user.get`.
    #[endpoint { method = POST, path = "/users/find", tags = ["spring-users"], request_body_max_bytes = APP_BODY_MAX_BYTES }]
    async fn spring_user_find(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<SpringUserFind>,
    ) -> Result<SpringReply<SpringUser>, SpringError>;

    /// Change a user's detail (seed 004)
    ///
    /// `POST /userDetail/update` with `{id, name?, age?, phone?, gender?, addr?,
    /// createTime?, nation?, instruction?, images?, birthday?}`: each field
    /// present replaces the stored one, `""` clears it, absent ones stay.
    /// `name` is the nick name, `images` the avatar, `phone` the phone number
    /// (stored unverified when it changes); `age`, `gender`, `addr`, `nation`,
    /// `instruction` and `birthday` (`yyyy-MM-dd`) are kept as the user's
    /// claims of those names (`birthdate` for `birthday`). `createTime` is not
    /// kept: it must read `yyyy-MM-dd HH:mm:ss` and the account's creation time
    /// stays. Each text is at most 256 characters (`instruction` 4000,
    /// `images` 2000), else 422. Answers `{status: 200, message: true}`.
    ///
    /// Permission: the user's own access token from a first-party client (one that asks no
    /// consent), or `isms.user.put` for any user.
    #[endpoint { method = POST, path = "/userDetail/update", tags = ["spring-users"], request_body_max_bytes = APP_BODY_MAX_BYTES }]
    async fn spring_user_detail_update(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<SpringUserDetail>,
    ) -> Result<SpringReply<bool>, SpringError>;

    /// The caller's detail (seed 004)
    ///
    /// `POST /userDetail/current` (any body is ignored) with the user's
    /// `Authorization: bearer <access_token>`. Answers `{status: 200,
    /// message: {id, name, age, phone, gender, addr, createTime, nation,
    /// instruction, images, birthday}}`, unset fields null.
    ///
    /// Permission: a user's own access token from a first-party client (one that asks no
    /// consent).
    #[endpoint { method = POST, path = "/userDetail/current", tags = ["spring-users"] }]
    async fn spring_user_detail_current(
        rqctx: RequestContext<Self::Context>,
    ) -> Result<SpringReply<SpringUserDetail>, SpringError>;

    /// A user's detail (seed 004)
    ///
    /// `POST /userDetail/get` with `{id}`; answers as `/userDetail/current`.
    /// Unknown ids and users of other tenants are 404.
    ///
    /// Permission: the user's own access token from a first-party client (one that asks no
    /// consent), or `isms.user.detail` for any user.
    #[endpoint { method = POST, path = "/userDetail/get", tags = ["spring-users"], request_body_max_bytes = APP_BODY_MAX_BYTES }]
    async fn spring_user_detail_get(
        rqctx: RequestContext<Self::Context>,
        body: TypedBody<SpringUserId>,
    ) -> Result<SpringReply<SpringUserDetail>, SpringError>;

    /// List roles (seed 004)
    ///
    /// `POST /roles/list` (any body is ignored). Answers `{status: 200,
    /// message: [{id, roleName}]}`: the tenant's roles by id, at most 1000.
    ///
    /// Permission: `isms.role.get`.
    #[endpoint { method = POST, path = "/roles/list", tags = ["spring-users"] }]
    async fn spring_role_list(
        rqctx: RequestContext<Self::Context>,
    ) -> Result<SpringReply<Vec<SpringRole>>, SpringError>;
}
