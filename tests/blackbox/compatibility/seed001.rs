//! Seed 001's remaining operations on existing resources: the
//! public tenant profile, the error-code tables, user existence by HEAD, the
//! team list (referrers and their downline), through raw HTTP with the
//! seed's paths and field names and through the SDK.

use keyward_tests::end_user::{create_app, post, send, sql, token_of};
use keyward_tests::flow::{self, PASSWORD};
use keyward_tests::tenant::At;
use keyward_tests::{ADMIN_ID, ADMIN_SECRET, TestServer, on_both_databases};
use reqwest::Method;
use serde_json::{Value, json};

on_both_databases!(
    public_tenant_profile,
    error_code_tables,
    user_existence_by_head,
    team_of_a_user,
    registration_by_phone_code,
    registration_with_email_code,
    password_reset_by_phone_code
);

/// How many rows `table` holds: what a refused request must leave as it was.
async fn count(server: &TestServer, table: &str) -> String {
    server.db.texts(&format!("SELECT CAST(COUNT(*) AS TEXT) FROM {table}")).await.remove(0)
}

/// A client_credentials token holding only `scope`.
async fn token_with(server: &TestServer, scope: &str) -> String {
    let body = json!({ "clientId": "viewer", "allowedGrantTypes": [{ "grantType": "client_credentials" }],
        "allowedScopes": [{ "scope": "isms.user.get" }] });
    let secret = flow::create_app(server, body).await.unwrap();
    server.token("viewer", &secret, Some(scope)).await
}

/// Creates tenant Acme (host `acme.test`) and returns its id and a handle on it.
async fn acme(server: &TestServer) -> (i64, At<'_>) {
    let body: keyward_sdk::types::TenantCreate = serde_json::from_value(json!({
        "name": "Acme", "theme": "dark", "hosts": [{ "hostName": "acme.test" }],
        "claims": [{ "claimType": "plan", "claimValue": "gold-internal" }],
        "properties": [
            { "key": "Description", "value": "Acme's shop" },
            { "key": "Logo", "value": "https://acme.test/logo.png" },
            { "key": "WebSite", "value": "https://acme.test" },
            { "key": "GitHub:ClientSecret", "value": "hidden-provider-secret" },
            { "key": "UserRegistration", "value": "enabled" }
        ]
    }))
    .unwrap();
    let id = server.admin().await.tenant_create().body(body).send().await.unwrap().into_inner().data;
    (id, At::new(server, &server.url.trim_start_matches("http://").replace("127.0.0.1", "acme.test")))
}

/// Creates a user through raw HTTP with `extra` fields; (status, envelope).
async fn create_raw(server: &TestServer, name: &str, extra: Value) -> (u16, Value) {
    let bearer = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let mut body = json!({ "userName": name, "password": PASSWORD });
    body.as_object_mut().unwrap().extend(extra.as_object().cloned().unwrap_or_default());
    send(server, Method::POST, "/api/User", Some(&bearer), Some(body)).await
}

