//! `--admin-bind`: the admin API and `/metrics` on their own listener, the
//! public endpoints on the main one, health checks on both; seed 004's
//! admin branch (an admin acting on another user) only on the admin one.

use keyward_server::config::Settings;
use keyward_tests::{ADMIN_ID, ADMIN_SECRET, TestServer, flow, on_both_databases};
use serde_json::{Value, json};

on_both_databases!(the_admin_listener_serves_the_admin_api_alone, seed_004_admin_branch_stays_on_the_admin_listener);

async fn status(request: reqwest::RequestBuilder) -> u16 {
    request.send().await.unwrap().status().as_u16()
}

async fn the_admin_listener_serves_the_admin_api_alone(server: TestServer) {
    let server = server.restart_with(|s| Settings { admin_bind: Some("127.0.0.1:0".parse().unwrap()), ..s }).await;
    let (public, admin) = (server.url.clone(), server.admin_url.clone().expect("an admin listener"));
    let token = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let http = server.http();
    for (base, expected) in [(&admin, 200), (&public, 404)] {
        assert_eq!(status(http.get(format!("{base}/api/Client")).bearer_auth(&token)).await, expected, "{base}");
        assert_eq!(status(http.get(format!("{base}/metrics"))).await, expected, "{base}");
    }
    for (base, expected) in [(&public, 200), (&admin, 404)] {
        assert_eq!(status(http.get(format!("{base}/.well-known/openid-configuration"))).await, expected, "{base}");
        assert_eq!(status(http.get(format!("{base}/oauth/jwks"))).await, expected, "{base}");
        let form = [("grant_type", "client_credentials"), ("client_id", ADMIN_ID), ("client_secret", ADMIN_SECRET)];
        assert_eq!(status(http.post(format!("{base}/oauth/token")).form(&form)).await, expected, "{base}");
    }
    for base in [&public, &admin] {
        assert_eq!(status(http.get(format!("{base}/healthz"))).await, 200, "{base}");
        assert_eq!(status(http.get(format!("{base}/readyz"))).await, 200, "{base}");
    }
    // The SDK administers through the admin listener.
    let sdk = keyward_sdk::Client::new_with_client(&admin, keyward_sdk::bearer_client(&token).unwrap());
    assert!(sdk.client_list().send().await.is_ok());
}

/// `POST path` with a JSON body and a bearer token on the listener `base`;
/// the status.
async fn spring_call(server: &TestServer, base: &str, path: &str, token: &str, body: Value) -> u16 {
    let request = server.http().post(format!("{base}{path}")).bearer_auth(token).json(&body);
    request.send().await.unwrap().status().as_u16()
}

/// With `--admin-bind`, an admin token changes another user's
/// password (or details) only on the admin listener; users still change
/// their own on the public one.
async fn seed_004_admin_branch_stays_on_the_admin_listener(server: TestServer) {
    let bob = flow::create_user(&server, "bob").await;
    let body = json!({ "clientId": "web-client", "allowedGrantTypes": [{ "grantType": "password" }],
        "allowedScopes": [{ "scope": "openid" }] });
    let web = flow::create_app(&server, body).await.unwrap();
    let server = server
        .restart_with(|s| keyward_server::config::Settings { admin_bind: Some("127.0.0.1:0".parse().unwrap()), ..s })
        .await;
    let (public, admin) = (server.url.clone(), server.admin_url.clone().expect("an admin listener"));
    let root = server.token(ADMIN_ID, ADMIN_SECRET, None).await;

    let set = |password: &str| json!({ "userId": bob, "newPassword": password });
    assert_eq!(spring_call(&server, &public, "/users/pwd/update", &root, set("mallory's choice")).await, 404);
    let detail = json!({ "id": bob, "name": "Mallory" });
    assert_eq!(spring_call(&server, &public, "/userDetail/update", &root, detail.clone()).await, 404);
    let (status, _) = flow::token(
        &server,
        Some(("web-client", &web)),
        &[("grant_type", "password"), ("username", "bob"), ("password", "mallory's choice")],
    )
    .await;
    assert_eq!(status, 400, "the password did not change");
    assert_eq!(spring_call(&server, &admin, "/users/pwd/update", &root, set("an admin's choice")).await, 200);
    assert_eq!(spring_call(&server, &admin, "/userDetail/update", &root, detail).await, 200);

    let form = [("grant_type", "password"), ("username", "bob"), ("password", "an admin's choice")];
    let (status, tokens) = flow::token(&server, Some(("web-client", &web)), &form).await;
    assert_eq!(status, 200, "{tokens}");
    let own = tokens["access_token"].as_str().unwrap();
    let change = json!({ "userId": bob, "oldPassword": "an admin's choice", "newPassword": "bob's own choice" });
    assert_eq!(spring_call(&server, &admin, "/users/pwd/update", own, change.clone()).await, 404);
    assert_eq!(spring_call(&server, &public, "/users/pwd/update", own, change).await, 200);
}
