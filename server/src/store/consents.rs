//! Consents: the scopes a user allowed a client, remembered for next time.

use super::{Conn, from_json, now_ms, to_json};
use crate::error::Result;
use sqlx::Row;

/// The scopes a live consent of `user` to `client` covers.
pub async fn scopes(conn: &mut Conn, tenant: i64, user: i64, client_id: &str) -> Result<Option<Vec<String>>> {
    let row = sqlx::query(
        "SELECT scopes FROM consents WHERE tenant_id = $1 AND user_id = $2 AND client_id = $3 \
         AND (expires_at IS NULL OR expires_at > $4)",
    )
    .bind(tenant)
    .bind(user)
    .bind(client_id.to_string())
    .bind(now_ms())
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| Ok(from_json(&r.try_get::<String, _>(0)?)?)).transpose()
}

/// Records (or replaces) the consent of `user` to `client` for `scopes`,
/// without expiry.
pub async fn upsert(conn: &mut Conn, tenant: i64, user: i64, client_id: &str, scopes: &[String]) -> Result<()> {
    sqlx::query(
        "INSERT INTO consents (tenant_id, user_id, client_id, scopes, created_at, updated_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $5, NULL) ON CONFLICT (tenant_id, user_id, client_id) \
         DO UPDATE SET scopes = excluded.scopes, updated_at = excluded.updated_at, expires_at = excluded.expires_at",
    )
    .bind(tenant)
    .bind(user)
    .bind(client_id.to_string())
    .bind(to_json(&scopes))
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}
