//! The API catalog (seed 001's gateway operations): revisions from uploaded
//! and fetched documents, versions and the one online, release notes,
//! product groups, packages, subscribers confirmed by e-mail (by a POST, so
//! a mail scanner's GET subscribes nobody), permissions, tenants, bad input
//! and the outbound rules on `swaggerUrl`.

use crate::json;
use keyward_server::config::Settings;
use keyward_server::domain::api_catalog::document::{MAX_DEPTH, MAX_NODES};
use keyward_server::domain::api_catalog::subscriptions::{self, Link};
use keyward_tests::{ADMIN_ID, ADMIN_SECRET, TestServer, flow, on_both_databases};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

on_both_databases!(
    catalog_life_cycle,
    swagger_urls_are_fetched_safely,
    bad_inputs_are_refused,
    untrusted_documents_are_bounded,
    permissions_and_tenants_are_enforced,
    subscribers_confirm_by_email,
    packages_crud,
    one_version_is_online_under_concurrency,
    subscriptions_confirm_by_post_only
);

/// A raw request with the bootstrap admin's token; `host` addresses another tenant.
pub(crate) async fn call(
    server: &TestServer,
    method: &str,
    path: &str,
    body: Option<Value>,
    host: Option<&str>,
) -> (u16, Value) {
    let token = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = server.http().request(method, format!("{}{path}", server.url)).bearer_auth(token);
    if let Some(host) = host {
        request = request.header("Host", host);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    json(request.send().await.unwrap()).await
}

/// A raw request with `token` as bearer, or none.
pub(crate) async fn as_bearer(
    server: &TestServer,
    token: Option<&str>,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = server.http().request(method, format!("{}{path}", server.url));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    json(request.send().await.unwrap()).await
}

/// `call` on the default tenant, asserting the status.
pub(crate) async fn expect(server: &TestServer, status: u16, method: &str, path: &str, body: Option<Value>) -> Value {
    let (code, answer) = call(server, method, path, body, None).await;
    assert_eq!(code, status, "{method} {path}: {answer}");
    answer
}

pub(crate) fn document(title: &str) -> Value {
    json!({ "openapi": "3.0.3", "info": { "title": title, "version": "1" }, "paths": { "/pets": {} } })
}

const YAML: &str = "openapi: 3.1.0\ninfo:\n  title: Fetched Pets\n  version: '2'\npaths: {}\n";

/// A local HTTP server answering every request with `body`; its address.
pub(crate) async fn document_server(body: &'static str) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = stream.read(&mut request).await;
                let answer = format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n{body}", body.len());
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    address
}

/// The server again, allowed to reach `address` too.
async fn allowing(server: TestServer, address: std::net::SocketAddr) -> TestServer {
    server
        .restart_with(move |settings| {
            let mut allow = settings.outbound_allow.clone();
            allow.push(address.to_string().parse().unwrap());
            Settings { outbound_allow: allow, ..settings }
        })
        .await
}

pub(crate) async fn create_api(server: &TestServer, name: &str) -> i64 {
    expect(server, 201, "POST", "/api/ApiResource", Some(json!({ "name": name }))).await["data"]["id"].as_i64().unwrap()
}

async fn catalog_life_cycle(server: TestServer) {
    let docs = document_server(YAML).await;
    let server = allowing(server, docs).await;
    let api = create_api(&server, "pets").await;
    let base = format!("/api/ApiResource/{api}");

    // A product group to publish into.
    let product = expect(&server, 201, "POST", "/api/ApiGateway/Products", Some(json!({ "name": "Core" }))).await;
    let product = product["data"]["id"].as_i64().unwrap();

    // Publish an uploaded document: revision 1, and the configuration kept.
    let publish = json!({ "name": "Pets", "apiId": "pets-api", "suffix": "pets", "productIds": [product],
                          "authorizationServerId": 1, "scope": "pets.read", "document": document("Pets") });
    let first = expect(&server, 200, "PUT", &format!("{base}/Publish"), Some(publish)).await["data"].clone();
    assert_eq!((first["number"].as_i64(), first["online"].as_bool()), (Some(1), Some(false)), "{first}");
    assert_eq!(first["sourceUrl"], Value::Null);
    let config = expect(&server, 200, "GET", &format!("{base}/PublishConfiguration"), None).await["data"].clone();
    assert_eq!((config["name"].as_str(), config["suffix"].as_str()), (Some("Pets"), Some("pets")), "{config}");
    assert_eq!(config["revisionId"], first["id"]);
    assert_eq!(config.get("document"), None, "the configuration is kept without its document");
    let products = expect(&server, 200, "GET", "/api/ApiGateway/Products", None).await;
    assert_eq!(products["data"][0]["apiIds"], json!([api]), "{products}");

    // A revision fetched from an allow-listed server, as YAML, with a note.
    let url = format!("http://{docs}/openapi.yaml");
    let body = json!({ "apiId": "pets-api", "swaggerUrl": url, "releaseNote": "Fetched from YAML" });
    let second = expect(&server, 201, "POST", &format!("{base}/PublishRevision"), Some(body)).await["data"].clone();
    assert_eq!((second["number"].as_i64(), second["sourceUrl"].as_str()), (Some(2), Some(url.as_str())));
    let stored = server.db.texts("SELECT document FROM api_revisions ORDER BY number").await;
    assert_eq!(stored.len(), 2);
    let stored: Vec<Value> = stored.iter().map(|d| serde_json::from_str(d).unwrap()).collect();
    assert_eq!(stored[0]["info"]["title"], "Pets");
    assert_eq!(stored[1]["info"]["title"], "Fetched Pets", "YAML is stored as JSON");
    assert_eq!(stored[1]["openapi"], "3.1.0");
    // The configuration is the last publish's, not touched by a revision.
    let config = expect(&server, 200, "GET", &format!("{base}/PublishConfiguration"), None).await["data"].clone();
    assert_eq!(config["revisionId"], first["id"]);

    // Versions name revisions; one is online.
    let (r1, r2) = (first["id"].as_i64().unwrap(), second["id"].as_i64().unwrap());
    let named = json!({ "revisionId": r1, "apiVersionName": "v1" });
    let v1 = expect(&server, 201, "POST", &format!("{base}/PublishVersion"), Some(named)).await;
    assert_eq!(v1["data"]["version"], "v1");
    let again = json!({ "revisionId": r2, "apiVersionName": "v1" });
    expect(&server, 409, "POST", &format!("{base}/PublishVersion"), Some(again)).await;
    expect(&server, 409, "POST", &format!("{base}/Versions/{r2}"), None).await;
    let named = json!({ "revisionId": r2, "apiVersionName": "v2" });
    expect(&server, 201, "POST", &format!("{base}/PublishVersion"), Some(named)).await;
    expect(&server, 200, "POST", &format!("{base}/Versions/{r1}"), None).await;
    let online = expect(&server, 200, "POST", &format!("{base}/Versions/{r2}"), None).await;
    assert_eq!(online["data"]["online"], true);
    let admin = server.admin().await;
    let versions = admin.api_version_list().id(api).send().await.unwrap().into_inner().data;
    let online: Vec<_> = versions.iter().filter(|v| v.online).map(|v| v.version.clone()).collect();
    assert_eq!(online, [Some("v2".to_string())]);
    assert_eq!(versions.iter().map(|v| v.number).collect::<Vec<_>>(), [2, 1], "newest first");

    // Release notes per revision.
    let releases = expect(&server, 200, "GET", &format!("{base}/Releases?aid={r2}"), None).await;
    assert_eq!(releases["data"][0]["notes"], "Fetched from YAML", "{releases}");
    let note = json!({ "aid": r1, "notes": "First cut" });
    let note = expect(&server, 201, "POST", &format!("{base}/Releases"), Some(note)).await["data"].clone();
    let note_id = note["id"].as_i64().unwrap();
    let changed = json!({ "notes": "First cut, revised" });
    let changed = expect(&server, 200, "PUT", &format!("{base}/Releases/{note_id}"), Some(changed)).await;
    assert_eq!(
        (changed["data"]["notes"].as_str(), changed["data"]["aid"].as_i64()),
        (Some("First cut, revised"), Some(r1))
    );
    assert_eq!(
        expect(&server, 200, "GET", &format!("{base}/Releases"), None).await["data"].as_array().unwrap().len(),
        2
    );
    assert_eq!(expect(&server, 200, "DELETE", &format!("{base}/Releases/{note_id}"), None).await["data"], note_id);
    expect(&server, 404, "DELETE", &format!("{base}/Releases/{note_id}"), None).await;
    let only_first = expect(&server, 200, "GET", &format!("{base}/Releases?aid={r1}"), None).await;
    assert_eq!(only_first["data"], json!([]));

    // The tenant's authorization server; product groups replaced and deleted.
    let servers = expect(&server, 200, "GET", "/api/ApiGateway/AuthServers", None).await["data"].clone();
    assert_eq!(servers[0]["issuer"].as_str(), Some(server.url.as_str()), "{servers}");
    assert_eq!(servers[0]["discoveryUrl"], format!("{}/.well-known/openid-configuration", server.url));
    let body = json!({ "name": "Core API", "description": "d", "apiIds": [] });
    let replaced = expect(&server, 200, "PUT", &format!("/api/ApiGateway/Products/{product}"), Some(body)).await;
    assert_eq!((replaced["data"]["name"].as_str(), &replaced["data"]["apiIds"]), (Some("Core API"), &json!([])));
    expect(&server, 200, "DELETE", &format!("/api/ApiGateway/Products/{product}"), None).await;
    assert_eq!(expect(&server, 200, "GET", "/api/ApiGateway/Products", None).await["data"], json!([]));
    // Deleting the API takes its catalog with it.
    expect(&server, 200, "DELETE", &base, None).await;
    assert!(server.db.texts("SELECT document FROM api_revisions").await.is_empty());
}

/// A YAML OpenAPI document titled `title`, with `extra` (top-level YAML
/// lines) after its required fields.
pub(crate) fn yaml_document(title: &str, extra: &str) -> String {
    format!("openapi: 3.0.3\ninfo:\n  title: {title}\n  version: '1'\npaths: {{}}\n{extra}")
}

/// "Billion laughs": `levels` anchors, each a list of `width` aliases of the
/// one before (`width^levels` nodes once expanded).
pub(crate) fn laughs(levels: usize, width: usize) -> String {
    let mut yaml = String::from("x-l0: &l0 lol\n");
    for level in 1..=levels {
        let aliases = vec![format!("*l{}", level - 1); width].join(", ");
        yaml.push_str(&format!("x-l{level}: &l{level} [{aliases}]\n"));
    }
    yaml
}

/// A flow sequence of `count` zeros.
fn zeros(count: usize) -> String {
    format!("[{}]", vec!["0"; count].join(","))
}

/// `depth` sequences nested in each other.
fn nested(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

/// YAML documents are refused before anything is built from them when they
/// hold anchors or aliases, or pass the depth or node limit; the limits
/// themselves are accepted.
async fn untrusted_documents_are_bounded(server: TestServer) {
    let api = create_api(&server, "pets").await;
    let revision = format!("/api/ApiResource/{api}/PublishRevision");
    let publish = |text: String| call(&server, "POST", &revision, Some(json!({ "document": text })), None);
    // The root mapping is 1 deep; under `x-deep`, `MAX_DEPTH - 1` sequences
    // reach the limit.
    let (code, answer) = publish(yaml_document("Deep", &format!("x-deep: {}", nested(MAX_DEPTH - 1)))).await;
    assert_eq!(code, 201, "depth {MAX_DEPTH} is allowed: {answer}");
    let (code, answer) = publish(yaml_document("Deep", &format!("x-deep: {}", nested(MAX_DEPTH)))).await;
    assert_eq!(code, 422, "{answer}");
    assert!(answer["message"].as_str().unwrap().contains(&format!("deeper than {MAX_DEPTH}")), "{answer}");
    // The same limit for a document given as JSON.
    let mut deep = json!([]);
    for _ in 0..MAX_DEPTH - 1 {
        deep = json!([deep]);
    }
    let mut body = json!({ "openapi": "3.0.3", "info": { "title": "Deep", "version": "1" }, "paths": {} });
    body["x-deep"] = deep;
    let (code, answer) = call(&server, "POST", &revision, Some(json!({ "document": body })), None).await;
    assert_eq!(code, 422, "{answer}");

    // Nodes: the document's 11 (mappings, keys and values), `x-many` and
    // its sequence, and the sequence's items.
    let fixed = 13;
    let (code, answer) = publish(yaml_document("Many", &format!("x-many: {}", zeros(MAX_NODES - fixed)))).await;
    assert_eq!(code, 201, "{MAX_NODES} nodes are allowed: {answer}");
    let (code, answer) = publish(yaml_document("Many", &format!("x-many: {}", zeros(MAX_NODES - fixed + 1)))).await;
    assert_eq!(code, 422, "{answer}");
    assert!(answer["message"].as_str().unwrap().contains(&format!("more than {MAX_NODES}")), "{answer}");

    // Anchors and aliases: refused, whatever they would expand to. A
    // thousand aliases of a thousand items are a million nodes from 8 KB.
    let wide = format!("x-wide: &w {}\nx-refs: [{}]\n", zeros(1000), vec!["*w"; 1000].join(", "));
    for extra in [laughs(9, 9), wide, "x-anchor: &a 1\n".to_string()] {
        let (code, answer) = publish(yaml_document("Laughs", &extra)).await;
        assert_eq!(code, 422, "{answer}");
        assert!(answer["message"].as_str().unwrap().contains("anchors and aliases"), "{answer}");
    }
    // Nothing was stored but the two documents at the limits.
    assert_eq!(server.db.texts("SELECT document FROM api_revisions").await.len(), 2);
}

async fn swagger_urls_are_fetched_safely(server: TestServer) {
    let api = create_api(&server, "pets").await;
    let path = format!("/api/ApiResource/{api}/PublishRevision");
    let docs = document_server(YAML).await;
    let refused = [
        "http://169.254.169.254/latest/meta-data/".to_string(),
        "http://10.0.0.1/openapi.json".into(),
        "http://[::1]/openapi.json".into(),
        format!("http://{docs}/openapi.yaml"),
        format!("http://localhost:{}/openapi.yaml", docs.port()),
        "file:///etc/passwd".into(),
    ];
    for url in refused {
        let (code, answer) = call(&server, "POST", &path, Some(json!({ "swaggerUrl": &url })), None).await;
        assert_eq!(code, 422, "{url}: {answer}");
        assert!(answer["message"].as_str().unwrap().contains("`swaggerUrl` refused"), "{url}: {answer}");
    }
    // Allow-listed, the same server is fetched.
    let server = allowing(server, docs).await;
    let body = json!({ "swaggerUrl": format!("http://{docs}/openapi.yaml") });
    expect(&server, 201, "POST", &path, Some(body)).await;
    // Names still resolve only to addresses the allow-list admits.
    let body = json!({ "swaggerUrl": format!("http://localhost:{}/openapi.yaml", docs.port()) });
    expect(&server, 422, "POST", &path, Some(body)).await;
}

async fn bad_inputs_are_refused(server: TestServer) {
    let api = create_api(&server, "pets").await;
    let base = format!("/api/ApiResource/{api}");
    let message = |answer: &Value| answer["message"].as_str().unwrap_or_default().to_string();
    // Documents.
    for (body, says) in [
        (json!({}), "`swaggerUrl`"),
        (json!({ "document": { "title": "not openapi" } }), "no `openapi: 3.x`"),
        (json!({ "document": "{ not: [json, or yaml" }), "neither JSON nor YAML"),
        (json!({ "document": { "openapi": "3.0.0", "paths": {} } }), "no `info.title`"),
        (json!({ "document": 42 }), "not an object"),
        (json!({ "swaggerUrl": "not a url" }), "not valid"),
    ] {
        let answer = expect(&server, 422, "POST", &format!("{base}/PublishRevision"), Some(body.clone())).await;
        assert!(message(&answer).contains(says), "{body}: {answer}");
    }
    let body = json!({ "document": document("x"), "productIds": [999] });
    let answer = expect(&server, 422, "PUT", &format!("{base}/Publish"), Some(body)).await;
    assert!(message(&answer).contains("`productIds` names 999"), "{answer}");
    let body = json!({ "document": document("x"), "authorizationServerId": 999 });
    assert!(
        message(&expect(&server, 422, "PUT", &format!("{base}/Publish"), Some(body)).await)
            .contains("authorizationServerId")
    );
    let body = json!({ "document": document("x"), "name": "n".repeat(201) });
    expect(&server, 422, "PUT", &format!("{base}/Publish"), Some(body)).await;
    expect(&server, 400, "PUT", &format!("{base}/Publish"), Some(json!({ "unknown": 1 }))).await;
    expect(&server, 404, "GET", &format!("{base}/PublishConfiguration"), None).await;
    // Versions.
    let revision =
        expect(&server, 201, "POST", &format!("{base}/PublishRevision"), Some(json!({ "document": document("x") })))
            .await;
    let revision = revision["data"]["id"].as_i64().unwrap();
    let body = json!({ "revisionId": revision, "apiVersionName": "v 1" });
    expect(&server, 422, "POST", &format!("{base}/PublishVersion"), Some(body)).await;
    let body = json!({ "revisionId": revision + 100, "apiVersionName": "v1" });
    expect(&server, 404, "POST", &format!("{base}/PublishVersion"), Some(body)).await;
    expect(&server, 400, "POST", &format!("{base}/PublishVersion"), Some(json!({ "revisionId": revision }))).await;
    expect(&server, 404, "POST", &format!("{base}/Versions/{}", revision + 100), None).await;
    expect(&server, 400, "POST", &format!("{base}/Versions/latest"), None).await;
    // Releases.
    let body = json!({ "aid": revision + 100, "notes": "n" });
    assert!(message(&expect(&server, 422, "POST", &format!("{base}/Releases"), Some(body)).await).contains("`aid`"));
    expect(&server, 422, "POST", &format!("{base}/Releases"), Some(json!({ "aid": revision, "notes": "" }))).await;
    expect(&server, 400, "POST", &format!("{base}/Releases"), Some(json!({ "notes": "n" }))).await;
    expect(&server, 404, "PUT", &format!("{base}/Releases/999"), Some(json!({ "notes": "n" }))).await;
    expect(&server, 400, "GET", &format!("{base}/Releases?aid=first"), None).await;
    // Products.
    expect(&server, 201, "POST", "/api/ApiGateway/Products", Some(json!({ "name": "Core" }))).await;
    expect(&server, 409, "POST", "/api/ApiGateway/Products", Some(json!({ "name": "Core" }))).await;
    let body = json!({ "name": "Edge", "apiIds": [api + 100] });
    expect(&server, 422, "POST", "/api/ApiGateway/Products", Some(body)).await;
    expect(&server, 422, "POST", "/api/ApiGateway/Products", Some(json!({ "name": "" }))).await;
    let body = json!({ "name": "Edge", "apiIds": [api, api] });
    expect(&server, 422, "POST", "/api/ApiGateway/Products", Some(body)).await;
    expect(&server, 404, "PUT", "/api/ApiGateway/Products/999", Some(json!({ "name": "X" }))).await;
    expect(&server, 404, "DELETE", "/api/ApiGateway/Products/999", None).await;
    // Subscriptions.
    let body = json!({ "email": "not-an-address" });
    expect(&server, 422, "POST", &format!("{base}/Subscriptions/VerifyEmail"), Some(body)).await;
    expect(&server, 400, "GET", &format!("{base}/AddSubscription?code=forged.code"), None).await;
    expect(&server, 400, "GET", &format!("{base}/AddSubscription"), None).await;
    expect(&server, 400, "GET", &format!("{base}/DelSubscription?code=x"), None).await;
    // Everything under an API that does not exist.
    for (method, path) in [
        ("GET", "Versions"),
        ("GET", "Releases"),
        ("GET", "Packages"),
        ("GET", "Subscriptions"),
        ("GET", "PublishConfiguration"),
    ] {
        expect(&server, 404, method, &format!("/api/ApiResource/{}/{path}", api + 100), None).await;
    }
}

async fn permissions_and_tenants_are_enforced(server: TestServer) {
    let api = create_api(&server, "pets").await;
    let base = format!("/api/ApiResource/{api}");
    let secret = flow::create_app(
        &server,
        json!({ "clientId": "viewer", "allowedGrantTypes": [{ "grantType": "client_credentials" }],
                "allowedScopes": [{ "scope": "oauthapp.apiresource.versions" }] }),
    )
    .await
    .unwrap();
    let viewer = server.token("viewer", &secret, None).await;
    assert_eq!(as_bearer(&server, Some(&viewer), "GET", &format!("{base}/Versions"), None).await.0, 200);
    let every = [
        ("PUT", format!("{base}/Publish"), Some(json!({ "document": document("x") })), "publish"),
        ("POST", format!("{base}/PublishRevision"), Some(json!({ "document": document("x") })), "publishrevision"),
        (
            "POST",
            format!("{base}/PublishVersion"),
            Some(json!({ "revisionId": 1, "apiVersionName": "v" })),
            "publishversion",
        ),
        ("GET", format!("{base}/PublishConfiguration"), None, "publishconfiguration"),
        ("POST", format!("{base}/Versions/1"), None, "setonlineversion"),
        ("GET", "/api/ApiGateway/AuthServers".into(), None, "authservers"),
        ("GET", "/api/ApiGateway/Products".into(), None, "products"),
        ("POST", "/api/ApiGateway/Products".into(), Some(json!({ "name": "p" })), "postproducts"),
        ("PUT", "/api/ApiGateway/Products/1".into(), Some(json!({ "name": "p" })), "putproduct"),
        ("DELETE", "/api/ApiGateway/Products/1".into(), None, "deleteproduct"),
        ("GET", format!("{base}/Releases"), None, "releases"),
        ("POST", format!("{base}/Releases"), Some(json!({ "aid": 1, "notes": "n" })), "postrelease"),
        ("PUT", format!("{base}/Releases/1"), Some(json!({ "notes": "n" })), "putrelease"),
        ("DELETE", format!("{base}/Releases/1"), None, "deleterelease"),
        ("GET", format!("{base}/Subscriptions"), None, "subscriptions"),
        ("POST", format!("{base}/Subscriptions/VerifyEmail"), Some(json!({ "email": "a@b.test" })), "verifyemail"),
        ("GET", format!("{base}/Packages"), None, "packages"),
        ("POST", format!("{base}/Packages"), Some(package("p")), "postpackages"),
        ("PUT", format!("{base}/Packages/1"), Some(package("p")), "putpackage"),
        ("DELETE", format!("{base}/Packages/1"), None, "deletepackage"),
    ];
    for (method, path, body, permission) in &every {
        let (code, answer) = as_bearer(&server, Some(&viewer), method, path, body.clone()).await;
        assert_eq!(code, 403, "{method} {path}: {answer}");
        assert!(
            answer["message"].as_str().unwrap().contains(&format!("oauthapp.apiresource.{permission}")),
            "{answer}"
        );
        let (code, _) = as_bearer(&server, None, method, path, body.clone()).await;
        assert_eq!(code, 401, "{method} {path} without a token");
    }

    // Another tenant's API is 404 from here, and the default tenant's from there.
    let beta: keyward_sdk::types::TenantCreate =
        serde_json::from_value(json!({ "name": "Beta", "hosts": [{ "hostName": "beta.test" }] })).unwrap();
    server.admin().await.tenant_create().body(beta).send().await.unwrap();
    let (code, created) =
        call(&server, "POST", "/api/ApiResource", Some(json!({ "name": "beta-api" })), Some("beta.test")).await;
    assert_eq!(code, 201, "{created}");
    let beta_api = created["data"]["id"].as_i64().unwrap();
    let body = json!({ "document": document("Beta") });
    let (code, revision) =
        call(&server, "POST", &format!("/api/ApiResource/{beta_api}/PublishRevision"), Some(body), Some("beta.test"))
            .await;
    assert_eq!(code, 201, "{revision}");
    for (method, path, body, _) in every.iter().filter(|(_, path, _, _)| path.starts_with(&base)) {
        let path = path.replace(&base, &format!("/api/ApiResource/{beta_api}"));
        let (code, answer) = call(&server, method, &path, body.clone(), None).await;
        assert_eq!(code, 404, "{method} {path} across tenants: {answer}");
    }
    let (code, _) = call(&server, "GET", &format!("{base}/Versions"), None, Some("beta.test")).await;
    assert_eq!(code, 404);
    let (code, servers) = call(&server, "GET", "/api/ApiGateway/AuthServers", None, Some("beta.test")).await;
    assert_eq!((code, servers["data"][0]["name"].as_str()), (200, Some("Beta")), "{servers}");
    // A subscription code signed for Beta's API is not valid at the default tenant.
    let beta_id = servers["data"][0]["id"].as_i64().unwrap();
    let expires = chrono::Utc::now().timestamp() + 600;
    let code = subscriptions::code(&server.state().mac, Link::Add, beta_id, beta_api, "x@beta.test", expires);
    let (status, _) = json(
        server
            .http()
            .get(format!("{}/api/ApiResource/{beta_api}/AddSubscription?code={code}", server.url))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400);
}

/// The text of the newest e-mail to `to`, quoted-printable undone.
async fn mail_to(server: &TestServer, to: &str) -> String {
    server.sinks.last_to(to).await.body.replace("=\n", "").replace("=3D", "=")
}

/// The code of the `link` (`AddSubscription` or `DelSubscription`) in `text`.
fn link_code(text: &str, link: &str) -> String {
    let start = text.find(&format!("/{link}?code=")).unwrap_or_else(|| panic!("no {link} link in {text}"));
    let rest = &text[start + link.len() + 7..];
    rest.chars().take_while(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c)).collect()
}

async fn subscribers_confirm_by_email(server: TestServer) {
    let api = create_api(&server, "pets").await;
    let base = format!("/api/ApiResource/{api}");
    let anonymous = |path: String| {
        let request = server.http().get(format!("{}{path}", server.url));
        async move { json(request.send().await.unwrap()).await }
    };
    expect(
        &server,
        200,
        "POST",
        &format!("{base}/Subscriptions/VerifyEmail"),
        Some(json!({ "email": "Dev@Example.test" })),
    )
    .await;
    assert_eq!(
        expect(&server, 200, "GET", &format!("{base}/Subscriptions"), None).await["data"],
        json!([]),
        "nothing before the link"
    );
    let code = link_code(&mail_to(&server, "dev@example.test").await, "AddSubscription");
    // Forged and misused codes.
    let mut forged = code.clone().into_bytes();
    let last = forged.len() - 1;
    forged[last] = if forged[last] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).unwrap();
    assert_eq!(anonymous(format!("{base}/AddSubscription?code={forged}")).await.0, 400);
    let other = create_api(&server, "other").await;
    assert_eq!(anonymous(format!("/api/ApiResource/{other}/AddSubscription?code={code}")).await.0, 400);
    assert_eq!(anonymous(format!("{base}/DelSubscription?code={code}")).await.0, 400, "an add code does not delete");
    let mac = &server.state().mac;
    let home = server.state().default_tenant;
    let expired =
        subscriptions::code(mac, Link::Add, home, api, "late@example.test", chrono::Utc::now().timestamp() - 1);
    let (status, answer) = anonymous(format!("{base}/AddSubscription?code={expired}")).await;
    assert_eq!(status, 410, "{answer}");
    // The real code's page subscribes nobody; its button (a POST) subscribes once.
    assert_eq!(anonymous(format!("{base}/AddSubscription?code={code}")).await.0, 200);
    let confirm = || server.http().post(format!("{}{base}/AddSubscription", server.url)).form(&[("code", &code)]);
    assert_eq!(confirm().send().await.unwrap().status().as_u16(), 200);
    assert_eq!(confirm().send().await.unwrap().status().as_u16(), 409);
    let listed = expect(&server, 200, "GET", &format!("{base}/Subscriptions"), None).await;
    assert_eq!(listed["data"][0]["email"], "dev@example.test");
    expect(
        &server,
        409,
        "POST",
        &format!("{base}/Subscriptions/VerifyEmail"),
        Some(json!({ "email": "dev@example.test" })),
    )
    .await;
    // The confirmation carries the unsubscribe link.
    let unsubscribe = link_code(&mail_to(&server, "dev@example.test").await, "DelSubscription");
    let expired =
        subscriptions::code(mac, Link::Delete, home, api, "dev@example.test", chrono::Utc::now().timestamp() - 1);
    assert_eq!(anonymous(format!("{base}/DelSubscription?code={expired}")).await.0, 410);
    assert_eq!(anonymous(format!("{base}/DelSubscription?code={unsubscribe}")).await.0, 200);
    assert_eq!(anonymous(format!("{base}/DelSubscription?code={unsubscribe}")).await.0, 404);
    assert_eq!(expect(&server, 200, "GET", &format!("{base}/Subscriptions"), None).await["data"], json!([]));
}

