//! The authorization matrix, after omicron's
//! `unauthorized.rs`: every operation of the served document is called as
//! each kind of caller that should not get through — anonymous, a plain
//! user, a user of another tenant, another tenant's admin naming this
//! tenant's objects, a client holding one unrelated permission — and the
//! answer must be the one the operation table (`keyward_api::access`)
//! implies. Operations are taken from the table, so a new one is in the
//! matrix the day it is added; one missing from the table fails here.
//!
//! Requests carry the smallest body and query the document's schemas allow,
//! so that what answers is the authorization check, not the parser.

use keyward_api::access::{Access, OPERATIONS, UNPUBLISHED, access};
use keyward_tests::tenant::{At, acme};
use keyward_tests::{ADMIN_ID, ADMIN_SECRET, TestServer, on_both_databases};
use reqwest::Method;
use serde_json::{Map, Value, json};

on_both_databases!(every_operation_refuses_who_it_should);

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Anonymous,
    PlainUser,
    OtherTenantUser,
    OtherTenantAdmin,
    UnrelatedPermission,
}

/// What the answer must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// 401.
    Unauthenticated,
    /// 403.
    Forbidden,
    /// 401, 403 or 404: not let through, however it is said.
    Refused,
    /// Not a success (a client operation answers a bearer token or nothing
    /// with 400 or 401, as RFC 6749 §5.2 allows).
    NotSuccess,
    /// Let through: the answer is the operation's own, never 401 or 403.
    Reached,
    /// Anything but a server error.
    Answered,
}

/// The expected answer, from the operation's access rule alone.
fn expect(rule: Access, caller: Caller, names_object: bool) -> Option<Expect> {
    use Access as A;
    use Caller as C;
    Some(match (rule, caller) {
        (A::Public | A::Health | A::Metrics, C::OtherTenantAdmin) => return None,
        (A::Public | A::Health | A::Metrics, _) => Expect::Answered,
        (A::Client, C::OtherTenantAdmin) => return None,
        (A::Client, _) => Expect::NotSuccess,
        // Another tenant's admin acts on its own tenant; naming this
        // tenant's objects it must never succeed (an operation may check the
        // body's fields before it looks the object up, so 422 is an answer
        // too; `tenancy` and `issuers` test the same with valid bodies).
        (_, C::OtherTenantAdmin) if names_object => Expect::NotSuccess,
        (_, C::OtherTenantAdmin) => return None,
        (_, C::Anonymous | C::OtherTenantUser) => Expect::Unauthenticated,
        (A::Permission(_), C::PlainUser | C::UnrelatedPermission) => Expect::Forbidden,
        (A::UserOrPermission(_), C::UnrelatedPermission) => Expect::Forbidden,
        // The user the matrix names (id 1) is not the plain user.
        (A::UserOrPermission(_), C::PlainUser) => Expect::Forbidden,
        (A::User, C::UnrelatedPermission) => Expect::Forbidden,
        (A::User | A::Scope(_), C::PlainUser) => Expect::Reached,
        (A::Scope(_), C::UnrelatedPermission) => Expect::Refused,
        // The `{appId}` the matrix names is the bootstrap admin client, not
        // the app that issued the user's token.
        (A::AppUser | A::AppServer, C::PlainUser | C::UnrelatedPermission) => Expect::Refused,
    })
}

fn holds(expect: Expect, status: u16) -> bool {
    match expect {
        Expect::Unauthenticated => status == 401,
        Expect::Forbidden => status == 403,
        Expect::Refused => matches!(status, 401 | 403 | 404),
        Expect::NotSuccess => !(200..400).contains(&status) && status < 500,
        Expect::Reached => !matches!(status, 401 | 403) && status < 500,
        Expect::Answered => status < 500,
    }
}

/// One operation of the served document.
struct Operation {
    id: String,
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    body: Option<(String, Vec<u8>)>,
    /// Whether the path names an object by id (not a literal such as seed
    /// 000's `create`).
    names_object: bool,
}

