//! `impl KeywardApi`: one thin function per operation.

use super::calls::{Ctx, admin, observed, public, tenant};
use crate::app::App;
use crate::domain::{clients, roles, tenants, tokens, users};
use crate::error::Error;
use base64::Engine;
use dropshot::{Body, HttpResponseCreated, HttpResponseOk, Path, Query, TypedBody};
use keyward_api::IdPath;
use keyward_api::KeywardApi;
use keyward_api::client::{Client, ClientCreate, ClientCreated, ClientListQuery, ClientUpdate};
use keyward_api::envelope::{ApiResult, Paged};
use keyward_api::error::{AdminError, OAuthError};
use keyward_api::oauth::{Jwks, ServerMetadata, TokenReply, TokenRequest};
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

/// Discovery metadata: exactly the endpoints and methods that work.
fn metadata(app: &App) -> ServerMetadata {
    let issuer = app.issuer().to_string();
    let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect();
    ServerMetadata {
        token_endpoint: format!("{issuer}/oauth/token"),
        jwks_uri: format!("{issuer}/oauth/jwks"),
        grant_types_supported: strings(tokens::GRANT_TYPES),
        token_endpoint_auth_methods_supported: strings(tokens::AUTH_METHODS),
        response_types_supported: Vec::new(),
        scopes_supported: strings(keyward_api::access::ADMIN_SCOPES),
        subject_types_supported: strings(&["public"]),
        id_token_signing_alg_values_supported: strings(&["ES256"]),
        service_documentation: format!("{issuer}/openapi.json"),
        issuer,
    }
}

/// `Authorization: Basic` credentials, each part form-decoded (RFC 6749 §2.3.1).
fn basic_credentials(rqctx: &Ctx) -> Result<Option<(String, String)>, OAuthError> {
    let Some(header) = rqctx.request.headers().get(http::header::AUTHORIZATION) else { return Ok(None) };
    let malformed = || OAuthError::invalid_client("malformed HTTP basic credentials");
    let value = header.to_str().map_err(|_| malformed())?;
    let Some((scheme, encoded)) = value.split_once(' ') else { return Err(malformed()) };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(malformed());
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).map_err(|_| malformed())?;
    let decoded = String::from_utf8(decoded).map_err(|_| malformed())?;
    let (id, secret) = decoded.split_once(':').ok_or_else(malformed)?;
    let form_decode = |part: &str| {
        percent_encoding::percent_decode_str(&part.replace('+', " ")).decode_utf8().map(|s| s.into_owned())
    };
    Ok(Some((form_decode(id).map_err(|_| malformed())?, form_decode(secret).map_err(|_| malformed())?)))
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
        public(&rqctx, async |app| Ok(HttpResponseOk(metadata(app)))).await
    }

    async fn discovery_oauth(rqctx: Ctx) -> Result<HttpResponseOk<ServerMetadata>, AdminError> {
        public(&rqctx, async |app| Ok(HttpResponseOk(metadata(app)))).await
    }

    async fn oauth_jwks(rqctx: Ctx) -> Result<HttpResponseOk<Jwks>, AdminError> {
        public(&rqctx, async |app| Ok(HttpResponseOk(Jwks { keys: app.keys.jwks() }))).await
    }

    async fn oauth_token(rqctx: Ctx, body: TypedBody<TokenRequest>) -> Result<TokenReply, OAuthError> {
        observed(&rqctx, async {
            let app = rqctx.context();
            let reply = async {
                let tenant = tenant(&rqctx).await.map_err(|_| OAuthError::server_error())?;
                let credentials = tokens::ClientCredentials { basic: basic_credentials(&rqctx)? };
                tokens::token(app, &tenant, credentials, body.into_inner()).await
            };
            Ok(match reply.await {
                Ok(tokens) => TokenReply::Issued(tokens),
                Err(error) => {
                    if error.status >= 500 {
                        slog::error!(rqctx.log, "token request failed"; "error" => %error);
                    }
                    TokenReply::Refused(error)
                }
            })
        })
        .await
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
}
