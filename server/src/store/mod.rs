//! The one storage layer: SQLite (default) or PostgreSQL through sqlx's `Any`
//! driver, with a portable schema (BIGINT/INTEGER and TEXT only) so every
//! query is written once. Migrations are kept per dialect. Times (Unix ms)
//! come from the caller's `now`: the store never reads the clock.

pub mod access_tokens;
pub mod api_catalog;
pub mod api_resources;
pub mod api_scopes;
pub mod app_grant_codes;
pub mod blobs;
mod change;
pub mod clients;
pub mod codegen;
pub mod confidential;
pub mod consents;
pub mod grants;
pub mod identity_resources;
pub mod keys;
mod list;
pub mod locks;
pub mod named_scopes;
pub mod owned;
pub mod points;
pub mod profiles;
pub mod qr;
pub mod roles;
pub mod secret_digests;
pub mod secrets;
pub mod sessions;
pub mod tenants;
pub mod throttle;
pub mod user_links;
pub mod users;
mod values;
pub mod verification_codes;

pub use change::{CHANNEL, Change};
pub use list::{Arg, Filter, Page, contains_pattern, page};
pub use values::Values;

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{Any, AnyConnection, AnyPool, Executor, Transaction};
use std::time::Duration;

pub type Conn = AnyConnection;
pub type Tx = Transaction<'static, Any>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    /// Where write transactions run: on SQLite a pool of one connection, so
    /// writers queue in order here instead of polling SQLite's lock (which
    /// could outlast the busy timeout under a write storm); on PostgreSQL
    /// the one pool.
    writer: AnyPool,
    backend: Backend,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// How long a request waits for a connection before it is answered 503:
/// enough to queue behind a busy pool, short enough that an unreachable
/// database fails requests fast instead of holding them.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);
/// How long `/readyz` waits for the database to answer.
const PING_TIMEOUT: Duration = Duration::from_secs(1);

