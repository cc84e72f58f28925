//! Lockout: guesses are counted per account, per client and per client
//! address, and the limits hold however many guesses arrive at once —
//! passwords (under every spelling of an account), codes, client and API
//! resource secrets, unionIDs — with `Retry-After`; a client-sent
//! `Forwarded` behind a proxy is still one address; a full password queue
//! turns callers away with 503 instead of queueing without bound.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures::future::join_all;
use keyward_tests::end_user::{
    self, PAYMENTS, assert_refused, create_app, payments_api, post, retry_after, send, token_of,
};
use keyward_tests::flow::{self, PASSWORD};
use keyward_tests::{ADMIN_ID, ADMIN_SECRET, TestServer, on_both_databases};
use reqwest::Method;
use serde_json::{Value, json};

on_both_databases!(
    parallel_password_guesses,
    parallel_sign_ins_lock_nobody_out,
    parallel_code_guesses,
    full_password_queue,
    client_secret_guesses,
    admin_secret_is_replaced,
    unknown_kids_reload_keys_once,
    sign_up_caps,
    union_id_paths_are_throttled,
    a_client_sent_forwarded_header_is_ignored,
    one_lock_per_account,
    resource_secrets_are_throttled_like_clients
);

/// How many guesses are sent at once.
const PARALLEL: usize = 64;

/// A confidential client `guesser` allowed the password grant.
async fn password_client(server: &TestServer) -> String {
    flow::create_app(
        server,
        json!({ "clientId": "guesser", "allowedGrantTypes": [{ "grantType": "password" }],
                "allowedScopes": [{ "scope": "openid" }] }),
    )
    .await
    .unwrap()
}

/// The status, body and `Retry-After` of a password grant for `ann`.
async fn password_grant(server: &TestServer, secret: &str, password: &str) -> (u16, Value, Option<String>) {
    let form = [("grant_type", "password"), ("username", "ann"), ("password", password), ("scope", "openid")];
    let response = server
        .http()
        .post(format!("{}/oauth/token", server.url))
        .basic_auth("guesser", Some(secret))
        .form(&form)
        .send()
        .await
        .unwrap();
    let retry = response.headers().get("retry-after").map(|v| v.to_str().unwrap().to_string());
    (response.status().as_u16(), response.json().await.unwrap(), retry)
}

/// 64 wrong passwords at once for one account: at most five (the limit)
/// are evaluated; the others are refused as locked or as busy, and then
/// even the right password is refused until the window closes.
async fn parallel_password_guesses(server: TestServer) {
    let secret = password_client(&server).await;
    flow::create_user(&server, "ann").await;
    let guesses = (0..PARALLEL).map(|n| {
        let (server, secret) = (&server, &secret);
        async move { password_grant(server, secret, &format!("guess number {n}")).await }
    });
    let answers = join_all(guesses).await;
    let mut evaluated = 0;
    for (status, body, retry) in &answers {
        let description = body["error_description"].as_str().unwrap_or_default();
        match status {
            400 if description.contains("incorrect") => evaluated += 1,
            400 => assert!(description.contains("Too many failed sign-ins"), "{body}"),
            503 => {
                assert_eq!(body["error"], "temporarily_unavailable", "{body}");
                assert_eq!(retry.as_deref(), Some("1"), "a busy answer says when to come back");
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert!(evaluated <= 5, "{evaluated} of {PARALLEL} parallel guesses were evaluated; the limit is 5");
    let (status, body, _) = password_grant(&server, &secret, PASSWORD).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["error_description"].as_str().unwrap().contains("Too many failed sign-ins"), "{body}");
}

/// 16 right passwords at once for one account: none is taken for a failure
/// (an attempt in flight is not one); what exceeds the limit of attempts in
/// flight is told to retry in a second, and then succeeds.
async fn parallel_sign_ins_lock_nobody_out(server: TestServer) {
    let secret = password_client(&server).await;
    flow::create_user(&server, "ann").await;
    let answers = join_all((0..16).map(|_| password_grant(&server, &secret, PASSWORD))).await;
    for (status, body, retry) in &answers {
        assert!(*status == 200 || (*status == 503 && retry.as_deref() == Some("1")), "{status} {body}");
    }
    let busy = answers.iter().filter(|(status, ..)| *status == 503).count();
    for _ in 0..busy {
        assert_eq!(password_grant(&server, &secret, PASSWORD).await.0, 200, "a retry gets in");
    }
}

/// 64 wrong codes at once against one SMS code (`/mobile/code/verify`): at
/// most five are compared; then the right code is refused too.
async fn parallel_code_guesses(server: TestServer) {
    let (_, secret) = end_user::create_app(&server, "app-client", json!({})).await;
    let phone = "13312341234";
    let form = |path: &str, basic: bool, fields: Vec<(&str, String)>| {
        let mut request = server.http().post(format!("{}{path}", server.url)).form(&fields);
        if basic {
            request = request.basic_auth("app-client", Some(&secret));
        }
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.json::<Value>().await.unwrap())
        }
    };
    assert_eq!(form("/mobile/code/get", true, vec![("mobile", phone.into())]).await.0, 200);
    let code = server.sinks.code_for(phone).await;
    let guesses = (0..PARALLEL)
        .map(|n| format!("{:06}", (code.parse::<u32>().unwrap() + 1 + n as u32) % 1_000_000))
        .map(|guess| form("/mobile/code/verify", true, vec![("mobile", phone.into()), ("code", guess)]));
    let answers = join_all(guesses).await;
    let compared = answers.iter().filter(|(status, body)| *status == 400 && body["error"] == "invalid_grant").count();
    for (status, body) in answers.iter().filter(|(status, _)| *status != 400) {
        assert_eq!(*status, 429, "{body}");
        assert!(body["error_description"].as_str().unwrap().contains("too many wrong attempts"), "{body}");
    }
    assert!(compared <= 5, "{compared} of {PARALLEL} parallel guesses were compared; the limit is 5");
    let right = form("/mobile/code/verify", true, vec![("mobile", phone.into()), ("code", code)]).await;
    assert_eq!(right.0, 429, "{right:?}");
}

