//! Seed 000's access profiles: named sets of clients, held by users.

use super::{Conn, Filter, Page, Values};
use crate::error::{Result, UniqueAs};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

const COLUMNS: &str = "id, name, description, created_at, updated_at";

/// An access profile as stored, with what its link tables hold.
#[derive(Debug, Clone)]
pub struct ProfileRow {
    pub id: i64,
    pub name: String,
    pub description: String,
    /// The `client_id`s of the clients it contains, in order.
    pub clients: Vec<String>,
    /// The ids of the live users holding it, in order.
    pub users: Vec<i64>,
    /// Unix milliseconds.
    pub created_at: i64,
    pub updated_at: i64,
}

fn taken(profile: &ProfileRow) -> String {
    format!("an access profile named `{}` already exists", profile.name)
}

async fn from_row(conn: &mut Conn, row: &AnyRow) -> Result<ProfileRow> {
    let id: i64 = row.try_get("id")?;
    let clients = sqlx::query(
        "SELECT c.client_id FROM access_profile_clients pc JOIN clients c ON c.id = pc.client_row \
         WHERE pc.profile_id = $1 ORDER BY c.client_id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let users = sqlx::query(
        "SELECT up.user_id FROM user_access_profiles up JOIN users u ON u.id = up.user_id \
         WHERE up.profile_id = $1 AND u.deleted_at IS NULL ORDER BY up.user_id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(ProfileRow {
        id,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        clients: clients.iter().map(|r| r.try_get("client_id")).collect::<Result<_, _>>()?,
        users: users.iter().map(|r| r.try_get("user_id")).collect::<Result<_, _>>()?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// Inserts `profile`'s name and description into `tenant`; returns its id.
pub async fn insert(conn: &mut Conn, tenant: i64, profile: &ProfileRow, now: i64) -> Result<i64> {
    let row = Values::new()
        .set("tenant_id", tenant)
        .set("name", profile.name.clone())
        .set("normalized_name", profile.name.to_lowercase())
        .set("description", profile.description.clone())
        .set("created_at", now)
        .set("updated_at", now)
        .insert("access_profiles", "RETURNING id")
        .fetch_one(&mut *conn)
        .await
        .unique_as(|_| taken(profile))?;
    Ok(row.try_get("id")?)
}

/// Writes an existing profile's name and description.
pub async fn save(conn: &mut Conn, tenant: i64, profile: &ProfileRow, now: i64) -> Result<()> {
    Values::new()
        .set("name", profile.name.clone())
        .set("normalized_name", profile.name.to_lowercase())
        .set("description", profile.description.clone())
        .set("updated_at", now)
        .update("access_profiles", tenant, profile.id)
        .execute(&mut *conn)
        .await
        .unique_as(|_| taken(profile))?;
    Ok(())
}

/// Replaces the rows linking one side (`column` = `id`) to `others`
/// (`other_column`) in `table`.
async fn replace(
    conn: &mut Conn,
    table: &str,
    (column, id): (&str, i64),
    other_column: &str,
    others: &[i64],
) -> Result<()> {
    sqlx::query(AssertSqlSafe(format!("DELETE FROM {table} WHERE {column} = $1"))).bind(id).execute(&mut *conn).await?;
    let insert = format!("INSERT INTO {table} ({column}, {other_column}) VALUES ($1, $2) ON CONFLICT DO NOTHING");
    for other in others {
        sqlx::query(AssertSqlSafe(insert.clone())).bind(id).bind(*other).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Makes `client_rows` (clients' numeric ids) the clients profile `id` contains.
pub async fn set_clients(conn: &mut Conn, id: i64, client_rows: &[i64]) -> Result<()> {
    replace(conn, "access_profile_clients", ("profile_id", id), "client_row", client_rows).await
}

/// Makes `users` the users holding profile `id`.
pub async fn set_users(conn: &mut Conn, id: i64, users: &[i64]) -> Result<()> {
    replace(conn, "user_access_profiles", ("profile_id", id), "user_id", users).await
}

/// Makes `profiles` the profiles user `user` holds.
pub async fn set_of_user(conn: &mut Conn, user: i64, profiles: &[i64]) -> Result<()> {
    replace(conn, "user_access_profiles", ("user_id", user), "profile_id", profiles).await
}

/// The ids of the profiles user `user` holds.
pub async fn of_user(conn: &mut Conn, user: i64) -> Result<Vec<i64>> {
    let rows = sqlx::query("SELECT profile_id FROM user_access_profiles WHERE user_id = $1 ORDER BY profile_id")
        .bind(user)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| Ok(r.try_get("profile_id")?)).collect()
}

/// Whether user `user` holds a profile containing the client with numeric id `client_row`.
pub async fn holds_client(conn: &mut Conn, client_row: i64, user: i64) -> Result<bool> {
    let row = sqlx::query(
        "SELECT 1 FROM user_access_profiles up JOIN access_profile_clients pc ON pc.profile_id = up.profile_id \
         WHERE up.user_id = $1 AND pc.client_row = $2 LIMIT 1",
    )
    .bind(user)
    .bind(client_row)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.is_some())
}

pub async fn get(conn: &mut Conn, tenant: i64, id: i64) -> Result<Option<ProfileRow>> {
    let row =
        sqlx::query(AssertSqlSafe(format!("SELECT {COLUMNS} FROM access_profiles WHERE tenant_id = $1 AND id = $2")))
            .bind(tenant)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    match row {
        Some(row) => Ok(Some(from_row(conn, &row).await?)),
        None => Ok(None),
    }
}

/// Deletes a profile; its links go with it (foreign keys cascade).
pub async fn delete(conn: &mut Conn, tenant: i64, id: i64) -> Result<bool> {
    let done = sqlx::query("DELETE FROM access_profiles WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn list(conn: &mut Conn, filter: &Filter, page: &Page) -> Result<(i64, Vec<ProfileRow>)> {
    let (total, rows) = super::page(conn, COLUMNS, "access_profiles", filter, page).await?;
    let mut profiles = Vec::with_capacity(rows.len());
    for row in &rows {
        profiles.push(from_row(conn, row).await?);
    }
    Ok((total, profiles))
}
