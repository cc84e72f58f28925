//! No caller grants more than it holds. For every
//! permission an operation requires, a client holding only that permission
//! tries every path that mints, grants or widens authority — a token or a
//! secret of a stronger client, scopes for its own or a new client, roles for
//! a user, permissions for a role, an access profile, a stronger user's
//! password — and every one is refused; afterwards nothing it aimed at has
//! changed. The bootstrap admin client is beyond every caller, itself included.

use keyward_api::access::{Access, OPERATIONS};
use keyward_tests::flow::ensure_api_scopes;
use keyward_tests::tenant::At;
use keyward_tests::{ADMIN_ID, ADMIN_SECRET, TestServer, on_both_databases};
use reqwest::Method;
use serde_json::{Value, json};

on_both_databases!(one_permission_never_becomes_more, the_bootstrap_admin_client_is_beyond_the_api);

/// Every permission some operation requires.
fn permissions() -> Vec<&'static str> {
    let mut all: Vec<&str> = OPERATIONS
        .iter()
        .filter_map(|(_, access)| match access {
            Access::Permission(p) | Access::UserOrPermission(p) => Some(*p),
            _ => None,
        })
        .collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// What the attacks aim at, made by the bootstrap admin.
struct Targets {
    bootstrap: i64,
    /// A client allowed every permission.
    vault: i64,
    /// A client allowed the payments API's `payments.admin`.
    payments: i64,
    /// An access profile admitting to `vault`.
    vault_profile: i64,
    root_role: i64,
    plain_role: i64,
    /// A user holding `root_role`.
    boss: i64,
    /// A user holding nothing.
    plain_user: i64,
}

async fn targets(server: &TestServer, at: &At<'_>, admin: &str) -> Targets {
    let id_of = |body: &Value| body["data"].as_i64().or_else(|| body["data"]["id"].as_i64()).expect("an id");
    let (_, listed) = at.get(&format!("/api/Client?clientId={ADMIN_ID}"), Some(admin)).await;
    let bootstrap = listed["data"][0]["id"].as_i64().expect("the bootstrap client is listed");
    at.create_client(
        admin,
        json!({ "clientId": "vault", "allowedGrantTypes": [{ "grantType": "client_credentials" }],
                "allowedScopes": [{ "scope": "isms.all" }] }),
    )
    .await;
    let (_, listed) = at.get("/api/Client?clientId=vault", Some(admin)).await;
    let vault = listed["data"][0]["id"].as_i64().unwrap();
    let role = |name: &str, permissions: Value| {
        at.request(Method::POST, "/api/Role")
            .bearer_auth(admin)
            .json(&json!({ "name": name, "permissions": permissions }))
    };
    let (status, root) = at.send(role("root", json!(["isms.all"]))).await;
    assert_eq!(status, 201, "{root}");
    let (status, plain) = at.send(role("plain", json!([]))).await;
    assert_eq!(status, 201, "{plain}");
    let boss = json!({ "userName": "boss", "password": "boss-password-1", "roles": [{ "roleId": id_of(&root) }] });
    let (status, created) = at.send(at.request(Method::POST, "/api/User").bearer_auth(admin).json(&boss)).await;
    assert_eq!(status, 201, "{created}");
    let plain_user = at.create_user(admin, "nobody", "nobody-password-1").await;
    let (status, profile) = at
        .send(
            at.request(Method::POST, "/profile/create")
                .bearer_auth(admin)
                .json(&json!({ "name": "vault users", "clients": ["vault"] })),
        )
        .await;
    assert_eq!(status, 200, "{profile}");
    ensure_api_scopes(server, &["payments.admin"]).await;
    let api = json!({ "name": "https://payments.example", "scopes": [{ "scope": "payments.admin" }] });
    let (status, created_api) =
        at.send(at.request(Method::POST, "/api/ApiResource").bearer_auth(admin).json(&api)).await;
    assert_eq!(status, 201, "{created_api}");
    at.create_client(
        admin,
        json!({ "clientId": "payments-batch", "allowedGrantTypes": [{ "grantType": "client_credentials" }],
                "allowedScopes": [{ "scope": "payments.admin" }] }),
    )
    .await;
    let (_, listed) = at.get("/api/Client?clientId=payments-batch", Some(admin)).await;
    Targets {
        bootstrap,
        vault,
        payments: listed["data"][0]["id"].as_i64().unwrap(),
        vault_profile: id_of(&profile),
        root_role: id_of(&root),
        plain_role: id_of(&plain),
        boss: id_of(&created),
        plain_user,
    }
}

