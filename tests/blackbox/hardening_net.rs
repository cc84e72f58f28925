//! Issue 23, items 7, 9, 10, 11 and part of 12, each reproducing the attack
//! as it was made: a client-sent `Forwarded` resetting per-address limits
//! behind a proxy that appends only `X-Forwarded-For` (7), the account lock
//! counted per spelling of the login (9), seed 004's admin branch on the
//! public listener (10), user-info passing the loopback check of redirect
//! URIs (11), anyone burning the attempts of another person's SMS code,
//! subscriptions confirmed by a mail scanner's GET, and API-resource secrets
//! born expired (12).

use keyward_tests::end_user::{self, assert_refused, post, token_of};
use keyward_tests::flow::{self, PASSWORD};
use keyward_tests::{ADMIN_ID, ADMIN_SECRET, TestServer, on_both_databases};
use serde_json::{Value, json};

on_both_databases!(
    a_client_sent_forwarded_header_is_ignored,
    one_lock_per_account,
    seed_004_admin_branch_stays_on_the_admin_listener,
    redirect_uris_with_user_info_are_refused,
    nobody_burns_another_persons_code,
    subscriptions_confirm_by_post_only,
    api_resource_secrets_are_not_born_expired
);

/// Item 7. Behind nginx (which appends the peer to `X-Forwarded-For` and
/// passes any `Forwarded` through), a client writing a new `Forwarded` per
/// request is still one address: its 21st failed sign-in is refused.
async fn a_client_sent_forwarded_header_is_ignored(server: TestServer) {
    let server = server
        .restart_with(|settings| keyward_server::config::Settings {
            trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
            ..settings
        })
        .await;
    let (app, _) = end_user::create_app(&server, "shop", json!({})).await;
    let sign_in = |n: usize| {
        let request = server
            .http()
            .post(format!("{}/api/AppUsers/{app}/SignIn", server.url))
            .header("x-forwarded-for", "198.51.100.7")
            .header("forwarded", format!("for=203.0.113.{n}"))
            .json(&json!({ "userName": format!("nobody{n}"), "pwd": "a wrong password" }));
        async move { request.send().await.unwrap().status().as_u16() }
    };
    for n in 0..20 {
        assert_eq!(sign_in(n).await, 401, "guess {n}");
    }
    assert_eq!(sign_in(20).await, 429, "the address the proxy saw is locked, whatever `Forwarded` says");
}

/// Item 9. Five wrong passwords spread over the user name, the verified
/// email and the verified phone lock the account under every spelling; a
/// password reset opens all of them again.
async fn one_lock_per_account(server: TestServer) {
    let admin = server.admin().await;
    let ann: keyward_sdk::types::UserCreate = serde_json::from_value(json!({
        "userName": "ann", "password": PASSWORD, "email": "ann@example.com", "emailConfirmed": true,
        "phoneNumber": "13800000009", "phoneNumberConfirmed": true
    }))
    .unwrap();
    admin.user_create().body(ann).send().await.unwrap();
    let (app, _) = end_user::create_app(&server, "shop", json!({})).await;
    let sign_in =
        |login: &str, password: &str| post(&server, app, "SignIn", json!({ "userName": login, "pwd": password }));
    for login in ["ann", "ANN", "ann@example.com", "Ann@Example.com", "13800000009"] {
        assert_refused(&sign_in(login, "a wrong password").await, 401, "incorrect");
    }
    for login in ["ann", "ann@example.com", "13800000009"] {
        assert_refused(&sign_in(login, PASSWORD).await, 429, "Too many failed sign-ins");
    }
    // Unknown names are counted per spelling, as before: they lock nobody else.
    assert_refused(&sign_in("nobody", "a wrong password").await, 401, "incorrect");

    assert_eq!(post(&server, app, "SendSMSCode", json!({ "phone": "13800000009", "type": "forgetpwd" })).await.0, 200);
    let code = server.sinks.code_for("13800000009").await;
    let reset = json!({ "phone": "13800000009", "code": code, "pwd": "a brand new password" });
    assert_eq!(post(&server, app, "ResetPwd", reset).await.0, 200);
    for login in ["ann", "ann@example.com", "13800000009"] {
        token_of(&sign_in(login, "a brand new password").await);
    }
}

/// `POST path` with a JSON body and a bearer token on the listener `base`;
/// the status.
async fn spring_call(server: &TestServer, base: &str, path: &str, token: &str, body: Value) -> u16 {
    let request = server.http().post(format!("{base}{path}")).bearer_auth(token).json(&body);
    request.send().await.unwrap().status().as_u16()
}

