//! A throwaway npm registry for `ReleaseSDK`: Verdaccio (pinned in
//! `xtask/tools/verdaccio`, which `cargo xtask verify` installs into
//! `target/tools/verdaccio` and names in `KEYWARD_TEST_VERDACCIO`), on a
//! loopback port with its storage in a temporary directory, no uplinks and
//! one user; killed when dropped.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CONFIG: &str = "storage: ./storage\nauth:\n  htpasswd:\n    file: ./htpasswd\nuplinks: {}\n\
packages:\n  '**':\n    access: $all\n    publish: $authenticated\nweb:\n  enable: false\n\
log: { type: stdout, format: pretty, level: warn }\n";

pub struct Verdaccio {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    pub address: std::net::SocketAddr,
    /// A publishing user's token.
    pub token: String,
    child: Child,
    dir: PathBuf,
}

impl Verdaccio {
    /// Starts it and signs a user up; fails (never skips) when it is not installed.
    pub async fn start() -> Verdaccio {
        let binary = std::env::var_os("KEYWARD_TEST_VERDACCIO").map(PathBuf::from).unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/tools/verdaccio/node_modules/.bin/verdaccio"))
        });
        assert!(
            binary.exists(),
            "the ReleaseSDK tests need Verdaccio at {} (or KEYWARD_TEST_VERDACCIO): run `cargo xtask verify`, or \
             `npm ci --prefix target/tools/verdaccio` after copying xtask/tools/verdaccio/package*.json there",
            binary.display()
        );
        let dir = std::env::temp_dir().join(format!("keyward-verdaccio-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("config.yaml"), CONFIG).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let address: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let child = Command::new(&binary)
            .arg("--config")
            .arg(dir.join("config.yaml"))
            .arg("--listen")
            .arg(address.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", binary.display()));
        let url = format!("http://{address}");
        let http = reqwest::Client::new();
        let started = Instant::now();
        while !http.get(format!("{url}/-/ping")).send().await.is_ok_and(|r| r.status().is_success()) {
            assert!(started.elapsed() < Duration::from_secs(60), "Verdaccio did not answer within a minute");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let user = serde_json::json!({ "name": "publisher", "password": "local-registry-password" });
        let signed_up = http.put(format!("{url}/-/user/org.couchdb.user:publisher")).json(&user).send().await.unwrap();
        assert_eq!(signed_up.status().as_u16(), 201, "Verdaccio sign-up");
        let answer: serde_json::Value = signed_up.json().await.unwrap();
        let token = answer["token"].as_str().expect("Verdaccio answers a token").to_string();
        Verdaccio { url, address, token, child, dir }
    }
}

impl Drop for Verdaccio {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
