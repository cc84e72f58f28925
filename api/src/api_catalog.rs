//! The API catalog of seed 001 (OAuthApp's API gateway operations, kept by
//! Keyward itself): each API resource's OpenAPI documents as numbered
//! revisions that are never overwritten, versions naming revisions (one
//! online), the last publish configuration, release notes per revision,
//! e-mail subscribers with double opt-in, SDK packages, and the tenant's
//! product groups and authorization servers.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `PUT /api/ApiResource/{id}/Publish`: imports a document as a new revision
/// and keeps these settings as the API's publish configuration.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiPublish {
    /// Display name on the gateway; up to 200 characters.
    pub name: Option<String>,
    /// Up to 1000 characters.
    pub description: Option<String>,
    /// The gateway's identifier of the API (the seed's APIM id); up to 200
    /// characters.
    pub api_id: Option<String>,
    /// The URL path suffix the API is published under; up to 200 characters.
    pub suffix: Option<String>,
    /// Where to fetch the OpenAPI document from, when `document` is absent.
    pub swagger_url: Option<String>,
    /// The product groups (`/api/ApiGateway/Products`) the API joins.
    #[serde(default)]
    pub product_ids: Vec<i64>,
    /// The authorization server protecting the API: the id of one of
    /// `/api/ApiGateway/AuthServers`.
    pub authorization_server_id: Option<i64>,
    /// Scope the gateway requires; up to 1000 characters.
    pub scope: Option<String>,
    /// OpenID Connect provider setting; up to 1000 characters.
    pub openid: Option<String>,
    /// Gateway policy text; up to 64 KiB.
    pub policy: Option<String>,
    /// The OpenAPI 3.x document itself: a JSON object, or its JSON or YAML
    /// text. Takes precedence over `swaggerUrl`.
    pub document: Option<serde_json::Value>,
}

/// The settings of the last publish, as stored.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiPublishConfiguration {
    pub name: Option<String>,
    pub description: Option<String>,
    pub api_id: Option<String>,
    pub suffix: Option<String>,
    pub swagger_url: Option<String>,
    pub product_ids: Vec<i64>,
    pub authorization_server_id: Option<i64>,
    pub scope: Option<String>,
    pub openid: Option<String>,
    pub policy: Option<String>,
    /// The revision that publish stored.
    pub revision_id: i64,
    pub updated: DateTime<Utc>,
}

/// `POST /api/ApiResource/{id}/PublishRevision`: a new revision.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiRevisionCreate {
    /// Accepted for the seed's clients; the path names the API.
    pub api_id: Option<String>,
    /// Where to fetch the OpenAPI document from, when `document` is absent.
    pub swagger_url: Option<String>,
    /// When given, the revision's first release note.
    pub release_note: Option<String>,
    /// The OpenAPI 3.x document: a JSON object, or its JSON or YAML text.
    pub document: Option<serde_json::Value>,
}

/// A stored revision (without its document).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiRevision {
    pub id: i64,
    /// 1, 2, … per API, in the order revisions were stored.
    pub number: i64,
    /// The URL the document was fetched from, if it was.
    pub source_url: Option<String>,
    /// The version naming this revision, if one does.
    pub version: Option<String>,
    /// Whether that version is the API's online one.
    pub online: bool,
    pub created: DateTime<Utc>,
}

/// `POST /api/ApiResource/{id}/PublishVersion`: names a revision.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiVersionCreate {
    pub revision_id: i64,
    /// 1 to 100 characters without spaces, unique per API.
    pub api_version_name: String,
}

/// `{id}` and `{revisionId}`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RevisionPath {
    pub id: i64,
    pub revision_id: i64,
}

/// An authorization server of the tenant: its issuer and discovery document.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthServer {
    /// The tenant's id.
    pub id: i64,
    pub name: String,
    pub issuer: String,
    pub discovery_url: String,
}

/// A product group: a named set of the tenant's APIs.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiProduct {
    pub id: i64,
    pub name: String,
    pub description: String,
    /// Ids of the API resources in the group.
    pub api_ids: Vec<i64>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

/// A new product group, or all of one's fields.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiProductBody {
    /// 1 to 200 characters, unique in the tenant.
    pub name: String,
    /// Up to 1000 characters.
    #[serde(default)]
    pub description: String,
    /// API resources of the tenant.
    #[serde(default)]
    pub api_ids: Vec<i64>,
}

/// `{productId}`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProductPath {
    pub product_id: i64,
}

/// Release notes of a revision.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiRelease {
    pub id: i64,
    /// The revision's id (the seed's `aid`).
    pub aid: i64,
    pub notes: String,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

/// New release notes.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiReleaseCreate {
    /// A revision of this API.
    pub aid: i64,
    /// 1 to 64 Ki characters.
    pub notes: String,
}

/// Changed release notes.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiReleaseUpdate {
    /// 1 to 64 Ki characters.
    pub notes: String,
}

/// Filter of the release list.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct ApiReleaseQuery {
    /// Only the notes of this revision.
    #[serde(default, deserialize_with = "crate::query::optional")]
    pub aid: Option<i64>,
}

/// `{id}` and `{releaseId}`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReleasePath {
    pub id: i64,
    pub release_id: i64,
}

/// A confirmed subscriber of an API's releases.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiSubscriber {
    pub id: i64,
    pub email: String,
    pub created: DateTime<Utc>,
}

/// Whom to send a subscription confirmation to.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionEmail {
    pub email: String,
}

/// The signed code of a subscription link.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct SubscriptionCode {
    pub code: String,
}

/// An SDK package of an API, shown in its package market.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiPackage {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub publisher: String,
    pub link: String,
    pub icon: String,
    pub package_platform: String,
    pub language: String,
    pub show_index: bool,
    pub tags: Vec<String>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

/// A new package, or all of one's fields.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiPackageBody {
    /// 1 to 200 characters.
    pub name: String,
    /// Up to 1000 characters.
    #[serde(default)]
    pub description: String,
    /// 1 to 200 characters.
    pub publisher: String,
    /// An absolute http(s) URL: where the package is published.
    pub link: String,
    /// An absolute http(s) URL of its icon.
    pub icon: String,
    /// `npm`, `nuget`, `gradle`, `spm`, … : 1 to 50 characters.
    pub package_platform: String,
    /// 1 to 50 characters.
    pub language: String,
    /// Whether the package is shown on the index page; default false.
    #[serde(default)]
    pub show_index: bool,
    /// Up to 20 tags of 1 to 50 characters.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// `{id}` and `{packageId}`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PackagePath {
    pub id: i64,
    pub package_id: i64,
}
