//! SDK generation (seed 001's CodeGen): code for a document or a stored
//! revision, pushing it to GitHub, releasing it to npm, and the history of
//! each. The generators themselves run in [`crate::codegen`].

pub mod options;

use super::Caller;
use super::api_catalog::{document_of, ensure_api};
use super::validate;
use crate::codegen::{Kind, github, npm};
use crate::error::{Error, Result};
use crate::state::State;
use crate::store::codegen::{self as store, HistoryRow};
use crate::store::{Conn, api_catalog, throttle, to_time};
use keyward_api::codegen::{
    CodegenHistory, CodegenHistoryCreate, CommonOptions, GenRequest, GenStoredRequest, GeneratedFile, GeneratedSdk,
    Generator, GithubOptionsBody, GithubSync, HistoryKind, NpmLanguage, NpmOptionsBody, SdkPlatform, SdkReleaseRequest,
};
use keyward_api::error_codes::BusinessCode;
use options::{COMMON, DEFAULT_GEN_NAME, GITHUB, npm_kind};
use serde_json::{Value, json};
use std::net::IpAddr;
use std::time::Duration;

const DEFAULT_GITHUB_API: &str = "https://api.github.com";
const DEFAULT_NPM_REGISTRY: &str = "https://registry.npmjs.org";
/// The generators anonymous callers may use (with `--codegen-anonymous`),
/// reviewed for what they make of a document's names: they write files
/// named from cleaned identifiers only. Others need a token.
pub const ANONYMOUS_GENERATORS: &[&str] = &["rust", "typescript-fetch", "typescript-axios", "python", "go", "java"];
/// Anonymous generation attempts one address (an IPv6 /64) may make per
/// [`ANONYMOUS_WINDOW`], refused ones included: counted before anything is
/// checked or run, in the database, so that every replica counts them.
pub const ANONYMOUS_PER_ADDRESS: i64 = 20;
/// The window [`ANONYMOUS_PER_ADDRESS`] counts in; it starts at an address's first attempt.
pub const ANONYMOUS_WINDOW: Duration = Duration::from_secs(10 * 60);
/// The most issue labels one sync creates.
const MAX_LABELS: usize = 100;

pub async fn generators(state: &State, kind: Kind, from_cache: Option<bool>) -> Result<Vec<Generator>> {
    state.codegen.generators(kind, from_cache.unwrap_or(true)).await
}

/// The document of a request: given, or fetched (a failure under business
/// code 200001).
async fn requested_document(state: &State, document: Option<Value>, url: Option<&str>) -> Result<String> {
    let fetched = document.is_none();
    document_of(state, document, url)
        .await
        .map_err(|error| if fetched { Error::Coded(BusinessCode::GetSwaggerFailed, Box::new(error)) } else { error })
}

/// Who asks `Gen` for code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requester {
    /// A caller whose token holds `isms.codegen.gen`.
    Authorized,
    /// A caller without a token, from this address.
    Anonymous(IpAddr),
}

pub async fn generate(state: &State, requester: Requester, body: GenRequest) -> Result<GeneratedSdk> {
    let anonymous = match requester {
        Requester::Anonymous(ip) => {
            admit_anonymous(state, ip).await?;
            true
        }
        Requester::Authorized => false,
    };
    validate::token("genName", &body.gen_name, 100)?;
    if anonymous && !ANONYMOUS_GENERATORS.contains(&body.gen_name.as_str()) {
        return Err(Error::Unauthorized(format!(
            "anonymous callers may use the generators {} only; others need {WITH_TOKEN}",
            ANONYMOUS_GENERATORS.join(", ")
        )));
    }
    // The slot first: an anonymous caller fetches nothing while all are busy.
    let slot = state.codegen.slot(anonymous).await?;
    let document = requested_document(state, body.document, body.swagger_url.as_deref()).await?;
    let files = state.codegen.generate(slot, &body.gen_name, &document).await?;
    Ok(GeneratedSdk { gen_name: body.gen_name, files })
}

/// What a caller refused for having no token needs.
const WITH_TOKEN: &str = "a token with the `isms.codegen.gen` permission (`Authorization: Bearer …`)";

/// Lets an anonymous request through, or says why not: anonymous
/// generation is off (401), or the address used up its attempts (429).
async fn admit_anonymous(state: &State, ip: IpAddr) -> Result<()> {
    if !state.settings.codegen.codegen_anonymous {
        return Err(Error::Unauthorized(format!(
            "code generation needs {WITH_TOKEN}: anonymous generation is off on this server (--codegen-anonymous)"
        )));
    }
    count_anonymous(state, ip).await
}

