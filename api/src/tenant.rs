//! Tenants (contract §3.4 `AppTenant`): an isolated set of clients, users and
//! roles, selected by the request's Host header.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A host name that selects a tenant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TenantHost {
    /// `host` or `host:port`, as sent in the Host header; unique across tenants.
    pub host_name: String,
}

/// A claim every token of the tenant carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TenantClaim {
    pub claim_type: String,
    pub claim_value: String,
}

/// A free-form setting. Named `CustomProperty` in the document: a bare
/// `Property` clashes with names generators reserve (Python's becomes
/// `ModelProperty`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "CustomProperty")]
pub struct Property {
    pub key: String,
    pub value: String,
}

/// A tenant as stored.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Tenant {
    pub id: i64,
    pub name: String,
    /// 0 created, 1 enabled, 2 disabled.
    pub status: i32,
    pub theme: String,
    /// The tenant's issuer (`iss` of its tokens; its discovery document is at
    /// `{issuer}/.well-known/openid-configuration`). The default tenant's is
    /// the server's `--issuer`. Null only for a tenant with no host yet.
    pub identity_server_issuer_uri: Option<String>,
    pub hosts: Vec<TenantHost>,
    pub claims: Vec<TenantClaim>,
    pub properties: Vec<Property>,
    pub create_date: DateTime<Utc>,
    pub last_update_time: DateTime<Utc>,
}

/// Fields of a new tenant.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TenantCreate {
    /// 1 to 200 characters.
    pub name: String,
    /// 0 created, 1 enabled (default), 2 disabled.
    #[serde(default)]
    pub status: Option<i32>,
    #[serde(default)]
    pub theme: Option<String>,
    /// The tenant's issuer URL: `https://…`, or `http://` on a loopback host
    /// (`localhost`, `127.0.0.1`, `[::1]`), without query or fragment; unique
    /// across tenants; its host must be one of `hosts`. Default
    /// `https://<first host>` (`http://` for a loopback host). Only callers
    /// from the default tenant may set it.
    #[serde(default)]
    pub identity_server_issuer_uri: Option<String>,
    /// Only callers from the default tenant may set hosts; no host may belong
    /// to another tenant or be the default tenant's issuer host.
    #[serde(default)]
    pub hosts: Vec<TenantHost>,
    #[serde(default)]
    pub claims: Vec<TenantClaim>,
    #[serde(default)]
    pub properties: Vec<Property>,
}

/// Changes to a tenant: each field present replaces the stored value.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TenantUpdate {
    pub name: Option<String>,
    pub status: Option<i32>,
    pub theme: Option<String>,
    /// Only callers from the default tenant may change it; the default
    /// tenant's issuer is set by `--issuer` only.
    pub identity_server_issuer_uri: Option<String>,
    /// Only callers from the default tenant may change them.
    pub hosts: Option<Vec<TenantHost>>,
    pub claims: Option<Vec<TenantClaim>>,
    pub properties: Option<Vec<Property>>,
}

crate::list_query! {
    /// Filters of the tenant list.
    TenantListQuery {
        /// Only the tenant serving this host name.
        #[serde(rename = "q.Host")]
        host: Option<String>,
        /// Only tenants whose name contains this text (case-insensitive).
        #[serde(rename = "q.Name")]
        name: Option<String>,
    }
}

/// What anyone may read about a tenant: its name and its public profile,
/// never its hosts, issuer settings, claims or other properties (which may
/// hold secrets such as external providers' client secrets).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TenantPublic {
    pub id: i64,
    pub name: String,
    pub theme: String,
    /// The tenant's `Description` property, if set.
    pub description: Option<String>,
    /// The tenant's `Logo` property (an image URL), else its `Favicon`, if set.
    pub logo: Option<String>,
    /// The tenant's `WebSite` property, if set.
    pub web_site: Option<String>,
}
