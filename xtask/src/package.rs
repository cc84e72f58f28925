//! `cargo xtask sdk package`: what would be published, built into
//! `target/sdk-dist/` at the workspace version — the `keyward-sdk` crate, the
//! `@keyward/sdk` npm tarball (compiled JavaScript and `.d.ts`) and the
//! `keyward-sdk` wheel and sdist — and the steps that install the npm package
//! or the Python package into a fresh project and check that it imports
//! (shared by `sdk package --check` and the publishing test).

use crate::util::{cargo, run_step};
use anyhow::{Context, Result, bail};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Where the artifacts land.
pub const DIST: &str = "target/sdk-dist";
const TYPESCRIPT: &str = "client-sdk/typescript";
const PYTHON: &str = "client-sdk/python";
/// Shipped in every artifact.
const LICENSE: &str = "client-sdk/LICENSE";
/// Build the wheel and the sdist: `build` without an isolated environment,
/// so that the build backend is pinned here too (and not installed afresh on
/// every run); it must satisfy the generated `pyproject.toml`'s `requires`.
const BUILD: &[&str] = &["build==1.6.1", "setuptools==84.2.1"];
/// The pinned TypeScript compiler (`xtask/tools/sdk-typescript`), shared
/// with the SDK's type-check.
const TSC: &str = "sdk-typescript";

/// Every SDK is released at the workspace version (xtask's own).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The files `package` built.
pub struct Artifacts {
    pub krate: PathBuf,
    pub npm: PathBuf,
    pub wheel: PathBuf,
    pub sdist: PathBuf,
}

pub fn dist() -> PathBuf {
    crate::util::root().join(DIST)
}

/// Builds all three SDKs' artifacts into a fresh `target/sdk-dist`.
pub fn package() -> Result<Artifacts> {
    let started = Instant::now();
    let dist = dist();
    let _ = std::fs::remove_dir_all(&dist);
    std::fs::create_dir_all(&dist)?;
    let krate = package_crate(&dist)?;
    let npm = package_npm(&dist)?;
    let (wheel, sdist) = package_python(&dist)?;
    let artifacts = Artifacts { krate, npm, wheel, sdist };
    println!("SDK {VERSION} packaged into {DIST} in {:.0?}:", started.elapsed());
    for file in [&artifacts.krate, &artifacts.npm, &artifacts.wheel, &artifacts.sdist] {
        println!("  {}", file.file_name().unwrap_or_default().to_string_lossy());
    }
    Ok(artifacts)
}

/// `cargo package`, which also compiles the packaged crate on its own (with
/// the workspace's target directory, so only the crate itself and the few
/// dependencies whose features differ are built).
fn package_crate(dist: &Path) -> Result<PathBuf> {
    run_step(
        "package the Rust SDK (cargo package)",
        &mut cargo(&["package", "-p", "keyward-sdk", "--locked", "--allow-dirty"]),
    )?;
    let name = format!("keyward-sdk-{VERSION}.crate");
    let file = dist.join(&name);
    std::fs::copy(crate::util::root().join("target/package").join(&name), &file).context("copying the .crate")?;
    Ok(file)
}

/// Compiles the TypeScript SDK with the pinned `tsc` in a staging copy (with
/// the license) and `npm pack`s it. The published `package.json` leaves out
/// what only builds the SDK: its scripts (npm warns a consumer's install
/// about a `prepare` script) and `devDependencies`.
fn package_npm(dist: &Path) -> Result<PathBuf> {
    let stage = dist.join("build/typescript");
    copy_dir(&crate::util::root().join(TYPESCRIPT), &stage, &["node_modules", "dist"])?;
    std::fs::copy(crate::util::root().join(LICENSE), stage.join("LICENSE"))?;
    check_manifest(&serde_json::from_str(&std::fs::read_to_string(stage.join("package.json"))?)?)?;
    let tsc = crate::tools::npm(TSC)?.join("tsc");
    run_step("compile the TypeScript SDK (tsc)", Command::new(tsc).arg("-p").arg(stage.join("tsconfig.json")))?;
    // `npm pkg` keeps the order of the rest (that of `exports` conditions matters).
    run_step(
        "strip the build-only fields of package.json",
        Command::new("npm").args(["pkg", "delete", "scripts", "devDependencies", "--prefix"]).arg(&stage),
    )?;
    run_step(
        "package the TypeScript SDK (npm pack)",
        Command::new("npm").args(["pack", "--silent", "--pack-destination"]).arg(dist).arg(&stage),
    )?;
    Ok(dist.join(format!("keyward-sdk-{VERSION}.tgz")))
}

