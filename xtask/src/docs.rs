//! `cargo xtask docs-assets`: fetches the pinned Swagger UI release from npm
//! and copies what `/docs` serves into `server/assets/docs/`, where it is
//! committed and embedded in the binary, so a build needs no network and the
//! page needs no CDN.

use crate::util::run_step;
use anyhow::{Context, Result};
use std::process::Command;

/// Pinned: upgrading is this constant, the command, and a review of the diff.
/// The server reads the version back from `server/assets/docs/VERSION`.
const SWAGGER_UI: &str = "5.35.0";

/// The files `/docs` needs: the minified bundle, its stylesheet, and the licence.
const FILES: &[&str] = &["swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"];

pub fn assets() -> Result<()> {
    let root = crate::util::root();
    let prefix = root.join("target/docs-assets");
    run_step(
        &format!("npm install swagger-ui-dist@{SWAGGER_UI}"),
        Command::new("npm")
            .args(["install", "--no-save", "--no-audit", "--no-fund", "--ignore-scripts", "--prefix"])
            .arg(&prefix)
            .arg(format!("swagger-ui-dist@{SWAGGER_UI}")),
    )?;
    let dist = prefix.join("node_modules/swagger-ui-dist");
    let out = root.join("server/assets/docs");
    std::fs::create_dir_all(&out)?;
    for file in FILES {
        let text = std::fs::read_to_string(dist.join(file)).with_context(|| format!("reading {file}"))?;
        // The source maps are not shipped; without the comment browsers'
        // developer tools do not ask for them.
        let text: String = text
            .lines()
            .filter(|line| !line.starts_with("//# sourceMappingURL=") && !line.starts_with("/*# sourceMappingURL="))
            .map(|line| format!("{line}\n"))
            .collect();
        std::fs::write(out.join(file), text)?;
    }
    std::fs::write(out.join("VERSION"), SWAGGER_UI)?;
    println!("copied swagger-ui-dist {SWAGGER_UI} into {}", out.display());
    Ok(())
}
