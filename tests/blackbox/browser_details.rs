//! Browser details of the hosted pages: `__Host-` cookies under https, CSRF
//! seeds only the server issued, a confirmation before logging out without
//! an ID token hint, redirect URIs that cannot run script or leak over plain
//! http, and RFC 7636 verifiers.

use base64::Engine;
use keyward_server::config::Settings;
use keyward_tests::flow::{self, Agent, PASSWORD, REDIRECT_URI, code_for, input, param};
use keyward_tests::{TestServer, on_both_databases};
use serde_json::json;
use sha2::{Digest, Sha256};

on_both_databases!(
    cookies_are_host_only_under_https,
    a_chosen_csrf_cookie_is_no_seed,
    logout_without_hint_asks_first,
    redirect_uris_cannot_run_script_or_use_plain_http,
    pkce_verifiers_follow_rfc_7636
);

fn authorize_params(challenge: &str) -> Vec<(&'static str, String)> {
    vec![
        ("response_type", "code".into()),
        ("client_id", "web".into()),
        ("redirect_uri", REDIRECT_URI.into()),
        ("scope", "openid".into()),
        ("code_challenge", challenge.into()),
        ("code_challenge_method", "S256".into()),
    ]
}

fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect()
}

async fn cookies_are_host_only_under_https(server: TestServer) {
    flow::web_app(&server, json!({})).await;
    let (_, challenge) = flow::pkce();
    let url = format!("{}/oauth/authorize", server.url);
    let response = server.http().get(&url).query(&authorize_params(&challenge)).send().await.unwrap();
    let cookies = set_cookies(&response);
    assert!(cookies.iter().all(|c| c.starts_with("kw_") && !c.contains("Secure")), "{cookies:?}");
    let server = server.restart_with(|s| Settings { issuer: Some("https://login.example".into()), ..s }).await;
    let url = format!("{}/oauth/authorize", server.url);
    let response = server.http().get(&url).query(&authorize_params(&challenge)).send().await.unwrap();
    let cookies = set_cookies(&response);
    assert!(!cookies.is_empty());
    for cookie in cookies {
        assert!(
            cookie.starts_with("__Host-kw_") && cookie.contains("; Secure") && cookie.contains("Path=/"),
            "{cookie}"
        );
        assert!(!cookie.contains("Domain="), "{cookie}");
    }
}

async fn a_chosen_csrf_cookie_is_no_seed(server: TestServer) {
    flow::web_app(&server, json!({})).await;
    flow::create_user(&server, "ann").await;
    let (_, challenge) = flow::pkce();
    // A cookie an attacker planted, and the token the server computes for it.
    let planted = format!("kw_csrf={}", "a".repeat(43));
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = http
        .get(format!("{}/oauth/authorize", server.url))
        .query(&authorize_params(&challenge))
        .header("cookie", &planted)
        .send()
        .await
        .unwrap();
    assert!(set_cookies(&page).iter().any(|c| c.starts_with("kw_csrf=")), "a seed of the server's own is set");
    let body = page.text().await.unwrap();
    let form = [
        ("request", input(&body, "request").unwrap()),
        ("csrf", input(&body, "csrf").unwrap()),
        ("username", "ann".into()),
        ("password", PASSWORD.into()),
    ];
    let response = http
        .post(format!("{}/oauth/authorize/login", server.url))
        .header("cookie", &planted)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert!(response.text().await.unwrap().contains("The form expired"));
}

