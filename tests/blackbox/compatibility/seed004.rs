//! Seed 004's user and role endpoints: `/users/…`,
//! `/userDetail/…` and `/roles/list` at the seed's paths with its field names
//! and `{status, message}` envelope, through raw HTTP and the SDK; who may
//! call what; bad input that stores nothing; and a password change that ends
//! the old refresh token.

use keyward_sdk::types;
use keyward_tests::end_user;
use keyward_tests::flow::{self, PASSWORD};
use keyward_tests::tenant;
use keyward_tests::{ADMIN_ID, ADMIN_SECRET, TestServer, on_both_databases};
use serde_json::{Value, json};

on_both_databases!(registration_and_user_detail, password_change_ends_old_tokens, admin_user_and_role_endpoints);

/// How a raw call authenticates.
#[derive(Clone, Copy)]
enum Auth<'a> {
    None,
    Basic(&'a str, &'a str),
    Bearer(&'a str),
}

/// What a raw call answered: status, JSON body, `WWW-Authenticate`.
type Answer = (u16, Value, Option<String>);

/// `POST path` with a JSON body, as seed 004's clients send it.
async fn call(server: &TestServer, path: &str, auth: Auth<'_>, body: Value) -> Answer {
    let request = server.http().post(format!("{}{path}", server.url)).json(&body);
    let request = match auth {
        Auth::None => request,
        Auth::Basic(id, secret) => request.basic_auth(id, Some(secret)),
        // The seed writes the scheme in lower case.
        Auth::Bearer(token) => request.header("Authorization", format!("bearer {token}")),
    };
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let challenge = response.headers().get("www-authenticate").map(|v| v.to_str().unwrap().to_string());
    (status, response.json().await.unwrap_or(Value::Null), challenge)
}

/// Asserts a refusal in the seed's shape: `{status, error}`, `error`
/// mentioning `needle`.
fn refused(answer: &Answer, expected: u16, needle: &str) {
    let (status, body, _) = answer;
    assert_eq!(*status, expected, "{body}");
    assert_eq!(body["status"], expected, "{body}");
    let error = body["error"].as_str().unwrap_or_default();
    assert!(error.contains(needle), "`error` {error:?} should mention {needle:?}");
}

/// The `message` of a success.
fn message(answer: Answer) -> Value {
    let (status, body, _) = answer;
    assert_eq!((status, &body["status"]), (200, &json!(200)), "{body}");
    body["message"].clone()
}

/// Seed 004's `web-client`: the password and refresh grants.
async fn web_client(server: &TestServer) -> String {
    let body = json!({ "clientId": "web-client",
        "allowedGrantTypes": [{ "grantType": "password" }, { "grantType": "refresh_token" }],
        "allowedScopes": [{ "scope": "openid" }] });
    flow::create_app(server, body).await.expect("confidential")
}

/// A client holding the admin permissions these endpoints use.
async fn ops_client(server: &TestServer) -> String {
    let scopes: Vec<Value> = ["isms.user.get", "isms.user.post", "isms.user.put", "isms.user.detail", "isms.role.get"]
        .iter()
        .map(|s| json!({ "scope": s }))
        .collect();
    let body = json!({ "clientId": "ops", "allowedGrantTypes": [{ "grantType": "client_credentials" }],
        "allowedScopes": scopes });
    flow::create_app(server, body).await.expect("confidential")
}

/// The password grant's answer for `username` through `web-client`.
async fn sign_in(server: &TestServer, secret: &str, username: &str, password: &str) -> (u16, Value) {
    let form = [("grant_type", "password"), ("username", username), ("password", password)];
    flow::token(server, Some(("web-client", secret)), &form).await
}

/// The access token of a successful password grant.
async fn access_token(server: &TestServer, secret: &str, username: &str, password: &str) -> String {
    let (status, body) = sign_in(server, secret, username, password).await;
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap().to_string()
}

/// Every user name stored, live or deleted: what "nothing stored" checks.
async fn user_names(server: &TestServer) -> Vec<String> {
    server.db.texts("SELECT username FROM users ORDER BY id").await
}

/// The user as stored (through the admin API), to show nothing changed.
async fn stored(server: &TestServer, id: i64) -> Value {
    let user = server.admin().await.user_view().id(id).send().await.unwrap().into_inner().data;
    serde_json::to_value(user).unwrap()
}

