//! Settings: flags over `KEYWARD_*` environment variables over an optional
//! `keyward.toml` over defaults. Clap reads flags and environment; the file
//! fills whatever they left unset.

use anyhow::Context;
use clap::Args;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;

pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_DATABASE: &str = "sqlite://keyward.db";

/// Server settings as given on the command line or in the environment.
#[derive(Debug, Clone, Default, Args)]
pub struct ServerArgs {
    /// Configuration file (TOML); read when present.
    #[arg(long, env = "KEYWARD_CONFIG", default_value = "keyward.toml")]
    pub config: PathBuf,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "KEYWARD_BIND")]
    pub bind: Option<SocketAddr>,
    /// `sqlite://path` or `postgres://…` [default: sqlite://keyward.db].
    #[arg(long, env = "KEYWARD_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Issuer URL in tokens and discovery [default: http://<bind>].
    #[arg(long, env = "KEYWARD_ISSUER")]
    pub issuer: Option<String>,
    /// Client id of the admin client to ensure at every start.
    #[arg(long, env = "KEYWARD_ADMIN_CLIENT_ID")]
    pub admin_client_id: Option<String>,
    /// Secret of that admin client.
    #[arg(long, env = "KEYWARD_ADMIN_CLIENT_SECRET", hide_env_values = true)]
    pub admin_client_secret: Option<String>,
    /// Log level: error, warn, info, debug or trace [default: info].
    #[arg(long, env = "KEYWARD_LOG_LEVEL")]
    pub log_level: Option<String>,
    /// Rotate the signing key automatically when it is this many days old
    /// (0 = never) [default: 0].
    #[arg(long, env = "KEYWARD_KEY_ROTATION_DAYS")]
    pub key_rotation_days: Option<i64>,
}

/// The file's keys mirror the flags.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    bind: Option<SocketAddr>,
    database_url: Option<String>,
    issuer: Option<String>,
    admin_client_id: Option<String>,
    admin_client_secret: Option<String>,
    log_level: Option<String>,
    key_rotation_days: Option<i64>,
}

/// Resolved settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub bind: SocketAddr,
    pub database_url: String,
    /// Explicit issuer; when unset, `http://<bound address>`.
    pub issuer: Option<String>,
    pub admin_client: Option<(String, String)>,
    pub log_level: String,
    /// Automatic key rotation period in days; 0 turns it off.
    pub key_rotation_days: i64,
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
            (Some(id), Some(secret)) => Some((id, secret)),
            (None, None) => None,
            _ => anyhow::bail!("set both KEYWARD_ADMIN_CLIENT_ID and KEYWARD_ADMIN_CLIENT_SECRET, or neither"),
        };
        Ok(Settings {
            bind,
            database_url: self.database_url.or(file.database_url).unwrap_or_else(|| DEFAULT_DATABASE.into()),
            issuer,
            admin_client,
            log_level: self.log_level.or(file.log_level).unwrap_or_else(|| "info".into()),
            key_rotation_days: match self.key_rotation_days.or(file.key_rotation_days).unwrap_or(0) {
                days if days >= 0 => days,
                _ => anyhow::bail!("key_rotation_days must be 0 (off) or a number of days"),
            },
        })
    }
}
