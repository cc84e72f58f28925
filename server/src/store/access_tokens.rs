//! Access tokens the server remembers: reference tokens, tokens issued under
//! a grant, and the deny-list of revoked JWTs.

use super::{Conn, db_now};
use crate::error::Result;
use sqlx::Row;

/// One remembered access token.
#[derive(Debug, Clone, Default)]
pub struct AccessRecord {
    pub jti: String,
    pub tenant_id: i64,
    pub client_id: String,
    pub grant_id: Option<String>,
    /// For reference tokens: the SHA-256 of the handle, and the claims.
    pub token_hash: Option<String>,
    pub claims: Option<String>,
    /// Unix milliseconds.
    pub expires_at: i64,
}

pub async fn insert(conn: &mut Conn, record: &AccessRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO access_tokens (jti, tenant_id, client_id, grant_id, token_hash, claims, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(record.jti.clone())
    .bind(record.tenant_id)
    .bind(record.client_id.clone())
    .bind(record.grant_id.clone())
    .bind(record.token_hash.clone())
    .bind(record.claims.clone())
    .bind(record.expires_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The claims of a live (unrevoked) reference token.
pub async fn reference_claims(conn: &mut Conn, token_hash: &str) -> Result<Option<String>> {
    let row = sqlx::query("SELECT claims FROM access_tokens WHERE token_hash = $1 AND revoked_at IS NULL")
        .bind(token_hash.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|r| r.try_get::<Option<String>, _>("claims")).transpose()?.flatten())
}

/// Puts a token on the deny-list (inserting its row if it had none); a
/// row of another tenant with the same `jti` stays as it is.
pub async fn revoke(conn: &mut Conn, record: &AccessRecord, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO access_tokens (jti, tenant_id, client_id, expires_at, revoked_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (jti) DO UPDATE SET revoked_at = excluded.revoked_at \
         WHERE access_tokens.tenant_id = excluded.tenant_id",
    )
    .bind(record.jti.clone())
    .bind(record.tenant_id)
    .bind(record.client_id.clone())
    .bind(record.expires_at)
    // The deny-list's stamp, on the clock every replica reads it by.
    .bind(db_now(conn, now).await?)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The JWT ids revoked at or after `since` (the database's clock, see
/// [`db_now`]) that have not expired at `now`, with their expiry.
pub async fn revoked_since(conn: &mut Conn, since: i64, now: i64) -> Result<Vec<(String, i64)>> {
    let rows = sqlx::query(
        "SELECT jti, expires_at FROM access_tokens WHERE revoked_at >= $1 AND expires_at > $2 AND token_hash IS NULL",
    )
    .bind(since)
    .bind(now)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| Ok((r.try_get("jti")?, r.try_get("expires_at")?))).collect()
}
