//! Issue 23, items 3, 4, 6 and 8: the end-user API and introspection tried
//! as an attacker would. Each test replays an attack that worked and checks
//! that it is refused now.

use keyward_tests::end_user::{
    APP_REDIRECT, assert_refused, create_app, open_registration, post, send, set_registration, token_of,
    verified_claims,
};
use keyward_tests::flow::{self, ensure_api_scopes};
use keyward_tests::{ADMIN_ID, TestServer, on_both_databases};
use reqwest::Method;
use serde_json::{Value, json};

const PAYMENTS: &str = "https://payments.example";

/// The numeric id of client `client_id`.
async fn client_row(server: &TestServer, client_id: &str) -> i64 {
    let admin = server.admin().await;
    let listed = admin.client_list().q_client_id(client_id).send().await.unwrap().into_inner().data;
    listed.first().expect("the client exists").id
}

/// Saves end-user `settings` of client row `id`; the status.
async fn save_settings(server: &TestServer, id: i64, settings: Value) -> u16 {
    let update: keyward_sdk::types::AppSettingsUpdate = serde_json::from_value(settings).unwrap();
    match server.admin().await.app_settings_update().id(id).body(update).send().await {
        Ok(done) => done.status().as_u16(),
        Err(e) => e.status().map(|s| s.as_u16()).unwrap_or(0),
    }
}

/// The payments API: resource `https://payments.example` with scope
/// `payments.admin`; its secret.
async fn payments_api(server: &TestServer) -> String {
    ensure_api_scopes(server, &["payments.admin"]).await;
    let body: keyward_sdk::types::ApiResourceCreate =
        serde_json::from_value(json!({ "name": PAYMENTS, "scopes": [{ "scope": "payments.admin" }] })).unwrap();
    server.admin().await.api_resource_create().body(body).send().await.unwrap().into_inner().data.secret
}

/// Item 3: a self-registered user of public client `shop` (allowed `openid
/// profile`) asked GrantCode, and QR sign-in, for the payments API's admin
/// scope and 99 days, and got them.
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

/// Item 4: user 3 of app "3" was taken for the app's server (`sub` equal to
/// `client_id`) and credited himself points with his own token.
async fn a_user_named_like_the_app_is_no_app(server: TestServer) {
    open_registration(&server).await;
    let (first, _) = create_app(&server, "first", json!({ "signUpEnabled": true, "passwordMinLength": 6 })).await;
    let victim = token_of(&post(&server, first, "SignUp", json!({"userName": "victim", "pwd": "123456"})).await);
    let victim_id: i64 = verified_claims(&server, &victim).await["sub"].as_str().unwrap().parse().unwrap();
    let attacker = token_of(&post(&server, first, "SignUp", json!({"userName": "mallory", "pwd": "123456"})).await);
    let attacker_id = verified_claims(&server, &attacker).await["sub"].as_str().unwrap().to_string();
    // The app whose clientId is the attacker's user id.
    let (app, secret) = create_app(&server, &attacker_id, json!({ "passwordMinLength": 6 })).await;
    let own = token_of(&post(&server, app, "SignIn", json!({"userName": "mallory", "pwd": "123456"})).await);
    let claims = verified_claims(&server, &own).await;
    assert_eq!((claims["sub"].as_str(), claims["client_id"].as_str()), (Some(&*attacker_id), Some(&*attacker_id)));

    let points = |operation: &str, token: String, body: Value| {
        let path = format!("/api/AppUsers/{app}/{operation}");
        let server = &server;
        async move { send(server, Method::POST, &path, Some(&token), Some(body)).await }
    };
    let credit = json!({"price": 1_000_000, "userID": attacker_id.parse::<i64>().unwrap()});
    assert_refused(&points("RechargePoints", own.clone(), credit).await, 403, "client authentication");
    let debit = json!({"points": 1, "userID": victim_id});
    assert_refused(&points("ConsumePoints", own.clone(), debit).await, 403, "client authentication");

    // The app's own client_credentials token still acts as the app.
    let app_token = server.token(&attacker_id, &secret, None).await;
    let credited = points("RechargePoints", app_token, json!({"price": 1, "userID": victim_id})).await;
    assert_eq!(credited.1["data"], true, "{}", credited.1);
}

/// Item 6: an anonymous `SignUp` through the bootstrap admin client created
/// an account in the default tenant, whose registration switch was off.
async fn sign_up_is_off_until_an_admin_opens_it(server: TestServer) {
    let admin_app = client_row(&server, ADMIN_ID).await;
    let body = json!({"userName": "intruder", "pwd": "long enough password"});
    assert_refused(&post(&server, admin_app, "SignUp", body.clone()).await, 403, "sign-up");
    // A new app takes no sign-ups until its settings say so.
    flow::create_app(&server, json!({ "clientId": "shop", "allowedScopes": [{ "scope": "openid" }] })).await;
    let app = client_row(&server, "shop").await;
    assert_refused(&post(&server, app, "SignUp", body.clone()).await, 403, "sign-up is disabled");
    let linked = json!({"platform": "web", "unionID": "u-1"});
    assert_eq!(save_settings(&server, app, json!({ "signUpEnabled": true, "unionIdSignInEnabled": true })).await, 200);
    // The tenant's switch holds on every path: account, linked, QR.
    assert_refused(&post(&server, app, "SignUp", body.clone()).await, 403, "UserRegistration");
    assert_refused(&post(&server, app, "UnionIDSignUp", linked.clone()).await, 403, "UserRegistration");
    let key = post(&server, app, "QRCodePreSignIn", json!({})).await.1["data"].as_str().unwrap().to_string();
    post(&server, app, "QRCodeScan", json!({"signInKey": key})).await;
    let qr = post(&server, app, "QRCodeSignUp", json!({"signInKey": key, "platform": "web", "unionID": "u-2"})).await;
    assert_refused(&qr, 403, "UserRegistration");
    set_registration(&server, "disabled").await;
    assert_refused(&post(&server, app, "SignUp", body.clone()).await, 403, "UserRegistration");
    open_registration(&server).await;
    token_of(&post(&server, app, "SignUp", body.clone()).await);
    token_of(&post(&server, app, "UnionIDSignUp", linked).await);
    // The admin client never takes sign-ups, whatever its settings say.
    assert_eq!(save_settings(&server, admin_app, json!({ "signUpEnabled": true })).await, 403);
    let other = json!({"userName": "intruder2", "pwd": "long enough password"});
    assert_refused(&post(&server, admin_app, "SignUp", other).await, 403, "sign-up");
}

/// Item 8: an API resource's secret was checked before the throttle: after
/// 24 wrong guesses at `/oauth/introspect` the right one still worked.
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

on_both_databases!(
    app_scheme_grants_only_allowed_scopes,
    a_user_named_like_the_app_is_no_app,
    sign_up_is_off_until_an_admin_opens_it,
    resource_secrets_are_throttled_like_clients
);
