//! Uploaded files' rows: which exist, of which type, uploaded by whom. The
//! bytes are in the blob store ([`crate::blob_store`]).

use super::Conn;
use crate::error::Result;

/// A stored file of a tenant.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Blob {
    pub folder: String,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    /// The client id of the token that uploaded it.
    pub uploaded_by: String,
}

pub async fn insert(conn: &mut Conn, tenant: i64, blob: &Blob, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO blobs (tenant_id, folder, name, content_type, size, uploaded_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tenant)
    .bind(blob.folder.clone())
    .bind(blob.name.clone())
    .bind(blob.content_type.clone())
    .bind(blob.size)
    .bind(blob.uploaded_by.clone())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn get(conn: &mut Conn, tenant: i64, folder: &str, name: &str) -> Result<Option<Blob>> {
    Ok(sqlx::query_as::<_, Blob>(
        "SELECT folder, name, content_type, size, uploaded_by FROM blobs \
         WHERE tenant_id = $1 AND folder = $2 AND name = $3",
    )
    .bind(tenant)
    .bind(folder.to_string())
    .bind(name.to_string())
    .fetch_optional(&mut *conn)
    .await?)
}