/// The operations of the document, each with the smallest valid request.
fn operations(doc: &Value) -> Vec<Operation> {
    let mut all = Vec::new();
    for (template, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap().to_string();
            let mut path = template.clone();
            let mut query = Vec::new();
            let mut names_object = false;
            for param in op["parameters"].as_array().into_iter().flatten() {
                let name = param["name"].as_str().unwrap();
                let value = scalar(doc, &param["schema"], name);
                match param["in"].as_str() {
                    Some("path") => {
                        names_object |= resolve(doc, &param["schema"])["enum"].is_null();
                        path = path.replace(&format!("{{{name}}}"), &value);
                    }
                    Some("query") if param["required"] == true => query.push((name.to_string(), value)),
                    _ => {}
                }
            }
            let body = op["requestBody"]["content"].as_object().and_then(|content| {
                let (kind, media) = content.iter().next()?;
                let bytes = match kind.as_str() {
                    "application/json" => serde_json::to_vec(&sample(doc, &media["schema"], 0)).unwrap(),
                    _ => Vec::new(),
                };
                Some((kind.clone(), bytes))
            });
            let method = method.to_uppercase().parse().unwrap();
            all.push(Operation { id, method, path, query, body, names_object });
        }
    }
    all
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.trim_start_matches("#/components/schemas/");
            resolve(doc, &doc["components"]["schemas"][name])
        }
        None => match schema["allOf"].as_array() {
            Some(parts) if parts.len() == 1 => resolve(doc, &parts[0]),
            _ => schema,
        },
    }
}

/// A path or query value: ids are 1 (the first object of each kind, made in
/// this tenant before any other), a seed 000 `clientId` the bootstrap
/// client's.
fn scalar(doc: &Value, schema: &Value, name: &str) -> String {
    let schema = resolve(doc, schema);
    if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
        return first.as_str().map_or_else(|| first.to_string(), str::to_string);
    }
    match schema["type"].as_str() {
        Some("integer" | "number") => "1".into(),
        Some("boolean") => "false".into(),
        _ if name == "id" => ADMIN_ID.into(),
        _ => "1".into(),
    }
}

/// The smallest value `schema` accepts: required properties only.
fn sample(doc: &Value, schema: &Value, depth: usize) -> Value {
    let schema = resolve(doc, schema);
    if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
        return first.clone();
    }
    if let Some(first) = schema["oneOf"].as_array().or(schema["anyOf"].as_array()).and_then(|v| v.first()) {
        return sample(doc, first, depth + 1);
    }
    match schema["type"].as_str() {
        Some("object") | None if depth < 8 => {
            let mut object = Map::new();
            for name in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                object.insert(name.into(), sample(doc, &schema["properties"][name], depth + 1));
            }
            Value::Object(object)
        }
        Some("array") => json!([]),
        Some("integer" | "number") => json!(1),
        Some("boolean") => json!(false),
        Some("string") => match schema["format"].as_str() {
            Some("date-time") => json!("2026-01-01T00:00:00Z"),
            Some("uuid") => json!("00000000-0000-0000-0000-000000000001"),
            _ => json!("x"),
        },
        _ => json!({}),
    }
}

/// Objects of every kind the matrix names by id 1, made in the default
/// tenant before the other tenant exists.
async fn first_objects(at: &At<'_>, admin: &str) {
    for (path, body) in [
        ("/api/Role", json!({ "name": "first", "permissions": [] })),
        ("/api/User", json!({ "userName": "first", "password": "first-password-1" })),
        ("/api/ApiResource", json!({ "name": "https://first.example", "displayName": "first" })),
        ("/profile/create", json!({ "name": "first" })),
    ] {
        let (status, created) = at.send(at.request(Method::POST, path).bearer_auth(admin).json(&body)).await;
        assert!(status == 200 || status == 201, "{path}: {created}");
    }
}

