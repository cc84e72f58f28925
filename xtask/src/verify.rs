//! `cargo xtask verify`: everything CI checks, in order, stopping at the
//! first failure; its fuzzing step also runs alone as `cargo xtask fuzz`.

use crate::server::{Server, build_debug};
use crate::util::{cargo, run_step};
use anyhow::{Context, Result, bail};
use std::path::PathBuf;
use std::process::Command;

/// Pinned so fuzzing results do not drift with new releases.
const SCHEMATHESIS: &str = "schemathesis==4.32.5";
/// The local S3-compatible server the blob store's S3 tests run against.
const MOTO: &str = "moto[server]==5.2.5";
/// Examples per operation and phase; the whole run takes about a minute.
const FUZZ_EXAMPLES: &str = "60";

pub fn run() -> Result<()> {
    browser_prerequisites()?;
    run_step("format", &mut cargo(&["fmt", "--all", "--", "--check"]))?;
    run_step("clippy", &mut cargo(&["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"]))?;
    println!("==> contract");
    crate::openapi::check()?;
    crate::openapi::lint()?;
    crate::sdk::check()?;
    if std::env::var_os("KEYWARD_TEST_POSTGRES_URL").is_none() {
        println!("note: KEYWARD_TEST_POSTGRES_URL is not set, so the PostgreSQL runs of the tests are skipped");
    }
    let moto = moto()?;
    // ReleaseSDK publishes to a local Verdaccio; code generation runs the
    // openapi-generator-cli the contract step installed.
    let verdaccio = crate::tools::npm("verdaccio")?.join("verdaccio");
    let openapi_generator = crate::clients::generator()?;
    // The CLI and request-log tests run the binary itself: built first.
    let binary = build_debug()?;
    run_step(
        "tests",
        cargo(&["nextest", "run", "--workspace", "--locked", "--no-fail-fast", "-E", "not binary(reliability)"])
            .env("INSTA_UPDATE", "no")
            .env("KEYWARD_TEST_MOTO_SERVER", moto)
            .env("KEYWARD_TEST_VERDACCIO", verdaccio)
            .env("KEYWARD_TEST_OPENAPI_GENERATOR", openapi_generator)
            .env("KEYWARD_BIN", binary),
    )?;
    reliability()?;
    crate::clients::smoke()?;
    fuzz()?;
    crate::package_check::run()
}

/// Installs what the browser tests drive, so that `cargo xtask verify` alone
/// works on a fresh machine: the pinned npm packages of `tests/browser`, and
/// Debian's `chromium` (at `$CHROMIUM`, default `/usr/bin/chromium`) through
/// apt-get when running as root; otherwise the one command to run is named.
fn browser_prerequisites() -> Result<()> {
    let browser = crate::util::root().join("tests/browser");
    if !browser.join("node_modules/playwright-core").exists() {
        run_step(
            "install the browser tests' npm packages",
            Command::new("npm").args(["ci", "--no-audit", "--no-fund", "--prefix"]).arg(&browser),
        )?;
    }
    // Where `tests/browser/login.mjs` looks for it.
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if std::path::Path::new(&chromium).exists() {
        return Ok(());
    }
    let root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0"));
    if !root {
        bail!("the browser tests need Chromium: run `sudo apt-get install -y chromium`");
    }
    run_step("apt-get update", Command::new("apt-get").args(["update", "-qq"]))?;
    run_step("install chromium", Command::new("apt-get").args(["install", "-y", "-qq", "chromium"]))
}

/// Installs moto's S3-compatible server into `target/tools/moto` when missing
/// (the blob store tests start it); its path.
fn moto() -> Result<PathBuf> {
    Ok(crate::tools::python("moto", &[MOTO])?.join("moto_server"))
}

/// `tests/reliability` against replicas run as separate processes (crashes,
/// a cut-off PostgreSQL, SIGTERM under load), one case at a time so that
/// their timings do not disturb each other; their figures are printed. The
/// debug build is used: a release build from scratch would push CI past its
/// 40 minutes (run the suite with `KEYWARD_BIN=target/release/keyward` for one).
fn reliability() -> Result<()> {
    let binary = build_debug()?;
    run_step(
        "reliability",
        cargo(&["nextest", "run", "--locked", "-p", "keyward-tests", "--test", "reliability", "--no-capture"])
            .env("KEYWARD_BIN", binary),
    )
}

/// Runs schemathesis against a live server on a fresh SQLite database: any
/// 5xx (but the by-design ones `xtask/tools/schemathesis.toml` lists), or any
/// answer the document does not describe, fails. Every operation is run with
/// the admin's token, then the operations open to anonymous callers are run
/// again without any credentials, as a stranger would call them.
pub fn fuzz() -> Result<()> {
    let st = crate::tools::python("schemathesis", &[SCHEMATHESIS])?.join("st");
    let binary = build_debug()?;
    let workdir = crate::util::root().join("target/fuzz");
    let _ = std::fs::remove_dir_all(&workdir);
    std::fs::create_dir_all(&workdir)?;
    let database = format!("sqlite://{}", workdir.join("fuzz.db").display());
    let server = Server::start(&binary, &database, &workdir, "warn")?;
    let token = server.admin_token()?;
    let schemathesis = |name: &str, args: &[String]| {
        run_step(
            name,
            Command::new(&st)
                .arg("--config-file")
                .arg(crate::util::root().join("xtask/tools/schemathesis.toml"))
                .args(["run", crate::openapi::PATH, "--url"])
                .arg(format!("http://{}", server.address))
                .args(args)
                .args([
                    "--checks",
                    "not_a_server_error,status_code_conformance,content_type_conformance,\
                     response_headers_conformance,response_schema_conformance",
                    "--max-examples",
                    FUZZ_EXAMPLES,
                    "--generation-deterministic",
                    "--request-timeout",
                    "10",
                ]),
        )
    };
    schemathesis("fuzz (schemathesis)", &["--header".into(), format!("Authorization: Bearer {token}")])?;
    let anonymous: Vec<String> =
        anonymous_operations()?.into_iter().flat_map(|name| ["--include-name".into(), name]).collect();
    schemathesis("fuzz anonymous operations without credentials (schemathesis)", &anonymous)
}

/// The operations of the committed document a caller without credentials
/// may call (`security` empty, or holding `{}`), as schemathesis names them:
/// `METHOD /path`.
fn anonymous_operations() -> Result<Vec<String>> {
    let text = std::fs::read_to_string(crate::util::root().join(crate::openapi::PATH))?;
    let document: serde_json::Value = serde_json::from_str(&text).context("parsing the committed OpenAPI document")?;
    let paths = document["paths"].as_object().context("the document has no paths")?;
    let open = |operation: &serde_json::Value| {
        operation["security"].as_array().is_some_and(|any_of| {
            any_of.is_empty() || any_of.iter().any(|scheme| scheme.as_object().is_some_and(|s| s.is_empty()))
        })
    };
    let names: Vec<String> = paths
        .iter()
        .flat_map(|(path, item)| item.as_object().into_iter().flatten().map(move |(method, op)| (path, method, op)))
        .filter(|(_, _, operation)| open(operation))
        .map(|(path, method, _)| format!("{} {path}", method.to_uppercase()))
        .collect();
    if names.is_empty() {
        bail!("the document marks no operation as open to anonymous callers");
    }
    Ok(names)
}
