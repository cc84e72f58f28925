//! Seed 000 ("oauth2-server") at its own paths: `/client`, `/user` and
//! `/profile`, through raw HTTP with the seed's exact paths and through the
//! SDK, with their bad input, permissions and tenant rules; and access
//! profiles enforced at the code flow, the password grant, refresh and the
//! end-user API.

use keyward_sdk::types::CreateLiteral;
use keyward_tests::end_user::{APP_REDIRECT, assert_refused, create_app, post, send, token_of};
use keyward_tests::flow::{self, PASSWORD};
use keyward_tests::tenant::At;
use keyward_tests::{ADMIN_ID, ADMIN_SECRET, TestServer, on_both_databases};
use reqwest::Method;
use serde_json::{Value, json};

on_both_databases!(seed_clients, seed_users, seed_profiles, profiles_are_enforced);

/// A number the database holds (`query` selects one count).
async fn count(server: &TestServer, query: &str) -> i64 {
    let texts = server.db.texts(&format!("SELECT CAST(({query}) AS TEXT)")).await;
    texts[0].parse().unwrap()
}

/// A tenant `Acme` at `acme.test`, reached through the same server.
async fn acme(server: &TestServer) -> At<'_> {
    let tenant: keyward_sdk::types::TenantCreate =
        serde_json::from_value(json!({ "name": "Acme", "hosts": [{ "hostName": "acme.test" }] })).unwrap();
    server.admin().await.tenant_create().body(tenant).send().await.unwrap();
    At::new(server, &server.url.trim_start_matches("http://").replace("127.0.0.1", "acme.test"))
}

/// A client_credentials token holding only `scopes`, of a client made for it.
async fn limited_token(server: &TestServer, scopes: &[&str]) -> String {
    let allowed: Vec<Value> = scopes.iter().map(|s| json!({ "scope": s })).collect();
    let body = json!({ "clientId": "limited", "allowedGrantTypes": [{ "grantType": "client_credentials" }],
        "allowedScopes": allowed });
    let secret = flow::create_app(server, body).await.unwrap();
    server.token("limited", &secret, None).await
}

/// Asserts an admin envelope failure: the status, `code` equal to it and a
/// message containing `needle`.
fn assert_admin_error((status, body): &(u16, Value), expected: u16, needle: &str) {
    assert_eq!(*status, expected, "{body}");
    assert_eq!(body["code"], expected, "{body}");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(message.contains(needle), "message {message:?} should mention {needle:?}");
}