/// With room for two password checks, a burst of correct sign-ins gets
/// 503 + `Retry-After` for what does not fit, on the OAuth and end-user
/// surfaces alike, and none of those counts as a failed sign-in.
async fn full_password_queue(server: TestServer) {
    let server =
        server.restart_with(|settings| keyward_server::config::Settings { password_queue: Some(2), ..settings }).await;
    let secret = password_client(&server).await;
    flow::create_user(&server, "ann").await;
    let answers = join_all((0..16).map(|_| password_grant(&server, &secret, PASSWORD))).await;
    let busy: Vec<_> = answers.iter().filter(|(status, ..)| *status == 503).collect();
    assert!(answers.iter().all(|(status, ..)| *status == 200 || *status == 503), "{answers:?}");
    assert!(!busy.is_empty(), "16 sign-ins at once do not fit in a queue of 2");
    for (_, body, retry) in busy {
        assert_eq!(body["error"], "temporarily_unavailable");
        assert_eq!(retry.as_deref(), Some("1"));
    }

    let (app, _) = end_user::create_app(&server, "shop", json!({})).await;
    token_of(&post(&server, app, "SignUp", json!({"userName": "erin", "pwd": "a long password"})).await);
    let sign_in =
        || end_user::retry_after(&server, app, "SignIn", json!({"userName": "erin", "pwd": "a long password"}));
    let answers = join_all((0..16).map(|_| sign_in())).await;
    assert!(answers.iter().all(|a| *a == (200, None) || *a == (503, Some(1))), "{answers:?}");
    assert!(answers.contains(&(503, Some(1))), "{answers:?}");
    // Nothing of that counted as a failure: five wrong passwords are still
    // needed to lock either account.
    for _ in 0..4 {
        assert_eq!(password_grant(&server, &secret, "wrong password").await.0, 400);
    }
    assert_eq!(password_grant(&server, &secret, PASSWORD).await.0, 200);
}

/// A client_credentials request as `(id, secret)` from the client address
/// `from` (sent as `X-Forwarded-For`); the status and `Retry-After`.
async fn client_credentials(server: &TestServer, (id, secret): (&str, &str), from: &str) -> (u16, Option<String>) {
    let response = server
        .http()
        .post(format!("{}/oauth/token", server.url))
        .basic_auth(id, Some(secret))
        .header("x-forwarded-for", from)
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    let retry = response.headers().get("retry-after").map(|v| v.to_str().unwrap().to_string());
    (response.status().as_u16(), retry)
}

