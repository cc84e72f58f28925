//! The Keyward binary: its builds (release and debug), the binary run as a
//! child process, and plain HTTP/1.1 requests to it — for fuzzing,
//! benchmarking and the SDK smoke tests, where the client must be another
//! process.

use crate::util::{cargo, run_step};
use anyhow::{Context, Result};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub const ADMIN_ID: &str = "xtask-admin";
pub const ADMIN_SECRET: &str = "xtask-admin-secret-0123456789abcdef";
/// The master key of the throwaway databases fuzzed and benchmarked
/// (PostgreSQL has no default key).
const MASTER_KEY: &str = "eHRhc2sgZnV6eiBhbmQgYmVuY2ggbWFzdGVyIGtleSE=";

/// Builds the release server: what is deployed and benchmarked. Its path.
pub fn build_release() -> Result<PathBuf> {
    run_step(
        "build release server",
        &mut cargo(&["build", "--release", "--locked", "-p", "keyward-server", "--bin", "keyward"]),
    )?;
    Ok(crate::util::root().join("target/release/keyward"))
}

/// Builds the debug server binary; its path. The whole workspace's targets
/// are built, as `verify`'s test step did: the same feature set, so nothing is
/// recompiled (`-p keyward-server` alone resolves other dependency features
/// and rebuilt half the tree, minutes of CI).
pub fn build_debug() -> Result<PathBuf> {
    run_step("build server", &mut cargo(&["build", "--workspace", "--all-targets", "--locked"]))?;
    Ok(crate::util::root().join("target/debug/keyward"))
}

/// A running server; killed when dropped.
pub struct Server {
    child: Child,
    pub address: String,
}

impl Server {
    /// Starts `binary` on an ephemeral port over `database_url`, with the
    /// xtask admin client, and waits until it listens. Its log (at
    /// `log_level`) goes to a file in `workdir`, as in a deployment.
    pub fn start(binary: &Path, database_url: &str, workdir: &Path, log_level: &str) -> Result<Server> {
        let log = std::fs::OpenOptions::new().create(true).append(true).open(workdir.join("server-stdout.log"))?;
        let mut child = Command::new(binary)
            .args(["serve", "--bind", "127.0.0.1:0", "--log-level", log_level, "--database-url", database_url])
            .arg("--config")
            .arg(workdir.join("none.toml"))
            .env("KEYWARD_ADMIN_CLIENT_ID", ADMIN_ID)
            .env("KEYWARD_ADMIN_CLIENT_SECRET", ADMIN_SECRET)
            .env("KEYWARD_MASTER_KEY", MASTER_KEY)
            // Room for every connection of the password-grant scenario: it
            // measures argon2 throughput, not the queue bound's 503s.
            .env("KEYWARD_PASSWORD_QUEUE", "256")
            .stdout(log)
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let stderr = child.stderr.take().context("server stderr")?;
        let mut lines = BufReader::new(stderr).lines();
        let address = loop {
            let line = lines.next().context("the server exited before listening")??;
            if let Some(address) = line.strip_prefix("keyward listening on http://") {
                break address.trim().to_string();
            }
        };
        std::thread::spawn(move || lines.for_each(|line| eprintln!("server: {}", line.unwrap_or_default())));
        Ok(Server { child, address })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A client_credentials token of the admin client.
    pub fn admin_token(&self) -> Result<String> {
        let body = format!("grant_type=client_credentials&client_id={ADMIN_ID}&client_secret={ADMIN_SECRET}");
        let (_, value) = request(&self.address, "POST", "/oauth/token", FORM, None, &body)?;
        value["access_token"].as_str().map(str::to_string).with_context(|| format!("no token issued: {value}"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub const FORM: &str = "application/x-www-form-urlencoded";
pub const JSON: &str = "application/json";

/// One request on its own connection; the status and JSON body (null when
/// the body is not JSON).
pub fn request(
    address: &str,
    method: &str,
    path: &str,
    content_type: &str,
    authorization: Option<&str>,
    body: &str,
) -> Result<(u16, Value)> {
    let mut stream = TcpStream::connect(address)?;
    let authorization = authorization.map(|a| format!("Authorization: {a}\r\n")).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: {content_type}\r\n{authorization}\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let (head, json) = response.split_once("\r\n\r\n").context("malformed response")?;
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).context("malformed status line")?;
    Ok((status, serde_json::from_str(json).unwrap_or(Value::Null)))
}
