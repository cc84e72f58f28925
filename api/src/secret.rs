//! Secrets of clients and API resources: made by the server, shown once,
//! listed only by their metadata.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A new secret.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecretCreate {
    pub description: Option<String>,
    /// When the secret stops working; default never.
    pub expiration: Option<DateTime<Utc>>,
}

/// A secret's metadata; the secret itself is shown only once, when made.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SecretInfo {
    pub id: i64,
    pub description: String,
    pub created: DateTime<Utc>,
    pub expiration: Option<DateTime<Utc>>,
}

/// A new secret: its id and value, shown this once.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct SecretCreated {
    pub id: i64,
    pub secret: String,
}

/// One secret of a client or API resource.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SecretPath {
    pub id: i64,
    pub secret_id: i64,
}
