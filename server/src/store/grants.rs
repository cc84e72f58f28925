//! Grants (one authorization of a client by a user), their refresh-token
//! family, and the authorization codes that start them.

use super::locks::on_postgres;
use super::{Conn, db_now};
use crate::error::Result;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

/// What a user allowed a client, and until when.
#[derive(Debug, Clone)]
pub struct Grant {
    pub id: String,
    pub tenant_id: i64,
    pub client_id: String,
    pub user_id: i64,
    pub scope: String,
    pub session_id: Option<String>,
    /// Unix seconds.
    pub auth_time: i64,
    /// Unix milliseconds: the absolute end of the refresh-token family.
    pub expires_at: i64,
    pub revoked: bool,
    /// Rests on a consent the user can revoke (not a direct sign-in).
    pub consented: bool,
}

const GRANT_COLUMNS: &str = "g.id, g.tenant_id, g.client_id, g.user_id, g.scope, g.session_id, g.auth_time, g.expires_at, g.revoked_at, g.consented";

fn grant_from(row: &AnyRow) -> Result<Grant> {
    Ok(Grant {
        id: row.try_get(0)?,
        tenant_id: row.try_get(1)?,
        client_id: row.try_get(2)?,
        user_id: row.try_get(3)?,
        scope: row.try_get(4)?,
        session_id: row.try_get(5)?,
        auth_time: row.try_get(6)?,
        expires_at: row.try_get(7)?,
        revoked: row.try_get::<Option<i64>, _>(8)?.is_some(),
        consented: row.try_get::<i64, _>(9)? != 0,
    })
}

pub async fn insert(conn: &mut Conn, grant: &Grant, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO grants (id, tenant_id, client_id, user_id, scope, session_id, auth_time, created_at, expires_at, \
         consented) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(grant.id.clone())
    .bind(grant.tenant_id)
    .bind(grant.client_id.clone())
    .bind(grant.user_id)
    .bind(grant.scope.clone())
    .bind(grant.session_id.clone())
    .bind(grant.auth_time)
    .bind(now)
    .bind(grant.expires_at)
    .bind(super::flag(grant.consented))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Revokes a grant: its refresh tokens stop working and the access tokens
/// issued under it are denied until they expire.
pub async fn revoke(conn: &mut Conn, grant_id: &str, now: i64) -> Result<()> {
    sqlx::query("UPDATE grants SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(grant_id.to_string())
        .execute(&mut *conn)
        .await?;
    // The deny-list's stamp, on the clock every replica reads it by.
    sqlx::query("UPDATE access_tokens SET revoked_at = $1 WHERE grant_id = $2 AND revoked_at IS NULL")
        .bind(db_now(conn, now).await?)
        .bind(grant_id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Revokes every live grant resting on the consent of `user` to `client_id`
/// (see `revoke`).
pub async fn revoke_all(conn: &mut Conn, tenant: i64, user: i64, client_id: &str, now: i64) -> Result<()> {
    let rows = sqlx::query(
        "SELECT id FROM grants WHERE tenant_id = $1 AND user_id = $2 AND client_id = $3 AND consented = 1 \
         AND revoked_at IS NULL",
    )
    .bind(tenant)
    .bind(user)
    .bind(client_id.to_string())
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        revoke(conn, &row.try_get::<String, _>(0)?, now).await?;
    }
    Ok(())
}

/// A live grant as an admin sees it: never a token.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LiveGrant {
    pub id: String,
    pub client_id: String,
    pub scope: String,
    pub consented: i64,
    /// Unix seconds.
    pub auth_time: i64,
    /// Unix milliseconds.
    pub created_at: i64,
    pub expires_at: i64,
}

/// The live (unrevoked, unexpired) grants of `user`, newest first.
pub async fn live_of_user(conn: &mut Conn, tenant: i64, user: i64, now: i64) -> Result<Vec<LiveGrant>> {
    Ok(sqlx::query_as::<_, LiveGrant>(
        "SELECT id, client_id, scope, consented, auth_time, created_at, expires_at FROM grants \
         WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > $3 \
         ORDER BY created_at DESC, id",
    )
    .bind(tenant)
    .bind(user)
    .bind(now)
    .fetch_all(&mut *conn)
    .await?)
}

/// Revokes every live grant of `user` (see `revoke`); how many there were.
pub async fn revoke_user(conn: &mut Conn, tenant: i64, user: i64, now: i64) -> Result<i64> {
    sqlx::query(
        "UPDATE access_tokens SET revoked_at = $1 WHERE revoked_at IS NULL AND grant_id IN \
         (SELECT id FROM grants WHERE tenant_id = $2 AND user_id = $3 AND revoked_at IS NULL)",
    )
    // The deny-list's stamp, on the clock every replica reads it by.
    .bind(db_now(conn, now).await?)
    .bind(tenant)
    .bind(user)
    .execute(&mut *conn)
    .await?;
    let done = sqlx::query(
        "UPDATE grants SET revoked_at = $1 WHERE tenant_id = $2 AND user_id = $3 AND revoked_at IS NULL \
         AND expires_at > $1",
    )
    .bind(now)
    .bind(tenant)
    .bind(user)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() as i64)
}

/// A refresh token and the grant it belongs to.
#[derive(Debug, Clone)]
pub struct RefreshToken {
    pub grant: Grant,
    pub expires_at: i64,
    pub used: bool,
}

pub async fn insert_refresh(
    conn: &mut Conn,
    token_hash: &str,
    grant_id: &str,
    expires_at: i64,
    now: i64,
) -> Result<()> {
    sqlx::query("INSERT INTO refresh_tokens (token_hash, grant_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash.to_string())
        .bind(grant_id.to_string())
        .bind(now)
        .bind(expires_at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn refresh_by_hash(conn: &mut Conn, token_hash: &str) -> Result<Option<RefreshToken>> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {GRANT_COLUMNS}, r.expires_at, r.used_at FROM refresh_tokens r JOIN grants g ON g.id = r.grant_id \
         WHERE r.token_hash = $1"
    )))
    .bind(token_hash.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        Ok(RefreshToken {
            grant: grant_from(&r)?,
            expires_at: r.try_get(10)?,
            used: r.try_get::<Option<i64>, _>(11)?.is_some(),
        })
    })
    .transpose()
}

