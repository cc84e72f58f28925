//! SDK generation's per-API options (token sealed, apart from the settings
//! JSON) and history.

use super::{Conn, to_time};
use crate::error::Result;
use keyward_api::codegen::{CodegenHistory, HistoryKind};

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

#[derive(sqlx::FromRow)]
struct HistoryRow {
    id: i64,
    kind: String,
    sdk_name: String,
    swagger_url: String,
    version: String,
    tags: String,
    language: String,
    release_date: i64,
}

impl From<HistoryRow> for CodegenHistory {
    fn from(row: HistoryRow) -> CodegenHistory {
        CodegenHistory {
            id: row.id,
            kind: match row.kind.as_str() {
                "generate" => HistoryKind::Generate,
                "sync" => HistoryKind::Sync,
                "release" => HistoryKind::Release,
                _ => HistoryKind::Posted,
            },
            sdk_name: row.sdk_name,
            swagger_url: row.swagger_url,
            version: row.version,
            tags: row.tags,
            language: row.language,
            release_date: to_time(row.release_date),
        }
    }
}

fn kind_name(kind: HistoryKind) -> &'static str {
    match kind {
        HistoryKind::Generate => "generate",
        HistoryKind::Sync => "sync",
        HistoryKind::Release => "release",
        HistoryKind::Posted => "posted",
    }
}

/// Records an entry (its `id` is ignored); the entry as stored.
pub async fn add_history(conn: &mut Conn, resource: i64, entry: &CodegenHistory) -> Result<CodegenHistory> {
    let row: HistoryRow = sqlx::query_as(
        "INSERT INTO codegen_history (resource_id, kind, sdk_name, swagger_url, version, tags, language, release_date) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         RETURNING id, kind, sdk_name, swagger_url, version, tags, language, release_date",
    )
    .bind(resource)
    .bind(kind_name(entry.kind))
    .bind(&entry.sdk_name)
    .bind(&entry.swagger_url)
    .bind(&entry.version)
    .bind(&entry.tags)
    .bind(&entry.language)
    .bind(entry.release_date.timestamp_millis())
    .fetch_one(conn)
    .await?;
    Ok(row.into())
}

/// An API's history, newest first.
pub async fn history(conn: &mut Conn, resource: i64) -> Result<Vec<CodegenHistory>> {
    let rows: Vec<HistoryRow> = sqlx::query_as(
        "SELECT id, kind, sdk_name, swagger_url, version, tags, language, release_date FROM codegen_history \
         WHERE resource_id = $1 ORDER BY id DESC",
    )
    .bind(resource)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}
