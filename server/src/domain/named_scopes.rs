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

/// The conversions between a stored [`crate::store::named_scopes::ScopeRow`]
/// and a kind's wire type: the same fields but for the name of the claim
/// type and whether `non_editable` is on the wire. A write's row leaves the
/// times to the store.
macro_rules! wire_conversions {
    ($wire:ident, $claim:ident $(, $non_editable:ident)?) => {
        impl From<$crate::store::named_scopes::ScopeRow> for $wire {
            fn from(row: $crate::store::named_scopes::ScopeRow) -> $wire {
                $wire {
                    id: row.id,
                    name: row.name,
                    display_name: row.display_name,
                    description: row.description,
                    enabled: row.enabled,
                    required: row.required,
                    emphasize: row.emphasize,
                    show_in_discovery_document: row.show_in_discovery,
                    user_claims: row.user_claims.into_iter().map(|claim_type| $claim { claim_type }).collect(),
                    properties: row.properties.into_iter().map(Into::into).collect(),
                    $($non_editable: row.non_editable,)?
                    created: $crate::store::to_time(row.created_at),
                    updated: $crate::store::to_time(row.updated_at),
                }
            }
        }

        impl From<$wire> for $crate::store::named_scopes::ScopeRow {
            fn from(item: $wire) -> $crate::store::named_scopes::ScopeRow {
                $crate::store::named_scopes::ScopeRow {
                    id: item.id,
                    name: item.name,
                    display_name: item.display_name,
                    description: item.description,
                    enabled: item.enabled,
                    required: item.required,
                    emphasize: item.emphasize,
                    show_in_discovery: item.show_in_discovery_document,
                    user_claims: item.user_claims.into_iter().map(|c| c.claim_type).collect(),
                    properties: item.properties.into_iter().map(Into::into).collect(),
                    non_editable: false $(|| item.$non_editable)?,
                    created_at: 0,
                    updated_at: 0,
                }
            }
        }
    };
}

pub(crate) use wire_conversions;