async fn seed_clients(server: TestServer) {
    let bearer = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let admin = Some(bearer.as_str());
    // Create at the seed's path: 200, the secret shown once.
    let body = json!({ "clientId": "1234", "clientName": "Seed", "requireProfile": true,
        "allowedGrantTypes": [{ "grantType": "client_credentials" }] });
    let (status, created) = send(&server, Method::POST, "/client/create", admin, Some(body)).await;
    assert_eq!((status, &created["code"]), (200, &json!(200)), "{created}");
    assert_eq!(created["data"]["clientId"], "1234");
    let secret = created["data"]["clientSecret"].as_str().unwrap().to_string();
    let numeric = created["data"]["id"].as_i64().unwrap();
    // View by clientId; the admin API shows the same client and flag.
    let (status, viewed) = send(&server, Method::GET, "/client/1234", admin, None).await;
    assert_eq!(status, 200, "{viewed}");
    assert_eq!((&viewed["data"]["id"], &viewed["data"]["requireProfile"]), (&json!(numeric), &json!(true)));
    assert!(!viewed.to_string().contains(&secret), "a view never shows the secret");
    let (_, same) = send(&server, Method::GET, &format!("/api/Client/{numeric}"), admin, None).await;
    assert_eq!(same["data"]["requireProfile"], true, "{same}");
    let (status, listed) = send(&server, Method::GET, "/client?q.ClientID=1234", admin, None).await;
    assert_eq!((status, &listed["total"]), (200, &json!(1)), "{listed}");
    assert_eq!(listed["data"][0]["clientName"], "Seed");
    // Update: fields present replace the stored ones.
    let change = json!({ "clientName": "Renamed", "requireProfile": false });
    let (status, updated) = send(&server, Method::PUT, "/client/1234", admin, Some(change)).await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(
        (&updated["data"]["clientName"], &updated["data"]["requireProfile"]),
        (&json!("Renamed"), &json!(false))
    );
    let (_, same) = send(&server, Method::GET, &format!("/api/Client/{numeric}"), admin, None).await;
    assert_eq!(same["data"]["requireProfile"], false, "{same}");
    // Its secret authenticates; a wrong one is refused and gets no token.
    let grant = [("grant_type", "client_credentials")];
    assert_eq!(flow::token(&server, Some(("1234", &secret)), &grant).await.0, 200);
    let (status, refused) = flow::token(&server, Some(("1234", "not-the-secret")), &grant).await;
    assert_eq!((status, refused["error"].as_str()), (401, Some("invalid_client")), "{refused}");
    assert!(refused.get("access_token").is_none());

    // Bad input stores nothing.
    let clients = count(&server, "SELECT COUNT(*) FROM clients").await;
    for (body, status, needle) in [
        (json!({ "clientName": "no id" }), 400, "clientId"),
        (json!({ "clientId": "x1", "requireProfile": "yes" }), 400, "boolean"),
        (json!({ "clientId": "x2", "color": "blue" }), 400, "color"),
        (json!({ "clientId": "bad id!" }), 422, "clientId"),
        (json!({ "clientId": "x3", "allowedScopes": [{ "scope": "nowhere" }] }), 422, "nowhere"),
        (json!({ "clientId": "1234" }), 409, "1234"),
    ] {
        let answer = send(&server, Method::POST, "/client/create", admin, Some(body)).await;
        assert_admin_error(&answer, status, needle);
    }
    let other = send(&server, Method::POST, "/client/make", admin, Some(json!({ "clientId": "x4" }))).await;
    assert_eq!(other.0, 400, "only `create` is a create path: {}", other.1);
    let wrong = send(&server, Method::PUT, "/client/1234", admin, Some(json!({ "requireProfile": 1 }))).await;
    assert_admin_error(&wrong, 400, "boolean");
    assert_eq!(count(&server, "SELECT COUNT(*) FROM clients").await, clients);
    let (_, unchanged) = send(&server, Method::GET, "/client/1234", admin, None).await;
    assert_eq!(unchanged["data"]["clientName"], "Renamed");
    // Unknown ids are 404.
    for method in [Method::GET, Method::PUT, Method::DELETE] {
        let body = (method == Method::PUT).then(|| json!({}));
        let answer = send(&server, method, "/client/nope", admin, body).await;
        assert_admin_error(&answer, 404, "client \"nope\" does not exist");
    }
    let odd = send(&server, Method::GET, "/client/a%00b", admin, None).await;
    assert_admin_error(&odd, 404, "does not exist");
    // Permissions: reading needs isms.client.get/detail, writing its own.
    let reader = limited_token(&server, &["isms.client.get", "isms.client.detail"]).await;
    let reader = Some(reader.as_str());
    assert_eq!(send(&server, Method::GET, "/client", reader, None).await.0, 200);
    assert_eq!(send(&server, Method::GET, "/client/1234", reader, None).await.0, 200);
    let denied = send(&server, Method::POST, "/client/create", reader, Some(json!({ "clientId": "x5" }))).await;
    assert_admin_error(&denied, 403, "isms.client.post");
    assert_admin_error(
        &send(&server, Method::PUT, "/client/1234", reader, Some(json!({}))).await,
        403,
        "isms.client.put",
    );
    assert_admin_error(&send(&server, Method::DELETE, "/client/1234", reader, None).await, 403, "isms.client.delete");
    assert_eq!(send(&server, Method::GET, "/client", None, None).await.0, 401);
    assert_eq!(count(&server, "SELECT COUNT(*) FROM clients WHERE client_id = 'x5'").await, 0);
    // Another tenant's client is a 404 here, and there is its own.
    let acme = acme(&server).await;
    acme.create_client(&bearer, json!({ "clientId": "acme-app", "requireClientSecret": false })).await;
    assert_admin_error(&send(&server, Method::GET, "/client/acme-app", admin, None).await, 404, "acme-app");
    assert_admin_error(&send(&server, Method::DELETE, "/client/acme-app", admin, None).await, 404, "acme-app");
    assert_eq!(acme.get("/client/acme-app", admin).await.0, 200);
    // Delete answers the clientId; the client is gone.
    let (status, deleted) = send(&server, Method::DELETE, "/client/1234", admin, None).await;
    assert_eq!((status, &deleted["data"]), (200, &json!("1234")), "{deleted}");
    assert_eq!(send(&server, Method::GET, "/client/1234", admin, None).await.0, 404);
    assert_eq!(count(&server, "SELECT COUNT(*) FROM clients WHERE client_id = '1234'").await, 0);

    // The same through the SDK.
    let sdk = server.admin().await;
    let body: keyward_sdk::types::ClientCreate =
        serde_json::from_value(json!({ "clientId": "sdk-app", "requireClientSecret": false })).unwrap();
    let created = sdk.seed000_client_create().id(CreateLiteral::Create).body(body).send().await.unwrap().into_inner();
    assert_eq!((created.data.client_id.as_str(), created.data.client_secret), ("sdk-app", None));
    let change: keyward_sdk::types::ClientUpdate = serde_json::from_value(json!({ "requireProfile": true })).unwrap();
    let updated = sdk.seed000_client_update().id("sdk-app").body(change).send().await.unwrap().into_inner().data;
    assert!(updated.require_profile);
    assert!(sdk.seed000_client_view().id("sdk-app").send().await.unwrap().into_inner().data.require_profile);
    let listed = sdk.seed000_client_list().q_client_id("sdk-app").send().await.unwrap().into_inner();
    assert_eq!((listed.total, listed.data[0].id), (1, created.data.id));
    assert_eq!(sdk.seed000_client_delete().id("sdk-app").send().await.unwrap().into_inner().data, "sdk-app");
    let gone = sdk.seed000_client_view().id("sdk-app").send().await.unwrap_err();
    assert_eq!(gone.status().map(|s| s.as_u16()), Some(404));
}

