//! Turns OAuthApp's list parameters into a store page and date filter.

use crate::error::{Error, Result};
use crate::store::{Arg, Filter, Page};
use keyward_api::list::{ListParams, MAX_TAKE};

/// The page described by `params`; `sortable` maps wire field names
/// (matched case-insensitively) to columns.
pub fn page(params: &ListParams, sortable: &[(&str, &'static str)]) -> Result<Page> {
    let order_column = match params.orderby.as_deref().filter(|o| !o.is_empty()) {
        None => "id",
        Some(name) => {
            sortable.iter().find(|(wire, _)| wire.eq_ignore_ascii_case(name)).map(|(_, c)| *c).ok_or_else(|| {
                let names: Vec<&str> = sortable.iter().map(|(wire, _)| *wire).collect();
                Error::BadRequest(format!("orderby must be one of: {}", names.join(", ")))
            })?
        }
    };
    let take = params.take.unwrap_or(10);
    if take == 0 || take > MAX_TAKE {
        return Err(Error::BadRequest(format!("take must be between 1 and {MAX_TAKE}")));
    }
    Ok(Page {
        order_column,
        ascending: params.asc.unwrap_or(false),
        skip: params.skip.unwrap_or(0) as i64,
        take: take as i64,
    })
}

/// Adds the inclusive creation-day range of `params` to `filter`.
pub fn created_between(mut filter: Filter, params: &ListParams) -> Result<Filter> {
    let day_start =
        |day: chrono::NaiveDate| day.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc().timestamp_millis();
    if let (Some(start), Some(end)) = (params.start_time, params.end_time)
        && start > end
    {
        return Err(Error::BadRequest("startTime must not be after endTime".into()));
    }
    if let Some(start) = params.start_time {
        filter = filter.and("created_at >= ?", Arg::Int(day_start(start)));
    }
    if let Some(end) = params.end_time {
        let next = end.succ_opt().ok_or_else(|| Error::BadRequest("endTime is out of range".into()))?;
        filter = filter.and("created_at < ?", Arg::Int(day_start(next)));
    }
    Ok(filter)
}
