//! SDK generation (seed 001's CodeGen): generated code for a document and a
//! stored revision, options with sealed write-only tokens, pushing to a
//! local GitHub stand-in, releasing to a local Verdaccio, the history,
//! permissions, tenants, bad input and the generation limits.

use crate::api_catalog::{as_bearer, call, create_api, expect, laughs, yaml_document};
use keyward_server::config::{CodegenArgs, Settings};
use keyward_server::domain::api_catalog::document::MAX_BYTES;
use keyward_server::domain::codegen::ANONYMOUS_PER_ADDRESS;
use keyward_tests::github::{self, GithubFake};
use keyward_tests::verdaccio::Verdaccio;
use keyward_tests::{Db, TestServer, flow, on_both_databases};
use serde_json::{Value, json};
use std::path::PathBuf;

on_both_databases!(
    generation,
    anonymous_generation_is_a_setting,
    hostile_documents_are_refused,
    options_keep_tokens_sealed,
    sync_pushes_to_github,
    release_publishes_to_npm
);

/// A small OpenAPI 3.0 document progenitor and openapi-generator accept.
fn pets() -> Value {
    json!({
        "openapi": "3.0.3",
        "info": { "title": "Pet Store", "version": "1.2.0" },
        "tags": [{ "name": "pets" }, { "name": "existing" }],
        "paths": { "/pets/{id}": { "get": {
            "operationId": "pet_get",
            "tags": ["pets", "store"],
            "parameters": [{ "name": "id", "in": "path", "required": true,
                             "schema": { "type": "integer", "format": "int64" } }],
            "responses": { "200": { "description": "A pet", "content": { "application/json": {
                "schema": { "$ref": "#/components/schemas/Pet" } } } } }
        } } },
        "components": { "schemas": { "Pet": {
            "type": "object",
            "required": ["id", "name"],
            "properties": {
                "id": { "type": "integer", "format": "int64" },
                "name": { "type": "string" },
                "born": { "type": "string", "format": "date-time" }
            }
        } } }
    })
}

/// openapi-generator-cli, which `cargo xtask verify` installs (and names in
/// `KEYWARD_TEST_OPENAPI_GENERATOR`) before the tests.
fn openapi_generator() -> PathBuf {
    let path = std::env::var_os("KEYWARD_TEST_OPENAPI_GENERATOR").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../target/tools/openapi-generator/bin/openapi-generator-cli"
        ))
    });
    assert!(path.exists(), "{} is missing: run `cargo xtask sdk generate` once", path.display());
    path
}

/// The server again, with `codegen` and allowed to reach `address`.
async fn configured(server: TestServer, address: std::net::SocketAddr, codegen: CodegenArgs) -> TestServer {
    server
        .restart_with(move |settings| {
            let mut outbound_allow = settings.outbound_allow.clone();
            outbound_allow.push(address.to_string().parse().unwrap());
            Settings { outbound_allow, codegen, ..settings }
        })
        .await
}

/// Code generation settings with anonymous generation on.
fn anonymous_on() -> CodegenArgs {
    CodegenArgs { codegen_anonymous: true, ..CodegenArgs::default() }
}

/// The server again, letting anonymous callers generate.
async fn open_to_anonymous(server: TestServer) -> TestServer {
    server.restart_with(|settings| Settings { codegen: anonymous_on(), ..settings }).await
}

/// A server answering [`pets`] after `delay`; it tells `arrived` when a
/// request comes in.
async fn slow_document_server(
    delay: std::time::Duration,
) -> (std::net::SocketAddr, std::sync::Arc<tokio::sync::Notify>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let arrived = std::sync::Arc::new(tokio::sync::Notify::new());
    let notify = arrived.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let notify = notify.clone();
            tokio::spawn(async move {
                let (_, stream) = keyward_tests::exchange::read(stream).await?;
                notify.notify_one();
                tokio::time::sleep(delay).await;
                keyward_tests::exchange::answer(stream, 200, &pets()).await
            });
        }
    });
    (address, arrived)
}

/// An API with one revision holding [`pets`]; its id.
async fn api_with_revision(server: &TestServer, name: &str) -> i64 {
    let api = create_api(server, name).await;
    let body = json!({ "document": pets() });
    expect(server, 201, "POST", &format!("/api/ApiResource/{api}/PublishRevision"), Some(body)).await;
    api
}

/// A request without a token.
async fn anonymous(server: &TestServer, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    as_bearer(server, None, method, path, body).await
}

fn paths(generated: &Value) -> Vec<&str> {
    generated["data"]["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect()
}

fn file<'a>(generated: &'a Value, path: &str) -> &'a str {
    let files = generated["data"]["files"].as_array().unwrap();
    files.iter().find(|f| f["path"] == path).unwrap_or_else(|| panic!("no {path}"))["content"].as_str().unwrap()
}