async fn seed_users(server: TestServer) {
    let bearer = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let admin = Some(bearer.as_str());
    let (_, made) = send(&server, Method::POST, "/profile/create", admin, Some(json!({ "name": "staff" }))).await;
    let staff = made["data"].as_i64().unwrap();
    // Create at the seed's path, holding a profile.
    let body = json!({ "userName": "ann", "password": PASSWORD, "email": "ann@example.com", "profiles": [staff] });
    let (status, created) = send(&server, Method::POST, "/user/create", admin, Some(body)).await;
    assert_eq!((status, &created["code"]), (200, &json!(200)), "{created}");
    let ann = created["data"].as_i64().unwrap();
    let (status, viewed) = send(&server, Method::GET, &format!("/user/{ann}"), admin, None).await;
    assert_eq!(status, 200, "{viewed}");
    assert_eq!((&viewed["data"]["userName"], &viewed["data"]["profiles"]), (&json!("ann"), &json!([staff])));
    assert!(!viewed.to_string().contains(PASSWORD));
    let (status, listed) = send(&server, Method::GET, "/user?q.name=ann", admin, None).await;
    assert_eq!((status, &listed["total"]), (200, &json!(1)), "{listed}");
    let (_, profiles) = send(&server, Method::GET, "/profile", admin, None).await;
    assert_eq!(profiles["data"][0]["users"], json!([ann]), "{profiles}");

    // Bad input stores nothing.
    let users = count(&server, "SELECT COUNT(*) FROM users").await;
    for (body, status, needle) in [
        (json!({ "password": PASSWORD }), 400, "userName"),
        (json!({ "userName": "bob", "password": 12345678 }), 400, "string"),
        (json!({ "userName": "bob", "profiles": "staff" }), 400, "sequence"),
        (json!({ "userName": "bob", "password": PASSWORD, "profiles": [999_999] }), 422, "999999"),
        (json!({ "userName": "bob", "password": PASSWORD, "profiles": [staff, staff] }), 422, "twice"),
        (json!({ "userName": "bob", "password": "short" }), 422, "password"),
        (json!({ "userName": "ANN", "password": PASSWORD }), 409, "ANN"),
    ] {
        let answer = send(&server, Method::POST, "/user/create", admin, Some(body)).await;
        assert_admin_error(&answer, status, needle);
    }
    assert_eq!(count(&server, "SELECT COUNT(*) FROM users").await, users);
    assert_eq!(count(&server, "SELECT COUNT(*) FROM user_access_profiles").await, 1);
    // The seed's 24-hex ids are not Keyward's: a precise 400; unknown ids are 404.
    for method in [Method::GET, Method::DELETE] {
        let (status, body) = send(&server, method.clone(), "/user/666d89a9f27ed7366cff4ed3", admin, None).await;
        assert_eq!(status, 400, "{body}");
        assert_admin_error(
            &send(&server, method, "/user/999999", admin, None).await,
            404,
            "user 999999 does not exist",
        );
    }
    // Permissions.
    let reader = limited_token(&server, &["isms.user.get"]).await;
    let reader = Some(reader.as_str());
    assert_eq!(send(&server, Method::GET, "/user", reader, None).await.0, 200);
    assert_admin_error(
        &send(&server, Method::GET, &format!("/user/{ann}"), reader, None).await,
        403,
        "isms.user.detail",
    );
    let denied = send(&server, Method::POST, "/user/create", reader, Some(json!({ "userName": "eve" }))).await;
    assert_admin_error(&denied, 403, "isms.user.post");
    assert_admin_error(
        &send(&server, Method::DELETE, &format!("/user/{ann}"), reader, None).await,
        403,
        "isms.user.delete",
    );
    assert_eq!(count(&server, "SELECT COUNT(*) FROM users WHERE username = 'eve'").await, 0);
    // Another tenant's user is a 404 here.
    let acme = acme(&server).await;
    let (status, made) = acme
        .send(acme.request(Method::POST, "/user/create").bearer_auth(&bearer).json(&json!({ "userName": "bob" })))
        .await;
    assert_eq!(status, 200, "{made}");
    let bob = made["data"].as_i64().unwrap();
    assert_eq!(send(&server, Method::GET, &format!("/user/{bob}"), admin, None).await.0, 404);
    assert_eq!(send(&server, Method::DELETE, &format!("/user/{bob}"), admin, None).await.0, 404);
    assert_eq!(acme.get(&format!("/user/{bob}"), admin).await.0, 200);
    // Delete: the user and their profile links are gone.
    let (status, deleted) = send(&server, Method::DELETE, &format!("/user/{ann}"), admin, None).await;
    assert_eq!((status, &deleted["data"]), (200, &json!(ann)), "{deleted}");
    assert_eq!(send(&server, Method::GET, &format!("/user/{ann}"), admin, None).await.0, 404);
    assert_eq!(count(&server, "SELECT COUNT(*) FROM user_access_profiles").await, 0);

    // The same through the SDK.
    let sdk = server.admin().await;
    let body: keyward_sdk::types::UserCreate =
        serde_json::from_value(json!({ "userName": "cid", "password": PASSWORD, "profiles": [staff] })).unwrap();
    let cid = sdk.seed000_user_create().id(CreateLiteral::Create).body(body).send().await.unwrap().into_inner().data;
    assert_eq!(sdk.seed000_user_view().id(cid).send().await.unwrap().into_inner().data.profiles, [staff]);
    let listed = sdk.seed000_user_list().q_name("cid").send().await.unwrap().into_inner();
    assert_eq!((listed.total, listed.data[0].id), (1, cid));
    assert_eq!(sdk.seed000_user_delete().id(cid).send().await.unwrap().into_inner().data, cid);
    let gone = sdk.seed000_user_view().id(cid).send().await.unwrap_err();
    assert_eq!(gone.status().map(|s| s.as_u16()), Some(404));
}

