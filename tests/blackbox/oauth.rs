//! The authorization code flow with PKCE through the hosted pages, and every
//! RFC 6749 §4.1.2.1 / §5.2 and RFC 9700 negative case that applies.

use keyward_tests::flow::{self, Agent, PASSWORD, REDIRECT_URI, claims, code_for, param, pkce, token};
use keyward_tests::{TestServer, on_both_databases};
use serde_json::json;

on_both_databases!(
    code_flow_issues_tokens,
    authorization_errors,
    code_exchange_errors,
    consent_page,
    logout_ends_session
);

async fn code_flow_issues_tokens(server: TestServer) {
    let secret = flow::web_app(&server, json!({})).await;
    let user = flow::create_user(&server, "ann").await;
    let agent = Agent::new(&server);
    let (verifier, challenge) = pkce();
    let params = [
        ("response_type", "code"),
        ("client_id", "web"),
        ("redirect_uri", REDIRECT_URI),
        ("scope", "openid profile email"),
        ("state", "xyz"),
        ("nonce", "n-0S6"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    let login = agent.authorize(&params).await;
    assert_eq!(login.status, 200);
    assert!(login.body.contains("Sign in") && login.body.contains("Web App"), "{}", login.body);
    let done = agent.sign_in(&login, "ANN@example.com", PASSWORD).await;
    assert_eq!(done.status, 303);
    let location = done.location.unwrap();
    assert_eq!(param(&location, "state").as_deref(), Some("xyz"));
    assert_eq!(param(&location, "iss").as_deref(), Some(server.url.as_str()));
    let code = param(&location, "code").unwrap();

    let (status, tokens) = flow::exchange(&server, ("web", &secret), &code, REDIRECT_URI, &verifier).await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["scope"], "openid profile email");
    let id = claims(tokens["id_token"].as_str().unwrap());
    assert_eq!((id["iss"].as_str(), id["aud"].as_str()), (Some(server.url.as_str()), Some("web")));
    assert_eq!((id["sub"].as_str(), id["nonce"].as_str()), (Some(user.to_string().as_str()), Some("n-0S6")));
    assert!(id["auth_time"].as_i64().is_some() && id["sid"].as_str().is_some() && id["at_hash"].as_str().is_some());
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(claims(access)["sub"], user.to_string());

    // UserInfo releases what the scopes allow, by GET and POST.
    for method in [reqwest::Method::GET, reqwest::Method::POST] {
        let response = server
            .http()
            .request(method, format!("{}/oauth/userinfo", server.url))
            .bearer_auth(access)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let info: serde_json::Value = response.json().await.unwrap();
        assert_eq!(info["sub"], user.to_string());
        assert_eq!(
            (info["preferred_username"].as_str(), info["email"].as_str()),
            (Some("ann"), Some("ann@example.com"))
        );
        assert!(info.get("phone_number").is_none());
    }

    // The session signs the user in again without the page; prompt=login asks.
    let (code, _) = code_for(&agent, "ann", "openid").await;
    assert!(!code.is_empty());
    let mut forced = params.to_vec();
    forced.push(("prompt", "login"));
    assert_eq!(agent.authorize(&forced).await.status, 200);
    // max_age: a sign-in older than allowed asks again.
    server.state().clock.advance(std::time::Duration::from_millis(1100));
    let mut aged = params.to_vec();
    aged.push(("max_age", "0"));
    assert!(agent.authorize(&aged).await.body.contains("Sign in"));
    aged.pop();
    aged.push(("max_age", "3600"));
    assert_eq!(agent.authorize(&aged).await.status, 303);
    // The authorization endpoint also takes POST (OpenID Connect Core §3.1.2.1).
    let posted = agent.http.post(format!("{}/oauth/authorize", server.url)).form(&params).send().await.unwrap();
    assert_eq!(posted.status(), 303);
    let fresh = Agent::new(&server);
    let page = fresh.http.post(format!("{}/oauth/authorize", server.url)).form(&params).send().await.unwrap();
    let page = flow::Page { status: page.status().as_u16(), location: None, body: page.text().await.unwrap() };
    assert_eq!(page.status, 200);
    let back = fresh.sign_in(&page, "ann", PASSWORD).await;
    assert_eq!(param(&back.location.unwrap(), "state").as_deref(), Some("xyz"));
    // prompt=none without a session: login_required, by redirect.
    let mut silent = params.to_vec();
    silent.push(("prompt", "none"));
    let page = Agent::new(&server).authorize(&silent).await;
    assert_eq!(param(&page.location.unwrap(), "error").as_deref(), Some("login_required"));
    // response_mode=form_post answers with a self-submitting form.
    let mut posted = params.to_vec();
    posted.push(("response_mode", "form_post"));
    let page = agent.authorize(&posted).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&format!("action=\"{REDIRECT_URI}\"")) && page.body.contains("name=\"code\""));
}

