//! The end-user API (seeds 002/003): the seeds' sample bodies sent verbatim,
//! tokens checked against the JWKS, profile, the app settings behind it,
//! sign-up (off until an admin opens it) and user names that cannot squat
//! someone's contact.

use keyward_sdk::types;
use keyward_tests::end_user::{
    assert_refused, client_row, create_app, open_registration, post, retry_after, save_settings, send,
    set_registration, sql, token_of, verified_claims,
};
use keyward_tests::flow::{self, PASSWORD};
use keyward_tests::{ADMIN_ID, TestServer, on_both_databases};
use reqwest::Method;
use serde_json::{Value, json};

/// Settings under which the seeds' samples are valid: unionID sign-in on,
/// 6-character passwords (the samples use `123456`).
fn sample_settings() -> serde_json::Value {
    json!({ "unionIdSignInEnabled": true, "passwordMinLength": 6, "signUpBonusPoints": 10 })
}

async fn seed_samples(server: TestServer) {
    let (app, _) = create_app(&server, "shop", sample_settings()).await;
    // The curl samples, verbatim: every field empty.
    let empty = [
        ("UnionIDSignIn", json!({"platform": "","unionID": ""}), "platform"),
        (
            "UnionIDSignUp",
            json!({"platform": "","pwd": "","unionID": "","nickName": "","avatar": "","data": "","email": "","emailCode": "","phone": "","phoneCode": ""}),
            "platform",
        ),
        ("SignIn", json!({"pwd": "","userName": ""}), "userName"),
        (
            "SignUp",
            json!({"pwd": "","userName": "","nickName": "","avatar": "","data": "","email": "","emailCode": "","phone": "","phoneCode": ""}),
            "userName",
        ),
        (
            "PhoneSignUp",
            json!({"phone": "","phoneCode": "","pwd": "","email": "","emailCode": "","nickName": "","avatar": "","data": ""}),
            "phone",
        ),
        ("PhoneSignIn", json!({"phone": "","verifyCode": ""}), "phone"),
        ("SendSMSCode", json!({"phone": "","type": ""}), "phone"),
        (
            "EmailSignUp",
            json!({"email": "","pwd": "","emailCode": "","phone": "","phoneCode": "","nickName": "","avatar":"","data": ""}),
            "email",
        ),
        ("EmailSignIn", json!({"email": "","verifyCode": ""}), "email"),
        ("SendEmailCode", json!({"email": "","type": ""}), "email"),
        ("ResetPwd", json!({"code": "","pwd": "","phone": "","email": ""}), "phone"),
        (
            "QRCodeSignUp",
            json!({"signInKey":"","unionID":"","avatar":"","platform":"wxminip", "nickName":"","userName":"","phone":"","phoneIsValid":false,"email":"","emailIsValid":false}),
            "signInKey",
        ),
    ];
    for (operation, body, field) in empty {
        let answer = post(&server, app, operation, body).await;
        assert_refused(&answer, 400, &format!("`{field}`"));
    }
    let grant = send(&server, Method::POST, &format!("/api/OAuth/{app}/GrantCode?scheme=app"), None, Some(json!({"grant_type": "","scopes": "","redirect_uri": "","userName": "","password": "","unionId":"","platform": "","expireInDays": 1}))).await;
    assert_refused(&grant, 400, "`grant_type`");
    let authorize = send(&server, Method::POST, &format!("/api/OAuth/{app}/Authorize?scheme=&code="), None, None).await;
    assert_refused(&authorize, 400, "`code`");

    // The filled samples.
    let unknown = post(&server, app, "UnionIDSignIn", json!({"platform":"web","unionID":"123456"})).await;
    assert_refused(&unknown, 404, "no account is linked");
    let union_sign_up = post(
        &server,
        app,
        "UnionIDSignUp",
        json!({
            "platform": "web", "pwd": "123456", "unionID": "laborumUt", "avatar": "", "nickName": "utreprehenderit",
            "email": "laborumUt@test.com", "phone": "111111111", "userName": "Duis", "data": "",
            "emailIsValid": false, "phoneIsValid": false
        }),
    )
    .await;
    token_of(&union_sign_up);
    let union_sign_in = post(&server, app, "UnionIDSignIn", json!({"platform":"web","unionID":"laborumUt"})).await;
    let token = token_of(&union_sign_in);
    let claims = verified_claims(&server, &token).await;
    assert_eq!(claims["appid"], app.to_string());
    assert_eq!(claims["unique_name"], "Duis");
    assert_eq!(claims["unionid"], "laborumUt");
    assert_eq!(claims["platform"], "web");
    assert_eq!(claims["grant_type"], "unionid");
    assert_eq!(claims["groupsid"], "app");
    assert_eq!(claims["role"], "user");
    assert_eq!(claims["given_name"], "utreprehenderit");
    assert_eq!(claims["email"], "laborumut@test.com");
    assert_eq!(claims["client_id"], "shop");
    assert_eq!(claims["sub"], claims["nameid"]);
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 86_400);
    assert_eq!(union_sign_in.1["data"]["expires_in"], 86_400);

    let sign_up = post(
        &server,
        app,
        "SignUp",
        json!({
            "nickName": "wwww", "platform": "web", "pwd": "123456", "userName": "wwww", "email": "wwww@test.com",
            "phone": "111111112", "avatar": "", "data": ""
        }),
    )
    .await;
    token_of(&sign_up);
    let again = post(&server, app, "SignUp", json!({"pwd": "123456", "userName": "WWWW"})).await;
    assert_refused(&again, 409, "already taken");
    let wrong = post(&server, app, "SignIn", json!({"pwd": "1234567","userName": "wwww"})).await;
    assert_refused(&wrong, 401, "incorrect");
    let unknown_user = post(&server, app, "SignIn", json!({"pwd": "1234567","userName": "nobody"})).await;
    assert_eq!(unknown_user.1["err"], wrong.1["err"], "the message never says which part was wrong");
    let token = token_of(&post(&server, app, "SignIn", json!({"pwd": "123456","userName": "wwww"})).await);
    // The docs' table spells it `password`; both are accepted.
    token_of(&post(&server, app, "SignIn", json!({"password": "123456","userName": "wwww"})).await);

    let profile_path = format!("/api/AppUsers/{app}/Profile");
    let (status, profile) = send(&server, Method::GET, &profile_path, Some(&token), None).await;
    assert_eq!(status, 200, "{profile}");
    let data = &profile["data"];
    assert_eq!(data["appID"], app);
    assert_eq!(data["userName"], "wwww");
    assert_eq!(data["nickName"], "wwww");
    assert_eq!(data["phone"], "111111112");
    assert_eq!(data["phoneIsValid"], false, "a phone without its code stays unverified");
    assert_eq!(data["emailIsValid"], false);
    assert_eq!(data["role"], "user");
    assert!(data["createDate"].as_str().unwrap().len() == 19, "yyyy-MM-dd HH:mm:ss");
    let update = send(
        &server,
        Method::PUT,
        &profile_path,
        Some(&token),
        Some(json!({"avatar": "avatar.png","data": "自定义数据","nickName": "wwww2"})),
    )
    .await;
    assert_eq!(update.1, json!({"code": 200, "data": true, "err": ""}));
    let blank =
        send(&server, Method::PUT, &profile_path, Some(&token), Some(json!({"avatar": "","nickName": ""}))).await;
    assert_eq!(blank.0, 200);
    let (_, profile) = send(&server, Method::GET, &profile_path, Some(&token), None).await;
    assert_eq!(profile["data"]["avatar"], "avatar.png", "blank fields stay");
    assert_eq!(profile["data"]["data"], "自定义数据");
    assert_eq!(profile["data"]["nickName"], "wwww2");

    let pre =
        post(&server, app, "QRCodePreSignIn", json!({"scopes": "laboris","remark": "ad amet laboris","scheme": "app"}))
            .await;
    assert_eq!(pre.0, 200, "{}", pre.1);
    assert_eq!(pre.1["data"].as_str().unwrap().len(), 32);
    assert_refused(&post(&server, app, "QRCodeSignIn", json!({"signInKey": 19})).await, 404, "signInKey");
    assert_refused(&post(&server, app, "QRCodeScan", json!({"signInKey": 20})).await, 404, "signInKey");
    let consents = send(&server, Method::GET, &format!("/api/OAuth/{app}/Consents"), Some(&token), None).await;
    assert_eq!(consents.1, json!({"code": 200, "data": [], "err": ""}));
}

