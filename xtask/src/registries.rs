//! Throwaway package registries on loopback for the publishing test: a
//! Verdaccio (npm) and a pypiserver (Python), each with its storage under
//! `target/sdk-dist/registries`, one user, and no uplink to the public
//! registries; killed when dropped.

use crate::server::{JSON, request};
use anyhow::{Context, Result, bail};
use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

const VERDACCIO_CONFIG: &str = "storage: ./storage
auth:
  htpasswd:
    file: ./htpasswd
    max_users: 1
uplinks: {}
packages:
  '**':
    access: $all
    publish: $authenticated
web:
  enable: false
log: { type: stdout, format: pretty, level: warn }
";

const PYPISERVER: &[&str] = &["pypiserver==2.4.2", "passlib==1.7.4"];
const USER: &str = "keyward";
/// Guards registries that live for one test on loopback.
const PASSWORD: &str = "local-registry-password";

/// A child process with its log file, killed when dropped.
struct Process(Child, PathBuf);

impl Process {
    /// Polls `path` until it answers 200, for at most a minute.
    fn wait_until_up(&mut self, address: &str, path: &str) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Some(status) = self.0.try_wait()? {
                bail!("the registry exited ({status}); see {}", self.1.display());
            }
            if matches!(request(address, "GET", path, JSON, None, ""), Ok((200, _))) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        bail!("no registry answered on {address}{path} within a minute; see {}", self.1.display())
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub struct Verdaccio {
    _process: Process,
    pub url: String,
    /// The user's token, from Verdaccio's login API.
    pub token: String,
}

impl Verdaccio {
    pub fn start(dir: &Path) -> Result<Verdaccio> {
        let verdaccio = crate::tools::npm("verdaccio")?.join("verdaccio");
        fresh_dir(dir)?;
        let config = dir.join("config.yaml");
        std::fs::write(&config, VERDACCIO_CONFIG)?;
        let address = loopback_address()?;
        let mut process = spawn(
            Command::new(verdaccio).arg("--config").arg(&config).arg("--listen").arg(&address),
            &dir.join("verdaccio.log"),
        )?;
        process.wait_until_up(&address, "/-/ping")?;
        let body = serde_json::json!({"name": USER, "password": PASSWORD}).to_string();
        let (status, answer) =
            request(&address, "PUT", &format!("/-/user/org.couchdb.user:{USER}"), JSON, None, &body)?;
        let token = answer["token"].as_str().filter(|_| status == 201);
        let token = token.with_context(|| format!("Verdaccio created no user (HTTP {status})"))?.to_string();
        Ok(Verdaccio { _process: process, url: format!("http://{address}"), token })
    }
}

pub struct PypiServer {
    _process: Process,
    pub url: String,
}

impl PypiServer {
    /// Uploads need the user's password (an htpasswd file); downloads are
    /// open, and packages it does not hold redirect to PyPI, where the SDK's
    /// dependencies come from.
    pub fn start(dir: &Path) -> Result<PypiServer> {
        let bin = crate::tools::python("pypiserver", PYPISERVER)?;
        fresh_dir(&dir.join("packages"))?;
        let htpasswd = dir.join("htpasswd");
        crate::util::run_step(
            "create the pypiserver user",
            Command::new(bin.join("python"))
                .args(["-c", "import os, sys\nfrom passlib.apache import HtpasswdFile\nf = HtpasswdFile(sys.argv[1], new=True)\nf.set_password(sys.argv[2], os.environ['PASSWORD'])\nf.save()"])
                .arg(&htpasswd)
                .arg(USER)
                .env("PASSWORD", PASSWORD),
        )?;
        let address = loopback_address()?;
        let (host, port) = address.split_once(':').expect("host:port");
        let mut process = spawn(
            Command::new(bin.join("pypi-server"))
                .args(["run", "--interface", host, "--port", port, "--authenticate", "update", "--passwords"])
                .arg(&htpasswd)
                .arg(dir.join("packages")),
            &dir.join("pypiserver.log"),
        )?;
        process.wait_until_up(&address, "/simple/")?;
        Ok(PypiServer { _process: process, url: format!("http://{address}") })
    }

    pub fn credentials(&self) -> (String, String) {
        (USER.into(), PASSWORD.into())
    }
}

fn fresh_dir(dir: &Path) -> Result<()> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))
}

/// A free loopback `host:port` (the registries cannot report a port they
/// chose themselves).
fn loopback_address() -> Result<String> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.to_string())
}

/// Spawns `command` with its output in `log`.
fn spawn(command: &mut Command, log: &Path) -> Result<Process> {
    let out = File::create(log)?;
    let child =
        command.stdout(out.try_clone()?).stderr(out).spawn().with_context(|| format!("starting {command:?}"))?;
    Ok(Process(child, log.to_path_buf()))
}
