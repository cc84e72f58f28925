//! What API scopes and identity resources share: both are scope names a
//! client may ask for, with the same fields, list and checks. Each module
//! adds only what is its own (an API scope is no Keyward permission and
//! cannot be renamed or deleted while named; the `openid` identity resource
//! is fixed), and each refuses a name the other kind has.

use super::{Caller, list, validate};
use crate::error::Result;
use crate::store::{Arg, Filter, Page};
use keyward_api::list::ListParams;
use keyward_api::tenant::Property;

const SORTABLE: &[(&str, &str)] =
    &[("id", "id"), ("name", "name"), ("created", "created_at"), ("updated", "updated_at")];

/// The page and filter of a list: the caller's tenant, created within the
/// query's days, and named `name` exactly where one is given.
pub fn query(caller: &Caller, params: &ListParams, name: Option<String>) -> Result<(Page, Filter)> {
    let page = list::page(params, SORTABLE)?;
    let mut filter = list::created_between(Filter::default().and("tenant_id = ?", Arg::Int(caller.tenant.id)), params)?;
    if let Some(name) = name.filter(|n| !n.is_empty()) {
        filter = filter.and("name = ?", Arg::Text(name));
    }
    Ok((page, filter))
}

/// The checks of the fields after the name (whose rules differ by kind).
pub fn check_details<'a>(
    display_name: &str,
    description: &str,
    claims: impl Iterator<Item = &'a str> + Clone,
    properties: &[Property],
) -> Result<()> {
    validate::length("displayName", display_name, 0, 200)?;
    validate::length("description", description, 0, 1000)?;
    for claim in claims.clone() {
        validate::token("userClaims[].type", claim, 200)?;
    }
    validate::distinct("userClaims", claims)?;
    for p in properties {
        validate::length("properties[].key", &p.key, 1, 200)?;
    }
    Ok(())
}
