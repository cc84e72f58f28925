//! Test harness: a real Keyward server on an ephemeral port, on a fresh
//! SQLite file or a fresh PostgreSQL database, talked to over HTTP.

use keyward_server::config::{BlobArgs, CodegenArgs, DeliveryArgs, MasterKeySource, Settings};
use keyward_server::server::{Running, start};
use sinks::Sinks;
use sqlx::Connection;

pub const ADMIN_ID: &str = "test-admin";
pub const ADMIN_SECRET: &str = "test-admin-secret-0123456789abcdef";

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// A throwaway database, removed when dropped.
pub struct TestDb {
    pub url: String,
    /// Where its master key comes from: on SQLite the file the server makes
    /// beside the database, on PostgreSQL a key made for this database.
    pub master_key: MasterKeySource,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Database {
        admin_url: String,
        name: String,
    },
    /// Another handle removes it.
    Nothing,
}

impl TestDb {
    /// A fresh database, or `None` (with a notice) for PostgreSQL when
    /// `KEYWARD_TEST_POSTGRES_URL` is unset. A set but unreachable URL fails.
    pub async fn create(db: Db) -> Option<TestDb> {
        let name = format!("keyward_test_{}", uuid::Uuid::new_v4().simple());
        match db {
            Db::Sqlite => Some(TestDb::sqlite_file(std::env::temp_dir().join(format!("{name}.db")))),
            Db::Postgres => {
                let Ok(admin_url) = std::env::var("KEYWARD_TEST_POSTGRES_URL") else {
                    eprintln!("KEYWARD_TEST_POSTGRES_URL is not set: skipping the PostgreSQL run of this test");
                    return None;
                };
                let mut conn = sqlx::PgConnection::connect(&admin_url)
                    .await
                    .unwrap_or_else(|e| panic!("KEYWARD_TEST_POSTGRES_URL is set but PostgreSQL is unreachable: {e}"));
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&mut conn)
                    .await
                    .expect("create test database");
                let (base, _) = admin_url.rsplit_once('/').expect("URL names a database");
                let url = format!("{base}/{name}");
                let master_key = MasterKeySource::Given(keyward_server::crypto::envelope::MasterKey::generate());
                Some(TestDb { url, master_key, cleanup: Cleanup::Database { admin_url, name } })
            }
        }
    }

    /// The first column of every row `query` returns, as text: what the
    /// database really holds.
    pub async fn texts(&self, query: &str) -> Vec<String> {
        use sqlx::Row;
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&self.url).await.expect("database reachable");
        let rows = sqlx::query(sqlx::AssertSqlSafe(query.to_string())).fetch_all(&mut conn).await.expect("query runs");
        rows.iter().map(|row| row.try_get::<String, _>(0).expect("a text column")).collect()
    }

    /// Where its server keeps uploaded files: on SQLite the default (a
    /// directory beside the database), on PostgreSQL a directory named after
    /// the database, so that replicas share it.
    pub fn blob_store(&self) -> Option<String> {
        let name = self.url.strip_prefix("postgres://")?.rsplit('/').next()?;
        Some(blob_dir(name).display().to_string())
    }

    /// The SQLite database at `path`.
    fn sqlite_file(path: std::path::PathBuf) -> TestDb {
        TestDb {
            url: format!("sqlite://{}", path.display()),
            master_key: MasterKeySource::Default,
            cleanup: Cleanup::File(path),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm", ".master-key"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
                let _ = std::fs::remove_dir_all(format!("{}.blobs", path.display()));
            }
            Cleanup::Nothing => {}
            Cleanup::Database { admin_url, name } => {
                let _ = std::fs::remove_dir_all(blob_dir(name));
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs inside the test's runtime; use a thread of our own.
                let _ = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
                    runtime.block_on(async {
                        let mut conn = sqlx::PgConnection::connect(&admin_url).await?;
                        let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                        sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await?;
                        anyhow::Ok(())
                    })
                })
                .join();
            }
        }
    }
}