fn package(name: &str) -> Value {
    json!({ "name": name, "description": "The SDK", "publisher": "Acme", "link": "https://www.npmjs.com/package/pets",
            "icon": "https://example.test/icon.png", "packagePlatform": "npm", "language": "typescript",
            "showIndex": true, "tags": ["sdk", "pets"] })
}

async fn packages_crud(server: TestServer) {
    let api = create_api(&server, "pets").await;
    let base = format!("/api/ApiResource/{api}/Packages");
    let created = expect(&server, 201, "POST", &base, Some(package("pets-sdk"))).await["data"].clone();
    let id = created["id"].as_i64().unwrap();
    assert_eq!((created["showIndex"].as_bool(), &created["tags"]), (Some(true), &json!(["sdk", "pets"])), "{created}");
    let mut changed = package("pets-client");
    changed["showIndex"] = json!(false);
    changed["tags"] = json!([]);
    let updated = expect(&server, 200, "PUT", &format!("{base}/{id}"), Some(changed)).await["data"].clone();
    assert_eq!((updated["name"].as_str(), updated["showIndex"].as_bool()), (Some("pets-client"), Some(false)));
    let listed = expect(&server, 200, "GET", &base, None).await["data"].clone();
    assert_eq!((listed.as_array().unwrap().len(), &listed[0]["name"]), (1, &json!("pets-client")));
    // Bad input, each named.
    for (field, value, says) in [
        ("link", json!("javascript:alert(1)"), "`link`"),
        ("icon", json!("/relative.png"), "`icon`"),
        ("name", json!(""), "`name`"),
        ("packagePlatform", json!("n p m"), "`packagePlatform`"),
        ("tags", json!(["a", "a"]), "`tags`"),
        ("tags", json!((0..21).map(|n| n.to_string()).collect::<Vec<_>>()), "at most 20"),
    ] {
        let mut body = package("p");
        body[field] = value;
        let answer = expect(&server, 422, "POST", &base, Some(body)).await;
        assert!(answer["message"].as_str().unwrap().contains(says), "{field}: {answer}");
    }
    let mut missing = package("p");
    missing.as_object_mut().unwrap().remove("publisher");
    expect(&server, 400, "POST", &base, Some(missing)).await;
    expect(&server, 404, "PUT", &format!("{base}/999"), Some(package("p"))).await;
    // Another API's package is not this one's.
    let other = create_api(&server, "other").await;
    expect(&server, 404, "DELETE", &format!("/api/ApiResource/{other}/Packages/{id}"), None).await;
    assert_eq!(expect(&server, 200, "DELETE", &format!("{base}/{id}"), None).await["data"], id);
    expect(&server, 404, "DELETE", &format!("{base}/{id}"), None).await;
    assert_eq!(expect(&server, 200, "GET", &base, None).await["data"], json!([]));
}

