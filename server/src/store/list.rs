//! Filtered, sorted, paged reads shared by every admin list.

use super::Conn;
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;

/// A bound value of a filter or of a written column.
#[derive(Debug, Clone)]
pub enum Arg {
    Int(i64),
    Text(String),
    /// A nullable column's value: NULL typed as an integer or as text.
    MaybeInt(Option<i64>),
    MaybeText(Option<String>),
}

impl From<i64> for Arg {
    fn from(value: i64) -> Arg {
        Arg::Int(value)
    }
}

/// Booleans are stored as INTEGER 0 or 1.
impl From<bool> for Arg {
    fn from(value: bool) -> Arg {
        Arg::Int(super::flag(value))
    }
}

impl From<String> for Arg {
    fn from(value: String) -> Arg {
        Arg::Text(value)
    }
}

impl From<&str> for Arg {
    fn from(value: &str) -> Arg {
        Arg::Text(value.to_string())
    }
}

impl From<Option<i64>> for Arg {
    fn from(value: Option<i64>) -> Arg {
        Arg::MaybeInt(value)
    }
}

impl From<Option<String>> for Arg {
    fn from(value: Option<String>) -> Arg {
        Arg::MaybeText(value)
    }
}

/// A WHERE clause built from conditions, numbering placeholders as it goes.
#[derive(Debug, Default)]
pub struct Filter {
    conditions: Vec<String>,
    args: Vec<Arg>,
}

impl Filter {
    /// Adds `condition`, whose `?` is replaced by the next `$n` placeholder.
    pub fn and(mut self, condition: &str, arg: Arg) -> Self {
        self.args.push(arg);
        self.conditions.push(condition.replace('?', &format!("${}", self.args.len())));
        self
    }

    /// Adds a condition that binds nothing.
    pub fn and_sql(mut self, condition: &str) -> Self {
        self.conditions.push(condition.to_string());
        self
    }

    fn sql(&self) -> String {
        if self.conditions.is_empty() { String::new() } else { format!(" WHERE {}", self.conditions.join(" AND ")) }
    }
}

/// Sorting and paging of a list; `order_column` comes from a whitelist.
#[derive(Debug, Clone)]
pub struct Page {
    pub order_column: &'static str,
    pub ascending: bool,
    pub skip: i64,
    pub take: i64,
}

pub(super) fn bind<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    args: &[Arg],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    for arg in args {
        query = match arg {
            Arg::Int(value) => query.bind(*value),
            Arg::Text(value) => query.bind(value.clone()),
            Arg::MaybeInt(value) => query.bind(*value),
            Arg::MaybeText(value) => query.bind(value.clone()),
        };
    }
    query
}

/// Counts the rows of `from` matching `filter`, and reads one page of
/// `columns` from them. `from` may be a join; ties sort by `id`.
pub async fn page(
    conn: &mut Conn,
    columns: &str,
    from: &str,
    filter: &Filter,
    page: &Page,
) -> sqlx::Result<(i64, Vec<AnyRow>)> {
    let where_sql = filter.sql();
    let count_sql = format!("SELECT COUNT(*) AS total FROM {from}{where_sql}");
    let total: i64 = sqlx::Row::try_get(
        &bind(sqlx::query(AssertSqlSafe(count_sql)), &filter.args).fetch_one(&mut *conn).await?,
        "total",
    )?;
    let direction = if page.ascending { "ASC" } else { "DESC" };
    let n = filter.args.len();
    let rows_sql = format!(
        "SELECT {columns} FROM {from}{where_sql} ORDER BY {} {direction}, id {direction} LIMIT ${} OFFSET ${}",
        page.order_column,
        n + 1,
        n + 2
    );
    let rows = bind(sqlx::query(AssertSqlSafe(rows_sql)), &filter.args)
        .bind(page.take)
        .bind(page.skip)
        .fetch_all(&mut *conn)
        .await?;
    Ok((total, rows))
}

/// `value` as a case-insensitive LIKE pattern matching it anywhere, with the
/// wildcards in it escaped (use with `ESCAPE '\'`).
pub fn contains_pattern(value: &str) -> String {
    let escaped = value.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}