/// Every way a caller could try to end up with more than it holds.
fn attacks(t: &Targets, own: i64) -> Vec<(Method, String, Value)> {
    let all = json!([{ "scope": "isms.all" }]);
    let root = json!([{ "roleId": t.root_role }]);
    vec![
        (Method::POST, format!("/api/Client/{}/IssueToken", t.bootstrap), json!({})),
        (Method::POST, format!("/api/Client/{}/IssueToken", t.vault), json!({ "scope": "isms.all" })),
        (Method::POST, format!("/api/Client/{}/Secrets", t.bootstrap), json!({})),
        (Method::POST, format!("/api/Client/{}/Secrets", t.vault), json!({})),
        (Method::PUT, format!("/api/Client/{own}"), json!({ "allowedScopes": all })),
        (Method::PUT, "/api/Client".into(), json!({ "id": own, "allowedScopes": all })),
        (Method::PUT, format!("/api/Client/{}", t.vault), json!({ "clientName": "mine now" })),
        (Method::PUT, format!("/client/{ADMIN_ID}"), json!({ "allowedGrantTypes": [] })),
        (Method::DELETE, format!("/api/Client/{}", t.bootstrap), Value::Null),
        (
            Method::POST,
            "/api/Client".into(),
            json!({ "clientId": "escalated", "allowedGrantTypes": [{ "grantType": "client_credentials" }],
                    "allowedScopes": all }),
        ),
        (
            Method::POST,
            "/client/create".into(),
            json!({ "clientId": "escalated", "allowedGrantTypes": [{ "grantType": "client_credentials" }],
                    "allowedScopes": all }),
        ),
        (Method::POST, "/api/Role".into(), json!({ "name": "mine", "permissions": ["isms.all"] })),
        (Method::PUT, format!("/api/Role/{}", t.plain_role), json!({ "permissions": ["isms.all"] })),
        (Method::PUT, "/api/Role".into(), json!({ "id": t.plain_role, "permissions": ["oauthapp.all"] })),
        (Method::PUT, format!("/api/Role/{}", t.root_role), json!({ "name": "renamed" })),
        (Method::POST, "/api/User".into(), json!({ "userName": "mole", "password": "mole-password-1", "roles": root })),
        (
            Method::POST,
            "/user/create".into(),
            json!({ "userName": "mole", "password": "mole-password-1", "roles": root }),
        ),
        (
            Method::POST,
            "/users/save".into(),
            json!({ "username": "mole", "password": "mole-password-1", "roleList": [{ "id": t.root_role }] }),
        ),
        (Method::PUT, format!("/api/User/{}", t.boss), json!({ "password": "taken-over-1" })),
        (Method::PUT, "/api/User".into(), json!({ "id": t.boss, "email": "mole@evil.example" })),
        (Method::POST, "/users/pwd/update".into(), json!({ "userId": t.boss, "newPassword": "taken-over-1" })),
        (Method::POST, "/users/role/update".into(), json!({ "id": t.boss, "roleList": [] })),
        (Method::POST, "/profile/create".into(), json!({ "name": "mine", "clients": ["vault"] })),
        (Method::PUT, format!("/profile/{}", t.vault_profile), json!({ "users": [t.plain_user] })),
        (Method::PUT, format!("/api/User/{}", t.plain_user), json!({ "profiles": [t.vault_profile] })),
        (Method::DELETE, format!("/api/User/{}/Sessions", t.boss), Value::Null),
        (Method::DELETE, format!("/api/User/{}/Grants", t.boss), Value::Null),
        (Method::PUT, format!("/api/Client/{}/AppSettings", t.bootstrap), json!({ "tokenLifetimeDays": 365 })),
        (Method::PUT, format!("/api/Client/{}/AppSettings", t.vault), json!({ "userRechargeEnabled": true })),
        // An API scope is authority too: its API trusts the tokens carrying it.
        (Method::PUT, format!("/api/Client/{own}"), json!({ "allowedScopes": [{ "scope": "payments.admin" }] })),
        (Method::POST, format!("/api/Client/{}/IssueToken", t.payments), json!({ "scope": "payments.admin" })),
    ]
}