/// The SDK drives the same routes with typed bodies.
async fn through_the_sdk(server: TestServer) {
    let (app, _) = create_app(&server, "shop", json!({ "signUpBonusPoints": 5, "tokenLifetimeDays": 3 })).await;
    let sdk = server.sdk();
    let body: types::SignUp =
        serde_json::from_value(json!({ "userName": "sdk-user", "pwd": "a long password", "nickName": "Sdk" })).unwrap();
    let signed_up = sdk.app_sign_up().app_id(app).body(body).send().await.expect("signed up").into_inner();
    assert_eq!(signed_up.code, 200);
    assert_eq!(signed_up.data.expires_in, 3 * 86_400);
    let body: types::PasswordSignIn =
        serde_json::from_value(json!({ "userName": "sdk-user", "pwd": "a long password" })).unwrap();
    let signed_in = sdk.app_sign_in().app_id(app).body(body).send().await.expect("signed in").into_inner();
    let user = server.sdk_with(&signed_in.data.access_token);
    let profile = user.app_profile_get().app_id(app).send().await.expect("profile").into_inner().data;
    assert_eq!(profile.user_name, "sdk-user");
    assert_eq!(profile.nick_name, "Sdk");
    let log = user.app_point_log().app_id(app).send().await.expect("ledger").into_inner().data;
    assert_eq!((log.total, log.balance), (1, 5), "the sign-up bonus is a ledger entry");
    assert_eq!(log.data[0].remark, "sign-up bonus");
    let wrong: types::PasswordSignIn = serde_json::from_value(json!({"userName": "sdk-user", "pwd": "nope"})).unwrap();
    let error = sdk.app_sign_in().app_id(app).body(wrong).send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
}

