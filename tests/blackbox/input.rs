//! Bad input: a precise 4xx, and nothing stored; URLs (redirect URIs,
//! post-logout URIs, CORS origins) read as a browser reads them.

use crate::json;
use keyward_tests::{ADMIN_ID, ADMIN_SECRET, TestServer, on_both_databases};
use serde_json::{Value, json};

on_both_databases!(bad_input_is_refused_precisely, redirect_uris_with_user_info_are_refused);

async fn bad_input_is_refused_precisely(server: TestServer) {
    let token = server.token(keyward_tests::ADMIN_ID, keyward_tests::ADMIN_SECRET, None).await;
    let http = server.http();
    let post = |path: &str, body: serde_json::Value| {
        http.post(format!("{}{path}", server.url)).bearer_auth(&token).json(&body).send()
    };
    let cases: Vec<(&str, serde_json::Value, u16, &str)> = vec![
        ("/api/Client", json!({}), 400, "missing field `clientId`"),
        ("/api/Client", json!({ "clientId": 42 }), 400, "invalid type"),
        ("/api/Client", json!({ "clientId": "a", "bogus": 1 }), 400, "unknown field `bogus`"),
        ("/api/Client", json!({ "clientId": "has space" }), 422, "clientId"),
        (
            "/api/Client",
            json!({ "clientId": "a", "redirectUris": [{ "redirectUri": "https://x/cb#frag" }] }),
            422,
            "redirectUri",
        ),
        (
            "/api/Client",
            json!({ "clientId": "a", "allowedGrantTypes": [{ "grantType": "implicit" }] }),
            422,
            "implicit",
        ),
        ("/api/Client", json!({ "clientId": "a", "accessTokenLifetime": 0 }), 422, "accessTokenLifetime"),
        (
            "/api/Client",
            json!({ "clientId": "a", "claims": [{ "type": "sub", "value": "x" }] }),
            422,
            "set by the server",
        ),
        (
            "/api/Client",
            json!({ "clientId": "a", "allowedCorsOrigins": [{ "origin": "https://a.com/path" }] }),
            422,
            "origin",
        ),
        ("/api/User", json!({ "userName": "" }), 422, "userName"),
        ("/api/User", json!({ "userName": "eve", "password": "short" }), 422, "password"),
        ("/api/User", json!({ "userName": "eve", "email": "not-an-email" }), 422, "email"),
        ("/api/User", json!({ "userName": "eve", "phoneNumber": "12ab" }), 422, "phoneNumber"),
        ("/api/User", json!({ "userName": "eve", "roles": [{ "roleId": 999 }] }), 422, "roleId"),
        ("/api/Role", json!({ "name": "r", "permissions": ["has space"] }), 422, "permissions"),
        ("/api/Tenant", json!({ "name": "t", "status": 7 }), 422, "status"),
        ("/api/Tenant", json!({ "name": "t", "hosts": [{ "hostName": "bad host" }] }), 422, "hostName"),
    ];
    for (path, body, status, needle) in cases {
        let (got, answer) = json(post(path, body.clone()).await.unwrap()).await;
        assert_eq!(got, status, "{path} {body} → {answer}");
        assert_eq!(answer["code"].as_u64(), Some(status as u64));
        let message = answer["message"].as_str().unwrap();
        assert!(message.contains(needle), "{path} {body}: {message:?} should mention {needle:?}");
    }

    let huge = json!({ "clientId": "big", "description": "x".repeat(70_000) });
    let (status, answer) = json(post("/api/Client", huge).await.unwrap()).await;
    assert_eq!(status, 413, "{answer}");

    let (status, answer) =
        json(http.get(format!("{}/api/Client?take=0", server.url)).bearer_auth(&token).send().await.unwrap()).await;
    assert_eq!(status, 400, "{answer}");
    let (status, answer) = json(
        http.get(format!("{}/api/User?orderby=password_hash", server.url)).bearer_auth(&token).send().await.unwrap(),
    )
    .await;
    assert_eq!(status, 400);
    assert!(answer["message"].as_str().unwrap().contains("orderby must be one of"), "{answer}");
    let (status, _) = json(
        http.get(format!("{}/api/User?startTime=yesterday", server.url)).bearer_auth(&token).send().await.unwrap(),
    )
    .await;
    assert_eq!(status, 400);
    for path in ["/api/Client/424242", "/api/User/424242", "/api/Role/424242", "/api/Tenant/424242"] {
        let (status, answer) =
            json(http.get(format!("{}{path}", server.url)).bearer_auth(&token).send().await.unwrap()).await;
        assert_eq!((status, answer["codeName"].as_str()), (404, Some("NotFound")), "{path}");
        let (status, _) =
            json(http.delete(format!("{}{path}", server.url)).bearer_auth(&token).send().await.unwrap()).await;
        assert_eq!(status, 404, "{path}");
    }
    let (status, _) =
        json(http.get(format!("{}/api/User/abc", server.url)).bearer_auth(&token).send().await.unwrap()).await;
    assert_eq!(status, 400);

    let admin = server.admin().await;
    let clients = admin.client_list().send().await.unwrap().into_inner();
    assert_eq!(clients.total, 1, "only the bootstrap admin client exists");
    assert_eq!(admin.user_list().send().await.unwrap().into_inner().total, 0);
    assert_eq!(admin.role_list().send().await.unwrap().into_inner().total, 0);
    assert_eq!(admin.tenant_list().send().await.unwrap().into_inner().total, 1);
}

/// A registered redirect URI is parsed as a browser parses it:
/// `http://127.0.0.1:x@evil.example/cb` goes to evil.example, and no
/// redirect URI, post-logout URI or CORS origin may carry user-info.
async fn redirect_uris_with_user_info_are_refused(server: TestServer) {
    let token = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let create = |n: usize, extra: Value| {
        let mut body = json!({ "clientId": format!("app{n}"),
            "allowedGrantTypes": [{ "grantType": "authorization_code" }],
            "redirectUris": [{ "redirectUri": "http://127.0.0.1:8080/cb" }] });
        body.as_object_mut().unwrap().extend(extra.as_object().cloned().unwrap());
        let request = server.http().post(format!("{}/api/Client", server.url)).bearer_auth(&token).json(&body);
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.json::<Value>().await.unwrap())
        }
    };
    let refused = [
        json!({ "redirectUris": [{ "redirectUri": "http://127.0.0.1:x@evil.example/cb" }] }),
        json!({ "redirectUris": [{ "redirectUri": "http://localhost@evil.example/cb" }] }),
        json!({ "redirectUris": [{ "redirectUri": "https://user:pass@app.example/cb" }] }),
        json!({ "redirectUris": [{ "redirectUri": "http://[::1]:80@evil.example/cb" }] }),
        json!({ "postLogoutRedirectUris": [{ "postLogoutRedirectUri": "http://127.0.0.1@evil.example/" }] }),
        json!({ "allowedCorsOrigins": [{ "origin": "https://user@app.example" }] }),
    ];
    for (n, extra) in refused.into_iter().enumerate() {
        let (status, body) = create(n, extra.clone()).await;
        assert_eq!(status, 422, "{extra}: {body}");
    }
    for (n, uri) in ["http://127.0.0.1:8080/cb", "http://[::1]/cb", "http://localhost:3000/cb", "com.example.app:/cb"]
        .into_iter()
        .enumerate()
    {
        let (status, body) = create(100 + n, json!({ "redirectUris": [{ "redirectUri": uri }] })).await;
        assert_eq!(status, 201, "{uri}: {body}");
    }
}
