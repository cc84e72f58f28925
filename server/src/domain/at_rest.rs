//! Secrets at rest: every confidential value in the database is sealed under
//! the master key. At start, values an earlier release stored in clear are
//! sealed; `keyward keys rewrap` re-seals everything under a new master key.

use crate::crypto::envelope::{self, MasterKey};
use crate::store::Store;
use crate::store::confidential::{self, Row, Table};
use anyhow::Context;
use serde_json::Value;

/// The JSON field of the app settings that holds the WeChat secret.
pub const WECHAT_SECRET_FIELD: &str = "wechat_app_secret";

/// Seals the values still stored in clear; returns how many there were.
pub async fn seal_plaintext(store: &Store, master: &MasterKey) -> anyhow::Result<usize> {
    rewrite(
        store,
        |purpose, stored| Ok((!envelope::is_sealed(stored)).then(|| master.seal(purpose, stored.as_bytes()))),
    )
    .await
}

/// Re-seals every value under `new`: each must open under `current` (or
/// still be in clear). All or nothing, in one transaction.
pub async fn rewrap(store: &Store, current: &MasterKey, new: &MasterKey) -> anyhow::Result<usize> {
    rewrite(store, |purpose, stored| {
        let plaintext =
            if envelope::is_sealed(stored) { current.open(purpose, stored)? } else { stored.as_bytes().to_vec() };
        Ok(Some(new.seal(purpose, &plaintext)))
    })
    .await
}

/// Replaces each confidential value for which `change` (given its purpose
/// and stored form) returns a new stored form; returns how many changed.
async fn rewrite(
    store: &Store,
    change: impl Fn(&str, &str) -> anyhow::Result<Option<String>>,
) -> anyhow::Result<usize> {
    let mut tx = store.begin().await?;
    let mut changed = 0;
    for table in Table::ALL {
        for row in confidential::rows(&mut tx, table).await? {
            if let Some(new) = rewritten(table, &row, &change)? {
                confidential::replace(&mut tx, table, &row, &new).await?;
                changed += 1;
            }
        }
    }
    tx.commit().await?;
    Ok(changed)
}

/// The new value of `row`, if `change` changes it. App settings are JSON:
/// only their WeChat secret field is confidential.
fn rewritten(
    table: Table,
    row: &Row,
    change: impl Fn(&str, &str) -> anyhow::Result<Option<String>>,
) -> anyhow::Result<Option<String>> {
    match table {
        Table::SigningKeys => change(&envelope::signing_key(&row.key), &row.value),
        Table::ServerSecrets => change(&envelope::server_secret(&row.key), &row.value),
        Table::CodegenTokens => change(&envelope::codegen_token(&row.key), &row.value),
        Table::AppSettings => {
            let mut settings: Value = serde_json::from_str(&row.value)
                .with_context(|| format!("the app settings of client {} are not JSON", row.key))?;
            let Some(Value::String(stored)) = settings.get(WECHAT_SECRET_FIELD) else { return Ok(None) };
            let Some(new) = change(&envelope::wechat_secret(&row.key), stored)? else { return Ok(None) };
            settings[WECHAT_SECRET_FIELD] = Value::String(new);
            Ok(Some(settings.to_string()))
        }
    }
}