/// Bearer rules: no token, a bad token, another app's token, a client's token.
async fn bearer_rules(server: TestServer) {
    let (shop, secret) = create_app(&server, "shop", json!({})).await;
    let (other, _) = create_app(&server, "other", json!({})).await;
    let token = token_of(&post(&server, shop, "SignUp", json!({"userName": "ann", "pwd": "a long password"})).await);
    let path = |app: i64| format!("/api/AppUsers/{app}/Profile");
    assert_refused(&send(&server, Method::GET, &path(shop), None, None).await, 401, "Bearer");
    assert_refused(&send(&server, Method::GET, &path(shop), Some("garbage"), None).await, 401, "invalid access token");
    assert_refused(&send(&server, Method::GET, &path(other), Some(&token), None).await, 403, "another app");
    let client_token = server.token("shop", &secret, None).await;
    assert_refused(&send(&server, Method::GET, &path(shop), Some(&client_token), None).await, 403, "issued to a user");
    assert_refused(&post(&server, 999_999, "SignIn", json!({"userName": "ann", "pwd": "x"})).await, 404, "app 999999");
    let disable: types::ClientUpdate = serde_json::from_value(json!({ "enabled": false })).unwrap();
    server.admin().await.client_update().id(other).body(disable).send().await.unwrap();
    assert_refused(&post(&server, other, "SignIn", json!({"userName": "ann", "pwd": "x"})).await, 403, "disabled");
}

