//! Users' identities on other platforms: (platform, unionID) → user, and
//! the app through which each was linked.

use super::Conn;
use crate::error::{Result, UniqueAs};
use sqlx::Row;

/// A linked identity's user and the app that linked it (`None` for a link of
/// an earlier release whose app is unknown, or whose app was deleted).
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct Linked {
    pub user_id: i64,
    pub app_id: Option<i64>,
}

pub async fn linked(conn: &mut Conn, tenant: i64, platform: &str, union_id: &str) -> Result<Option<Linked>> {
    Ok(sqlx::query_as::<_, Linked>(
        "SELECT user_id, app_id FROM user_links WHERE tenant_id = $1 AND platform = $2 AND union_id = $3",
    )
    .bind(tenant)
    .bind(platform.to_string())
    .bind(union_id.to_string())
    .fetch_optional(&mut *conn)
    .await?)
}

pub async fn user(conn: &mut Conn, tenant: i64, platform: &str, union_id: &str) -> Result<Option<i64>> {
    Ok(linked(conn, tenant, platform, union_id).await?.map(|l| l.user_id))
}

/// Links (platform, unionID) to `user`, through the app `app_id`.
pub async fn insert(
    conn: &mut Conn,
    tenant: i64,
    (platform, union_id): (&str, &str),
    user: i64,
    app_id: i64,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO user_links (tenant_id, platform, union_id, user_id, created_at, app_id) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(tenant)
    .bind(platform.to_string())
    .bind(union_id.to_string())
    .bind(user)
    .bind(now)
    .bind(app_id)
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
    Ok(row.map(|r| Ok::<_, sqlx::Error>((r.try_get("platform")?, r.try_get("union_id")?))).transpose()?)
}

/// The unionID of the user's first identity on `platform`.
pub async fn first_on(conn: &mut Conn, user: i64, platform: &str) -> Result<Option<String>> {
    let row =
        sqlx::query("SELECT union_id FROM user_links WHERE user_id = $1 AND platform = $2 ORDER BY created_at LIMIT 1")
            .bind(user)
            .bind(platform.to_string())
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row.map(|r| r.try_get("union_id")).transpose()?)
}
