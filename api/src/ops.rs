//! Wire types of the operations endpoints.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A health answer.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Health {
    /// `ok`, or what is wrong.
    pub status: String,
}

/// An asset of the API reference page: `/docs/{version}/{file}`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct DocsAssetPath {
    /// The bundled Swagger UI release, e.g. `5.35.0`; any other is a 404.
    pub version: String,
    /// `swagger-ui-bundle.js` or `swagger-ui.css`.
    pub file: String,
}
