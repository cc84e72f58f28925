//! Counters of failed sign-ins, kept in the database so every replica sees
//! the same count. An attempt is reserved before it is evaluated
//! ([`reserve`]) and settled after ([`settle`]), so parallel guesses cannot
//! all pass a check made before any of them was counted.

use super::Conn;
use crate::error::Result;

/// How long a failed sign-in (or client authentication) counts against
/// its account, client or address.
pub const WINDOW: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// The failures of a key in its current window.
#[derive(Debug, Clone, Copy, Default, sqlx::FromRow)]
pub struct Failures {
    #[sqlx(rename = "failures")]
    pub count: i64,
    /// When the window opened (Unix ms); 0 when there is none.
    pub window_start: i64,
}

/// Failures counted for `key` in the window that started after `since`.
pub async fn failures(conn: &mut Conn, key: &str, since: i64) -> Result<Failures> {
    let found =
        sqlx::query_as("SELECT failures, window_start FROM login_failures WHERE key = $1 AND window_start > $2")
            .bind(key.to_string())
            .bind(since)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(found.unwrap_or_default())
}

/// Reserves an attempt for `key` unless its failures plus the attempts
/// still being evaluated reach `limit` in the window that started after
/// `since` (a window older than that starts over), in one conditional
/// statement: of any number of concurrent callers on any replica, at most
/// `limit` minus the failures get `true`. [`settle`] the attempt after.
pub async fn reserve(conn: &mut Conn, key: &str, limit: i64, now: i64, since: i64) -> Result<bool> {
    let counted = sqlx::query(
        "INSERT INTO login_failures (key, failures, pending, window_start) VALUES ($1, 0, 1, $2) \
         ON CONFLICT (key) DO UPDATE SET \
         failures = CASE WHEN login_failures.window_start > $3 THEN login_failures.failures ELSE 0 END, \
         pending = CASE WHEN login_failures.window_start > $3 THEN login_failures.pending + 1 ELSE 1 END, \
         window_start = CASE WHEN login_failures.window_start > $3 THEN login_failures.window_start ELSE $2 END \
         WHERE login_failures.window_start <= $3 OR login_failures.failures + login_failures.pending < $4",
    )
    .bind(key.to_string())
    .bind(now)
    .bind(since)
    .bind(limit)
    .execute(&mut *conn)
    .await?;
    Ok(counted.rows_affected() == 1)
}

/// Ends a reserved attempt: a failure, or not.
pub async fn settle(conn: &mut Conn, key: &str, failed: bool) -> Result<()> {
    sqlx::query(
        "UPDATE login_failures SET failures = failures + $2, \
         pending = CASE WHEN pending > 0 THEN pending - 1 ELSE 0 END WHERE key = $1",
    )
    .bind(key.to_string())
    .bind(i64::from(failed))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn clear(conn: &mut Conn, key: &str) -> Result<()> {
    sqlx::query("DELETE FROM login_failures WHERE key = $1").bind(key.to_string()).execute(&mut *conn).await?;
    Ok(())
}
