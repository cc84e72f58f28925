//! SDK generation (seed 001's `/api/CodeGen`): the generators Keyward can
//! run, generated code for a document or a stored revision, per-API npm,
//! GitHub and common options (tokens write-only), pushing an SDK to GitHub,
//! releasing one to npm, and the history of both.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Largest `POST /api/CodeGenerators/Gen` body: a document of up to 1 MiB
/// (the limit of a fetched one) given inline, as JSON text.
pub const GEN_BODY_MAX_BYTES: usize = 2 * 1024 * 1024;

/// Who made a generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum GeneratorEngine {
    /// Linked into Keyward: the Rust SDK (`rust`), always available.
    Progenitor,
    /// openapi-generator-cli, when the server is started with
    /// `--openapi-generator`.
    OpenapiGenerator,
}

/// A generator `Gen` accepts as `genName`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Generator {
    /// The `genName` that selects it, e.g. `rust`, `typescript-fetch`.
    pub name: String,
    pub engine: GeneratorEngine,
}

/// `fromCache`: whether a list read earlier may be answered.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GeneratorListQuery {
    /// Default when absent: true. False asks openapi-generator-cli again.
    #[serde(default, deserialize_with = "crate::query::optional")]
    pub from_cache: Option<bool>,
}

/// `POST /api/CodeGenerators/Gen`: code for a document.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GenRequest {
    /// A generator of `GET /api/CodeGenerators/Clients` or `/Servers`.
    pub gen_name: String,
    /// Where to fetch the OpenAPI document from, when `document` is absent.
    pub swagger_url: Option<String>,
    /// The OpenAPI document: a JSON object, or its JSON or YAML text.
    /// Takes precedence over `swaggerUrl`.
    pub document: Option<serde_json::Value>,
}

/// `POST /api/CodeGen/{id}/Gen`: code for one of the API's revisions.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GenStoredRequest {
    /// A generator of `GET /api/CodeGenerators/Clients` or `/Servers`.
    pub gen_name: String,
    /// Default when absent: the revision of the online version, else the
    /// newest revision.
    pub revision_id: Option<i64>,
}

/// How a generated file's `content` is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum FileEncoding {
    /// The file is UTF-8 text, as is.
    Utf8,
    /// The file is binary; `content` is its standard base64.
    Base64,
}

/// One file of generated code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GeneratedFile {
    /// Relative, `/`-separated, e.g. `src/lib.rs`.
    pub path: String,
    pub encoding: FileEncoding,
    pub content: String,
}

/// Generated code: every file of the SDK's project.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GeneratedSdk {
    pub gen_name: String,
    /// Sorted by path.
    pub files: Vec<GeneratedFile>,
}

/// The npm package flavours of seed 001 (`angular2` = 0, `jQuery` = 1), each
/// with its own options; generated with openapi-generator's
/// `typescript-angular` and `typescript-jquery`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum NpmLanguage {
    #[serde(rename = "angular2")]
    Angular2,
    #[serde(rename = "jQuery")]
    JQuery,
}

/// `{id}` and `{language}`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
pub struct NpmOptionsPath {
    pub id: i64,
    pub language: NpmLanguage,
}

/// An API's npm package settings for one language, as stored; the token is
/// never shown.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NpmOptions {
    pub name: String,
    pub sdk_name: String,
    pub version: String,
    pub homepage: String,
    pub author: Option<String>,
    pub keywords: Vec<String>,
    pub description: Option<String>,
    pub license: Option<String>,
    #[serde(rename = "README")]
    pub readme: Option<String>,
    /// Whether a publish token is stored.
    pub token_set: bool,
    pub updated: DateTime<Utc>,
}

/// An API's npm package settings for one language.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NpmOptionsBody {
    /// The npm package name, e.g. `@acme/pets`: lower case, up to 214
    /// characters, as npm requires.
    pub name: String,
    /// The name of the generated client class or module; 1 to 100 letters,
    /// digits and `_`, starting with a letter.
    pub sdk_name: String,
    /// A semantic version, e.g. `1.2.3`.
    pub version: String,
    /// An absolute http(s) URL.
    pub homepage: String,
    /// Up to 200 characters.
    pub author: Option<String>,
    /// Up to 20 keywords of 1 to 50 characters.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Up to 1000 characters.
    pub description: Option<String>,
    /// An SPDX identifier, up to 100 characters.
    pub license: Option<String>,
    /// The package's README (Markdown), up to 64 KiB.
    #[serde(rename = "README")]
    pub readme: Option<String>,
    /// The npm token `ReleaseSDK` publishes with: write-only, encrypted at
    /// rest. Default when absent: the stored token is kept; an empty string
    /// removes it.
    pub token: Option<String>,
}

