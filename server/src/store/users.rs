//! Users, their roles, and their password hashes.

use super::{Claim, Conn, Filter, Page, Values, from_json, to_json};
use crate::error::{Result, UniqueAs};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

const COLUMNS: &str = "id, username, email, email_verified, phone, phone_verified, nickname, avatar, data, claims, \
    parent_user_id, created_at, updated_at";

/// A live user as stored, with its role and access profile links.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub phone: Option<String>,
    pub phone_verified: bool,
    pub nickname: String,
    pub avatar: String,
    pub data: String,
    /// The ids of the roles it holds (`user_roles`), in order.
    pub roles: Vec<i64>,
    /// JSON in the column.
    pub claims: Vec<Claim>,
    /// The ids of the access profiles it holds, in order.
    pub profiles: Vec<i64>,
    pub parent_user_id: Option<i64>,
    /// Unix milliseconds.
    pub created_at: i64,
    pub updated_at: i64,
}

/// What a unique index of `users` refused, from the database's message.
fn taken(user: &UserRow, index: &str) -> String {
    if index.contains("phone") {
        "this phone number is already registered to another account".into()
    } else if index.contains("email") {
        "this email address is already registered to another account".into()
    } else {
        format!("the user name `{}` is already taken", user.username)
    }
}

fn from_row(row: &AnyRow, (roles, profiles): (Vec<i64>, Vec<i64>)) -> Result<UserRow> {
    Ok(UserRow {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        email: row.try_get("email")?,
        email_verified: row.try_get::<i64, _>("email_verified")? != 0,
        phone: row.try_get("phone")?,
        phone_verified: row.try_get::<i64, _>("phone_verified")? != 0,
        nickname: row.try_get("nickname")?,
        avatar: row.try_get("avatar")?,
        data: row.try_get("data")?,
        roles,
        claims: from_json(&row.try_get::<String, _>("claims")?)?,
        profiles,
        parent_user_id: row.try_get("parent_user_id")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

async fn roles_of(conn: &mut Conn, id: i64) -> Result<Vec<i64>> {
    let rows = sqlx::query("SELECT role_id FROM user_roles WHERE user_id = $1 ORDER BY role_id")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| Ok(r.try_get("role_id")?)).collect()
}

/// A user's roles and access profiles.
async fn links_of(conn: &mut Conn, id: i64) -> Result<(Vec<i64>, Vec<i64>)> {
    Ok((roles_of(conn, id).await?, super::profiles::of_user(conn, id).await?))
}

async fn replace_roles(conn: &mut Conn, user: &UserRow) -> Result<()> {
    sqlx::query("DELETE FROM user_roles WHERE user_id = $1").bind(user.id).execute(&mut *conn).await?;
    for role in &user.roles {
        sqlx::query("INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(user.id)
            .bind(*role)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The columns of `user` that both an insert and an update write.
fn values(user: &UserRow) -> Values {
    Values::new()
        .set("username", user.username.clone())
        .set("normalized_username", user.username.to_lowercase())
        .set("email", user.email.clone())
        .set("email_verified", user.email_verified)
        .set("phone", user.phone.clone())
        .set("phone_verified", user.phone_verified)
        .set("nickname", user.nickname.clone())
        .set("avatar", user.avatar.clone())
        .set("data", user.data.clone())
        .set("claims", to_json(&user.claims))
}

/// Inserts `user` into `tenant` with its password hash; returns its id.
pub async fn insert(
    conn: &mut Conn,
    tenant: i64,
    user: &UserRow,
    password_hash: Option<&str>,
    now: i64,
) -> Result<i64> {
    let id: i64 = values(user)
        .set("tenant_id", tenant)
        .set("password_hash", password_hash.map(str::to_string))
        .set("parent_user_id", user.parent_user_id)
        .set("created_at", now)
        .set("updated_at", now)
        .insert("users", "RETURNING id")
        .fetch_one(&mut *conn)
        .await
        .unique_as(|index| taken(user, index))?
        .try_get("id")?;
    replace_roles(conn, &UserRow { id, ..user.clone() }).await?;
    Ok(id)
}

/// Writes every field of an existing user of `tenant`; a new password hash
/// if given.
pub async fn save(conn: &mut Conn, tenant: i64, user: &UserRow, password_hash: Option<&str>, now: i64) -> Result<()> {
    let mut values = values(user).set("updated_at", now);
    if let Some(hash) = password_hash {
        values = values.set("password_hash", hash);
    }
    values.update("users", tenant, user.id).execute(&mut *conn).await.unique_as(|index| taken(user, index))?;
    replace_roles(conn, user).await
}

/// Writes a user's profile (nickname, avatar, data) and nothing else, so a
/// profile edit never writes back roles or contacts an admin just changed.
pub async fn save_profile(conn: &mut Conn, tenant: i64, user: &UserRow, now: i64) -> Result<()> {
    Values::new()
        .set("nickname", user.nickname.clone())
        .set("avatar", user.avatar.clone())
        .set("data", user.data.clone())
        .set("updated_at", now)
        .update("users", tenant, user.id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A live (not deleted) user of `tenant`.
pub async fn get(conn: &mut Conn, tenant: i64, id: i64) -> Result<Option<UserRow>> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM users WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL"
    )))
    .bind(tenant)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(row) => Ok(Some(from_row(&row, links_of(conn, id).await?)?)),
        None => Ok(None),
    }
}

/// Marks a live user deleted; returns whether there was one.
pub async fn soft_delete(conn: &mut Conn, tenant: i64, id: i64, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE users SET deleted_at = $1, updated_at = $1 WHERE tenant_id = $2 AND id = $3 AND deleted_at IS NULL",
    )
    .bind(now)
    .bind(tenant)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn list(conn: &mut Conn, filter: &Filter, page: &Page) -> Result<(i64, Vec<UserRow>)> {
    let (total, rows) = super::page(conn, COLUMNS, "users", filter, page).await?;
    let mut users = Vec::with_capacity(rows.len());
    for row in &rows {
        let id: i64 = row.try_get("id")?;
        users.push(from_row(row, links_of(conn, id).await?)?);
    }
    Ok((total, users))
}

/// The live user a sign-in name designates — verified email (any case) or
/// phone number, which belongs to one user; else user name (any case) —
/// with its password hash. The verified contact comes first so that a user
/// name squatting someone's address never wins; an unverified one, which
/// anybody may have typed, finds nobody.
pub async fn by_login(conn: &mut Conn, tenant: i64, login: &str) -> Result<Option<(i64, Option<String>)>> {
    let lowered = login.to_lowercase();
    let row = sqlx::query(
        "SELECT id, password_hash FROM users WHERE tenant_id = $1 AND deleted_at IS NULL \
         AND (normalized_username = $2 OR (LOWER(email) = $2 AND email_verified = 1) OR (phone = $3 AND phone_verified = 1)) \
         ORDER BY CASE WHEN normalized_username = $2 THEN 1 ELSE 0 END, id LIMIT 1",
    )
    .bind(tenant)
    .bind(lowered)
    .bind(login.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| Ok((r.try_get("id")?, r.try_get("password_hash")?))).transpose()
}

/// Every permission the user's roles hold.
pub async fn permissions(conn: &mut Conn, id: i64) -> Result<Vec<String>> {
    let rows =
        sqlx::query("SELECT r.permissions FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = $1")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    let mut all = Vec::new();
    for row in rows {
        all.extend(from_json::<Vec<String>>(&row.try_get::<String, _>("permissions")?)?);
    }
    Ok(all)
}

/// A contact a user can be reached at, and found by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contact {
    Phone,
    Email,
}

/// The live user of `tenant` with this verified phone number or email (any
/// case).
pub async fn by_contact(conn: &mut Conn, tenant: i64, contact: Contact, value: &str) -> Result<Option<i64>> {
    let sql = match contact {
        Contact::Phone => {
            "SELECT id FROM users WHERE tenant_id = $1 AND deleted_at IS NULL AND phone = $2 AND phone_verified = 1"
        }
        Contact::Email => {
            "SELECT id FROM users WHERE tenant_id = $1 AND deleted_at IS NULL AND LOWER(email) = LOWER($2) \
             AND email_verified = 1"
        }
    };
    let row = sqlx::query(sql).bind(tenant).bind(value.to_string()).fetch_optional(&mut *conn).await?;
    Ok(row.map(|r| r.try_get("id")).transpose()?)
}

/// The id of `tenant`'s live user named `name` (ignoring case), by user name only.
pub async fn id_by_name(conn: &mut Conn, tenant: i64, name: &str) -> Result<Option<i64>> {
    let row =
        sqlx::query("SELECT id FROM users WHERE tenant_id = $1 AND normalized_username = $2 AND deleted_at IS NULL")
            .bind(tenant)
            .bind(name.to_lowercase())
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row.map(|r| r.try_get("id")).transpose()?)
}

