//! Project tasks: `cargo xtask openapi <generate|check|lint>`, `cargo xtask sdk <generate|check|smoke>`,
//! `cargo xtask sdk <package|publish>`, `cargo xtask verify`, `cargo xtask bench`,
//! `cargo xtask docs-assets`.

mod bench;
mod clients;
mod docs;
mod openapi;
mod package;
mod package_check;
mod publish;
mod registries;
mod sdk;
mod server;
mod tools;
mod util;
mod verify;

use anyhow::{Result, bail};

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
        ["sdk", "package", "--check"] => package_check::run(),
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
