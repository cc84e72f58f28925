//! Pinned third-party tools the checks run (schemathesis, linters, SDK
//! generators, local registries), installed on first use under
//! `target/tools/<name>` so that `cargo xtask verify` alone sets a fresh
//! machine up. An install is redone when its pins change.

use crate::util::run_step;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A Python virtual environment `target/tools/<name>` holding exactly the
/// pinned `requirements` (`"package==version"`); its `bin` directory.
pub fn python(name: &str, requirements: &[&str]) -> Result<PathBuf> {
    let venv = crate::util::root().join("target/tools").join(name);
    let pins = requirements.join("\n");
    if !installed(&venv, &pins) {
        let _ = std::fs::remove_dir_all(&venv);
        run_step(&format!("create the {name} venv"), Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
        run_step(
            &format!("install {name}"),
            Command::new(venv.join("bin/pip"))
                .args(["install", "--quiet", "--disable-pip-version-check"])
                .args(requirements),
        )?;
        mark_installed(&venv, &pins)?;
    }
    Ok(venv.join("bin"))
}

/// The npm packages pinned by the committed `xtask/tools/<name>/package.json`
/// and `package-lock.json`, installed with `npm ci` into
/// `target/tools/<name>`; its `node_modules/.bin` directory.
pub fn npm(name: &str) -> Result<PathBuf> {
    let source = crate::util::root().join("xtask/tools").join(name);
    let lock = std::fs::read_to_string(source.join("package-lock.json"))
        .with_context(|| format!("xtask/tools/{name}/package-lock.json is missing"))?;
    let target = crate::util::root().join("target/tools").join(name);
    if !installed(&target, &lock) {
        let _ = std::fs::remove_dir_all(&target);
        std::fs::create_dir_all(&target)?;
        for file in ["package.json", "package-lock.json"] {
            std::fs::copy(source.join(file), target.join(file))?;
        }
        run_step(
            &format!("install {name} (npm ci)"),
            Command::new("npm").args(["ci", "--no-audit", "--no-fund", "--prefix"]).arg(&target),
        )?;
        mark_installed(&target, &lock)?;
    }
    Ok(target.join("node_modules/.bin"))
}

/// The stamp recording what an install was made from.
fn stamp(dir: &Path) -> PathBuf {
    dir.join(".keyward-pins")
}

fn installed(dir: &Path, pins: &str) -> bool {
    std::fs::read_to_string(stamp(dir)).is_ok_and(|installed| installed == pins)
}

fn mark_installed(dir: &Path, pins: &str) -> Result<()> {
    std::fs::write(stamp(dir), pins).context("recording the install")
}