async fn generation(server: TestServer) {
    let server = open_to_anonymous(server).await;
    // Without openapi-generator-cli: Rust only.
    let clients = expect(&server, 200, "GET", "/api/CodeGenerators/Clients", None).await;
    assert_eq!(clients["data"], json!([{ "name": "rust", "engine": "progenitor" }]));
    let servers = expect(&server, 200, "GET", "/api/CodeGenerators/Servers?fromCache=false", None).await;
    assert_eq!(servers["data"], json!([]));

    // Anyone may generate from a document, as in seed 001, once allowed to.
    let (code, generated) =
        anonymous(&server, "POST", "/api/CodeGenerators/Gen", Some(json!({ "genName": "rust", "document": pets() })))
            .await;
    assert_eq!(code, 200, "{generated}");
    assert_eq!(paths(&generated), ["Cargo.toml", "README.md", "src/lib.rs"]);
    let manifest = file(&generated, "Cargo.toml");
    assert!(manifest.contains("name = \"pet-store-client\"") && manifest.contains("version = \"1.2.0\""), "{manifest}");
    assert!(manifest.contains("chrono"), "date-time fields need chrono: {manifest}");
    assert!(file(&generated, "src/lib.rs").contains("pub struct Pet"), "the schema becomes a type");

    // Bad input.
    let refusals = [
        (json!({ "genName": "typescript-fetch", "document": pets() }), 501, "--openapi-generator"),
        (json!({ "genName": "", "document": pets() }), 422, "genName"),
        (json!({ "genName": "rust" }), 422, "swaggerUrl"),
        (json!({ "genName": "rust", "document": "not: [an api" }), 422, "neither JSON nor YAML"),
        (
            json!({ "genName": "rust", "document": { "swagger": "2.0", "info": { "title": "Old", "version": "1" }, "paths": {} } }),
            422,
            "rejected the document",
        ),
        (json!({ "genName": "rust", "document": pets(), "extra": 1 }), 400, "extra"),
        (
            json!({ "genName": "rust", "document": { "openapi": "3.0.3", "info": { "title": "Leak", "version": "1" },
                    "paths": {}, "components": { "schemas": { "Secret": { "$ref": "file:///etc/passwd" } } } } }),
            422,
            "refers outside itself",
        ),
        (
            json!({ "genName": "rust", "document": { "openapi": "3.1.0", "info": { "title": "Leak", "version": "1" },
                    "paths": {}, "components": { "schemas": {
                        "Moved": { "$id": "http://169.254.169.254/latest/", "$ref": "#/meta-data" } } } } }),
            422,
            "`$id`",
        ),
        (
            json!({ "genName": "rust", "document": { "openapi": "3.0.3", "info": { "title": "Leak", "version": "1" },
                    "paths": {}, "components": { "schemas": { "Pet": { "type": "object",
                        "discriminator": { "propertyName": "t", "mapping": { "a": "../../../etc/passwd" } } } } } } }),
            422,
            "discriminator.mapping",
        ),
    ];
    for (body, status, says) in refusals {
        let (code, answer) = anonymous(&server, "POST", "/api/CodeGenerators/Gen", Some(body.clone())).await;
        assert_eq!(code, status, "{body}: {answer}");
        assert!(answer["message"].as_str().unwrap().contains(says), "{body}: {answer}");
    }
    // A URL the server may not reach: refused, under seed 001's business code.
    let body = json!({ "genName": "rust", "swaggerUrl": "http://127.0.0.1:9/openapi.json" });
    let (code, answer) = anonymous(&server, "POST", "/api/CodeGenerators/Gen", Some(body)).await;
    assert_eq!((code, answer["code"].as_i64()), (422, Some(200001)), "{answer}");
    assert_eq!(answer["codeName"], "GenerateClient_GetSwaggerFialed");

    // A stored revision: the online one by default, recorded in the history.
    let empty = create_api(&server, "empty").await;
    let (code, answer) =
        call(&server, "POST", &format!("/api/CodeGen/{empty}/Gen"), Some(json!({ "genName": "rust" })), None).await;
    assert_eq!(code, 404, "{answer}");
    let api = api_with_revision(&server, "pets").await;
    let stored =
        expect(&server, 200, "POST", &format!("/api/CodeGen/{api}/Gen"), Some(json!({ "genName": "rust" }))).await;
    assert_eq!(paths(&stored), paths(&generated));
    let body = json!({ "genName": "rust", "revisionId": 999_999 });
    expect(&server, 404, "POST", &format!("/api/CodeGen/{api}/Gen"), Some(body)).await;
    let revision =
        expect(&server, 200, "GET", &format!("/api/ApiResource/{api}/Versions"), None).await["data"][0]["id"].clone();
    let history = expect(&server, 200, "GET", &format!("/api/CodeGen/{api}/History"), None).await;
    let entry = &history["data"][0];
    assert_eq!(history["data"].as_array().unwrap().len(), 1, "{history}");
    assert_eq!((entry["kind"].as_str(), entry["language"].as_str()), (Some("generate"), Some("rust")), "{entry}");
    assert_eq!(entry["swaggerUrl"], format!("revision:{revision}"));
    assert_eq!(entry["version"], "1.2.0");

    // A release made elsewhere, recorded.
    let posted = json!({ "sdkName": "pets-swift", "version": "2.0.0", "language": "swift", "tags": "ios",
                         "releaseDate": "2026-01-02T03:04:05Z" });
    let answer = expect(&server, 201, "POST", &format!("/api/CodeGen/{api}/PostHistory"), Some(posted)).await;
    assert_eq!((answer["code"].as_i64(), answer["data"]["kind"].as_str()), (Some(201), Some("posted")));
    assert_eq!(answer["data"]["releaseDate"], "2026-01-02T03:04:05Z");
    let bad = json!({ "sdkName": "", "version": "1", "language": "swift" });
    expect(&server, 422, "POST", &format!("/api/CodeGen/{api}/PostHistory"), Some(bad)).await;
    let history = expect(&server, 200, "GET", &format!("/api/CodeGen/{api}/History"), None).await;
    assert_eq!(history["data"][0]["kind"], "posted", "newest first");

    // Permissions: each operation its own, seed 001's names.
    let viewer = viewer_token(&server).await;
    let base = format!("/api/CodeGen/{api}");
    let every = [
        ("GET", "/api/CodeGenerators/Servers".to_string(), None, "isms.codegen.servers"),
        ("POST", format!("{base}/Gen"), Some(json!({ "genName": "rust" })), "isms.codegen.gen"),
        ("GET", format!("{base}/NpmOptions/angular2"), None, "isms.codegen.npmoptions"),
        ("PUT", format!("{base}/NpmOptions/jQuery"), Some(npm_options("x")), "isms.codegen.putnpmoptions"),
        ("GET", format!("{base}/GithubOptions"), None, "isms.codegen.githuboptions"),
        (
            "PUT",
            format!("{base}/GithubOptions"),
            Some(json!({ "owner": "a", "repo": "b" })),
            "isms.codegen.putgithuboptions",
        ),
        ("PUT", format!("{base}/SyncGithub"), None, "isms.codegen.putgithuboptions"),
        ("GET", format!("{base}/CommonOptions"), None, "isms.codegen.commonoptions"),
        ("PUT", format!("{base}/CommonOptions"), Some(json!({})), "isms.codegen.putcommonoptions"),
        (
            "POST",
            "/api/CodeGenerators/ReleaseSDK".to_string(),
            Some(json!({ "platform": "npm", "language": "angular2", "apiId": api })),
            "isms.codegen.releasesdk",
        ),
        ("GET", format!("{base}/History"), None, "isms.apiresource.history"),
        (
            "POST",
            format!("{base}/PostHistory"),
            Some(json!({ "sdkName": "s", "version": "1", "language": "l" })),
            "isms.codegen.posthistory",
        ),
    ];
    assert_eq!(as_bearer(&server, Some(&viewer), "GET", "/api/CodeGenerators/Clients", None).await.0, 200);
    for (method, path, body, permission) in &every {
        let (code, answer) = as_bearer(&server, Some(&viewer), method, path, body.clone()).await;
        assert_eq!(code, 403, "{method} {path}: {answer}");
        assert!(answer["message"].as_str().unwrap().contains(permission), "{answer}");
        assert_eq!(anonymous(&server, method, path, body.clone()).await.0, 401, "{method} {path} without a token");
    }

    // Another tenant's API is not found from here.
    let beta: keyward_sdk::types::TenantCreate =
        serde_json::from_value(json!({ "name": "Beta", "hosts": [{ "hostName": "beta.test" }] })).unwrap();
    server.admin().await.tenant_create().body(beta).send().await.unwrap();
    let (code, created) =
        call(&server, "POST", "/api/ApiResource", Some(json!({ "name": "beta-api" })), Some("beta.test")).await;
    assert_eq!(code, 201, "{created}");
    let beta_api = created["data"]["id"].as_i64().unwrap();
    let beta_base = format!("/api/CodeGen/{beta_api}");
    // Beta's API has a revision and every option, so a 404 here is isolation, not absence.
    let seeded = [
        (format!("/api/ApiResource/{beta_api}/PublishRevision"), "POST", json!({ "document": pets() }), 201),
        (format!("{beta_base}/NpmOptions/jQuery"), "PUT", npm_options("beta"), 200),
        (format!("{beta_base}/NpmOptions/angular2"), "PUT", npm_options("beta"), 200),
        (format!("{beta_base}/GithubOptions"), "PUT", json!({ "owner": "beta", "repo": "sdk", "token": "t" }), 200),
        (format!("{beta_base}/CommonOptions"), "PUT", json!({}), 200),
    ];
    for (path, method, body, status) in seeded {
        let (code, answer) = call(&server, method, &path, Some(body), Some("beta.test")).await;
        assert_eq!(code, status, "{method} {path} at beta: {answer}");
    }
    assert_eq!(call(&server, "GET", &format!("{beta_base}/GithubOptions"), None, Some("beta.test")).await.0, 200);
    for (method, path, body, _) in every.iter().filter(|(_, path, _, _)| path.starts_with(&base)) {
        let path = path.replace(&base, &beta_base);
        let (code, answer) = call(&server, method, &path, body.clone(), None).await;
        assert_eq!(code, 404, "{method} {path} across tenants: {answer}");
    }
    let release = json!({ "platform": "npm", "language": "angular2", "apiId": beta_api });
    let (code, answer) = call(&server, "POST", "/api/CodeGenerators/ReleaseSDK", Some(release), None).await;
    assert_eq!(code, 404, "ReleaseSDK across tenants: {answer}");
}

