//! Publishing a package to an npm registry the way `npm publish` does: one
//! `PUT /<name>` carrying the version's manifest and the tarball as an
//! attachment, with the publisher's token as bearer.

use crate::error::{Error, Result};
use crate::outbound::Outbound;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use flate2::Compression;
use flate2::write::GzEncoder;
use keyward_api::codegen::{FileEncoding, GeneratedFile};
use ring::digest;
use serde_json::{Map, Value, json};

/// Largest answer read from the registry.
const ANSWER_MAX_BYTES: usize = 64 * 1024;
/// Time for the upload of a package.
const PUBLISH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// The `.tgz` npm expects: every file under `package/`, `package.json`
/// being `manifest`.
pub fn tarball(manifest: &Value, files: &[GeneratedFile]) -> Result<Vec<u8>> {
    let internal = |e: std::io::Error| Error::Internal(e.into());
    let mut archive = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::default()));
    let manifest = serde_json::to_vec_pretty(manifest).map_err(|e| Error::Internal(e.into()))?;
    let mut add = |path: &str, bytes: &[u8]| {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_cksum();
        archive.append_data(&mut header, format!("package/{path}"), bytes).map_err(internal)
    };
    add("package.json", &manifest)?;
    for file in files.iter().filter(|file| file.path != "package.json") {
        let bytes = match file.encoding {
            FileEncoding::Utf8 => file.content.as_bytes().to_vec(),
            FileEncoding::Base64 => STANDARD.decode(&file.content).map_err(|e| Error::Internal(e.into()))?,
        };
        add(&file.path, &bytes)?;
    }
    archive.into_inner().and_then(GzEncoder::finish).map_err(internal)
}

/// Publishes `tarball` as version `manifest.version` of `manifest.name`.
pub async fn publish(http: &Outbound, registry: &str, token: &str, manifest: &Value, tarball: Vec<u8>) -> Result<()> {
    let name = manifest["name"].as_str().unwrap_or_default();
    let version = manifest["version"].as_str().unwrap_or_default();
    let registry = registry.trim_end_matches('/');
    // As libnpmpublish: the document goes to `@scope%2fname`, the
    // attachment is `<name>-<version>.tgz` and the tarball URL
    // `<registry>/<name>/-/<attachment>`, scope included.
    let escaped = name.replace('/', "%2f");
    let file = format!("{name}-{version}.tgz");
    let sha1 = digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, &tarball);
    let sha512 = digest::digest(&digest::SHA512, &tarball);
    let mut release = manifest.as_object().cloned().unwrap_or_else(Map::new);
    release.insert("_id".into(), json!(format!("{name}@{version}")));
    release.insert(
        "dist".into(),
        json!({
            "shasum": crate::crypto::hex(sha1.as_ref()),
            "integrity": format!("sha512-{}", STANDARD.encode(sha512.as_ref())),
            "tarball": format!("{registry}/{name}/-/{file}"),
        }),
    );
    let document = json!({
        "_id": name,
        "name": name,
        "description": manifest.get("description").cloned().unwrap_or(Value::Null),
        "dist-tags": { "latest": version },
        "versions": { version: release },
        "access": null,
        "_attachments": {
            file: { "content_type": "application/octet-stream", "data": STANDARD.encode(&tarball), "length": tarball.len() }
        },
    });
    let response = http
        .send(|client| {
            client.put(format!("{registry}/{escaped}")).bearer_auth(token).json(&document).timeout(PUBLISH_TIMEOUT)
        })
        .await
        .map_err(|error| super::unreachable("the npm registry", error))?;
    let status = response.status().as_u16();
    if (200..300).contains(&status) {
        return Ok(());
    }
    let body = http.body(response, ANSWER_MAX_BYTES).await.unwrap_or_default();
    let answer: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let message = answer.get("error").or_else(|| answer.get("message")).and_then(Value::as_str).unwrap_or("no message");
    Err(Error::BadGateway(format!("the npm registry answered {status} to publishing {name}@{version}: {message}")))
}
