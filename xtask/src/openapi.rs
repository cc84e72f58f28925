//! The contract: `openapi/keyward.json`, generated from the `KeywardApi`
//! trait and post-processed with what dropshot cannot express, so that every
//! generator (progenitor, openapi-generator, openapi-typescript, …) reads it
//! without guessing.

use anyhow::{Context, Result};
use keyward_api::access::{Access, BROWSER_ONLY, OPERATIONS, UNPUBLISHED, access};
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;
use std::process::Command;

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
        .contact_name("Keyward")
        .license_name("Apache-2.0");
    let mut document = definition.json().context("serializing the OpenAPI document")?;
    post_process(&mut document)?;
    Ok(serde_json::to_string_pretty(&document)? + "\n")
}

/// The committed document as the SDK generators read it: without the
/// operations marked `x-keyward-sdk: false` and the schemas only they use.
pub fn sdk_document() -> Result<Value> {
    let text = std::fs::read_to_string(crate::util::root().join(PATH))?;
    let mut document: Value = serde_json::from_str(&text).context("parsing the committed OpenAPI document")?;
    let paths = document["paths"].as_object_mut().context("document has no paths")?;
    for item in paths.values_mut() {
        if let Some(item) = item.as_object_mut() {
            item.retain(|_, operation| operation.get("x-keyward-sdk") != Some(&json!(false)));
        }
    }
    paths.retain(|_, item| item.as_object().is_some_and(|item| !item.is_empty()));
    let mut outside = document.clone();
    outside["components"]["schemas"] = json!({});
    let used = closure(&document["components"]["schemas"], referenced(&outside));
    if let Some(schemas) = document["components"]["schemas"].as_object_mut() {
        schemas.retain(|name, _| used.contains(name));
    }
    Ok(document)
}

/// Adds servers, security schemes, each operation's access rule and raw
/// responses, and makes the schemas readable to generators.
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
            let (security, kind, value) = match rule {
                Access::Public | Access::Health | Access::Metrics => (json!([]), "public", None),
                Access::Client => (json!([{ "clientBasic": [] }, {}]), "client", None),
                Access::Permission(name) => (json!([{ "bearerAuth": [] }]), "permission", Some(name)),
                Access::Scope(scope) => (json!([{ "bearerAuth": [] }]), "scope", Some(scope)),
                Access::AppUser => (json!([{ "bearerAuth": [] }]), "app_user", None),
                Access::AppServer => (json!([{ "clientBasic": [] }, { "bearerAuth": [] }]), "app_server", None),
                Access::User => (json!([{ "bearerAuth": [] }]), "user", None),
                Access::UserOrPermission(name) => (json!([{ "bearerAuth": [] }]), "user_or_permission", Some(name)),
            };
            operation["security"] = security;
            operation["x-keyward-permission"] = json!({ "kind": kind, "value": value });
            let browser = BROWSER_ONLY.contains(&id.as_str());
            if browser {
                operation["x-keyward-sdk"] = json!(false);
            }
            raw_responses(&id, operation, browser)?;
            seen.push(id);
        }
    }
    for (id, _) in OPERATIONS.iter().filter(|(id, _)| !UNPUBLISHED.contains(id)) {
        anyhow::ensure!(seen.iter().any(|s| s == id), "keyward_api::access lists `{id}`, which the API does not have");
    }
    for id in BROWSER_ONLY {
        anyhow::ensure!(access(id).is_some(), "keyward_api::access::BROWSER_ONLY lists `{id}`, which is no operation");
    }
    readable_schema_names(document)?;
    let schemas = document["components"]["schemas"].as_object_mut().context("document has no schemas")?;
    for schema in schemas.values_mut() {
        flat_enums(schema);
    }
    open_enums(schemas)?;
    request_defaults_described(document);
    Ok(())
}

