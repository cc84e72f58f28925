//! No lost updates: concurrent admin `PUT`s of one row all hold, a profile
//! edit never restores a role an admin just removed, a code redeemed twice
//! at once gives tokens to one request and then revokes them, and a refresh
//! token's rotation grace period allows exactly one retry.

use crate::json;
use futures::future::join_all;
use keyward_tests::end_user::{self, post, send, token_of};
use keyward_tests::flow::{self, Agent, PASSWORD, REDIRECT_URI, introspect, token};
use keyward_tests::{ADMIN_ID, ADMIN_SECRET, TestServer, on_both_databases};
use reqwest::Method;
use serde_json::{Value, json};

on_both_databases!(
    parallel_admin_updates_all_hold,
    profile_edit_keeps_a_removed_role_removed,
    parallel_code_redemptions_revoke_the_winner,
    refresh_grace_period_allows_one_retry,
    refresh_grace_period_is_bounded
);

/// Rounds of parallel updates: each round is a fresh chance to interleave.
const ROUNDS: usize = 5;

/// Rounds of parallel code redemptions: the window in which two overlap is
/// a few milliseconds.
const CODE_ROUNDS: usize = 20;

/// How many requests race in the token endpoint tests.
const PARALLEL: usize = 16;

/// A field of an admin resource and the value a round sets it to.
type Field = (&'static str, fn(usize) -> Value);

/// Raw admin requests, all with one token, so that parallel ones start at once.
struct Admin<'a> {
    server: &'a TestServer,
    token: String,
}

impl<'a> Admin<'a> {
    async fn new(server: &'a TestServer) -> Admin<'a> {
        Admin { server, token: server.token(ADMIN_ID, ADMIN_SECRET, None).await }
    }

    /// A request with an optional JSON body; (status, envelope).
    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let url = format!("{}{path}", self.server.url);
        let mut request = self.server.http().request(method, url).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        json(request.send().await.unwrap()).await
    }
}

/// Sends one `PUT path` per field at once, each changing only its field,
/// [`ROUNDS`] times; after every round each field holds what its `PUT` set.
async fn race_puts(admin: &Admin<'_>, path: &str, fields: &[Field]) {
    for round in 0..ROUNDS {
        let puts =
            fields.iter().map(|(name, value)| admin.send(Method::PUT, path, Some(json!({ *name: value(round) }))));
        for (status, body) in join_all(puts).await {
            assert_eq!(status, 200, "{path}: {body}");
        }
        let (status, stored) = admin.send(Method::GET, path, None).await;
        assert_eq!(status, 200, "{stored}");
        for (name, value) in fields {
            assert_eq!(stored["data"][name], value(round), "{path} round {round}: `{name}` was lost");
        }
    }
}

async fn parallel_admin_updates_all_hold(server: TestServer) {
    let raw = Admin::new(&server).await;
    let user = flow::create_user(&server, "ann").await;
    let user_fields: &[Field] = &[
        ("nickName", |n| json!(format!("Ann {n}"))),
        ("avatar", |n| json!(format!("https://img.example/{n}.png"))),
        ("data", |n| json!(format!("data {n}"))),
        ("email", |n| json!(format!("ann{n}@example.com"))),
        ("phoneNumber", |n| json!(format!("1330000000{n}"))),
        ("claims", |n| json!([{ "claimType": "level", "claimValue": n.to_string() }])),
    ];
    race_puts(&raw, &format!("/api/User/{user}"), user_fields).await;

    flow::web_app(&server, json!({})).await;
    let admin = server.admin().await;
    let client = admin.client_list().q_client_id("web").send().await.unwrap().into_inner().data[0].id;
    let client_fields: &[Field] = &[
        ("clientName", |n| json!(format!("Web {n}"))),
        ("description", |n| json!(format!("round {n}"))),
        ("accessTokenLifetime", |n| json!(600 + n)),
        ("identityTokenLifetime", |n| json!(300 + n)),
        ("authorizationCodeLifetime", |n| json!(60 + n)),
        ("absoluteRefreshTokenLifetime", |n| json!(86_400 + n)),
        ("slidingRefreshTokenLifetime", |n| json!(3_600 + n)),
        ("refreshTokenRotationGracePeriod", |n| json!(10 + n)),
        ("requireConsent", |n| json!(n % 2 == 0)),
        ("properties", |n| json!([{ "key": "round", "value": n.to_string() }])),
    ];
    race_puts(&raw, &format!("/api/Client/{client}"), client_fields).await;

    let (status, created) = raw.send(Method::POST, "/api/Tenant", Some(json!({ "name": "t" }))).await;
    assert_eq!(status, 201, "{created}");
    let tenant_fields: &[Field] = &[
        ("name", |n| json!(format!("Tenant {n}"))),
        ("theme", |n| json!(format!("theme-{n}"))),
        ("claims", |n| json!([{ "claimType": "tier", "claimValue": n.to_string() }])),
        ("properties", |n| json!([{ "key": "round", "value": n.to_string() }])),
    ];
    race_puts(&raw, &format!("/api/Tenant/{}", created["data"]), tenant_fields).await;

    let (app, _) = end_user::create_app(&server, "shop", json!({})).await;
    let settings_fields: &[Field] = &[
        ("passwordMinLength", |n| json!(8 + n)),
        ("tokenLifetimeDays", |n| json!(2 + n)),
        ("signUpBonusPoints", |n| json!(100 + n)),
        ("emailSubject", |n| json!(format!("Your code, round {n}"))),
        ("smsSignName", |n| json!(format!("Shop {n}"))),
    ];
    race_puts(&raw, &format!("/api/Client/{app}/AppSettings"), settings_fields).await;
}

