//! Counters of failed sign-ins, kept in the database so every replica sees
//! the same count.

use super::Conn;
use crate::error::Result;
use sqlx::Row;

/// The failures of a key in its current window.
#[derive(Debug, Clone, Copy, Default)]
pub struct Failures {
    pub count: i64,
    /// When the window opened (Unix ms); 0 when there is none.
    pub window_start: i64,
}

/// Failures counted for `key` in the window that started after `since`.
pub async fn failures(conn: &mut Conn, key: &str, since: i64) -> Result<Failures> {
    let row = sqlx::query("SELECT failures, window_start FROM login_failures WHERE key = $1 AND window_start > $2")
        .bind(key.to_string())
        .bind(since)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(match row {
        Some(r) => Failures { count: r.try_get(0)?, window_start: r.try_get(1)? },
        None => Failures::default(),
    })
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
