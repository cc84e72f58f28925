//! API scopes: the permissions a protected API defines (`invoices.read`),
//! shaped like IdentityServer4's `ApiScope` (contract §3.4). Clients are
//! allowed them; API resources group them under an audience.

use crate::tenant::Property;
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A user claim released to the API (at introspection) when the scope is granted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ApiUserClaim {
    #[serde(rename = "type")]
    pub claim_type: String,
}

/// An API scope as stored.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiScope {
    pub id: i64,
    /// The scope name, unique in the tenant.
    pub name: String,
    pub display_name: String,
    /// What the consent page says the scope allows.
    pub description: String,
    /// Only enabled scopes are offered to the token endpoint.
    pub enabled: bool,
    /// Marked as required on the consent page.
    pub required: bool,
    /// Emphasised on the consent page.
    pub emphasize: bool,
    pub show_in_discovery_document: bool,
    pub user_claims: Vec<ApiUserClaim>,
    pub properties: Vec<Property>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

/// Fields of a new API scope.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiScopeCreate {
    /// 1 to 200 characters without spaces; unique in the tenant; not a Keyward
    /// permission (`isms.…`, `oauthapp.…`) and not an identity resource's name.
    pub name: String,
    /// Default: the name.
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
    pub user_claims: Vec<ApiUserClaim>,
    #[serde(default)]
    pub properties: Vec<Property>,
}

/// Changes to an API scope: each field present replaces the stored value.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiScopeUpdate {
    /// A scope that clients or API resources name cannot be renamed (409).
    pub name: Option<String>,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub enabled: Option<bool>,
    pub required: Option<bool>,
    pub emphasize: Option<bool>,
    pub show_in_discovery_document: Option<bool>,
    pub user_claims: Option<Vec<ApiUserClaim>>,
    pub properties: Option<Vec<Property>>,
}

crate::list_query! {
    /// Filters of the API scope list.
    ApiScopeListQuery {
        /// Exact scope name.
        #[serde(rename = "q.name")]
        name: Option<String>,
        /// List rows carry their properties only when true (default false).
        #[serde(rename = "q.expandProperties")]
        expand_properties: Option<bool>,
        /// List rows carry their user claims only when true (default false).
        #[serde(rename = "q.expandClaims")]
        expand_claims: Option<bool>,
    }
}