/// Whether a live user of `tenant` has every one of the given user name
/// (any case), email (any case) and phone number.
pub async fn exists(
    conn: &mut Conn,
    tenant: i64,
    (user_name, email, phone): (Option<&str>, Option<&str>, Option<&str>),
) -> Result<bool> {
    let row = sqlx::query(
        "SELECT 1 FROM users WHERE tenant_id = $1 AND deleted_at IS NULL \
         AND ($2 IS NULL OR normalized_username = $2) AND ($3 IS NULL OR LOWER(email) = $3) \
         AND ($4 IS NULL OR phone = $4) LIMIT 1",
    )
    .bind(tenant)
    .bind(user_name.map(str::to_lowercase))
    .bind(email.map(str::to_lowercase))
    .bind(phone.map(str::to_string))
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.is_some())
}

/// The ids above a user in the referral tree, from the top down, ending
/// with the user itself.
pub async fn lineage_of(conn: &mut Conn, id: i64) -> Result<Vec<i64>> {
    let rows = sqlx::query(
        "WITH RECURSIVE up(id, parent_user_id, depth) AS ( \
           SELECT id, parent_user_id, CAST(0 AS BIGINT) FROM users WHERE id = $1 \
           UNION ALL \
           SELECT u.id, u.parent_user_id, up.depth + 1 FROM users u JOIN up ON u.id = up.parent_user_id \
         ) SELECT id FROM up ORDER BY depth DESC",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| Ok(r.try_get("id")?)).collect()
}

