//! Consents: the scopes a user allowed a client, remembered for next time.

use super::{Conn, Values, from_json, to_json};
use crate::error::Result;
use sqlx::Row;

/// How a consent was given, beyond its scopes.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// `authorization_code` (the hosted consent page), or GrantCode's `account`, `email`, `phone`, `unionid`.
    pub grant_type: String,
    pub redirect_uri: String,
    pub remark: String,
    /// Unix ms; `None` = does not expire.
    pub expires_at: Option<i64>,
}

/// A consent as listed to its user.
#[derive(Debug, Clone)]
pub struct Consent {
    pub id: i64,
    pub client_id: String,
    pub scopes: Vec<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub context: Context,
}

/// The scopes a live consent of `user` to `client` covers.
pub async fn scopes(conn: &mut Conn, tenant: i64, user: i64, client_id: &str, now: i64) -> Result<Option<Vec<String>>> {
    let row = sqlx::query(
        "SELECT scopes FROM consents WHERE tenant_id = $1 AND user_id = $2 AND client_id = $3 \
         AND (expires_at IS NULL OR expires_at > $4)",
    )
    .bind(tenant)
    .bind(user)
    .bind(client_id.to_string())
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| Ok(from_json(&r.try_get::<String, _>("scopes")?)?)).transpose()
}

/// Records (or replaces) the consent of `user` to `client` for `scopes`.
pub async fn upsert(
    conn: &mut Conn,
    tenant: i64,
    user: i64,
    client_id: &str,
    scopes: &[String],
    context: &Context,
    now: i64,
) -> Result<()> {
    Values::new()
        .set("tenant_id", tenant)
        .set("user_id", user)
        .set("client_id", client_id)
        .set("scopes", to_json(&scopes))
        .set("created_at", now)
        .set("updated_at", now)
        .set("expires_at", context.expires_at)
        .set("grant_type", context.grant_type.clone())
        .set("redirect_uri", context.redirect_uri.clone())
        .set("remark", context.remark.clone())
        .insert(
            "consents",
            "ON CONFLICT (tenant_id, user_id, client_id) DO UPDATE SET scopes = excluded.scopes, \
             updated_at = excluded.updated_at, expires_at = excluded.expires_at, grant_type = excluded.grant_type, \
             redirect_uri = excluded.redirect_uri, remark = excluded.remark",
        )
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The live consents of `user`, newest first.
pub async fn of_user(conn: &mut Conn, tenant: i64, user: i64, now: i64) -> Result<Vec<Consent>> {
    let rows = sqlx::query(
        "SELECT id, client_id, scopes, created_at, updated_at, expires_at, grant_type, redirect_uri, remark \
         FROM consents WHERE tenant_id = $1 AND user_id = $2 AND (expires_at IS NULL OR expires_at > $3) \
         ORDER BY updated_at DESC, id DESC",
    )
    .bind(tenant)
    .bind(user)
    .bind(now)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Consent {
                id: r.try_get("id")?,
                client_id: r.try_get("client_id")?,
                scopes: from_json(&r.try_get::<String, _>("scopes")?)?,
                created_at: r.try_get("created_at")?,
                updated_at: r.try_get("updated_at")?,
                context: Context {
                    expires_at: r.try_get("expires_at")?,
                    grant_type: r.try_get("grant_type")?,
                    redirect_uri: r.try_get("redirect_uri")?,
                    remark: r.try_get("remark")?,
                },
            })
        })
        .collect()
}

/// Deletes a consent of `user`; the client it was given to, if there was one.
pub async fn delete(conn: &mut Conn, tenant: i64, user: i64, id: i64) -> Result<Option<String>> {
    let row = sqlx::query("DELETE FROM consents WHERE tenant_id = $1 AND user_id = $2 AND id = $3 RETURNING client_id")
        .bind(tenant)
        .bind(user)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|r| r.try_get("client_id")).transpose()?)
}

/// Forgets every consent of `user`, so each client must ask again.
pub async fn delete_all(conn: &mut Conn, tenant: i64, user: i64) -> Result<()> {
    sqlx::query("DELETE FROM consents WHERE tenant_id = $1 AND user_id = $2")
        .bind(tenant)
        .bind(user)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