async fn one_version_is_online_under_concurrency(server: TestServer) {
    let api = create_api(&server, "pets").await;
    let base = format!("/api/ApiResource/{api}");
    let mut revisions = Vec::new();
    for n in 0..4 {
        let body = json!({ "document": document(&format!("v{n}")) });
        let revision = expect(&server, 201, "POST", &format!("{base}/PublishRevision"), Some(body)).await["data"]["id"]
            .as_i64()
            .unwrap();
        let body = json!({ "revisionId": revision, "apiVersionName": format!("v{n}") });
        expect(&server, 201, "POST", &format!("{base}/PublishVersion"), Some(body)).await;
        revisions.push(revision);
    }
    let token = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    for _ in 0..5 {
        let calls = revisions.iter().chain(revisions.iter()).map(|revision| {
            let request = server.http().post(format!("{}{base}/Versions/{revision}", server.url)).bearer_auth(&token);
            async move { request.send().await.unwrap().status().as_u16() }
        });
        let statuses = futures::future::join_all(calls).await;
        assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
        let versions = expect(&server, 200, "GET", &format!("{base}/Versions"), None).await["data"].clone();
        let online = versions.as_array().unwrap().iter().filter(|v| v["online"] == true).count();
        assert_eq!(online, 1, "{versions}");
    }
}