/// The blob directory of the PostgreSQL test database `name`.
fn blob_dir(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("{name}.blobs"))
}

/// A running server, the database under it, and the sinks its email and
/// SMS go to.
pub struct TestServer {
    pub url: String,
    /// The admin listener's base URL, when the server has one.
    pub admin_url: Option<String>,
    running: Running,
    pub db: TestDb,
    pub sinks: Sinks,
}

/// Settings for a test server: email to the SMTP sink (no TLS), SMS to the
/// webhook fake (signed), WeChat to the fake `code2session`.
pub fn settings(db: &TestDb, sinks: &Sinks) -> Settings {
    Settings {
        bind: "127.0.0.1:0".parse().unwrap(),
        admin_bind: None,
        database_url: db.url.clone(),
        master_key: db.master_key.clone(),
        issuer: None,
        admin_client: Some((ADMIN_ID.into(), ADMIN_SECRET.into())),
        key_rotation_days: 0,
        log_level: "warn".into(),
        password_queue: None,
        sign_up_limits: Default::default(),
        trusted_proxies: Vec::new(),
        forwarded_header: Default::default(),
        // The fake SMS and WeChat providers listen on loopback.
        outbound_allow: vec![sinks.http_url.trim_start_matches("http://").parse().unwrap()],
        shutdown_timeout: std::time::Duration::from_secs(keyward_server::config::DEFAULT_SHUTDOWN_TIMEOUT_SECS),
        delivery: DeliveryArgs {
            smtp_host: Some("127.0.0.1".into()),
            smtp_port: Some(sinks.smtp_port),
            smtp_tls: Some("none".into()),
            smtp_from: Some("Keyward <no-reply@keyward.test>".into()),
            sms_provider: Some("webhook".into()),
            sms_webhook_url: Some(format!("{}/sms", sinks.http_url)),
            sms_webhook_secret: Some(sinks::WEBHOOK_SECRET.into()),
            wechat_api: Some(sinks.http_url.clone()),
            ..DeliveryArgs::default()
        },
        blob: BlobArgs { blob_store: db.blob_store(), ..BlobArgs::default() },
        codegen: CodegenArgs::default(),
        // Rust generation runs `keyward codegen-worker`: the binary, not this test.
        codegen_worker: binary::path(),
    }
}

impl TestServer {
    /// A server on a fresh database; `None` when that database kind is not
    /// configured here.
    pub async fn start(db: Db) -> Option<TestServer> {
        let db = TestDb::create(db).await?;
        Some(Self::on(db).await)
    }

    /// A server on a copy of a database an earlier release made, with
    /// changed settings; `None` when that database kind is not configured
    /// here. `fixture` is a SQLite file, or for PostgreSQL a plain-SQL dump
    /// that is restored into a fresh database.
    pub async fn on_fixture(
        db: Db,
        fixture: &std::path::Path,
        change: impl FnOnce(Settings) -> Settings,
    ) -> Option<TestServer> {
        let test_db = match db {
            Db::Sqlite => {
                let path = std::env::temp_dir().join(format!("keyward_fixture_{}.db", uuid::Uuid::new_v4().simple()));
                std::fs::copy(fixture, &path).expect("fixture copied");
                TestDb::sqlite_file(path)
            }
            Db::Postgres => {
                let test_db = TestDb::create(db).await?;
                let dump = std::fs::read_to_string(fixture).expect("fixture dump readable");
                let mut conn = sqlx::PgConnection::connect(&test_db.url).await.expect("connect to the test database");
                sqlx::raw_sql(sqlx::AssertSqlSafe(dump)).execute(&mut conn).await.expect("fixture restored");
                conn.close().await.expect("restore connection closed");
                test_db
            }
        };
        let sinks = Sinks::start().await;
        let base = settings_for(&sinks);
        Some(Self::with(test_db, move |db| change(base(db)), sinks).await)
    }

    async fn on(db: TestDb) -> TestServer {
        let sinks = Sinks::start().await;
        Self::with(db, settings_for(&sinks), sinks).await
    }

