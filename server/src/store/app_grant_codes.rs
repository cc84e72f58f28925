//! One-time codes of the app-scheme GrantCode → Authorize exchange (stored
//! hashed, 120 s, single use).

use super::{Conn, Values};
use crate::error::Result;

#[derive(Debug, Clone, sqlx::FromRow)]
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
    Values::new()
        .set("code_hash", code_hash)
        .set("tenant_id", code.tenant_id)
        .set("app_id", code.app_id)
        .set("user_id", code.user_id)
        .set("grant_type", code.grant_type.clone())
        .set("scopes", code.scopes.clone())
        .set("redirect_uri", code.redirect_uri.clone())
        .set("expire_days", code.expire_days)
        .set("platform", code.platform.clone())
        .set("union_id", code.union_id.clone())
        .set("expires_at", code.expires_at)
        .insert("app_codes", "")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Uses the code of `tenant`: the stored code if it was unused (it is now
/// used), else `None`.
pub async fn redeem(conn: &mut Conn, tenant: i64, code_hash: &str, now: i64) -> Result<Option<AppCode>> {
    let used =
        sqlx::query("UPDATE app_codes SET used_at = $1 WHERE tenant_id = $2 AND code_hash = $3 AND used_at IS NULL")
            .bind(now)
            .bind(tenant)
            .bind(code_hash.to_string())
            .execute(&mut *conn)
            .await?;
    if used.rows_affected() == 0 {
        return Ok(None);
    }
    let code = sqlx::query_as(
        "SELECT tenant_id, app_id, user_id, grant_type, scopes, redirect_uri, expire_days, platform, union_id, \
         expires_at FROM app_codes WHERE tenant_id = $1 AND code_hash = $2",
    )
    .bind(tenant)
    .bind(code_hash.to_string())
    .fetch_one(&mut *conn)
    .await?;
    Ok(Some(code))
}