/// An SDK client sending HTTP basic client authentication.
fn basic_sdk(server: &TestServer, id: &str, secret: &str) -> keyward_sdk::Client {
    use base64::Engine;
    let credentials = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::AUTHORIZATION, format!("Basic {credentials}").parse().unwrap());
    let http = reqwest::Client::builder().default_headers(headers).build().unwrap();
    keyward_sdk::Client::new_with_client(&server.url, http)
}

async fn registration_and_user_detail(server: TestServer) {
    let secret = web_client(&server).await;
    // Registration is off until an admin opens it, in the tenant and the app.
    end_user::open_registration(&server).await;
    let admin = server.admin().await;
    let web = admin.client_list().q_client_id("web-client").send().await.unwrap().into_inner().data[0].id;
    let open: types::AppSettingsUpdate = serde_json::from_value(json!({ "signUpEnabled": true })).unwrap();
    admin.app_settings_update().id(web).body(open).send().await.unwrap();
    let basic = Auth::Basic("web-client", &secret);
    let body = json!({ "username": "qwe", "password": "12345678" });
    let qwe = message(call(&server, "/users/register", basic, body.clone()).await).as_i64().expect("the user id");

    // Refused registrations store nothing.
    let before = user_names(&server).await;
    refused(&call(&server, "/users/register", basic, body).await, 409, "already taken");
    let (status, body, challenge) = call(
        &server,
        "/users/register",
        Auth::Basic("web-client", "wrong"),
        json!({ "username": "eve", "password": "12345678" }),
    )
    .await;
    assert_eq!(
        (status, &body["status"], body["error"].as_str()),
        (401, &json!(401), Some("client authentication failed"))
    );
    assert!(challenge.unwrap().starts_with("Basic "), "a 401 challenges for basic authentication");
    let anonymous =
        call(&server, "/users/register", Auth::None, json!({ "username": "eve", "password": "12345678" })).await;
    refused(&anonymous, 401, "Basic");
    refused(&call(&server, "/users/register", basic, json!({ "username": "eve" })).await, 400, "password");
    refused(
        &call(&server, "/users/register", basic, json!({ "username": 5, "password": "12345678" })).await,
        400,
        "invalid type",
    );
    let extra = json!({ "username": "eve", "password": "12345678", "role": "admin" });
    refused(&call(&server, "/users/register", basic, extra).await, 400, "role");
    refused(
        &call(&server, "/users/register", basic, json!({ "username": "eve", "password": "short" })).await,
        422,
        "password",
    );
    refused(
        &call(&server, "/users/register", basic, json!({ "username": "e ve", "password": "12345678" })).await,
        422,
        "username",
    );
    assert_eq!(user_names(&server).await, before);

    // Through the SDK, with its basic authentication.
    let registered = basic_sdk(&server, "web-client", &secret)
        .spring_user_register()
        .body(types::SpringRegister { username: "asd".into(), password: "87654321".into() })
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(registered.status, 200);
    let asd = registered.message;
    let wrong = basic_sdk(&server, "web-client", "wrong")
        .spring_user_register()
        .body(types::SpringRegister { username: "zxc".into(), password: "87654321".into() })
        .send()
        .await
        .unwrap_err();
    assert_eq!(wrong.status().map(|s| s.as_u16()), Some(401));
    assert!(!user_names(&server).await.contains(&"zxc".to_string()));

    // The new user signs in and reads their detail: unset fields are null.
    let token = access_token(&server, &secret, "qwe", "12345678").await;
    let detail = message(call(&server, "/userDetail/current", Auth::Bearer(&token), json!({})).await);
    assert_eq!(detail["id"], qwe);
    for field in ["name", "age", "phone", "gender", "addr", "nation", "instruction", "images", "birthday"] {
        assert!(detail[field].is_null(), "{field} in {detail}");
    }
    let created = detail["createTime"].as_str().unwrap();
    assert!(chrono::NaiveDateTime::parse_from_str(created, "%Y-%m-%d %H:%M:%S").is_ok(), "{created}");
    refused(&call(&server, "/userDetail/current", Auth::None, json!({})).await, 401, "Authorization");
    // A third-party client (one that asks consent) signs the user in, but cannot act on their account.
    let body = json!({ "clientId": "third-party", "requireConsent": true,
        "allowedGrantTypes": [{ "grantType": "password" }], "allowedScopes": [{ "scope": "openid" }] });
    let third = flow::create_app(&server, body).await.expect("confidential");
    let form = [("grant_type", "password"), ("username", "qwe"), ("password", "12345678"), ("scope", "openid")];
    let (status, tokens) = flow::token(&server, Some(("third-party", &third)), &form).await;
    assert_eq!(status, 200, "{tokens}");
    let foreign = tokens["access_token"].as_str().unwrap();
    refused(&call(&server, "/userDetail/current", Auth::Bearer(foreign), json!({})).await, 403, "asks no consent");
    let rename = json!({ "id": qwe, "phone": "13800000000" });
    refused(&call(&server, "/users/update", Auth::Bearer(foreign), rename).await, 403, "asks no consent");
    assert!(stored(&server, qwe).await["phoneNumber"].is_null(), "nothing changed");

    // Updating it, with the seed's fields.
    let update = json!({ "id": qwe, "name": "Qi", "age": "30", "phone": "13312341234", "gender": "f",
        "addr": "Hangzhou", "createTime": "2019-05-07 10:00:00", "nation": "Han", "instruction": "hello",
        "images": "https://img.example/q.png", "birthday": "1990-01-02" });
    assert_eq!(message(call(&server, "/userDetail/update", Auth::Bearer(&token), update).await), true);
    let got = message(call(&server, "/userDetail/get", Auth::Bearer(&token), json!({ "id": qwe })).await);
    let expected = json!({ "id": qwe, "name": "Qi", "age": "30", "phone": "13312341234", "gender": "f",
        "addr": "Hangzhou", "createTime": created, "nation": "Han", "instruction": "hello",
        "images": "https://img.example/q.png", "birthday": "1990-01-02" });
    assert_eq!(got, expected, "createTime stays the account's");
    let user = stored(&server, qwe).await;
    assert_eq!((&user["nickName"], &user["avatar"]), (&json!("Qi"), &json!("https://img.example/q.png")));
    assert_eq!((&user["phoneNumber"], &user["phoneNumberConfirmed"]), (&json!("13312341234"), &json!(false)));
    assert!(
        user["claims"].as_array().unwrap().contains(&json!({ "claimType": "birthdate", "claimValue": "1990-01-02" }))
    );
    // Through the SDK; "" clears a field, absent ones stay.
    let sdk = server.sdk_with(&token);
    let clear: types::SpringUserDetail = serde_json::from_value(json!({ "id": qwe, "age": "" })).unwrap();
    assert!(sdk.spring_user_detail_update().body(clear).send().await.unwrap().into_inner().message);
    let got = sdk.spring_user_detail_get().body(types::SpringUserId { id: qwe }).send().await.unwrap().into_inner();
    assert_eq!((got.message.age, got.message.nation.as_deref()), (None, Some("Han")));

    // Bad input changes nothing.
    let before = stored(&server, qwe).await;
    let bearer = Auth::Bearer(&token);
    let bad = [
        (json!({ "id": qwe, "birthday": "1990/01/02" }), 422, "birthday"),
        (json!({ "id": qwe, "createTime": "yesterday" }), 422, "createTime"),
        (json!({ "id": qwe, "age": 30 }), 400, "invalid type"),
        (json!({ "id": qwe, "phone": "12ab" }), 422, "phone"),
        (json!({ "id": qwe, "name": "x".repeat(257) }), 422, "name"),
        (json!({ "id": qwe, "nickname": "Q" }), 400, "nickname"),
        (json!({ "name": "Q" }), 400, "id"),
        (json!({ "id": asd, "name": "Q" }), 403, "isms.user.put"),
    ];
    for (body, status, needle) in bad {
        refused(&call(&server, "/userDetail/update", bearer, body).await, status, needle);
    }
    assert_eq!(stored(&server, qwe).await, before);
    assert_eq!(stored(&server, asd).await["nickName"], "");
    // Another user's detail needs `isms.user.detail`; unknown ids are 404 to
    // an admin, another user's to a user.
    refused(&call(&server, "/userDetail/get", bearer, json!({ "id": asd })).await, 403, "isms.user.detail");
    let ops = ops_client(&server).await;
    let detail_reader = server.token("ops", &ops, Some("isms.user.detail")).await;
    let other = message(call(&server, "/userDetail/get", Auth::Bearer(&detail_reader), json!({ "id": qwe })).await);
    assert_eq!(other["name"], "Qi");
    refused(
        &call(&server, "/userDetail/get", Auth::Bearer(&detail_reader), json!({ "id": 999_999 })).await,
        404,
        "999999",
    );
    let editor = server.token("ops", &ops, Some("isms.user.put")).await;
    let missing =
        call(&server, "/userDetail/update", Auth::Bearer(&editor), json!({ "id": 999_999, "name": "x" })).await;
    refused(&missing, 404, "999999");
    // A client's own token is no user's: /userDetail/current refuses it.
    refused(&call(&server, "/userDetail/current", Auth::Bearer(&editor), json!({})).await, 403, "user");
}

