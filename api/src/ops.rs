//! Wire types of the operations endpoints.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A health answer.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Health {
    /// `ok`, or what is wrong.
    pub status: String,
}
