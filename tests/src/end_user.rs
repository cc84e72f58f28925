//! Driving the end-user API: an app with settings, raw envelope requests,
//! and checking its tokens against the JWKS.

use crate::TestServer;
use crate::flow::ensure_api_scopes;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

/// The redirect URI of the test app (GrantCode's default whitelist).
pub const APP_REDIRECT: &str = "https://shop.example/done";

/// Opens end-user registration in the default tenant (its property
/// `UserRegistration`), keeping its other properties: every sign-up path
/// honours it.
pub async fn open_registration(server: &TestServer) {
    set_registration(server, "enabled").await;
}

/// Sets the default tenant's `UserRegistration` property to `value`.
pub async fn set_registration(server: &TestServer, value: &str) {
    let admin = server.admin().await;
    let tenants = admin.tenant_list().send().await.expect("tenants listed").into_inner().data;
    let default = tenants.iter().find(|t| t.name == "default").expect("the default tenant");
    let mut properties: Vec<Value> = default
        .properties
        .iter()
        .filter(|p| !p.key.eq_ignore_ascii_case("UserRegistration"))
        .map(|p| json!({ "key": p.key, "value": p.value }))
        .collect();
    properties.push(json!({ "key": "UserRegistration", "value": value }));
    let update: keyward_sdk::types::TenantUpdate =
        serde_json::from_value(json!({ "properties": properties })).expect("tenant update body");
    admin.tenant_update().id(default.id).body(update).send().await.expect("registration switched");
}

/// Creates a confidential app `client_id` with the seed 004 grants and the
/// given end-user settings; returns (numeric app id, client secret). Test
/// apps take sign-ups: `signUpEnabled` is turned on (unless `settings` says
/// otherwise; it is off by default) and so is the tenant's registration.
pub async fn create_app(server: &TestServer, client_id: &str, settings: Value) -> (i64, String) {
    let body: keyward_sdk::types::ClientCreate = serde_json::from_value(json!({
        "clientId": client_id,
        "clientName": "Shop",
        "description": "The shop app",
        "allowedGrantTypes": [
            { "grantType": "mobile" }, { "grantType": "sign" }, { "grantType": "refresh_token" },
            { "grantType": "client_credentials" }
        ],
        "redirectUris": [{ "redirectUri": APP_REDIRECT }],
        "allowedScopes": [{ "scope": "openid" }, { "scope": "profile" }, { "scope": "phone" }],
        "properties": [{ "key": "logo", "value": "https://shop.example/logo.png" }],
    }))
    .unwrap();
    let admin = server.admin().await;
    let created = admin.client_create().body(body).send().await.expect("app created").into_inner().data;
    let mut taking_sign_ups = json!({ "signUpEnabled": true });
    taking_sign_ups.as_object_mut().unwrap().extend(settings.as_object().cloned().unwrap_or_default());
    open_registration(server).await;
    let update: keyward_sdk::types::AppSettingsUpdate = serde_json::from_value(taking_sign_ups).expect("settings body");
    admin.app_settings_update().id(created.id).body(update).send().await.expect("settings saved");
    (created.id, created.client_secret.expect("confidential"))
}

/// POSTs `body` to `/api/AppUsers/{app}/{operation}`; (status, envelope).
pub async fn post(server: &TestServer, app: i64, operation: &str, body: Value) -> (u16, Value) {
    send(server, reqwest::Method::POST, &format!("/api/AppUsers/{app}/{operation}"), None, Some(body)).await
}

/// POSTs `body` to `/api/AppUsers/{app}/{operation}`; (status, the seconds
/// of its `Retry-After` header if it has one).
pub async fn retry_after(server: &TestServer, app: i64, operation: &str, body: Value) -> (u16, Option<u64>) {
    let url = format!("{}/api/AppUsers/{app}/{operation}", server.url);
    let response = server.http().post(url).json(&body).send().await.expect("request sent");
    let seconds = response.headers().get(reqwest::header::RETRY_AFTER).map(|v| {
        v.to_str().ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("Retry-After {v:?} is not seconds"))
    });
    (response.status().as_u16(), seconds)
}

