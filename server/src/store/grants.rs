//! Grants (one authorization of a client by a user), their refresh-token
//! family, and the authorization codes that start them.

use super::locks::on_postgres;
use super::{Conn, Values, db_now};
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
        id: row.try_get("id")?,
        tenant_id: row.try_get("tenant_id")?,
        client_id: row.try_get("client_id")?,
        user_id: row.try_get("user_id")?,
        scope: row.try_get("scope")?,
        session_id: row.try_get("session_id")?,
        auth_time: row.try_get("auth_time")?,
        expires_at: row.try_get("expires_at")?,
        revoked: row.try_get::<Option<i64>, _>("revoked_at")?.is_some(),
        consented: row.try_get::<i64, _>("consented")? != 0,
    })
}

pub async fn insert(conn: &mut Conn, grant: &Grant, now: i64) -> Result<()> {
    Values::new()
        .set("id", grant.id.clone())
        .set("tenant_id", grant.tenant_id)
        .set("client_id", grant.client_id.clone())
        .set("user_id", grant.user_id)
        .set("scope", grant.scope.clone())
        .set("session_id", grant.session_id.clone())
        .set("auth_time", grant.auth_time)
        .set("created_at", now)
        .set("expires_at", grant.expires_at)
        .set("consented", grant.consented)
        .insert("grants", "")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Revokes a grant of `tenant`: its refresh tokens stop working and the
/// access tokens issued under it are denied until they expire.
pub async fn revoke(conn: &mut Conn, tenant: i64, grant_id: &str, now: i64) -> Result<()> {
    sqlx::query("UPDATE grants SET revoked_at = $1 WHERE tenant_id = $2 AND id = $3 AND revoked_at IS NULL")
        .bind(now)
        .bind(tenant)
        .bind(grant_id.to_string())
        .execute(&mut *conn)
        .await?;
    // The deny-list's stamp, on the clock every replica reads it by.
    sqlx::query(
        "UPDATE access_tokens SET revoked_at = $1 WHERE tenant_id = $2 AND grant_id = $3 AND revoked_at IS NULL",
    )
    .bind(db_now(conn, now).await?)
    .bind(tenant)
    .bind(grant_id.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Revokes every live grant resting on the consent of `user` to `client_id`
/// (see `revoke`).
pub async fn revoke_all(conn: &mut Conn, tenant: i64, user: i64, client_id: &str, now: i64) -> Result<()> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM grants WHERE tenant_id = $1 AND user_id = $2 AND client_id = $3 AND consented = 1 \
         AND revoked_at IS NULL",
    )
    .bind(tenant)
    .bind(user)
    .bind(client_id.to_string())
    .fetch_all(&mut *conn)
    .await?;
    for id in ids {
        revoke(conn, tenant, &id, now).await?;
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
        "UPDATE access_tokens SET revoked_at = $1 WHERE tenant_id = $2 AND revoked_at IS NULL AND grant_id IN \
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
        "SELECT {GRANT_COLUMNS}, r.expires_at AS refresh_expires_at, r.used_at AS refresh_used_at \
         FROM refresh_tokens r JOIN grants g ON g.id = r.grant_id \
         WHERE r.token_hash = $1"
    )))
    .bind(token_hash.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        Ok(RefreshToken {
            grant: grant_from(&r)?,
            expires_at: r.try_get("refresh_expires_at")?,
            used: r.try_get::<Option<i64>, _>("refresh_used_at")?.is_some(),
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
#[derive(Debug, Clone, sqlx::FromRow)]
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
    Values::new()
        .set("code_hash", code_hash)
        .set("tenant_id", code.tenant_id)
        .set("client_id", code.client_id.clone())
        .set("user_id", code.user_id)
        .set("redirect_uri", code.redirect_uri.clone())
        .set("scope", code.scope.clone())
        .set("nonce", code.nonce.clone())
        .set("code_challenge", code.code_challenge.clone())
        .set("code_challenge_method", code.code_challenge_method.clone())
        .set("session_id", code.session_id.clone())
        .set("auth_time", code.auth_time)
        .set("created_at", now)
        .set("expires_at", code.expires_at)
        .insert("authorization_codes", "")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// An authorization code, locked until the transaction ends: a concurrent
/// redemption waits for this one and then finds the code redeemed.
pub async fn code_by_hash(conn: &mut Conn, code_hash: &str) -> Result<Option<Code>> {
    let lock = on_postgres(conn, " FOR UPDATE");
    let row = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT tenant_id, client_id, user_id, redirect_uri, scope, nonce, code_challenge, code_challenge_method, \
         session_id, auth_time, expires_at, grant_id FROM authorization_codes WHERE code_hash = $1{lock}"
    )))
    .bind(code_hash.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row)
}

/// Records that a code of `tenant` was redeemed into `grant_id`; false if
/// another request redeemed it first.
pub async fn redeem_code(conn: &mut Conn, tenant: i64, code_hash: &str, grant_id: &str) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE authorization_codes SET grant_id = $1 WHERE tenant_id = $2 AND code_hash = $3 AND grant_id IS NULL",
    )
    .bind(grant_id.to_string())
    .bind(tenant)
    .bind(code_hash.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
