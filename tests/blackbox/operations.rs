//! Health, metrics, the served document, persistence and concurrency.

use crate::json;
use keyward_sdk::types;
use keyward_tests::{TestServer, on_both_databases};

on_both_databases!(health_metrics_and_document, data_survives_restart, concurrent_same_username_one_wins);

async fn health_metrics_and_document(server: TestServer) {
    let sdk = server.sdk();
    assert_eq!(sdk.health_live().send().await.unwrap().into_inner().status, "ok");
    assert_eq!(sdk.health_ready().send().await.unwrap().into_inner().status, "ok");
    server.admin().await.role_list().send().await.unwrap();
    let metrics = server.http().get(format!("{}/metrics", server.url)).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains(r#"keyward_http_requests_total{operation="oauth_token",status="200"} 1"#), "{metrics}");
    assert!(metrics.contains(r#"keyward_http_request_duration_seconds_count{operation="role_list",status="200"} 1"#));
    let served = server.http().get(format!("{}/openapi.json", server.url)).send().await.unwrap().text().await.unwrap();
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/keyward.json")).unwrap();
    assert_eq!(served, committed, "/openapi.json serves the committed contract");
}

async fn data_survives_restart(server: TestServer) {
    let body: types::UserCreate = serde_json::from_value(serde_json::json!({ "userName": "persistent" })).unwrap();
    let id = server.admin().await.user_create().body(body).send().await.unwrap().into_inner().data;
    let kids = |keys: Vec<types::Jwk>| keys.into_iter().map(|k| k.kid).collect::<Vec<_>>();
    let keys_before = kids(server.sdk().oauth_jwks().send().await.unwrap().into_inner().keys);
    let server = server.restart().await;
    let user = server.admin().await.user_view().id(id).send().await.unwrap().into_inner().data;
    assert_eq!(user.user_name, "persistent");
    let keys_after = kids(server.sdk().oauth_jwks().send().await.unwrap().into_inner().keys);
    assert_eq!(keys_before, keys_after, "the signing key persists");
}

async fn concurrent_same_username_one_wins(server: TestServer) {
    let token = server.token(keyward_tests::ADMIN_ID, keyward_tests::ADMIN_SECRET, None).await;
    let http = server.http();
    let create = || {
        http.post(format!("{}/api/User", server.url))
            .bearer_auth(&token)
            .json(&serde_json::json!({ "userName": "racer", "password": "a fine password" }))
            .send()
    };
    let (a, b) = tokio::join!(create(), create());
    let mut statuses = [json(a.unwrap()).await.0, json(b.unwrap()).await.0];
    statuses.sort();
    assert_eq!(statuses, [201, 409]);
    let users = server.admin().await.user_list().q_name("racer").send().await.unwrap().into_inner();
    assert_eq!(users.total, 1);
}