async fn public_tenant_profile(server: TestServer) {
    let (acme_id, at) = acme(&server).await;
    let path = format!("/api/Tenant/{acme_id}/Public");
    let response = at.request(Method::GET, &path).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["code"], 200);
    let data = &body["data"];
    assert_eq!((data["id"].as_i64(), data["name"].as_str()), (Some(acme_id), Some("Acme")));
    assert_eq!(data["theme"], "dark");
    assert_eq!(data["description"], "Acme's shop");
    assert_eq!(data["logo"], "https://acme.test/logo.png");
    assert_eq!(data["webSite"], "https://acme.test");
    for private in
        ["hidden-provider-secret", "GitHub", "gold-internal", "hosts", "identityServerIssuerUri", "UserRegistration"]
    {
        assert!(!text.contains(private), "the public profile shows {private}: {text}");
    }
    // Only the tenant the Host selects: from another host, tenants cannot be listed by id (raw and SDK).
    let (status, body) = send(&server, Method::GET, &path, None, None).await;
    assert_eq!((status, body["message"].as_str()), (404, Some(format!("tenant {acme_id} does not exist").as_str())));
    let refused = server.sdk().tenant_public_view().id(acme_id).send().await.unwrap_err();
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(404));
    // Without a `Logo`, the `Favicon`; without either, none.
    let update: keyward_sdk::types::TenantUpdate = serde_json::from_value(json!({
        "properties": [{ "key": "favicon", "value": "https://acme.test/favicon.ico" }]
    }))
    .unwrap();
    server.admin().await.tenant_update().id(acme_id).body(update).send().await.unwrap();
    let (status, body) = at.get(&path, None).await;
    assert_eq!((status, body["data"]["logo"].as_str()), (200, Some("https://acme.test/favicon.ico")), "{body}");
    assert_eq!((&body["data"]["description"], &body["data"]["webSite"]), (&Value::Null, &Value::Null), "{body}");
    // Unknown, malformed and disabled tenants.
    let (status, body) = at.get("/api/Tenant/999999/Public", None).await;
    assert_eq!((status, body["message"].as_str()), (404, Some("tenant 999999 does not exist")), "{body}");
    let (status, body) = at.get("/api/Tenant/acme/Public", None).await;
    assert_eq!((status, body["code"].as_i64()), (400, Some(400)), "{body}");
    let disable: keyward_sdk::types::TenantUpdate = serde_json::from_value(json!({ "status": 2 })).unwrap();
    server.admin().await.tenant_update().id(acme_id).body(disable).send().await.unwrap();
    assert_eq!(at.get(&path, None).await.0, 404);
}

async fn error_code_tables(server: TestServer) {
    let (status, body) = send(&server, Method::GET, "/api/Codes/User", None, None).await;
    assert_eq!(status, 200, "{body}");
    let rows = body.as_array().expect("a bare array");
    let first = rows.iter().find(|r| r["code"] == 100001).expect("100001 listed");
    assert_eq!(first["name"], "Register_PhoneNumberExists");
    assert!(first["description"].as_str().unwrap().contains("already registered"));
    for code in [100002, 100003, 100004, 100005, 100006] {
        assert!(rows.iter().any(|r| r["code"] == code), "{code} listed: {body}");
    }
    for row in rows {
        assert_eq!(row.as_object().unwrap().len(), 3, "only code, name and description: {row}");
    }
    let (status, codegen) = send(&server, Method::GET, "/api/Codes/CodeGen", None, None).await;
    let codes: Vec<&Value> = codegen.as_array().unwrap().iter().map(|r| &r["code"]).collect();
    assert_eq!((status, codes), (200, vec![&json!(200001), &json!(200002), &json!(200003), &json!(200004)]));
    for resource in ["Tenant", "Client", "ApiResource", "ApiScope", "IdentityResource", "Role"] {
        let (status, body) = send(&server, Method::GET, &format!("/api/Codes/{resource}"), None, None).await;
        assert_eq!((status, body), (200, json!([])), "{resource}");
    }
    let (status, body) = send(&server, Method::GET, "/api/Codes/Blob", None, None).await;
    assert_eq!((status, body["code"].as_i64()), (400, Some(400)), "{body}");
    assert!(body["message"].as_str().unwrap().contains("unknown variant `Blob`"), "{body}");
    let (status, _) = send(&server, Method::GET, "/api/Codes/user", None, None).await;
    assert_eq!(status, 400, "names are case-sensitive, as paths are");
    // The SDK, anonymous.
    let table = server.sdk().error_code_list().resource(keyward_sdk::types::CodeResource::User).send().await.unwrap();
    let names: Vec<String> = table.into_inner().into_iter().map(|r| r.name).collect();
    assert!(names.contains(&"PhoneNumberVerifyCodeError".to_string()), "{names:?}");
}

/// A HEAD request for `query`; its status and body length.
async fn head(server: &TestServer, host: Option<&str>, query: &str, bearer: Option<&str>) -> (u16, usize) {
    let mut request = server.http().head(format!("{}/api/User{query}", server.url));
    if let Some(host) = host {
        request = request.header("Host", host);
    }
    if let Some(bearer) = bearer {
        request = request.bearer_auth(bearer);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.bytes().await.unwrap().len())
}

