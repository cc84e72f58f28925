//! `cargo xtask verify`: everything CI checks, in order, stopping at the
//! first failure.

use anyhow::{Context, Result, bail};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};

/// Pinned so fuzzing results do not drift with new releases.
const SCHEMATHESIS: &str = "schemathesis==4.32.5";
/// Examples per operation and phase; the whole run takes about a minute.
const FUZZ_EXAMPLES: &str = "60";

fn run_step(name: &str, command: &mut Command) -> Result<()> {
    println!("==> {name}");
    let status = command.current_dir(crate::root()).status().with_context(|| format!("running {name}"))?;
    if !status.success() {
        bail!("{name} failed ({status})");
    }
    Ok(())
}

fn cargo(args: &[&str]) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.args(args);
    command
}

pub fn run() -> Result<()> {
    run_step("format", &mut cargo(&["fmt", "--all", "--", "--check"]))?;
    run_step("clippy", &mut cargo(&["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"]))?;
    println!("==> contract");
    crate::openapi::check()?;
    crate::sdk::check()?;
    if std::env::var_os("KEYWARD_TEST_POSTGRES_URL").is_none() {
        println!("note: KEYWARD_TEST_POSTGRES_URL is not set, so the PostgreSQL runs of the tests are skipped");
    }
    run_step(
        "tests",
        cargo(&["nextest", "run", "--workspace", "--locked", "--no-fail-fast"]).env("INSTA_UPDATE", "no"),
    )?;
    fuzz()
}

/// Runs schemathesis against a live server on a fresh SQLite database: any
/// 5xx, or any answer the document does not describe, fails.
fn fuzz() -> Result<()> {
    let root = crate::root();
    let venv = root.join("target/schemathesis");
    let st = venv.join("bin/st");
    if !st.exists() {
        run_step("create schemathesis venv", Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
        run_step(
            "install schemathesis",
            Command::new(venv.join("bin/pip")).args([
                "install",
                "--quiet",
                "--disable-pip-version-check",
                SCHEMATHESIS,
            ]),
        )?;
    }
    run_step("build server", &mut cargo(&["build", "--locked", "-p", "keyward-server", "--bin", "keyward"]))?;
    let workdir = root.join("target/fuzz");
    let _ = std::fs::remove_dir_all(&workdir);
    std::fs::create_dir_all(&workdir)?;
    let (id, secret) = ("fuzz-admin", "fuzz-admin-secret-0123456789");
    let mut server = Command::new(root.join("target/debug/keyward"))
        .args(["serve", "--bind", "127.0.0.1:0", "--log-level", "warn"])
        .arg("--database-url")
        .arg(format!("sqlite://{}", workdir.join("fuzz.db").display()))
        .arg("--config")
        .arg(workdir.join("none.toml"))
        .env("KEYWARD_ADMIN_CLIENT_ID", id)
        .env("KEYWARD_ADMIN_CLIENT_SECRET", secret)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .context("starting keyward")?;
    let result = fuzz_server(&mut server, id, secret);
    let _ = server.kill();
    let _ = server.wait();
    result
}

fn fuzz_server(server: &mut Child, id: &str, secret: &str) -> Result<()> {
    let stderr = server.stderr.take().context("server stderr")?;
    let mut lines = BufReader::new(stderr).lines();
    let address = loop {
        let line = lines.next().context("the server exited before listening")??;
        if let Some(address) = line.strip_prefix("keyward listening on http://") {
            break address.trim().to_string();
        }
    };
    std::thread::spawn(move || lines.for_each(|line| eprintln!("server: {}", line.unwrap_or_default())));
    let token = admin_token(&address, id, secret)?;
    run_step(
        "fuzz (schemathesis)",
        Command::new(crate::root().join("target/schemathesis/bin/st"))
            .args(["run", crate::openapi::PATH, "--url"])
            .arg(format!("http://{address}"))
            .arg("--header")
            .arg(format!("Authorization: Bearer {token}"))
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
}

/// A client_credentials token, by a plain HTTP/1.1 request.
fn admin_token(address: &str, id: &str, secret: &str) -> Result<String> {
    let body = format!("grant_type=client_credentials&client_id={id}&client_secret={secret}");
    let mut stream = std::net::TcpStream::connect(address)?;
    write!(
        stream,
        "POST /oauth/token HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let (_, json) = response.split_once("\r\n\r\n").context("malformed token response")?;
    let value: serde_json::Value = serde_json::from_str(json).context("token response is not JSON")?;
    value["access_token"].as_str().map(str::to_string).with_context(|| format!("no token issued: {value}"))
}
