//! OpenAPI documents from outside (uploaded, given to `Gen`, fetched from a
//! `swaggerUrl`), read with written limits on size, depth and nodes, so that
//! no document can make the server build more than a small multiple of its
//! own size.
//!
//! YAML is read first as a stream of events ([`super::yaml`]), which builds
//! nothing, and refused at the first anchor or alias: an alias repeats a
//! subtree, and aliases of aliases grow exponentially ("billion laughs": a
//! few hundred bytes that expand to gigabytes). OpenAPI has `$ref` for
//! reuse; no generator needs YAML's. Only a stream within the limits is
//! then built into a value. JSON has no aliases: what it builds is bounded
//! by its size, and checked against the same limits once read.

use super::yaml::{Event, Events};
use crate::error::{Error, Result};
use keyward_api::IMPORT_BODY_MAX_BYTES;
use serde_json::Value;

/// Largest document given as text (JSON or YAML, in a request or fetched
/// from a `swaggerUrl`): 1 MiB, the most a fetch reads. Larger real
/// descriptions are rare; anything that big is better published as JSON.
pub const MAX_BYTES: usize = IMPORT_BODY_MAX_BYTES;
/// Deepest nesting of mappings and sequences (objects and arrays), the
/// document itself being 1. Real descriptions stay under 30; the JSON and
/// YAML readers (and generators) recurse, so depth must stay small.
pub const MAX_DEPTH: usize = 64;
/// Most nodes: each scalar, mapping and sequence, keys included. A 1 MiB
/// description has about 100,000; a sequence of single-digit numbers as
/// many as half its size.
pub const MAX_NODES: usize = 200_000;

/// A document that is not an OpenAPI description, and why.
pub fn not_openapi(why: &str) -> Error {
    Error::Invalid(format!("the document is not an OpenAPI description: {why}"))
}

fn too_deep() -> Error {
    Error::Invalid(format!("the document is nested deeper than {MAX_DEPTH} levels"))
}

fn too_many_nodes() -> Error {
    Error::Invalid(format!("the document has more than {MAX_NODES} nodes (values, keys, objects and arrays)"))
}

/// A document given as text: JSON, else YAML, within the limits.
pub fn parse(text: &str) -> Result<Value> {
    if text.len() > MAX_BYTES {
        return Err(Error::TooLarge(format!("the document is larger than {MAX_BYTES} bytes")));
    }
    if let Ok(json) = serde_json::from_str::<Value>(text) {
        check(&json)?;
        return Ok(json);
    }
    check_yaml(text)?;
    serde_yaml::from_str(text).map_err(|_| not_openapi("it is neither JSON nor YAML"))
}

/// Refuses a YAML text with an anchor or alias, nested deeper than
/// [`MAX_DEPTH`] or with more than [`MAX_NODES`] nodes, from its events,
/// before anything is built.
fn check_yaml(text: &str) -> Result<()> {
    let (mut depth, mut nodes) = (0usize, 0usize);
    for event in Events::new(text) {
        match event.map_err(|_| not_openapi("it is neither JSON nor YAML"))? {
            Event::Alias | Event::Node { anchored: true, .. } => {
                return Err(Error::Invalid(
                    "YAML anchors and aliases (`&name`, `*name`) are not accepted: write the repeated parts out, \
                     or use OpenAPI's `$ref`"
                        .into(),
                ));
            }
            Event::Node { collection, .. } => {
                nodes += 1;
                if nodes > MAX_NODES {
                    return Err(too_many_nodes());
                }
                depth += usize::from(collection);
                if depth > MAX_DEPTH {
                    return Err(too_deep());
                }
            }
            Event::End => depth = depth.saturating_sub(1),
            Event::Marker => {}
        }
    }
    Ok(())
}

/// Refuses a document (already read, as JSON) nested deeper than
/// [`MAX_DEPTH`] or with more than [`MAX_NODES`] nodes, counted as in YAML.
pub fn check(document: &Value) -> Result<()> {
    let mut nodes = 0usize;
    let mut pending = vec![(document, 1usize)];
    while let Some((value, depth)) = pending.pop() {
        nodes += 1;
        let children: Box<dyn Iterator<Item = &Value>> = match value {
            Value::Array(items) => Box::new(items.iter()),
            Value::Object(object) => {
                nodes += object.len();
                Box::new(object.values())
            }
            _ => continue,
        };
        if depth > MAX_DEPTH {
            return Err(too_deep());
        }
        pending.extend(children.map(|child| (child, depth + 1)));
        if nodes + pending.len() > MAX_NODES {
            return Err(too_many_nodes());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{MAX_DEPTH, MAX_NODES, check, parse};
    use serde_json::json;

    fn nested(depth: usize) -> String {
        format!("{}{}", "[".repeat(depth), "]".repeat(depth))
    }

    #[test]
    fn yaml_and_json_are_counted_alike() {
        let yaml = format!("a: {{b: [1, 2]}}\nc: {}\n", nested(MAX_DEPTH - 1));
        let value = parse(&yaml).unwrap();
        assert_eq!(value["a"], json!({ "b": [1, 2] }));
        check(&value).unwrap();
        let deeper = format!("c: {}\n", nested(MAX_DEPTH));
        assert!(parse(&deeper).unwrap_err().to_string().contains("deeper than"));
        let value: serde_json::Value = serde_yaml::from_str(&deeper).unwrap();
        assert!(check(&value).unwrap_err().to_string().contains("deeper than"));
        // A mapping, a key, a sequence and its items.
        let items = |count: usize| format!("k: [{}]\n", vec!["0"; count].join(","));
        parse(&items(MAX_NODES - 3)).unwrap();
        assert!(parse(&items(MAX_NODES - 2)).unwrap_err().to_string().contains("more than"));
        let json: serde_json::Value = serde_yaml::from_str(&items(MAX_NODES - 2)).unwrap();
        assert!(check(&json).unwrap_err().to_string().contains("more than"));
        check(&serde_yaml::from_str(&items(MAX_NODES - 3)).unwrap()).unwrap();
    }

    #[test]
    fn aliases_and_anchors_are_refused() {
        for yaml in ["a: &x 1\n", "a: 1\nb: *x\n", "a: &x [1]\nb: *x\n", "<<: *x\n"] {
            let refused = parse(yaml).unwrap_err().to_string();
            assert!(refused.contains("anchors and aliases") || refused.contains("neither"), "{yaml}: {refused}");
        }
        assert!(parse("a: &x [1]\nb: *x\n").unwrap_err().to_string().contains("anchors and aliases"));
        // A `&` or `*` inside a scalar is just text.
        assert_eq!(parse("a: b&c *d\n").unwrap(), json!({ "a": "b&c *d" }));
    }
}
