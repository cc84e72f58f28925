//! What the API scope and identity resource tables share: the same columns
//! (identity resources add `non_editable`) read and written the same way,
//! each table described by a [`Kind`]. [`super::api_scopes`] and
//! [`super::identity_resources`] add what is their own.

use super::list::bind;
use super::{Arg, Conn, Filter, Page, Property, Values, from_json, to_json};
use crate::error::{Result, UniqueAs};
use serde::{Deserialize, Serialize};
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AssertSqlSafe, Row};

/// One of the two tables.
pub struct Kind {
    pub table: &'static str,
    /// What a row is called in the "already exists" message.
    pub noun: &'static str,
    /// Whether the table has the `non_editable` column.
    pub non_editable: bool,
}

/// An API scope or identity resource as stored.
#[derive(Debug, Clone)]
pub struct ScopeRow {
    pub id: i64,
    pub name: String,
    pub display_name: String,
    pub description: String,
    pub enabled: bool,
    pub required: bool,
    pub emphasize: bool,
    pub show_in_discovery: bool,
    /// The claim types the scope releases (JSON in the column).
    pub user_claims: Vec<String>,
    /// JSON in the column.
    pub properties: Vec<Property>,
    /// Always false where the table has no such column.
    pub non_editable: bool,
    /// Unix milliseconds.
    pub created_at: i64,
    pub updated_at: i64,
}

/// A user claim as the `user_claims` column holds it (only its type, unlike
/// [`super::Claim`]).
#[derive(Serialize, Deserialize)]
struct ReleasedClaim {
    #[serde(rename = "type")]
    claim_type: String,
}

impl Kind {
    fn columns(&self) -> String {
        let extra = if self.non_editable { "non_editable, " } else { "" };
        format!(
            "id, name, display_name, description, enabled, required, emphasize, show_in_discovery, user_claims, \
             properties, {extra}created_at, updated_at"
        )
    }

    fn taken(&self, row: &ScopeRow) -> String {
        format!("{} named `{}` already exists", self.noun, row.name)
    }

    fn decode(&self, row: &AnyRow) -> Result<ScopeRow> {
        let yes = |name: &str| -> Result<bool> { Ok(row.try_get::<i64, _>(name)? != 0) };
        let claims: Vec<ReleasedClaim> = from_json(&row.try_get::<String, _>("user_claims")?)?;
        Ok(ScopeRow {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            display_name: row.try_get("display_name")?,
            description: row.try_get("description")?,
            enabled: yes("enabled")?,
            required: yes("required")?,
            emphasize: yes("emphasize")?,
            show_in_discovery: yes("show_in_discovery")?,
            user_claims: claims.into_iter().map(|c| c.claim_type).collect(),
            properties: from_json(&row.try_get::<String, _>("properties")?)?,
            non_editable: self.non_editable && yes("non_editable")?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
        })
    }

    /// The columns that both an insert and an update write.
    fn values(&self, row: &ScopeRow) -> Values {
        let claims: Vec<ReleasedClaim> =
            row.user_claims.iter().map(|c| ReleasedClaim { claim_type: c.clone() }).collect();
        Values::new()
            .set("name", row.name.clone())
            .set("display_name", row.display_name.clone())
            .set("description", row.description.clone())
            .set("enabled", row.enabled)
            .set("required", row.required)
            .set("emphasize", row.emphasize)
            .set("show_in_discovery", row.show_in_discovery)
            .set("user_claims", to_json(&claims))
            .set("properties", to_json(&row.properties))
    }

    /// The insert of `row` into `tenant`, followed by `tail`.
    pub fn insert_query(&self, tenant: i64, row: &ScopeRow, tail: &str, now: i64) -> Query<'static, Any, AnyArguments> {
        let mut values = self.values(row).set("tenant_id", tenant);
        if self.non_editable {
            values = values.set("non_editable", row.non_editable);
        }
        values.set("created_at", now).set("updated_at", now).insert(self.table, tail)
    }

    /// Inserts `row` into `tenant` (its id and times are ignored); returns its id.
    pub async fn insert(&self, conn: &mut Conn, tenant: i64, row: &ScopeRow, now: i64) -> Result<i64> {
        let inserted = self
            .insert_query(tenant, row, "RETURNING id", now)
            .fetch_one(&mut *conn)
            .await
            .unique_as(|_| self.taken(row))?;
        Ok(inserted.try_get("id")?)
    }

    /// Writes every field of an existing row of `tenant` but its id,
    /// creation time and `non_editable`.
    pub async fn save(&self, conn: &mut Conn, tenant: i64, row: &ScopeRow, now: i64) -> Result<()> {
        self.values(row)
            .set("updated_at", now)
            .update(self.table, tenant, row.id)
            .execute(&mut *conn)
            .await
            .unique_as(|_| self.taken(row))?;
        Ok(())
    }

    /// The row of `tenant` whose `column` is `value`.
    async fn one(&self, conn: &mut Conn, tenant: i64, column: &str, value: Arg) -> Result<Option<ScopeRow>> {
        let sql = format!("SELECT {} FROM {} WHERE tenant_id = $1 AND {column} = $2", self.columns(), self.table);
        let query = bind(sqlx::query(AssertSqlSafe(sql)), &[Arg::Int(tenant), value]);
        let row = query.fetch_optional(&mut *conn).await?;
        row.as_ref().map(|r| self.decode(r)).transpose()
    }

    pub async fn get(&self, conn: &mut Conn, tenant: i64, id: i64) -> Result<Option<ScopeRow>> {
        self.one(conn, tenant, "id", Arg::Int(id)).await
    }

    pub async fn by_name(&self, conn: &mut Conn, tenant: i64, name: &str) -> Result<Option<ScopeRow>> {
        self.one(conn, tenant, "name", Arg::Text(name.to_string())).await
    }

    /// The enabled rows of `tenant`, oldest first.
    pub async fn enabled(&self, conn: &mut Conn, tenant: i64) -> Result<Vec<ScopeRow>> {
        let sql =
            format!("SELECT {} FROM {} WHERE tenant_id = $1 AND enabled = 1 ORDER BY id", self.columns(), self.table);
        let rows = sqlx::query(AssertSqlSafe(sql)).bind(tenant).fetch_all(&mut *conn).await?;
        rows.iter().map(|r| self.decode(r)).collect()
    }

    /// The names of every row of `tenant`, enabled or not, oldest first,
    /// `lock` (a locking clause, or nothing) appended.
    pub async fn names(&self, conn: &mut Conn, tenant: i64, lock: &str) -> Result<Vec<String>> {
        let sql = format!("SELECT name FROM {} WHERE tenant_id = $1 ORDER BY id{lock}", self.table);
        let rows = sqlx::query(AssertSqlSafe(sql)).bind(tenant).fetch_all(&mut *conn).await?;
        rows.iter().map(|r| Ok(r.try_get("name")?)).collect()
    }

    pub async fn delete(&self, conn: &mut Conn, tenant: i64, id: i64) -> Result<bool> {
        let sql = format!("DELETE FROM {} WHERE tenant_id = $1 AND id = $2", self.table);
        let done = sqlx::query(AssertSqlSafe(sql)).bind(tenant).bind(id).execute(&mut *conn).await?;
        Ok(done.rows_affected() > 0)
    }

    pub async fn list(&self, conn: &mut Conn, filter: &Filter, page: &Page) -> Result<(i64, Vec<ScopeRow>)> {
        let (total, rows) = super::page(conn, &self.columns(), self.table, filter, page).await?;
        Ok((total, rows.iter().map(|r| self.decode(r)).collect::<Result<_>>()?))
    }
}