/// Fails unless the generated `package.json` is `@keyward/sdk` at the
/// workspace version and publishes its compiled output: every entry point
/// (`main`, `types`, `exports`) in `dist/`, which `files` ships.
fn check_manifest(manifest: &Value) -> Result<()> {
    let field = |name: &str| manifest[name].as_str().unwrap_or_default();
    if field("name") != "@keyward/sdk" || field("version") != VERSION {
        bail!("{TYPESCRIPT}/package.json is not @keyward/sdk {VERSION}: run `cargo xtask sdk generate`");
    }
    let exports =
        manifest["exports"]["."].as_object().map(|entries| entries.values().collect::<Vec<_>>()).unwrap_or_default();
    let entries = [&manifest["main"], &manifest["types"]].into_iter().chain(exports);
    let ships_dist = manifest["files"].as_array().is_some_and(|files| files.iter().any(|file| file == "dist"));
    for entry in entries {
        if !entry.as_str().is_some_and(|path| path.starts_with("./dist/")) || !ships_dist {
            bail!(
                "{TYPESCRIPT}/package.json must point main, types and exports into ./dist/ and list dist in files (found {entry})"
            );
        }
    }
    Ok(())
}

/// `python -m build` (pinned) on a staging copy, so that no `egg-info` is
/// left in the source tree; fails when the generated package is not at the
/// workspace version.
fn package_python(dist: &Path) -> Result<(PathBuf, PathBuf)> {
    let stage = dist.join("build/python");
    copy_dir(&crate::util::root().join(PYTHON), &stage, &["build", "dist", "__pycache__", ".mypy_cache"])?;
    std::fs::copy(crate::util::root().join(LICENSE), stage.join("LICENSE"))?;
    let python = crate::tools::python("sdk-build", BUILD)?.join("python");
    run_step(
        "package the Python SDK (python -m build)",
        Command::new(python)
            .args(["-m", "build", "--quiet", "--no-isolation", "--sdist", "--wheel", "--outdir"])
            .arg(dist)
            .arg(&stage),
    )?;
    let wheel = dist.join(format!("keyward_sdk-{VERSION}-py3-none-any.whl"));
    let sdist = dist.join(format!("keyward_sdk-{VERSION}.tar.gz"));
    if !wheel.exists() || !sdist.exists() {
        bail!("the Python SDK did not build at version {VERSION}: regenerate it with `cargo xtask sdk generate`");
    }
    Ok((wheel, sdist))
}

/// Copies the directory tree `from` into a fresh `to`, leaving out the
/// entries named in `skip` (build output of earlier local runs).
fn copy_dir(from: &Path, to: &Path, skip: &[&str]) -> Result<()> {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        if skip.iter().any(|name| entry.file_name() == *name) {
            continue;
        }
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target, skip)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

const NPM_INSTALL: &[&str] = &["install", "--no-audit", "--no-fund", "--no-save", "--prefer-online"];
const PIP_INSTALL: &[&str] = &["install", "--quiet", "--disable-pip-version-check"];

pub fn path_str(path: &Path) -> Result<&str> {
    path.to_str().with_context(|| format!("{} is not UTF-8", path.display()))
}

/// An empty npm project in a fresh `dir`.
pub fn fresh_npm_project(dir: &Path) -> Result<PathBuf> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("package.json"), "{\"name\": \"keyward-sdk-check\", \"private\": true}\n")?;
    Ok(dir.to_path_buf())
}