/// Item 10. With `--admin-bind`, an admin token changes another user's
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

/// Item 11. A registered redirect URI is parsed as a browser parses it:
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

/// A form POST to `path`, with the client's basic credentials when given.
async fn form(server: &TestServer, path: &str, basic: Option<&str>, fields: &[(&str, &str)]) -> (u16, Value) {
    let mut request = server.http().post(format!("{}{path}", server.url)).form(fields);
    if let Some(secret) = basic {
        request = request.basic_auth("app-client", Some(secret));
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

/// Item 12. `/mobile/code/verify` needs the client's credentials, like
/// `/mobile/code/get`: a stranger cannot spend the attempts of a code sent
/// to someone else's phone, and the owner's code still works.
async fn nobody_burns_another_persons_code(server: TestServer) {
    let (_, secret) = end_user::create_app(&server, "app-client", json!({})).await;
    let phone = "13312341234";
    assert_eq!(form(&server, "/mobile/code/get", Some(&secret), &[("mobile", phone)]).await.0, 200);
    let code = server.sinks.code_for(phone).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..6 {
        let (status, body) = form(&server, "/mobile/code/verify", None, &[("mobile", phone), ("code", wrong)]).await;
        assert_eq!(status, 401, "{body}");
    }
    let checked = form(&server, "/mobile/code/verify", Some(&secret), &[("mobile", phone), ("code", &code)]).await;
    assert_eq!(checked, (200, json!({ "valid": true })));
    let (status, token) = form(&server, "/mobile/token", Some(&secret), &[("mobile", phone), ("code", &code)]).await;
    assert_eq!(status, 200, "{token}");
}

/// Item 12. Following the e-mailed link (as a mail scanner does) shows a
/// page whose button confirms; only its POST subscribes.
async fn subscriptions_confirm_by_post_only(server: TestServer) {
    let admin_token = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let admin = |method: reqwest::Method, path: &str, body: Option<Value>| {
        let mut request = server.http().request(method, format!("{}{path}", server.url)).bearer_auth(&admin_token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.json::<Value>().await.unwrap())
        }
    };
    let (status, created) = admin(reqwest::Method::POST, "/api/ApiResource", Some(json!({ "name": "pets" }))).await;
    assert_eq!(status, 201, "{created}");
    let api = created["data"]["id"].as_i64().unwrap();
    let base = format!("/api/ApiResource/{api}");
    let asked = admin(
        reqwest::Method::POST,
        &format!("{base}/Subscriptions/VerifyEmail"),
        Some(json!({ "email": "dev@example.test" })),
    )
    .await;
    assert_eq!(asked.0, 200, "{}", asked.1);
    let mail = server.sinks.last_to("dev@example.test").await.body.replace("=\n", "").replace("=3D", "=");
    let start = mail.find("/AddSubscription?code=").expect("a confirmation link") + "/AddSubscription?code=".len();
    let code: String = mail[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c)).collect();

    let subscribers = || admin(reqwest::Method::GET, &format!("{base}/Subscriptions"), None);
    let page = server.http().get(format!("{}{base}/AddSubscription?code={code}", server.url)).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("<form method=\"post\""), "{html}");
    assert_eq!(flow::input(&html, "code").as_deref(), Some(code.as_str()), "the form carries the code");
    assert_eq!(subscribers().await.1["data"], json!([]), "a GET subscribes nobody");

    let confirm = |code: &str| {
        let request = server.http().post(format!("{}{base}/AddSubscription", server.url)).form(&[("code", code)]);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(confirm("forged.code").await, 400);
    assert_eq!(confirm(&code).await, 200);
    assert_eq!(subscribers().await.1["data"][0]["email"], "dev@example.test");
    assert_eq!(confirm(&code).await, 409, "once");
}

/// Item 12. A secret added to an API resource with an expiry already past is
/// refused, saying why; a future one is taken.
async fn api_resource_secrets_are_not_born_expired(server: TestServer) {
    let token = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let post = |path: String, body: Value| {
        let request = server.http().post(format!("{}{path}", server.url)).bearer_auth(&token).json(&body);
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.json::<Value>().await.unwrap())
        }
    };
    let (_, created) = post("/api/ApiResource".into(), json!({ "name": "orders" })).await;
    let secrets = format!("/api/ApiResource/{}/Secrets", created["data"]["id"]);
    let past = (chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339();
    let (status, body) = post(secrets.clone(), json!({ "expiration": past })).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["message"].as_str().unwrap().contains("`expiration` must be in the future"), "{body}");
    let future = (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339();
    assert_eq!(post(secrets, json!({ "expiration": future })).await.0, 201);
}
