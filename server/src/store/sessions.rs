//! Browser sessions of the hosted login page.

use super::Conn;
use crate::error::Result;
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub user_id: i64,
    /// Unix seconds of the password check that opened the session.
    pub auth_time: i64,
}

pub async fn insert(conn: &mut Conn, tenant: i64, session: &Session, expires_at: i64) -> Result<()> {
    sqlx::query("INSERT INTO sessions (id, tenant_id, user_id, auth_time, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(session.id.clone())
        .bind(tenant)
        .bind(session.user_id)
        .bind(session.auth_time)
        .bind(expires_at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A live session of `tenant` whose user still exists.
pub async fn live(conn: &mut Conn, tenant: i64, id: &str, now: i64) -> Result<Option<Session>> {
    let row = sqlx::query(
        "SELECT s.id, s.user_id, s.auth_time FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.id = $1 AND s.tenant_id = $2 AND s.ended_at IS NULL AND s.expires_at > $3 AND u.deleted_at IS NULL",
    )
    .bind(id.to_string())
    .bind(tenant)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        Ok(Session { id: r.try_get("id")?, user_id: r.try_get("user_id")?, auth_time: r.try_get("auth_time")? })
    })
    .transpose()
}

pub async fn end(conn: &mut Conn, tenant: i64, id: &str, now: i64) -> Result<()> {
    sqlx::query("UPDATE sessions SET ended_at = $1 WHERE id = $2 AND tenant_id = $3 AND ended_at IS NULL")
        .bind(now)
        .bind(id.to_string())
        .bind(tenant)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A live session as an admin sees it: never its id, which the session
/// cookie carries.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LiveSession {
    /// Unix seconds.
    pub auth_time: i64,
    /// Unix milliseconds.
    pub expires_at: i64,
}

/// The live sessions of `user`, newest first.
pub async fn of_user(conn: &mut Conn, tenant: i64, user: i64, now: i64) -> Result<Vec<LiveSession>> {
    Ok(sqlx::query_as::<_, LiveSession>(
        "SELECT auth_time, expires_at FROM sessions WHERE tenant_id = $1 AND user_id = $2 AND ended_at IS NULL \
         AND expires_at > $3 ORDER BY auth_time DESC, expires_at DESC",
    )
    .bind(tenant)
    .bind(user)
    .bind(now)
    .fetch_all(&mut *conn)
    .await?)
}

/// Ends every live session of `user`; how many there were.
pub async fn end_all(conn: &mut Conn, tenant: i64, user: i64, now: i64) -> Result<i64> {
    let done = sqlx::query(
        "UPDATE sessions SET ended_at = $1 WHERE tenant_id = $2 AND user_id = $3 AND ended_at IS NULL \
         AND expires_at > $1",
    )
    .bind(now)
    .bind(tenant)
    .bind(user)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() as i64)
}