/// While an admin takes a role away, the user edits their profile: both
/// changes hold, every time.
async fn profile_edit_keeps_a_removed_role_removed(server: TestServer) {
    let (app, _) = end_user::create_app(&server, "shop", json!({})).await;
    let user = flow::create_user(&server, "ann").await;
    let role = flow::give_role(&server, user, "editors", &["isms.user.get"]).await;
    let token = token_of(&post(&server, app, "SignIn", json!({ "userName": "ann", "pwd": PASSWORD })).await);
    let admin = Admin::new(&server).await;
    let user_path = format!("/api/User/{user}");
    let profile_path = format!("/api/AppUsers/{app}/Profile");
    for round in 0..ROUNDS * 2 {
        let give = json!({ "roles": [{ "roleId": role }] });
        assert_eq!(admin.send(Method::PUT, &user_path, Some(give)).await.0, 200);
        let nick_name = format!("Ann {round}");
        let remove = admin.send(Method::PUT, &user_path, Some(json!({ "roles": [] })));
        let edit = send(&server, Method::PUT, &profile_path, Some(&token), Some(json!({ "nickName": nick_name })));
        let ((removed, body), (edited, answer)) = tokio::join!(remove, edit);
        assert_eq!((removed, edited), (200, 200), "{body} {answer}");
        let (_, stored) = admin.send(Method::GET, &user_path, None).await;
        assert_eq!(stored["data"]["roles"], json!([]), "round {round}: the profile edit restored the role");
        let (_, profile) = send(&server, Method::GET, &profile_path, Some(&token), None).await;
        assert_eq!(profile["data"]["nickName"], nick_name.as_str());
    }
}

