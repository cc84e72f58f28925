//! Security hardening of issue 12, each test failing on the release before
//! it: the `sign` grant (item 2), who credits points (3), throttled unionID
//! paths (4), user names squatting contacts (6), and authority that outlives
//! a role or a password (7).

use keyward_tests::end_user::{assert_refused, create_app, post, retry_after, send, sql, token_of, verified_claims};
use keyward_tests::flow::{self, PASSWORD};
use keyward_tests::{TestServer, on_both_databases};
use reqwest::Method;
use serde_json::{Value, json};

on_both_databases!(
    sign_grant_is_not_a_skeleton_key,
    only_the_app_credits_points,
    union_id_paths_are_throttled,
    contact_names_cannot_be_squatted,
    refresh_rechecks_roles,
    new_password_ends_sessions_and_grants
);

/// `grant_type=sign` at the token endpoint; a client without a secret sends
/// its id in the form.
async fn sign(server: &TestServer, (id, secret): (&str, Option<&str>), form: &[(&str, &str)]) -> (u16, Value) {
    let mut fields = vec![("grant_type", "sign")];
    fields.extend_from_slice(form);
    match secret {
        Some(secret) => flow::token(server, Some((id, secret)), &fields).await,
        None => {
            fields.push(("client_id", id));
            flow::token(server, None, &fields).await
        }
    }
}

/// Item 2.
async fn sign_grant_is_not_a_skeleton_key(server: TestServer) {
    let (shop, shop_secret) = create_app(&server, "shop", json!({ "unionIdSignInEnabled": true })).await;
    let (_, other_secret) = create_app(&server, "other", json!({})).await;
    let linked =
        token_of(&post(&server, shop, "UnionIDSignUp", json!({"platform": "openid", "unionID": "o-ann"})).await);
    let ann = verified_claims(&server, &linked).await["sub"].clone();
    // The app that linked the identity signs its user in.
    let (status, own) = sign(&server, ("shop", Some(&shop_secret)), &[("sign", "o-ann")]).await;
    assert_eq!(status, 200, "{own}");
    assert_eq!(flow::claims(own["access_token"].as_str().unwrap())["sub"], ann);
    // Another confidential app of the tenant may not.
    let (status, body) = sign(&server, ("other", Some(&other_secret)), &[("sign", "o-ann")]).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
    // A public client never may: it proves nothing but its id.
    let public = json!({ "clientId": "kiosk", "requireClientSecret": false,
        "allowedGrantTypes": [{ "grantType": "sign" }], "allowedScopes": [{ "scope": "openid" }] });
    assert_eq!(flow::create_app(&server, public).await, None);
    let (status, body) = sign(&server, ("kiosk", None), &[("sign", "o-ann")]).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("unauthorized_client")), "{body}");
    // No admin permission, even for a user whose roles hold it.
    flow::give_role(&server, ann.as_str().unwrap().parse().unwrap(), "user-admins", &["isms.user.all"]).await;
    let admin = server.admin().await;
    let scopes: keyward_sdk::types::ClientUpdate = serde_json::from_value(json!({ "allowedScopes": [
        { "scope": "openid" }, { "scope": "isms.user.get" }
    ] }))
    .unwrap();
    admin.client_update().id(shop).body(scopes).send().await.unwrap();
    let (status, all) = sign(&server, ("shop", Some(&shop_secret)), &[("sign", "o-ann")]).await;
    assert_eq!((status, all["scope"].as_str()), (200, Some("openid")), "{all}");
    let asked = [("sign", "o-ann"), ("scope", "openid isms.user.get")];
    let (status, body) = sign(&server, ("shop", Some(&shop_secret)), &asked).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_scope")), "{body}");
}

/// `RechargePoints` with `authorization` (a full header value) and `body`.
async fn recharge(server: &TestServer, app: i64, authorization: &str, body: Value) -> (u16, Value) {
    let url = format!("{}/api/AppUsers/{app}/RechargePoints", server.url);
    let response =
        server.http().post(url).header("Authorization", authorization).json(&body).send().await.expect("sent");
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

fn basic(id: &str, secret: &str) -> String {
    use base64::Engine;
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}")))
}

