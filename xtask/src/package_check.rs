//! `cargo xtask sdk package --check`, a step of `verify`: packages the SDKs,
//! installs each artifact into a fresh project that imports it, then
//! publishes them to local registries and installs them from there.

use crate::package::{
    VERSION, check_npm_import, check_python_import, dist, fresh_npm_project, fresh_venv, npm_install, package,
    path_str, pip_install,
};
use crate::util::{cargo, run_step};
use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// `verify`'s check: packages, installs each artifact into a fresh project
/// that imports it, then publishes them to local registries.
pub fn run() -> Result<()> {
    let artifacts = package()?;
    let started = Instant::now();
    let checks = dist().join("check");
    check_crate(&artifacts.krate, &checks.join("cargo"))?;
    let project = fresh_npm_project(&checks.join("npm"))?;
    npm_install(&project, path_str(&artifacts.npm)?, &[])?;
    check_npm_import(&project)?;
    let venv = fresh_venv(&checks.join("venv"))?;
    pip_install(&venv, &[path_str(&artifacts.wheel)?])?;
    check_python_import(&venv)?;
    println!("the SDK artifacts install and import ({:.0?})", started.elapsed());
    let started = Instant::now();
    crate::publish::test(&artifacts)?;
    println!("the SDKs publish to local registries and install from them ({:.0?})", started.elapsed());
    // Kept for a look when a check fails; a passing run leaves only the
    // artifacts (the venvs and registries weigh a hundred megabytes).
    for dir in ["build", "check", "registries"] {
        let _ = std::fs::remove_dir_all(dist().join(dir));
    }
    Ok(())
}

/// A cargo project depending on the unpacked `.crate` whose `main.rs` is the
/// crate README's usage example, built with the crate's own lockfile and the
/// workspace's target directory (the dependencies `cargo package` compiled).
fn check_crate(krate: &Path, project: &Path) -> Result<()> {
    std::fs::create_dir_all(project.join("src"))?;
    run_step("unpack the crate", Command::new("tar").arg("-xzf").arg(krate).arg("-C").arg(project))?;
    let unpacked = project.join(format!("keyward-sdk-{VERSION}"));
    std::fs::copy(unpacked.join("Cargo.lock"), project.join("Cargo.lock"))?;
    std::fs::write(
        project.join("Cargo.toml"),
        format!(
            "[package]\nname = \"keyward-sdk-check\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\nkeyward-sdk = {{ path = \"keyward-sdk-{VERSION}\" }}\n\n[workspace]\n"
        ),
    )?;
    let readme = std::fs::read_to_string(unpacked.join("README.md"))?;
    let version = semver::Version::parse(VERSION)?;
    let requirement = format!("keyward-sdk = \"{}.{}\"", version.major, version.minor);
    if !readme.contains(&requirement) {
        bail!("client-sdk/README.md must tell users to depend on `{requirement}`");
    }
    let usage = readme
        .split("```rust\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .context("the crate README has no ```rust block")?;
    std::fs::write(
        project.join("src/main.rs"),
        format!(
            "#[allow(dead_code, unused_variables)]\n\
             async fn usage() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {{\n{usage}Ok(())\n}}\n\nfn main() {{}}\n"
        ),
    )?;
    run_step(
        "build a project using the packaged crate's README example",
        cargo(&["build", "--quiet", "--manifest-path"])
            .arg(project.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", crate::util::root().join("target")),
    )
}