async fn user_existence_by_head(server: TestServer) {
    let (status, created) =
        create_raw(&server, "ann", json!({ "email": "ann@example.com", "phoneNumber": "+8613800000001" })).await;
    assert_eq!(status, 201, "{created}");
    let gone = flow::create_user(&server, "gone").await;
    let bearer = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let found = [
        "?userName=ANN",
        "?email=Ann@Example.com",
        "?phoneNumber=%2B8613800000001",
        "?userName=ann&phoneNumber=%2B8613800000001",
    ];
    for query in found {
        assert_eq!(head(&server, None, query, Some(&bearer)).await, (200, 0), "{query}");
    }
    let missing = ["?userName=bob", "?userName=ann&email=other@example.com", "?phoneNumber=8613800000001"];
    for query in missing {
        assert_eq!(head(&server, None, query, Some(&bearer)).await, (404, 0), "{query}");
    }
    for query in ["", "?userName=", "?userName=%20&email="] {
        assert_eq!(head(&server, None, query, Some(&bearer)).await.0, 400, "{query:?}");
    }
    // A deleted user no longer exists.
    server.admin().await.user_delete().id(gone).send().await.unwrap();
    assert_eq!(head(&server, None, "?userName=gone", Some(&bearer)).await.0, 404);
    // Anonymous callers and callers without `isms.user.head` learn nothing.
    assert_eq!(head(&server, None, "?userName=ann", None).await.0, 401);
    let getter = token_with(&server, "isms.user.get").await;
    assert_eq!(head(&server, None, "?userName=ann", Some(&getter)).await.0, 403);
    // Another tenant's users are not this tenant's.
    let (_, acme) = acme(&server).await;
    assert_eq!(head(&server, Some(&acme.host), "?userName=ann", Some(&bearer)).await.0, 404);
    acme.create_user(&bearer, "carl", PASSWORD).await;
    assert_eq!(head(&server, Some(&acme.host), "?userName=carl", Some(&bearer)).await.0, 200);
    assert_eq!(head(&server, None, "?userName=carl", Some(&bearer)).await.0, 404);
    // The SDK: Ok for 200, an error with the status otherwise.
    let admin = server.admin().await;
    assert_eq!(admin.user_exists().email("ann@example.com").send().await.unwrap().status(), 200);
    let refused = admin.user_exists().user_name("nobody").send().await.unwrap_err();
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(404));
    let refused = admin.user_exists().send().await.unwrap_err();
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(400));
    let refused = server.sdk_with(&getter).user_exists().user_name("ann").send().await.unwrap_err();
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(403));
}

/// Creates `name` referred by `parent` through the SDK; its id.
async fn referred(server: &TestServer, name: &str, parent: Option<i64>) -> i64 {
    let body: keyward_sdk::types::UserCreate =
        serde_json::from_value(json!({ "userName": name, "password": PASSWORD, "parentUserID": parent })).unwrap();
    server.admin().await.user_create().body(body).send().await.unwrap().into_inner().data
}