/// Item 3.
async fn only_the_app_credits_points(server: TestServer) {
    let (app, secret) = create_app(&server, "shop", json!({ "signUpBonusPoints": 5 })).await;
    let (_, other_secret) = create_app(&server, "other", json!({})).await;
    let token = token_of(&post(&server, app, "SignUp", json!({"userName": "payer", "pwd": "a long password"})).await);
    let (_, profile) = send(&server, Method::GET, &format!("/api/AppUsers/{app}/Profile"), Some(&token), None).await;
    let user = profile["data"]["id"].as_i64().unwrap();
    let own = format!("Bearer {token}");
    // The user's own token credits nothing.
    let refused = recharge(&server, app, &own, json!({"price": 100})).await;
    assert_refused(&refused, 403, "the app's client authentication");
    // The app's server does, with HTTP basic or its client_credentials token.
    let done = recharge(&server, app, &basic("shop", &secret), json!({"price": 2, "userID": user})).await;
    assert_eq!(done.1, json!({"code": 200, "data": true, "err": ""}));
    let service = format!("Bearer {}", server.token("shop", &secret, None).await);
    let done = recharge(&server, app, &service, json!({"price": 3, "userId": user, "remark": "order 7"})).await;
    assert_eq!(done.0, 200, "{}", done.1);
    let log_path = format!("/api/AppUsers/{app}/PointLog");
    let (_, log) = send(&server, Method::GET, &log_path, Some(&token), None).await;
    assert_eq!(log["data"]["balance"], 10);
    let by: Vec<&str> =
        log["data"]["data"].as_array().unwrap().iter().map(|e| e["creditedBy"].as_str().unwrap()).collect();
    assert_eq!(by, ["app:shop", "app:shop", "sign-up"]);
    // What the app's server must get right.
    let app_basic = basic("shop", &secret);
    assert_refused(&recharge(&server, app, &app_basic, json!({"price": 1})).await, 400, "`userID` is required");
    assert_refused(&recharge(&server, app, &app_basic, json!({"price": 1, "userID": 999_999})).await, 404, "999999");
    let wrong = recharge(&server, app, &basic("shop", "not-the-secret"), json!({"price": 1, "userID": user})).await;
    assert_refused(&wrong, 401, "client authentication failed");
    let another = recharge(&server, app, &basic("other", &other_secret), json!({"price": 1, "userID": user})).await;
    assert_refused(&another, 403, "another app");
    // An app may let its users credit themselves, and only themselves.
    let allow: keyward_sdk::types::AppSettingsUpdate =
        serde_json::from_value(json!({ "userRechargeEnabled": true })).unwrap();
    let admin = server.admin().await;
    assert!(
        admin.app_settings_update().id(app).body(allow).send().await.unwrap().into_inner().data.user_recharge_enabled
    );
    assert_eq!(recharge(&server, app, &own, json!({"price": 1})).await.0, 200);
    assert_refused(&recharge(&server, app, &own, json!({"price": 1, "userID": user + 1})).await, 403, "their own");
    let (_, log) = send(&server, Method::GET, &log_path, Some(&token), None).await;
    assert_eq!(log["data"]["data"][0]["creditedBy"], format!("user:{user}"));
    assert_eq!(log["data"]["balance"], 11);
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

/// Item 4: every path that takes a caller's unionID counts misses per client
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

/// Item 6.
async fn contact_names_cannot_be_squatted(server: TestServer) {
    let admin = server.admin().await;
    let create = async |body: Value| {
        let body: keyward_sdk::types::UserCreate = serde_json::from_value(body).unwrap();
        admin.user_create().body(body).send().await.map(|r| r.into_inner().data).map_err(|e| e.status().unwrap())
    };
    // Through the admin API: refused unless it is the user's own verified contact.
    for body in [
        json!({"userName": "victim@example.com", "password": PASSWORD}),
        json!({"userName": "Victim@Example.com", "email": "victim@example.com", "password": PASSWORD}),
        json!({"userName": "+8613800000001", "phoneNumber": "+8613800000002", "phoneNumberConfirmed": true}),
    ] {
        assert_eq!(create(body.clone()).await, Err(reqwest::StatusCode::UNPROCESSABLE_ENTITY), "{body}");
    }
    let own = json!({"userName": "Owner@Example.com", "email": "owner@example.com", "emailConfirmed": true});
    let owner = create(own).await.expect("a user's own verified email is a fine user name");
    create(json!({"userName": "13800000003", "phoneNumber": "13800000003", "phoneNumberConfirmed": true}))
        .await
        .expect("so is their own verified phone number");
    let rename: keyward_sdk::types::UserUpdate =
        serde_json::from_value(json!({"userName": "someone@example.com"})).unwrap();
    let refused = admin.user_update().id(owner).body(rename).send().await.unwrap_err();
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(422));
    // Through the end-user API.
    let (app, _) = create_app(&server, "shop", json!({ "unionIdSignInEnabled": true })).await;
    for name in ["victim@example.com", "13900000000"] {
        let refused = post(&server, app, "SignUp", json!({"userName": name, "pwd": "a long password"})).await;
        assert_refused(&refused, 422, "looks like a");
    }
    let linked =
        token_of(&post(&server, app, "UnionIDSignUp", json!({"platform": "web", "unionID": "15500000000"})).await);
    let name = verified_claims(&server, &linked).await["unique_name"].as_str().unwrap().to_string();
    assert!(name.starts_with("web-") && name.len() == 16, "a unionID that looks like a phone is not the name: {name}");

    // A name registered before this release that squats alice's verified
    // email: signing in with the email reaches alice, not the squatter.
    let alice = flow::create_user(&server, "alice").await;
    let mallory = create(json!({"userName": "mallory", "password": "mallory's own password"})).await.unwrap();
    sql(&server, &format!(
        "UPDATE users SET username = 'alice@example.com', normalized_username = 'alice@example.com' WHERE id = {mallory}"
    ))
    .await;
    let signed_in = post(&server, app, "SignIn", json!({"userName": "alice@example.com", "pwd": PASSWORD})).await;
    assert_eq!(verified_claims(&server, &token_of(&signed_in)).await["sub"], alice.to_string());
    let squatter =
        post(&server, app, "SignIn", json!({"userName": "alice@example.com", "pwd": "mallory's own password"})).await;
    assert_refused(&squatter, 401, "incorrect");

    // An address nobody verified, which anybody may have typed, finds nobody.
    create(json!({"userName": "trent", "password": "trent's own password", "email": "trent@example.com"}))
        .await
        .unwrap();
    let unverified =
        post(&server, app, "SignIn", json!({"userName": "trent@example.com", "pwd": "trent's own password"})).await;
    assert_refused(&unverified, 401, "incorrect");
    token_of(&post(&server, app, "SignIn", json!({"userName": "trent", "pwd": "trent's own password"})).await);
}