/// Failed client authentication is throttled per client (20) and per
/// client address (50, IPv6 by /64), like sign-ins; the address is taken
/// from `X-Forwarded-For` only because the peer is a trusted proxy.
async fn client_secret_guesses(server: TestServer) {
    let server = server
        .restart_with(|settings| keyward_server::config::Settings {
            trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
            ..settings
        })
        .await;
    let service = |id: &str| {
        json!({ "clientId": id, "allowedGrantTypes": [{ "grantType": "client_credentials" }],
                "allowedScopes": [{ "scope": "orders.read" }] })
    };
    flow::ensure_api_scopes(&server, &["orders.read"]).await;
    let svc = flow::create_app(&server, service("svc")).await.unwrap();
    let other = flow::create_app(&server, service("other")).await.unwrap();

    for _ in 0..20 {
        assert_eq!(client_credentials(&server, ("svc", "a guess"), "198.51.100.1").await.0, 401);
    }
    let (status, retry) = client_credentials(&server, ("svc", "a guess"), "198.51.100.1").await;
    assert_eq!(status, 429);
    assert!(retry.is_some_and(|s| s.parse::<u64>().is_ok_and(|s| (800..=900).contains(&s))), "until the window ends");
    // Locked for the client from everywhere, even with its secret; others are not.
    assert_eq!(client_credentials(&server, ("svc", &svc), "198.51.100.2").await.0, 429);
    assert_eq!(client_credentials(&server, ("other", &other), "198.51.100.1").await.0, 200);

    // 50 failures from one IPv6 /64 (a new address each time, as a host
    // holding the /64 can) lock that /64, for every client.
    for n in 0..50 {
        let from = format!("2001:db8:1:2::{n:x}");
        assert_eq!(client_credentials(&server, (&format!("ghost-{n}"), "x"), &from).await.0, 401);
    }
    assert_eq!(client_credentials(&server, ("other", &other), "2001:db8:1:2::ffff").await.0, 429);
    assert_eq!(client_credentials(&server, ("other", &other), "2001:db8:1:3::1").await.0, 200);
}

/// Changing the configured admin secret takes the old one away.
async fn admin_secret_is_replaced(server: TestServer) {
    let new_secret = "a-new-admin-secret-of-32-characters-at-least";
    let server = server
        .restart_with(|settings| keyward_server::config::Settings {
            admin_client: Some((ADMIN_ID.into(), new_secret.into())),
            ..settings
        })
        .await;
    let credentials = |secret: &'static str| {
        let server = &server;
        async move { client_credentials(server, (ADMIN_ID, secret), "192.0.2.1").await.0 }
    };
    assert_eq!(credentials(ADMIN_SECRET).await, 401, "the old secret no longer works");
    assert_eq!(credentials(new_secret).await, 200);
}

/// The signing keys reread so far, from `/metrics`.
async fn key_reloads(server: &TestServer) -> u64 {
    let metrics = server.http().get(format!("{}/metrics", server.url)).send().await.unwrap().text().await.unwrap();
    let line = metrics.lines().find(|l| l.starts_with("keyward_signing_key_reloads_total ")).expect("the counter");
    line.rsplit(' ').next().unwrap().parse().unwrap()
}

/// 64 unauthenticated requests with tokens naming unknown `kid`s make the
/// server reread its keys once, not 64 times.
async fn unknown_kids_reload_keys_once(server: TestServer) {
    let token = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let payload = token.split('.').nth(1).unwrap().to_string();
    let before = key_reloads(&server).await;
    let requests = (0..PARALLEL).map(|n| {
        let header = URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"ES256","typ":"at+jwt","kid":"made-up-{n}"}}"#));
        let forged = format!("{header}.{payload}.{}", URL_SAFE_NO_PAD.encode([7u8; 64]));
        let request = server.http().get(format!("{}/oauth/userinfo", server.url)).bearer_auth(forged);
        async move { request.send().await.unwrap().status().as_u16() }
    });
    assert!(join_all(requests).await.iter().all(|status| *status == 401));
    let reloads = key_reloads(&server).await - before;
    assert!(reloads <= 1, "{reloads} rereads of every key for {PARALLEL} forged tokens");
}

/// Sign-ups are capped per client address and per app per rolling 24 h.
async fn sign_up_caps(server: TestServer) {
    let server = server
        .restart_with(|settings| keyward_server::config::Settings {
            trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
            sign_up_limits: keyward_server::config::SignUpLimits { per_ip: 3, per_app: 5 },
            ..settings
        })
        .await;
    let (shop, _) = end_user::create_app(&server, "shop", json!({})).await;
    let (other, _) = end_user::create_app(&server, "other", json!({})).await;
    let names = std::cell::Cell::new(0);
    let sign_up = |app: i64, from: &str| {
        names.set(names.get() + 1);
        let request = server
            .http()
            .post(format!("{}/api/AppUsers/{app}/SignUp", server.url))
            .header("x-forwarded-for", from)
            .json(&json!({"userName": format!("user{}", names.get()), "pwd": "a long password"}));
        async move {
            let response = request.send().await.unwrap();
            let retry = response.headers().get("retry-after").map(|v| v.to_str().unwrap().to_string());
            let body: Value = response.json().await.unwrap();
            (body["code"].as_u64().unwrap(), body["err"].as_str().unwrap().to_string(), retry)
        }
    };
    for _ in 0..3 {
        assert_eq!(sign_up(shop, "198.51.100.1").await.0, 200);
    }
    let (code, err, retry) = sign_up(shop, "198.51.100.1").await;
    assert_eq!(code, 429, "{err}");
    assert!(err.contains("sign-ups from this address"), "{err}");
    assert!(retry.is_some_and(|s| s.parse::<u64>().unwrap() > 86_000), "until the day is over");
    for _ in 0..2 {
        assert_eq!(sign_up(shop, "198.51.100.2").await.0, 200);
    }
    let (code, err, _) = sign_up(shop, "198.51.100.3").await;
    assert_eq!((code, err.contains("sign-ups for this app")), (429, true), "{err}");
    assert_eq!(sign_up(other, "198.51.100.3").await.0, 200, "other apps have their own cap");
}

