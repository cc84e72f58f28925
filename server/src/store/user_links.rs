//! Users' identities on other platforms: (platform, unionID) → user.

use super::{Conn, now_ms};
use crate::error::{Result, UniqueAs};
use sqlx::Row;

pub async fn user(conn: &mut Conn, tenant: i64, platform: &str, union_id: &str) -> Result<Option<i64>> {
    let row = sqlx::query("SELECT user_id FROM user_links WHERE tenant_id = $1 AND platform = $2 AND union_id = $3")
        .bind(tenant)
        .bind(platform.to_string())
        .bind(union_id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

pub async fn insert(conn: &mut Conn, tenant: i64, platform: &str, union_id: &str, user: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO user_links (tenant_id, platform, union_id, user_id, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(tenant)
    .bind(platform.to_string())
    .bind(union_id.to_string())
    .bind(user)
    .bind(now_ms())
    .execute(&mut *conn)
    .await
    .unique_as(|_| format!("this {platform} identity is already linked to an account"))?;
    Ok(())
}

/// The user's first linked identity: (platform, unionID).
pub async fn first_of(conn: &mut Conn, user: i64) -> Result<Option<(String, String)>> {
    let row = sqlx::query("SELECT platform, union_id FROM user_links WHERE user_id = $1 ORDER BY created_at LIMIT 1")
        .bind(user)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|r| Ok::<_, sqlx::Error>((r.try_get(0)?, r.try_get(1)?))).transpose()?)
}
