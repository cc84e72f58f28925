//! Seed 000 ("oauth2-server"): access profiles, and the paths of its client,
//! user and profile operations.
//!
//! A profile is a named set of clients; users hold profiles. A client with
//! `requireProfile` issues tokens only to users holding a profile that
//! contains it.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An access profile as stored.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccessProfile {
    pub id: i64,
    /// Unique in the tenant, ignoring case.
    pub name: String,
    pub description: String,
    /// The `clientId`s of the clients it contains.
    pub clients: Vec<String>,
    /// The ids of the users holding it.
    pub users: Vec<i64>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

/// Fields of a new access profile.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccessProfileCreate {
    /// 1 to 200 characters; unique in the tenant, ignoring case.
    pub name: String,
    pub description: Option<String>,
    /// `clientId`s of clients of the tenant it contains.
    #[serde(default)]
    pub clients: Vec<String>,
    /// Ids of users of the tenant who hold it.
    #[serde(default)]
    pub users: Vec<i64>,
}

/// Changes to an access profile: each field present replaces the stored
/// value (`clients` and `users` replace the whole list).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccessProfileUpdate {
    pub name: Option<String>,
    pub description: Option<String>,
    /// `clientId`s of clients of the tenant it contains.
    pub clients: Option<Vec<String>>,
    /// Ids of users of the tenant who hold it.
    pub users: Option<Vec<i64>>,
}

crate::list_query! {
    /// Filters of the access profile list.
    AccessProfileListQuery {
        /// Only profiles whose name contains this text (case-insensitive).
        #[serde(rename = "q.name")]
        name: Option<String>,
    }
}

/// The literal `create`: dropshot cannot serve `/client/create` beside
/// `/client/{id}` (nor `/user/create`, `/profile/create` beside theirs), so
/// the seed's create operations take `{id}` and accept only this value.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
pub enum CreateLiteral {
    #[serde(rename = "create")]
    Create,
}

/// The path of seed 000's create operations: `/client/create`,
/// `/user/create`, `/profile/create`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
pub struct CreatePath {
    pub id: CreateLiteral,
}

/// A client by its `clientId` (seed 000's `/client/{id}`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ClientIdPath {
    /// The client's `clientId`, the id it authenticates with.
    pub id: String,
}