/// The same code redeemed by many requests at once: one gets tokens, the
/// others are refused, and one of them revokes what the winner got.
async fn parallel_code_redemptions_revoke_the_winner(server: TestServer) {
    let secret = flow::web_app(&server, json!({})).await;
    let web = ("web", secret.as_str());
    flow::create_user(&server, "ann").await;
    let agent = Agent::new(&server);
    for round in 0..CODE_ROUNDS {
        let (code, verifier) = flow::code_for(&agent, "ann", "openid orders.read").await;
        let redemptions = (0..PARALLEL).map(|_| flow::exchange(&server, web, &code, REDIRECT_URI, &verifier));
        let answers = join_all(redemptions).await;
        let winners: Vec<&Value> = answers.iter().filter(|(status, _)| *status == 200).map(|(_, body)| body).collect();
        assert_eq!(winners.len(), 1, "round {round}: {answers:?}");
        // Every loser waited for the winner and found the code redeemed.
        for (status, body) in answers.iter().filter(|(status, _)| *status != 200) {
            assert_eq!((*status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
            let description = body["error_description"].as_str().unwrap();
            assert!(description.ends_with("the tokens issued for it are now revoked"), "{description}");
        }
        let access = winners[0]["access_token"].as_str().unwrap();
        assert_eq!(introspect(&server, web, access).await, json!({ "active": false }), "round {round}");
        let refresh = winners[0]["refresh_token"].as_str().unwrap();
        let (status, body) = refresh_with(&server, web, refresh).await;
        assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
        let userinfo = server.http().get(format!("{}/oauth/userinfo", server.url)).bearer_auth(access);
        assert_eq!(userinfo.send().await.unwrap().status().as_u16(), 401, "round {round}");
    }
}

async fn refresh_with(server: &TestServer, client: (&str, &str), refresh_token: &str) -> (u16, Value) {
    token(server, Some(client), &[("grant_type", "refresh_token"), ("refresh_token", refresh_token)]).await
}

/// A confidential client `app` with the password and refresh grants and
/// this grace period (none: the default).
async fn grace_app(server: &TestServer, grace: Option<i64>) -> String {
    let mut body = json!({
        "clientId": "app",
        "allowedGrantTypes": [{ "grantType": "password" }, { "grantType": "refresh_token" }],
        "allowedScopes": [{ "scope": "openid" }],
    });
    if let Some(grace) = grace {
        body["refreshTokenRotationGracePeriod"] = json!(grace);
    }
    flow::create_app(server, body).await.unwrap()
}

/// A token family of `ann` through the password grant.
async fn sign_in(server: &TestServer, client: (&str, &str)) -> Value {
    let form = [("grant_type", "password"), ("username", "ann"), ("password", PASSWORD), ("scope", "openid")];
    let (status, body) = token(server, Some(client), &form).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// Uses `refresh_token`, which must succeed; the new token pair.
async fn rotate(server: &TestServer, client: (&str, &str), refresh_token: &str) -> Value {
    let (status, body) = refresh_with(server, client, refresh_token).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// Every token of `pairs` is dead: refresh tokens and access tokens alike.
async fn assert_revoked(server: &TestServer, client: (&str, &str), pairs: &[&Value]) {
    for pair in pairs {
        for kind in ["access_token", "refresh_token"] {
            let token = pair[kind].as_str().unwrap();
            assert_eq!(introspect(server, client, token).await, json!({ "active": false }), "{kind}");
        }
        assert_eq!(refresh_with(server, client, pair["refresh_token"].as_str().unwrap()).await.0, 400);
    }
}

async fn refresh_grace_period_allows_one_retry(server: TestServer) {
    let secret = grace_app(&server, Some(60)).await;
    let app = ("app", secret.as_str());
    flow::create_user(&server, "ann").await;

    // The retry after a lost response works once; a third use revokes all.
    let first = sign_in(&server, app).await;
    let r1 = first["refresh_token"].as_str().unwrap();
    let lost = rotate(&server, app, r1).await;
    let retried = rotate(&server, app, r1).await;
    assert_ne!(lost["refresh_token"], retried["refresh_token"]);
    for pair in [&lost, &retried] {
        let access = pair["access_token"].as_str().unwrap();
        assert_eq!(introspect(&server, app, access).await["active"], true, "the retry revoked nothing");
    }
    let (status, body) = refresh_with(&server, app, r1).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
    assert_revoked(&server, app, &[&lost, &retried]).await;

    // Many retries at once: at most one passes, and the others revoke all.
    let family = sign_in(&server, app).await;
    let used = family["refresh_token"].as_str().unwrap();
    let next = rotate(&server, app, used).await;
    let answers = join_all((0..PARALLEL * 4).map(|_| refresh_with(&server, app, used))).await;
    let passed: Vec<&Value> = answers.iter().filter(|(status, _)| *status == 200).map(|(_, body)| body).collect();
    assert!(passed.len() <= 1, "{} parallel retries passed; the grace period allows one", passed.len());
    assert!(answers.iter().all(|(status, _)| *status == 200 || *status == 400), "{answers:?}");
    assert_revoked(&server, app, &[&next]).await;
    assert_revoked(&server, app, &passed).await;

    // After the period, a reuse revokes the family as without one.
    let admin = server.admin().await;
    let id = admin.client_list().q_client_id("app").send().await.unwrap().into_inner().data[0].id;
    let short: keyward_sdk::types::ClientUpdate =
        serde_json::from_value(json!({ "refreshTokenRotationGracePeriod": 1 })).unwrap();
    let updated = admin.client_update().id(id).body(short).send().await.unwrap().into_inner().data;
    assert_eq!(updated.refresh_token_rotation_grace_period, 1);
    let family = sign_in(&server, app).await;
    let used = family["refresh_token"].as_str().unwrap();
    let next = rotate(&server, app, used).await;
    server.state().clock.advance(std::time::Duration::from_millis(1100));
    assert_eq!(refresh_with(&server, app, used).await.0, 400);
    assert_revoked(&server, app, &[&next]).await;
}

/// The grace period is 0 by default (every reuse revokes the family), and
/// 0 to 300 seconds.
async fn refresh_grace_period_is_bounded(server: TestServer) {
    let secret = grace_app(&server, None).await;
    let app = ("app", secret.as_str());
    let admin = server.admin().await;
    let client = admin.client_list().q_client_id("app").send().await.unwrap().into_inner().data[0].clone();
    assert_eq!(client.refresh_token_rotation_grace_period, 0);
    flow::create_user(&server, "ann").await;
    let family = sign_in(&server, app).await;
    let used = family["refresh_token"].as_str().unwrap();
    let next = rotate(&server, app, used).await;
    assert_eq!(refresh_with(&server, app, used).await.0, 400, "no retry without a grace period");
    assert_revoked(&server, app, &[&next]).await;

    let raw = Admin::new(&server).await;
    let path = format!("/api/Client/{}", client.id);
    for bad in [-1, 301, i64::MAX] {
        let expected = format!("`refreshTokenRotationGracePeriod` must be between 0 and 300 (got {bad})");
        let create = json!({ "clientId": "bad", "refreshTokenRotationGracePeriod": bad });
        let update = json!({ "refreshTokenRotationGracePeriod": bad });
        for (method, path, body) in [(Method::POST, "/api/Client", create), (Method::PUT, path.as_str(), update)] {
            let (status, answer) = raw.send(method, path, Some(body)).await;
            assert_eq!((status, answer["message"].as_str()), (422, Some(expected.as_str())), "{answer}");
        }
    }
    let (status, answer) = raw.send(Method::PUT, &path, Some(json!({ "refreshTokenRotationGracePeriod": "60" }))).await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("invalid type"), "{answer}");
    let (status, answer) = raw.send(Method::PUT, &path, Some(json!({ "refreshTokenRotationGracePeriod": 300 }))).await;
    assert_eq!((status, &answer["data"]["refreshTokenRotationGracePeriod"]), (200, &json!(300)), "{answer}");
}