/// GrantCode with `grant_type=unionid`.
async fn grant_code(server: &TestServer, app: i64, union_id: &str) -> (u16, Value) {
    let body = json!({"grant_type": "unionid", "scopes": "openid", "redirect_uri": keyward_tests::end_user::APP_REDIRECT,
        "platform": "web", "unionId": union_id});
    send(server, Method::POST, &format!("/api/OAuth/{app}/GrantCode?scheme=app"), None, Some(body)).await
}

/// QRCodeSignUp of a fresh, scanned key with a unionID the caller sends.
async fn qr_sign_up(server: &TestServer, app: i64, union_id: &str) -> (u16, Value) {
    let key = post(server, app, "QRCodePreSignIn", json!({})).await.1["data"].as_str().unwrap().to_string();
    assert_eq!(post(server, app, "QRCodeScan", json!({"signInKey": key})).await.0, 200);
    post(server, app, "QRCodeSignUp", json!({"signInKey": key, "platform": "web", "unionID": union_id})).await
}

/// Every path that takes a caller's unionID counts misses per client
/// address, and all of them stop once it is locked.
async fn union_id_paths_are_throttled(server: TestServer) {
    let (app, _) = create_app(&server, "shop", json!({ "unionIdSignInEnabled": true })).await;
    let known = json!({"platform": "web", "unionID": "known-1"});
    token_of(&post(&server, app, "UnionIDSignUp", known.clone()).await);
    for n in 0..10 {
        assert_refused(&grant_code(&server, app, &format!("guess-{n}")).await, 404, "no account is linked");
    }
    // A QR sign-up of an unknown identity signs up, and counts as a miss.
    for n in 10..20 {
        token_of(&qr_sign_up(&server, app, &format!("guess-{n}")).await);
    }
    assert_refused(&grant_code(&server, app, "known-1").await, 429, "Too many failed sign-ins");
    assert_refused(&qr_sign_up(&server, app, "known-1").await, 429, "Too many failed sign-ins");
    let (status, wait) = retry_after(&server, app, "UnionIDSignIn", known).await;
    assert_eq!(status, 429);
    assert!(wait.is_some_and(|s| (1..=900).contains(&s)), "{wait:?}");
}

/// Behind nginx (which appends the peer to `X-Forwarded-For` and
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

/// Five wrong passwords spread over the user name, the verified
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

/// An API resource's secret is throttled like a client's: after 20 wrong
/// guesses at `/oauth/introspect` the right one is refused too, until the
/// window ends.
async fn resource_secrets_are_throttled_like_clients(server: TestServer) {
    let secret = payments_api(&server).await;
    let token = server.token(ADMIN_ID, keyward_tests::ADMIN_SECRET, None).await;
    let introspect = |secret: String| {
        let form = [("token", token.clone()), ("client_id", PAYMENTS.to_string()), ("client_secret", secret)];
        let request = server.http().post(format!("{}/oauth/introspect", server.url)).form(&form);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    for n in 0..24 {
        let status = introspect(format!("wrong-guess-{n}")).await;
        assert!(status == 401 || status == 429, "guess {n}: {status}");
    }
    assert_eq!(introspect(secret).await, 429, "the right secret is refused while the name is locked");

    // A weak imported secret is refused for a resource as for a client.
    let admin = server.admin().await;
    let resources = admin.api_resource_list().send().await.unwrap().into_inner().data;
    let id = resources.iter().find(|r| r.name == PAYMENTS).unwrap().id;
    let weak: keyward_sdk::types::SecretCreate = serde_json::from_value(json!({ "value": "abc12" })).unwrap();
    let refused = admin.api_resource_secret_create().id(id).body(weak).send().await.unwrap_err();
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(422));
}