/// A confidential client `app` with the password and refresh grants, allowed `isms.user.get`.
async fn password_app(server: &TestServer) -> String {
    let body = json!({ "clientId": "app",
        "allowedGrantTypes": [{ "grantType": "password" }, { "grantType": "refresh_token" }],
        "allowedScopes": [{ "scope": "openid" }, { "scope": "isms.user.get" }] });
    flow::create_app(server, body).await.unwrap()
}

fn refresh_form(refresh_token: &Value) -> [(&str, &str); 2] {
    [("grant_type", "refresh_token"), ("refresh_token", refresh_token.as_str().unwrap())]
}

/// Item 7: a refresh re-checks the user's roles.
async fn refresh_rechecks_roles(server: TestServer) {
    let secret = password_app(&server).await;
    let ann = flow::create_user(&server, "ann").await;
    flow::give_role(&server, ann, "user-admins", &["isms.user.all"]).await;
    let app = ("app", secret.as_str());
    let form =
        [("grant_type", "password"), ("username", "ann"), ("password", PASSWORD), ("scope", "openid isms.user.get")];
    let (status, first) = flow::token(&server, Some(app), &form).await;
    assert_eq!((status, first["scope"].as_str()), (200, Some("openid isms.user.get")), "{first}");
    // The admin takes the role away; the next refresh no longer carries it.
    let admin = server.admin().await;
    let update: keyward_sdk::types::UserUpdate = serde_json::from_value(json!({ "roles": [] })).unwrap();
    admin.user_update().id(ann).body(update).send().await.unwrap();
    let (status, second) = flow::token(&server, Some(app), &refresh_form(&first["refresh_token"])).await;
    assert_eq!((status, second["scope"].as_str()), (200, Some("openid")), "{second}");
    let users = server.sdk_with(second["access_token"].as_str().unwrap()).user_list().send().await.unwrap_err();
    assert_eq!(users.status().map(|s| s.as_u16()), Some(403));
}

