//! Counters of failed sign-ins, kept in the database so every replica sees
//! the same count.

use super::Conn;
use crate::error::Result;
use sqlx::Row;

/// Failures counted for `key` in the window that started after `since`.
pub async fn failures(conn: &mut Conn, key: &str, since: i64) -> Result<i64> {
    let row = sqlx::query("SELECT failures FROM login_failures WHERE key = $1 AND window_start > $2")
        .bind(key.to_string())
        .bind(since)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|r| r.try_get::<i64, _>(0)).transpose()?.unwrap_or(0))
}

/// Counts one failure for `key`; a window older than `since` starts over.
pub async fn fail(conn: &mut Conn, key: &str, now: i64, since: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO login_failures (key, failures, window_start) VALUES ($1, 1, $2) ON CONFLICT (key) DO UPDATE SET \
         failures = CASE WHEN login_failures.window_start > $3 THEN login_failures.failures + 1 ELSE 1 END, \
         window_start = CASE WHEN login_failures.window_start > $3 THEN login_failures.window_start ELSE $2 END",
    )
    .bind(key.to_string())
    .bind(now)
    .bind(since)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn clear(conn: &mut Conn, key: &str) -> Result<()> {
    sqlx::query("DELETE FROM login_failures WHERE key = $1").bind(key.to_string()).execute(&mut *conn).await?;
    Ok(())
}