/// An answer to HEAD has no body (RFC 9110 §9.3.2), but dropshot describes
/// the error body of every operation, which a generated client would then
/// fail to parse: a HEAD operation's responses are described without content.
fn head_without_bodies(paths: &mut Map<String, Value>) {
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

/// What an operation that builds its own HTTP response answers, which
/// dropshot can only describe as `default: */*` (useless to a generator):
/// its success media types with their schema's `type` (`binary` for bytes),
/// and the error body it shares with the typed operations.
struct Raw {
    id: &'static str,
    success: &'static [(&'static str, &'static str)],
    error: &'static str,
}

/// The raw operations that are not pages (a browser-only operation not listed
/// here is described as a page).
const RAW_RESPONSES: &[Raw] = &[
    Raw { id: "docs_asset", success: &[("text/javascript", "string"), ("text/css", "string")], error: "AdminError" },
    Raw { id: "metrics_get", success: &[("text/plain", "string")], error: "AdminError" },
    Raw { id: "openapi_get", success: &[("application/json", "object")], error: "AdminError" },
    // The types `server/src/domain/blobs/kind.rs` finds in an upload.
    Raw {
        id: "blob_view",
        success: &[
            ("image/png", "binary"),
            ("image/jpeg", "binary"),
            ("video/mp4", "binary"),
            ("video/quicktime", "binary"),
            ("video/webm", "binary"),
            ("video/x-matroska", "binary"),
            ("video/x-msvideo", "binary"),
            ("video/x-ms-asf", "binary"),
            ("video/x-flv", "binary"),
            ("video/mpeg", "binary"),
            ("application/pdf", "binary"),
            ("application/msword", "binary"),
            ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "binary"),
        ],
        error: "AdminError",
    },
    Raw { id: "app_qr_image", success: &[("image/png", "binary"), ("image/svg+xml", "binary")], error: "AppError" },
];

/// Replaces the `default: */*` of an operation answering a raw response by
/// what it really answers.
fn raw_responses(id: &str, operation: &mut Value, browser: bool) -> Result<()> {
    let responses = &operation["responses"];
    let raw = responses.as_object().is_some_and(|r| r.len() == 1 && r.contains_key("default"))
        && responses["default"]["content"].get("*/*").is_some();
    if !raw {
        return Ok(());
    }
    let described = match RAW_RESPONSES.iter().find(|raw| raw.id == id) {
        Some(raw) => raw_described(raw),
        None if browser => page_responses(),
        None => anyhow::bail!(
            "operation `{id}` answers a raw response: describe it in RAW_RESPONSES of xtask/src/openapi.rs"
        ),
    };
    operation["responses"] = described;
    Ok(())
}

/// The answers of a raw operation that is not a page.
fn raw_described(raw: &Raw) -> Value {
    let content: Map<String, Value> = raw
        .success
        .iter()
        .map(|(media, kind)| {
            let schema = match *kind {
                "binary" => json!({ "type": "string", "format": "binary" }),
                kind => json!({ "type": kind }),
            };
            (media.to_string(), json!({ "schema": schema }))
        })
        .collect();
    let error = json!({ "$ref": format!("#/components/responses/{}", raw.error) });
    json!({
        "200": { "description": "successful operation", "content": content },
        "4XX": error,
        "5XX": error,
    })
}

/// A hosted page's answers.
fn page_responses() -> Value {
    let html = json!({ "schema": { "type": "string" } });
    json!({
        "200": {
            "description": "A page of ours (sign-in, consent, signed out, logout confirmation, or a `form_post` that submits itself).",
            "content": { "text/html": html }
        },
        "303": {
            "description": "A redirect: to the client's redirect URI with the result, or to the next step.",
            "headers": {
                "Location": { "description": "Where the browser goes next.", "required": true, "schema": { "type": "string" } }
            }
        },
        "4XX": {
            "description": "An error page, or the sign-in page again after a failed sign-in; a malformed parameter gets an `AdminError` body.",
            "content": {
                "text/html": html,
                "application/json": { "schema": { "$ref": "#/components/schemas/AdminError" } }
            }
        },
        "5XX": {
            "description": "An error page (503 while waiting helps).",
            "content": { "text/html": html }
        }
    })
}