/// `npm install` of `spec` into `project`, with extra arguments.
pub fn npm_install(project: &Path, spec: &str, extra: &[&str]) -> Result<()> {
    run_step(
        &format!("install {spec} into a fresh npm project"),
        Command::new("npm").args(NPM_INSTALL).args(extra).arg("--prefix").arg(project).arg(spec),
    )
}

/// What the scripts check after importing: a client built from a
/// configuration.
const NODE_CHECK: &str = "const api = new AdminClientsApi(new Configuration({ basePath: 'http://127.0.0.1:1', accessToken: 'token' }));\n\
     if (typeof api.clientList !== 'function') throw new Error('no clientList on AdminClientsApi');\n\
     console.log('@keyward/sdk imported');\n";

/// Checks the installed `@keyward/sdk`: its version, an `import` of it (and a
/// `require` unless it declares itself an ES module), and a strict
/// type-check of a TypeScript user of it through its `.d.ts`, with the
/// pinned `tsc`.
pub fn check_npm_import(project: &Path) -> Result<()> {
    let manifest = std::fs::read_to_string(project.join("node_modules/@keyward/sdk/package.json"))?;
    let manifest: Value = serde_json::from_str(&manifest)?;
    if manifest["version"] != VERSION {
        bail!("installed @keyward/sdk {}, expected {VERSION}", manifest["version"]);
    }
    let mut scripts = vec![("check.mjs", "import { AdminClientsApi, Configuration } from '@keyward/sdk';\n")];
    if manifest["type"] != "module" {
        scripts.push(("check.cjs", "const { AdminClientsApi, Configuration } = require('@keyward/sdk');\n"));
    }
    for (name, imports) in scripts {
        std::fs::write(project.join(name), format!("{imports}{NODE_CHECK}"))?;
        run_step(&format!("import @keyward/sdk ({name})"), Command::new("node").arg(project.join(name)))?;
    }
    std::fs::write(
        project.join("check.mts"),
        "import { AdminClientsApi, Configuration, type ClientCreate } from '@keyward/sdk';\n\
         const api: AdminClientsApi = new AdminClientsApi(new Configuration({ accessToken: 'token' }));\n\
         export const pending: Promise<unknown> = api.clientList({ take: 20 });\n\
         export type Body = ClientCreate;\n",
    )?;
    let tsc = crate::tools::npm(TSC)?.join("tsc");
    run_step(
        "type-check a TypeScript user of @keyward/sdk",
        Command::new(tsc)
            .args([
                "--noEmit",
                "--strict",
                "--module",
                "nodenext",
                "--moduleResolution",
                "nodenext",
                "--lib",
                "es2020,dom",
            ])
            .arg(project.join("check.mts")),
    )
}

/// A fresh virtual environment at `dir`; its `bin` directory.
pub fn fresh_venv(dir: &Path) -> Result<PathBuf> {
    let _ = std::fs::remove_dir_all(dir);
    run_step("create a fresh venv", Command::new("python3").args(["-m", "venv"]).arg(dir))?;
    Ok(dir.join("bin"))
}

/// `pip install` into the venv at `bin`.
pub fn pip_install(bin: &Path, args: &[&str]) -> Result<()> {
    run_step(&format!("pip install {}", args.join(" ")), Command::new(bin.join("pip")).args(PIP_INSTALL).args(args))
}

/// Imports the installed `keyward_sdk`, checks its version and builds a client.
pub fn check_python_import(bin: &Path) -> Result<()> {
    let script = format!(
        "import keyward_sdk\n\
         assert keyward_sdk.__version__ == '{VERSION}', keyward_sdk.__version__\n\
         api = keyward_sdk.AdminClientsApi(keyward_sdk.ApiClient(keyward_sdk.Configuration(host='http://127.0.0.1:1', access_token='token')))\n\
         assert callable(api.client_list)\n\
         print('keyward_sdk', keyward_sdk.__version__, 'imported')\n"
    );
    run_step("import keyward_sdk", Command::new(bin.join("python")).arg("-c").arg(script))
}
