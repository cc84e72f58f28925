//! Where the master key comes from: `KEYWARD_MASTER_KEY`, else
//! `--master-key-file`, else — on SQLite only — `<database>.master-key`,
//! made with mode 0600 on first start. PostgreSQL has no default: its
//! replicas must share one key, which a file made on one machine cannot
//! give them.

use crate::config::{MasterKeySource, beside_sqlite};
use crate::crypto::envelope::MasterKey;
use anyhow::{Context, bail};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// The master key, and the path of the key file if this call made it.
pub fn load(source: &MasterKeySource, database_url: &str) -> anyhow::Result<(MasterKey, Option<PathBuf>)> {
    match source {
        MasterKeySource::Given(text) => Ok((MasterKey::from_base64(text).context("KEYWARD_MASTER_KEY")?, None)),
        MasterKeySource::File(path) => Ok((read(path)?, None)),
        MasterKeySource::Default => {
            let Some(path) = beside_sqlite(database_url, "master-key") else {
                bail!(
                    "PostgreSQL needs a master key shared by every replica: set KEYWARD_MASTER_KEY \
                     (32 random bytes, base64, e.g. `openssl rand -base64 32`) or --master-key-file"
                );
            };
            match create(&path) {
                Ok(text) => Ok((MasterKey::from_base64(&text)?, Some(path))),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok((read(&path)?, None)),
                Err(e) => Err(e).with_context(|| format!("creating the master key file {}", path.display())),
            }
        }
    }
}

/// Reads a key file.
pub fn read(path: &Path) -> anyhow::Result<MasterKey> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading master key file {}", path.display()))?;
    MasterKey::from_base64(&text).with_context(|| format!("master key file {}", path.display()))
}

/// Writes a new key to `path`, readable by its owner only, and returns it;
/// fails if the file exists.
fn create(path: &Path) -> std::io::Result<String> {
    let text = MasterKey::generate();
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(format!("{text}\n").as_bytes())?;
    file.sync_all()?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_default_key_file_sits_beside_a_sqlite_database() {
        let path = |url| crate::config::beside_sqlite(url, "master-key").map(|p| p.display().to_string());
        assert_eq!(path("sqlite://keyward.db").as_deref(), Some("keyward.db.master-key"));
        assert_eq!(path("sqlite:///var/lib/k.db?mode=rwc").as_deref(), Some("/var/lib/k.db.master-key"));
        assert_eq!(path("postgres://u@h/db"), None);
    }
}