/// Whether the agent's hosted-login session still signs it in.
async fn session_alive(agent: &flow::Agent) -> bool {
    let (_, challenge) = flow::pkce();
    let page = agent.authorize(&flow::web_request("openid", &challenge)).await;
    page.location.is_some_and(|to| flow::param(&to, "code").is_some())
}

/// Item 7: a new password — set by an admin or by a reset code — ends the
/// user's sessions and revokes every grant and its tokens.
async fn new_password_ends_sessions_and_grants(server: TestServer) {
    let web_secret = flow::web_app(&server, json!({})).await;
    let ann = flow::create_user(&server, "ann").await;
    let (app, _) = create_app(&server, "shop", json!({})).await;
    let agent = flow::Agent::new(&server);
    let (code, verifier) = flow::code_for(&agent, "ann", "openid").await;
    let web = ("web", web_secret.as_str());
    let (_, tokens) = flow::exchange(&server, web, &code, flow::REDIRECT_URI, &verifier).await;
    let app_token = token_of(&post(&server, app, "SignIn", json!({"userName": "ann", "pwd": PASSWORD})).await);
    let profile_path = format!("/api/AppUsers/{app}/Profile");
    let userinfo = async |token: &str| {
        server.http().get(format!("{}/oauth/userinfo", server.url)).bearer_auth(token).send().await.unwrap().status()
    };
    assert!(session_alive(&agent).await);
    assert_eq!(userinfo(tokens["access_token"].as_str().unwrap()).await, 200);

    let admin = server.admin().await;
    let update: keyward_sdk::types::UserUpdate =
        serde_json::from_value(json!({ "password": "a brand new password" })).unwrap();
    admin.user_update().id(ann).body(update).send().await.unwrap();
    assert!(!session_alive(&agent).await, "the hosted login asks for the new password");
    let (status, body) = flow::token(&server, Some(web), &refresh_form(&tokens["refresh_token"])).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
    assert_eq!(userinfo(tokens["access_token"].as_str().unwrap()).await, 401);
    assert_refused(&send(&server, Method::GET, &profile_path, Some(&app_token), None).await, 401, "revoked");

    // A reset by a `forgetpwd` code does the same.
    let app_token =
        token_of(&post(&server, app, "SignIn", json!({"userName": "ann", "pwd": "a brand new password"})).await);
    assert_eq!(
        post(&server, app, "SendEmailCode", json!({"email": "ann@example.com", "type": "forgetpwd"})).await.0,
        200
    );
    let code = server.sinks.code_for("ann@example.com").await;
    let reset =
        post(&server, app, "ResetPwd", json!({"email": "ann@example.com", "code": code, "pwd": "a third password"}))
            .await;
    assert_eq!(reset.0, 200, "{}", reset.1);
    assert_refused(&send(&server, Method::GET, &profile_path, Some(&app_token), None).await, 401, "revoked");
}
