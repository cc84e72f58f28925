//! SDK generation's per-API options (token sealed, apart from the settings
//! JSON) and history.

use super::{Conn, Values};
use crate::error::Result;
use sqlx::FromRow;

/// One API's options of one kind, as stored.
#[derive(sqlx::FromRow)]
pub struct OptionsRow {
    /// JSON, without the token.
    pub settings: String,
    /// Sealed under the master key.
    pub token: Option<String>,
    pub updated_at: i64,
}

pub async fn options(conn: &mut Conn, resource: i64, kind: &str) -> Result<Option<OptionsRow>> {
    Ok(sqlx::query_as("SELECT settings, token, updated_at FROM codegen_options WHERE resource_id = $1 AND kind = $2")
        .bind(resource)
        .bind(kind)
        .fetch_optional(conn)
        .await?)
}

/// What a save does to the stored token.
pub enum TokenChange {
    Keep,
    /// A sealed token, or `None` to remove it.
    Set(Option<String>),
}

/// Inserts or replaces an API's options of `kind`.
pub async fn save_options(
    conn: &mut Conn,
    resource: i64,
    kind: &str,
    settings: &str,
    token: TokenChange,
    now: i64,
) -> Result<()> {
    let (keep, token) = match token {
        TokenChange::Keep => (1i64, None),
        TokenChange::Set(token) => (0, token),
    };
    sqlx::query(
        "INSERT INTO codegen_options (resource_id, kind, settings, token, updated_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (resource_id, kind) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at, \
         token = CASE WHEN $6 = 1 THEN codegen_options.token ELSE excluded.token END",
    )
    .bind(resource)
    .bind(kind)
    .bind(settings)
    .bind(token)
    .bind(now)
    .bind(keep)
    .execute(conn)
    .await?;
    Ok(())
}

/// An entry of an API's SDK history, as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HistoryRow {
    pub id: i64,
    /// `generate`, `sync`, `release` or `posted`.
    pub kind: String,
    pub sdk_name: String,
    pub swagger_url: String,
    pub version: String,
    pub tags: String,
    pub language: String,
    /// Unix milliseconds.
    pub release_date: i64,
}

/// Records an entry (its `id` is ignored); the entry as stored.
pub async fn add_history(conn: &mut Conn, resource: i64, entry: &HistoryRow) -> Result<HistoryRow> {
    let row = Values::new()
        .set("resource_id", resource)
        .set("kind", entry.kind.clone())
        .set("sdk_name", entry.sdk_name.clone())
        .set("swagger_url", entry.swagger_url.clone())
        .set("version", entry.version.clone())
        .set("tags", entry.tags.clone())
        .set("language", entry.language.clone())
        .set("release_date", entry.release_date)
        .insert("codegen_history", "RETURNING id, kind, sdk_name, swagger_url, version, tags, language, release_date")
        .fetch_one(conn)
        .await?;
    Ok(HistoryRow::from_row(&row)?)
}

/// An API's history, newest first.
pub async fn history(conn: &mut Conn, resource: i64) -> Result<Vec<HistoryRow>> {
    Ok(sqlx::query_as(
        "SELECT id, kind, sdk_name, swagger_url, version, tags, language, release_date FROM codegen_history \
         WHERE resource_id = $1 ORDER BY id DESC",
    )
    .bind(resource)
    .fetch_all(conn)
    .await?)
}