const GEN: &str = "/api/CodeGenerators/Gen";

/// Anonymous generation is off until the operator turns it on; then it is
/// limited to reviewed generators and to a number of attempts per address.
async fn anonymous_generation_is_a_setting(server: TestServer) {
    let rust = json!({ "genName": "rust", "document": pets() });
    let (code, answer) = anonymous(&server, "POST", GEN, Some(rust.clone())).await;
    assert_eq!(code, 401, "off by default: {answer}");
    assert!(answer["message"].as_str().unwrap().contains("--codegen-anonymous"), "{answer}");
    // A caller holding `isms.codegen.gen` generates; one without it may not.
    expect(&server, 200, "POST", GEN, Some(rust.clone())).await;
    let viewer = viewer_token(&server).await;
    let (code, answer) = as_bearer(&server, Some(&viewer), "POST", GEN, Some(rust.clone())).await;
    assert_eq!(code, 403, "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("isms.codegen.gen"), "{answer}");

    // On: the reviewed generators only (checked before any is run).
    let server = open_to_anonymous(server).await;
    let (code, answer) = anonymous(&server, "POST", GEN, Some(rust.clone())).await;
    assert_eq!(code, 200, "{answer}");
    let mut attempts = 1;
    for name in ["haskell-http-client", "zapier"] {
        let (code, answer) =
            anonymous(&server, "POST", GEN, Some(json!({ "genName": name, "document": pets() }))).await;
        attempts += 1;
        assert_eq!(code, 401, "{name}: {answer}");
        assert!(answer["message"].as_str().unwrap().contains("typescript-fetch"), "the list is named: {answer}");
    }
    // Every attempt from an address counts, refused ones too, up to the limit.
    while attempts < ANONYMOUS_PER_ADDRESS {
        let body = json!({ "genName": "zapier", "document": pets() });
        assert_eq!(anonymous(&server, "POST", GEN, Some(body)).await.0, 401);
        attempts += 1;
    }
    let (code, answer) = anonymous(&server, "POST", GEN, Some(rust.clone())).await;
    assert_eq!(code, 429, "{answer}");
    // Callers with a token are not counted.
    expect(&server, 200, "POST", GEN, Some(rust)).await;
}

/// Hostile documents: refused before anything is built or run from them,
/// and the server answers after.
async fn hostile_documents_are_refused(server: TestServer) {
    let server = open_to_anonymous(server).await;
    // Billion laughs, anonymously: a 4xx, not a crash.
    let body = json!({ "genName": "rust", "document": yaml_document("Laughs", &laughs(9, 9)) });
    let (code, answer) = anonymous(&server, "POST", GEN, Some(body)).await;
    assert_eq!(code, 422, "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("anchors and aliases"), "{answer}");
    let health = server.http().get(format!("{}/healthz", server.url)).send().await.unwrap();
    assert_eq!(health.status(), 200);

    // A document as text: up to the limit, not a byte more.
    let head = yaml_document("Big", "x-pad: ");
    let at_limit = format!("{head}{}", "a".repeat(MAX_BYTES - head.len()));
    assert_eq!(at_limit.len(), MAX_BYTES);
    let answer = expect(&server, 200, "POST", GEN, Some(json!({ "genName": "rust", "document": at_limit }))).await;
    assert_eq!(paths(&answer), ["Cargo.toml", "README.md", "src/lib.rs"]);
    let past = format!("{head}{}", "a".repeat(MAX_BYTES + 1 - head.len()));
    let answer = expect(&server, 413, "POST", GEN, Some(json!({ "genName": "rust", "document": past }))).await;
    assert!(answer["message"].as_str().unwrap().contains("larger than"), "{answer}");

    // Names generators make files of: no separators, `..` or control characters.
    for (path, name) in [
        ("/info/title", "../../../../tmp/created"),
        ("/info/title", "..\\..\\created"),
        ("/tags/0/name", "a/b"),
        ("/paths/~1pets~1{id}/get/tags/0", ".."),
        ("/paths/~1pets~1{id}/get/operationId", "get\u{0}pet"),
    ] {
        let mut document = pets();
        *document.pointer_mut(path).unwrap() = json!(name);
        let (code, answer) =
            anonymous(&server, "POST", GEN, Some(json!({ "genName": "rust", "document": document }))).await;
        assert_eq!(code, 422, "{path} = {name:?}: {answer}");
        assert!(answer["message"].as_str().unwrap().contains("file name"), "{answer}");
    }
    let mut document = pets();
    let schemas = document.pointer_mut("/components/schemas").unwrap().as_object_mut().unwrap();
    let pet = schemas.remove("Pet").unwrap();
    schemas.insert("../../models/Pet".into(), pet);
    let (code, answer) =
        anonymous(&server, "POST", GEN, Some(json!({ "genName": "rust", "document": document }))).await;
    assert_eq!(code, 422, "{answer}");
}

/// openapi-generator's generators write nothing outside their directory:
/// a title or a schema name that is a path is refused before they run (and
/// they run with only their directory writable: see the server's
/// `codegen::sandbox` tests).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generators_stay_in_their_directory() {
    let Some(server) = TestServer::start(Db::Sqlite).await else { return };
    let codegen = CodegenArgs { openapi_generator: Some(openapi_generator()), ..CodegenArgs::default() };
    let server = server.restart_with(|settings| Settings { codegen, ..settings }).await;
    let outside = std::env::temp_dir().join(format!("keyward-escape-{}", uuid::Uuid::new_v4().simple()));
    let mut document = pets();
    document["info"]["title"] = json!(format!("{}{}/created", "../".repeat(12), outside.display()));
    let body = json!({ "genName": "haskell-http-client", "document": document });
    let (code, answer) = call(&server, "POST", GEN, Some(body), None).await;
    assert!(!outside.exists(), "{} was created", outside.display());
    assert_eq!(code, 422, "{answer}");
    let mut document = pets();
    let schemas = document.pointer_mut("/components/schemas").unwrap().as_object_mut().unwrap();
    let pet = schemas.remove("Pet").unwrap();
    schemas.insert(format!("{}{}/Pet", "../".repeat(12), outside.display()), pet);
    let body = json!({ "genName": "zapier", "document": document });
    let (code, answer) = call(&server, "POST", GEN, Some(body), None).await;
    assert!(!outside.exists(), "{} was created", outside.display());
    assert_eq!(code, 422, "{answer}");
}

fn npm_options(name: &str) -> Value {
    json!({ "name": name, "sdkName": "PetsSdk", "version": "1.0.0", "homepage": "https://pets.example" })
}

async fn options_keep_tokens_sealed(server: TestServer) {
    let api = create_api(&server, "pets").await;
    let base = format!("/api/CodeGen/{api}");
    for (path, code, name) in [
        ("NpmOptions/angular2", 200002, "NpmOptions_GetOptionsFialed"),
        ("GithubOptions", 200003, "GithubOptions_GetOptionsFialed"),
        ("CommonOptions", 200004, "CommonOptions_GetOptionsFialed"),
    ] {
        let answer = expect(&server, 404, "GET", &format!("{base}/{path}"), None).await;
        assert_eq!((answer["code"].as_i64(), answer["codeName"].as_str()), (Some(code), Some(name)), "{answer}");
    }

    // npm: the token is written, sealed, never answered.
    let secret = "npm_SECRET_token_0123456789";
    let mut body = npm_options("@acme/pets");
    body["token"] = json!(secret);
    body["keywords"] = json!(["pets", "api"]);
    body["README"] = json!("# Pets");
    let answer = expect(&server, 200, "PUT", &format!("{base}/NpmOptions/angular2"), Some(body.clone())).await;
    let data = &answer["data"];
    assert_eq!((data["tokenSet"].as_bool(), data["README"].as_str()), (Some(true), Some("# Pets")), "{answer}");
    assert_eq!(data.get("token"), None);
    assert!(!answer.to_string().contains(secret));
    let stored = server.db.texts("SELECT token FROM codegen_options").await;
    assert_eq!(stored.len(), 1);
    assert!(stored[0].starts_with("kw1:") && !stored[0].contains(secret), "sealed under the master key");
    let viewed = expect(&server, 200, "GET", &format!("{base}/NpmOptions/angular2"), None).await;
    assert!(!viewed.to_string().contains(secret));
    assert_eq!(viewed["data"]["keywords"], json!(["pets", "api"]));
    // Left out: kept. Empty: removed. The other language is apart.
    let kept =
        expect(&server, 200, "PUT", &format!("{base}/NpmOptions/angular2"), Some(npm_options("@acme/pets"))).await;
    assert_eq!(kept["data"]["tokenSet"], true);
    assert_eq!(server.db.texts("SELECT token FROM codegen_options").await, stored);
    let mut cleared = npm_options("@acme/pets");
    cleared["token"] = json!("");
    let cleared = expect(&server, 200, "PUT", &format!("{base}/NpmOptions/angular2"), Some(cleared)).await;
    assert_eq!(cleared["data"]["tokenSet"], false);
    expect(&server, 404, "GET", &format!("{base}/NpmOptions/jQuery"), None).await;

    let bad_npm = [
        ("name", json!("Pets"), "name"),
        ("name", json!("@acme/"), "name"),
        ("version", json!("1.0"), "version"),
        ("homepage", json!("ftp://pets.example"), "homepage"),
        ("sdkName", json!("1Pets"), "sdkName"),
        ("keywords", json!((0..21).map(|i| format!("k{i}")).collect::<Vec<_>>()), "keywords"),
        ("license", json!("MIT License"), "license"),
    ];
    for (field, value, says) in bad_npm {
        let mut body = npm_options("pets");
        body[field] = value;
        let answer = expect(&server, 422, "PUT", &format!("{base}/NpmOptions/angular2"), Some(body)).await;
        assert!(answer["message"].as_str().unwrap().contains(says), "{field}: {answer}");
    }
    expect(&server, 400, "PUT", &format!("{base}/NpmOptions/vue"), Some(npm_options("pets"))).await;
    let mut unknown = npm_options("pets");
    unknown["tokn"] = json!("x");
    expect(&server, 400, "PUT", &format!("{base}/NpmOptions/angular2"), Some(unknown)).await;

    // GitHub.
    let github_body = json!({ "owner": "acme", "repo": "pets-sdk", "token": "ghp_SECRET", "syncDocs": true });
    let answer = expect(&server, 200, "PUT", &format!("{base}/GithubOptions"), Some(github_body)).await;
    let data = &answer["data"];
    assert_eq!((data["tokenSet"].as_bool(), data["genName"].as_str()), (Some(true), Some("rust")), "{answer}");
    assert!(!answer.to_string().contains("ghp_SECRET"));
    for (field, value) in [
        ("owner", json!("acme corp")),
        ("repo", json!("..")),
        ("branch", json!("a..b")),
        ("swaggerUrl", json!("not a url")),
        ("userAgent", json!("a\u{7}b")),
    ] {
        let mut body = json!({ "owner": "acme", "repo": "pets-sdk" });
        body[field] = value;
        let answer = expect(&server, 422, "PUT", &format!("{base}/GithubOptions"), Some(body)).await;
        assert!(answer["message"].as_str().unwrap().contains(field), "{field}: {answer}");
    }

    // Common.
    let common = json!({ "swaggerUrl": "https://pets.example/openapi.json" });
    assert_eq!(
        expect(&server, 200, "PUT", &format!("{base}/CommonOptions"), Some(common.clone())).await["data"],
        common
    );
    assert_eq!(expect(&server, 200, "GET", &format!("{base}/CommonOptions"), None).await["data"], common);
    expect(&server, 422, "PUT", &format!("{base}/CommonOptions"), Some(json!({ "swaggerUrl": "file:///etc/passwd" })))
        .await;
    expect(&server, 404, "GET", "/api/CodeGen/999999/CommonOptions", None).await;
}

async fn sync_pushes_to_github(server: TestServer) {
    let fake = GithubFake::start().await;
    let server =
        configured(server, fake.address, CodegenArgs { github_api: Some(fake.url.clone()), ..CodegenArgs::default() })
            .await;
    let api = api_with_revision(&server, "pets").await;
    let base = format!("/api/CodeGen/{api}");
    let options = json!({ "owner": github::OWNER, "repo": github::REPO, "token": github::TOKEN, "syncLabels": true });
    expect(&server, 200, "PUT", &format!("{base}/GithubOptions"), Some(options.clone())).await;

    let synced = expect(&server, 200, "PUT", &format!("{base}/SyncGithub"), None).await["data"].clone();
    assert_eq!((synced["repository"].as_str(), synced["branch"].as_str()), (Some("acme/pets-sdk"), Some("main")));
    assert_eq!(synced["files"], 2, "Cargo.toml and src/lib.rs; no documentation without syncDocs: {synced}");
    assert_eq!(synced["labelsCreated"], json!(["pets", "store"]), "`existing` is left alone");
    let files = fake.files("main");
    assert_eq!(
        files.keys().collect::<Vec<_>>(),
        ["Cargo.toml", "LICENSE", "src/lib.rs"],
        "the branch's files are kept"
    );
    assert!(String::from_utf8_lossy(&files["src/lib.rs"]).contains("pub struct Pet"));
    assert_eq!(fake.history("main"), [synced["commit"].as_str().unwrap(), "c0"]);
    for request in fake.requests() {
        assert_eq!(request.headers["authorization"], format!("Bearer {}", github::TOKEN));
        assert_eq!(request.headers["user-agent"], "Keyward");
        assert_eq!(request.headers["x-github-api-version"], "2022-11-28");
    }

    // Nothing changed: no commit.
    let again = expect(&server, 200, "PUT", &format!("{base}/SyncGithub"), None).await["data"].clone();
    assert_eq!((again["files"].as_i64(), &again["commit"]), (Some(0), &synced["commit"]), "{again}");
    assert_eq!(fake.history("main").len(), 2);

    // With the documentation, on top, by two syncs at once: one commit, the
    // branch stays linear, and one that lost the race is told to sync again.
    let mut with_docs = options.clone();
    with_docs["syncDocs"] = json!(true);
    expect(&server, 200, "PUT", &format!("{base}/GithubOptions"), Some(with_docs)).await;
    let sync = format!("{base}/SyncGithub");
    let (a, b) = tokio::join!(call(&server, "PUT", &sync, None, None), call(&server, "PUT", &sync, None, None));
    let codes = [a.0, b.0];
    assert!(codes.contains(&200) && codes.iter().all(|c| *c == 200 || *c == 409), "{a:?} {b:?}");
    assert!(fake.files("main").contains_key("README.md"));
    assert_eq!(fake.history("main").len(), 3, "one commit: {a:?} {b:?}");
    let concurrent = codes.iter().filter(|code| **code == 200).count();

    // GitHub refusing the token: 502, the token never in the answer.
    let mut wrong = options.clone();
    wrong["token"] = json!("ghp_WRONG_token");
    expect(&server, 200, "PUT", &format!("{base}/GithubOptions"), Some(wrong)).await;
    let answer = expect(&server, 502, "PUT", &format!("{base}/SyncGithub"), None).await;
    let message = answer["message"].as_str().unwrap();
    assert!(message.contains("GitHub answered 401") && message.contains("Bad credentials"), "{answer}");
    assert!(!message.contains("ghp_WRONG"));
    // No token at all: 422.
    let mut none = options.clone();
    none["token"] = json!("");
    expect(&server, 200, "PUT", &format!("{base}/GithubOptions"), Some(none)).await;
    expect(&server, 422, "PUT", &format!("{base}/SyncGithub"), None).await;
    // A branch that does not exist: GitHub's 404, as a 502.
    let mut branch = options.clone();
    branch["branch"] = json!("release/v9");
    expect(&server, 200, "PUT", &format!("{base}/GithubOptions"), Some(branch)).await;
    expect(&server, 502, "PUT", &format!("{base}/SyncGithub"), None).await;

    let history = expect(&server, 200, "GET", &format!("{base}/History"), None).await;
    let syncs: Vec<&Value> = history["data"].as_array().unwrap().iter().filter(|e| e["kind"] == "sync").collect();
    assert_eq!(syncs.len(), 2 + concurrent, "{history}");
    let first = syncs.last().unwrap();
    assert_eq!((first["sdkName"].as_str(), first["tags"].as_str()), (Some("acme/pets-sdk"), Some("pets,store")));
}

async fn release_publishes_to_npm(server: TestServer) {
    let registry = Verdaccio::start().await;
    let codegen = CodegenArgs {
        openapi_generator: Some(openapi_generator()),
        npm_registry: Some(registry.url.clone()),
        ..CodegenArgs::default()
    };
    let server = configured(server, registry.address, codegen).await;
    // openapi-generator's clients join the list; its `rust` is shadowed.
    let clients = expect(&server, 200, "GET", "/api/CodeGenerators/Clients", None).await;
    let clients = clients["data"].as_array().unwrap();
    assert!(clients.contains(&json!({ "name": "typescript-angular", "engine": "openapiGenerator" })));
    assert_eq!(clients.iter().filter(|c| c["name"] == "rust").count(), 1);
    let servers = expect(&server, 200, "GET", "/api/CodeGenerators/Servers", None).await;
    assert!(
        servers["data"].as_array().unwrap().contains(&json!({ "name": "rust-axum", "engine": "openapiGenerator" }))
    );

    let api = api_with_revision(&server, "pets").await;
    let mut options = npm_options("@acme/pets");
    options["token"] = json!(registry.token);
    options["README"] = json!("# Pets for Angular");
    expect(&server, 200, "PUT", &format!("/api/CodeGen/{api}/NpmOptions/angular2"), Some(options.clone())).await;
    let release = json!({ "platform": "npm", "language": "angular2", "apiId": api, "tags": "first" });
    let released = expect(&server, 201, "POST", "/api/CodeGenerators/ReleaseSDK", Some(release.clone())).await;
    let entry = &released["data"];
    assert_eq!((entry["kind"].as_str(), entry["version"].as_str()), (Some("release"), Some("1.0.0")), "{released}");
    assert_eq!((entry["sdkName"].as_str(), entry["language"].as_str()), (Some("PetsSdk"), Some("angular2")));

    // The registry holds it, with our manifest and the generated code.
    let http = reqwest::Client::new();
    let package: Value = http.get(format!("{}/@acme%2fpets", registry.url)).send().await.unwrap().json().await.unwrap();
    let version = &package["versions"]["1.0.0"];
    assert_eq!(version["homepage"], "https://pets.example", "{package}");
    let tarball = http.get(version["dist"]["tarball"].as_str().unwrap()).send().await.unwrap().bytes().await.unwrap();
    let path = std::env::temp_dir().join(format!("keyward-release-{}.tgz", uuid::Uuid::new_v4().simple()));
    std::fs::write(&path, &tarball).unwrap();
    let listing = std::process::Command::new("tar").arg("-tzf").arg(&path).output().unwrap();
    let _ = std::fs::remove_file(&path);
    let listing = String::from_utf8_lossy(&listing.stdout);
    for expected in ["package/package.json", "package/README.md", "package/api/api.ts"] {
        assert!(listing.lines().any(|line| line == expected), "{expected} in {listing}");
    }

    // The same version again: the registry's refusal, as a 502.
    let answer = expect(&server, 502, "POST", "/api/CodeGenerators/ReleaseSDK", Some(release.clone())).await;
    assert!(answer["message"].as_str().unwrap().contains("the npm registry answered"), "{answer}");
    // A bad token: refused too, and never shown.
    options["token"] = json!("npm_WRONG_token");
    options["version"] = json!("1.0.1");
    expect(&server, 200, "PUT", &format!("/api/CodeGen/{api}/NpmOptions/angular2"), Some(options)).await;
    let answer = expect(&server, 502, "POST", "/api/CodeGenerators/ReleaseSDK", Some(release.clone())).await;
    assert!(!answer["message"].as_str().unwrap().contains("npm_WRONG"), "{answer}");
    // Other platforms, and a language without options.
    let mut nuget = release.clone();
    nuget["platform"] = json!("nuget");
    let answer = expect(&server, 501, "POST", "/api/CodeGenerators/ReleaseSDK", Some(nuget)).await;
    assert!(answer["message"].as_str().unwrap().contains("nuget"), "{answer}");
    let mut jquery = release.clone();
    jquery["language"] = json!("jQuery");
    let answer = expect(&server, 404, "POST", "/api/CodeGenerators/ReleaseSDK", Some(jquery)).await;
    assert_eq!(answer["code"], 200002);
    let history = expect(&server, 200, "GET", &format!("/api/CodeGen/{api}/History"), None).await;
    assert_eq!(history["data"].as_array().unwrap().iter().filter(|e| e["kind"] == "release").count(), 1);
}

/// The generated Rust SDK builds: `cargo check` on it, offline, against the
/// crates this workspace already fetched.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_rust_sdk_compiles() {
    let Some(server) = TestServer::start(Db::Sqlite).await else { return };
    let generated =
        expect(&server, 200, "POST", "/api/CodeGenerators/Gen", Some(json!({ "genName": "rust", "document": pets() })))
            .await;
    let dir = std::env::temp_dir().join(format!("keyward-generated-{}", uuid::Uuid::new_v4().simple()));
    for file in generated["data"]["files"].as_array().unwrap() {
        let path = dir.join(file["path"].as_str().unwrap());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, file["content"].as_str().unwrap()).unwrap();
    }
    let target = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/generated-sdk-check"));
    let output = tokio::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["check", "--offline", "--quiet"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .await
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(output.status.success(), "cargo check: {}", String::from_utf8_lossy(&output.stderr));
}

