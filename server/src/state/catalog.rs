//! What token issuance knows of a tenant's API resources, cached by
//! [`super::State::catalog`]; who may have which audience is decided in
//! [`crate::domain::oauth::audience`].

use keyward_api::oauth::SigningAlg;

/// An enabled API resource as token issuance sees it.
#[derive(Debug, Clone)]
pub struct Resource {
    /// The audience.
    pub name: String,
    pub scopes: Vec<String>,
    pub alg: Option<SigningAlg>,
}

impl Resource {
    pub fn contains(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

/// What token issuance needs to know of a tenant's API resources.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// The enabled resources.
    pub resources: Vec<Resource>,
    /// API scopes no token may carry (disabled, or only in disabled resources).
    pub withheld: Vec<String>,
}
