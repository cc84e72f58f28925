//! `/docs`: the API reference page — Swagger UI over `/openapi.json` — with
//! Swagger UI's script and stylesheet embedded in the binary. They are
//! fetched by `cargo xtask docs-assets` and committed in `server/assets/docs/`,
//! so neither the build nor the page needs a network.

use super::browser::script_hash;
use crate::error::{Error, Result};
use dropshot::Body;
use http::{Response, StatusCode, header};

/// The bundled Swagger UI release: the assets' URLs carry it, so they can be
/// cached for good and an upgrade still reaches every browser.
const VERSION: &str = include_str!("../../assets/docs/VERSION");
const BUNDLE: &str = include_str!("../../assets/docs/swagger-ui-bundle.js");
const STYLESHEET: &str = include_str!("../../assets/docs/swagger-ui.css");

/// Starts Swagger UI on our document; its hash goes in the CSP, so no other
/// inline script runs. No validator: it would send the document to a
/// third-party site.
const START: &str = "window.ui=SwaggerUIBundle({url:'/openapi.json',dom_id:'#swagger-ui',\
    deepLinking:true,validatorUrl:null})";

/// The page (with an empty icon: browsers would ask for `/favicon.ico`).
/// Same-origin everything: scripts (ours by hash), the document
/// and "Try it out" requests, images (and the `data:` icons of the
/// stylesheet); Swagger UI sets inline styles, hence `'unsafe-inline'` for
/// styles only.
pub fn page() -> Result<Response<Body>> {
    let version = VERSION.trim();
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>Keyward API reference</title>\
         <link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" href=\"/docs/{version}/swagger-ui.css\"></head>\
         <body><div id=\"swagger-ui\"></div><script src=\"/docs/{version}/swagger-ui-bundle.js\"></script>\
         <script>{START}</script></body></html>"
    );
    let csp = format!(
        "default-src 'none'; script-src 'self' '{}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
         connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
        script_hash(START)
    );
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .header(header::CACHE_CONTROL, "no-cache")
        .header("X-Frame-Options", "DENY")
        .header("X-Content-Type-Options", "nosniff")
        .header("Referrer-Policy", "no-referrer")
        .header(header::CONTENT_SECURITY_POLICY, csp)
        .body(html.into())
        .map_err(|e| Error::Internal(e.into()))
}

/// An asset of the bundled release; any other version or file is a 404.
pub fn asset(version: &str, file: &str) -> Result<Response<Body>> {
    let (content_type, body) = match file {
        "swagger-ui-bundle.js" if version == VERSION.trim() => ("text/javascript; charset=utf-8", BUNDLE),
        "swagger-ui.css" if version == VERSION.trim() => ("text/css; charset=utf-8", STYLESHEET),
        _ => {
            return Err(Error::NotFound(format!("no asset {file:?} of version {version:?} of the API reference page")));
        }
    };
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CACHE_CONTROL, "public, max-age=31536000, immutable")
        .header("X-Content-Type-Options", "nosniff")
        .body(body.into())
        .map_err(|e| Error::Internal(e.into()))
}
