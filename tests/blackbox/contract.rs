//! The reviewer's map: every operation by tag, with its permission. A change
//! to the contract shows here as a snapshot diff.

#[test]
fn operations_table() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/keyward.json")).unwrap();
    let document: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut rows = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let tag = operation["tags"][0].as_str().unwrap();
            let id = operation["operationId"].as_str().unwrap();
            let permission = operation["x-keyward-permission"].as_str().unwrap();
            assert!(operation["summary"].as_str().is_some_and(|s| !s.is_empty()), "{id} has a summary");
            assert!(operation["description"].as_str().is_some_and(|s| !s.is_empty()), "{id} has a description");
            rows.push(format!("{tag:<24} {:<7} {path:<42} {id:<27} {permission}", method.to_uppercase()));
        }
    }
    rows.sort();
    insta::assert_snapshot!(rows.join("\n"));
}