/// A user below another in the referral tree.
#[derive(Debug, Clone)]
pub struct Member {
    pub id: i64,
    pub parent_user_id: i64,
    pub user_name: String,
    pub nick_name: String,
    pub avatar: String,
    /// 1 for the users who signed up through the team's owner.
    pub level: i64,
    /// Whether the user is deleted: counted in no team, but their downline
    /// stays in it.
    pub deleted: bool,
}

/// Every user below `owner` in the referral tree of `tenant` (deleted ones
/// included, flagged), nearest first.
pub async fn downline(conn: &mut Conn, tenant: i64, owner: i64) -> Result<Vec<Member>> {
    let rows = sqlx::query(
        "WITH RECURSIVE team(id, level) AS ( \
           SELECT id, CAST(1 AS BIGINT) FROM users WHERE tenant_id = $1 AND parent_user_id = $2 \
           UNION ALL \
           SELECT u.id, team.level + 1 FROM users u JOIN team ON u.parent_user_id = team.id WHERE u.tenant_id = $1 \
         ) SELECT u.id, u.parent_user_id, u.username, u.nickname, u.avatar, team.level, \
           CAST(CASE WHEN u.deleted_at IS NULL THEN 0 ELSE 1 END AS BIGINT) AS deleted \
         FROM team JOIN users u ON u.id = team.id ORDER BY team.level, u.id",
    )
    .bind(tenant)
    .bind(owner)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Member {
                id: r.try_get("id")?,
                parent_user_id: r.try_get("parent_user_id")?,
                user_name: r.try_get("username")?,
                nick_name: r.try_get("nickname")?,
                avatar: r.try_get("avatar")?,
                level: r.try_get("level")?,
                deleted: r.try_get::<i64, _>("deleted")? != 0,
            })
        })
        .collect()
}
