//! `/docs`: the API reference page with Swagger UI's assets embedded in the
//! binary — rendered in headless Chromium (`tests/browser/docs.mjs`), and its
//! headers and assets checked over raw HTTP.

use keyward_tests::{TestServer, on_both_databases};
use serde_json::Value;
use std::path::Path;

on_both_databases!(docs_render_in_browser, docs_headers_and_assets);

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// The `/docs/…` URLs the page loads, from its `src` and `href` attributes.
fn asset_urls(html: &str) -> Vec<String> {
    html.split(['"']).filter(|part| part.starts_with("/docs/")).map(str::to_string).collect()
}

async fn docs_render_in_browser(server: TestServer) {
    let script_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("browser");
    assert!(
        script_dir.join("node_modules/playwright-core").exists(),
        "playwright-core is missing: run `npm ci --prefix tests/browser` (and install Debian's chromium)"
    );
    let output = tokio::process::Command::new("node")
        .arg("docs.mjs")
        .arg(format!("{}/docs", server.url))
        .current_dir(&script_dir)
        .output()
        .await
        .expect("node runs");
    assert!(output.status.success(), "browser script failed: {}", String::from_utf8_lossy(&output.stderr));
    let seen: Value = serde_json::from_slice(&output.stdout).expect("the script prints JSON");
    assert!(seen["title"].as_str().unwrap().starts_with("Keyward"), "{}", seen["title"]);
    assert_eq!(seen["consoleErrors"], serde_json::json!([]), "no CSP violation, no script error");
    for url in seen["requests"].as_array().unwrap() {
        assert!(url.as_str().unwrap().starts_with(&server.url), "{url} is not Keyward itself");
    }
    // Every published operation renders as a block, with its method, path and summary.
    let document: Value =
        server.http().get(format!("{}/openapi.json", server.url)).send().await.unwrap().json().await.unwrap();
    let mut published = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let summary = operation["summary"].as_str().unwrap_or("").to_string();
            published.push((method.to_uppercase(), path.clone(), summary));
        }
    }
    let mut rendered: Vec<(String, String, String)> = seen["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|op| {
            let text = |key: &str| op[key].as_str().unwrap().trim().to_string();
            (text("method"), text("path"), text("summary"))
        })
        .collect();
    rendered.sort();
    published.sort();
    assert_eq!(rendered, published);
    assert!(rendered.contains(&("POST".into(), "/api/Client".into(), "Create a client".into())));
}

async fn docs_headers_and_assets(server: TestServer) {
    let http = server.http();
    let page = http.get(format!("{}/docs", server.url)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(header(&page, "content-type"), "text/html; charset=utf-8");
    assert_eq!(header(&page, "x-content-type-options"), "nosniff");
    assert_eq!(header(&page, "x-frame-options"), "DENY");
    assert_eq!(header(&page, "cache-control"), "no-cache");
    let csp = header(&page, "content-security-policy").to_string();
    for directive in [
        "default-src 'none'",
        "script-src 'self' 'sha256-",
        "style-src 'self' 'unsafe-inline'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{csp} lacks {directive}");
    }
    assert!(!csp.contains("unsafe-eval") && !csp.contains("http"), "{csp}");
    let html = page.text().await.unwrap();
    assert!(html.contains("/openapi.json"), "the page loads our document");

    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../server/assets/docs");
    let version = std::fs::read_to_string(committed.join("VERSION")).unwrap();
    let assets = asset_urls(&html);
    assert_eq!(assets.len(), 2, "{assets:?}");
    for url in &assets {
        let file = url.rsplit('/').next().unwrap();
        assert_eq!(*url, format!("/docs/{}/{file}", version.trim()));
        let response = http.get(format!("{}{url}", server.url)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{url}");
        let expected_type =
            if file.ends_with(".js") { "text/javascript; charset=utf-8" } else { "text/css; charset=utf-8" };
        assert_eq!(header(&response, "content-type"), expected_type);
        assert_eq!(header(&response, "cache-control"), "public, max-age=31536000, immutable");
        assert_eq!(header(&response, "x-content-type-options"), "nosniff");
        let body = response.bytes().await.unwrap();
        assert_eq!(
            body.as_ref(),
            std::fs::read(committed.join(file)).unwrap().as_slice(),
            "{url} is the committed file"
        );
    }

    // A file that is not bundled, or a release that is not, is a 404.
    for missing in [
        format!("/docs/{}/swagger-ui.js.map", version.trim()),
        format!("/docs/{}/LICENSE", version.trim()),
        "/docs/0.0.1/swagger-ui.css".to_string(),
    ] {
        let response = http.get(format!("{}{missing}", server.url)).send().await.unwrap();
        assert_eq!(response.status(), 404, "{missing}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], 404, "{body}");
    }
}
