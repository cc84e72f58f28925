//! Points: recharges credit `price ×` the app's rate; the ledger pages
//! newest first.

use super::{AppCaller, AppRef, date};
use crate::app::App;
use crate::error::{Error, Result};
use crate::store::points::{self, Applied, Change};
use crate::store::{tenants::TenantRef, users};
use keyward_api::app_user::{PointEntry, PointLog, PointLogQuery, Recharge};

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
    app: &App,
    tenant: &TenantRef,
    target: &AppRef,
    caller: AppCaller,
    body: Recharge,
    key: Option<&str>,
) -> Result<bool> {
    let price = body.price.ok_or_else(|| Error::BadRequest("`price` is required".into()))?;
    let cents = cents(price)?;
    let remark = body.remark.unwrap_or_default();
    crate::domain::validate::length("remark", &remark, 0, 200)?;
    if let Some(key) = key {
        crate::domain::validate::token("Idempotency-Key", key, 100)?;
    }
    let (user_id, credited_by) = match caller {
        AppCaller::App => {
            let user = body.user_id.ok_or_else(|| {
                Error::BadRequest("`userID` is required: name the user whose points the app credits".into())
            })?;
            (user, format!("app:{}", target.client.client_id))
        }
        AppCaller::User(_) if !target.config.settings.user_recharge_enabled => {
            return Err(Error::Forbidden(
                "this app credits points from its server: RechargePoints needs the app's client authentication \
                 (HTTP basic, or a client_credentials token of the app) and `userID`"
                    .into(),
            ));
        }
        AppCaller::User(own) if body.user_id.is_some_and(|named| named != own) => {
            return Err(Error::Forbidden("a user may recharge only their own points".into()));
        }
        AppCaller::User(own) => (own, format!("user:{own}")),
    };
    let amount = cents * target.config.settings.points_per_currency_unit / 100;
    if amount == 0 {
        return Err(Error::Invalid("this price buys no points at the app's rate".into()));
    }
    let fingerprint = format!("{cents}|{remark}");
    let mut tx = app.store.begin().await?;
    if users::get(&mut tx, tenant.id, user_id).await?.is_none() {
        return Err(Error::NotFound(format!("user {user_id} does not exist")));
    }
    let change = Change {
        app_id: target.client.id,
        user_id,
        amount,
        remark: &remark,
        credited_by: &credited_by,
        idempotency: key.map(|k| (k, fingerprint.as_str())),
    };
    match points::apply(&mut tx, change).await? {
        Applied::Done => tx.commit().await?,
        Applied::Replayed { fingerprint: prior } if prior == fingerprint => {}
        Applied::Replayed { .. } => {
            return Err(Error::Invalid("this Idempotency-Key was used for a different recharge".into()));
        }
    }
    Ok(true)
}

pub async fn log(app: &App, target: &AppRef, user_id: i64, query: PointLogQuery) -> Result<PointLog> {
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
    if !(1..=100).contains(&take) {
        return Err(Error::BadRequest(format!("`take` must be between 1 and 100 (got {take})")));
    }
    let mut conn = app.store.conn().await?;
    let (total, entries) = points::page(&mut conn, target.client.id, user_id, kind, skip, take).await?;
    let balance = points::balance(&mut conn, target.client.id, user_id).await?;
    let data = entries
        .into_iter()
        .map(|e| PointEntry {
            id: e.id,
            user_id: e.user_id,
            kind: e.kind,
            used: e.amount,
            balance: e.balance,
            remark: e.remark,
            credited_by: e.credited_by,
            create_date: date(e.created_at),
        })
        .collect();
    Ok(PointLog { total, balance, data })
}
