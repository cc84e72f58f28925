//! OAuthApp's admin response envelopes (reference contract §3.1), kept so that
//! existing admin clients read Keyward's answers unchanged.

use dropshot::HttpResponseCreated;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A single result: `{code, codeName, message, data}`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiResult<T> {
    /// Equals the HTTP status: 200 on success, 201 for a create.
    pub code: i64,
    /// `Status200OK` on success, `Status201Created` for a create.
    pub code_name: String,
    /// Empty on success.
    pub message: String,
    pub data: T,
}

impl<T> ApiResult<T> {
    pub fn ok(data: T) -> Self {
        ApiResult { code: 200, code_name: "Status200OK".into(), message: String::new(), data }
    }
}

impl<T: JsonSchema + Serialize + Send + Sync + 'static> ApiResult<T> {
    /// The 201 answer to a create, its body's `code` saying 201 too.
    pub fn created(data: T) -> HttpResponseCreated<Self> {
        HttpResponseCreated(ApiResult { code: 201, code_name: "Status201Created".into(), message: String::new(), data })
    }
}

/// A page of a list: `{code, codeName, message, total, skip, take, data}`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Paged<T> {
    pub code: i64,
    pub code_name: String,
    pub message: String,
    /// Number of rows matching the filters, ignoring `skip` and `take`.
    pub total: i64,
    pub skip: i64,
    pub take: i64,
    pub data: Vec<T>,
}

impl<T> Paged<T> {
    pub fn ok(total: i64, skip: i64, take: i64, data: Vec<T>) -> Self {
        Paged { code: 200, code_name: "Status200OK".into(), message: String::new(), total, skip, take, data }
    }
}
