//! Points: recharges credit `price ×` the app's rate, debits spend them
//! (never below zero); the ledger pages newest first.

use super::{AppCaller, AppRef, date};
use crate::error::{Error, Result};
use crate::state::State;
use crate::store::points::{self, Applied, Change};
use crate::store::{tenants::TenantRef, users};
use keyward_api::app_user::{Consume, POINT_LOG_MAX_TAKE, PointEntry, PointLog, PointLogQuery, Recharge};

/// The price in hundredths, if it has at most two decimals and is in range.
fn cents(price: f64) -> Result<i64> {
    if !price.is_finite() || price <= 0.0 || price > 1_000_000.0 {
        return Err(Error::Invalid(format!("`price` must be greater than 0 and at most 1000000 (got {price})")));
    }
    let cents = (price * 100.0).round();
    if (price * 100.0 - cents).abs() > 1e-6 {
        return Err(Error::Invalid(format!("`price` may have at most two decimals (got {price})")));
    }
    Ok(cents as i64)
}

/// Credits points to a user of the app. The app's server credits whom it
/// names (`userID`); a user credits only their own points, and only where
/// the app allows it (`userRechargeEnabled`, for OAuthApp clients that
/// recharge from the device). The entry records who credited.
pub async fn recharge(
    state: &State,
    tenant: &TenantRef,
    target: &AppRef,
    caller: AppCaller,
    body: Recharge,
    key: Option<&str>,
) -> Result<bool> {
    let price = body.price.ok_or_else(|| Error::BadRequest("`price` is required".into()))?;
    let cents = cents(price)?;
    let remark = body.remark.unwrap_or_default();
    let (user_id, by) = whose(target, caller, body.user_id, ("RechargePoints", "credits"))?;
    let amount = cents * target.config.settings.points_per_currency_unit / 100;
    if amount == 0 {
        return Err(Error::Invalid("this price buys no points at the app's rate".into()));
    }
    let ledger = Ledger { user_id, by: &by, remark: &remark, key, what: "recharge" };
    change(state, tenant, target, ledger, amount, &format!("{cents}|{remark}")).await?;
    Ok(true)
}

/// Debits points from a user of the app, never below zero; who may is as
/// for [`recharge`]. Answers the ledger entry (the first one's, on a
/// replayed `Idempotency-Key`).
pub async fn consume(
    state: &State,
    tenant: &TenantRef,
    target: &AppRef,
    caller: AppCaller,
    body: Consume,
    key: Option<&str>,
) -> Result<PointEntry> {
    let points = body.points.ok_or_else(|| Error::BadRequest("`points` is required".into()))?;
    if !(1..=MAX_DEBIT).contains(&points) {
        return Err(Error::Invalid(format!("`points` must be between 1 and {MAX_DEBIT} (got {points})")));
    }
    let remark = body.remark.unwrap_or_default();
    let (user_id, by) = whose(target, caller, body.user_id, ("ConsumePoints", "debits"))?;
    let ledger = Ledger { user_id, by: &by, remark: &remark, key, what: "debit" };
    let entry = change(state, tenant, target, ledger, -points, &format!("consume|{points}|{remark}")).await?;
    Ok(wire(entry))
}

/// The largest single debit.
const MAX_DEBIT: i64 = 1_000_000_000;

/// The user whose points a change touches, and who makes it (the ledger's
/// `creditedBy`): the app's server names the user; a user may change only
/// their own points, and only where the app allows it.
fn whose(
    target: &AppRef,
    caller: AppCaller,
    named: Option<i64>,
    (operation, verb): (&str, &str),
) -> Result<(i64, String)> {
    match caller {
        AppCaller::App => {
            let user = named.ok_or_else(|| {
                Error::BadRequest(format!("`userID` is required: name the user whose points the app {verb}"))
            })?;
            Ok((user, format!("app:{}", target.client.client_id)))
        }
        AppCaller::User(_) if !target.config.settings.user_recharge_enabled => Err(Error::Forbidden(format!(
            "this app changes points from its server: {operation} needs the app's client authentication (HTTP basic, \
             or a client_credentials token of the app) and `userID`"
        ))),
        AppCaller::User(own) if named.is_some_and(|n| n != own) => {
            Err(Error::Forbidden("a user may change only their own points".into()))
        }
        AppCaller::User(own) => Ok((own, format!("user:{own}"))),
    }
}