/// A password-grant user token of a new user of the tenant `at`.
async fn user_token(at: &At<'_>, admin: &str) -> String {
    let secret = at
        .create_client(
            admin,
            json!({ "clientId": "matrix-app", "allowedGrantTypes": [{ "grantType": "password" }],
                    "allowedScopes": [{ "scope": "openid" }, { "scope": "profile" }] }),
        )
        .await;
    at.create_user(admin, "plain", "plain-password-1").await;
    let form =
        [("grant_type", "password"), ("username", "plain"), ("password", "plain-password-1"), ("scope", "openid")];
    let (status, token) = at.form("/oauth/token", ("matrix-app", &secret), &form).await;
    assert_eq!(status, 200, "{token}");
    token["access_token"].as_str().unwrap().to_string()
}

/// A client_credentials token of a new client of the tenant `at` holding `scopes`.
async fn client_token(at: &At<'_>, admin: &str, client_id: &str, scopes: &[&str]) -> String {
    let allowed: Vec<Value> = scopes.iter().map(|s| json!({ "scope": s })).collect();
    let secret = at
        .create_client(
            admin,
            json!({ "clientId": client_id, "allowedGrantTypes": [{ "grantType": "client_credentials" }],
                    "allowedScopes": allowed }),
        )
        .await;
    let (status, token) = at.form("/oauth/token", (client_id, &secret), &[("grant_type", "client_credentials")]).await;
    assert_eq!(status, 200, "{token}");
    token["access_token"].as_str().unwrap().to_string()
}

async fn every_operation_refuses_who_it_should(server: TestServer) {
    let home = At::new(&server, server.url.trim_start_matches("http://"));
    let admin = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    first_objects(&home, &admin).await;
    let plain_user = user_token(&home, &admin).await;
    let unrelated = client_token(&home, &admin, "unrelated", &["isms.profile.get"]).await;
    let unrelated_other = client_token(&home, &admin, "unrelated-other", &["isms.blob.image"]).await;
    let other = acme(&server).await;
    let other_user = user_token(&other, &admin).await;
    let other_admin = client_token(&other, &admin, "acme-admin", &["isms.all", "oauthapp.all"]).await;

    let (status, doc) = home.get("/openapi.json", None).await;
    assert_eq!(status, 200);
    let operations = operations(&doc);

    // The table and the document name the same operations.
    for op in &operations {
        assert!(access(&op.id).is_some(), "{} is served but has no access rule in keyward_api::access", op.id);
    }
    for (id, _) in OPERATIONS.iter().filter(|(id, _)| !UNPUBLISHED.contains(id)) {
        assert!(operations.iter().any(|op| op.id == *id), "{id} has an access rule but is not in the document");
    }

    let mut failures = Vec::new();
    for op in &operations {
        let rule = access(&op.id).unwrap();
        for caller in [
            Caller::Anonymous,
            Caller::PlainUser,
            Caller::OtherTenantUser,
            Caller::UnrelatedPermission,
            Caller::OtherTenantAdmin,
        ] {
            let Some(expected) = expect(rule, caller, op.names_object) else { continue };
            let (at, bearer) = match caller {
                Caller::Anonymous => (&home, None),
                Caller::PlainUser => (&home, Some(&plain_user)),
                Caller::OtherTenantUser => (&home, Some(&other_user)),
                Caller::OtherTenantAdmin => (&other, Some(&other_admin)),
                Caller::UnrelatedPermission => {
                    let own_permission = matches!(rule, Access::Permission(p) if p == "isms.profile.get");
                    (&home, Some(if own_permission { &unrelated_other } else { &unrelated }))
                }
            };
            let mut request = at.request(op.method.clone(), &op.path).query(&op.query);
            if let Some(token) = bearer {
                request = request.bearer_auth(token);
            }
            if let Some((kind, bytes)) = &op.body {
                request = request.header("Content-Type", kind).body(bytes.clone());
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            if !holds(expected, status) {
                let body = response.text().await.unwrap_or_default();
                failures.push(format!(
                    "{} {} {} as {caller:?}: expected {expected:?}, got {status} {}",
                    op.id,
                    op.method,
                    op.path,
                    body.chars().take(200).collect::<String>()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{} answers broke the matrix:\n{}", failures.len(), failures.join("\n"));
}
