//! Identity resources (OpenID Connect scopes that release user claims),
//! shaped like IdentityServer4's `IdentityResource` (contract §3.4). Every
//! tenant starts with `openid`, `profile`, `email` and `phone`.

use crate::tenant::Property;
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A user claim the scope releases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct IdentityResourceClaim {
    /// A standard claim (`name`, `email`, `phone_number`, …) or the type of one
    /// of the user's own claims.
    #[serde(rename = "type")]
    pub claim_type: String,
}

/// An identity resource as stored.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IdentityResource {
    pub id: i64,
    /// The scope name, unique in the tenant.
    pub name: String,
    pub display_name: String,
    /// What the consent page says the scope allows.
    pub description: String,
    /// Disabled scopes release no claims and are not in discovery.
    pub enabled: bool,
    /// Marked as required on the consent page.
    pub required: bool,
    /// Emphasised on the consent page.
    pub emphasize: bool,
    pub show_in_discovery_document: bool,
    pub user_claims: Vec<IdentityResourceClaim>,
    pub properties: Vec<Property>,
    /// True for `openid`, which cannot be changed or deleted.
    pub non_editable: bool,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

/// Fields of a new identity resource.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IdentityResourceCreate {
    /// 1 to 200 characters without spaces; unique in the tenant.
    pub name: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
    /// Default true.
    pub enabled: Option<bool>,
    /// Default false.
    pub required: Option<bool>,
    /// Default false.
    pub emphasize: Option<bool>,
    /// Default true.
    pub show_in_discovery_document: Option<bool>,
    #[serde(default)]
    pub user_claims: Vec<IdentityResourceClaim>,
    #[serde(default)]
    pub properties: Vec<Property>,
}

/// Changes to an identity resource: each field present replaces the stored value.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IdentityResourceUpdate {
    pub name: Option<String>,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub enabled: Option<bool>,
    pub required: Option<bool>,
    pub emphasize: Option<bool>,
    pub show_in_discovery_document: Option<bool>,
    pub user_claims: Option<Vec<IdentityResourceClaim>>,
    pub properties: Option<Vec<Property>>,
}

crate::list_query! {
    /// Filters of the identity resource list.
    IdentityResourceListQuery {
        /// Exact scope name.
        #[serde(rename = "q.Name")]
        name: Option<String>,
    }
}
