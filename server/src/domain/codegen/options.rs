//! Per-API code generation options: npm (per language), GitHub and common.
//! Settings are stored as JSON; a token apart, sealed under the master key,
//! written but never read back through the API.

use crate::crypto::envelope;
use crate::domain::api_catalog::ensure_api;
use crate::domain::{Caller, validate};
use crate::error::{Error, Result};
use crate::state::State;
use crate::store::codegen::{self as store, TokenChange};
use crate::store::{from_json, to_json, to_time};
use chrono::{DateTime, Utc};
use keyward_api::codegen::{CommonOptions, GithubOptions, GithubOptionsBody, NpmLanguage, NpmOptions, NpmOptionsBody};
use keyward_api::error_codes::BusinessCode;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The generator `SyncGithub` runs when the options name none.
pub const DEFAULT_GEN_NAME: &str = "rust";
pub const COMMON: &str = "common";
pub const GITHUB: &str = "github";

/// The options row kind of an npm language.
pub fn npm_kind(language: NpmLanguage) -> &'static str {
    match language {
        NpmLanguage::Angular2 => "npm:angular2",
        NpmLanguage::JQuery => "npm:jQuery",
    }
}

/// What the token of API `id`'s options of `kind` is sealed for.
fn purpose(id: i64, kind: &str) -> String {
    envelope::codegen_token(&format!("{id}:{kind}"))
}

/// Options as stored: the settings, the sealed token, when they changed.
pub struct Stored<T> {
    pub settings: T,
    token: Option<String>,
    /// What `token` is sealed for.
    purpose: String,
    pub updated: DateTime<Utc>,
}

impl<T> Stored<T> {
    /// The token in clear, for a call to GitHub or npm; never answered.
    pub fn token(&self, state: &State) -> Result<Option<String>> {
        let open = |sealed| state.master.open_text(&self.purpose, sealed).map_err(Error::Internal);
        self.token.as_deref().map(open).transpose()
    }
}

/// API `id`'s options of `kind`; 404 under `missing` when never set.
pub async fn load<T: DeserializeOwned>(
    state: &State,
    caller: &Caller,
    id: i64,
    kind: &str,
    missing: BusinessCode,
) -> Result<Stored<T>> {
    let mut conn = state.store.conn().await?;
    ensure_api(&mut conn, caller.tenant.id, id).await?;
    let row = store::options(&mut conn, id, kind).await?.ok_or_else(|| {
        Error::Coded(missing, Box::new(Error::NotFound(format!("API resource {id} has no {kind} options yet"))))
    })?;
    Ok(Stored {
        settings: from_json(&row.settings)?,
        token: row.token,
        purpose: purpose(id, kind),
        updated: to_time(row.updated_at),
    })
}

/// Stores API `id`'s options of `kind`; `token` as the body gave it.
async fn save<T: Serialize>(
    state: &State,
    caller: &Caller,
    id: i64,
    kind: &str,
    settings: &T,
    token: Option<String>,
) -> Result<()> {
    let change = match token {
        None => TokenChange::Keep,
        Some(token) if token.is_empty() => TokenChange::Set(None),
        Some(token) => {
            validate::token("token", &token, 1000)?;
            TokenChange::Set(Some(state.master.seal(&purpose(id, kind), token.as_bytes())))
        }
    };
    let mut tx = state.store.begin().await?;
    ensure_api(&mut tx, caller.tenant.id, id).await?;
    store::save_options(&mut tx, id, kind, &to_json(settings), change, state.clock.now_ms()).await?;
    tx.commit().await?;
    Ok(())
}

fn npm_view(stored: Stored<NpmOptionsBody>) -> NpmOptions {
    let body = stored.settings;
    NpmOptions {
        name: body.name,
        sdk_name: body.sdk_name,
        version: body.version,
        homepage: body.homepage,
        author: body.author,
        keywords: body.keywords,
        description: body.description,
        license: body.license,
        readme: body.readme,
        token_set: stored.token.is_some(),
        updated: stored.updated,
    }
}

pub async fn npm(state: &State, caller: &Caller, id: i64, language: NpmLanguage) -> Result<NpmOptions> {
    Ok(npm_view(load(state, caller, id, npm_kind(language), BusinessCode::NpmOptionsMissing).await?))
}

pub async fn set_npm(
    state: &State,
    caller: &Caller,
    id: i64,
    language: NpmLanguage,
    mut body: NpmOptionsBody,
) -> Result<NpmOptions> {
    package_name(&body.name)?;
    identifier("sdkName", &body.sdk_name)?;
    version(&body.version)?;
    validate::web_url("homepage", &body.homepage)?;
    optional("author", &body.author, 200)?;
    validate::labels("keywords", &body.keywords)?;
    optional("description", &body.description, 1000)?;
    if let Some(license) = &body.license {
        validate::token("license", license, 100)?;
    }
    optional("README", &body.readme, 64 * 1024)?;
    let token = body.token.take();
    save(state, caller, id, npm_kind(language), &body, token).await?;
    npm(state, caller, id, language).await
}

fn github_view(stored: Stored<GithubOptionsBody>) -> GithubOptions {
    let body = stored.settings;
    GithubOptions {
        user_agent: body.user_agent,
        owner: body.owner,
        repo: body.repo,
        branch: body.branch,
        swagger_url: body.swagger_url,
        sync_labels: body.sync_labels,
        sync_docs: body.sync_docs,
        gen_name: body.gen_name.unwrap_or_else(|| DEFAULT_GEN_NAME.into()),
        token_set: stored.token.is_some(),
        updated: stored.updated,
    }
}

