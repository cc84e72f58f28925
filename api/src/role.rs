//! Roles: named sets of permissions granted to users.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A role as stored.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Role {
    pub id: i64,
    pub name: String,
    /// Permission names, e.g. `isms.user.get` or the wildcard `isms.user.all`.
    pub permissions: Vec<String>,
    pub create_date: DateTime<Utc>,
    pub last_update_time: DateTime<Utc>,
}

/// Fields of a new role.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RoleCreate {
    /// 1 to 256 characters; unique in the tenant, ignoring case.
    pub name: String,
    #[serde(default)]
    pub permissions: Vec<String>,
}

/// Changes to a role: each field present replaces the stored value.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RoleUpdate {
    pub name: Option<String>,
    pub permissions: Option<Vec<String>>,
}

crate::list_query! {
    /// Filters of the role list.
    RoleListQuery {
        /// Only roles whose name contains this text (case-insensitive).
        #[serde(rename = "q.name")]
        name: Option<String>,
    }
}
