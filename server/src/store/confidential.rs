//! Every column whose values the database keeps in confidence, read and
//! rewritten in place: private signing keys, server secrets, the app
//! settings that carry a WeChat secret, and code generation tokens.

use super::Conn;
use crate::error::Result;
use sqlx::AssertSqlSafe;

/// A table holding confidential values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    SigningKeys,
    ServerSecrets,
    /// The JSON settings of end-user apps (clients).
    AppSettings,
    /// npm and GitHub tokens of SDK generation, keyed `<API id>:<kind>`.
    CodegenTokens,
}

impl Table {
    pub const ALL: [Table; 4] = [Table::SigningKeys, Table::ServerSecrets, Table::AppSettings, Table::CodegenTokens];

    /// The table, its key column (as text) and its value column.
    fn columns(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Table::SigningKeys => ("signing_keys", "kid", "private_pkcs8"),
            Table::ServerSecrets => ("server_secrets", "name", "value"),
            Table::AppSettings => ("clients", "CAST(id AS TEXT)", "app_settings"),
            Table::CodegenTokens => ("codegen_options", "CAST(resource_id AS TEXT) || ':' || kind", "token"),
        }
    }
}

/// One stored value and the key of its row.
#[derive(Debug, sqlx::FromRow)]
pub struct Row {
    pub key: String,
    pub value: String,
}

/// Every row of `table` that holds a value.
pub async fn rows(conn: &mut Conn, table: Table) -> Result<Vec<Row>> {
    let (name, key, value) = table.columns();
    let sql = format!("SELECT {key} AS key, {value} AS value FROM {name} WHERE {value} IS NOT NULL");
    Ok(sqlx::query_as::<_, Row>(AssertSqlSafe(sql)).fetch_all(&mut *conn).await?)
}

/// Replaces a row's value, if it still is `old` (another replica starting
/// at the same time may have replaced it already).
pub async fn replace(conn: &mut Conn, table: Table, row: &Row, new: &str) -> Result<()> {
    let (name, key, value) = table.columns();
    let sql = format!("UPDATE {name} SET {value} = $1 WHERE {key} = $2 AND {value} = $3");
    sqlx::query(AssertSqlSafe(sql))
        .bind(new.to_string())
        .bind(row.key.clone())
        .bind(row.value.clone())
        .execute(&mut *conn)
        .await?;
    Ok(())
}