impl Store {
    /// Opens the database at `url` (`sqlite://path` — created if missing — or
    /// `postgres://…`).
    pub async fn connect(url: &str) -> anyhow::Result<Store> {
        install_default_drivers();
        let options = AnyPoolOptions::new().acquire_timeout(ACQUIRE_TIMEOUT);
        if url.starts_with("sqlite:") {
            let url = if url.contains("mode=") {
                url.to_string()
            } else {
                format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
            };
            let pool = sqlite_pool(options.clone().max_connections(8), &url).await?;
            let writer = sqlite_pool(options.max_connections(1), &url).await?;
            Ok(Store { pool, writer, backend: Backend::Sqlite })
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let pool = options.max_connections(16).connect(url).await.context("connecting to PostgreSQL")?;
            Ok(Store { writer: pool.clone(), pool, backend: Backend::Postgres })
        } else {
            bail!("unsupported database URL: it must start with sqlite:// or postgres://");
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies pending migrations of this database's dialect.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await.context("applying migrations")
    }

    /// Serializes one-time work across replicas (bootstrap, automatic key
    /// rotation): on PostgreSQL a session advisory lock, held until the
    /// guard is released; on SQLite, one process's file, nothing to take.
    pub async fn one_at_a_time(&self) -> anyhow::Result<OneAtATime> {
        match self.backend {
            Backend::Sqlite => Ok(OneAtATime(None)),
            Backend::Postgres => {
                let mut conn = self.pool.acquire().await?;
                sqlx::query("SELECT pg_advisory_lock($1)").bind(ONE_AT_A_TIME_LOCK).execute(&mut *conn).await?;
                Ok(OneAtATime(Some(conn)))
            }
        }
    }

    /// Tells every replica that `change` happened ([`crate::changes`]). A
    /// notification that cannot be sent does not fail the write that caused
    /// it: the caches' expiry covers it.
    pub async fn publish(&self, change: Change) {
        if self.backend == Backend::Postgres {
            let notify = sqlx::query("SELECT pg_notify($1, $2)").bind(CHANNEL).bind(change.as_str());
            let _ = notify.execute(&self.pool).await;
        }
    }

    /// Whether the database answers a query within [`PING_TIMEOUT`].
    pub async fn ping(&self) -> bool {
        let ping = sqlx::query("SELECT 1").execute(&self.pool);
        matches!(tokio::time::timeout(PING_TIMEOUT, ping).await, Ok(Ok(_)))
    }

    /// A connection for reads.
    pub async fn conn(&self) -> sqlx::Result<sqlx::pool::PoolConnection<Any>> {
        self.pool.acquire().await
    }

    /// A write transaction. On SQLite it takes the write lock up front
    /// (`BEGIN IMMEDIATE`), so a read-then-write transaction queues behind
    /// other writers instead of failing when it upgrades.
    pub async fn begin(&self) -> sqlx::Result<Tx> {
        match self.backend {
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.writer.begin().await,
        }
    }

    pub async fn close(&self) {
        tokio::join!(self.pool.close(), self.writer.close());
    }

    /// Whether [`Store::close`] was called: background work stops then.
    pub fn is_closed(&self) -> bool {
        self.pool.is_closed()
    }
}

/// A pool on one SQLite file. WAL lets readers run beside the writer;
/// writes outside [`Store::begin`] wait on the busy timeout instead of
/// failing.
async fn sqlite_pool(options: AnyPoolOptions, url: &str) -> anyhow::Result<AnyPool> {
    options
        .after_connect(|conn, _| {
            Box::pin(async move {
                conn.execute("PRAGMA journal_mode = WAL").await?;
                conn.execute("PRAGMA synchronous = NORMAL").await?;
                conn.execute("PRAGMA foreign_keys = ON").await?;
                conn.execute("PRAGMA busy_timeout = 10000").await?;
                Ok(())
            })
        })
        .connect(url)
        .await
        .context("opening the SQLite database")
}

/// The database's clock in Unix milliseconds, for stamps that replicas
/// compare with each other (a revocation's): one clock for all of them,
/// whatever their own say. SQLite's clock is this process's: `now`, read
/// from [`crate::clock::Clock`].
pub async fn db_now(conn: &mut Conn, now: i64) -> sqlx::Result<i64> {
    if !is_postgres(conn) {
        return Ok(now);
    }
    sqlx::query_scalar("SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)").fetch_one(conn).await
}

/// Whether `conn` is a PostgreSQL connection (else SQLite).
pub fn is_postgres(conn: &Conn) -> bool {
    conn.backend_name() == <sqlx::Postgres as sqlx::Database>::NAME
}

pub fn to_time(ms: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// Lists and maps live in TEXT columns as JSON.
pub fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("plain data serializes")
}

/// A custom key/value property, as the `properties` JSON columns hold it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Property {
    pub key: String,
    pub value: String,
}

/// A claim type and value, as the `claims` JSON columns hold it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Claim {
    pub claim_type: String,
    pub claim_value: String,
}

pub fn from_json<T: DeserializeOwned>(text: &str) -> anyhow::Result<T> {
    serde_json::from_str(text).context("a JSON column holds malformed data")
}

pub fn flag(value: bool) -> i64 {
    value as i64
}

/// The advisory lock id of [`Store::one_at_a_time`] ("keyward" in ASCII).
const ONE_AT_A_TIME_LOCK: i64 = 0x6b_6579_7761_7264;

/// Held while one replica does one-time work; [`OneAtATime::release`] it.
pub struct OneAtATime(Option<sqlx::pool::PoolConnection<Any>>);

impl OneAtATime {
    /// Lets the next replica in. Always call it, on failure too: a dropped
    /// guard returns its session to the pool still holding the lock.
    pub async fn release(self) -> anyhow::Result<()> {
        if let Some(mut conn) = self.0 {
            sqlx::query("SELECT pg_advisory_unlock($1)").bind(ONE_AT_A_TIME_LOCK).execute(&mut *conn).await?;
        }
        Ok(())
    }
}