async fn team_of_a_user(server: TestServer) {
    // root → a, b; a → c, e; c → d; e → f; then e is deleted.
    let root = referred(&server, "root", None).await;
    let a = referred(&server, "a", Some(root)).await;
    let b = referred(&server, "b", Some(root)).await;
    let c = referred(&server, "c", Some(a)).await;
    let d = referred(&server, "d", Some(c)).await;
    let e = referred(&server, "e", Some(a)).await;
    let f = referred(&server, "f", Some(e)).await;
    let admin = server.admin().await;
    assert_eq!(admin.user_view().id(c).send().await.unwrap().into_inner().data.parent_user_id, Some(a));
    admin.user_delete().id(e).send().await.unwrap();

    let bearer = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let (status, body) =
        send(&server, Method::GET, &format!("/api/User/{root}/Distributors"), Some(&bearer), None).await;
    assert_eq!(status, 200, "{body}");
    let rows = body["data"].as_array().unwrap();
    let summary: Vec<(i64, i64, i64, i64, &str)> = rows
        .iter()
        .map(|r| {
            let field = |name: &str| r[name].as_i64().unwrap();
            (
                field("id"),
                field("parentUserID"),
                field("lineageLevel"),
                field("members"),
                r["lineage"].as_str().unwrap(),
            )
        })
        .collect();
    let path = |ids: &[i64]| ids.iter().map(|id| format!("/{id}")).collect::<String>() + "/";
    let expected = [
        (a, root, 1, 3, path(&[root, a])),
        (b, root, 1, 0, path(&[root, b])),
        (c, a, 2, 1, path(&[root, a, c])),
        (d, c, 3, 0, path(&[root, a, c, d])),
        (f, e, 3, 0, path(&[root, a, e, f])),
    ];
    let expected: Vec<(i64, i64, i64, i64, &str)> =
        expected.iter().map(|(id, p, l, m, lineage)| (*id, *p, *l, *m, lineage.as_str())).collect();
    assert_eq!(summary, expected, "{body}");
    assert_eq!((rows[0]["userName"].as_str(), rows[0]["sales"].as_i64()), (Some("a"), Some(0)));
    assert!(rows[0]["nickName"].is_string() && rows[0]["avatar"].is_string());
    // `path` narrows the team to a branch.
    let branch = format!("/api/User/{root}/Distributors?path={}", path(&[root, a, c]));
    let (_, body) = send(&server, Method::GET, &branch, Some(&bearer), None).await;
    let ids: Vec<i64> = body["data"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [c, d]);
    // The SDK: a's team, lineages still from the top of the tree.
    let team = admin.user_distributor_list().id(a).send().await.unwrap().into_inner().data;
    let levels: Vec<(i64, i64)> = team.iter().map(|m| (m.id, m.lineage_level)).collect();
    assert_eq!(levels, [(c, 1), (d, 2), (f, 2)]);
    assert_eq!(team[0].lineage, path(&[root, a, c]));
    assert!(admin.user_distributor_list().id(b).send().await.unwrap().into_inner().data.is_empty());

    // A referrer must be a live user of the tenant; nothing is stored otherwise.
    let (_, acme) = acme(&server).await;
    let (status, created) = acme
        .send(acme.request(Method::POST, "/api/User").bearer_auth(&bearer).json(&json!({ "userName": "zed" })))
        .await;
    assert_eq!(status, 201, "{created}");
    let zed = created["data"].as_i64().unwrap();
    let users = count(&server, "users").await;
    for (parent, why) in
        [(json!(999_999), 999_999.to_string()), (json!(zed), zed.to_string()), (json!(e), e.to_string())]
    {
        let (status, body) = create_raw(&server, "x", json!({ "parentUserID": parent })).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["message"], format!("`parentUserID` {why} names no user of this tenant"));
    }
    let (status, body) = create_raw(&server, "x", json!({ "parentUserID": "a" })).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["message"].as_str().unwrap().contains("parentUserID"), "{body}");
    assert_eq!(count(&server, "users").await, users, "nothing stored");
    // Unknown users, other tenants' users, missing permission.
    for id in [999_999, zed, e] {
        let (status, body) =
            send(&server, Method::GET, &format!("/api/User/{id}/Distributors"), Some(&bearer), None).await;
        assert_eq!((status, body["message"].as_str()), (404, Some(format!("user {id} does not exist").as_str())));
    }
    let (status, _) = send(&server, Method::GET, &format!("/api/User/{root}/Distributors"), None, None).await;
    assert_eq!(status, 401);
    let getter = token_with(&server, "isms.user.get").await;
    let refused = server.sdk_with(&getter).user_distributor_list().id(root).send().await.unwrap_err();
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(403));
}

/// POSTs `body` to `/api/UserRegistration/{operation}`, anonymously.
async fn registration(server: &TestServer, operation: &str, body: Value) -> (u16, Value) {
    send(server, Method::POST, &format!("/api/UserRegistration/{operation}"), None, Some(body)).await
}

/// Asserts a refusal under a business code of `GET /api/Codes/User`.
fn assert_business((status, body): &(u16, Value), expected: (u16, u32, &str)) {
    assert_eq!(
        (*status, body["code"].as_u64(), body["codeName"].as_str()),
        (expected.0, Some(expected.1.into()), Some(expected.2)),
        "{body}"
    );
    assert!(body["data"].is_null(), "{body}");
}

/// Lets the next code go to a number at once (the 60 s resend interval passed).
async fn resend_allowed(server: &TestServer) {
    sql(server, "UPDATE send_limits SET last_at = last_at - 61000").await;
}

const PHONE: &str = "+8613900000001";

