//! What Keyward does, free of HTTP and SQL: each module holds one concept and
//! reads and writes through the store.

pub mod address;
pub mod api_catalog;
pub mod api_resources;
pub mod api_scopes;
pub mod app_users;
pub mod at_rest;
pub mod authority;
pub mod blobs;
pub mod bootstrap;
pub mod clients;
pub mod codegen;
pub mod identity_resources;
pub mod list;
mod named_scopes;
pub mod oauth;
mod patch;
pub mod profiles;
pub mod registration;
pub mod roles;
pub mod secrets;
pub mod sign_up;
pub mod spring;
pub mod tenants;
pub mod user_access;
pub mod users;
mod validate;

use crate::store::{self, tenants::TenantRef};
use keyward_api::tenant::Property;

/// Who is calling an admin operation: the tenant the request addresses and
/// what the bearer token grants.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The tenant the request addresses (by Host header).
    pub tenant: TenantRef,
    /// The tenant that issued the caller's token: the addressed one, or the
    /// default tenant, whose admins administer every tenant (like Keycloak's
    /// master realm).
    pub home_tenant: i64,
    /// The client the bearer token was issued to.
    pub client_id: String,
    pub scopes: Vec<String>,
}

/// Whose account a call on one user acts on, by the operation's rule: the
/// bearer token's own user, or another user by an admin permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acting {
    Own(i64),
    Admin(i64),
}

impl Acting {
    /// The user acted on.
    pub fn user(self) -> i64 {
        match self {
            Acting::Own(id) | Acting::Admin(id) => id,
        }
    }
}

/// Custom properties, which several resources carry, to and from the store.
impl From<store::Property> for Property {
    fn from(p: store::Property) -> Property {
        Property { key: p.key, value: p.value }
    }
}

impl From<Property> for store::Property {
    fn from(p: Property) -> store::Property {
        store::Property { key: p.key, value: p.value }
    }
}
