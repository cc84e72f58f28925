//! QR-code sign-in, the points ledger (credited by the app alone),
//! app-scheme consents and GrantCode (only the scopes the client may
//! request) and seed 004's grants, each on both databases.

use futures::future::join_all;
use keyward_tests::end_user::{
    APP_REDIRECT, PAYMENTS, assert_refused, basic, client_row, create_app, open_registration, payments_api, post,
    save_settings, send, sql, token_of, verified_claims,
};
use keyward_tests::sinks::WECHAT_SECRET;
use keyward_tests::{TestServer, flow, on_both_databases};
use reqwest::Method;
use serde_json::{Value, json};

async fn qr_sign_in(server: TestServer) {
    let settings = json!({ "wechatAppId": "wx-test", "wechatAppSecret": WECHAT_SECRET, "signUpBonusPoints": 1 });
    let (app, _) = create_app(&server, "shop", settings).await;
    let pre =
        post(&server, app, "QRCodePreSignIn", json!({"scopes": "openid phone", "remark": "Sign in to Shop"})).await;
    let key = pre.1["data"].as_str().unwrap().to_string();
    let image = |format: &str| {
        server
            .http()
            .get(format!("{}/api/AppUsers/{app}/QRCodeImage?signInKey={key}&format={format}", server.url))
            .send()
    };
    let png = image("png").await.unwrap();
    assert_eq!(png.headers()["content-type"], "image/png");
    assert!(png.bytes().await.unwrap().starts_with(b"\x89PNG\r\n\x1a\n"));
    let svg = image("svg").await.unwrap().text().await.unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("<path"), "{svg}");
    assert_eq!(image("gif").await.unwrap().status(), 400);

    let poll = || post(&server, app, "QRCodeSignIn", json!({"signInKey": key}));
    assert_refused(&poll().await, 400, "waiting for the QR code to be scanned");
    let early = post(&server, app, "QRCodeSignUp", json!({"signInKey": key, "code": "good-1"})).await;
    assert_refused(&early, 409, "scan the QR code");
    let card = post(&server, app, "QRCodeScan", json!({"signInKey": key})).await;
    assert_eq!(card.0, 200, "{}", card.1);
    assert_eq!(card.1["data"]["appID"], app);
    assert_eq!(card.1["data"]["name"], "Shop");
    assert_eq!(card.1["data"]["logo"], "https://shop.example/logo.png");
    assert_eq!(card.1["data"]["scopes"], "openid phone");
    assert_eq!(card.1["data"]["remark"], "Sign in to Shop");
    assert_eq!(card.1["data"]["scheme"], "app");
    assert_refused(&post(&server, app, "QRCodeScan", json!({"signInKey": key})).await, 409, "already scanned");
    assert_refused(&poll().await, 400, "scanned; waiting for confirmation");
    // WeChat's code2session decides the identity; a bad code is refused.
    let bad =
        post(&server, app, "QRCodeSignUp", json!({"signInKey": key, "code": "bad-code", "unionID": "forged"})).await;
    assert_refused(&bad, 400, "WeChat `code` is invalid");
    let confirmed = post(
        &server,
        app,
        "QRCodeSignUp",
        json!({"signInKey": key, "code": "good-1", "unionID": "forged", "nickName": "Wei"}),
    )
    .await;
    let scanner_token = token_of(&confirmed);
    let web_token = token_of(&poll().await);
    assert_refused(&poll().await, 410, "already used");
    let claims = verified_claims(&server, &web_token).await;
    assert_eq!((claims["grant_type"].as_str(), claims["platform"].as_str()), (Some("qrcode"), Some("wxminip")));
    assert_eq!(claims["unionid"], "union-good-1");
    assert_eq!(claims["scope"], "openid phone");
    let (_, profile) =
        send(&server, Method::GET, &format!("/api/AppUsers/{app}/Profile"), Some(&scanner_token), None).await;
    assert_eq!(profile["data"]["unionID"], "union-good-1");
    assert_eq!(profile["data"]["nickName"], "Wei");

    // A second QR sign-in by the same WeChat user reuses the account.
    let key2 = post(&server, app, "QRCodePreSignIn", json!({})).await.1["data"].as_str().unwrap().to_string();
    post(&server, app, "QRCodeScan", json!({"signInKey": key2})).await;
    let again = token_of(&post(&server, app, "QRCodeSignUp", json!({"signInKey": key2, "code": "good-1"})).await);
    assert_eq!(verified_claims(&server, &again).await["sub"], claims["sub"]);

    // Expiry: five minutes, then 410 everywhere.
    let key3 = post(&server, app, "QRCodePreSignIn", json!({})).await.1["data"].as_str().unwrap().to_string();
    sql(&server, "UPDATE qr_sign_ins SET expires_at = 0").await;
    assert_refused(&post(&server, app, "QRCodeSignIn", json!({"signInKey": key3})).await, 410, "expired");
    assert_refused(&post(&server, app, "QRCodeScan", json!({"signInKey": key3})).await, 410, "expired");
    let gone = server
        .http()
        .get(format!("{}/api/AppUsers/{app}/QRCodeImage?signInKey={key3}", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 410);
    assert_refused(&post(&server, app, "QRCodePreSignIn", json!({"scheme": "web"})).await, 400, "`scheme`");
    assert_refused(
        &post(&server, app, "QRCodePreSignIn", json!({"scopes": "isms.all"})).await,
        400,
        "admin permission",
    );

    // Without WeChat credentials the client's unionID is only taken when the
    // app enables unionID sign-in.
    let (plain, _) = create_app(&server, "plain", json!({})).await;
    let key4 = post(&server, plain, "QRCodePreSignIn", json!({})).await.1["data"].as_str().unwrap().to_string();
    post(&server, plain, "QRCodeScan", json!({"signInKey": key4})).await;
    let refused =
        post(&server, plain, "QRCodeSignUp", json!({"signInKey": key4, "unionID": "u1", "platform": "app"})).await;
    assert_refused(&refused, 403, "unionID sign-in is not enabled");
    // Another app's key is unknown here.
    assert_refused(&post(&server, plain, "QRCodeSignIn", json!({"signInKey": key2})).await, 404, "unknown signInKey");
}