/// Counts an anonymous attempt from `ip`: 429 past [`ANONYMOUS_PER_ADDRESS`]
/// in [`ANONYMOUS_WINDOW`] (sign-in's throttle, under a key of its own).
async fn count_anonymous(state: &State, ip: IpAddr) -> Result<()> {
    let key = format!("codegen:{}", crate::domain::address::bucket(ip));
    let window = i64::try_from(ANONYMOUS_WINDOW.as_millis()).unwrap_or(i64::MAX);
    let now = state.clock.now_ms();
    let since = now - window;
    let mut tx = state.store.begin().await?;
    if !throttle::reserve(&mut tx, &key, ANONYMOUS_PER_ADDRESS, now, since).await? {
        let counted = throttle::failures(&mut tx, &key, since).await?;
        let retry_after = (counted.window_start + window - now).max(1000) / 1000;
        return Err(Error::TooMany {
            message: format!(
                "this address made {ANONYMOUS_PER_ADDRESS} anonymous code generation requests in {} minutes; \
                 try again later, or with a token",
                ANONYMOUS_WINDOW.as_secs() / 60
            ),
            retry_after: u64::try_from(retry_after).ok(),
        });
    }
    throttle::settle(&mut tx, &key, true).await?;
    tx.commit().await?;
    Ok(())
}

/// A stored revision's id and document: `revision`, or the online version's,
/// else the newest.
async fn stored_document(state: &State, tenant: i64, id: i64, revision: Option<i64>) -> Result<(i64, String)> {
    let mut conn = state.store.conn().await?;
    ensure_api(&mut conn, tenant, id).await?;
    api_catalog::document(&mut conn, tenant, id, revision).await?.ok_or_else(|| {
        Error::NotFound(match revision {
            Some(revision) => format!("API resource {id} has no revision {revision}"),
            None => format!("API resource {id} has no revision yet; publish one first"),
        })
    })
}

/// Records an entry in API `id`'s history.
async fn record(state: &State, id: i64, entry: CodegenHistory) -> Result<CodegenHistory> {
    add_history(&mut *state.store.conn().await?, id, &entry).await
}

/// Writes `entry` into API `id`'s history; the entry as stored.
async fn add_history(conn: &mut Conn, id: i64, entry: &CodegenHistory) -> Result<CodegenHistory> {
    Ok(store::add_history(conn, id, &HistoryRow::from(entry)).await?.into())
}

fn kind_name(kind: HistoryKind) -> &'static str {
    match kind {
        HistoryKind::Generate => "generate",
        HistoryKind::Sync => "sync",
        HistoryKind::Release => "release",
        HistoryKind::Posted => "posted",
    }
}

impl From<&CodegenHistory> for HistoryRow {
    fn from(entry: &CodegenHistory) -> HistoryRow {
        HistoryRow {
            id: entry.id,
            kind: kind_name(entry.kind).to_string(),
            sdk_name: entry.sdk_name.clone(),
            swagger_url: entry.swagger_url.clone(),
            version: entry.version.clone(),
            tags: entry.tags.clone(),
            language: entry.language.clone(),
            release_date: entry.release_date.timestamp_millis(),
        }
    }
}

impl From<HistoryRow> for CodegenHistory {
    fn from(row: HistoryRow) -> CodegenHistory {
        CodegenHistory {
            id: row.id,
            kind: match row.kind.as_str() {
                "generate" => HistoryKind::Generate,
                "sync" => HistoryKind::Sync,
                "release" => HistoryKind::Release,
                _ => HistoryKind::Posted,
            },
            sdk_name: row.sdk_name,
            swagger_url: row.swagger_url,
            version: row.version,
            tags: row.tags,
            language: row.language,
            release_date: to_time(row.release_date),
        }
    }
}

/// A history entry dated `now`.
fn entry(
    kind: HistoryKind,
    sdk_name: &str,
    source: &str,
    version: &str,
    tags: &str,
    language: &str,
    now: i64,
) -> CodegenHistory {
    CodegenHistory {
        id: 0,
        kind,
        sdk_name: sdk_name.into(),
        swagger_url: source.into(),
        version: version.into(),
        tags: tags.into(),
        language: language.into(),
        release_date: crate::store::to_time(now),
    }
}

/// `info.version` of a document (JSON).
fn document_version(document: &str) -> String {
    let parsed: Value = serde_json::from_str(document).unwrap_or(Value::Null);
    parsed["info"]["version"].as_str().unwrap_or("").chars().take(100).collect()
}

