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
    /// Unix milliseconds from which the key may sign.
    pub activates_at: i64,
    /// Unix milliseconds from which it no longer signs, if retired.
    pub retired_at: Option<i64>,
}

/// Keys still published (not past `expires_at`), newest activation first.
pub async fn published(conn: &mut Conn) -> Result<Vec<StoredKey>> {
    let rows = sqlx::query(
        "SELECT kid, alg, private_pkcs8, activates_at, retired_at FROM signing_keys \
         WHERE expires_at IS NULL OR expires_at > $1 ORDER BY activates_at DESC, created_at DESC",
    )
    .bind(now_ms())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(StoredKey {
                kid: r.try_get(0)?,
                alg: r.try_get(1)?,
                private_pkcs8: r.try_get(2)?,
                activates_at: r.try_get(3)?,
                retired_at: r.try_get(4)?,
            })
        })
        .collect()
}

/// Stores a key that signs from `activates_at`.
pub async fn insert(conn: &mut Conn, kid: &str, alg: &str, private_pkcs8: &str, activates_at: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO signing_keys (kid, alg, private_pkcs8, created_at, activates_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(kid.to_string())
    .bind(alg.to_string())
    .bind(private_pkcs8.to_string())
    .bind(now_ms())
    .bind(activates_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Retires every key but `kid` at `retired_at`; each stays published until
/// `expires_at`, when the last token it signed has expired.
pub async fn retire_others(conn: &mut Conn, kid: &str, retired_at: i64, expires_at: i64) -> Result<()> {
    sqlx::query("UPDATE signing_keys SET retired_at = $1, expires_at = $2 WHERE kid <> $3 AND retired_at IS NULL")
        .bind(retired_at)
        .bind(expires_at)
        .bind(kid.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The longest lifetime, in seconds, of any token a client can be issued.
pub async fn longest_token_lifetime(conn: &mut Conn) -> Result<i64> {
    let row = sqlx::query(
        "SELECT COALESCE(MAX(CASE WHEN access_token_lifetime > identity_token_lifetime THEN access_token_lifetime \
         ELSE identity_token_lifetime END), 3600) FROM clients",
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get(0)?)
}

/// When the newest key was made (Unix milliseconds).
pub async fn newest_created_at(conn: &mut Conn) -> Result<Option<i64>> {
    let row = sqlx::query("SELECT MAX(created_at) FROM signing_keys").fetch_one(&mut *conn).await?;
    Ok(row.try_get(0)?)
}