/// Opens registration in the default tenant (its property `UserRegistration`).
async fn open_registration(server: &TestServer) {
    let admin = server.admin().await;
    let tenants = admin.tenant_list().send().await.unwrap().into_inner().data;
    let default = tenants.iter().find(|t| t.name == "default").expect("the default tenant").id;
    let update: keyward_sdk::types::TenantUpdate =
        serde_json::from_value(json!({ "properties": [{ "key": "UserRegistration", "value": "enabled" }] })).unwrap();
    admin.tenant_update().id(default).body(update).send().await.unwrap();
}

/// Seed 001's e-mail registration code: the address registered verified,
/// a wrong code and a taken address under OAuthApp's codes.
async fn registration_with_email_code(server: TestServer) {
    open_registration(&server).await;
    let email = "dee@example.test";
    let sent = registration(&server, "EmailCode", json!({ "email": "Dee@Example.test" })).await;
    assert_eq!((sent.0, &sent.1["data"]), (200, &json!(true)), "{}", sent.1);
    let email_code = server.sinks.code_for(email).await;
    for (body, status, needle) in [
        (json!({ "email": "nope" }), 422, "email"),
        (json!({ "Email": email }), 400, "Email"),
        (json!({}), 400, "email"),
    ] {
        let (code, answer) = registration(&server, "EmailCode", body.clone()).await;
        assert!(code == status && answer["message"].as_str().unwrap().contains(needle), "{body}: {answer}");
    }
    registration(&server, "SmsCode", json!({ "phoneNumber": PHONE })).await;
    let phone_code = server.sinks.code_for(PHONE).await;
    let users = count(&server, "users").await;
    let body = |email: Option<&str>, email_code: &str| {
        let mut body = json!({ "phoneNumber": PHONE, "phoneNumberVerifyCode": phone_code, "password": PASSWORD,
                               "emailVerifyCode": email_code });
        if let Some(email) = email {
            body["email"] = json!(email);
        }
        body
    };
    let wrong = if email_code == "000000" { "000001" } else { "000000" };
    assert_business(
        &registration(&server, "Register", body(Some(email), wrong)).await,
        (400, 100004, "Register_EmailVerifyCodeError"),
    );
    let (status, answer) = registration(&server, "Register", body(None, &email_code)).await;
    assert!(status == 422 && answer["message"].as_str().unwrap().contains("emailVerifyCode"), "{answer}");
    assert_eq!(count(&server, "users").await, users, "nothing stored");

    let (status, created) = registration(&server, "Register", body(Some("DEE@example.test"), &email_code)).await;
    assert_eq!(status, 201, "{created}");
    let user =
        server.admin().await.user_view().id(created["data"].as_i64().unwrap()).send().await.unwrap().into_inner().data;
    assert_eq!((user.email.as_deref(), user.email_confirmed), (Some(email), true));
    // The code is used up.
    let other = "+8613900000003";
    registration(&server, "SmsCode", json!({ "phoneNumber": other })).await;
    let other_code = server.sinks.code_for(other).await;
    let mut again = body(Some(email), &email_code);
    again["phoneNumber"] = json!(other);
    again["phoneNumberVerifyCode"] = json!(other_code);
    assert_business(
        &registration(&server, "Register", again.clone()).await,
        (400, 100004, "Register_EmailVerifyCodeError"),
    );
    // Proven again, the address is taken: a verified address is one account's.
    resend_allowed(&server).await;
    registration(&server, "EmailCode", json!({ "email": email })).await;
    again["emailVerifyCode"] = json!(server.sinks.code_for(email).await);
    assert_business(&registration(&server, "Register", again.clone()).await, (409, 100003, "Register_EmailExists"));
    // Unproven, it is stored unverified, as before.
    again.as_object_mut().unwrap().remove("emailVerifyCode");
    assert_eq!(registration(&server, "Register", again).await.0, 201);
}