pub async fn github(state: &State, caller: &Caller, id: i64) -> Result<GithubOptions> {
    Ok(github_view(load(state, caller, id, GITHUB, BusinessCode::GithubOptionsMissing).await?))
}

pub async fn set_github(state: &State, caller: &Caller, id: i64, mut body: GithubOptionsBody) -> Result<GithubOptions> {
    if let Some(agent) = &body.user_agent {
        validate::length("userAgent", agent, 1, 200)?;
        if agent.chars().any(char::is_control) {
            return Err(Error::Invalid("`userAgent` must not contain control characters".into()));
        }
    }
    charset("owner", &body.owner, 39, |c| c.is_ascii_alphanumeric() || c == '-')?;
    charset("repo", &body.repo, 100, |c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))?;
    if matches!(body.repo.as_str(), "." | "..") {
        return Err(Error::Invalid("`repo` must not be `.` or `..`".into()));
    }
    if let Some(branch) = &body.branch {
        branch_name(branch)?;
    }
    if let Some(url) = &body.swagger_url {
        validate::web_url("swaggerUrl", url)?;
    }
    if let Some(gen_name) = &body.gen_name {
        validate::token("genName", gen_name, 100)?;
    }
    let token = body.token.take();
    save(state, caller, id, GITHUB, &body, token).await?;
    github(state, caller, id).await
}

pub async fn common(state: &State, caller: &Caller, id: i64) -> Result<CommonOptions> {
    Ok(load(state, caller, id, COMMON, BusinessCode::CommonOptionsMissing).await?.settings)
}

pub async fn set_common(state: &State, caller: &Caller, id: i64, body: CommonOptions) -> Result<CommonOptions> {
    if let Some(url) = &body.swagger_url {
        validate::web_url("swaggerUrl", url)?;
    }
    save(state, caller, id, COMMON, &body, None).await?;
    Ok(body)
}

fn optional(field: &str, value: &Option<String>, max: usize) -> Result<()> {
    value.as_deref().map_or(Ok(()), |value| validate::length(field, value, 0, max))
}

/// 1 to `max` characters, each one `allowed` admits.
fn charset(field: &str, value: &str, max: usize, allowed: impl Fn(char) -> bool) -> Result<()> {
    validate::length(field, value, 1, max)?;
    if !value.chars().all(allowed) {
        return Err(Error::Invalid(format!("`{field}` has a character GitHub does not allow there: {value:?}")));
    }
    Ok(())
}

/// A Git branch name GitHub's ref paths take as is.
fn branch_name(branch: &str) -> Result<()> {
    charset("branch", branch, 100, |c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))?;
    if branch.starts_with(['/', '-', '.'])
        || branch.ends_with(['/', '.'])
        || branch.contains("..")
        || branch.contains("//")
    {
        return Err(Error::Invalid(format!("`branch` is not a valid branch name: {branch:?}")));
    }
    Ok(())
}

/// npm's package name rules: up to 214 characters, lower case, URL-safe,
/// optionally `@scope/`.
fn package_name(name: &str) -> Result<()> {
    validate::length("name", name, 1, 214)?;
    let bare = match name.strip_prefix('@') {
        Some(scoped) => {
            let (scope, bare) = scoped.split_once('/').unwrap_or(("", ""));
            if valid_npm_part(scope) { bare } else { "" }
        }
        None => name,
    };
    if !valid_npm_part(bare) {
        return Err(Error::Invalid(format!(
            "`name` is not an npm package name (lower-case letters, digits, `-`, `.`, `_`, `~`, optionally \
             `@scope/`, not starting with `.` or `_`): {name:?}"
        )));
    }
    Ok(())
}

fn valid_npm_part(part: &str) -> bool {
    !part.is_empty()
        && !part.starts_with(['.', '_'])
        && part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '.' | '_' | '~'))
}

/// A letter, then letters, digits and `_`: a class or module name.
fn identifier(field: &str, value: &str) -> Result<()> {
    validate::length(field, value, 1, 100)?;
    let mut chars = value.chars();
    let valid =
        chars.next().is_some_and(|c| c.is_ascii_alphabetic()) && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err(Error::Invalid(format!(
            "`{field}` must start with a letter and hold only letters, digits and `_`: {value:?}"
        )));
    }
    Ok(())
}

/// A semantic version: `1.2.3`, optionally `-prerelease`.
fn version(value: &str) -> Result<()> {
    let (core, pre) = value.split_once('-').unwrap_or((value, "x"));
    let numbers: Vec<&str> = core.split('.').collect();
    let numeric = |n: &&str| {
        !n.is_empty() && n.len() <= 9 && n.chars().all(|c| c.is_ascii_digit()) && (n.len() == 1 || !n.starts_with('0'))
    };
    let pre_ok = !pre.is_empty()
        && pre.split('.').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    if numbers.len() != 3 || !numbers.iter().all(numeric) || !pre_ok || value.len() > 100 {
        return Err(Error::Invalid(format!("`version` must be a semantic version such as 1.2.3: {value:?}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn npm_names_and_versions() {
        assert!(super::package_name("@acme/pets-sdk").is_ok());
        assert!(super::package_name("pets").is_ok());
        assert!(super::package_name("Pets").is_err());
        assert!(super::package_name("@acme/").is_err());
        assert!(super::package_name("_pets").is_err());
        assert!(super::package_name("../x").is_err());
        assert!(super::version("1.2.3").is_ok());
        assert!(super::version("1.2.3-beta.1").is_ok());
        assert!(super::version("1.2").is_err());
        assert!(super::version("01.2.3").is_err());
        assert!(super::branch_name("release/v1").is_ok());
        assert!(super::branch_name("a..b").is_err());
        assert!(super::branch_name("-x").is_err());
    }
}
