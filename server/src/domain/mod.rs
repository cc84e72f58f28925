//! What Keyward does, free of HTTP and SQL: each module holds one concept and
//! reads and writes through the store.

pub mod bootstrap;
pub mod clients;
pub mod list;
pub mod roles;
pub mod tenants;
pub mod tokens;
pub mod users;
mod validate;

use crate::store::tenants::TenantRef;

/// Who is calling an admin operation: the tenant the request addresses and
/// what the bearer token grants.
#[derive(Debug, Clone)]
pub struct Caller {
    pub tenant: TenantRef,
    pub client_id: String,
    pub scopes: Vec<String>,
}
