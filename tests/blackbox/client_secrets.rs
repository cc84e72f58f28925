//! A client's secrets have a life cycle (seed 001's 生成密钥): added with an
//! optional expiry and shown once, listed without values, deleted; expired
//! ones stop working. An admin mints a token of a client (创建令牌).

use crate::json;
use keyward_tests::end_user::sql;
use keyward_tests::flow::{self, claims, introspect};
use keyward_tests::{TestServer, on_both_databases};
use serde_json::{Value, json};

on_both_databases!(client_secrets_rotate_with_overlap, admins_issue_tokens_of_a_client);

async fn client(server: &TestServer) -> (i64, String) {
    flow::ensure_api_scopes(server, &["orders.read", "orders.write"]).await;
    let secret = flow::create_app(
        server,
        json!({ "clientId": "svc", "allowedGrantTypes": [{ "grantType": "client_credentials" }],
                "allowedScopes": [{ "scope": "orders.read" }], "accessTokenLifetime": 900 }),
    )
    .await
    .unwrap();
    let (_, list) = call(server, reqwest::Method::GET, "/api/Client?q.ClientID=svc", None).await;
    (list["data"][0]["id"].as_i64().unwrap(), secret)
}

async fn call(server: &TestServer, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let token = server.token(keyward_tests::ADMIN_ID, keyward_tests::ADMIN_SECRET, None).await;
    let mut request = server.http().request(method, format!("{}{path}", server.url)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    json(request.send().await.unwrap()).await
}

async fn token_status(server: &TestServer, secret: &str) -> u16 {
    flow::token(server, Some(("svc", secret)), &[("grant_type", "client_credentials")]).await.0
}

async fn client_secrets_rotate_with_overlap(server: TestServer) {
    let (id, first) = client(&server).await;
    let path = format!("/api/Client/{id}/Secrets");
    let past = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    let (status, body) = call(&server, reqwest::Method::POST, &path, Some(json!({ "expiration": past }))).await;
    assert_eq!(status, 422, "{body}");
    let future = (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339();
    let body = json!({ "description": "rotation 2027", "expiration": future });
    let (status, created) = call(&server, reqwest::Method::POST, &path, Some(body)).await;
    assert_eq!(status, 201, "{created}");
    let second = created["data"]["secret"].as_str().unwrap().to_string();
    assert_eq!(second.len(), 43);
    // Both work during the overlap; the list shows metadata only.
    assert_eq!((token_status(&server, &first).await, token_status(&server, &second).await), (200, 200));
    let (status, list) = call(&server, reqwest::Method::GET, &path, None).await;
    assert_eq!(status, 200);
    let secrets = list["data"].as_array().unwrap();
    assert_eq!(secrets.len(), 2);
    assert_eq!(secrets[1]["description"], "rotation 2027");
    assert!(secrets[1]["expiration"].is_string() && secrets[1]["created"].is_string());
    let text = list.to_string();
    assert!(!text.contains(&second) && !text.contains(&first) && !text.contains("sha256"), "{text}");
    // The old one is deleted: it stops working, the new one goes on.
    let old_id = secrets[0]["id"].as_i64().unwrap();
    let (status, _) = call(&server, reqwest::Method::DELETE, &format!("{path}/{old_id}"), None).await;
    assert_eq!(status, 200);
    assert_eq!((token_status(&server, &first).await, token_status(&server, &second).await), (401, 200));
    let (status, _) = call(&server, reqwest::Method::DELETE, &format!("{path}/{old_id}"), None).await;
    assert_eq!(status, 404);
    // An expired secret stops working (its expiry moved into the past
    // before the client was next read).
    let (_, third) = call(&server, reqwest::Method::POST, &path, Some(json!({ "expiration": future }))).await;
    sql(&server, &format!("UPDATE client_secrets SET expires_at = 1 WHERE id = {}", third["data"]["id"])).await;
    assert_eq!(token_status(&server, third["data"]["secret"].as_str().unwrap()).await, 401);
    // Another tenant's admin view: an unknown client is 404.
    let (status, _) = call(&server, reqwest::Method::GET, "/api/Client/999999/Secrets", None).await;
    assert_eq!(status, 404);
}

async fn admins_issue_tokens_of_a_client(server: TestServer) {
    let (id, secret) = client(&server).await;
    let path = format!("/api/Client/{id}/IssueToken");
    let (status, issued) =
        call(&server, reqwest::Method::POST, &path, Some(json!({ "scope": "orders.read", "lifetime": 600 }))).await;
    assert_eq!(status, 200, "{issued}");
    let token = issued["data"]["access_token"].as_str().unwrap();
    assert_eq!(
        (issued["data"]["expires_in"].as_i64(), issued["data"]["scope"].as_str()),
        (Some(600), Some("orders.read"))
    );
    let minted = claims(token);
    assert_eq!((minted["client_id"].as_str(), minted["sub"].as_str()), (Some("svc"), Some("svc")));
    assert_eq!(minted["exp"].as_i64().unwrap() - minted["iat"].as_i64().unwrap(), 600);
    // The same audience the client's own grant gets, and it is live.
    let (_, own) = flow::token(&server, Some(("svc", &secret)), &[("grant_type", "client_credentials")]).await;
    assert_eq!(minted["aud"], claims(own["access_token"].as_str().unwrap())["aud"]);
    assert_eq!(introspect(&server, ("svc", &secret), token).await["active"], true);
    // Scopes beyond the client's, or a lifetime beyond its own, are refused.
    for body in [json!({ "scope": "orders.write" }), json!({ "lifetime": 901 }), json!({ "lifetime": 0 })] {
        let (status, answer) = call(&server, reqwest::Method::POST, &path, Some(body.clone())).await;
        assert_eq!(status, 422, "{body}: {answer}");
    }
}