async fn authorization_errors(server: TestServer) {
    flow::web_app(&server, json!({})).await;
    flow::create_user(&server, "ann").await;
    let public = json!({
        "clientId": "spa", "requireClientSecret": false,
        "allowedGrantTypes": [{ "grantType": "authorization_code" }],
        "redirectUris": [{ "redirectUri": "https://spa.example/cb" }], "allowedScopes": [{ "scope": "openid" }]
    });
    assert!(flow::create_app(&server, public).await.is_none());
    let agent = Agent::new(&server);
    let challenge: &'static str = Box::leak(pkce().1.into_boxed_str());
    let base = |client: &'static str, redirect: &'static str| {
        vec![
            ("response_type", "code"),
            ("client_id", client),
            ("redirect_uri", redirect),
            ("scope", "openid"),
            ("state", "st"),
            ("code_challenge", challenge),
        ]
    };
    // Unknown client or unregistered redirect URI: an error page, never a redirect.
    for params in
        [base("nobody", REDIRECT_URI), base("web", "https://evil.example/cb"), base("web", "https://app.example/cb/")]
    {
        let page = agent.authorize(&params).await;
        assert_eq!((page.status, page.location), (400, None));
        assert!(page.body.contains("Sign-in cannot continue"));
    }
    // Everything else is redirected with error, description and state.
    let error_of = |page: flow::Page| {
        let location = page.location.expect("redirected");
        assert!(location.starts_with(REDIRECT_URI) || location.starts_with("https://spa.example/cb"));
        assert_eq!(param(&location, "state").as_deref(), Some("st"));
        param(&location, "error").unwrap()
    };
    let with = |mut params: Vec<(&'static str, &'static str)>, key: &'static str, value: &'static str| {
        params.retain(|(k, _)| *k != key);
        if !value.is_empty() {
            params.push((key, value));
        }
        params
    };
    let web = base("web", REDIRECT_URI);
    let spa = base("spa", "https://spa.example/cb");
    assert_eq!(
        error_of(agent.authorize(&with(web.clone(), "response_type", "token")).await),
        "unsupported_response_type"
    );
    assert_eq!(error_of(agent.authorize(&with(web.clone(), "response_type", "")).await), "invalid_request");
    assert_eq!(error_of(agent.authorize(&with(web.clone(), "scope", "openid admin")).await), "invalid_scope");
    assert_eq!(
        error_of(agent.authorize(&with(web.clone(), "code_challenge_method", "plain")).await),
        "invalid_request"
    );
    assert_eq!(error_of(agent.authorize(&with(web.clone(), "code_challenge_method", "S512")).await), "invalid_request");
    assert_eq!(error_of(agent.authorize(&with(web.clone(), "code_challenge", "short")).await), "invalid_request");
    assert_eq!(error_of(agent.authorize(&with(web.clone(), "prompt", "none login")).await), "invalid_request");
    assert_eq!(error_of(agent.authorize(&with(web.clone(), "max_age", "-1")).await), "invalid_request");
    assert_eq!(error_of(agent.authorize(&with(web.clone(), "request", "eyJ")).await), "request_not_supported");
    // A public client must use PKCE.
    assert_eq!(error_of(agent.authorize(&with(spa.clone(), "code_challenge", "")).await), "invalid_request");
    // The client requires PKCE (the default); with PKCE a public client gets the page.
    assert_eq!(error_of(agent.authorize(&with(web.clone(), "code_challenge", "")).await), "invalid_request");
    assert_eq!(agent.authorize(&spa).await.status, 200);

    // Failed sign-ins: one generic message, then throttling per account.
    let page = agent.authorize(&web).await;
    for attempt in 0..5 {
        let user = if attempt % 2 == 0 { "ann" } else { "ANN" };
        let failed = agent.sign_in(&page, user, "wrong password").await;
        assert_eq!(failed.status, 401);
        assert!(failed.body.contains("The sign-in name or password is incorrect."));
    }
    let unknown = agent.sign_in(&page, "nobody", "wrong password").await;
    assert!(unknown.body.contains("The sign-in name or password is incorrect."));
    let throttled = agent.sign_in(&page, "ann", PASSWORD).await;
    assert_eq!(throttled.status, 401);
    assert!(throttled.body.contains("Too many failed sign-ins"));
    // A form without this browser's CSRF seed is not accepted.
    let stranger = Agent::new(&server);
    let forged = stranger.sign_in(&page, "nobody", PASSWORD).await;
    assert!(forged.body.contains("The form expired") && forged.location.is_none());
}