async fn password_change_ends_old_tokens(server: TestServer) {
    let secret = web_client(&server).await;
    let web = ("web-client", secret.as_str());
    let ann = flow::create_user(&server, "ann").await;
    let bob = flow::create_user(&server, "bob").await;
    let (status, tokens) = sign_in(&server, &secret, "ann", PASSWORD).await;
    assert_eq!(status, 200, "{tokens}");
    let access = tokens["access_token"].as_str().unwrap();
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let bearer = Auth::Bearer(access);
    const NEW: &str = "new horse battery staple";

    // Bad requests change nothing: the old password and tokens still work.
    let bad = [
        (json!({ "userId": ann, "newPassword": NEW }), 400, "oldPassword"),
        (json!({ "userId": ann, "oldPassword": "wrong password", "newPassword": NEW }), 400, "oldPassword"),
        (json!({ "userId": ann, "oldPassword": PASSWORD, "newPassword": "short" }), 422, "newPassword"),
        (json!({ "userId": ann, "oldPassword": PASSWORD }), 400, "newPassword"),
        (json!({ "userId": "ann", "oldPassword": PASSWORD, "newPassword": NEW }), 400, "invalid type"),
        (json!({ "userId": bob, "oldPassword": PASSWORD, "newPassword": NEW }), 403, "isms.user.put"),
    ];
    for (body, status, needle) in bad {
        refused(&call(&server, "/users/pwd/update", bearer, body).await, status, needle);
    }
    let (status, body, challenge) =
        call(&server, "/users/pwd/update", Auth::None, json!({ "userId": ann, "newPassword": NEW })).await;
    assert_eq!(status, 401, "{body}");
    assert!(challenge.unwrap().starts_with("Bearer "));
    assert_eq!(flow::introspect(&server, web, access).await["active"], true);
    assert_eq!(sign_in(&server, &secret, "bob", PASSWORD).await.0, 200);

    // The seed's change: the old refresh token then fails with invalid_grant.
    let body = json!({ "userId": ann, "oldPassword": PASSWORD, "newPassword": NEW });
    assert_eq!(call(&server, "/users/pwd/update", bearer, body).await.1, json!({ "status": 200, "message": true }));
    let (status, body) =
        flow::token(&server, Some(web), &[("grant_type", "refresh_token"), ("refresh_token", refresh)]).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
    assert_eq!(flow::introspect(&server, web, access).await["active"], false);
    let (status, body) = sign_in(&server, &secret, "ann", PASSWORD).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
    let fresh = access_token(&server, &secret, "ann", NEW).await;
    // The revoked token no longer acts for ann.
    refused(&call(&server, "/userDetail/current", bearer, json!({})).await, 401, "revoked");
    assert_eq!(message(call(&server, "/userDetail/current", Auth::Bearer(&fresh), json!({})).await)["id"], ann);

    // An admin sets another user's password without the old one (SDK).
    let ops = ops_client(&server).await;
    let (_, bob_tokens) = sign_in(&server, &secret, "bob", PASSWORD).await;
    let reader = server.sdk_with(&server.token("ops", &ops, Some("isms.user.get")).await);
    let change = types::SpringPasswordUpdate { user_id: bob, old_password: None, new_password: NEW.into() };
    let denied = reader.spring_password_update().body(change.clone()).send().await.unwrap_err();
    assert_eq!(denied.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(sign_in(&server, &secret, "bob", PASSWORD).await.0, 200, "a refused change keeps the password");
    let admin = server.sdk_with(&server.token("ops", &ops, Some("isms.user.put")).await);
    assert!(admin.spring_password_update().body(change).send().await.unwrap().into_inner().message);
    let bob_refresh = bob_tokens["refresh_token"].as_str().unwrap();
    let (status, _) =
        flow::token(&server, Some(web), &[("grant_type", "refresh_token"), ("refresh_token", bob_refresh)]).await;
    assert_eq!(status, 400);
    assert_eq!(sign_in(&server, &secret, "bob", NEW).await.0, 200);
    let unknown = types::SpringPasswordUpdate { user_id: 999_999, old_password: None, new_password: NEW.into() };
    let missing = admin.spring_password_update().body(unknown).send().await.unwrap_err();
    assert_eq!(missing.status().map(|s| s.as_u16()), Some(404));

    // Guessing the old password with a stolen token is throttled like a
    // sign-in: 5 failures, then 429 with Retry-After, and nothing changes.
    let before = stored(&server, ann).await;
    let guess = json!({ "userId": ann, "oldPassword": "not the password", "newPassword": PASSWORD });
    for _ in 0..5 {
        refused(&call(&server, "/users/pwd/update", Auth::Bearer(&fresh), guess.clone()).await, 400, "oldPassword");
    }
    let url = format!("{}/users/pwd/update", server.url);
    let locked = server.http().post(url).bearer_auth(&fresh).json(&guess).send().await.unwrap();
    assert_eq!(locked.status().as_u16(), 429);
    let wait: u64 = locked.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait >= 1, "{wait}");
    assert_eq!(locked.json::<Value>().await.unwrap()["status"], 429);
    assert_eq!(stored(&server, ann).await, before);
}