/// The name a generated type gets for a schema. schemars spells generic
/// instantiations `ApiResult_for_Array_of_Client`; every language carries
/// that into its type names. The rule, applied whatever the instantiation:
/// `ApiResult<T>` is `TResult`, `Paged<T>` is `TPage`, `SpringResult<T>` is
/// `SpringTResult`, any other wrapper `W<T>` is `TW`, `Vec<T>` is `TList`,
/// and a primitive is capitalized (`Int64Result`, `BooleanEnvelope`).
fn readable(name: &str) -> String {
    if let Some((outer, inner)) = name.split_once("_for_") {
        let inner = readable(inner);
        return match outer {
            "ApiResult" => format!("{inner}Result"),
            "Paged" => format!("{inner}Page"),
            "SpringResult" => format!("Spring{}Result", inner.strip_prefix("Spring").unwrap_or(&inner)),
            _ => format!("{inner}{outer}"),
        };
    }
    if let Some(item) = name.strip_prefix("Array_of_") {
        return format!("{}List", readable(item));
    }
    if let Some(value) = name.strip_prefix("Map_of_") {
        return format!("{}Map", readable(value));
    }
    if let Some(value) = name.strip_prefix("Nullable_") {
        return format!("Nullable{}", readable(value));
    }
    let mut chars = name.chars();
    chars.next().map(|first| first.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

/// Renames every schema to its [`readable`] name, and every reference to it.
fn readable_schema_names(document: &mut Value) -> Result<()> {
    let schemas = document["components"]["schemas"].as_object_mut().context("document has no schemas")?;
    let mut renamed = Map::new();
    for (name, schema) in std::mem::take(schemas) {
        let new = readable(&name);
        anyhow::ensure!(!renamed.contains_key(&new), "schemas `{name}` and another both read as `{new}`");
        renamed.insert(new, schema);
    }
    *schemas = renamed;
    rewrite_refs(document);
    Ok(())
}

fn rewrite_refs(value: &mut Value) {
    match value {
        Value::Object(object) => {
            for (key, value) in object.iter_mut() {
                match (key.as_str(), value) {
                    ("$ref", Value::String(target)) => {
                        if let Some(name) = target.strip_prefix("#/components/schemas/") {
                            *target = format!("#/components/schemas/{}", readable(name));
                        }
                    }
                    (_, value) => rewrite_refs(value),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite_refs),
        _ => {}
    }
}

/// A string enum whose values have doc comments comes out of schemars as a
/// `oneOf` of one-value enums, which generators turn into unions of
/// singleton types (or refuse). It becomes one `enum`, the per-value
/// descriptions in `x-enum-descriptions` (the extension openapi-generator
/// reads).
fn flat_enums(value: &mut Value) {
    match value {
        Value::Object(object) => {
            if let Some(Value::Array(branches)) = object.get("oneOf") {
                let string_enum = |b: &Value| {
                    b["type"] == "string"
                        && b["enum"].is_array()
                        && b.as_object()
                            .is_some_and(|b| b.keys().all(|k| ["type", "enum", "description"].contains(&k.as_str())))
                };
                if !branches.is_empty() && branches.iter().all(string_enum) {
                    let mut values = Vec::new();
                    let mut descriptions = Vec::new();
                    for branch in branches {
                        for value in branch["enum"].as_array().into_iter().flatten() {
                            values.push(value.clone());
                            descriptions.push(branch.get("description").cloned().unwrap_or_else(|| json!("")));
                        }
                    }
                    object.remove("oneOf");
                    object.insert("type".into(), json!("string"));
                    object.insert("enum".into(), Value::Array(values));
                    object.insert("x-enum-descriptions".into(), Value::Array(descriptions));
                }
            }
            object.values_mut().for_each(flat_enums);
        }
        Value::Array(items) => items.iter_mut().for_each(flat_enums),
        _ => {}
    }
}

/// String enums whose set grows with standards and extensions: a client
/// must accept a value it does not know, so the document lists the known
/// values in the description instead of an `enum` every generator would
/// enforce.
const OPEN_ENUMS: &[&str] = &["OAuthErrorCode"];

fn open_enums(schemas: &mut Map<String, Value>) -> Result<()> {
    for name in OPEN_ENUMS {
        let schema = schemas.get_mut(*name).with_context(|| format!("OPEN_ENUMS names `{name}`, not a schema"))?;
        let values = schema.as_object_mut().and_then(|s| s.remove("enum")).context("an open enum has values")?;
        let descriptions = schema.as_object_mut().and_then(|s| s.remove("x-enum-descriptions"));
        let mut text = schema["description"].as_str().unwrap_or_default().to_string();
        text.push_str(" Open: accept values not listed here. Known values:");
        for (i, value) in values.as_array().into_iter().flatten().enumerate() {
            let meaning = descriptions.as_ref().and_then(|d| d[i].as_str()).filter(|d| !d.is_empty());
            let value = value.as_str().unwrap_or_default();
            text.push_str(&match meaning {
                Some(meaning) => format!("\n- `{value}`: {meaning}"),
                None => format!("\n- `{value}`"),
            });
        }
        schema["description"] = json!(text);
        schema["example"] = values[0].clone();
    }
    Ok(())
}

/// A `default` on a request body field makes TypeScript generators require
/// the field, although the server fills it in when absent: on schemas only
/// requests use, the default moves into the field's description.
fn request_defaults_described(document: &mut Value) {
    let schemas = document["components"]["schemas"].clone();
    let mut requests = Value::Array(Vec::new());
    let mut responses = Value::Array(Vec::new());
    for item in document["paths"].as_object().into_iter().flat_map(|p| p.values()) {
        for operation in item.as_object().into_iter().flat_map(|i| i.values()) {
            requests
                .as_array_mut()
                .unwrap()
                .extend([operation["requestBody"].clone(), operation["parameters"].clone()]);
            responses.as_array_mut().unwrap().push(operation["responses"].clone());
        }
    }
    responses.as_array_mut().unwrap().push(document["components"]["responses"].clone());
    let requested = closure(&schemas, referenced(&requests));
    let answered = closure(&schemas, referenced(&responses));
    let Some(schemas) = document["components"]["schemas"].as_object_mut() else { return };
    for name in requested.difference(&answered) {
        let Some(properties) = schemas[name].get_mut("properties").and_then(Value::as_object_mut) else { continue };
        for property in properties.values_mut().filter_map(Value::as_object_mut) {
            let Some(default) = property.remove("default") else { continue };
            let said = match &default {
                Value::Null => continue,
                Value::Array(items) if items.is_empty() => "an empty list".to_string(),
                other => format!("`{other}`"),
            };
            let description = property.get("description").and_then(Value::as_str).unwrap_or_default();
            let description = format!("{description} Default when absent: {said}.").trim().to_string();
            property.insert("description".into(), json!(description));
        }
    }
}

/// The schema names `value` refers to.
fn referenced(value: &Value) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    collect_refs(value, &mut names);
    names
}

fn collect_refs(value: &Value, names: &mut BTreeSet<String>) {
    match value {
        Value::Object(object) => {
            if let Some(name) =
                object.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                names.insert(name.to_string());
            }
            object.values().for_each(|v| collect_refs(v, names));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, names)),
        _ => {}
    }
}

/// `names` and every schema they reach through `schemas`.
fn closure(schemas: &Value, mut names: BTreeSet<String>) -> BTreeSet<String> {
    let mut pending: Vec<String> = names.iter().cloned().collect();
    while let Some(name) = pending.pop() {
        for next in referenced(&schemas[&name]) {
            if names.insert(next.clone()) {
                pending.push(next);
            }
        }
    }
    names
}

pub fn generate() -> Result<()> {
    let path = crate::util::root().join(PATH);
    std::fs::write(&path, render()?)?;
    println!("wrote {}", path.display());
    Ok(())
}

pub fn check() -> Result<()> {
    crate::util::compare(&crate::util::root().join(PATH), &render()?, "cargo xtask openapi generate")
}

/// Pinned so lint results do not drift with new releases (Spectral's pin is
/// `xtask/tools/spectral/package.json`).
const SPEC_VALIDATOR: &str = "openapi-spec-validator==0.9.0";

/// Lints the committed document: Spectral with `.spectral.yaml` (the
/// `spectral:oas` ruleset), failing on any finding down to hints, and
/// openapi-spec-validator against the OpenAPI 3.0 schema.
pub fn lint() -> Result<()> {
    let spectral = crate::tools::npm("spectral")?.join("spectral");
    crate::util::run_step(
        "lint the document (Spectral)",
        Command::new(spectral).args(["lint", "--ruleset", ".spectral.yaml", "--fail-severity", "hint", PATH]),
    )?;
    let validator = crate::tools::python("openapi-spec-validator", &[SPEC_VALIDATOR])?.join("openapi-spec-validator");
    crate::util::run_step("validate the document (openapi-spec-validator)", Command::new(validator).arg(PATH))
}

#[cfg(test)]
mod tests {
    use super::readable;

    #[test]
    fn generic_names_read_as_words() {
        assert_eq!(readable("ApiResult_for_Client"), "ClientResult");
        assert_eq!(readable("ApiResult_for_int64"), "Int64Result");
        assert_eq!(readable("ApiResult_for_Array_of_SecretInfo"), "SecretInfoListResult");
        assert_eq!(readable("Paged_for_User"), "UserPage");
        assert_eq!(readable("Envelope_for_Array_of_AppConsent"), "AppConsentListEnvelope");
        assert_eq!(readable("SpringResult_for_SpringUser"), "SpringUserResult");
        assert_eq!(readable("SpringResult_for_Boolean"), "SpringBooleanResult");
        assert_eq!(readable("Client"), "Client");
    }
}
