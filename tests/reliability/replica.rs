//! A release-built `keyward` run as a separate process, and the plain HTTP
//! calls the cases make to it.

use keyward_server::config::MasterKeySource;
use keyward_tests::{ADMIN_ID, ADMIN_SECRET, TestDb};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The binary under test, from `KEYWARD_BIN` (`cargo xtask verify` builds
/// it in release mode and sets it); `None`, with a notice, when unset.
pub fn binary() -> Option<PathBuf> {
    let found = std::env::var_os("KEYWARD_BIN").map(PathBuf::from);
    if found.is_none() {
        eprintln!("KEYWARD_BIN is not set: skipping (run `cargo xtask verify`, or set it to a release-built keyward)");
    }
    found
}

/// One `keyward serve` process.
pub struct Replica {
    child: Child,
    pub url: String,
}

impl Replica {
    /// Starts `binary` on an ephemeral port over `database_url` (the test
    /// database's, or a proxy's in front of it) with the test admin client,
    /// and waits until it listens. Every replica has the same issuer, as
    /// replicas behind one load balancer do, so tokens outlive a replica.
    pub async fn start(binary: &Path, db: &TestDb, database_url: &str, args: &[&str]) -> Replica {
        let mut command = Command::new(binary);
        command
            .args(["serve", "--bind", "127.0.0.1:0", "--log-level", "warn", "--config", "/nonexistent.toml"])
            .args(["--issuer", "https://keyward.test"])
            .args(["--database-url", database_url])
            .args(args)
            .env("KEYWARD_ADMIN_CLIENT_ID", ADMIN_ID)
            .env("KEYWARD_ADMIN_CLIENT_SECRET", ADMIN_SECRET)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        if let MasterKeySource::Given(key) = &db.master_key {
            command.env("KEYWARD_MASTER_KEY", key);
        }
        let mut child = command.spawn().expect("keyward starts");
        let mut lines = BufReader::new(child.stderr.take().expect("stderr piped")).lines();
        let address = loop {
            match lines.next_line().await.expect("stderr readable") {
                Some(line) => match line.strip_prefix("keyward listening on http://") {
                    Some(address) => break address.trim().to_string(),
                    None => eprintln!("keyward: {line}"),
                },
                None => panic!("keyward exited before listening: {:?}", child.wait().await),
            }
        };
        let url = format!("http://{address}");
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                eprintln!("keyward {address}: {line}");
            }
        });
        Replica { child, url }
    }

    /// `kill -9`: no chance to finish anything.
    pub async fn kill(mut self) {
        self.child.kill().await.expect("killed");
    }

    /// Sends SIGTERM, as an orchestrator stopping the replica does.
    pub fn terminate(&self) {
        let pid = self.child.id().expect("still running").to_string();
        let sent = std::process::Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs");
        assert!(sent.success(), "SIGTERM sent");
    }

    /// Waits for the process to exit, at most `limit`; its exit code.
    pub async fn exit_code(mut self, limit: Duration) -> Option<i32> {
        let status = tokio::time::timeout(limit, self.child.wait()).await.expect("exited in time").expect("waited");
        status.code()
    }
}

/// HTTP calls to one replica, with the admin client's token.
#[derive(Clone)]
pub struct Api {
    pub url: String,
    pub http: reqwest::Client,
    pub admin_token: String,
}

impl Api {
    /// Takes an admin token from the replica at `url`.
    pub async fn new(url: &str) -> Api {
        let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
        let mut api = Api { url: url.to_string(), http, admin_token: String::new() };
        let form = [("grant_type", "client_credentials"), ("client_id", ADMIN_ID), ("client_secret", ADMIN_SECRET)];
        let token = api.http.post(format!("{url}/oauth/token")).form(&form).send().await.expect("token sent");
        let token: Value = token.json().await.expect("token JSON");
        api.admin_token = token["access_token"].as_str().expect("admin token").to_string();
        api
    }

    /// The same calls to another replica, with the same admin token.
    pub fn at(&self, url: &str) -> Api {
        Api { url: url.to_string(), ..self.clone() }
    }

    /// An admin `POST` of `body`; the status and JSON body, or the
    /// transport error.
    pub async fn admin_post(&self, path: &str, body: Value) -> reqwest::Result<(u16, Value)> {
        let response = self.http.post(format!("{}{path}", self.url)).bearer_auth(&self.admin_token).json(&body);
        answer(response).await
    }

    /// As [`Api::admin_post`], for a setup step that must succeed: its `data`.
    pub async fn admin_ok(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let request = self.http.request(method, format!("{}{path}", self.url)).bearer_auth(&self.admin_token);
        let (status, body) = answer(request.json(&body)).await.expect("request answered");
        assert!(status < 300, "{path}: {status} {body}");
        body["data"].clone()
    }

    /// A token endpoint call with HTTP basic client authentication.
    pub async fn token(&self, client: (&str, &str), form: &[(&str, &str)]) -> reqwest::Result<(u16, Value)> {
        answer(self.http.post(format!("{}/oauth/token", self.url)).basic_auth(client.0, Some(client.1)).form(form))
            .await
    }

    /// `GET /readyz`'s status, or `None` when it did not answer.
    pub async fn ready(&self) -> Option<u16> {
        let response = self.http.get(format!("{}/readyz", self.url)).timeout(Duration::from_secs(5)).send().await;
        response.ok().map(|r| r.status().as_u16())
    }

    /// Opens end-user registration in the default tenant (its property
    /// `UserRegistration`), which every sign-up needs besides the app's
    /// `signUpEnabled`.
    pub async fn open_registration(&self) {
        let tenants = self.admin_ok(reqwest::Method::GET, "/api/Tenant", Value::Null).await;
        let default = tenants.as_array().into_iter().flatten().find(|t| t["name"] == "default");
        let id = default.and_then(|t| t["id"].as_i64()).expect("the default tenant");
        let properties = json!({ "properties": [{ "key": "UserRegistration", "value": "enabled" }] });
        self.admin_ok(reqwest::Method::PUT, &format!("/api/Tenant/{id}"), properties).await;
    }

    /// Creates a confidential client; its secret.
    pub async fn client(&self, client_id: &str, grants: &[&str], settings: Option<Value>) -> (i64, String) {
        let grants: Vec<Value> = grants.iter().map(|g| json!({ "grantType": g })).collect();
        let body =
            json!({ "clientId": client_id, "allowedGrantTypes": grants, "allowedScopes": [{ "scope": "openid" }] });
        let created = self.admin_ok(reqwest::Method::POST, "/api/Client", body).await;
        let id = created["id"].as_i64().expect("client id");
        if let Some(settings) = settings {
            self.admin_ok(reqwest::Method::PUT, &format!("/api/Client/{id}/AppSettings"), settings).await;
        }
        (id, created["clientSecret"].as_str().expect("secret").to_string())
    }
}

/// Sends `request`; its status and JSON body (null when not JSON).
pub async fn answer(request: reqwest::RequestBuilder) -> reqwest::Result<(u16, Value)> {
    let response = request.send().await?;
    let status = response.status().as_u16();
    Ok((status, response.json().await.unwrap_or(Value::Null)))
}