async fn one_permission_never_becomes_more(server: TestServer) {
    let at = At::new(&server, server.url.trim_start_matches("http://"));
    let admin = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let t = targets(&server, &at, &admin).await;
    let watched = [
        format!("/api/Client/{}", t.bootstrap),
        format!("/api/Client/{}/Secrets", t.bootstrap),
        format!("/api/Client/{}", t.vault),
        format!("/api/Client/{}/Secrets", t.vault),
        format!("/api/Role/{}", t.root_role),
        format!("/api/Role/{}", t.plain_role),
        format!("/api/User/{}", t.boss),
        format!("/api/User/{}", t.plain_user),
        format!("/api/User/{}/Sessions", t.boss),
        format!("/api/Client/{}/AppSettings", t.bootstrap),
        format!("/api/Client/{}/AppSettings", t.vault),
        "/api/Role".into(),
        "/api/User".into(),
        "/profile".into(),
    ];
    let mut before = Vec::new();
    for path in &watched {
        before.push(at.get(path, Some(&admin)).await);
    }

    for (n, permission) in permissions().into_iter().enumerate() {
        let client_id = format!("holder-{n}");
        let secret = at
            .create_client(
                &admin,
                json!({ "clientId": client_id, "allowedGrantTypes": [{ "grantType": "client_credentials" }],
                        "allowedScopes": [{ "scope": permission }] }),
            )
            .await;
        let (_, listed) = at.get(&format!("/api/Client?clientId={client_id}"), Some(&admin)).await;
        let own = listed["data"][0]["id"].as_i64().unwrap();
        let token = server.token(&client_id, &secret, None).await;
        for (method, path, body) in attacks(&t, own) {
            let (status, answer) = call(&at, &token, &method, &path, &body).await;
            assert_eq!(status, 403, "holding only {permission}, {method} {path} {body} answered {answer}");
        }
        // What it does hold, it may still pass on: a token of its own scope.
        if permission == "isms.client.issuetoken" {
            let (status, issued) = at
                .send(
                    at.request(Method::POST, &format!("/api/Client/{own}/IssueToken"))
                        .bearer_auth(&token)
                        .json(&json!({ "scope": permission })),
                )
                .await;
            assert_eq!((status, issued["data"]["scope"].as_str()), (200, Some(permission)), "{issued}");
        }
    }

    for (path, was) in watched.iter().zip(before) {
        assert_eq!(at.get(path, Some(&admin)).await, was, "{path} changed");
    }
}

async fn the_bootstrap_admin_client_is_beyond_the_api(server: TestServer) {
    let at = At::new(&server, server.url.trim_start_matches("http://"));
    let admin = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let (_, listed) = at.get(&format!("/api/Client?clientId={ADMIN_ID}"), Some(&admin)).await;
    let bootstrap = listed["data"][0]["id"].as_i64().unwrap();
    // Even with every permission, the API does not change it…
    for (method, path, body) in [
        (Method::POST, format!("/api/Client/{bootstrap}/Secrets"), json!({})),
        (Method::POST, format!("/api/Client/{bootstrap}/IssueToken"), json!({})),
        (Method::PUT, format!("/api/Client/{bootstrap}"), json!({ "clientName": "changed" })),
        (Method::DELETE, format!("/api/Client/{bootstrap}"), Value::Null),
        (Method::DELETE, format!("/api/Client/{bootstrap}/Secrets/1"), Value::Null),
    ] {
        let (status, answer) = call(&at, &admin, &method, &path, &body).await;
        assert_eq!(status, 403, "{method} {path}: {answer}");
        assert!(answer["message"].as_str().unwrap().contains("bootstrap admin client"), "{answer}");
    }
    // …and a restart still ensures it, with its one configured secret.
    let server = server.restart().await;
    let at = At::new(&server, server.url.trim_start_matches("http://"));
    let admin = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let (status, secrets) = at.get(&format!("/api/Client/{bootstrap}/Secrets"), Some(&admin)).await;
    assert_eq!((status, secrets["data"].as_array().map(Vec::len)), (200, Some(1)), "{secrets}");
}

/// The status and body of `method path` with `token`, and `body` as JSON
/// unless it is null.
async fn call(at: &At<'_>, token: &str, method: &Method, path: &str, body: &Value) -> (u16, Value) {
    let mut request = at.request(method.clone(), path).bearer_auth(token);
    if !body.is_null() {
        request = request.json(body);
    }
    at.send(request).await
}
