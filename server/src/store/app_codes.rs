//! One-time codes of the app-scheme GrantCode → Authorize exchange (stored
//! hashed, 120 s, single use).

use super::Conn;
use crate::error::Result;
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct AppCode {
    pub tenant_id: i64,
    pub app_id: i64,
    pub user_id: i64,
    pub grant_type: String,
    pub scopes: String,
    pub redirect_uri: String,
    pub expire_days: i64,
    pub platform: Option<String>,
    pub union_id: Option<String>,
    pub expires_at: i64,
}

pub async fn insert(conn: &mut Conn, code_hash: &str, code: &AppCode) -> Result<()> {
    sqlx::query(
        "INSERT INTO app_codes (code_hash, tenant_id, app_id, user_id, grant_type, scopes, redirect_uri, expire_days, \
         platform, union_id, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(code_hash.to_string())
    .bind(code.tenant_id)
    .bind(code.app_id)
    .bind(code.user_id)
    .bind(code.grant_type.clone())
    .bind(code.scopes.clone())
    .bind(code.redirect_uri.clone())
    .bind(code.expire_days)
    .bind(code.platform.clone())
    .bind(code.union_id.clone())
    .bind(code.expires_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Uses the code: the stored code if it was unused (it is now used), else `None`.
pub async fn redeem(conn: &mut Conn, code_hash: &str, now: i64) -> Result<Option<AppCode>> {
    let used = sqlx::query("UPDATE app_codes SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL")
        .bind(now)
        .bind(code_hash.to_string())
        .execute(&mut *conn)
        .await?;
    if used.rows_affected() == 0 {
        return Ok(None);
    }
    let row = sqlx::query(
        "SELECT tenant_id, app_id, user_id, grant_type, scopes, redirect_uri, expire_days, platform, union_id, \
         expires_at FROM app_codes WHERE code_hash = $1",
    )
    .bind(code_hash.to_string())
    .fetch_one(&mut *conn)
    .await?;
    Ok(Some(AppCode {
        tenant_id: row.try_get(0)?,
        app_id: row.try_get(1)?,
        user_id: row.try_get(2)?,
        grant_type: row.try_get(3)?,
        scopes: row.try_get(4)?,
        redirect_uri: row.try_get(5)?,
        expire_days: row.try_get(6)?,
        platform: row.try_get(7)?,
        union_id: row.try_get(8)?,
        expires_at: row.try_get(9)?,
    }))
}