async fn logout_without_hint_asks_first(server: TestServer) {
    flow::web_app(&server, json!({})).await;
    flow::create_user(&server, "ann").await;
    let agent = Agent::new(&server);
    code_for(&agent, "ann", "openid").await;
    let query = "client_id=web&post_logout_redirect_uri=https%3A%2F%2Fapp.example%2Fbye&state=s9";
    let page = agent.get(&format!("/oauth/logout?{query}")).await;
    assert_eq!((page.status, page.location.as_deref()), (200, None));
    assert!(page.body.contains("Sign out?"), "{}", page.body);
    // Nothing happened yet: the session still signs in silently.
    let (_, challenge) = flow::pkce();
    let mut silent = authorize_params(&challenge);
    silent.push(("prompt", "none".into()));
    let silent: Vec<(&str, &str)> = silent.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert!(param(&agent.authorize(&silent).await.location.unwrap(), "code").is_some());
    // A cross-site POST without the page's token does not log out either.
    let form = [("client_id", "web"), ("post_logout_redirect_uri", "https://app.example/bye")];
    let response = agent.http.post(format!("{}/oauth/logout", server.url)).form(&form).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(param(&agent.authorize(&silent).await.location.unwrap(), "code").is_some());
    // Confirming does, and goes back to the registered address.
    let form: Vec<(&str, String)> = ["client_id", "post_logout_redirect_uri", "state", "csrf"]
        .into_iter()
        .map(|name| (name, input(&page.body, name).unwrap()))
        .collect();
    // Not with a token of another browser's page.
    let other = Agent::new(&server).get(&format!("/oauth/logout?{query}")).await;
    let mut forged = form.clone();
    forged[3].1 = input(&other.body, "csrf").unwrap();
    assert_eq!(agent.post("/oauth/logout/confirm", &forged).await.status, 200);
    assert!(param(&agent.authorize(&silent).await.location.unwrap(), "code").is_some());
    let done = agent.post("/oauth/logout/confirm", &form).await;
    assert_eq!((done.status, done.location.as_deref()), (303, Some("https://app.example/bye?state=s9")));
    assert_eq!(param(&agent.authorize(&silent).await.location.unwrap(), "error").as_deref(), Some("login_required"));
}

async fn redirect_uris_cannot_run_script_or_use_plain_http(server: TestServer) {
    let admin = server.admin().await;
    let create = |id: usize, uri: &str| {
        serde_json::from_value::<keyward_sdk::types::ClientCreate>(json!({
            "clientId": format!("app{id}"),
            "allowedGrantTypes": [{ "grantType": "authorization_code" }],
            "redirectUris": [{ "redirectUri": uri }],
        }))
        .unwrap()
    };
    let refused = [
        "javascript:alert(1)",
        "JavaScript://app.example/%0aalert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "https://app.example/cb#fragment",
        "http://app.example/cb",
        "http://127.0.0.1.evil.example/cb",
    ];
    for (i, uri) in refused.iter().enumerate() {
        let error = admin.client_create().body(create(i, uri)).send().await.expect_err(uri);
        assert_eq!(error.status().map(|s| s.as_u16()), Some(422), "{uri}");
    }
    let accepted = [
        "https://app.example/cb",
        "http://127.0.0.1:8400/cb",
        "http://localhost/cb",
        "http://[::1]:9/cb",
        "com.example.app:/oauth",
    ];
    for (i, uri) in accepted.iter().enumerate() {
        admin.client_create().body(create(100 + i, uri)).send().await.expect(uri);
    }
    // Post-logout URIs follow the same rule.
    let body = serde_json::from_value::<keyward_sdk::types::ClientCreate>(json!({
        "clientId": "bye", "postLogoutRedirectUris": [{ "postLogoutRedirectUri": "javascript:alert(1)" }],
    }))
    .unwrap();
    assert_eq!(admin.client_create().body(body).send().await.err().unwrap().status().unwrap().as_u16(), 422);
}

async fn pkce_verifiers_follow_rfc_7636(server: TestServer) {
    let secret = flow::web_app(&server, json!({})).await;
    flow::create_user(&server, "ann").await;
    let agent = Agent::new(&server);
    // Verifiers too short, too long, or with characters RFC 7636 §4.1 does
    // not allow, each with its matching S256 challenge.
    for verifier in ["a".repeat(42), "b".repeat(129), format!("{}+/ =", "c".repeat(44))] {
        let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        let params = authorize_params(&challenge);
        let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let mut page = agent.authorize(&params).await;
        if page.status == 200 {
            page = agent.sign_in(&page, "ann", PASSWORD).await;
        }
        let code = param(&page.location.expect("redirected"), "code").expect("a code");
        let (status, body) = flow::exchange(&server, ("web", &secret), &code, REDIRECT_URI, &verifier).await;
        assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
        assert!(body["error_description"].as_str().unwrap().contains("43 to 128"), "{body}");
    }
}