    async fn with(db: TestDb, settings: impl FnOnce(&TestDb) -> Settings, sinks: Sinks) -> TestServer {
        let running = start(settings(&db)).await.expect("server starts");
        let admin_url = running.admin_address.map(|address| format!("http://{address}"));
        TestServer { url: format!("http://{}", running.address), admin_url, running, db, sinks }
    }

    /// Another replica: a second server on this one's database and sinks,
    /// with changed settings, which leaves removing the database to this one.
    pub async fn replica_with(&self, change: impl FnOnce(Settings) -> Settings) -> TestServer {
        let db = TestDb { url: self.db.url.clone(), master_key: self.db.master_key.clone(), cleanup: Cleanup::Nothing };
        let base = settings_for(&self.sinks);
        Self::with(db, move |db| change(base(db)), self.sinks.clone()).await
    }

    /// Stops the server and starts a new one on the same database.
    pub async fn restart(self) -> TestServer {
        self.restart_with(|settings| settings).await
    }

    /// Stops the server and starts a new one on the same database and sinks,
    /// with changed settings.
    pub async fn restart_with(self, change: impl FnOnce(Settings) -> Settings) -> TestServer {
        let (db, sinks) = self.stop().await;
        Self::resume(db, sinks, change).await
    }

    /// Stops the server, keeping its database and sinks for [`TestServer::resume`].
    pub async fn stop(self) -> (TestDb, Sinks) {
        let TestServer { running, db, sinks, .. } = self;
        running.stop().await.expect("server stops");
        (db, sinks)
    }

    /// A server on the database and sinks of a stopped one, with changed settings.
    pub async fn resume(db: TestDb, sinks: Sinks, change: impl FnOnce(Settings) -> Settings) -> TestServer {
        let base = settings_for(&sinks);
        Self::with(db, move |db| change(base(db)), sinks).await
    }

    /// An anonymous SDK client.
    pub fn sdk(&self) -> keyward_sdk::Client {
        keyward_sdk::Client::new(&self.url)
    }

    /// An SDK client sending `token` as bearer.
    pub fn sdk_with(&self, token: &str) -> keyward_sdk::Client {
        keyward_sdk::Client::new_with_client(&self.url, keyward_sdk::bearer_client(token).unwrap())
    }

    /// A client_credentials token (client_secret_post) for any client.
    pub async fn token(&self, client_id: &str, secret: &str, scope: Option<&str>) -> String {
        let request = keyward_sdk::types::TokenRequest::client_credentials(client_id, secret, scope);
        self.sdk().oauth_token().body(request).send().await.expect("token issued").into_inner().access_token
    }

    /// The SDK as the bootstrap admin client.
    pub async fn admin(&self) -> keyward_sdk::Client {
        self.sdk_with(&self.token(ADMIN_ID, ADMIN_SECRET, None).await)
    }

    /// A raw HTTP client.
    pub fn http(&self) -> reqwest::Client {
        reqwest::Client::new()
    }

    /// The server's shared state, for what only the CLI can do (key rotation).
    pub fn state(&self) -> &std::sync::Arc<keyward_server::state::State> {
        &self.running.state
    }
}

fn settings_for(sinks: &Sinks) -> impl FnOnce(&TestDb) -> Settings + use<> {
    let sinks = sinks.clone();
    move |db| settings(db, &sinks)
}

pub mod binary;
pub mod end_user;
pub mod exchange;
pub mod files;
pub mod flow;
pub mod github;
pub mod moto;
pub mod sinks;
pub mod tenant;
pub mod verdaccio;

/// Runs an async test function once on SQLite and once on PostgreSQL, as
/// `<name>::sqlite` and `<name>::postgres`.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    if let Some(server) = $crate::TestServer::start($crate::Db::Sqlite).await {
                        super::$name(server).await;
                    }
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(server) = $crate::TestServer::start($crate::Db::Postgres).await {
                        super::$name(server).await;
                    }
                }
            }
        )*
    };
}
