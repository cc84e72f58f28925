//! The hosted sign-in and consent pages in a real headless Chromium, driven
//! by `tests/browser/login.mjs` (playwright-core; `npm ci --prefix
//! tests/browser` installs it, Debian's `chromium` package is the browser).

use keyward_tests::flow::{self, PASSWORD, param, pkce};
use keyward_tests::{TestServer, on_both_databases};
use serde_json::{Value, json};
use std::path::Path;
use tokio::io::AsyncWriteExt;

on_both_databases!(sign_in_and_consent_in_chromium);

/// A tiny HTTP server standing in for the client's callback page.
async fn callback_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let _ = stream
                .write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
                )
                .await;
        }
    });
    format!("http://{address}/cb")
}

async fn sign_in_and_consent_in_chromium(server: TestServer) {
    let script_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("browser");
    assert!(
        script_dir.join("node_modules/playwright-core").exists(),
        "playwright-core is missing: run `npm ci --prefix tests/browser` (and install Debian's chromium)"
    );
    let redirect = callback_server().await;
    let secret = flow::create_app(
        &server,
        json!({
            "clientId": "web", "clientName": "Browser App", "requireConsent": true,
            "allowedGrantTypes": [{ "grantType": "authorization_code" }],
            "redirectUris": [{ "redirectUri": redirect }],
            "allowedScopes": [{ "scope": "openid" }, { "scope": "email" }],
        }),
    )
    .await
    .unwrap();
    flow::create_user(&server, "ann").await;
    let (verifier, challenge) = pkce();
    let query = serde_urlencoded::to_string([
        ("response_type", "code"),
        ("client_id", "web"),
        ("redirect_uri", redirect.as_str()),
        ("scope", "openid email"),
        ("state", "browser-state"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ])
    .unwrap();
    let url = format!("{}/oauth/authorize?{query}", server.url);
    let output = tokio::process::Command::new("node")
        .arg("login.mjs")
        .args([url.as_str(), "ann", PASSWORD, redirect.as_str()])
        .current_dir(&script_dir)
        .output()
        .await
        .expect("node runs");
    assert!(output.status.success(), "browser script failed: {}", String::from_utf8_lossy(&output.stderr));
    let seen: Value = serde_json::from_slice(&output.stdout).expect("the script prints JSON");
    assert_eq!(seen["loginTitle"], "Sign in");
    assert_eq!(seen["tenant"], "default");
    assert_eq!(seen["failure"], "The sign-in name or password is incorrect.");
    assert_eq!(seen["prefilled"], "ann");
    assert_eq!(seen["consentTitle"], "Allow access?");
    assert_eq!(seen["scopes"], json!(["openid", "email"]));
    let session =
        seen["cookies"].as_array().unwrap().iter().find(|c| c["name"] == "kw_session").expect("session cookie");
    assert_eq!((session["httpOnly"].as_bool(), session["sameSite"].as_str()), (Some(true), Some("Lax")));
    let final_url = seen["finalUrl"].as_str().unwrap();
    assert_eq!(param(final_url, "state").as_deref(), Some("browser-state"));
    let code = param(final_url, "code").expect("the browser arrived with a code");
    let (status, tokens) = flow::exchange(&server, ("web", &secret), &code, &redirect, &verifier).await;
    assert_eq!(status, 200, "{tokens}");
    assert!(tokens["id_token"].is_string());
}