pub async fn generate_stored(state: &State, caller: &Caller, id: i64, body: GenStoredRequest) -> Result<GeneratedSdk> {
    validate::token("genName", &body.gen_name, 100)?;
    let slot = state.codegen.slot(false).await?;
    let (revision, document) = stored_document(state, caller.tenant.id, id, body.revision_id).await?;
    let files = state.codegen.generate(slot, &body.gen_name, &document).await?;
    let source = format!("revision:{revision}");
    let version = document_version(&document);
    record(
        state,
        id,
        entry(HistoryKind::Generate, &body.gen_name, &source, &version, "", &body.gen_name, state.clock.now_ms()),
    )
    .await?;
    Ok(GeneratedSdk { gen_name: body.gen_name, files })
}

/// The document code generation for API `id` uses, and where it came
/// from: `url`, else the common options' URL, else the stored revision.
async fn source_document(state: &State, caller: &Caller, id: i64, url: Option<String>) -> Result<(String, String)> {
    let common = match url {
        Some(url) => Some(url),
        None => {
            match options::load::<CommonOptions>(state, caller, id, COMMON, BusinessCode::CommonOptionsMissing).await {
                Ok(stored) => stored.settings.swagger_url,
                Err(Error::Coded(..)) => None,
                Err(other) => return Err(other),
            }
        }
    };
    match common {
        Some(url) => Ok((requested_document(state, None, Some(&url)).await?, url)),
        None => {
            let (revision, document) = stored_document(state, caller.tenant.id, id, None).await?;
            Ok((document, format!("revision:{revision}")))
        }
    }
}

/// The tags of a document: its `tags` and its operations' tags, once each.
fn document_tags(document: &str) -> Vec<String> {
    let parsed: Value = serde_json::from_str(document).unwrap_or(Value::Null);
    let mut tags: Vec<String> = Vec::new();
    let mut add = |tag: &str| {
        let tag: String = tag.chars().take(50).collect();
        if !tag.trim().is_empty() && !tags.contains(&tag) && tags.len() < MAX_LABELS {
            tags.push(tag);
        }
    };
    for tag in parsed["tags"].as_array().into_iter().flatten() {
        add(tag["name"].as_str().unwrap_or(""));
    }
    for item in parsed["paths"].as_object().into_iter().flat_map(|paths| paths.values()) {
        for operation in item.as_object().into_iter().flat_map(|item| item.values()) {
            for tag in operation["tags"].as_array().into_iter().flatten() {
                add(tag.as_str().unwrap_or(""));
            }
        }
    }
    tags
}

/// Generated documentation, which a sync leaves out unless asked.
fn is_documentation(file: &GeneratedFile) -> bool {
    file.path == "README.md" || file.path.starts_with("docs/")
}

pub async fn sync_github(state: &State, caller: &Caller, id: i64) -> Result<GithubSync> {
    let stored =
        options::load::<GithubOptionsBody>(state, caller, id, GITHUB, BusinessCode::GithubOptionsMissing).await?;
    let token = stored
        .token(state)?
        .ok_or_else(|| Error::Invalid("the GitHub options have no token; set one with PUT …/GithubOptions".into()))?;
    let settings = stored.settings;
    let gen_name = settings.gen_name.clone().unwrap_or_else(|| DEFAULT_GEN_NAME.into());
    let slot = state.codegen.slot(false).await?;
    let (document, source) = source_document(state, caller, id, settings.swagger_url.clone()).await?;
    let mut files = state.codegen.generate(slot, &gen_name, &document).await?;
    if !settings.sync_docs {
        files.retain(|file| !is_documentation(file));
    }
    let repository = github::Repository {
        http: &state.http,
        api: state.settings.codegen.github_api.as_deref().unwrap_or(DEFAULT_GITHUB_API),
        owner: &settings.owner,
        repo: &settings.repo,
        token: &token,
        user_agent: settings.user_agent.as_deref().unwrap_or("Keyward"),
    };
    let version = document_version(&document);
    let message = format!("Update the {gen_name} SDK from {source} (API version {version})\n\nGenerated by Keyward.");
    let pushed = repository.push(settings.branch.as_deref(), &files, &message).await?;
    let labels_created =
        if settings.sync_labels { repository.add_labels(&document_tags(&document)).await? } else { Vec::new() };
    let name = format!("{}/{}", settings.owner, settings.repo);
    record(
        state,
        id,
        entry(
            HistoryKind::Sync,
            &name,
            &source,
            &pushed.commit,
            &labels_created.join(","),
            &gen_name,
            state.clock.now_ms(),
        ),
    )
    .await?;
    Ok(GithubSync {
        repository: name,
        branch: pushed.branch,
        commit: pushed.commit,
        files: pushed.files,
        labels_created,
    })
}

