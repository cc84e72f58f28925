//! Names in a document that generators make files and directories of: the
//! title (haskell-http-client's `<title>.cabal`), tags (API classes), schema
//! and other component names (models), operationIds (methods, and their
//! documentation pages). Not every generator cleans them, so none may hold
//! a path separator, `..` or a control character: a generator would write
//! outside its directory (and only confinement would stop it).

use crate::error::{Error, Result};
use serde_json::Value;

/// The sections of Swagger 2.0 keyed by names, as OpenAPI 3's `components`.
const SWAGGER2_SECTIONS: &[&str] = &["definitions", "parameters", "responses", "securityDefinitions"];

/// Whether `name` could be a path rather than a file name.
fn is_path(name: &str) -> bool {
    name.contains(['/', '\\']) || name.contains("..") || name.chars().any(char::is_control)
}

fn refuse(field: &str, name: &str) -> Result<()> {
    let shown: String = name.chars().take(100).collect();
    Err(Error::Invalid(format!(
        "{field} {shown:?} cannot be a file name, which generators make of it: it holds `/`, `\\`, `..` or a \
         control character"
    )))
}

fn check(field: &str, name: Option<&str>) -> Result<()> {
    match name {
        Some(name) if is_path(name) => refuse(field, name),
        _ => Ok(()),
    }
}

/// Refuses a document (OpenAPI 3 or Swagger 2, as JSON) with a name
/// generators use as a file name that could be a path.
pub fn file_names_only(document: &Value) -> Result<()> {
    check("`info.title`", document["info"]["title"].as_str())?;
    for tag in document["tags"].as_array().into_iter().flatten() {
        check("the tag", tag["name"].as_str())?;
    }
    let components = document["components"].as_object().into_iter().flat_map(|sections| sections.values());
    let swagger2 = SWAGGER2_SECTIONS.iter().map(|section| &document[*section]);
    for section in components.chain(swagger2).filter_map(Value::as_object) {
        for name in section.keys() {
            check("the component name", Some(name))?;
        }
    }
    // Operations anywhere (paths, webhooks, callbacks): their id and tags.
    let mut pending = vec![document];
    while let Some(value) = pending.pop() {
        match value {
            Value::Object(object) => {
                if let Some(id) = object.get("operationId") {
                    check("the operationId", id.as_str())?;
                    for tag in object.get("tags").and_then(Value::as_array).into_iter().flatten() {
                        check("the tag", tag.as_str())?;
                    }
                }
                pending.extend(object.values());
            }
            Value::Array(items) => pending.extend(items),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::file_names_only;
    use serde_json::json;

    #[test]
    fn paths_are_refused_where_generators_make_files() {
        let fine = json!({ "info": { "title": "Pet Store 2.0" }, "tags": [{ "name": "pets" }],
                           "paths": { "/pets": { "get": { "operationId": "list.pets", "tags": ["pets"] } } },
                           "components": { "schemas": { "Pet": { "title": "a/b is fine here" } } } });
        file_names_only(&fine).unwrap();
        for (pointer, name) in [
            ("/info/title", "../../x/created"),
            ("/tags/0/name", "a\\b"),
            ("/paths/~1pets/get/operationId", "a..b"),
            ("/paths/~1pets/get/tags/0", "line\nbreak"),
        ] {
            let mut document = fine.clone();
            *document.pointer_mut(pointer).unwrap() = json!(name);
            assert!(file_names_only(&document).unwrap_err().to_string().contains("file name"), "{pointer}");
        }
        let swagger2 = json!({ "swagger": "2.0", "definitions": { "../models/Pet": {} } });
        assert!(file_names_only(&swagger2).is_err());
        let callback = json!({ "paths": { "/a": { "post": { "callbacks": { "c": { "/b": {
            "post": { "operationId": "x/y" } } } } } } } });
        assert!(file_names_only(&callback).is_err());
    }
}
