//! The one shape of the catalog's simple collections (release notes,
//! packages, product groups): rows of a tenant that belong to a parent row
//! (an API resource, or the tenant itself), written whole, listed newest
//! first. Each collection names its table and columns; the SQL is here once.

use super::list::bind;
use super::{Arg, Conn};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, FromRow, Row};

/// A table of rows owned by a parent, with `id`, `tenant_id`, the parent
/// column, `columns`, `created_at` and `updated_at`.
pub struct Owned {
    pub table: &'static str,
    /// `resource_id`, or `tenant_id` for rows the tenant itself owns.
    pub parent: &'static str,
    /// The columns an insert sets, in the order of its values.
    pub columns: &'static [&'static str],
    /// The columns an update sets (those of `columns` that may change).
    pub changeable: &'static [&'static str],
}

impl Owned {
    fn owner(&self) -> String {
        format!("tenant_id = $1 AND {} = $2", self.parent)
    }

    /// The parent's rows, newest first, optionally only those where
    /// `column` equals `value`.
    pub async fn list<T: for<'r> FromRow<'r, AnyRow>>(
        &self,
        conn: &mut Conn,
        tenant: i64,
        parent: i64,
        only: Option<(&str, i64)>,
    ) -> sqlx::Result<Vec<T>> {
        let mut sql = format!("SELECT * FROM {} WHERE {}", self.table, self.owner());
        if let Some((column, _)) = only {
            sql.push_str(&format!(" AND {column} = $3"));
        }
        sql.push_str(" ORDER BY id DESC");
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(tenant).bind(parent);
        if let Some((_, value)) = only {
            query = query.bind(value);
        }
        query.fetch_all(&mut *conn).await?.iter().map(T::from_row).collect()
    }

    pub async fn get<T: for<'r> FromRow<'r, AnyRow>>(
        &self,
        conn: &mut Conn,
        tenant: i64,
        parent: i64,
        id: i64,
    ) -> sqlx::Result<Option<T>> {
        let sql = format!("SELECT * FROM {} WHERE {} AND id = $3", self.table, self.owner());
        let row = sqlx::query(AssertSqlSafe(sql)).bind(tenant).bind(parent).bind(id).fetch_optional(conn).await?;
        row.as_ref().map(T::from_row).transpose()
    }

    /// A new row with `values` for [`Owned::columns`]; its id.
    pub async fn insert(
        &self,
        conn: &mut Conn,
        tenant: i64,
        parent: i64,
        values: Vec<Arg>,
        now: i64,
    ) -> sqlx::Result<i64> {
        let mut columns = vec!["tenant_id"];
        if self.parent != "tenant_id" {
            columns.push(self.parent);
        }
        let owners = columns.len();
        columns.extend_from_slice(self.columns);
        let placeholders: Vec<String> = (1..=columns.len() + 1).map(|n| format!("${n}")).collect();
        let sql = format!(
            "INSERT INTO {} ({}, created_at, updated_at) VALUES ({}, ${}) RETURNING id",
            self.table,
            columns.join(", "),
            placeholders.join(", "),
            columns.len() + 1
        );
        let owner_values = [Arg::Int(tenant), Arg::Int(parent)];
        let mut args: Vec<Arg> = owner_values[..owners].to_vec();
        args.extend(values);
        args.push(Arg::Int(now));
        bind(sqlx::query(AssertSqlSafe(sql)), &args).fetch_one(conn).await?.try_get("id")
    }

    /// Replaces the row's [`Owned::changeable`] columns; whether it exists.
    pub async fn update(
        &self,
        conn: &mut Conn,
        tenant: i64,
        parent: i64,
        id: i64,
        values: Vec<Arg>,
        now: i64,
    ) -> sqlx::Result<bool> {
        let sets: Vec<String> = self.changeable.iter().enumerate().map(|(i, c)| format!("{c} = ${}", i + 4)).collect();
        let sql = format!(
            "UPDATE {} SET {}, updated_at = ${} WHERE {} AND id = $3",
            self.table,
            sets.join(", "),
            self.changeable.len() + 4,
            self.owner()
        );
        let mut args = vec![Arg::Int(tenant), Arg::Int(parent), Arg::Int(id)];
        args.extend(values);
        args.push(Arg::Int(now));
        Ok(bind(sqlx::query(AssertSqlSafe(sql)), &args).execute(conn).await?.rows_affected() == 1)
    }

    /// Deletes the row; whether it existed.
    pub async fn delete(&self, conn: &mut Conn, tenant: i64, parent: i64, id: i64) -> sqlx::Result<bool> {
        let sql = format!("DELETE FROM {} WHERE {} AND id = $3", self.table, self.owner());
        let done = sqlx::query(AssertSqlSafe(sql)).bind(tenant).bind(parent).bind(id).execute(conn).await?;
        Ok(done.rows_affected() == 1)
    }
}