async fn recharge(server: &TestServer, app: i64, token: &str, key: Option<&str>, body: Value) -> (u16, Value) {
    let mut request =
        server.http().post(format!("{}/api/AppUsers/{app}/RechargePoints", server.url)).bearer_auth(token).json(&body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

async fn point_log(server: &TestServer, app: i64, token: &str, query: &str) -> (u16, Value) {
    send(server, Method::GET, &format!("/api/AppUsers/{app}/PointLog{query}"), Some(token), None).await
}

/// The ledger, through the compatibility path where users credit their own
/// points (the app's server path is in `hardening`).
async fn points(server: TestServer) {
    let settings = json!({ "signUpBonusPoints": 10, "pointsPerCurrencyUnit": 100, "userRechargeEnabled": true });
    let (app, _) = create_app(&server, "shop", settings).await;
    let token = token_of(&post(&server, app, "SignUp", json!({"userName": "payer", "pwd": "a long password"})).await);
    let done = recharge(&server, app, &token, None, json!({"price": 9.99, "remark": "top-up"})).await;
    assert_eq!(done.1, json!({"code": 200, "data": true, "err": ""}));
    let (_, log) = point_log(&server, app, &token, "").await;
    assert_eq!((log["data"]["total"].as_i64(), log["data"]["balance"].as_i64()), (Some(2), Some(1009)));
    let newest = &log["data"]["data"][0];
    assert_eq!(
        (newest["used"].as_i64(), newest["balance"].as_i64(), newest["type"].as_i64()),
        (Some(999), Some(1009), Some(1))
    );
    assert_eq!(newest["remark"], "top-up");
    let (_, debits) = point_log(&server, app, &token, "?type=2").await;
    assert_eq!(debits["data"]["total"], 0);
    let (_, page) = point_log(&server, app, &token, "?type=0&skip=1&take=1").await;
    assert_eq!(page["data"]["data"][0]["remark"], "sign-up bonus");

    // Bad input.
    for (body, status, needle) in [
        (json!({}), 400, "`price` is required"),
        (json!({"price": 0}), 422, "greater than 0"),
        (json!({"price": -5}), 422, "greater than 0"),
        (json!({"price": 1.234}), 422, "two decimals"),
        (json!({"price": 2_000_000}), 422, "at most 1000000"),
        (json!({"price": "ten"}), 400, "price"),
    ] {
        assert_refused(&recharge(&server, app, &token, None, body).await, status, needle);
    }
    assert_refused(&point_log(&server, app, &token, "?take=0").await, 400, "`take`");
    assert_refused(&point_log(&server, app, &token, "?type=7").await, 400, "`type`");
    assert_refused(&point_log(&server, app, &token, "?skip=-1").await, 400, "`skip`");
    assert_refused(&recharge(&server, app, "nope", None, json!({"price": 1})).await, 401, "invalid access token");

    // Idempotency: a retry applies once; another body under the key is refused.
    assert_eq!(recharge(&server, app, &token, Some("order-1"), json!({"price": 1})).await.0, 200);
    assert_eq!(recharge(&server, app, &token, Some("order-1"), json!({"price": 1})).await.0, 200);
    assert_refused(
        &recharge(&server, app, &token, Some("order-1"), json!({"price": 2})).await,
        422,
        "different recharge",
    );
    assert_eq!(point_log(&server, app, &token, "").await.1["data"]["balance"], 1109);

    // Concurrent recharges: ten with one key apply once, ten with their own keys all apply.
    let same = (0..10).map(|_| recharge(&server, app, &token, Some("order-2"), json!({"price": 1})));
    for (status, body) in join_all(same).await {
        assert_eq!(status, 200, "{body}");
    }
    assert_eq!(point_log(&server, app, &token, "").await.1["data"]["balance"], 1209);
    let distinct: Vec<String> = (0..10).map(|n| format!("order-3-{n}")).collect();
    let each = distinct.iter().map(|key| recharge(&server, app, &token, Some(key), json!({"price": 1})));
    for (status, body) in join_all(each).await {
        assert_eq!(status, 200, "{body}");
    }
    let (_, log) = point_log(&server, app, &token, "?take=100").await;
    assert_eq!(log["data"]["balance"], 2209);
    let entries = log["data"]["data"].as_array().unwrap();
    assert_eq!(entries.len() as i64, log["data"]["total"].as_i64().unwrap());
    let sum: i64 = entries.iter().map(|e| e["used"].as_i64().unwrap()).sum();
    assert_eq!(sum, 2209, "the ledger adds up to the balance");
}

async fn grant_code_and_consents(server: TestServer) {
    // GrantCode's `expireInDays` is honoured up to the app's token lifetime.
    let settings = json!({ "unionIdSignInEnabled": true, "passwordMinLength": 6, "tokenLifetimeDays": 7 });
    let (app, _) = create_app(&server, "shop", settings).await;
    let own = token_of(&post(&server, app, "SignUp", json!({"userName": "carol", "pwd": "123456"})).await);
    let grant_path = format!("/api/OAuth/{app}/GrantCode?scheme=app");
    let grant = |body: Value| send(&server, Method::POST, &grant_path, None, Some(body));
    let base = json!({"grant_type": "account", "scopes": "openid profile orders", "redirect_uri": APP_REDIRECT,
        "userName": "carol", "password": "123456", "expireInDays": 7});
    let with = |changes: Value| {
        let mut body = base.clone();
        body.as_object_mut().unwrap().extend(changes.as_object().unwrap().clone());
        body
    };
    for (changes, status, needle) in [
        (json!({"redirect_uri": "https://evil.example/cb"}), 400, "whitelist"),
        (json!({"expireInDays": 100}), 400, "between 1 and 99"),
        (json!({"expireInDays": 0}), 400, "between 1 and 99"),
        (json!({"grant_type": "magic"}), 400, "`grant_type`"),
        (json!({"scopes": "openid isms.all"}), 400, "admin permission"),
        (json!({"password": "wrong-pass"}), 401, "incorrect"),
        (json!({"grant_type": "unionid", "unionId": "nobody", "platform": "web"}), 404, "no account is linked"),
    ] {
        assert_refused(&grant(with(changes)).await, status, needle);
    }
    let wrong_scheme =
        send(&server, Method::POST, &format!("/api/OAuth/{app}/GrantCode?scheme=web"), None, Some(base.clone())).await;
    assert_refused(&wrong_scheme, 400, "`scheme`");
    let (status, granted) = grant(base.clone()).await;
    assert_eq!(status, 200, "{granted}");
    let code = granted["data"]["code"].as_str().unwrap().to_string();
    assert!(code.len() == 32 && code.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(granted["data"]["expires_in"], 120);
    let authorize = |code: &str| {
        let path = format!("/api/OAuth/{app}/Authorize?scheme=app&code={code}");
        let server = &server;
        async move { send(server, Method::POST, &path, None, None).await }
    };
    let issued = authorize(&code).await;
    let third_party = token_of(&issued);
    assert_eq!(issued.1["data"]["expires_in"], 7 * 86_400);
    let claims = verified_claims(&server, &third_party).await;
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 7 * 86_400);
    assert_eq!(claims["scope"], "openid profile orders");
    assert_eq!(claims["grant_type"], "account");
    assert_refused(&authorize(&code).await, 400, "already used");
    assert_refused(&authorize("0123456789abcdef0123456789abcdef").await, 400, "invalid");

    // The consent is listed, with what it allowed.
    let consents_path = format!("/api/OAuth/{app}/Consents");
    let (_, listed) = send(&server, Method::GET, &consents_path, Some(&own), None).await;
    let consent = &listed["data"][0];
    assert_eq!((consent["appID"].as_i64(), consent["grantType"].as_str()), (Some(app), Some("account")));
    assert_eq!(
        (consent["redirectUri"].as_str(), consent["scopes"].as_str()),
        (Some(APP_REDIRECT), Some("openid profile orders"))
    );
    assert!(consent["expireDate"].is_string());
    let id = consent["id"].as_i64().unwrap();

    // An expired code, and a code for another app.
    let late = grant(base.clone()).await.1["data"]["code"].as_str().unwrap().to_string();
    sql(&server, "UPDATE app_codes SET expires_at = 0 WHERE used_at IS NULL").await;
    assert_refused(&authorize(&late).await, 400, "expired");
    let (other, _) = create_app(&server, "other", json!({})).await;
    let stray = grant(base.clone()).await.1["data"]["code"].as_str().unwrap().to_string();
    let elsewhere =
        send(&server, Method::POST, &format!("/api/OAuth/{other}/Authorize?scheme=app&code={stray}"), None, None).await;
    assert_refused(&elsewhere, 400, "invalid");

    // Revoking the consent revokes the token it gave, not the user's own sign-in.
    let profile = format!("/api/AppUsers/{app}/Profile");
    assert_eq!(send(&server, Method::GET, &profile, Some(&third_party), None).await.0, 200);
    let stranger = token_of(&post(&server, app, "SignUp", json!({"userName": "dave", "pwd": "123456"})).await);
    let path = format!("{consents_path}/{id}");
    assert_refused(&send(&server, Method::DELETE, &path, Some(&stranger), None).await, 404, "no consent");
    let deleted = send(&server, Method::DELETE, &path, Some(&own), None).await;
    assert_eq!(deleted.1, json!({"code": 200, "data": true, "err": ""}));
    assert_refused(&send(&server, Method::GET, &profile, Some(&third_party), None).await, 401, "revoked");
    assert_eq!(send(&server, Method::GET, &profile, Some(&own), None).await.0, 200);
    assert_refused(&send(&server, Method::DELETE, &path, Some(&own), None).await, 404, "no consent");
    assert_eq!(send(&server, Method::GET, &consents_path, None, None).await.0, 401);
}

/// A form POST to `path`, as the client `(id, secret)` if one is given.
fn form_post(
    server: &TestServer,
    path: &str,
    client: Option<(&str, &str)>,
    fields: &[(&str, &str)],
) -> reqwest::RequestBuilder {
    let request = server.http().post(format!("{}{path}", server.url)).form(fields);
    match client {
        Some((id, secret)) => request.basic_auth(id, Some(secret)),
        None => request,
    }
}

/// Seed 004: SMS-code and openId grants with HTTP basic client authentication.
async fn seed_004_grants(server: TestServer) {
    let (app_id, secret) = create_app(&server, "app-client", json!({})).await;
    let form = |path: &str, basic: bool, fields: Vec<(&str, &str)>| {
        let request = form_post(&server, path, basic.then_some(("app-client", secret.as_str())), &fields);
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let phone = "13312341234";
    let sent = form("/mobile/code/get", true, vec![("mobile", phone)]).await;
    assert_eq!(sent, (200, json!({"expires_in": 600})));
    assert_eq!(form("/mobile/code/get", false, vec![("mobile", "13312341235")]).await.0, 401);
    let code = server.sinks.code_for(phone).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let checked = form("/mobile/code/verify", true, vec![("mobile", phone), ("code", wrong)]).await;
    assert_eq!((checked.0, checked.1["error"].as_str()), (400, Some("invalid_grant")));
    let checked = form("/mobile/code/verify", true, vec![("mobile", phone), ("code", &code)]).await;
    assert_eq!(checked, (200, json!({"valid": true})));

    let (status, token) = form("/mobile/token", true, vec![("mobile", phone), ("code", &code)]).await;
    assert_eq!(status, 200, "{token}");
    for field in ["access_token", "token_type", "refresh_token", "expires_in", "scope"] {
        assert!(!token[field].is_null(), "{field} in {token}");
    }
    let first = verified_claims(&server, token["access_token"].as_str().unwrap()).await;
    let reuse = form("/mobile/token", true, vec![("mobile", phone), ("code", &code)]).await;
    assert_eq!((reuse.0, reuse.1["error"].as_str()), (400, Some("invalid_grant")), "codes are single use");

    // A second code within 60 s: 429, and Retry-After says how long to wait.
    let again = form_post(&server, "/mobile/code/get", Some(("app-client", &secret)), &[("mobile", phone)])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 429);
    let wait: u64 = again.headers()[reqwest::header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert_eq!(again.json::<Value>().await.unwrap()["error"], "invalid_request");

    // The same through /oauth/token, for the now known user.
    sql(&server, "UPDATE send_limits SET last_at = last_at - 61000").await;
    form("/mobile/code/get", true, vec![("mobile", phone)]).await;
    let code = server.sinks.code_for(phone).await;
    let (status, token) =
        form("/oauth/token", true, vec![("grant_type", "mobile"), ("mobile", phone), ("code", &code)]).await;
    assert_eq!(status, 200, "{token}");
    assert_eq!(verified_claims(&server, token["access_token"].as_str().unwrap()).await["sub"], first["sub"]);
    let refreshed = form(
        "/oauth/token",
        true,
        vec![("grant_type", "refresh_token"), ("refresh_token", token["refresh_token"].as_str().unwrap())],
    )
    .await;
    assert_eq!(refreshed.0, 200, "{}", refreshed.1);

    // The sign grant: an openId the client vouches for.
    let (status, signed) = form("/sign/token", true, vec![("sign", "openid-abc")]).await;
    assert_eq!(status, 200, "{signed}");
    let again = form("/oauth/token", true, vec![("grant_type", "sign"), ("sign", "openid-abc")]).await;
    let (a, b) = (
        verified_claims(&server, signed["access_token"].as_str().unwrap()).await,
        verified_claims(&server, again.1["access_token"].as_str().unwrap()).await,
    );
    assert_eq!(a["sub"], b["sub"]);
    assert_ne!(a["sub"], first["sub"]);
    let missing = form("/sign/token", true, vec![("sign", "")]).await;
    assert_eq!((missing.0, missing.1["error"].as_str()), (400, Some("invalid_request")));
    assert_eq!(form("/mobile/token", true, vec![("mobile", "12"), ("code", "123456")]).await.0, 400);

    // Sign-up closed: unknown phones and openIds are refused.
    let closed =
        serde_json::from_value::<keyward_sdk::types::AppSettingsUpdate>(json!({ "signUpEnabled": false })).unwrap();
    server.admin().await.app_settings_update().id(app_id).body(closed).send().await.unwrap();
    let refused = form("/sign/token", true, vec![("sign", "openid-new")]).await;
    assert_eq!((refused.0, refused.1["error"].as_str()), (400, Some("invalid_grant")));
    let new_phone = "13312349999";
    assert_eq!(form("/mobile/code/get", true, vec![("mobile", new_phone)]).await.0, 200, "sending says nothing");
    let code = server.sinks.code_for(new_phone).await;
    let refused = form("/mobile/token", true, vec![("mobile", new_phone), ("code", &code)]).await;
    assert_eq!((refused.0, refused.1["error"].as_str()), (400, Some("invalid_grant")), "{}", refused.1);
    sql(&server, "UPDATE send_limits SET last_at = last_at - 61000").await;
    let known = form("/mobile/code/get", true, vec![("mobile", phone)]).await;
    assert_eq!(known.0, 200, "{}", known.1);
    let code = server.sinks.code_for(phone).await;
    let (status, token) = form("/mobile/token", true, vec![("mobile", phone), ("code", &code)]).await;
    assert_eq!(status, 200, "a known phone still signs in: {token}");
    // A client without the grants may not use them.
    let body: keyward_sdk::types::ClientCreate = serde_json::from_value(json!({
        "clientId": "web-client", "allowedGrantTypes": [{ "grantType": "client_credentials" }]
    }))
    .unwrap();
    let web_secret =
        server.admin().await.client_create().body(body).send().await.unwrap().into_inner().data.client_secret.unwrap();
    let response =
        form_post(&server, "/sign/token", Some(("web-client", &web_secret)), &[("sign", "x")]).send().await.unwrap();
    assert_eq!(response.json::<Value>().await.unwrap()["error"], "unauthorized_client");
    let response = form_post(&server, "/mobile/code/get", Some(("web-client", &web_secret)), &[("mobile", phone)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.json::<Value>().await.unwrap()["error"], "unauthorized_client");
}

/// A consent given on the hosted consent page is one of the user's
/// `/Consents`, and deleting it revokes the tokens of that grant.
async fn hosted_consents_are_listed(server: TestServer) {
    let web_secret = flow::web_app(&server, json!({ "requireConsent": true })).await;
    flow::create_user(&server, "ann").await;
    let (app, _) = create_app(&server, "shop", json!({})).await;
    let own = token_of(&post(&server, app, "SignIn", json!({"userName": "ann", "pwd": flow::PASSWORD})).await);
    let agent = flow::Agent::new(&server);
    let (verifier, challenge) = flow::pkce();
    let params = [
        ("response_type", "code"),
        ("client_id", "web"),
        ("redirect_uri", flow::REDIRECT_URI),
        ("scope", "openid email"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    let login = agent.authorize(&params).await;
    let consent = agent.sign_in(&login, "ann", flow::PASSWORD).await;
    let allowed = agent.consent(&consent, "allow", true).await;
    let code = flow::param(&allowed.location.unwrap(), "code").unwrap();
    let (_, tokens) = flow::exchange(&server, ("web", &web_secret), &code, flow::REDIRECT_URI, &verifier).await;
    let web_token = tokens["access_token"].as_str().unwrap();

    let consents_path = format!("/api/OAuth/{app}/Consents");
    let (_, listed) = send(&server, Method::GET, &consents_path, Some(&own), None).await;
    let consent = &listed["data"][0];
    assert_eq!(
        (consent["grantType"].as_str(), consent["scopes"].as_str()),
        (Some("authorization_code"), Some("openid email"))
    );
    assert_eq!(consent["redirectUri"], flow::REDIRECT_URI);
    assert!(consent["expireDate"].is_null(), "hosted-page consents do not expire");
    assert_ne!(consent["appID"], app, "the consent is to the web client");
    let userinfo =
        |token: &str| server.http().get(format!("{}/oauth/userinfo", server.url)).bearer_auth(token.to_string()).send();
    assert_eq!(userinfo(web_token).await.unwrap().status(), 200);
    let path = format!("{consents_path}/{}", consent["id"]);
    assert_eq!(send(&server, Method::DELETE, &path, Some(&own), None).await.0, 200);
    assert_eq!(userinfo(web_token).await.unwrap().status(), 401, "the grant's tokens are revoked");
    // The consent page asks again.
    let again = agent.authorize(&params).await;
    assert!(again.body.contains("Allow access?"));
}

on_both_databases!(
    qr_sign_in,
    points,
    grant_code_and_consents,
    seed_004_grants,
    hosted_consents_are_listed,
    only_the_app_credits_points,
    app_scheme_grants_only_allowed_scopes
);

/// `RechargePoints` with `authorization` (a full header value) and `body`.
async fn recharge_with(server: &TestServer, app: i64, authorization: &str, body: Value) -> (u16, Value) {
    let url = format!("{}/api/AppUsers/{app}/RechargePoints", server.url);
    let response =
        server.http().post(url).header("Authorization", authorization).json(&body).send().await.expect("sent");
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

/// Points are credited by the app alone (its client authentication), never
/// by a user's token, nor by another app's credentials.
async fn only_the_app_credits_points(server: TestServer) {
    let (app, secret) = create_app(&server, "shop", json!({ "signUpBonusPoints": 5 })).await;
    let (_, other_secret) = create_app(&server, "other", json!({})).await;
    let token = token_of(&post(&server, app, "SignUp", json!({"userName": "payer", "pwd": "a long password"})).await);
    let (_, profile) = send(&server, Method::GET, &format!("/api/AppUsers/{app}/Profile"), Some(&token), None).await;
    let user = profile["data"]["id"].as_i64().unwrap();
    let own = format!("Bearer {token}");
    // The user's own token credits nothing.
    let refused = recharge_with(&server, app, &own, json!({"price": 100})).await;
    assert_refused(&refused, 403, "the app's client authentication");
    // The app's server does, with HTTP basic or its client_credentials token.
    let done = recharge_with(&server, app, &basic("shop", &secret), json!({"price": 2, "userID": user})).await;
    assert_eq!(done.1, json!({"code": 200, "data": true, "err": ""}));
    let service = format!("Bearer {}", server.token("shop", &secret, None).await);
    let done = recharge_with(&server, app, &service, json!({"price": 3, "userId": user, "remark": "order 7"})).await;
    assert_eq!(done.0, 200, "{}", done.1);
    let log_path = format!("/api/AppUsers/{app}/PointLog");
    let (_, log) = send(&server, Method::GET, &log_path, Some(&token), None).await;
    assert_eq!(log["data"]["balance"], 10);
    let by: Vec<&str> =
        log["data"]["data"].as_array().unwrap().iter().map(|e| e["creditedBy"].as_str().unwrap()).collect();
    assert_eq!(by, ["app:shop", "app:shop", "sign-up"]);
    // What the app's server must get right.
    let app_basic = basic("shop", &secret);
    assert_refused(&recharge_with(&server, app, &app_basic, json!({"price": 1})).await, 400, "`userID` is required");
    assert_refused(
        &recharge_with(&server, app, &app_basic, json!({"price": 1, "userID": 999_999})).await,
        404,
        "999999",
    );
    let wrong =
        recharge_with(&server, app, &basic("shop", "not-the-secret"), json!({"price": 1, "userID": user})).await;
    assert_refused(&wrong, 401, "client authentication failed");
    let another =
        recharge_with(&server, app, &basic("other", &other_secret), json!({"price": 1, "userID": user})).await;
    assert_refused(&another, 403, "another app");
    // An app may let its users credit themselves, and only themselves.
    let allow: keyward_sdk::types::AppSettingsUpdate =
        serde_json::from_value(json!({ "userRechargeEnabled": true })).unwrap();
    let admin = server.admin().await;
    assert!(
        admin.app_settings_update().id(app).body(allow).send().await.unwrap().into_inner().data.user_recharge_enabled
    );
    assert_eq!(recharge_with(&server, app, &own, json!({"price": 1})).await.0, 200);
    assert_refused(&recharge_with(&server, app, &own, json!({"price": 1, "userID": user + 1})).await, 403, "their own");
    let (_, log) = send(&server, Method::GET, &log_path, Some(&token), None).await;
    assert_eq!(log["data"]["data"][0]["creditedBy"], format!("user:{user}"));
    assert_eq!(log["data"]["balance"], 11);
}

/// GrantCode and QR sign-in grant only the scopes the client may request,
/// for no longer than its settings allow: a self-registered user of public
/// client `shop` (allowed `openid profile`) asking for the payments API's
/// admin scope and 99 days gets neither.
async fn app_scheme_grants_only_allowed_scopes(server: TestServer) {
    payments_api(&server).await;
    let shop = json!({
        "clientId": "shop", "clientName": "Shop", "requireClientSecret": false,
        "redirectUris": [{ "redirectUri": APP_REDIRECT }],
        "allowedScopes": [{ "scope": "openid" }, { "scope": "profile" }],
    });
    flow::create_app(&server, shop).await;
    let app = client_row(&server, "shop").await;
    open_registration(&server).await;
    assert_eq!(save_settings(&server, app, json!({ "signUpEnabled": true, "passwordMinLength": 6 })).await, 200);
    token_of(&post(&server, app, "SignUp", json!({"userName": "mallory", "pwd": "123456"})).await);

    let grant_path = format!("/api/OAuth/{app}/GrantCode?scheme=app");
    let grant = |scopes: &str| {
        let body = json!({"grant_type": "account", "scopes": scopes, "redirect_uri": APP_REDIRECT,
            "userName": "mallory", "password": "123456", "expireInDays": 99});
        send(&server, Method::POST, &grant_path, None, Some(body))
    };
    for scopes in ["payments.admin", "openid payments.admin", "email"] {
        assert_refused(&grant(scopes).await, 400, "not allowed for this client");
    }
    let pre = post(&server, app, "QRCodePreSignIn", json!({"scopes": "payments.admin"})).await;
    assert_refused(&pre, 400, "not allowed for this client");

    // Allowed scopes and free-form ones that name nothing of the tenant's
    // pass; the 99 days asked for are capped at the app's token lifetime.
    let (status, granted) = grant("openid wishlist").await;
    assert_eq!(status, 200, "{granted}");
    let code = granted["data"]["code"].as_str().unwrap();
    let path = format!("/api/OAuth/{app}/Authorize?scheme=app&code={code}");
    let issued = send(&server, Method::POST, &path, None, None).await;
    let token = token_of(&issued);
    assert_eq!(issued.1["data"]["expires_in"], 86_400);
    let claims = verified_claims(&server, &token).await;
    assert_eq!(claims["scope"], "openid wishlist");
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 86_400);
    assert_ne!(claims["aud"], PAYMENTS);
}
