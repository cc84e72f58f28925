//! Signing keys (PKCS#8 private keys, base64), kept in the database so every
//! replica signs and verifies with the same set.

use super::{Conn, now_ms};
use crate::error::Result;
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct StoredKey {
    pub kid: String,
    pub alg: String,
    pub private_pkcs8: String,
    pub created_at: i64,
}

/// Keys not retired, newest first.
pub async fn active(conn: &mut Conn) -> Result<Vec<StoredKey>> {
    let rows = sqlx::query(
        "SELECT kid, alg, private_pkcs8, created_at FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(StoredKey {
                kid: r.try_get(0)?,
                alg: r.try_get(1)?,
                private_pkcs8: r.try_get(2)?,
                created_at: r.try_get(3)?,
            })
        })
        .collect()
}

pub async fn insert(conn: &mut Conn, kid: &str, alg: &str, private_pkcs8: &str) -> Result<()> {
    sqlx::query("INSERT INTO signing_keys (kid, alg, private_pkcs8, created_at) VALUES ($1, $2, $3, $4)")
        .bind(kid.to_string())
        .bind(alg.to_string())
        .bind(private_pkcs8.to_string())
        .bind(now_ms())
        .execute(&mut *conn)
        .await?;
    Ok(())
}
