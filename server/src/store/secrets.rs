//! Secrets every replica shares, made once by whichever starts first.

use super::Conn;
use crate::error::Result;
use sqlx::Row;

/// The secret named `name`, storing `candidate` if there is none yet.
pub async fn get_or_insert(conn: &mut Conn, name: &str, candidate: &str, now: i64) -> Result<String> {
    sqlx::query("INSERT INTO server_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
        .bind(name.to_string())
        .bind(candidate.to_string())
        .bind(now)
        .execute(&mut *conn)
        .await?;
    let row = sqlx::query("SELECT value FROM server_secrets WHERE name = $1")
        .bind(name.to_string())
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.try_get("value")?)
}
