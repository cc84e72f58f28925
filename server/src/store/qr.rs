//! QR-code sign-ins: PreSignIn → Scanned → OK, each step a conditional
//! update so that two scanners or two pollers cannot both win.

use super::{Conn, Values};
use crate::error::Result;

pub const PENDING: &str = "PreSignIn";
pub const SCANNED: &str = "Scanned";
pub const OK: &str = "OK";
/// The token was handed to the poller; the key is spent.
pub const DONE: &str = "Done";

#[derive(Debug, Clone, sqlx::FromRow)]
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
    Values::new()
        .set("key_hash", key_hash)
        .set("tenant_id", tenant)
        .set("app_id", app_id)
        .set("scopes", scopes)
        .set("remark", remark)
        .set("status", PENDING)
        .set("created_at", now)
        .set("expires_at", expires_at)
        .insert("qr_sign_ins", "")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn get(conn: &mut Conn, key_hash: &str, tenant: i64) -> Result<Option<QrSignIn>> {
    Ok(sqlx::query_as(
        "SELECT app_id, scopes, remark, status, user_id, platform, union_id, expires_at FROM qr_sign_ins \
         WHERE key_hash = $1 AND tenant_id = $2",
    )
    .bind(key_hash.to_string())
    .bind(tenant)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Moves a live sign-in from `from` to `to`, recording the user when given;
/// false if it was not in `from` any more (or has expired).
pub async fn advance(
    conn: &mut Conn,
    tenant: i64,
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
         union_id = COALESCE($4, union_id) WHERE tenant_id = $5 AND key_hash = $6 AND status = $7 AND expires_at > $8",
    )
    .bind(to)
    .bind(user_id)
    .bind(platform)
    .bind(union_id)
    .bind(tenant)
    .bind(key_hash.to_string())
    .bind(from)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