/// Uses a refresh token: its first use, or — within `grace_ms` of that —
/// its one retry (a client whose response to the first use was lost).
/// False for any other use, a replay; also when a concurrent request took
/// the use first. Each step is one conditional statement, so however many
/// requests race, one first use and one retry pass at most.
pub async fn use_refresh(conn: &mut Conn, token_hash: &str, grace_ms: i64, now: i64) -> Result<bool> {
    let first = sqlx::query("UPDATE refresh_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL")
        .bind(now)
        .bind(token_hash.to_string())
        .execute(&mut *conn)
        .await?;
    if first.rows_affected() == 1 {
        return Ok(true);
    }
    if grace_ms <= 0 {
        return Ok(false);
    }
    let retry = sqlx::query(
        "UPDATE refresh_tokens SET reused_at = $1 WHERE token_hash = $2 AND reused_at IS NULL AND used_at >= $3",
    )
    .bind(now)
    .bind(token_hash.to_string())
    .bind(now - grace_ms)
    .execute(&mut *conn)
    .await?;
    Ok(retry.rows_affected() == 1)
}

/// An authorization code's bindings (RFC 6749 §4.1.2, RFC 7636 §4.4).
#[derive(Debug, Clone)]
pub struct Code {
    pub tenant_id: i64,
    pub client_id: String,
    pub user_id: i64,
    pub redirect_uri: String,
    pub scope: String,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub session_id: String,
    pub auth_time: i64,
    pub expires_at: i64,
    /// Set once redeemed: the grant its tokens belong to.
    pub grant_id: Option<String>,
}

pub async fn insert_code(conn: &mut Conn, code_hash: &str, code: &Code, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO authorization_codes (code_hash, tenant_id, client_id, user_id, redirect_uri, scope, nonce, \
         code_challenge, code_challenge_method, session_id, auth_time, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(code_hash.to_string())
    .bind(code.tenant_id)
    .bind(code.client_id.clone())
    .bind(code.user_id)
    .bind(code.redirect_uri.clone())
    .bind(code.scope.clone())
    .bind(code.nonce.clone())
    .bind(code.code_challenge.clone())
    .bind(code.code_challenge_method.clone())
    .bind(code.session_id.clone())
    .bind(code.auth_time)
    .bind(now)
    .bind(code.expires_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// An authorization code, locked until the transaction ends: a concurrent
/// redemption waits for this one and then finds the code redeemed.
pub async fn code_by_hash(conn: &mut Conn, code_hash: &str) -> Result<Option<Code>> {
    let lock = on_postgres(conn, " FOR UPDATE");
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT tenant_id, client_id, user_id, redirect_uri, scope, nonce, code_challenge, code_challenge_method, \
         session_id, auth_time, expires_at, grant_id FROM authorization_codes WHERE code_hash = $1{lock}"
    )))
    .bind(code_hash.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        Ok(Code {
            tenant_id: r.try_get(0)?,
            client_id: r.try_get(1)?,
            user_id: r.try_get(2)?,
            redirect_uri: r.try_get(3)?,
            scope: r.try_get(4)?,
            nonce: r.try_get(5)?,
            code_challenge: r.try_get(6)?,
            code_challenge_method: r.try_get(7)?,
            session_id: r.try_get(8)?,
            auth_time: r.try_get(9)?,
            expires_at: r.try_get(10)?,
            grant_id: r.try_get(11)?,
        })
    })
    .transpose()
}

/// Records that a code was redeemed into `grant_id`; false if another
/// request redeemed it first.
pub async fn redeem_code(conn: &mut Conn, code_hash: &str, grant_id: &str) -> Result<bool> {
    let done = sqlx::query("UPDATE authorization_codes SET grant_id = $1 WHERE code_hash = $2 AND grant_id IS NULL")
        .bind(grant_id.to_string())
        .bind(code_hash.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
