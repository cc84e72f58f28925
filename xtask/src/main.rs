//! Project tasks: `cargo xtask openapi <generate|check|lint>`, `cargo xtask sdk <generate|check|smoke>`,
//! `cargo xtask sdk <package|publish>`, `cargo xtask verify`, `cargo xtask bench`,
//! `cargo xtask docs-assets`.

mod bench;
mod clients;
mod docs;
mod openapi;
mod package;
mod publish;
mod registries;
mod sdk;
mod server;
mod tools;
mod verify;

use anyhow::{Result, bail};
use std::path::PathBuf;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["openapi", "generate"] => openapi::generate(),
        ["openapi", "check"] => openapi::check(),
        ["openapi", "lint"] => openapi::lint(),
        ["sdk", "generate"] => sdk::generate(),
        ["sdk", "check"] => sdk::check(),
        ["sdk", "smoke"] => clients::smoke(),
        ["sdk", "package"] => package::package().map(drop),
        ["sdk", "package", "--check"] => package::verify(),
        ["sdk", "publish", flags @ ..] => publish::run(flags),
        ["verify"] => verify::run(),
        ["fuzz"] => verify::fuzz(),
        ["bench"] => bench::run(),
        ["docs-assets"] => docs::assets(),
        _ => bail!(
            "usage: cargo xtask openapi generate|check|lint | sdk generate|check|smoke|package [--check] | sdk publish FLAGS | verify | fuzz | bench | docs-assets\n\
             (got: {})",
            args.join(" ")
        ),
    }
}

/// The workspace root, whatever directory the task runs from.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

/// Fails with a readable unified diff when `committed` (at `path`) differs
/// from `fresh`, naming the command that regenerates it.
fn compare(path: &std::path::Path, fresh: &str, regenerate: &str) -> Result<()> {
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    if committed == fresh {
        println!("{} is up to date", path.display());
        return Ok(());
    }
    let diff = similar::TextDiff::from_lines(committed.as_str(), fresh);
    eprintln!("{}", diff.unified_diff().context_radius(3).header("committed", "generated"));
    bail!("{} is stale: run `{regenerate}` and review the diff", path.display())
}
