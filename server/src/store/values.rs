//! A row's columns, each named once beside its value, and the INSERT and
//! UPDATE statements built from them: a statement's placeholders cannot
//! drift from its binds, and an UPDATE always names its tenant.

use super::Arg;
use super::list::bind;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AssertSqlSafe};

/// The columns a statement writes, in order, with their values.
#[derive(Debug, Default)]
pub struct Values(Vec<(&'static str, Arg)>);

impl Values {
    pub fn new() -> Values {
        Values::default()
    }

    /// Writes `value` into `column`.
    pub fn set(mut self, column: &'static str, value: impl Into<Arg>) -> Values {
        self.0.push((column, value.into()));
        self
    }

    /// `INSERT INTO table (…) VALUES (…)` followed by `tail` (a `RETURNING`
    /// or `ON CONFLICT` clause, or nothing), with the values bound.
    pub fn insert(self, table: &str, tail: &str) -> Query<'static, Any, AnyArguments> {
        let columns: Vec<&str> = self.0.iter().map(|(column, _)| *column).collect();
        let placeholders: Vec<String> = (1..=columns.len()).map(|n| format!("${n}")).collect();
        let sql = format!("INSERT INTO {table} ({}) VALUES ({}) {tail}", columns.join(", "), placeholders.join(", "));
        self.query(sql.trim_end().to_string(), &[])
    }

    /// `UPDATE table SET … WHERE tenant_id = … AND id = …`: the row `id` of
    /// `tenant`, never a row of another tenant whatever `id` says.
    pub fn update(self, table: &str, tenant: i64, id: i64) -> Query<'static, Any, AnyArguments> {
        self.update_where(table, &[("tenant_id", tenant), ("id", id)])
    }

    /// `UPDATE tenants SET … WHERE id = …`: a tenant's own row, which its id
    /// scopes.
    pub fn update_tenant(self, tenant: i64) -> Query<'static, Any, AnyArguments> {
        self.update_where("tenants", &[("id", tenant)])
    }

    fn update_where(self, table: &str, keys: &[(&str, i64)]) -> Query<'static, Any, AnyArguments> {
        let n = self.0.len();
        let sets: Vec<String> =
            self.0.iter().enumerate().map(|(i, (column, _))| format!("{column} = ${}", i + 1)).collect();
        let conditions: Vec<String> =
            keys.iter().enumerate().map(|(i, (column, _))| format!("{column} = ${}", n + i + 1)).collect();
        let sql = format!("UPDATE {table} SET {} WHERE {}", sets.join(", "), conditions.join(" AND "));
        let keys: Vec<Arg> = keys.iter().map(|(_, value)| Arg::Int(*value)).collect();
        self.query(sql, &keys)
    }

    fn query(self, sql: String, after: &[Arg]) -> Query<'static, Any, AnyArguments> {
        let mut args: Vec<Arg> = self.0.into_iter().map(|(_, value)| value).collect();
        args.extend_from_slice(after);
        bind(sqlx::query(AssertSqlSafe(sql)), &args)
    }
}