/// Following the e-mailed link (as a mail scanner does) shows a
/// page whose button confirms; only its POST subscribes.
async fn subscriptions_confirm_by_post_only(server: TestServer) {
    let admin_token = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let admin = |method: reqwest::Method, path: &str, body: Option<Value>| {
        let mut request = server.http().request(method, format!("{}{path}", server.url)).bearer_auth(&admin_token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.json::<Value>().await.unwrap())
        }
    };
    let (status, created) = admin(reqwest::Method::POST, "/api/ApiResource", Some(json!({ "name": "pets" }))).await;
    assert_eq!(status, 201, "{created}");
    let api = created["data"]["id"].as_i64().unwrap();
    let base = format!("/api/ApiResource/{api}");
    let asked = admin(
        reqwest::Method::POST,
        &format!("{base}/Subscriptions/VerifyEmail"),
        Some(json!({ "email": "dev@example.test" })),
    )
    .await;
    assert_eq!(asked.0, 200, "{}", asked.1);
    let mail = server.sinks.last_to("dev@example.test").await.body.replace("=\n", "").replace("=3D", "=");
    let start = mail.find("/AddSubscription?code=").expect("a confirmation link") + "/AddSubscription?code=".len();
    let code: String = mail[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c)).collect();

    let subscribers = || admin(reqwest::Method::GET, &format!("{base}/Subscriptions"), None);
    let page = server.http().get(format!("{}{base}/AddSubscription?code={code}", server.url)).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("<form method=\"post\""), "{html}");
    assert_eq!(flow::input(&html, "code").as_deref(), Some(code.as_str()), "the form carries the code");
    assert_eq!(subscribers().await.1["data"], json!([]), "a GET subscribes nobody");

    let confirm = |code: &str| {
        let request = server.http().post(format!("{}{base}/AddSubscription", server.url)).form(&[("code", code)]);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(confirm("forged.code").await, 400);
    assert_eq!(confirm(&code).await, 200);
    assert_eq!(subscribers().await.1["data"][0]["email"], "dev@example.test");
    assert_eq!(confirm(&code).await, 409, "once");
}
