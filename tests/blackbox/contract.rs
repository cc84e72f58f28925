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
            let rule = &operation["x-keyward-permission"];
            let kind = rule["kind"].as_str().unwrap();
            let mut permission = match (kind, rule["value"].as_str()) {
                ("permission", Some(value)) => value.to_string(),
                (kind, Some(value)) => format!("{kind} {value}"),
                (kind, None) => kind.to_string(),
            };
            if operation["x-keyward-sdk"] == false {
                permission.push_str(" (browser only)");
            }
            assert!(operation["summary"].as_str().is_some_and(|s| !s.is_empty()), "{id} has a summary");
            assert!(operation["description"].as_str().is_some_and(|s| !s.is_empty()), "{id} has a description");
            rows.push(format!("{tag:<24} {:<7} {path:<42} {id:<27} {permission}", method.to_uppercase()));
        }
    }
    rows.sort();
    insta::assert_snapshot!(rows.join("\n"));
}

/// The README's table of seed operations tells an existing app's developer
/// what works: every row names an operation that the document serves at that
/// method and wire path (a `{variable}` of the document stands for any
/// segment, such as a one-value enum's `create`), or says why it is not served.
#[test]
fn readme_seed_table_matches_the_contract() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let document: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{root}/openapi/keyward.json")).unwrap()).unwrap();
    let section = readme.split("\n## Seed operations\n").nth(1).expect("README has a Seed operations section");
    let section = section.split("\n## ").next().unwrap();
    let mut checked = 0;
    for row in section.lines().filter(|l| l.starts_with("| 0")) {
        let cells: Vec<&str> = row.trim_matches('|').split('|').map(|c| c.trim().trim_matches('`')).collect();
        let [_seed, method, path, operation, status] = cells[..] else { panic!("a row has five cells: {row}") };
        if operation == "—" {
            assert!(status.starts_with("not served:"), "a row without an operation says why: {row}");
            continue;
        }
        assert!(status.starts_with("served") || status.starts_with("substituted"), "status of {row}");
        let wire = path.split('?').next().unwrap();
        let served = document["paths"].as_object().unwrap().iter().any(|(template, item)| {
            item[method.to_lowercase()]["operationId"] == operation && same_path(template, wire)
        });
        assert!(served, "the document serves {method} {wire} as {operation}");
        checked += 1;
    }
    assert!(checked > 50, "the table lists the seeds' operations ({checked} rows checked)");
}

/// Whether the wire path `wire` (whose `{name}` segments are placeholders)
/// is served by the document's path `template`.
fn same_path(template: &str, wire: &str) -> bool {
    let (template, wire): (Vec<_>, Vec<_>) = (template.split('/').collect(), wire.split('/').collect());
    template.len() == wire.len()
        && template.iter().zip(&wire).all(|(t, w)| t == w || (t.starts_with('{') && !w.is_empty()))
}