async fn registration_by_phone_code(server: TestServer) {
    let root = referred(&server, "root", None).await;
    // Off until the tenant's admins switch it on: no code is sent, no account made.
    let codes = count(&server, "verification_codes").await;
    let (status, body) = registration(&server, "SmsCode", json!({ "phoneNumber": PHONE })).await;
    assert_eq!(
        (status, body["message"].as_str()),
        (403, Some("registration is not enabled in this tenant (its property `UserRegistration`)")),
        "{body}"
    );
    let body = json!({ "phoneNumber": PHONE, "phoneNumberVerifyCode": "123456", "password": PASSWORD });
    assert_eq!(registration(&server, "Register", body).await.0, 403);
    assert_eq!(count(&server, "verification_codes").await, codes, "nothing stored");
    open_registration(&server).await;
    let sent = registration(&server, "SmsCode", json!({ "phoneNumber": PHONE })).await;
    assert_eq!((sent.0, &sent.1["data"]), (200, &json!(true)), "{}", sent.1);
    let code = server.sinks.code_for(PHONE).await;
    // A second code within 60 s: 429 under OAuthApp's code.
    let again = registration(&server, "SmsCode", json!({ "phoneNumber": PHONE })).await;
    assert_business(&again, (429, 100006, "VerifyPhone_TooManyRequests"));
    assert!(again.1["message"].as_str().unwrap().contains("wait"), "{}", again.1);
    let codes = count(&server, "verification_codes").await;
    let (status, body) = registration(&server, "SmsCode", json!({ "phoneNumber": "call me" })).await;
    assert!(status == 422 && body["message"].as_str().unwrap().contains("phoneNumber"), "{body}");
    let (status, body) = registration(&server, "SmsCode", json!({ "PhoneNumber": PHONE })).await;
    assert!(status == 400 && body["message"].as_str().unwrap().contains("PhoneNumber"), "{body}");
    assert_eq!(count(&server, "verification_codes").await, codes, "nothing stored");

    // Bad input stores nothing and leaves the code usable.
    let users = count(&server, "users").await;
    let good = json!({ "phoneNumber": PHONE, "phoneNumberVerifyCode": code, "password": PASSWORD,
        "nickName": "Dee", "refereeID": root });
    let with = |change: Value| {
        let mut body = good.clone();
        for (key, value) in change.as_object().unwrap() {
            if value.is_null() {
                body.as_object_mut().unwrap().remove(key);
            } else {
                body[key] = value.clone();
            }
        }
        body
    };
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let refused = registration(&server, "Register", with(json!({ "phoneNumberVerifyCode": wrong }))).await;
    assert_business(&refused, (400, 100002, "PhoneNumberVerifyCodeError"));
    // Without the code, nobody learns whether a referrer id exists.
    let probe = with(json!({ "phoneNumberVerifyCode": wrong, "refereeID": 999_999 }));
    assert_business(&registration(&server, "Register", probe).await, (400, 100002, "PhoneNumberVerifyCodeError"));
    let cases = [
        (json!({ "password": null }), 400, "missing field `password`"),
        (json!({ "phoneNumberVerifyCode": 123456 }), 400, "invalid type"),
        (json!({ "gender": 1 }), 400, "unknown field `gender`"),
        (json!({ "refereeID": "root" }), 400, "refereeID"),
        (json!({ "password": "short" }), 422, "password"),
        (json!({ "refereeID": 999_999 }), 422, "`parentUserID` 999999 names no user of this tenant"),
        (json!({ "email": "not-an-address" }), 422, "email"),
    ];
    for (change, expected, needle) in cases {
        let (status, body) = registration(&server, "Register", with(change.clone())).await;
        assert_eq!((status, body["code"].as_u64()), (expected, Some(expected.into())), "{change}: {body}");
        assert!(body["message"].as_str().unwrap().contains(needle), "{change}: {body}");
    }
    assert_eq!(count(&server, "users").await, users, "nothing stored");

    // The registration: the phone verified, the referrer recorded.
    let (status, created) = registration(&server, "Register", good.clone()).await;
    assert_eq!(status, 201, "{created}");
    let id = created["data"].as_i64().unwrap();
    let admin = server.admin().await;
    let user = admin.user_view().id(id).send().await.unwrap().into_inner().data;
    assert_eq!((user.user_name.as_str(), user.phone_number.as_deref()), (PHONE, Some(PHONE)));
    assert!(user.phone_number_confirmed && user.roles.is_empty());
    assert_eq!((user.nick_name.as_str(), user.parent_user_id), ("Dee", Some(root)));
    let team = admin.user_distributor_list().id(root).send().await.unwrap().into_inner().data;
    assert_eq!(team.iter().map(|m| m.id).collect::<Vec<_>>(), [id]);
    // The code is used up; the number is taken (told only to whoever holds a code for it).
    let reused = registration(&server, "Register", with(json!({ "userName": "dee2" }))).await;
    assert_business(&reused, (400, 100002, "PhoneNumberVerifyCodeError"));
    resend_allowed(&server).await;
    registration(&server, "SmsCode", json!({ "phoneNumber": PHONE })).await;
    let code = server.sinks.code_for(PHONE).await;
    let taken = with(json!({ "phoneNumberVerifyCode": code, "userName": "dee2" }));
    assert_business(&registration(&server, "Register", taken).await, (409, 100001, "Register_PhoneNumberExists"));
    assert_eq!(count(&server, "users").await, (users.parse::<i64>().unwrap() + 1).to_string());

    // The SDK: a second number, with its typed business code.
    let sdk = server.sdk();
    let other = "+8613900000002";
    let phone: keyward_sdk::types::UserPhone = serde_json::from_value(json!({ "phoneNumber": other })).unwrap();
    assert!(sdk.user_registration_code_send().body(phone).send().await.unwrap().into_inner().data);
    let code = server.sinks.code_for(other).await;
    let body = |code: &str| -> keyward_sdk::types::UserRegister {
        serde_json::from_value(json!({ "phoneNumber": other, "phoneNumberVerifyCode": code, "password": PASSWORD,
            "userName": "eve" }))
        .unwrap()
    };
    let refused = sdk.user_register().body(body(wrong)).send().await.unwrap_err();
    let keyward_sdk::Error::ErrorResponse(refused) = refused else { panic!("a typed refusal: {refused:?}") };
    assert_eq!(
        (refused.status().as_u16(), refused.code, refused.code_name.as_str()),
        (400, 100002, "PhoneNumberVerifyCodeError")
    );
    let eve = sdk.user_register().body(body(&code)).send().await.unwrap();
    assert_eq!(eve.status(), 201);
    assert_eq!(admin.user_view().id(eve.into_inner().data).send().await.unwrap().into_inner().data.user_name, "eve");

    // Another tenant: its own users, and a code sent here is no code there.
    let (acme_tenant, acme) = acme(&server).await;
    let third = "+8613900000003";
    registration(&server, "SmsCode", json!({ "phoneNumber": third })).await;
    let code = server.sinks.code_for(third).await;
    let body = json!({ "phoneNumber": third, "phoneNumberVerifyCode": code, "password": PASSWORD });
    let (status, refused) = acme.send(acme.request(Method::POST, "/api/UserRegistration/Register").json(&body)).await;
    assert_eq!((status, refused["code"].as_u64()), (400, Some(100002)), "{refused}");
    resend_allowed(&server).await;
    let sent = acme
        .send(acme.request(Method::POST, "/api/UserRegistration/SmsCode").json(&json!({ "phoneNumber": third })))
        .await;
    assert_eq!(sent.0, 200, "{}", sent.1);
    let body = json!({ "phoneNumber": third, "phoneNumberVerifyCode": server.sinks.code_for(third).await, "password": PASSWORD });
    let (status, created) = acme.send(acme.request(Method::POST, "/api/UserRegistration/Register").json(&body)).await;
    assert_eq!(status, 201, "{created}");
    let bearer = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let acme_user = created["data"].as_i64().unwrap();
    assert_eq!(acme.get(&format!("/api/User/{acme_user}"), Some(&bearer)).await.0, 200);
    assert_eq!(send(&server, Method::GET, &format!("/api/User/{acme_user}"), Some(&bearer), None).await.0, 404);
    // A disabled tenant takes no registrations and sends no codes.
    let disable: keyward_sdk::types::TenantUpdate = serde_json::from_value(json!({ "status": 2 })).unwrap();
    admin.tenant_update().id(acme_tenant).body(disable).send().await.unwrap();
    let codes = count(&server, "verification_codes").await;
    let request =
        acme.request(Method::POST, "/api/UserRegistration/SmsCode").json(&json!({ "phoneNumber": "+8613900000004" }));
    let (status, refused) = acme.send(request).await;
    assert_eq!((status, refused["message"].as_str()), (403, Some("this tenant is disabled")), "{refused}");
    assert_eq!(count(&server, "verification_codes").await, codes, "nothing stored");
}

