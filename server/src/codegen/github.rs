//! Pushing generated code to a GitHub repository through GitHub's REST API
//! (the Git database endpoints): blobs, a tree on the branch's tree, a
//! commit, and the branch moved to it — one commit, none when nothing
//! changed. Also issue labels for the document's tags.

use crate::error::{Error, Result};
use crate::outbound::Outbound;
use keyward_api::codegen::{FileEncoding, GeneratedFile};
use reqwest::Method;
use serde_json::{Value, json};

/// Largest answer read from GitHub.
const ANSWER_MAX_BYTES: usize = 1024 * 1024;
/// Time for one call: a tree of a large SDK is a large body.
const CALL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// A repository and how to call GitHub about it.
pub struct Repository<'a> {
    pub http: &'a Outbound,
    /// `https://api.github.com`, or a GitHub Enterprise API root.
    pub api: &'a str,
    pub owner: &'a str,
    pub repo: &'a str,
    pub token: &'a str,
    pub user_agent: &'a str,
}

/// What a push did.
pub struct Pushed {
    pub branch: String,
    pub commit: String,
    /// Files written; 0 when the branch already held exactly these.
    pub files: usize,
}

impl Repository<'_> {
    /// One call; its JSON answer, or a 502 naming GitHub's status and message.
    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Result<(u16, Value)> {
        let url = format!("{}/repos/{}/{}{path}", self.api.trim_end_matches('/'), self.owner, self.repo);
        let what = format!("{method} /repos/{}/{}{path}", self.owner, self.repo);
        let response = self
            .http
            .send(|client| {
                let request = client
                    .request(method.clone(), &url)
                    .bearer_auth(self.token)
                    .header("Accept", "application/vnd.github+json")
                    .header("X-GitHub-Api-Version", "2022-11-28")
                    .header("User-Agent", self.user_agent)
                    .timeout(CALL_TIMEOUT);
                match &body {
                    Some(body) => request.json(body),
                    None => request,
                }
            })
            .await
            .map_err(|error| super::unreachable(&format!("GitHub ({what})"), error))?;
        let status = response.status().as_u16();
        let body = self
            .http
            .body(response, ANSWER_MAX_BYTES)
            .await
            .map_err(|e| Error::BadGateway(format!("GitHub's answer to {what} could not be read: {e}")))?;
        let answer: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        Ok((status, answer))
    }

    /// As [`Self::call`], requiring a 2xx answer.
    async fn ok(&self, method: Method, path: &str, body: Option<Value>) -> Result<Value> {
        let what = format!("{method} /repos/{}/{}{path}", self.owner, self.repo);
        let (status, answer) = self.call(method, path, body).await?;
        if !(200..300).contains(&status) {
            return Err(refused(status, &what, &answer));
        }
        Ok(answer)
    }

    /// Commits `files` on top of `branch` (the repository's default branch
    /// when `None`), replacing files of the same paths and keeping others.
    pub async fn push(&self, branch: Option<&str>, files: &[GeneratedFile], message: &str) -> Result<Pushed> {
        let branch = match branch {
            Some(branch) => branch.to_string(),
            None => text(&self.ok(Method::GET, "", None).await?, "default_branch")?,
        };
        let head = text(&self.ok(Method::GET, &format!("/git/ref/heads/{branch}"), None).await?["object"], "sha")?;
        let base_tree = text(&self.ok(Method::GET, &format!("/git/commits/{head}"), None).await?["tree"], "sha")?;
        // Text goes inline in the tree; only binary files need a blob of
        // their own (GitHub limits how many objects a minute may be made).
        let mut entries = Vec::with_capacity(files.len());
        for file in files {
            let entry = match file.encoding {
                FileEncoding::Utf8 => {
                    json!({ "path": file.path, "mode": "100644", "type": "blob", "content": file.content })
                }
                FileEncoding::Base64 => {
                    let blob = json!({ "content": file.content, "encoding": "base64" });
                    let blob = text(&self.ok(Method::POST, "/git/blobs", Some(blob)).await?, "sha")?;
                    json!({ "path": file.path, "mode": "100644", "type": "blob", "sha": blob })
                }
            };
            entries.push(entry);
        }
        let tree = json!({ "base_tree": base_tree, "tree": entries });
        let tree = text(&self.ok(Method::POST, "/git/trees", Some(tree)).await?, "sha")?;
        if tree == base_tree {
            return Ok(Pushed { branch, commit: head, files: 0 });
        }
        let commit = json!({ "message": message, "tree": tree, "parents": [head] });
        let commit = text(&self.ok(Method::POST, "/git/commits", Some(commit)).await?, "sha")?;
        let moved = json!({ "sha": commit, "force": false });
        let (status, answer) = self.call(Method::PATCH, &format!("/git/refs/heads/{branch}"), Some(moved)).await?;
        match status {
            200..=299 => Ok(Pushed { branch, commit, files: files.len() }),
            // Not a fast-forward: another push moved the branch meanwhile.
            422 if answer["message"].as_str().is_some_and(|m| m.to_lowercase().contains("fast forward")) => {
                Err(Error::Conflict(format!("`{branch}` moved while this push was made; sync again")))
            }
            _ => Err(refused(
                status,
                &format!("PATCH /repos/{}/{}/git/refs/heads/{branch}", self.owner, self.repo),
                &answer,
            )),
        }
    }

    /// Creates the labels that do not exist yet; the ones it created.
    pub async fn add_labels(&self, names: &[String]) -> Result<Vec<String>> {
        let existing = self.ok(Method::GET, "/labels?per_page=100", None).await?;
        let existing: Vec<String> = existing
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|label| label["name"].as_str().map(str::to_lowercase))
            .collect();
        let mut created = Vec::new();
        for name in names.iter().filter(|name| !existing.contains(&name.to_lowercase())) {
            let label = json!({ "name": name, "color": "0e8a16", "description": "An API tag (Keyward SyncGithub)" });
            let (status, answer) = self.call(Method::POST, "/labels", Some(label)).await?;
            match status {
                201 => created.push(name.clone()),
                // `already_exists` (past the first page, or made meanwhile): left as it is.
                422 => {}
                _ => return Err(refused(status, &format!("creating label {name}"), &answer)),
            }
        }
        Ok(created)
    }
}

/// GitHub's refusal of `what`, as a 502 with its status and message.
fn refused(status: u16, what: &str, answer: &Value) -> Error {
    let message = answer.get("message").and_then(Value::as_str).unwrap_or("no message");
    Error::BadGateway(format!("GitHub answered {status} to {what}: {message}"))
}

/// A string field of a GitHub answer.
fn text(answer: &Value, field: &str) -> Result<String> {
    answer
        .get(field)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| Error::BadGateway(format!("GitHub's answer has no `{field}`")))
}
