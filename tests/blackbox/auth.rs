//! 401 without a valid token, 403 without the permission.

use crate::json;
use keyward_sdk::types;
use keyward_tests::{TestServer, on_both_databases};

on_both_databases!(unauthenticated_and_forbidden);

async fn unauthenticated_and_forbidden(server: TestServer) {
    let http = server.http();
    let url = format!("{}/api/Client", server.url);
    let (status, body) = json(http.get(&url).send().await.unwrap()).await;
    assert_eq!((status, body["code"].as_i64()), (401, Some(401)));
    assert!(body["message"].as_str().unwrap().contains("Bearer"), "{body}");
    let (status, _) = json(http.get(&url).bearer_auth("not-a-jwt").send().await.unwrap()).await;
    assert_eq!(status, 401);
    let (status, _) = json(http.get(&url).header("Authorization", "Basic YTpi").send().await.unwrap()).await;
    assert_eq!(status, 401);

    // A token whose signature does not verify.
    let good = server.token(keyward_tests::ADMIN_ID, keyward_tests::ADMIN_SECRET, None).await;
    let mut forged = good.clone();
    forged.replace_range(forged.len() - 4.., "AAAA");
    let (status, _) = json(http.get(&url).bearer_auth(&forged).send().await.unwrap()).await;
    assert_eq!(status, 401);

    // A client with only `isms.client.get` may list clients but not create
    // them, nor touch users; a narrowed admin token likewise.
    let admin = server.admin().await;
    let body: types::ClientCreate = serde_json::from_value(serde_json::json!({
        "clientId": "reader", "allowedGrantTypes": [{ "grantType": "client_credentials" }],
        "allowedScopes": [{ "scope": "isms.client.get" }]
    }))
    .unwrap();
    let reader = admin.client_create().body(body).send().await.unwrap().into_inner().data;
    let token = server.token("reader", reader.client_secret.as_deref().unwrap(), None).await;
    let (status, _) = json(http.get(&url).bearer_auth(&token).send().await.unwrap()).await;
    assert_eq!(status, 200);
    let (status, body) =
        json(http.post(&url).bearer_auth(&token).json(&serde_json::json!({ "clientId": "x" })).send().await.unwrap())
            .await;
    assert_eq!((status, body["codeName"].as_str()), (403, Some("NoPermission")));
    assert!(body["message"].as_str().unwrap().contains("isms.client.post"), "{body}");
    let (status, _) =
        json(http.get(format!("{}/api/User", server.url)).bearer_auth(&token).send().await.unwrap()).await;
    assert_eq!(status, 403);
    let listed = admin.client_list().q_client_id("x").send().await.unwrap().into_inner();
    assert_eq!(listed.total, 0, "the forbidden create stored nothing");

    let narrowed = server.token(keyward_tests::ADMIN_ID, keyward_tests::ADMIN_SECRET, Some("isms.role.get")).await;
    let (status, _) =
        json(http.get(format!("{}/api/Role", server.url)).bearer_auth(&narrowed).send().await.unwrap()).await;
    assert_eq!(status, 200);
    let (status, _) =
        json(http.get(format!("{}/api/Tenant", server.url)).bearer_auth(&narrowed).send().await.unwrap()).await;
    assert_eq!(status, 403);
}
