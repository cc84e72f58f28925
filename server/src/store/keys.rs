//! Signing keys (PKCS#8 private keys, base64) of each tenant, kept in the
//! database so every replica signs and verifies with the same set.

use super::Conn;
use crate::error::Result;
use sqlx::Row;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredKey {
    pub tenant_id: i64,
    pub kid: String,
    pub alg: String,
    pub private_pkcs8: String,
    /// Unix milliseconds from which the key may sign.
    pub activates_at: i64,
    /// Unix milliseconds from which it no longer signs, if retired.
    pub retired_at: Option<i64>,
}

/// Keys still published (not past `expires_at`), newest activation first.
pub async fn published(conn: &mut Conn, now: i64) -> Result<Vec<StoredKey>> {
    Ok(sqlx::query_as::<_, StoredKey>(
        "SELECT tenant_id, kid, alg, private_pkcs8, activates_at, retired_at FROM signing_keys \
         WHERE expires_at IS NULL OR expires_at > $1 ORDER BY activates_at DESC, created_at DESC",
    )
    .bind(now)
    .fetch_all(&mut *conn)
    .await?)
}

/// Stores a key of `tenant` that signs from `activates_at`.
pub async fn insert(
    conn: &mut Conn,
    tenant: i64,
    kid: &str,
    alg: &str,
    private_pkcs8: &str,
    activates_at: i64,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO signing_keys (tenant_id, kid, alg, private_pkcs8, created_at, activates_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(tenant)
    .bind(kid.to_string())
    .bind(alg.to_string())
    .bind(private_pkcs8.to_string())
    .bind(now)
    .bind(activates_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Retires every key of `tenant` and `alg` but `kid` at `retired_at`; each
/// stays published until `expires_at`, when the last token it signed has
/// expired.
pub async fn retire_others(
    conn: &mut Conn,
    tenant: i64,
    alg: &str,
    kid: &str,
    retired_at: i64,
    expires_at: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE signing_keys SET retired_at = $1, expires_at = $2 \
         WHERE tenant_id = $3 AND alg = $4 AND kid <> $5 AND retired_at IS NULL",
    )
    .bind(retired_at)
    .bind(expires_at)
    .bind(tenant)
    .bind(alg.to_string())
    .bind(kid.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Tenants with no key of `alg` signing at `now` (new tenants of older
/// releases, and every tenant when an algorithm is added).
pub async fn tenants_without_signing_key(conn: &mut Conn, alg: &str, now: i64) -> Result<Vec<i64>> {
    let rows = sqlx::query(
        "SELECT id FROM tenants t WHERE NOT EXISTS (SELECT 1 FROM signing_keys k \
         WHERE k.tenant_id = t.id AND k.alg = $1 AND k.activates_at <= $2 AND (k.retired_at IS NULL OR k.retired_at > $2))",
    )
    .bind(alg.to_string())
    .bind(now)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| Ok(r.try_get("id")?)).collect()
}

pub async fn tenant_exists(conn: &mut Conn, tenant: i64) -> Result<bool> {
    Ok(sqlx::query("SELECT 1 FROM tenants WHERE id = $1").bind(tenant).fetch_optional(&mut *conn).await?.is_some())
}

/// The longest lifetime, in seconds, of any token a client of `tenant` can
/// be issued.
pub async fn longest_token_lifetime(conn: &mut Conn, tenant: i64) -> Result<i64> {
    let row = sqlx::query(
        "SELECT COALESCE(MAX(CASE WHEN access_token_lifetime > identity_token_lifetime THEN access_token_lifetime \
         ELSE identity_token_lifetime END), 3600) AS longest FROM clients WHERE tenant_id = $1",
    )
    .bind(tenant)
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get("longest")?)
}

/// Tenants whose newest key was made before `before` (Unix milliseconds):
/// due for automatic rotation.
pub async fn tenants_with_keys_older_than(conn: &mut Conn, before: i64) -> Result<Vec<i64>> {
    let rows = sqlx::query("SELECT tenant_id FROM signing_keys GROUP BY tenant_id HAVING MAX(created_at) < $1")
        .bind(before)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| Ok(r.try_get("tenant_id")?)).collect()
}
