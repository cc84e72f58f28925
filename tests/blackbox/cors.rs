//! CORS per client: preflights and answers of the browser-callable
//! endpoints carry `Access-Control-*` headers for a registered origin and
//! none for another; then a real cross-origin `fetch` in headless Chromium
//! (`tests/browser/cors.mjs`) from pages on two other loopback ports.

use keyward_server::config::Settings;
use keyward_tests::{ADMIN_ID, ADMIN_SECRET, TestServer, on_both_databases};
use reqwest::{Method, Response};
use serde_json::{Value, json};
use std::path::Path;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;

on_both_databases!(cors_headers_follow_the_clients, cross_origin_fetch_in_browser);

const APP_ORIGIN: &str = "http://app.example";
const OTHER_ORIGIN: &str = "http://evil.example";

fn header(response: &Response, name: &str) -> Option<String> {
    response.headers().get(name).map(|v| v.to_str().unwrap().to_string())
}

/// A client_credentials client listing `origins`: its numeric id and secret.
async fn client(server: &TestServer, client_id: &str, origins: &[&str]) -> (i64, String) {
    let admin = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let origins: Vec<Value> = origins.iter().map(|o| json!({ "origin": o })).collect();
    let body = json!({
        "clientId": client_id, "clientName": client_id,
        "allowedGrantTypes": [{ "grantType": "client_credentials" }],
        "allowedCorsOrigins": origins,
    });
    let response =
        server.http().post(format!("{}/api/Client", server.url)).bearer_auth(&admin).json(&body).send().await.unwrap();
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    (body["data"]["id"].as_i64().unwrap(), body["data"]["clientSecret"].as_str().unwrap().to_string())
}

async fn update_client(server: &TestServer, id: i64, change: Value) {
    let admin = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let response = server
        .http()
        .put(format!("{}/api/Client/{id}", server.url))
        .bearer_auth(&admin)
        .json(&change)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
}

async fn preflight(server: &TestServer, path: &str, origin: &str, method: &str) -> Response {
    server
        .http()
        .request(Method::OPTIONS, format!("{}{path}", server.url))
        .header("origin", origin)
        .header("access-control-request-method", method)
        .header("access-control-request-headers", "authorization, content-type")
        .send()
        .await
        .unwrap()
}

/// The origin a preflight of `path` allows for `origin`, checking the rest
/// of an allowing answer.
async fn preflight_allows(server: &TestServer, path: &str, origin: &str, method: &str) -> bool {
    let response = preflight(server, path, origin, method).await;
    assert_eq!(response.status(), 204, "{path}");
    assert_eq!(header(&response, "vary").as_deref(), Some("Origin"));
    assert_eq!(header(&response, "access-control-allow-credentials"), None);
    let Some(allowed) = header(&response, "access-control-allow-origin") else {
        assert_eq!(header(&response, "access-control-allow-methods"), None);
        return false;
    };
    assert_eq!(allowed, origin);
    assert!(header(&response, "access-control-allow-methods").unwrap().split(", ").any(|m| m == method));
    assert_eq!(header(&response, "access-control-allow-headers").as_deref(), Some("authorization, content-type"));
    assert_eq!(header(&response, "access-control-max-age").as_deref(), Some("600"));
    true
}

/// A client_credentials token request from `origin`: the status and the
/// origin the answer allows.
async fn token_from(server: &TestServer, origin: Option<&str>, client_id: &str, secret: &str) -> (u16, Option<String>) {
    let mut request = server
        .http()
        .post(format!("{}/oauth/token", server.url))
        .basic_auth(client_id, Some(secret))
        .form(&[("grant_type", "client_credentials")]);
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    let response = request.send().await.unwrap();
    assert_eq!(header(&response, "vary").as_deref(), Some("Origin"));
    assert_eq!(header(&response, "access-control-allow-credentials"), None);
    if header(&response, "access-control-allow-origin").is_some() {
        let exposed = header(&response, "access-control-expose-headers").unwrap();
        assert!(exposed.contains("www-authenticate") && exposed.contains("retry-after"), "{exposed}");
    }
    (response.status().as_u16(), header(&response, "access-control-allow-origin"))
}

async fn get_from(server: &TestServer, path: &str, origin: &str) -> (u16, Option<String>) {
    let response = server.http().get(format!("{}{path}", server.url)).header("origin", origin).send().await.unwrap();
    (response.status().as_u16(), header(&response, "access-control-allow-origin"))
}

