//! What one replica tells the others went stale: the names of the
//! notifications a write publishes ([`super::Store::publish`]) and every
//! replica follows ([`crate::changes`]).

/// The PostgreSQL channel every replica listens on.
pub const CHANNEL: &str = "keyward_changes";
/// What went stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Tenants,
    /// Clients, their secrets and their end-user app settings.
    Clients,
    /// API resources and scopes.
    Catalog,
    SigningKeys,
    /// Revoked JWT access tokens.
    Revocations,
}

impl Change {
    pub const ALL: [Change; 5] =
        [Change::Tenants, Change::Clients, Change::Catalog, Change::SigningKeys, Change::Revocations];

    pub fn as_str(self) -> &'static str {
        match self {
            Change::Tenants => "tenants",
            Change::Clients => "clients",
            Change::Catalog => "catalog",
            Change::SigningKeys => "signing_keys",
            Change::Revocations => "revocations",
        }
    }

    pub fn parse(payload: &str) -> Option<Change> {
        Change::ALL.into_iter().find(|change| change.as_str() == payload)
    }
}
