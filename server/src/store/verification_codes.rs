//! Verification codes (only their MAC is stored) and the send counters that
//! limit how often codes go out, both in the database so every replica
//! enforces the same limits.

use super::Conn;
use crate::error::Result;
use sqlx::Row;

/// Where a code goes and what it is for.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub tenant: i64,
    /// `sms` or `email`.
    pub channel: &'a str,
    pub destination: &'a str,
    /// `signup`, `signin` or `forgetpwd`.
    pub purpose: &'a str,
}

pub async fn insert(conn: &mut Conn, target: Target<'_>, code_mac: &str, expires_at: i64, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO verification_codes (tenant_id, channel, destination, purpose, code_mac, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(target.tenant)
    .bind(target.channel.to_string())
    .bind(target.destination.to_string())
    .bind(target.purpose.to_string())
    .bind(code_mac.to_string())
    .bind(now)
    .bind(expires_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The newest code sent to a target, if it is still unused and unexpired.
#[derive(sqlx::FromRow)]
pub struct LiveCode {
    pub id: i64,
    pub code_mac: String,
    used_at: Option<i64>,
    expires_at: i64,
}

pub async fn live(conn: &mut Conn, target: Target<'_>, now: i64) -> Result<Option<LiveCode>> {
    let newest: Option<LiveCode> = sqlx::query_as(
        "SELECT id, code_mac, used_at, expires_at FROM verification_codes \
         WHERE tenant_id = $1 AND channel = $2 AND destination = $3 AND purpose = $4 ORDER BY id DESC LIMIT 1",
    )
    .bind(target.tenant)
    .bind(target.channel.to_string())
    .bind(target.destination.to_string())
    .bind(target.purpose.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(newest.filter(|code| code.used_at.is_none() && code.expires_at > now))
}

/// Counts an attempt at a code before it is compared, unless `max`
/// attempts were made already: one conditional statement, so concurrent
/// guesses on any replica cannot get more than `max` comparisons.
pub async fn attempt(conn: &mut Conn, tenant: i64, id: i64, max: i64) -> Result<bool> {
    let counted = sqlx::query(
        "UPDATE verification_codes SET attempts = attempts + 1 WHERE tenant_id = $1 AND id = $2 AND attempts < $3",
    )
    .bind(tenant)
    .bind(id)
    .bind(max)
    .execute(&mut *conn)
    .await?;
    Ok(counted.rows_affected() == 1)
}

/// Marks a code used; false if another request used it first.
pub async fn consume(conn: &mut Conn, tenant: i64, id: i64, now: i64) -> Result<bool> {
    let done =
        sqlx::query("UPDATE verification_codes SET used_at = $1 WHERE tenant_id = $2 AND id = $3 AND used_at IS NULL")
            .bind(now)
            .bind(tenant)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// A send limit: at most `daily` sends per rolling 24 h, and sends at least
/// `interval_ms` apart.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub daily: i64,
    pub interval_ms: i64,
}

/// Why a send was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Too soon after the last send: seconds to wait.
    TooSoon(i64),
    /// The daily cap is reached: seconds until a send is allowed again.
    DailyCap(i64),
}

const DAY_MS: i64 = 24 * 3600 * 1000;

/// Counts one send for `key` if its limit allows it, atomically: the
/// conditional upsert is one statement, so concurrent senders on any replica
/// cannot both pass.
pub async fn take(conn: &mut Conn, key: &str, limit: Limit, now: i64) -> Result<Result<(), Refused>> {
    let day_ago = now - DAY_MS;
    let counted = sqlx::query(
        "INSERT INTO send_limits (key, last_at, window_start, sent) VALUES ($1, $2, $2, 1) \
         ON CONFLICT (key) DO UPDATE SET last_at = $2, \
         sent = CASE WHEN send_limits.window_start <= $3 THEN 1 ELSE send_limits.sent + 1 END, \
         window_start = CASE WHEN send_limits.window_start <= $3 THEN $2 ELSE send_limits.window_start END \
         WHERE send_limits.last_at <= $4 AND (send_limits.window_start <= $3 OR send_limits.sent < $5)",
    )
    .bind(key.to_string())
    .bind(now)
    .bind(day_ago)
    .bind(now - limit.interval_ms)
    .bind(limit.daily)
    .execute(&mut *conn)
    .await?;
    if counted.rows_affected() == 1 {
        return Ok(Ok(()));
    }
    let row = sqlx::query("SELECT last_at, window_start FROM send_limits WHERE key = $1")
        .bind(key.to_string())
        .fetch_one(&mut *conn)
        .await?;
    let (last_at, window_start): (i64, i64) = (row.try_get("last_at")?, row.try_get("window_start")?);
    let seconds = |ms: i64| (ms.max(0) + 999) / 1000;
    Ok(Err(if last_at > now - limit.interval_ms {
        Refused::TooSoon(seconds(last_at + limit.interval_ms - now))
    } else {
        Refused::DailyCap(seconds(window_start + DAY_MS - now))
    }))
}
