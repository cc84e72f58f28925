//! QR-code sign-ins: PreSignIn → Scanned → OK, each step a conditional
//! update so that two scanners or two pollers cannot both win.

use super::Conn;
use crate::error::Result;
use sqlx::Row;

pub const PENDING: &str = "PreSignIn";
pub const SCANNED: &str = "Scanned";
pub const OK: &str = "OK";
/// The token was handed to the poller; the key is spent.
pub const DONE: &str = "Done";

#[derive(Debug, Clone)]
pub struct QrSignIn {
    pub app_id: i64,
    pub scopes: String,
    pub remark: String,
    pub status: String,
    pub user_id: Option<i64>,
    pub platform: Option<String>,
    pub union_id: Option<String>,
    pub expires_at: i64,
}

/// Stores a pending sign-in, made at `now` and live until `expires_at`.
pub async fn insert(
    conn: &mut Conn,
    key_hash: &str,
    tenant: i64,
    app_id: i64,
    scopes: &str,
    remark: &str,
    (now, expires_at): (i64, i64),
) -> Result<()> {
    sqlx::query(
        "INSERT INTO qr_sign_ins (key_hash, tenant_id, app_id, scopes, remark, status, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(key_hash.to_string())
    .bind(tenant)
    .bind(app_id)
    .bind(scopes.to_string())
    .bind(remark.to_string())
    .bind(PENDING)
    .bind(now)
    .bind(expires_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn get(conn: &mut Conn, key_hash: &str, tenant: i64) -> Result<Option<QrSignIn>> {
    let row = sqlx::query(
        "SELECT app_id, scopes, remark, status, user_id, platform, union_id, expires_at FROM qr_sign_ins \
         WHERE key_hash = $1 AND tenant_id = $2",
    )
    .bind(key_hash.to_string())
    .bind(tenant)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(QrSignIn {
        app_id: row.try_get(0)?,
        scopes: row.try_get(1)?,
        remark: row.try_get(2)?,
        status: row.try_get(3)?,
        user_id: row.try_get(4)?,
        platform: row.try_get(5)?,
        union_id: row.try_get(6)?,
        expires_at: row.try_get(7)?,
    }))
}

/// Moves a live sign-in from `from` to `to`, recording the user when given;
/// false if it was not in `from` any more (or has expired).
pub async fn advance(
    conn: &mut Conn,
    key_hash: &str,
    from: &str,
    to: &str,
    user: Option<(i64, &str, &str)>,
    now: i64,
) -> Result<bool> {
    let (user_id, platform, union_id) = match user {
        Some((id, platform, union_id)) => (Some(id), Some(platform.to_string()), Some(union_id.to_string())),
        None => (None, None, None),
    };
    let done = sqlx::query(
        "UPDATE qr_sign_ins SET status = $1, user_id = COALESCE($2, user_id), platform = COALESCE($3, platform), \
         union_id = COALESCE($4, union_id) WHERE key_hash = $5 AND status = $6 AND expires_at > $7",
    )
    .bind(to)
    .bind(user_id)
    .bind(platform)
    .bind(union_id)
    .bind(key_hash.to_string())
    .bind(from)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
