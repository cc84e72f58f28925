//! Secrets of clients and API resources: made by the server and shown
//! once, or imported (a client that already has a secret elsewhere keeps
//! it); listed only by their metadata.

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
    /// The secret itself, to import one the client already uses elsewhere
    /// (seed 004's Spring clients keep their `client_secret`): 8 to 1024
    /// characters, no control characters. Stored as its SHA-256 digest like
    /// a generated one and never shown again. Default: a generated 256-bit
    /// secret.
    pub value: Option<String>,
    /// Accept a `value` shorter than 8 characters (seed 004's `YunQue`). Such
    /// a secret is guessable: it is marked `weak`, and its client
    /// `hasWeakSecret`. Default false.
    pub allow_weak_secret: Option<bool>,
}

/// A secret's metadata; the secret itself is shown only once, when made.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SecretInfo {
    pub id: i64,
    pub description: String,
    pub created: DateTime<Utc>,
    pub expiration: Option<DateTime<Utc>>,
    /// Imported shorter than 8 characters under `allowWeakSecret`: replace
    /// it when the client can take a strong one.
    pub weak: bool,
}

/// A new secret: its id and, when the server generated it, its value —
/// shown this once.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct SecretCreated {
    pub id: i64,
    /// The generated secret; null for an imported `value`, which is never
    /// echoed.
    pub secret: Option<String>,
}

/// One secret of a client or API resource.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SecretPath {
    pub id: i64,
    pub secret_id: i64,
}