/// A generation past its memory or time limit is stopped and refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generation_is_limited() {
    let Some(server) = TestServer::start(Db::Sqlite).await else { return };
    let server = server
        .restart_with(|settings| Settings {
            codegen: CodegenArgs { codegen_memory_mb: Some(64), ..anonymous_on() },
            ..settings
        })
        .await;
    // 200 schemas of 20 properties: megabytes of generated code.
    let schemas: serde_json::Map<String, Value> = (0..200)
        .map(|i| {
            let properties: serde_json::Map<String, Value> =
                (0..20).map(|j| (format!("p{j}"), json!({ "type": "string" }))).collect();
            (format!("S{i}"), json!({ "type": "object", "properties": properties }))
        })
        .collect();
    let big = json!({ "openapi": "3.0.3", "info": { "title": "Big", "version": "1" }, "paths": {},
                      "components": { "schemas": schemas } });
    let small = json!({ "genName": "rust", "document": pets() });
    let (code, answer) = anonymous(&server, "POST", "/api/CodeGenerators/Gen", Some(small)).await;
    assert_eq!(code, 200, "a small document fits in 64 MiB: {answer}");
    let body = json!({ "genName": "rust", "document": big });
    let (code, answer) = anonymous(&server, "POST", "/api/CodeGenerators/Gen", Some(body)).await;
    assert_eq!(code, 422, "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("more than 64 MiB"), "{answer}");

    let server = server
        .restart_with(|settings| Settings {
            codegen: CodegenArgs {
                openapi_generator: Some(openapi_generator()),
                codegen_timeout: Some(1),
                ..anonymous_on()
            },
            ..settings
        })
        .await;
    let body = json!({ "genName": "typescript-fetch", "document": pets() });
    let (code, answer) = anonymous(&server, "POST", "/api/CodeGenerators/Gen", Some(body)).await;
    assert_eq!(code, 422, "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("longer than 1 s"), "{answer}");

    // Two slots: an anonymous generation holds the one anonymous callers
    // may have (taken before its document is fetched, which the document
    // server holds up), so another is 503 at once while an administrator's runs.
    let (docs, arrived) = slow_document_server(std::time::Duration::from_secs(3)).await;
    let server = configured(server, docs, anonymous_on()).await;
    let fetched = json!({ "genName": "rust", "swaggerUrl": format!("http://{docs}/openapi.json") });
    let first = anonymous(&server, "POST", "/api/CodeGenerators/Gen", Some(fetched));
    let others = async {
        arrived.notified().await;
        let given = json!({ "genName": "rust", "document": pets() });
        let refused = anonymous(&server, "POST", "/api/CodeGenerators/Gen", Some(given)).await;
        let api = api_with_revision(&server, "pets").await;
        let admin =
            call(&server, "POST", &format!("/api/CodeGen/{api}/Gen"), Some(json!({ "genName": "rust" })), None).await;
        (refused, admin)
    };
    let ((first, answer), ((refused, refusal), (admin, _))) = tokio::join!(first, others);
    assert_eq!(first, 200, "{answer}");
    assert_eq!(refused, 503, "{refusal}");
    assert_eq!(admin, 200, "an administrator is not kept waiting by anonymous generations");
}

/// A token of a new client holding only `isms.codegen.clients`.
async fn viewer_token(server: &TestServer) -> String {
    let secret = flow::create_app(
        server,
        json!({ "clientId": "codegen-viewer", "allowedGrantTypes": [{ "grantType": "client_credentials" }],
                "allowedScopes": [{ "scope": "isms.codegen.clients" }] }),
    )
    .await
    .unwrap();
    server.token("codegen-viewer", &secret, None).await
}