async fn cors_headers_follow_the_clients(server: TestServer) {
    let (app_id, secret) = client(&server, "spa", &[APP_ORIGIN]).await;
    let (other_id, _) = client(&server, "partner", &["http://partner.example"]).await;
    let app = Some(APP_ORIGIN.to_string());

    // Tenant-wide endpoints: any enabled client's origin.
    for (path, method) in [
        ("/oauth/token", "POST"),
        ("/oauth/revoke", "POST"),
        ("/oauth/userinfo", "GET"),
        ("/oauth/userinfo", "POST"),
        ("/.well-known/openid-configuration", "GET"),
        ("/.well-known/oauth-authorization-server", "GET"),
        ("/oauth/jwks", "GET"),
    ] {
        assert!(preflight_allows(&server, path, APP_ORIGIN, method).await, "{path}");
        assert!(preflight_allows(&server, path, "http://partner.example", method).await, "{path}");
        assert!(!preflight_allows(&server, path, OTHER_ORIGIN, method).await, "{path}");
    }
    assert!(!preflight_allows(&server, "/oauth/token", APP_ORIGIN, "DELETE").await, "only the path's methods");
    assert_eq!(token_from(&server, Some(APP_ORIGIN), "spa", &secret).await, (200, app.clone()));
    assert_eq!(token_from(&server, Some(OTHER_ORIGIN), "spa", &secret).await, (200, None));
    assert_eq!(token_from(&server, None, "spa", &secret).await, (200, None));
    // A refusal is readable too.
    assert_eq!(token_from(&server, Some(APP_ORIGIN), "spa", "wrong").await, (401, app.clone()));
    for path in ["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server", "/oauth/jwks"] {
        assert_eq!(get_from(&server, path, APP_ORIGIN).await, (200, app.clone()), "{path}");
        assert_eq!(get_from(&server, path, OTHER_ORIGIN).await, (200, None), "{path}");
    }
    assert_eq!(get_from(&server, "/oauth/userinfo", APP_ORIGIN).await, (401, app.clone()));

    // The end-user API: the `{appId}` client's origins only.
    let sign_in = format!("/api/AppUsers/{app_id}/SignIn");
    assert!(preflight_allows(&server, &sign_in, APP_ORIGIN, "POST").await);
    assert!(!preflight_allows(&server, &sign_in, "http://partner.example", "POST").await);
    assert!(preflight_allows(&server, &format!("/api/OAuth/{app_id}/Consents/7"), APP_ORIGIN, "DELETE").await);
    assert!(preflight_allows(&server, &format!("/api/AppUsers/{app_id}/Profile"), APP_ORIGIN, "PUT").await);
    assert!(
        preflight_allows(&server, &format!("/api/AppUsers/{other_id}/Profile"), "http://partner.example", "GET").await
    );
    let response = server
        .http()
        .post(format!("{}{sign_in}", server.url))
        .header("origin", APP_ORIGIN)
        .json(&json!({ "userName": "nobody", "password": "not-a-password" }))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    assert!((400..500).contains(&status), "{status}");
    assert_eq!(header(&response, "access-control-allow-origin"), app);
    let envelope: Value = response.json().await.unwrap();
    assert_eq!(envelope["code"], status, "the envelope is readable: {envelope}");
    let (_, allowed) = get_from(&server, &format!("/api/AppUsers/{app_id}/Profile"), "http://partner.example").await;
    assert_eq!(allowed, None);

    // The admin API is not for browsers on other sites.
    let response = preflight(&server, "/api/Client", APP_ORIGIN, "GET").await;
    assert_eq!(header(&response, "access-control-allow-origin"), None);

    // A disabled client's origins no longer count, here at once and at
    // another replica within the caches' lifetime.
    let replica = server.replica_with(|settings| Settings { issuer: Some(server.url.clone()), ..settings }).await;
    assert!(preflight_allows(&replica, "/oauth/token", "http://partner.example", "POST").await);
    update_client(&server, other_id, json!({ "enabled": false })).await;
    assert!(!preflight_allows(&server, "/oauth/token", "http://partner.example", "POST").await);
    assert!(
        !preflight_allows(&server, &format!("/api/AppUsers/{other_id}/Profile"), "http://partner.example", "GET").await
    );
    let started = Instant::now();
    while preflight_allows(&replica, "/oauth/token", "http://partner.example", "POST").await {
        assert!(started.elapsed() < Duration::from_secs(7), "the replica still allows a disabled client's origin");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // A changed list: the old origin is refused, the new one allowed.
    update_client(&server, app_id, json!({ "allowedCorsOrigins": [{ "origin": "https://new.example" }] })).await;
    assert!(!preflight_allows(&server, &sign_in, APP_ORIGIN, "POST").await);
    assert!(preflight_allows(&server, &sign_in, "https://new.example", "POST").await);
    assert_eq!(
        token_from(&server, Some("https://new.example"), "spa", &secret).await,
        (200, Some("https://new.example".into()))
    );
    assert_eq!(token_from(&server, Some(APP_ORIGIN), "spa", &secret).await, (200, None));
}

/// A tiny HTTP server serving an empty HTML page: a browser app's origin.
async fn page_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let html = "<!doctype html><title>app</title>";
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{html}",
                html.len()
            );
            let _ = stream.write_all(response.as_bytes()).await;
        }
    });
    format!("http://{address}")
}

async fn cross_origin_fetch_in_browser(server: TestServer) {
    let script_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("browser");
    assert!(
        script_dir.join("node_modules/playwright-core").exists(),
        "playwright-core is missing: run `npm ci --prefix tests/browser` (and install Debian's chromium)"
    );
    let (allowed, other) = (page_server().await, page_server().await);
    let (_, secret) = client(&server, "spa", &[&allowed]).await;
    let output = tokio::process::Command::new("node")
        .arg("cors.mjs")
        .args([&server.url, &allowed, &other, "spa", &secret])
        .current_dir(&script_dir)
        .output()
        .await
        .expect("node runs");
    assert!(output.status.success(), "browser script failed: {}", String::from_utf8_lossy(&output.stderr));
    let seen: Value = serde_json::from_slice(&output.stdout).expect("the script prints JSON");
    // From the registered origin: a preflighted token request (Basic
    // credentials) and a simple GET both succeed with JSON.
    let from_allowed = &seen["allowed"];
    assert_eq!(from_allowed["token"]["status"], 200, "{seen}");
    assert_eq!(from_allowed["token"]["body"]["token_type"], "Bearer");
    assert!(from_allowed["token"]["body"]["access_token"].as_str().is_some_and(|t| !t.is_empty()));
    assert_eq!(from_allowed["discovery"]["status"], 200);
    assert_eq!(from_allowed["discovery"]["body"]["issuer"], server.url);
    // From another origin the browser refuses both.
    for call in ["token", "discovery"] {
        assert_eq!(seen["other"][call]["error"], "TypeError", "{seen}");
    }
}