/// openapi-generator's generator for an npm language.
fn npm_generator(language: NpmLanguage) -> &'static str {
    match language {
        NpmLanguage::Angular2 => "typescript-angular",
        NpmLanguage::JQuery => "typescript-jquery",
    }
}

/// The package's `package.json`.
fn manifest(options: &NpmOptionsBody) -> Value {
    let mut manifest = json!({
        "name": options.name,
        "version": options.version,
        "description": options.description.clone().unwrap_or_default(),
        "homepage": options.homepage,
        "keywords": options.keywords,
    });
    for (field, value) in [("author", &options.author), ("license", &options.license)] {
        if let Some(value) = value {
            manifest[field] = json!(value);
        }
    }
    manifest
}

pub async fn release(state: &State, caller: &Caller, body: SdkReleaseRequest) -> Result<CodegenHistory> {
    if body.platform != SdkPlatform::Npm {
        let platform = serde_json::to_value(body.platform).unwrap_or_default();
        let platform = platform.as_str().unwrap_or_default();
        return Err(Error::NotImplemented(format!("releasing to `{platform}` is not supported yet; `npm` is")));
    }
    let tags = body.tags.unwrap_or_default();
    validate::length("tags", &tags, 0, 200)?;
    if let Some(url) = &body.swagger_url {
        validate::web_url("swaggerUrl", url)?;
    }
    let (id, kind) = (body.api_id, npm_kind(body.language));
    let stored = options::load::<NpmOptionsBody>(state, caller, id, kind, BusinessCode::NpmOptionsMissing).await?;
    let token = stored.token(state)?.ok_or_else(|| {
        Error::Invalid("the npm options have no token; set one with PUT …/NpmOptions/{language}".into())
    })?;
    let settings = stored.settings;
    let slot = state.codegen.slot(false).await?;
    let (document, source) = source_document(state, caller, id, body.swagger_url).await?;
    let mut files = state.codegen.generate(slot, npm_generator(body.language), &document).await?;
    if let Some(readme) = &settings.readme {
        files.retain(|file| file.path != "README.md");
        files.push(GeneratedFile {
            path: "README.md".into(),
            encoding: keyward_api::codegen::FileEncoding::Utf8,
            content: readme.clone(),
        });
    }
    let manifest = manifest(&settings);
    let packed = manifest.clone();
    let tarball = tokio::task::spawn_blocking(move || npm::tarball(&packed, &files))
        .await
        .map_err(|e| Error::Internal(e.into()))??;
    let registry = state.settings.codegen.npm_registry.as_deref().unwrap_or(DEFAULT_NPM_REGISTRY);
    npm::publish(&state.http, registry, &token, &manifest, tarball).await?;
    let language = serde_json::to_value(body.language).unwrap_or_default().as_str().unwrap_or_default().to_string();
    record(
        state,
        id,
        entry(
            HistoryKind::Release,
            &settings.sdk_name,
            &source,
            &settings.version,
            &tags,
            &language,
            state.clock.now_ms(),
        ),
    )
    .await
}

pub async fn history(state: &State, caller: &Caller, id: i64) -> Result<Vec<CodegenHistory>> {
    let mut conn = state.store.conn().await?;
    ensure_api(&mut conn, caller.tenant.id, id).await?;
    Ok(store::history(&mut conn, id).await?.into_iter().map(CodegenHistory::from).collect())
}

pub async fn post_history(
    state: &State,
    caller: &Caller,
    id: i64,
    body: CodegenHistoryCreate,
) -> Result<CodegenHistory> {
    validate::length("sdkName", &body.sdk_name, 1, 200)?;
    validate::length("swaggerUrl", &body.swagger_url, 0, 2000)?;
    validate::length("version", &body.version, 1, 100)?;
    validate::length("tags", &body.tags, 0, 200)?;
    validate::length("language", &body.language, 1, 50)?;
    let mut conn = state.store.conn().await?;
    ensure_api(&mut conn, caller.tenant.id, id).await?;
    let mut posted = entry(
        HistoryKind::Posted,
        &body.sdk_name,
        &body.swagger_url,
        &body.version,
        &body.tags,
        &body.language,
        state.clock.now_ms(),
    );
    posted.release_date = body.release_date.unwrap_or(posted.release_date);
    add_history(&mut conn, id, &posted).await
}