async fn seed_profiles(server: TestServer) {
    let bearer = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let admin = Some(bearer.as_str());
    flow::web_app(&server, json!({})).await;
    create_app(&server, "shop", json!({})).await;
    let ann = flow::create_user(&server, "ann").await;
    let bob = flow::create_user(&server, "bob").await;
    // Create with clients and users.
    let body = json!({ "name": "Staff", "description": "people at work", "clients": ["web"], "users": [ann] });
    let (status, created) = send(&server, Method::POST, "/profile/create", admin, Some(body)).await;
    assert_eq!((status, &created["code"]), (200, &json!(200)), "{created}");
    let staff = created["data"].as_i64().unwrap();
    let (status, listed) = send(&server, Method::GET, "/profile?q.name=sta", admin, None).await;
    assert_eq!((status, &listed["total"]), (200, &json!(1)), "{listed}");
    let row = &listed["data"][0];
    assert_eq!((&row["name"], &row["clients"], &row["users"]), (&json!("Staff"), &json!(["web"]), &json!([ann])));
    // updateClientToProfileById: the sets given replace the stored ones.
    let path = format!("/profile/{staff}");
    let (status, updated) =
        send(&server, Method::PUT, &path, admin, Some(json!({ "clients": ["web", "shop"], "users": [ann, bob] })))
            .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!((&updated["data"]["clients"], &updated["data"]["users"]), (&json!(["shop", "web"]), &json!([ann, bob])));
    let (_, bob_view) = send(&server, Method::GET, &format!("/user/{bob}"), admin, None).await;
    assert_eq!(bob_view["data"]["profiles"], json!([staff]));

    // Bad input changes nothing.
    let profiles = count(&server, "SELECT COUNT(*) FROM access_profiles").await;
    let links =
        "SELECT (SELECT COUNT(*) FROM access_profile_clients) * 100 + (SELECT COUNT(*) FROM user_access_profiles)";
    let linked = count(&server, links).await;
    for (body, status, needle) in [
        (json!({ "clients": ["web"] }), 400, "name"),
        (json!({ "name": "Ops", "clients": "web" }), 400, "sequence"),
        (json!({ "name": "Ops", "users": ["ann"] }), 400, "i64"),
        (json!({ "name": "" }), 422, "name"),
        (json!({ "name": "Ops", "clients": ["nope"] }), 422, "nope"),
        (json!({ "name": "Ops", "users": [999_999] }), 422, "999999"),
        (json!({ "name": "Ops\u{0}" }), 422, "control characters"),
        (json!({ "name": "Ops", "clients": ["we\u{0}b"] }), 422, "not a clientId"),
        (json!({ "name": "STAFF" }), 409, "STAFF"),
    ] {
        let answer = send(&server, Method::POST, "/profile/create", admin, Some(body)).await;
        assert_admin_error(&answer, status, needle);
    }
    for (body, status, needle) in [
        (json!({ "clients": ["web", "nope"] }), 422, "nope"),
        (json!({ "users": [ann, 999_999] }), 422, "999999"),
        (json!({ "clients": ["web", "web"] }), 422, "twice"),
        (json!({ "clients": 7 }), 400, "sequence"),
        (json!({ "owner": "me" }), 400, "owner"),
    ] {
        assert_admin_error(&send(&server, Method::PUT, &path, admin, Some(body)).await, status, needle);
    }
    assert_eq!(count(&server, "SELECT COUNT(*) FROM access_profiles").await, profiles);
    assert_eq!(count(&server, links).await, linked);
    assert_admin_error(&send(&server, Method::PUT, "/profile/999999", admin, Some(json!({}))).await, 404, "999999");
    assert_admin_error(&send(&server, Method::DELETE, "/profile/999999", admin, None).await, 404, "999999");
    assert_eq!(send(&server, Method::DELETE, "/profile/666d8b00d0e57a41686747b6", admin, None).await.0, 400);
    // Permissions: isms.profile.get lists, nothing more.
    let reader = limited_token(&server, &["isms.profile.get"]).await;
    let reader = Some(reader.as_str());
    assert_eq!(send(&server, Method::GET, "/profile", reader, None).await.0, 200);
    let denied = send(&server, Method::POST, "/profile/create", reader, Some(json!({ "name": "Ops" }))).await;
    assert_admin_error(&denied, 403, "isms.profile.post");
    assert_admin_error(
        &send(&server, Method::PUT, &path, reader, Some(json!({ "users": [] }))).await,
        403,
        "isms.profile.put",
    );
    assert_admin_error(&send(&server, Method::DELETE, &path, reader, None).await, 403, "isms.profile.delete");
    assert_eq!(count(&server, links).await, linked);
    // Another tenant's profile is a 404 here.
    let acme = acme(&server).await;
    let request = acme.request(Method::POST, "/profile/create").bearer_auth(&bearer).json(&json!({ "name": "Staff" }));
    let (status, made) = acme.send(request).await;
    assert_eq!(status, 200, "the name is free in another tenant: {made}");
    let theirs = format!("/profile/{}", made["data"].as_i64().unwrap());
    assert_eq!(send(&server, Method::PUT, &theirs, admin, Some(json!({ "users": [ann] }))).await.0, 404);
    assert_eq!(send(&server, Method::DELETE, &theirs, admin, None).await.0, 404);
    // Deleting a client or user drops its links; deleting the profile drops the rest.
    assert_eq!(send(&server, Method::DELETE, "/client/shop", admin, None).await.0, 200);
    assert_eq!(send(&server, Method::DELETE, &format!("/user/{bob}"), admin, None).await.0, 200);
    let (_, now) = send(&server, Method::GET, "/profile?q.name=staff", admin, None).await;
    assert_eq!((&now["data"][0]["clients"], &now["data"][0]["users"]), (&json!(["web"]), &json!([ann])), "{now}");
    let (status, deleted) = send(&server, Method::DELETE, &path, admin, None).await;
    assert_eq!((status, &deleted["data"]), (200, &json!(staff)));
    assert_eq!(count(&server, links).await, 0);

    // The same through the SDK.
    let sdk = server.admin().await;
    let body: keyward_sdk::types::AccessProfileCreate =
        serde_json::from_value(json!({ "name": "Ops", "clients": ["web"] })).unwrap();
    let ops = sdk.access_profile_create().id(CreateLiteral::Create).body(body).send().await.unwrap().into_inner().data;
    let change: keyward_sdk::types::AccessProfileUpdate = serde_json::from_value(json!({ "users": [ann] })).unwrap();
    let updated = sdk.access_profile_update().id(ops).body(change).send().await.unwrap().into_inner().data;
    assert_eq!((updated.clients, updated.users), (vec!["web".to_string()], vec![ann]));
    let listed = sdk.access_profile_list().q_name("ops").send().await.unwrap().into_inner();
    assert_eq!((listed.total, listed.data[0].id), (1, ops));
    assert_eq!(sdk.access_profile_delete().id(ops).send().await.unwrap().into_inner().data, ops);
    let gone = sdk.access_profile_delete().id(ops).send().await.unwrap_err();
    assert_eq!(gone.status().map(|s| s.as_u16()), Some(404));
}