async fn password_reset_by_phone_code(server: TestServer) {
    open_registration(&server).await;
    let (status, created) =
        create_raw(&server, "dee", json!({ "phoneNumber": PHONE, "phoneNumberConfirmed": true })).await;
    assert_eq!(status, 201, "{created}");
    let (app, _) = create_app(&server, "shop", json!({})).await;
    let sent = registration(&server, "ResetPasswordSmsCode", json!({ "phoneNumber": PHONE })).await;
    assert_eq!((sent.0, &sent.1["data"]), (200, &json!(true)), "{}", sent.1);
    let code = server.sinks.code_for(PHONE).await;
    let new_password = "a brand new password";
    let good = json!({ "phoneNumber": PHONE, "phoneNumberVerifyCode": code, "password": new_password });
    // Bad input changes nothing.
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let mut bad = good.clone();
    bad["phoneNumberVerifyCode"] = json!(wrong);
    assert_business(&registration(&server, "ResetPassword", bad).await, (400, 100002, "PhoneNumberVerifyCodeError"));
    for (body, expected, needle) in [
        (json!({ "phoneNumber": PHONE, "phoneNumberVerifyCode": code }), 400, "missing field `password`"),
        (json!({ "phoneNumber": PHONE, "phoneNumberVerifyCode": code, "password": "short" }), 422, "password"),
        (
            json!({ "phoneNumber": 8613900000001_i64, "phoneNumberVerifyCode": code, "password": new_password }),
            400,
            "invalid type",
        ),
    ] {
        let (status, refused) = registration(&server, "ResetPassword", body).await;
        assert!(status == expected && refused["message"].as_str().unwrap().contains(needle), "{refused}");
    }
    // A registration code does not reset a password.
    resend_allowed(&server).await;
    registration(&server, "SmsCode", json!({ "phoneNumber": PHONE })).await;
    let signup_code = server.sinks.code_for(PHONE).await;
    let mut other_purpose = good.clone();
    other_purpose["phoneNumberVerifyCode"] = json!(signup_code);
    assert_business(
        &registration(&server, "ResetPassword", other_purpose).await,
        (400, 100002, "PhoneNumberVerifyCodeError"),
    );
    let signed_in = post(&server, app, "SignIn", json!({ "userName": PHONE, "pwd": PASSWORD })).await;

    // The reset: the new password works, the old one and the old tokens do not.
    let old_token = token_of(&signed_in);
    let (status, body) = registration(&server, "ResetPassword", good.clone()).await;
    assert_eq!((status, &body["data"]), (200, &json!(true)), "{body}");
    token_of(&post(&server, app, "SignIn", json!({ "userName": PHONE, "pwd": new_password })).await);
    assert_eq!(post(&server, app, "SignIn", json!({ "userName": PHONE, "pwd": PASSWORD })).await.0, 401);
    let profile = format!("/api/AppUsers/{app}/Profile");
    assert_eq!(send(&server, Method::GET, &profile, Some(&old_token), None).await.0, 401);
    // The code is used up; a number without an account answers the same.
    assert_business(&registration(&server, "ResetPassword", good).await, (400, 100002, "PhoneNumberVerifyCodeError"));
    let nobody = "+8613900000009";
    let phone: keyward_sdk::types::UserPhone = serde_json::from_value(json!({ "phoneNumber": nobody })).unwrap();
    assert!(server.sdk().user_password_code_send().body(phone).send().await.unwrap().into_inner().data);
    let reset: keyward_sdk::types::UserPasswordReset = serde_json::from_value(json!({ "phoneNumber": nobody,
        "phoneNumberVerifyCode": server.sinks.code_for(nobody).await, "password": new_password }))
    .unwrap();
    let refused = server.sdk().user_password_reset().body(reset).send().await.unwrap_err();
    let keyward_sdk::Error::ErrorResponse(refused) = refused else { panic!("a typed refusal: {refused:?}") };
    assert_eq!((refused.status().as_u16(), refused.code), (400, 100002));
}
