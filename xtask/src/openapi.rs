//! The contract: `openapi/keyward.json`, generated from the `KeywardApi`
//! trait and post-processed with what dropshot cannot express.

use anyhow::{Context, Result};
use keyward_api::access::{Access, OPERATIONS, UNPUBLISHED, access};
use serde_json::{Value, json};

pub const PATH: &str = "openapi/keyward.json";

/// The document as it should be committed.
pub fn render() -> Result<String> {
    let description = keyward_api::keyward_api_mod::stub_api_description()
        .map_err(|e| anyhow::anyhow!("the API trait does not describe a valid API: {e:?}"))?;
    let mut definition = description.openapi("Keyward", semver::Version::new(0, 1, 0));
    definition
        .description(
            "Multi-tenant OAuth 2.0 / OpenID Connect authorization server and identity service. \
             Admin operations need a bearer access token whose scopes grant the permission named \
             in each operation's `x-keyward-permission`.",
        )
        .license_name("Apache-2.0");
    let mut document = definition.json().context("serializing the OpenAPI document")?;
    post_process(&mut document)?;
    Ok(serde_json::to_string_pretty(&document)? + "\n")
}

/// Adds servers, security schemes and each operation's access rule.
fn post_process(document: &mut Value) -> Result<()> {
    document["servers"] = json!([{ "url": "http://127.0.0.1:8080", "description": "keyward serve, default bind" }]);
    document["components"]["securitySchemes"] = json!({
        "bearerAuth": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "An RFC 9068 access token from `POST /oauth/token`."
        },
        "clientBasic": {
            "type": "http",
            "scheme": "basic",
            "description": "OAuth client authentication (`client_secret_basic`): client id and secret, each form-urlencoded."
        }
    });
    let paths = document["paths"].as_object_mut().context("document has no paths")?;
    head_without_bodies(paths);
    let mut seen = Vec::new();
    for item in paths.values_mut() {
        for operation in item.as_object_mut().context("path item is not an object")?.values_mut() {
            let Some(id) = operation.get("operationId").and_then(Value::as_str).map(str::to_owned) else {
                continue;
            };
            let rule = access(&id).with_context(|| format!("operation `{id}` is missing from keyward_api::access"))?;
            let (security, permission) = match rule {
                Access::Public => (json!([]), "none".to_string()),
                Access::Client => (json!([{ "clientBasic": [] }, {}]), "client authentication".to_string()),
                Access::Permission(name) => (json!([{ "bearerAuth": [] }]), name.to_string()),
                Access::Scope(scope) => {
                    (json!([{ "bearerAuth": [] }]), format!("a user's access token with scope `{scope}`"))
                }
                Access::AppUser => {
                    (json!([{ "bearerAuth": [] }]), "an access token the app issued to the user".to_string())
                }
                Access::AppServer => (
                    json!([{ "clientBasic": [] }, { "bearerAuth": [] }]),
                    "the app's client authentication (a user's token where the app allows it)".to_string(),
                ),
                Access::User => {
                    (json!([{ "bearerAuth": [] }]), "a user's own access token from a first-party client".to_string())
                }
                Access::UserOrPermission(name) => (
                    json!([{ "bearerAuth": [] }]),
                    format!("the user's own access token from a first-party client, or `{name}` for any user"),
                ),
            };
            operation["security"] = security;
            operation["x-keyward-permission"] = json!(permission);
            seen.push(id);
        }
    }
    for (id, _) in OPERATIONS.iter().filter(|(id, _)| !UNPUBLISHED.contains(id)) {
        anyhow::ensure!(seen.iter().any(|s| s == id), "keyward_api::access lists `{id}`, which the API does not have");
    }
    Ok(())
}

/// An answer to HEAD has no body (RFC 9110 §9.3.2), but dropshot describes
/// the error body of every operation, which a generated client would then
/// fail to parse: a HEAD operation's responses are described without content.
fn head_without_bodies(paths: &mut serde_json::Map<String, Value>) {
    let responses = paths.values_mut().filter_map(|item| item.get_mut("head")?.get_mut("responses")?.as_object_mut());
    for responses in responses {
        for (status, response) in responses.iter_mut() {
            let description = if status.starts_with('2') {
                response.get("description").cloned().unwrap_or_else(|| json!("success"))
            } else {
                json!("Failure; the status says which (a HEAD answer has no body).")
            };
            *response = json!({ "description": description });
        }
    }
}

pub fn generate() -> Result<()> {
    let path = crate::root().join(PATH);
    std::fs::write(&path, render()?)?;
    println!("wrote {}", path.display());
    Ok(())
}

pub fn check() -> Result<()> {
    crate::compare(&crate::root().join(PATH), &render()?, "cargo xtask openapi generate")
}
