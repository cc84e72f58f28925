//! Points: a ledger per (app, user) and its running balance, which a CHECK
//! constraint keeps at zero or more.

use super::{Conn, Values};
use crate::error::Result;
use sqlx::Row;

/// Credits (recharges and bonuses) and debits, as `PointLog`'s `type`.
pub const CREDIT: i64 = 1;
pub const DEBIT: i64 = 2;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Entry {
    pub id: i64,
    pub user_id: i64,
    pub kind: i64,
    pub amount: i64,
    pub balance: i64,
    pub remark: String,
    /// `app:<client_id>`, `user:<id>` or `sign-up`; `None` before it was recorded.
    pub credited_by: Option<String>,
    pub created_at: i64,
}

/// What a change to a balance records.
pub struct Change<'a> {
    pub app_id: i64,
    pub user_id: i64,
    pub amount: i64,
    pub remark: &'a str,
    /// Who made the change (see [`Entry::credited_by`]).
    pub credited_by: &'a str,
    /// With the request's fingerprint: a retried request applies once.
    pub idempotency: Option<(&'a str, &'a str)>,
}

/// The outcome of `apply`.
pub enum Applied {
    /// The entry with this id was written.
    Done(i64),
    /// The idempotency key was used before, for the entry `id` with this
    /// fingerprint.
    Replayed { id: i64, fingerprint: String },
    /// A debit larger than the balance: the caller must roll back (the
    /// entry is written but the balance is not).
    Insufficient { balance: i64 },
}

/// Applies a change inside the caller's transaction. The ledger entry goes
/// first: a concurrent request with the same idempotency key waits on its
/// unique index, then finds the first one's entry and changes nothing. A
/// debit changes the balance only if it stays at zero or more, in the same
/// statement, so racing debits never overdraw it.
pub async fn apply(conn: &mut Conn, change: Change<'_>, now: i64) -> Result<Applied> {
    let (key, fingerprint) =
        change.idempotency.map_or((None, None), |(k, f)| (Some(k.to_string()), Some(f.to_string())));
    let kind = if change.amount >= 0 { CREDIT } else { DEBIT };
    let entry = Values::new()
        .set("app_id", change.app_id)
        .set("user_id", change.user_id)
        .set("kind", kind)
        .set("amount", change.amount)
        // Set once the balance is known, below.
        .set("balance", 0)
        .set("remark", change.remark)
        .set("idempotency_key", key.clone())
        .set("fingerprint", fingerprint)
        .set("created_at", now)
        .set("credited_by", change.credited_by)
        .insert("point_entries", "ON CONFLICT DO NOTHING RETURNING id")
        .fetch_optional(&mut *conn)
        .await?;
    let Some(entry) = entry else {
        let prior = sqlx::query(
            "SELECT id, fingerprint FROM point_entries WHERE app_id = $1 AND user_id = $2 AND idempotency_key = $3",
        )
        .bind(change.app_id)
        .bind(change.user_id)
        .bind(key)
        .fetch_one(&mut *conn)
        .await?;
        let fingerprint = prior.try_get::<Option<String>, _>("fingerprint")?.unwrap_or_default();
        return Ok(Applied::Replayed { id: prior.try_get("id")?, fingerprint });
    };
    let id: i64 = entry.try_get("id")?;
    let statement = if change.amount >= 0 {
        "INSERT INTO point_balances (app_id, user_id, balance) VALUES ($1, $2, $3) ON CONFLICT (app_id, user_id) \
         DO UPDATE SET balance = point_balances.balance + $3 RETURNING balance"
    } else {
        "UPDATE point_balances SET balance = balance + $3 WHERE app_id = $1 AND user_id = $2 AND balance + $3 >= 0 \
         RETURNING balance"
    };
    let updated = sqlx::query(statement)
        .bind(change.app_id)
        .bind(change.user_id)
        .bind(change.amount)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(updated) = updated else {
        return Ok(Applied::Insufficient { balance: balance(conn, change.app_id, change.user_id).await? });
    };
    let balance: i64 = updated.try_get("balance")?;
    sqlx::query("UPDATE point_entries SET balance = $1 WHERE id = $2")
        .bind(balance)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(Applied::Done(id))
}

/// The ledger entry `id` of the user's ledger with the app.
pub async fn entry(conn: &mut Conn, app_id: i64, user_id: i64, id: i64) -> Result<Entry> {
    Ok(sqlx::query_as::<_, Entry>(
        "SELECT id, user_id, kind, amount, balance, remark, credited_by, created_at FROM point_entries \
         WHERE app_id = $1 AND user_id = $2 AND id = $3",
    )
    .bind(app_id)
    .bind(user_id)
    .bind(id)
    .fetch_one(&mut *conn)
    .await?)
}

pub async fn balance(conn: &mut Conn, app_id: i64, user_id: i64) -> Result<i64> {
    let row = sqlx::query("SELECT balance FROM point_balances WHERE app_id = $1 AND user_id = $2")
        .bind(app_id)
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|r| r.try_get("balance")).transpose()?.unwrap_or(0))
}

/// A page of the ledger, newest first, with the number of matching entries.
pub async fn page(
    conn: &mut Conn,
    app_id: i64,
    user_id: i64,
    kind: Option<i64>,
    skip: i64,
    take: i64,
) -> Result<(i64, Vec<Entry>)> {
    let total: i64 = sqlx::query(
        "SELECT COUNT(*) AS total FROM point_entries WHERE app_id = $1 AND user_id = $2 AND ($3 = 0 OR kind = $3)",
    )
    .bind(app_id)
    .bind(user_id)
    .bind(kind.unwrap_or(0))
    .fetch_one(&mut *conn)
    .await?
    .try_get("total")?;
    let entries = sqlx::query_as::<_, Entry>(
        "SELECT id, user_id, kind, amount, balance, remark, credited_by, created_at FROM point_entries \
         WHERE app_id = $1 AND user_id = $2 AND ($3 = 0 OR kind = $3) ORDER BY id DESC LIMIT $4 OFFSET $5",
    )
    .bind(app_id)
    .bind(user_id)
    .bind(kind.unwrap_or(0))
    .bind(take)
    .bind(skip)
    .fetch_all(&mut *conn)
    .await?;
    Ok((total, entries))
}