async fn code_exchange_errors(server: TestServer) {
    let secret = flow::web_app(&server, json!({})).await;
    let other = flow::create_app(
        &server,
        json!({ "clientId": "other", "allowedGrantTypes": [{ "grantType": "authorization_code" }],
                "redirectUris": [{ "redirectUri": REDIRECT_URI }], "allowedScopes": [{ "scope": "openid" }] }),
    )
    .await
    .unwrap();
    flow::create_user(&server, "ann").await;
    let agent = Agent::new(&server);
    let exchange = async |client: (&str, &str), code: &str, redirect: &str, verifier: Option<&str>| {
        let mut form = vec![("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirect)];
        form.extend(verifier.map(|v| ("code_verifier", v)));
        token(&server, Some(client), &form).await
    };
    let web = ("web", secret.as_str());
    let error = |answer: (u16, serde_json::Value)| (answer.0, answer.1["error"].as_str().unwrap().to_string());
    let invalid_grant = (400, "invalid_grant".to_string());

    let (code, verifier) = code_for(&agent, "ann", "openid").await;
    assert_eq!(
        error(exchange(web, &code, REDIRECT_URI, Some("wrong-verifier-wrong-verifier-wrong-verifier")).await),
        invalid_grant
    );
    assert_eq!(error(exchange(web, &code, REDIRECT_URI, None).await), invalid_grant);
    assert_eq!(error(exchange(web, &code, "https://app.example/other", Some(&verifier)).await), invalid_grant);
    assert_eq!(error(exchange(("other", &other), &code, REDIRECT_URI, Some(&verifier)).await), invalid_grant);
    assert_eq!(error(exchange(("web", "wrong-secret"), &code, REDIRECT_URI, Some(&verifier)).await).0, 401);
    assert_eq!(error(exchange(web, "not-a-code", REDIRECT_URI, Some(&verifier)).await), invalid_grant);
    let (status, first) = exchange(web, &code, REDIRECT_URI, Some(&verifier)).await;
    assert_eq!(status, 200, "{first}");
    let access = first["access_token"].as_str().unwrap();
    assert_eq!(flow::introspect(&server, web, access).await["active"], true);
    // Reuse: refused, and what the first exchange got is revoked.
    assert_eq!(error(exchange(web, &code, REDIRECT_URI, Some(&verifier)).await), invalid_grant);
    assert_eq!(flow::introspect(&server, web, access).await, json!({ "active": false }));
    let refresh = first["refresh_token"].as_str().unwrap();
    let refreshed = token(&server, Some(web), &[("grant_type", "refresh_token"), ("refresh_token", refresh)]).await;
    assert_eq!(error(refreshed), invalid_grant);
    let userinfo =
        server.http().get(format!("{}/oauth/userinfo", server.url)).bearer_auth(access).send().await.unwrap();
    assert_eq!(userinfo.status(), 401);
    assert!(
        userinfo.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer realm=\"keyward\", error=\"invalid_token\"")
    );

    // Expired code.
    let admin = server.admin().await;
    let id = admin.client_list().q_client_id("web").send().await.unwrap().into_inner().data[0].id;
    let short: keyward_sdk::types::ClientUpdate =
        serde_json::from_value(json!({ "authorizationCodeLifetime": 1 })).unwrap();
    admin.client_update().id(id).body(short).send().await.unwrap();
    let (code, verifier) = code_for(&agent, "ann", "openid").await;
    server.state().clock.advance(std::time::Duration::from_millis(2100));
    let expired = exchange(web, &code, REDIRECT_URI, Some(&verifier)).await;
    assert_eq!(expired.1["error_description"], "the code has expired");
    // Missing parameters.
    let missing =
        token(&server, Some(web), &[("grant_type", "authorization_code"), ("redirect_uri", REDIRECT_URI)]).await;
    assert_eq!(error(missing), (400, "invalid_request".to_string()));
}

async fn consent_page(server: TestServer) {
    flow::web_app(&server, json!({ "requireConsent": true })).await;
    flow::create_user(&server, "ann").await;
    let agent = Agent::new(&server);
    let (_, challenge) = pkce();
    let params = vec![
        ("response_type", "code"),
        ("client_id", "web"),
        ("redirect_uri", REDIRECT_URI),
        ("scope", "openid email"),
        ("state", "st"),
        ("code_challenge", challenge.as_str()),
    ];
    let login = agent.authorize(&params).await;
    let consent = agent.sign_in(&login, "ann", PASSWORD).await;
    assert_eq!(consent.status, 200);
    assert!(consent.body.contains("data-scope=\"email\"") && consent.body.contains("Your email address"));
    let denied = agent.consent(&consent, "deny", false).await;
    assert_eq!(param(&denied.location.unwrap(), "error").as_deref(), Some("access_denied"));
    // Not remembered: asked again; prompt=none now fails with consent_required.
    let mut silent = params.clone();
    silent.push(("prompt", "none"));
    assert_eq!(param(&agent.authorize(&silent).await.location.unwrap(), "error").as_deref(), Some("consent_required"));
    let again = agent.authorize(&params).await;
    assert!(again.body.contains("Allow access?"));
    let allowed = agent.consent(&again, "allow", true).await;
    assert!(param(&allowed.location.unwrap(), "code").is_some());
    // Remembered: straight through, even silently; prompt=consent asks again.
    assert!(param(&agent.authorize(&silent).await.location.unwrap(), "code").is_some());
    let mut forced = params.clone();
    forced.push(("prompt", "consent"));
    assert!(agent.authorize(&forced).await.body.contains("Allow access?"));
}

async fn logout_ends_session(server: TestServer) {
    let secret = flow::web_app(&server, json!({})).await;
    flow::create_user(&server, "ann").await;
    let agent = Agent::new(&server);
    let (code, verifier) = code_for(&agent, "ann", "openid").await;
    let (_, tokens) = flow::exchange(&server, ("web", &secret), &code, REDIRECT_URI, &verifier).await;
    let id_token = tokens["id_token"].as_str().unwrap();
    // Without a hint the user confirms first; an unregistered return address is not followed.
    let page = agent.get("/oauth/logout?post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F&client_id=web").await;
    let page = confirm_logout(&agent, &page).await;
    assert_eq!((page.status, page.location), (200, None));
    assert!(page.body.contains("You are signed out"));
    let (code, _) = code_for(&agent, "ann", "openid").await;
    assert!(!code.is_empty());
    let query = serde_urlencoded::to_string([
        ("id_token_hint", id_token),
        ("post_logout_redirect_uri", "https://app.example/bye"),
        ("state", "bye-state"),
    ])
    .unwrap();
    let page = agent.get(&format!("/oauth/logout?{query}")).await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location.as_deref(), Some("https://app.example/bye?state=bye%2Dstate"));
    // The session is over: the next authorization shows the sign-in page.
    let (_, challenge) = pkce();
    let params = [
        ("response_type", "code"),
        ("client_id", "web"),
        ("redirect_uri", REDIRECT_URI),
        ("code_challenge", challenge.as_str()),
    ];
    assert!(agent.authorize(&params).await.body.contains("Sign in"));
    // Logout by POST works the same way.
    let (code, _) = code_for(&agent, "ann", "openid").await;
    assert!(!code.is_empty());
    let form = [("post_logout_redirect_uri", "https://app.example/bye"), ("client_id", "web")];
    let response = agent.http.post(format!("{}/oauth/logout", server.url)).form(&form).send().await.unwrap();
    let page = flow::Page { status: response.status().as_u16(), location: None, body: response.text().await.unwrap() };
    let page = confirm_logout(&agent, &page).await;
    assert_eq!(page.location.as_deref(), Some("https://app.example/bye"));
    assert!(agent.authorize(&params).await.body.contains("Sign in"));
}

/// Submits the logout confirmation page.
async fn confirm_logout(agent: &Agent, page: &flow::Page) -> flow::Page {
    assert!(page.body.contains("Sign out?"), "{}", page.body);
    let form: Vec<(&str, String)> = ["client_id", "post_logout_redirect_uri", "state", "csrf"]
        .into_iter()
        .filter_map(|name| flow::input(&page.body, name).map(|value| (name, value)))
        .collect();
    agent.post("/oauth/logout/confirm", &form).await
}