/// A change to one user's ledger.
struct Ledger<'a> {
    user_id: i64,
    /// Who makes it (`creditedBy`).
    by: &'a str,
    remark: &'a str,
    /// The request's `Idempotency-Key`, if it has one.
    key: Option<&'a str>,
    /// What the change is called in a refusal: `recharge`, `debit`.
    what: &'a str,
}

/// Applies `amount` to the ledger in one transaction: the user must exist,
/// a retried `Idempotency-Key` applies once (the same key with another
/// `fingerprint` is refused), and a debit never takes the balance below
/// zero. Answers the entry written, or the first one a retry names.
async fn change(
    state: &State,
    tenant: &TenantRef,
    target: &AppRef,
    ledger: Ledger<'_>,
    amount: i64,
    fingerprint: &str,
) -> Result<points::Entry> {
    crate::domain::validate::length("remark", ledger.remark, 0, 200)?;
    if let Some(key) = ledger.key {
        crate::domain::validate::token("Idempotency-Key", key, 100)?;
    }
    let user_id = ledger.user_id;
    let mut tx = state.store.begin().await?;
    if users::get(&mut tx, tenant.id, user_id).await?.is_none() {
        return Err(Error::NotFound(format!("user {user_id} does not exist")));
    }
    let change = Change {
        app_id: target.client.id,
        user_id,
        amount,
        remark: ledger.remark,
        credited_by: ledger.by,
        idempotency: ledger.key.map(|k| (k, fingerprint)),
    };
    let id = match points::apply(&mut tx, change, state.clock.now_ms()).await? {
        Applied::Done(id) => id,
        Applied::Replayed { id, fingerprint: prior } if prior == fingerprint => id,
        Applied::Replayed { .. } => {
            return Err(Error::Invalid(format!("this Idempotency-Key was used for a different {}", ledger.what)));
        }
        Applied::Insufficient { balance } => {
            return Err(Error::Conflict(format!("user {user_id} has {balance} points; {} cannot be taken", -amount)));
        }
    };
    let entry = points::entry(&mut tx, target.client.id, user_id, id).await?;
    tx.commit().await?;
    Ok(entry)
}

/// A ledger entry as `PointLog` shows it.
fn wire(e: points::Entry) -> PointEntry {
    PointEntry {
        id: e.id,
        user_id: e.user_id,
        kind: e.kind,
        used: e.amount,
        balance: e.balance,
        remark: e.remark,
        credited_by: e.credited_by,
        create_date: date(e.created_at),
    }
}

pub async fn log(state: &State, target: &AppRef, user_id: i64, query: PointLogQuery) -> Result<PointLog> {
    let kind = match query.kind.unwrap_or(0) {
        0 => None,
        kind @ (points::CREDIT | points::DEBIT) => Some(kind),
        other => {
            return Err(Error::BadRequest(format!("`type` must be 0 (all), 1 (credits) or 2 (debits), not {other}")));
        }
    };
    let skip = query.skip.unwrap_or(0);
    let take = query.take.unwrap_or(10);
    if skip < 0 {
        return Err(Error::BadRequest("`skip` must not be negative".into()));
    }
    if !(1..=POINT_LOG_MAX_TAKE).contains(&take) {
        return Err(Error::BadRequest(format!("`take` must be between 1 and {POINT_LOG_MAX_TAKE} (got {take})")));
    }
    let mut conn = state.store.conn().await?;
    let (total, entries) = points::page(&mut conn, target.client.id, user_id, kind, skip, take).await?;
    let balance = points::balance(&mut conn, target.client.id, user_id).await?;
    let data = entries.into_iter().map(wire).collect();
    Ok(PointLog { total, balance, data })
}
