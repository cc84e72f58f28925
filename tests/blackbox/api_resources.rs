//! API resources and API scopes: the admin API, their secrets (never born
//! expired), OpenAPI import, the rule that clients' allowed scopes exist,
//! and the adoption of scopes allowed before that rule.

use crate::json;
use keyward_sdk::types;
use keyward_server::store::api_resources;
use keyward_tests::end_user::sql;
use keyward_tests::{ADMIN_ID, ADMIN_SECRET, TestServer, flow, on_both_databases};
use serde_json::{Value, json};

on_both_databases!(
    api_scopes_and_resources_crud,
    bad_inputs_are_refused_precisely,
    permissions_and_tenants_are_enforced,
    secrets_are_shown_once,
    openapi_documents_import,
    clients_may_be_allowed_only_existing_scopes,
    legacy_client_scopes_are_adopted,
    api_resource_secrets_are_not_born_expired
);

/// A raw admin request with the bootstrap admin's token; `host` addresses
/// another tenant.
async fn call(server: &TestServer, method: &str, path: &str, body: Option<Value>, host: Option<&str>) -> (u16, Value) {
    let token = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = server.http().request(method, format!("{}{path}", server.url)).bearer_auth(token);
    if let Some(host) = host {
        request = request.header("Host", host);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    json(request.send().await.unwrap()).await
}

fn status<E>(error: keyward_sdk::Error<E>) -> Option<u16> {
    error.status().map(|s| s.as_u16())
}

async fn create_scope(admin: &keyward_sdk::Client, body: Value) -> i64 {
    let body: types::ApiScopeCreate = serde_json::from_value(body).unwrap();
    admin.api_scope_create().body(body).send().await.unwrap().into_inner().data
}

async fn create_resource(admin: &keyward_sdk::Client, body: Value) -> types::ApiResourceCreated {
    let body: types::ApiResourceCreate = serde_json::from_value(body).unwrap();
    admin.api_resource_create().body(body).send().await.unwrap().into_inner().data
}

async fn api_scopes_and_resources_crud(server: TestServer) {
    let admin = server.admin().await;
    let read = create_scope(
        &admin,
        json!({ "name": "invoices.read", "displayName": "Read invoices", "userClaims": [{ "type": "department" }],
                "properties": [{ "key": "tier", "value": "gold" }], "emphasize": true }),
    )
    .await;
    create_scope(&admin, json!({ "name": "invoices.write" })).await;
    let scope = admin.api_scope_view().id(read).send().await.unwrap().into_inner().data;
    assert_eq!((scope.name.as_str(), scope.display_name.as_str()), ("invoices.read", "Read invoices"));
    assert!(scope.enabled && scope.emphasize && !scope.required && scope.show_in_discovery_document);
    // Lists leave out properties and claims unless asked.
    let listed = admin.api_scope_list().q_name("invoices.read").send().await.unwrap().into_inner();
    assert_eq!(listed.total, 1);
    assert!(listed.data[0].properties.is_empty() && listed.data[0].user_claims.is_empty());
    let expanded = admin
        .api_scope_list()
        .q_name("invoices.read")
        .q_expand_properties(true)
        .q_expand_claims(true)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!((expanded.data[0].properties.len(), expanded.data[0].user_claims.len()), (1, 1));
    let change: types::ApiScopeUpdate = serde_json::from_value(json!({ "description": "See invoices" })).unwrap();
    let changed = admin.api_scope_update().id(read).body(change).send().await.unwrap().into_inner().data;
    assert_eq!((changed.description.as_str(), changed.display_name.as_str()), ("See invoices", "Read invoices"));

    let created = create_resource(
        &admin,
        json!({ "name": "https://billing.example.com", "displayName": "Billing", "description": "Invoices",
                "allowedAccessTokenSigningAlgorithms": "ES256", "scopes": [{ "scope": "invoices.read" }],
                "userClaims": [{ "type": "email" }], "properties": [{ "key": "team", "value": "finance" }] }),
    )
    .await;
    assert_eq!(created.secret.len(), 43);
    let resource = admin.api_resource_view().id(created.id).send().await.unwrap().into_inner().data;
    assert_eq!(resource.name, "https://billing.example.com");
    assert_eq!(resource.allowed_access_token_signing_algorithms, Some(types::SigningAlg::Es256));
    assert_eq!(resource.scopes.iter().map(|s| s.scope.as_str()).collect::<Vec<_>>(), ["invoices.read"]);
    assert_eq!(resource.user_claims.len(), 1);
    assert!(resource.enabled && resource.show_in_discovery_document && !resource.non_editable);
    // Lists carry scopes and claims only when asked; the view always does.
    let plain = admin.api_resource_list().send().await.unwrap().into_inner();
    assert_eq!(plain.total, 1);
    assert!(plain.data[0].scopes.is_empty() && plain.data[0].user_claims.is_empty());
    let full = admin
        .api_resource_list()
        .q_name("https://billing.example.com")
        .q_expand_scopes(true)
        .q_expand_claims(true)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!((full.total, full.data[0].scopes.len(), full.data[0].user_claims.len()), (1, 1, 1));
    assert_eq!(admin.api_resource_list().q_name("billing").send().await.unwrap().into_inner().total, 0);

    // Fields present replace the stored ones; the rest stay.
    let change: types::ApiResourceUpdate = serde_json::from_value(json!({
        "name": "billing", "scopes": [{ "scope": "invoices.read" }, { "scope": "invoices.write" }],
        "allowedAccessTokenSigningAlgorithms": "RS256", "enabled": false
    }))
    .unwrap();
    let updated = admin.api_resource_update().id(created.id).body(change).send().await.unwrap().into_inner().data;
    assert_eq!(updated.name, "billing");
    assert_eq!(updated.scopes.len(), 2);
    assert_eq!(updated.allowed_access_token_signing_algorithms, Some(types::SigningAlg::Rs256));
    assert!(!updated.enabled);
    assert_eq!((updated.display_name.as_str(), updated.description.as_str()), ("Billing", "Invoices"));
    assert_eq!(updated.properties.len(), 1);

    // A contained scope can be neither deleted nor renamed.
    let refused = admin.api_scope_delete().id(read).send().await.unwrap_err();
    assert_eq!(status(refused), Some(409));
    let (code, body) =
        call(&server, "PUT", &format!("/api/ApiScope/{read}"), Some(json!({ "name": "x.read" })), None).await;
    assert_eq!(code, 409, "{body}");
    assert!(body["message"].as_str().unwrap().contains("`billing`"), "{body}");

    assert_eq!(admin.api_resource_delete().id(created.id).send().await.unwrap().into_inner().data, created.id);
    assert_eq!(status(admin.api_resource_view().id(created.id).send().await.unwrap_err()), Some(404));
    // Once no resource contains it, the scope goes.
    assert_eq!(admin.api_scope_delete().id(read).send().await.unwrap().into_inner().data, read);
    assert_eq!(status(admin.api_scope_view().id(read).send().await.unwrap_err()), Some(404));
}

async fn bad_inputs_are_refused_precisely(server: TestServer) {
    let admin = server.admin().await;
    create_scope(&admin, json!({ "name": "orders.read" })).await;
    let long = "a".repeat(201);
    for (path, body, want, mentions) in [
        ("/api/ApiScope", json!({ "name": "" }), 422, "`name`"),
        ("/api/ApiScope", json!({ "name": "two words" }), 422, "`name`"),
        ("/api/ApiScope", json!({ "name": long }), 422, "`name`"),
        ("/api/ApiScope", json!({ "name": "isms.client.get" }), 422, "permission"),
        ("/api/ApiScope", json!({ "name": "oauthapp.all" }), 422, "permission"),
        ("/api/ApiScope", json!({ "name": "email" }), 409, "identity resource"),
        ("/api/ApiScope", json!({ "name": "orders.read" }), 409, "already exists"),
        ("/api/ApiScope", json!({ "name": "x", "userClaims": [{ "type": "a" }, { "type": "a" }] }), 422, "userClaims"),
        ("/api/ApiResource", json!({ "name": "" }), 422, "`name`"),
        ("/api/ApiResource", json!({ "name": "my api" }), 422, "`name`"),
        ("/api/ApiResource", json!({ "name": long }), 422, "`name`"),
        ("/api/ApiResource", json!({ "name": "shop", "description": "d".repeat(1001) }), 422, "`description`"),
        ("/api/ApiResource", json!({ "name": "shop", "scopes": [{ "scope": "nope" }] }), 422, "\"nope\""),
        ("/api/ApiResource", json!({ "name": "shop", "allowedAccessTokenSigningAlgorithms": "HS256" }), 400, ""),
        ("/api/ApiResource", json!({ "name": "shop", "bogus": 1 }), 400, ""),
        ("/api/ApiResource/1/Secrets", json!({ "value": "chosen" }), 422, "`value` must be at least 8 characters"),
    ] {
        let (code, reply) = call(&server, "POST", path, Some(body.clone()), None).await;
        assert_eq!(code, want, "{path} {body}: {reply}");
        assert!(reply["message"].as_str().unwrap_or_default().contains(mentions), "{path} {body}: {reply}");
    }
    create_resource(&admin, json!({ "name": "shop", "scopes": [{ "scope": "orders.read" }] })).await;
    let (code, reply) = call(&server, "POST", "/api/ApiResource", Some(json!({ "name": "shop" })), None).await;
    assert_eq!(code, 409, "{reply}");
    // An identity resource cannot take an API scope's name either.
    let (code, reply) =
        call(&server, "POST", "/api/IdentityResource", Some(json!({ "name": "orders.read" })), None).await;
    assert_eq!(code, 409, "{reply}");
    // A referenced scope cannot be deleted; the message names who uses it.
    let scope = admin.api_scope_list().q_name("orders.read").send().await.unwrap().into_inner().data[0].id;
    let (code, reply) = call(&server, "DELETE", &format!("/api/ApiScope/{scope}"), None, None).await;
    assert_eq!(code, 409, "{reply}");
    assert!(reply["message"].as_str().unwrap().contains("`shop`"), "{reply}");
    for (method, path) in [
        ("GET", "/api/ApiResource/999999"),
        ("PUT", "/api/ApiResource/999999"),
        ("DELETE", "/api/ApiResource/999999"),
        ("GET", "/api/ApiScope/999999"),
        ("DELETE", "/api/ApiScope/999999"),
        ("POST", "/api/ApiResource/999999/Secrets"),
        ("DELETE", "/api/ApiResource/999999/Secrets/1"),
    ] {
        let body = matches!(method, "PUT" | "POST").then(|| json!({}));
        assert_eq!(call(&server, method, path, body, None).await.0, 404, "{method} {path}");
    }
    // Only the literal `Import` is accepted where `{id}` meets POST.
    assert_eq!(call(&server, "POST", "/api/ApiResource/Export", Some(json!({})), None).await.0, 400);
    assert_eq!(admin.api_resource_list().send().await.unwrap().into_inner().total, 1);
    assert_eq!(admin.api_scope_list().send().await.unwrap().into_inner().total, 1);
}

async fn permissions_and_tenants_are_enforced(server: TestServer) {
    let admin = server.admin().await;
    create_resource(&admin, json!({ "name": "shop" })).await;
    let narrow = flow::create_app(
        &server,
        json!({ "clientId": "reader", "allowedGrantTypes": [{ "grantType": "client_credentials" }],
                "allowedScopes": [{ "scope": "oauthapp.apiresource.get" }] }),
    )
    .await
    .unwrap();
    let reader = server.sdk_with(&server.token("reader", &narrow, None).await);
    assert_eq!(reader.api_resource_list().send().await.unwrap().into_inner().total, 1);
    let body: types::ApiResourceCreate = serde_json::from_value(json!({ "name": "other" })).unwrap();
    assert_eq!(status(reader.api_resource_create().body(body).send().await.unwrap_err()), Some(403));
    assert_eq!(status(reader.api_scope_list().send().await.unwrap_err()), Some(403));
    let anonymous = server.sdk();
    assert_eq!(status(anonymous.api_resource_list().send().await.unwrap_err()), Some(401));
    assert_eq!(status(anonymous.api_scope_list().send().await.unwrap_err()), Some(401));
    let (code, _) = json(
        server.http().post(format!("{}/api/ApiResource/Import", server.url)).json(&json!({})).send().await.unwrap(),
    )
    .await;
    assert_eq!(code, 401);

    // Tenant Beta's resources and scopes are invisible from the default tenant.
    let beta: types::TenantCreate =
        serde_json::from_value(json!({ "name": "Beta", "hosts": [{ "hostName": "beta.test" }] })).unwrap();
    admin.tenant_create().body(beta).send().await.unwrap();
    let (code, scope) =
        call(&server, "POST", "/api/ApiScope", Some(json!({ "name": "beta.read" })), Some("beta.test")).await;
    assert_eq!(code, 201, "{scope}");
    let beta_scope = scope["data"].as_i64().unwrap();
    let body = json!({ "name": "shop", "scopes": [{ "scope": "beta.read" }] });
    let (code, created) = call(&server, "POST", "/api/ApiResource", Some(body), Some("beta.test")).await;
    assert_eq!(code, 201, "{created}");
    let beta_resource = created["data"]["id"].as_i64().unwrap();
    assert_eq!(status(admin.api_resource_view().id(beta_resource).send().await.unwrap_err()), Some(404));
    assert_eq!(status(admin.api_scope_view().id(beta_scope).send().await.unwrap_err()), Some(404));
    assert_eq!(status(admin.api_resource_delete().id(beta_resource).send().await.unwrap_err()), Some(404));
    let secret: types::SecretCreate = serde_json::from_value(json!({})).unwrap();
    let refused = admin.api_resource_secret_create().id(beta_resource).body(secret).send().await.unwrap_err();
    assert_eq!(status(refused), Some(404));
    assert_eq!(admin.api_scope_list().q_name("beta.read").send().await.unwrap().into_inner().total, 0);
    // The default tenant's scopes do not exist in Beta.
    create_scope(&admin, json!({ "name": "home.read" })).await;
    let body = json!({ "name": "other", "scopes": [{ "scope": "home.read" }] });
    assert_eq!(call(&server, "POST", "/api/ApiResource", Some(body), Some("beta.test")).await.0, 422);
    let (code, listed) = call(&server, "GET", "/api/ApiResource", None, Some("beta.test")).await;
    assert_eq!((code, listed["total"].as_i64()), (200, Some(1)), "{listed}");
}

async fn secrets_are_shown_once(server: TestServer) {
    let admin = server.admin().await;
    let created = create_resource(&admin, json!({ "name": "billing" })).await;
    let tenant = server.state().default_tenant;
    let (store, clock) = (&server.state().store, &server.state().clock);
    let authenticate = async |secret: &str| {
        let mut conn = store.conn().await.unwrap();
        api_resources::authenticate(&mut conn, tenant, "billing", secret, clock.now_ms()).await.unwrap()
    };
    assert_eq!(authenticate(&created.secret).await.map(|r| r.id), Some(created.id));
    assert!(authenticate("wrong").await.is_none());
    // The view lists the secret's metadata, never its value or digest.
    let (code, view) = call(&server, "GET", &format!("/api/ApiResource/{}", created.id), None, None).await;
    assert_eq!(code, 200);
    assert_eq!(view["data"]["secrets"].as_array().unwrap().len(), 1);
    let text = view.to_string();
    assert!(!text.contains(&created.secret) && !text.contains("sha256") && !text.contains("value"), "{text}");

    let body: types::SecretCreate = serde_json::from_value(json!({ "description": "for the gateway" })).unwrap();
    let added = admin.api_resource_secret_create().id(created.id).body(body).send().await.unwrap().into_inner().data;
    assert_ne!(added.secret.as_deref(), Some(created.secret.as_str()));
    assert!(authenticate(added.secret.as_deref().unwrap()).await.is_some());
    let resource = admin.api_resource_view().id(created.id).send().await.unwrap().into_inner().data;
    assert_eq!(resource.secrets.len(), 2);
    assert!(resource.secrets.iter().any(|s| s.id == added.id && s.description == "for the gateway"));
    // A secret cannot be added expired; one that has expired does not authenticate.
    let body: types::SecretCreate = serde_json::from_value(json!({ "expiration": "2020-01-01T00:00:00Z" })).unwrap();
    let refused = admin.api_resource_secret_create().id(created.id).body(body).send().await.unwrap_err();
    assert_eq!(status(refused), Some(422));
    let soon = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let body: types::SecretCreate = serde_json::from_value(json!({ "expiration": soon })).unwrap();
    let expired = admin.api_resource_secret_create().id(created.id).body(body).send().await.unwrap().into_inner().data;
    sql(&server, &format!("UPDATE api_resource_secrets SET expires_at = 1 WHERE id = {}", expired.id)).await;
    assert!(authenticate(expired.secret.as_deref().unwrap()).await.is_none());
    // A deleted secret stops working; the others still do.
    let deleted = admin.api_resource_secret_delete().id(created.id).secret_id(added.id).send().await.unwrap();
    assert_eq!(deleted.into_inner().data, added.id);
    assert!(authenticate(added.secret.as_deref().unwrap()).await.is_none());
    assert!(authenticate(&created.secret).await.is_some());
    let again = admin.api_resource_secret_delete().id(created.id).secret_id(added.id).send().await.unwrap_err();
    assert_eq!(status(again), Some(404));
    // A disabled resource authenticates no one.
    let off: types::ApiResourceUpdate = serde_json::from_value(json!({ "enabled": false })).unwrap();
    admin.api_resource_update().id(created.id).body(off).send().await.unwrap();
    assert!(authenticate(&created.secret).await.is_none());
    // The token code's view: enabled resources only.
    let enabled = api_resources::enabled(&mut store.conn().await.unwrap(), tenant).await.unwrap();
    assert!(enabled.is_empty());
}

fn document() -> Value {
    json!({
        "openapi": "3.0.3",
        "info": { "title": "Orders API", "description": "Orders and shipments", "version": "1.0" },
        "servers": [{ "url": "/relative" }, { "url": "https://orders.example.com/" }],
        "paths": {},
        "components": { "securitySchemes": {
            "bearer": { "type": "http", "scheme": "bearer" },
            "oauth": { "type": "oauth2", "flows": {
                "authorizationCode": {
                    "authorizationUrl": "https://id.example.com/oauth/authorize",
                    "tokenUrl": "https://id.example.com/oauth/token",
                    "scopes": { "orders.read": "Read your orders", "orders.write": "Place orders" }
                },
                "clientCredentials": {
                    "tokenUrl": "https://id.example.com/oauth/token",
                    "scopes": { "orders.read": "Read your orders", "shipments.read": "Track shipments",
                                "openid": "Sign in" }
                }
            } }
        } }
    })
}

async fn openapi_documents_import(server: TestServer) {
    let admin = server.admin().await;
    // An existing scope is reused, not duplicated.
    let existing = create_scope(&admin, json!({ "name": "orders.read", "displayName": "Orders (read)" })).await;
    let imported = admin
        .api_resource_import()
        .id(types::ImportLiteral::Import)
        .body(document())
        .send()
        .await
        .unwrap()
        .into_inner()
        .data;
    assert_eq!(imported.secret.len(), 43);
    let resource = admin.api_resource_view().id(imported.id).send().await.unwrap().into_inner().data;
    assert_eq!(resource.name, "https://orders.example.com");
    assert_eq!((resource.display_name.as_str(), resource.description.as_str()), ("Orders API", "Orders and shipments"));
    let mut scopes: Vec<&str> = resource.scopes.iter().map(|s| s.scope.as_str()).collect();
    scopes.sort();
    // `openid` is an identity resource, not an API scope: it stays out.
    assert_eq!(scopes, ["orders.read", "orders.write", "shipments.read"]);
    let all = admin.api_scope_list().take(100).send().await.unwrap().into_inner();
    assert_eq!(all.total, 3);
    let by_name = |name: &str| all.data.iter().find(|s| s.name == name).unwrap().clone();
    assert_eq!(by_name("orders.read").id, existing);
    assert_eq!(by_name("orders.read").display_name, "Orders (read)");
    assert_eq!(by_name("shipments.read").display_name, "Track shipments");

    // The same document again: the name is taken.
    let again = admin.api_resource_import().id(types::ImportLiteral::Import).body(document()).send().await;
    assert_eq!(status(again.unwrap_err()), Some(409));
    // `name` overrides the derived name.
    let named = admin
        .api_resource_import()
        .id(types::ImportLiteral::Import)
        .name("orders-v2")
        .body(document())
        .send()
        .await
        .unwrap()
        .into_inner()
        .data;
    let resource = admin.api_resource_view().id(named.id).send().await.unwrap().into_inner().data;
    assert_eq!((resource.name.as_str(), resource.scopes.len()), ("orders-v2", 3));
    assert_eq!(admin.api_scope_list().send().await.unwrap().into_inner().total, 3);

    // Refusals, each saying why, at the seed's URL.
    let import = |body: Value| call(&server, "POST", "/api/ApiResource/Import", Some(body), None);
    let swagger = json!({ "swagger": "2.0", "info": { "title": "Old" }, "paths": {} });
    for (body, mentions) in [
        (swagger, "Swagger 2.0"),
        (json!(["not", "an", "object"]), "JSON object"),
        (json!({ "openapi": "4.0.0", "info": { "title": "x" } }), "3.x"),
        (json!({ "info": { "title": "x" } }), "`openapi`"),
        (json!({ "openapi": "3.1.0", "info": { "version": "1" } }), "no resource name"),
        (json!({ "openapi": "3.1.0", "info": { "title": "Has Spaces" } }), "`name`"),
    ] {
        let (code, reply) = import(body.clone()).await;
        assert_eq!(code, 422, "{body}: {reply}");
        assert!(reply["message"].as_str().unwrap().contains(mentions), "{body}: {reply}");
    }
    // A chosen name is checked like any other.
    let (code, reply) = call(&server, "POST", "/api/ApiResource/Import?name=two%20words", Some(document()), None).await;
    assert_eq!(code, 422, "{reply}");
    assert!(!reply["message"].as_str().unwrap().contains("derived"), "{reply}");
    let (code, reply) = import(json!({ "openapi": "3.1.0", "info": { "title": "inventory" } })).await;
    assert_eq!(code, 201, "{reply}");
    assert_eq!(admin.api_resource_list().send().await.unwrap().into_inner().total, 3);
}

async fn clients_may_be_allowed_only_existing_scopes(server: TestServer) {
    let admin = server.admin().await;
    let client = |scopes: Value| {
        serde_json::from_value::<types::ClientCreate>(json!({
            "clientId": "svc", "allowedGrantTypes": [{ "grantType": "client_credentials" }], "allowedScopes": scopes
        }))
        .unwrap()
    };
    let (code, reply) = call(
        &server,
        "POST",
        "/api/Client",
        Some(json!({ "clientId": "svc", "allowedScopes": [{ "scope": "openid" }, { "scope": "reports.read" }] })),
        None,
    )
    .await;
    assert_eq!(code, 422, "{reply}");
    assert!(reply["message"].as_str().unwrap().contains("\"reports.read\""), "{reply}");
    create_scope(&admin, json!({ "name": "reports.read" })).await;
    // API scopes, identity resources and Keyward permissions (with wildcards) all resolve.
    let scopes = json!([{ "scope": "reports.read" }, { "scope": "openid" }, { "scope": "isms.user.all" }, { "scope": "oauthapp.all" }]);
    let created = admin.client_create().body(client(scopes)).send().await.unwrap().into_inner().data;
    // Updating to an unknown scope is refused too.
    let (code, reply) = call(
        &server,
        "PUT",
        &format!("/api/Client/{}", created.id),
        Some(json!({ "allowedScopes": [{ "scope": "reports.write" }] })),
        None,
    )
    .await;
    assert_eq!(code, 422, "{reply}");
    // The scope a client is allowed cannot be deleted; the message names the client.
    let scope = admin.api_scope_list().q_name("reports.read").send().await.unwrap().into_inner().data[0].id;
    let (code, reply) = call(&server, "DELETE", &format!("/api/ApiScope/{scope}"), None, None).await;
    assert_eq!(code, 409, "{reply}");
    assert!(reply["message"].as_str().unwrap().contains("`svc`"), "{reply}");
    // The client gets a token for it.
    let token = server.token("svc", &created.client_secret.unwrap(), Some("reports.read")).await;
    assert!(!token.is_empty());
}

async fn legacy_client_scopes_are_adopted(server: TestServer) {
    let admin = server.admin().await;
    create_scope(&admin, json!({ "name": "known.read" })).await;
    flow::create_app(
        &server,
        json!({ "clientId": "old", "allowedGrantTypes": [{ "grantType": "client_credentials" }],
                "allowedScopes": [{ "scope": "known.read" }] }),
    )
    .await
    .unwrap();
    // A client stored before the rule existed, naming scopes nobody defined.
    let legacy = r#"[{"scope":"known.read"},{"scope":"legacy.read"},{"scope":"openid"},{"scope":"isms.all"},{"scope":"legacy.write"}]"#;
    sqlx::query("UPDATE clients SET scopes = $1 WHERE client_id = $2")
        .bind(legacy)
        .bind("old")
        .execute(&mut *server.state().store.conn().await.unwrap())
        .await
        .unwrap();
    let server = server.restart().await;
    let admin = server.admin().await;
    // The issuer is the server's URL (no issuer is configured).
    let found = admin.api_resource_list().q_name(&server.url).q_expand_scopes(true).send().await.unwrap().into_inner();
    assert_eq!(found.total, 1, "{:?}", found.data);
    let resource = &found.data[0];
    assert_eq!(resource.display_name, "Legacy scopes");
    let mut scopes: Vec<&str> = resource.scopes.iter().map(|s| s.scope.as_str()).collect();
    scopes.sort();
    assert_eq!(scopes, ["legacy.read", "legacy.write"]);
    assert_eq!(admin.api_scope_list().send().await.unwrap().into_inner().total, 3);
    // The client can be edited again, and a second start changes nothing.
    let id = admin.client_list().q_client_id("old").send().await.unwrap().into_inner().data[0].id;
    let rename: types::ClientUpdate = serde_json::from_value(json!({ "clientName": "Old" })).unwrap();
    admin.client_update().id(id).body(rename).send().await.unwrap();
    let url = server.url.clone();
    let server = server.restart().await;
    let admin = server.admin().await;
    assert_eq!(admin.api_scope_list().send().await.unwrap().into_inner().total, 3);
    // The first start's resource keeps them; the new issuer's needs none.
    assert_eq!(admin.api_resource_list().q_name(&url).send().await.unwrap().into_inner().total, 1);
    assert_eq!(admin.api_resource_list().send().await.unwrap().into_inner().total, 1);
}

/// A secret added to an API resource with an expiry already past is
/// refused, saying why; a future one is taken.
async fn api_resource_secrets_are_not_born_expired(server: TestServer) {
    let token = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let post = |path: String, body: Value| {
        let request = server.http().post(format!("{}{path}", server.url)).bearer_auth(&token).json(&body);
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.json::<Value>().await.unwrap())
        }
    };
    let (_, created) = post("/api/ApiResource".into(), json!({ "name": "orders" })).await;
    let secrets = format!("/api/ApiResource/{}/Secrets", created["data"]["id"]);
    let past = (chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339();
    let (status, body) = post(secrets.clone(), json!({ "expiration": past })).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["message"].as_str().unwrap().contains("`expiration` must be in the future"), "{body}");
    let future = (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339();
    assert_eq!(post(secrets, json!({ "expiration": future })).await.0, 201);
}