async fn admin_user_and_role_endpoints(server: TestServer) {
    let admin = server.admin().await;
    let mut role_ids = Vec::new();
    for name in ["editor", "viewer"] {
        let body: types::RoleCreate = serde_json::from_value(json!({ "name": name })).unwrap();
        role_ids.push(admin.role_create().body(body).send().await.unwrap().into_inner().data);
    }
    let (editor, viewer) = (role_ids[0], role_ids[1]);
    let ops = ops_client(&server).await;
    let poster = server.token("ops", &ops, Some("isms.user.post")).await;
    let putter = server.token("ops", &ops, Some("isms.user.put")).await;
    let getter = server.token("ops", &ops, Some("isms.user.get")).await;
    let role_getter = server.token("ops", &ops, Some("isms.role.get")).await;

    // /users/save, by roleName.
    let body = json!({ "username": "carl", "password": PASSWORD, "roleList": [{ "roleName": "editor" }] });
    let carl = message(call(&server, "/users/save", Auth::Bearer(&poster), body).await).as_i64().unwrap();
    assert_eq!(stored(&server, carl).await["roles"], json!([{ "roleId": editor }]));
    let before = user_names(&server).await;
    let bad = [
        (json!({ "username": "dan", "roleList": [{ "roleName": "nobody" }] }), 422, "nobody"),
        (json!({ "username": "dan", "id": 7 }), 422, "id"),
        (json!({ "password": PASSWORD }), 400, "username"),
        (json!({ "username": "dan", "roleList": "editor" }), 400, "invalid type"),
        (json!({ "username": "dan", "roleList": [{}] }), 400, "roleName"),
        (json!({ "username": "dan", "roleList": [{ "id": 999_999 }] }), 422, "roleId"),
        (json!({ "username": "carl" }), 409, "already taken"),
    ];
    for (body, status, needle) in bad {
        refused(&call(&server, "/users/save", Auth::Bearer(&poster), body).await, status, needle);
    }
    let denied = call(&server, "/users/save", Auth::Bearer(&getter), json!({ "username": "dan" })).await;
    refused(&denied, 403, "isms.user.post");
    assert_eq!(user_names(&server).await, before);

    // /users/find by id and by name (SDK), with role names.
    let found = message(call(&server, "/users/find", Auth::Bearer(&getter), json!({ "id": carl })).await);
    assert_eq!(found["username"], "carl");
    assert_eq!(found["roleList"], json!([{ "id": editor, "roleName": "editor" }]));
    let sdk = server.sdk_with(&getter);
    let by_name = types::SpringUserFind { id: None, username: Some("CARL".into()) };
    let found = sdk.spring_user_find().body(by_name).send().await.unwrap().into_inner().message;
    assert_eq!((found.id, found.username.as_str(), found.open_id), (carl, "carl", None));
    refused(&call(&server, "/users/find", Auth::Bearer(&getter), json!({})).await, 400, "username");
    refused(&call(&server, "/users/find", Auth::Bearer(&getter), json!({ "id": 999_999 })).await, 404, "999999");
    refused(&call(&server, "/users/find", Auth::Bearer(&getter), json!({ "username": "nobody" })).await, 404, "nobody");
    refused(&call(&server, "/users/find", Auth::Bearer(&poster), json!({ "id": carl })).await, 403, "isms.user.get");

    // /users/role/update replaces the roles; bad input keeps them.
    let body = json!({ "id": carl, "roleList": [{ "id": viewer }] });
    assert_eq!(message(call(&server, "/users/role/update", Auth::Bearer(&putter), body).await), true);
    assert_eq!(stored(&server, carl).await["roles"], json!([{ "roleId": viewer }]));
    let before = stored(&server, carl).await;
    let bad = [
        (json!({ "id": carl }), 400, "roleList"),
        (json!({ "id": carl, "roleList": null }), 400, "invalid type"),
        (json!({ "id": carl, "roleList": [{ "id": 999_999 }] }), 422, "roleId"),
        (json!({ "id": carl, "roleList": [{ "id": viewer }, { "id": viewer }] }), 422, "twice"),
        (json!({ "id": 999_999, "roleList": [] }), 404, "999999"),
    ];
    for (body, status, needle) in bad {
        refused(&call(&server, "/users/role/update", Auth::Bearer(&putter), body).await, status, needle);
    }
    let denied =
        call(&server, "/users/role/update", Auth::Bearer(&getter), json!({ "id": carl, "roleList": [] })).await;
    refused(&denied, 403, "isms.user.put");
    assert_eq!(stored(&server, carl).await, before);
    let body = json!({ "id": carl, "roleList": [] });
    assert_eq!(message(call(&server, "/users/role/update", Auth::Bearer(&putter), body).await), true);
    assert_eq!(stored(&server, carl).await["roles"], json!([]));

    // /roles/list.
    let roles = message(call(&server, "/roles/list", Auth::Bearer(&role_getter), json!({})).await);
    assert_eq!(roles, json!([{ "id": editor, "roleName": "editor" }, { "id": viewer, "roleName": "viewer" }]));
    let listed = server.sdk_with(&role_getter).spring_role_list().send().await.unwrap().into_inner().message;
    assert_eq!(listed.iter().map(|r| r.role_name.as_str()).collect::<Vec<_>>(), ["editor", "viewer"]);
    refused(&call(&server, "/roles/list", Auth::Bearer(&getter), json!({})).await, 403, "isms.role.get");

    // /users/update: a new phone is stored unverified; by the user or an admin.
    let body = json!({ "id": carl, "phone": "13312341234" });
    assert_eq!(message(call(&server, "/users/update", Auth::Bearer(&putter), body).await), carl);
    let user = stored(&server, carl).await;
    assert_eq!((&user["phoneNumber"], &user["phoneNumberConfirmed"]), (&json!("13312341234"), &json!(false)));
    let secret = web_client(&server).await;
    let own = access_token(&server, &secret, "carl", PASSWORD).await;
    let sdk = server.sdk_with(&own);
    let change: types::SpringUserUpdate =
        serde_json::from_value(json!({ "id": carl, "phone": "+8613312349999" })).unwrap();
    assert_eq!(sdk.spring_user_update().body(change).send().await.unwrap().into_inner().message, carl);
    let before = stored(&server, carl).await;
    assert_eq!(before["phoneNumber"], "+8613312349999");
    let bad = [
        (json!({ "id": carl, "openId": "openid-of-someone" }), 422, "openId"),
        (json!({ "id": carl, "phone": "12ab" }), 422, "phone"),
        (json!({ "phone": "13312341234" }), 400, "id"),
        (json!({ "id": "carl", "phone": "13312341234" }), 400, "invalid type"),
        (json!({ "id": 999_999, "phone": "13312341234" }), 403, "isms.user.put"),
    ];
    for (body, status, needle) in bad {
        refused(&call(&server, "/users/update", Auth::Bearer(&own), body).await, status, needle);
    }
    assert_eq!(stored(&server, carl).await, before);
    refused(&call(&server, "/users/update", Auth::Bearer(&putter), json!({ "id": 999_999 })).await, 404, "999999");

    // Another tenant's user is a 404 here.
    let acme = tenant::acme(&server).await;
    let bearer = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let bob = acme.create_user(&bearer, "bob", PASSWORD).await;
    refused(&call(&server, "/users/find", Auth::Bearer(&getter), json!({ "id": bob })).await, 404, "does not exist");
    let body = json!({ "id": bob, "roleList": [] });
    refused(&call(&server, "/users/role/update", Auth::Bearer(&putter), body).await, 404, "does not exist");
    let body = json!({ "id": bob, "phone": "13312340000" });
    refused(&call(&server, "/users/update", Auth::Bearer(&putter), body).await, 404, "does not exist");
    assert_eq!(acme.get(&format!("/api/User/{bob}"), Some(&bearer)).await.1["data"]["phoneNumber"], Value::Null);
}
