//! API resources: the APIs a tenant protects, shaped like IdentityServer4's
//! `ApiResource` (contract §3.4). A resource's name is the audience (`aud`)
//! of the access tokens for it; it groups API scopes and holds the secrets
//! the API uses to introspect tokens.

use crate::api_scope::ApiUserClaim;
use crate::oauth::SigningAlg;
use crate::tenant::Property;
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An API scope the resource contains, by name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ApiResourceScope {
    pub scope: String,
}

/// An API resource as stored.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiResource {
    pub id: i64,
    /// The audience of tokens for this API: a URI (`https://billing.example.com`)
    /// or an identifier (`billing`), unique in the tenant.
    pub name: String,
    pub display_name: String,
    pub description: String,
    /// Only enabled resources are offered to the token endpoint and can
    /// authenticate with their secrets.
    pub enabled: bool,
    pub show_in_discovery_document: bool,
    /// The one algorithm access tokens for this API must be signed with;
    /// null lets the tenant choose. (The plural name is the seed's.)
    pub allowed_access_token_signing_algorithms: Option<SigningAlg>,
    /// Names of the tenant's API scopes that this resource contains.
    pub scopes: Vec<ApiResourceScope>,
    /// Claims released to the API by introspection.
    pub user_claims: Vec<ApiUserClaim>,
    pub properties: Vec<Property>,
    /// Secrets the API authenticates with; never their values.
    pub secrets: Vec<crate::secret::SecretInfo>,
    pub non_editable: bool,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

/// Fields of a new API resource.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiResourceCreate {
    /// 1 to 200 characters without spaces; unique in the tenant.
    pub name: String,
    /// Default: the name.
    pub display_name: Option<String>,
    /// Up to 1000 characters.
    pub description: Option<String>,
    /// Default true.
    pub enabled: Option<bool>,
    /// Default true.
    pub show_in_discovery_document: Option<bool>,
    /// Default null (the tenant's choice).
    pub allowed_access_token_signing_algorithms: Option<SigningAlg>,
    /// Each must name an API scope of the tenant.
    #[serde(default)]
    pub scopes: Vec<ApiResourceScope>,
    #[serde(default)]
    pub user_claims: Vec<ApiUserClaim>,
    #[serde(default)]
    pub properties: Vec<Property>,
}

/// Changes to an API resource: each field present replaces the stored value.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiResourceUpdate {
    pub name: Option<String>,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub enabled: Option<bool>,
    pub show_in_discovery_document: Option<bool>,
    /// Replaces the stored algorithm; absent or null keeps it (an update
    /// cannot return it to null).
    pub allowed_access_token_signing_algorithms: Option<SigningAlg>,
    /// Replaces the whole list; each must name an API scope of the tenant.
    pub scopes: Option<Vec<ApiResourceScope>>,
    pub user_claims: Option<Vec<ApiUserClaim>>,
    pub properties: Option<Vec<Property>>,
}

/// What creating (or importing) an API resource returns: its id and its
/// first secret — shown this once and never again.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ApiResourceCreated {
    pub id: i64,
    pub secret: String,
}

/// The literal `Import`: dropshot cannot serve `/api/ApiResource/Import`
/// beside `/api/ApiResource/{id}`, so the import takes `{id}` and accepts
/// only this value there.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
pub enum ImportLiteral {
    Import,
}

/// The path of the import operation.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
pub struct ApiResourceImportPath {
    pub id: ImportLiteral,
}

/// Options of an import.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct ApiResourceImportQuery {
    /// The resource name; default the document's first absolute
    /// `servers[].url`, else its `info.title`.
    #[serde(default, deserialize_with = "crate::query::optional")]
    pub name: Option<String>,
}

crate::list_query! {
    /// Filters of the API resource list.
    ApiResourceListQuery {
        /// Exact name.
        #[serde(rename = "q.name")]
        name: Option<String>,
        /// List rows carry their scopes only when true (default false).
        #[serde(rename = "q.expandScopes")]
        expand_scopes: Option<bool>,
        /// List rows carry their user claims only when true (default false).
        #[serde(rename = "q.expandClaims")]
        expand_claims: Option<bool>,
    }
}
