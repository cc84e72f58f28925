//! Generated clients for other languages: the TypeScript (`typescript-fetch`)
//! and Python SDKs under `client-sdk/`, made by a pinned openapi-generator
//! from the contract and committed like the Rust SDK. Files the generator
//! must not touch (the hand-written helpers, READMEs, smoke tests) are named
//! in each directory's `.openapi-generator-ignore`; the generator lists what
//! it wrote in `.openapi-generator/FILES`, which is what the drift check compares.

use crate::server::Server;
use crate::util::run_step;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The PyPI package bundling the generator's jar (it runs on Java 17).
const GENERATOR: &str = "openapi-generator-cli==7.26.0";
const FILES: &str = ".openapi-generator/FILES";

/// One generated SDK.
pub struct Sdk {
    pub generator: &'static str,
    pub dir: &'static str,
    /// The generator option carrying the version.
    version_option: &'static str,
    options: &'static [&'static str],
    /// `schema=Model` renames where a schema's name collides with the
    /// generator's own (the TypeScript runtime exports a `Consume`).
    model_names: &'static [&'static str],
}

pub const TYPESCRIPT: Sdk = Sdk {
    generator: "typescript-fetch",
    dir: "client-sdk/typescript",
    version_option: "npmVersion",
    options: &["npmName=@keyward/sdk", "supportsES6=true", "importFileExtension=.js", "licenseName=Apache-2.0"],
    model_names: &["Consume=ConsumePoints"],
};

pub const PYTHON: Sdk = Sdk {
    generator: "python",
    dir: "client-sdk/python",
    version_option: "packageVersion",
    options: &["packageName=keyward_sdk", "projectName=keyward-sdk", "hideGenerationTimestamp=true"],
    model_names: &[],
};

const SDKS: [&Sdk; 2] = [&TYPESCRIPT, &PYTHON];

impl Sdk {
    /// Runs the generator into `out`, which holds the SDK's
    /// `.openapi-generator-ignore`; its warnings are printed.
    fn render(&self, out: &Path) -> Result<()> {
        let cli = generator()?;
        let root = crate::util::root();
        let mut options = format!("{}={}", self.version_option, env!("CARGO_PKG_VERSION"));
        for option in self.options {
            options = format!("{options},{option}");
        }
        let output = Command::new(cli)
            .current_dir(&root)
            .args(["generate", "--generator-name", self.generator, "--input-spec"])
            .arg(document()?)
            .arg("--output")
            .arg(out)
            .arg("--template-dir")
            .arg(root.join("xtask/templates").join(self.generator))
            .args(["--additional-properties", &options])
            .args(self.model_names.iter().flat_map(|rename| ["--model-name-mappings", rename]))
            // No per-model docs and tests: the README and the smoke test are written by hand.
            .args(["--global-property", "apiDocs=false,modelDocs=false,apiTests=false,modelTests=false"])
            .output()
            .with_context(|| format!("running openapi-generator ({})", self.generator))?;
        let log = String::from_utf8_lossy(&output.stdout);
        for warning in log.lines().filter(|line| line.contains(" WARN ")) {
            println!("openapi-generator {}: {warning}", self.generator);
        }
        if !output.status.success() {
            bail!("openapi-generator {} failed:\n{log}{}", self.generator, String::from_utf8_lossy(&output.stderr));
        }
        Ok(())
    }

    /// The generated files (relative paths), as listed in `dir`.
    fn generated(dir: &Path) -> Vec<String> {
        let list = std::fs::read_to_string(dir.join(FILES)).unwrap_or_default();
        list.lines().filter(|line| !line.is_empty()).map(str::to_string).collect()
    }

    /// A fresh rendering in a scratch directory under `target/`.
    fn render_scratch(&self) -> Result<PathBuf> {
        let scratch = crate::util::root().join("target/sdk-clients").join(self.generator);
        let _ = std::fs::remove_dir_all(&scratch);
        std::fs::create_dir_all(&scratch)?;
        let ignore = ".openapi-generator-ignore";
        std::fs::copy(crate::util::root().join(self.dir).join(ignore), scratch.join(ignore))
            .with_context(|| format!("{}/{ignore} is missing", self.dir))?;
        self.render(&scratch)?;
        Ok(scratch)
    }

    /// Replaces the committed generated files by a fresh rendering (files
    /// the generator no longer writes are removed).
    fn generate(&self) -> Result<()> {
        let scratch = self.render_scratch()?;
        let dir = crate::util::root().join(self.dir);
        for stale in Self::generated(&dir) {
            let _ = std::fs::remove_file(dir.join(stale));
        }
        for file in
            Self::generated(&scratch).iter().chain([FILES.to_string(), ".openapi-generator/VERSION".into()].iter())
        {
            let target = dir.join(file);
            std::fs::create_dir_all(target.parent().context("a file has a directory")?)?;
            std::fs::copy(scratch.join(file), &target).with_context(|| format!("copying {file}"))?;
        }
        println!("wrote {}", dir.display());
        Ok(())
    }

