//! Hashed secrets of clients and API resources: two tables of one shape
//! (owner row, SHA-256 digest, description, creation, optional expiry,
//! whether it is weak).

use super::{Conn, flag, to_time};
use crate::error::Result;
use keyward_api::secret::SecretInfo;
use sqlx::AssertSqlSafe;

/// Whose secrets.
#[derive(Debug, Clone, Copy)]
pub enum Owner {
    /// A client, by row id.
    Client(i64),
    /// An API resource, by row id.
    ApiResource(i64),
}

impl Owner {
    /// The table and its owner column, and the owner's row id.
    fn place(self) -> (&'static str, &'static str, i64) {
        match self {
            Owner::Client(id) => ("client_secrets", "client_row", id),
            Owner::ApiResource(id) => ("api_resource_secrets", "resource_id", id),
        }
    }
}

/// A stored secret digest, for authentication.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SecretDigest {
    pub sha256: String,
    pub expires_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct Listed {
    id: i64,
    description: String,
    created_at: i64,
    expires_at: Option<i64>,
    weak: i64,
}

/// The owner's secrets, without their digests.
pub async fn list(conn: &mut Conn, owner: Owner) -> Result<Vec<SecretInfo>> {
    let (table, column, id) = owner.place();
    let rows: Vec<Listed> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT id, description, created_at, expires_at, weak FROM {table} WHERE {column} = $1 ORDER BY id"
    )))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| SecretInfo {
            id: r.id,
            description: r.description,
            created: to_time(r.created_at),
            expiration: r.expires_at.map(to_time),
            weak: r.weak != 0,
        })
        .collect())
}

/// The owner's secret digests.
pub async fn digests(conn: &mut Conn, owner: Owner) -> Result<Vec<SecretDigest>> {
    let (table, column, id) = owner.place();
    let query = format!("SELECT sha256, expires_at FROM {table} WHERE {column} = $1");
    Ok(sqlx::query_as(AssertSqlSafe(query)).bind(id).fetch_all(&mut *conn).await?)
}

/// A secret to store: its digest and what the admin said of it.
pub struct NewDigest<'a> {
    /// The hex SHA-256 digest.
    pub sha256: &'a str,
    pub description: &'a str,
    /// Unix milliseconds after which it stops working; `None`: never.
    pub expires_at: Option<i64>,
    /// Imported shorter than a strong secret may be.
    pub weak: bool,
}

/// Stores a new secret of the owner; returns its id.
pub async fn add(conn: &mut Conn, owner: Owner, new: NewDigest<'_>, now: i64) -> Result<i64> {
    let (table, column, id) = owner.place();
    let (secret_id,): (i64,) = sqlx::query_as(AssertSqlSafe(format!(
        "INSERT INTO {table} ({column}, sha256, description, created_at, expires_at, weak) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
    )))
    .bind(id)
    .bind(new.sha256.to_string())
    .bind(new.description.to_string())
    .bind(now)
    .bind(new.expires_at)
    .bind(flag(new.weak))
    .fetch_one(&mut *conn)
    .await?;
    Ok(secret_id)
}

/// Deletes the owner's secret `secret_id`; false if it has none such.
pub async fn delete(conn: &mut Conn, owner: Owner, secret_id: i64) -> Result<bool> {
    let (table, column, id) = owner.place();
    let done = sqlx::query(AssertSqlSafe(format!("DELETE FROM {table} WHERE {column} = $1 AND id = $2")))
        .bind(id)
        .bind(secret_id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Deletes every secret of the owner.
pub async fn delete_all(conn: &mut Conn, owner: Owner) -> Result<()> {
    let (table, column, id) = owner.place();
    sqlx::query(AssertSqlSafe(format!("DELETE FROM {table} WHERE {column} = $1"))).bind(id).execute(&mut *conn).await?;
    Ok(())
}