/// An API's GitHub repository settings, as stored; the token is never shown.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GithubOptions {
    pub user_agent: Option<String>,
    pub owner: String,
    pub repo: String,
    /// The branch `SyncGithub` commits to; absent: the repository's default.
    pub branch: Option<String>,
    pub swagger_url: Option<String>,
    pub sync_labels: bool,
    pub sync_docs: bool,
    /// The generator `SyncGithub` runs.
    pub gen_name: String,
    /// Whether a token is stored.
    pub token_set: bool,
    pub updated: DateTime<Utc>,
}

/// An API's GitHub repository settings.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GithubOptionsBody {
    /// The `User-Agent` of the calls to GitHub; up to 200 characters.
    /// Default when absent: `Keyward`.
    pub user_agent: Option<String>,
    /// The repository's owner (user or organisation): 1 to 39 letters,
    /// digits and `-`.
    pub owner: String,
    /// The repository's name: 1 to 100 letters, digits, `-`, `_` and `.`.
    pub repo: String,
    /// The branch to commit to, which must exist. Default when absent: the
    /// repository's default branch.
    pub branch: Option<String>,
    /// Where `SyncGithub` fetches the document. Default when absent: the
    /// common options' `swaggerUrl`, else the online version's revision,
    /// else the newest revision.
    pub swagger_url: Option<String>,
    /// Whether `SyncGithub` creates an issue label for each tag of the
    /// document. Default when absent: false.
    #[serde(default)]
    pub sync_labels: bool,
    /// Whether `SyncGithub` also commits the generated documentation
    /// (`README.md` and `docs/`). Default when absent: false.
    #[serde(default)]
    pub sync_docs: bool,
    /// The generator `SyncGithub` runs. Default when absent: `rust`.
    pub gen_name: Option<String>,
    /// A GitHub token allowed to write the repository's contents (and
    /// issues, for labels): write-only, encrypted at rest. Default when
    /// absent: the stored token is kept; an empty string removes it.
    pub token: Option<String>,
}

/// An API's common code generation settings.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CommonOptions {
    /// Where code generation fetches the API's document when nothing more
    /// specific is set; absent: its stored revisions.
    pub swagger_url: Option<String>,
}

/// What `SyncGithub` did.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GithubSync {
    /// `owner/repo`.
    pub repository: String,
    pub branch: String,
    /// The SHA of the commit made.
    pub commit: String,
    /// How many files the commit wrote.
    pub files: usize,
    /// The labels created (existing ones are left alone).
    pub labels_created: Vec<String>,
}

/// The package registries of seed 001's `ReleaseSDK` (`npm` = 0, `nuget` =
/// 1, `gradle` = 2, `spm` = 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum SdkPlatform {
    Npm,
    Nuget,
    Gradle,
    Spm,
}

/// `POST /api/CodeGenerators/ReleaseSDK`: generate and publish a package.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SdkReleaseRequest {
    /// Only `npm` is supported; the others answer 501.
    pub platform: SdkPlatform,
    /// Whose npm options (package name, version, token) are used.
    pub language: NpmLanguage,
    /// The API resource.
    pub api_id: i64,
    /// Where to fetch the document. Default when absent: as for
    /// `SyncGithub`, without the GitHub options.
    pub swagger_url: Option<String>,
    /// Comma-separated tags recorded in the history; up to 200 characters.
    pub tags: Option<String>,
}

/// What a history entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum HistoryKind {
    /// Code generated with `POST /api/CodeGen/{id}/Gen`.
    Generate,
    /// A push with `SyncGithub`.
    Sync,
    /// A package published with `ReleaseSDK`.
    Release,
    /// Recorded by a caller with `PostHistory`.
    Posted,
}

/// One generation or release of an API's SDK.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CodegenHistory {
    pub id: i64,
    pub kind: HistoryKind,
    pub sdk_name: String,
    /// Where the document came from: a URL, or `revision:<id>`.
    pub swagger_url: String,
    pub version: String,
    pub tags: String,
    /// The generator, or the npm language.
    pub language: String,
    pub release_date: DateTime<Utc>,
}

/// `PostHistory`: a release made elsewhere.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CodegenHistoryCreate {
    /// 1 to 200 characters.
    pub sdk_name: String,
    /// Up to 2000 characters.
    #[serde(default)]
    pub swagger_url: String,
    /// 1 to 100 characters.
    pub version: String,
    /// Up to 200 characters.
    #[serde(default)]
    pub tags: String,
    /// 1 to 50 characters.
    pub language: String,
    /// Default when absent: now.
    pub release_date: Option<DateTime<Utc>>,
}