/// Any request with an optional bearer token and JSON body; (status, body).
pub async fn send(
    server: &TestServer,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = server.http().request(method, format!("{}{path}", server.url));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request sent");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Asserts a failure envelope: the status, `code` equal to it, `data` empty
/// and `err` containing `needle`.
pub fn assert_refused((status, body): &(u16, Value), expected: u16, needle: &str) {
    assert_eq!(*status, expected, "{body}");
    assert_eq!(body["code"], expected, "{body}");
    assert_eq!(body["data"], "", "{body}");
    let err = body["err"].as_str().unwrap_or_default();
    assert!(err.contains(needle), "`err` {err:?} should mention {needle:?}");
}

/// The access token of a successful sign-in envelope.
pub fn token_of((status, body): &(u16, Value)) -> String {
    assert_eq!(*status, 200, "{body}");
    assert_eq!(body["code"], 200);
    assert_eq!(body["err"], "");
    assert_eq!(body["data"]["token_type"], "Bearer");
    body["data"]["access_token"].as_str().expect("access_token").to_string()
}

/// The claims of a JWT after checking its ES256 signature against the
/// server's JWKS.
pub async fn verified_claims(server: &TestServer, token: &str) -> Value {
    let (header, rest) = token.split_once('.').expect("JWT");
    let (payload, signature) = rest.split_once('.').expect("JWT");
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).unwrap()).unwrap();
    let jwks: Value =
        server.http().get(format!("{}/oauth/jwks", server.url)).send().await.unwrap().json().await.unwrap();
    let key = jwks["keys"].as_array().unwrap().iter().find(|k| k["kid"] == header["kid"]).expect("kid in the JWKS");
    let coordinate = |name: &str| URL_SAFE_NO_PAD.decode(key[name].as_str().unwrap()).unwrap();
    let point = [vec![4u8], coordinate("x"), coordinate("y")].concat();
    let verifier = ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_FIXED, point);
    let signed = format!("{}.{payload}", token.split('.').next().unwrap());
    verifier.verify(signed.as_bytes(), &URL_SAFE_NO_PAD.decode(signature).unwrap()).expect("signature verifies");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// Runs SQL against the server's database (to move time forward).
pub async fn sql(server: &TestServer, statement: &str) {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&server.db.url).await.expect("database reachable");
    sqlx::query(sqlx::AssertSqlSafe(statement.to_string())).execute(&pool).await.expect("statement runs");
    pool.close().await;
}

pub fn basic(id: &str, secret: &str) -> String {
    use base64::Engine;
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}")))
}

/// The numeric id of client `client_id`.
pub async fn client_row(server: &TestServer, client_id: &str) -> i64 {
    let admin = server.admin().await;
    let listed = admin.client_list().q_client_id(client_id).send().await.unwrap().into_inner().data;
    listed.first().expect("the client exists").id
}

/// Saves end-user `settings` of client row `id`; the status.
pub async fn save_settings(server: &TestServer, id: i64, settings: Value) -> u16 {
    let update: keyward_sdk::types::AppSettingsUpdate = serde_json::from_value(settings).unwrap();
    match server.admin().await.app_settings_update().id(id).body(update).send().await {
        Ok(done) => done.status().as_u16(),
        Err(e) => e.status().map(|s| s.as_u16()).unwrap_or(0),
    }
}

/// The payments API: resource `https://payments.example` with scope
/// `payments.admin`; its secret.
pub async fn payments_api(server: &TestServer) -> String {
    ensure_api_scopes(server, &["payments.admin"]).await;
    let body: keyward_sdk::types::ApiResourceCreate =
        serde_json::from_value(json!({ "name": PAYMENTS, "scopes": [{ "scope": "payments.admin" }] })).unwrap();
    server.admin().await.api_resource_create().body(body).send().await.unwrap().into_inner().data.secret
}

/// The resource [`payments_api`] makes.
pub const PAYMENTS: &str = "https://payments.example";