/// The status and JSON body of a request.
async fn response_of(request: reqwest::RequestBuilder) -> (u16, Value) {
    crate::json(request.send().await.unwrap()).await
}

/// A code-flow sign-in of `user` at client `web`: where the browser is sent.
async fn code_flow_location(server: &TestServer, user: &str) -> String {
    let agent = flow::Agent::new(server);
    let (_, challenge) = flow::pkce();
    let mut params = flow::web_request("openid", &challenge).to_vec();
    params.push(("state", "s1"));
    let login = agent.authorize(&params).await;
    agent.sign_in(&login, user, PASSWORD).await.location.expect("redirected back")
}

async fn profiles_are_enforced(server: TestServer) {
    let bearer = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let admin = Some(bearer.as_str());
    let web_secret = flow::web_app(&server, json!({ "requireProfile": true })).await;
    let web = ("web", web_secret.as_str());
    let password_client = json!({ "clientId": "pw", "requireProfile": true, "allowedScopes": [{ "scope": "openid" }],
        "allowedGrantTypes": [{ "grantType": "password" }, { "grantType": "refresh_token" }] });
    let pw_secret = flow::create_app(&server, password_client).await.unwrap();
    let pw = ("pw", pw_secret.as_str());
    let (shop, shop_secret) = create_app(&server, "shop", json!({})).await;
    let (status, _) = send(&server, Method::PUT, "/client/shop", admin, Some(json!({ "requireProfile": true }))).await;
    assert_eq!(status, 200);
    let ann = flow::create_user(&server, "ann").await;
    flow::create_user(&server, "bob").await;
    let body = json!({ "name": "members", "clients": ["web", "pw", "shop"], "users": [ann] });
    let (_, made) = send(&server, Method::POST, "/profile/create", admin, Some(body)).await;
    let members = made["data"].as_i64().unwrap();

    // The code flow: after sign-in, bob is sent back with access_denied and no code.
    let location = code_flow_location(&server, "bob").await;
    assert!(location.starts_with(flow::REDIRECT_URI), "{location}");
    assert_eq!(flow::param(&location, "error").as_deref(), Some("access_denied"), "{location}");
    assert!(flow::param(&location, "error_description").unwrap().contains("access profile"));
    assert_eq!((flow::param(&location, "code"), flow::param(&location, "state").as_deref()), (None, Some("s1")));
    let codes = "SELECT COUNT(*) FROM authorization_codes";
    let codes_before = count(&server, codes).await;
    let (code, verifier) = flow::code_for(&flow::Agent::new(&server), "ann", "openid").await;
    assert_eq!(count(&server, codes).await, codes_before + 1, "only ann's sign-in made a code");
    let (status, tokens) = flow::exchange(&server, web, &code, flow::REDIRECT_URI, &verifier).await;
    assert_eq!(status, 200, "{tokens}");

    // The password grant: invalid_grant for bob, tokens for ann.
    let grant = |user: &'static str| [("grant_type", "password"), ("username", user), ("password", PASSWORD)];
    let (status, refused) = flow::token(&server, Some(pw), &grant("bob")).await;
    assert_eq!((status, refused["error"].as_str()), (400, Some("invalid_grant")), "{refused}");
    assert!(refused["error_description"].as_str().unwrap().contains("access profile"));
    let (status, pw_tokens) = flow::token(&server, Some(pw), &grant("ann")).await;
    assert_eq!(status, 200, "{pw_tokens}");

    // The end-user API: bob is refused, ann signs in; a sign-up is refused and stores no account.
    let refused = post(&server, shop, "SignIn", json!({ "userName": "bob", "pwd": PASSWORD })).await;
    assert_refused(&refused, 403, "access profile");
    token_of(&post(&server, shop, "SignIn", json!({ "userName": "ann", "pwd": PASSWORD })).await);
    let grants = "SELECT COUNT(*) FROM grants";
    let grants_before = count(&server, grants).await;
    let sign_up = post(&server, shop, "SignUp", json!({ "userName": "carl", "pwd": PASSWORD })).await;
    assert_refused(&sign_up, 403, "access profile");
    assert_eq!(count(&server, "SELECT COUNT(*) FROM users WHERE username = 'carl'").await, 0);
    // GrantCode (app-scheme sign-in) makes no code for bob.
    let body = json!({ "grant_type": "account", "scopes": "openid", "redirect_uri": APP_REDIRECT,
        "userName": "bob", "password": PASSWORD, "expireInDays": 1 });
    let grant_path = format!("/api/OAuth/{shop}/GrantCode?scheme=app");
    assert_refused(&send(&server, Method::POST, &grant_path, None, Some(body)).await, 403, "access profile");
    assert_eq!(count(&server, "SELECT COUNT(*) FROM app_codes").await, 0);
    // Seed 004's /mobile/token would make a new account, which holds no profile.
    let phone = "13312341234";
    let sms = server.http().post(format!("{}/mobile/code/get", server.url)).basic_auth("shop", Some(&shop_secret));
    assert_eq!(sms.form(&[("mobile", phone)]).send().await.unwrap().status(), 200);
    let code = server.sinks.code_for(phone).await;
    let mobile = server.http().post(format!("{}/mobile/token", server.url)).basic_auth("shop", Some(&shop_secret));
    let (status, refused) = response_of(mobile.form(&[("mobile", phone), ("code", &code)])).await;
    assert_eq!((status, refused["error"].as_str()), (400, Some("invalid_grant")), "{refused}");
    assert!(refused["error_description"].as_str().unwrap().contains("access profile"), "{refused}");
    assert_eq!(count(&server, &format!("SELECT COUNT(*) FROM users WHERE phone = '{phone}'")).await, 0);
    assert_eq!(count(&server, grants).await, grants_before, "a refusal grants nothing");

    // Ann loses the profile: her next refresh fails, at both clients.
    let (status, _) =
        send(&server, Method::PUT, &format!("/profile/{members}"), admin, Some(json!({ "users": [] }))).await;
    assert_eq!(status, 200);
    for (client, issued) in [(web, &tokens), (pw, &pw_tokens)] {
        let form = [("grant_type", "refresh_token"), ("refresh_token", issued["refresh_token"].as_str().unwrap())];
        let (status, body) = flow::token(&server, Some(client), &form).await;
        assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
    }
    let again = post(&server, shop, "SignIn", json!({ "userName": "ann", "pwd": PASSWORD })).await;
    assert_refused(&again, 403, "access profile");
    let location = code_flow_location(&server, "ann").await;
    assert_eq!(flow::param(&location, "error").as_deref(), Some("access_denied"), "{location}");
    // Given it back through the seed's user update of the profile, and
    // with the requirement lifted from a client, tokens flow again.
    let body = json!({ "users": [ann] });
    assert_eq!(send(&server, Method::PUT, &format!("/profile/{members}"), admin, Some(body)).await.0, 200);
    let form = [("grant_type", "refresh_token"), ("refresh_token", pw_tokens["refresh_token"].as_str().unwrap())];
    assert_eq!(flow::token(&server, Some(pw), &form).await.0, 200, "the refused refresh token was not used up");
    let (status, _) = send(&server, Method::PUT, "/client/pw", admin, Some(json!({ "requireProfile": false }))).await;
    assert_eq!(status, 200);
    assert_eq!(flow::token(&server, Some(pw), &grant("bob")).await.0, 200, "pw no longer requires a profile");
}