    /// Fails, with a diff, unless the committed generated files are exactly
    /// a fresh rendering.
    fn check(&self) -> Result<()> {
        let scratch = self.render_scratch()?;
        let dir = crate::util::root().join(self.dir);
        let mut files: std::collections::BTreeSet<String> = Self::generated(&scratch).into_iter().collect();
        files.extend(Self::generated(&dir));
        files.extend([FILES.to_string(), ".openapi-generator/VERSION".into()]);
        let mut stale = Vec::new();
        for file in &files {
            let committed = std::fs::read_to_string(dir.join(file)).unwrap_or_default();
            let fresh = std::fs::read_to_string(scratch.join(file)).unwrap_or_default();
            if committed != fresh {
                let diff = similar::TextDiff::from_lines(&committed, &fresh);
                let header = format!("{}/{file}", self.dir);
                eprintln!("{}", diff.unified_diff().context_radius(3).header(&header, "generated"));
                stale.push(file.as_str());
            }
        }
        if !stale.is_empty() {
            bail!(
                "{} is stale ({} files differ: {}): run `cargo xtask sdk generate` and review the diff",
                self.dir,
                stale.len(),
                stale.join(", ")
            );
        }
        println!("{} is up to date", dir.display());
        Ok(())
    }
}

/// The pinned openapi-generator-cli, installed on first use.
pub fn generator() -> Result<PathBuf> {
    Ok(crate::tools::python("openapi-generator", &[GENERATOR])?.join("openapi-generator-cli"))
}

/// The document the SDKs are generated from ([`crate::openapi::sdk_document`]),
/// written where the generator can read it.
fn document() -> Result<PathBuf> {
    let path = crate::util::root().join("target/sdk-clients/keyward-sdk.json");
    std::fs::create_dir_all(path.parent().context("a file has a directory")?)?;
    std::fs::write(&path, serde_json::to_string_pretty(&crate::openapi::sdk_document()?)?)?;
    Ok(path)
}

pub fn generate() -> Result<()> {
    SDKS.iter().try_for_each(|sdk| sdk.generate())
}

pub fn check() -> Result<()> {
    SDKS.iter().try_for_each(|sdk| sdk.check())
}

/// The Python tools of the SDK checks: mypy, and the SDK's dependencies
/// (the SDK itself is used from its directory).
const PYTHON_TOOLS: &[&str] = &[
    "mypy==2.4.1",
    "pydantic==2.14.4",
    "urllib3==2.8.0",
    "python-dateutil==2.9.0.post0",
    "typing-extensions==4.16.0",
    "types-python-dateutil==2.9.0.20261116",
];

/// `sdk smoke`: type-checks both SDKs with their hand-written parts (`tsc
/// --strict`, mypy), then runs each one's smoke test against one live server
/// on a fresh SQLite database, on loopback.
pub fn smoke() -> Result<()> {
    let tsc = crate::tools::npm("sdk-typescript")?.join("tsc");
    let python = crate::tools::python("sdk-python", PYTHON_TOOLS)?;
    let root = crate::util::root();
    let typescript = root.join(TYPESCRIPT.dir);
    let python_sdk = root.join(PYTHON.dir);
    run_step(
        "type-check the TypeScript SDK",
        Command::new(&tsc).arg("--noEmit").arg("--strict").arg("-p").arg(&typescript),
    )?;
    run_step(
        "type-check the Python SDK (mypy)",
        Command::new(python.join("mypy"))
            .arg("--cache-dir")
            .arg(root.join("target/mypy-cache"))
            .arg("--config-file")
            .arg(python_sdk.join("pyproject.toml"))
            .arg(python_sdk.join("keyward_sdk"))
            .arg(python_sdk.join("smoke.py")),
    )?;
    let workdir = root.join("target/sdk-smoke");
    let _ = std::fs::remove_dir_all(&workdir);
    let compiled = workdir.join("typescript");
    run_step(
        "compile the TypeScript smoke test",
        Command::new(&tsc).arg("--strict").arg("-p").arg(typescript.join("smoke")).arg("--outDir").arg(&compiled),
    )?;
    // The SDK is ES modules.
    std::fs::write(compiled.join("package.json"), "{\"type\":\"module\"}\n")?;

    let binary = crate::server::build_debug()?;
    let database = format!("sqlite://{}", workdir.join("smoke.db").display());
    let server = Server::start(&binary, &database, &workdir, "warn")?;
    let live = |command: &mut Command| {
        command
            .env("KEYWARD_URL", format!("http://{}", server.address))
            .env("KEYWARD_ADMIN_CLIENT_ID", crate::server::ADMIN_ID)
            .env("KEYWARD_ADMIN_CLIENT_SECRET", crate::server::ADMIN_SECRET);
    };
    let mut node = Command::new("node");
    live(node.arg(compiled.join("smoke/smoke.js")));
    run_step("sdk smoke (TypeScript)", &mut node)?;
    let mut py = Command::new(python.join("python"));
    live(py.arg(python_sdk.join("smoke.py")).env("PYTHONPATH", &python_sdk));
    run_step("sdk smoke (Python)", &mut py)
}