async fn app_settings_admin(server: TestServer) {
    let (app, _) = create_app(&server, "shop", json!({})).await;
    let admin = server.admin().await;
    let settings = admin.app_settings_view().id(app).send().await.unwrap().into_inner().data;
    assert!(settings.sign_up_enabled && !settings.union_id_sign_in_enabled);
    assert_eq!((settings.token_lifetime_days, settings.password_min_length), (1, 8));
    let path = format!("/api/Client/{app}/AppSettings");
    let admin_token = server.token(keyward_tests::ADMIN_ID, keyward_tests::ADMIN_SECRET, None).await;
    let put = |body| send(&server, Method::PUT, &path, Some(&admin_token), Some(body));
    let (status, body) = put(json!({ "smsTemplate": "no code here" })).await;
    assert_eq!((status, body["message"].as_str().unwrap()), (422, "`smsTemplate` must contain {code}"));
    assert_eq!(put(json!({ "tokenLifetimeDays": 0 })).await.0, 422);
    assert_eq!(put(json!({ "passwordMinLength": 5 })).await.0, 422);
    assert_eq!(put(json!({ "grantCodeRedirectUris": ["not a uri"] })).await.0, 422);
    assert_eq!(put(json!({ "noSuchSetting": 1 })).await.0, 400);
    let (status, body) =
        put(json!({ "wechatAppId": "wx1", "wechatAppSecret": "s3cret", "defaultRole": "member" })).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["wechatAppSecretSet"], true);
    assert!(!body.to_string().contains("s3cret"), "the secret is never shown");
    assert_eq!(send(&server, Method::GET, "/api/Client/424242/AppSettings", Some(&admin_token), None).await.0, 404);
    // A token without the client permissions may not read or write them.
    let body: types::ClientCreate = serde_json::from_value(json!({
        "clientId": "reader", "allowedGrantTypes": [{ "grantType": "client_credentials" }],
        "allowedScopes": [{ "scope": "isms.client.get" }]
    }))
    .unwrap();
    let secret = admin.client_create().body(body).send().await.unwrap().into_inner().data.client_secret.unwrap();
    let reader = server.token("reader", &secret, None).await;
    assert_eq!(send(&server, Method::GET, &path, Some(&reader), None).await.0, 403);
    assert_eq!(send(&server, Method::PUT, &path, Some(&reader), Some(json!({}))).await.0, 403);
}

/// Two sign-ups racing for one user name: exactly one wins.
async fn concurrent_sign_ups(server: TestServer) {
    let (app, _) = create_app(&server, "shop", json!({})).await;
    let body = json!({ "userName": "race", "pwd": "a long password" });
    let (a, b) = tokio::join!(post(&server, app, "SignUp", body.clone()), post(&server, app, "SignUp", body));
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{a:?} {b:?}");
}

/// Failed sign-ins lock the account after five, whatever part was wrong.
async fn sign_in_throttling(server: TestServer) {
    let (app, _) = create_app(&server, "shop", json!({ "unionIdSignInEnabled": true })).await;
    token_of(&post(&server, app, "SignUp", json!({"userName": "erin", "pwd": "a long password"})).await);
    for _ in 0..5 {
        let wrong = post(&server, app, "SignIn", json!({"userName": "erin", "pwd": "wrong password"})).await;
        assert_refused(&wrong, 401, "incorrect");
    }
    let locked = post(&server, app, "SignIn", json!({"userName": "erin", "pwd": "a long password"})).await;
    assert_refused(&locked, 429, "Too many failed sign-ins");
    let (status, wait) = retry_after(&server, app, "SignIn", json!({"userName": "erin", "pwd": "x"})).await;
    assert!(
        status == 429 && wait.is_some_and(|s| (800..=900).contains(&s)),
        "until the 15-minute window closes: {wait:?}"
    );

    // Guessed unionIDs count against the address with the 5 wrong passwords: 20 in all.
    let linked = json!({"platform": "web", "unionID": "known-id"});
    token_of(&post(&server, app, "UnionIDSignUp", linked.clone()).await);
    for n in 0..15 {
        let guess =
            post(&server, app, "UnionIDSignIn", json!({"platform": "web", "unionID": format!("guess-{n}")})).await;
        assert_refused(&guess, 404, "no account is linked");
    }
    assert_refused(&post(&server, app, "UnionIDSignIn", linked.clone()).await, 429, "Too many failed sign-ins");
    let (status, wait) = retry_after(&server, app, "UnionIDSignIn", linked).await;
    assert!(status == 429 && wait.is_some_and(|s| (800..=900).contains(&s)), "{wait:?}");
    let other = post(&server, app, "SignIn", json!({"userName": "someone", "pwd": "a long password"})).await;
    assert_refused(&other, 429, "Too many failed sign-ins");
}

on_both_databases!(
    sign_in_throttling,
    seed_samples,
    through_the_sdk,
    bearer_rules,
    app_settings_admin,
    concurrent_sign_ups,
    contact_names_cannot_be_squatted,
    sign_up_is_off_until_an_admin_opens_it
);

/// A user name cannot be someone else's phone number or e-mail address.
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

/// Anonymous sign-up is off until an admin opens it (the app setting and the
/// tenant's `UserRegistration` switch), and never open through the
/// bootstrap admin client.
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
