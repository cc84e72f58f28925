//! A local stand-in for the part of GitHub's REST API `SyncGithub` uses
//! (repository, refs, commits, blobs, trees with inline or blob entries,
//! labels), keeping a repository
//! in memory like Git does — a tree is its content, so the same files make
//! the same tree — and recording every request.

use crate::exchange::{self, Request};
use base64::Engine;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

/// The repository the fake holds.
pub const OWNER: &str = "acme";
pub const REPO: &str = "pets-sdk";
/// The token it accepts.
pub const TOKEN: &str = "ghp_test_token_0123456789";

#[derive(Default)]
struct Repository {
    refs: HashMap<String, String>,
    /// Commit → (tree, parents).
    commits: HashMap<String, (String, Vec<String>)>,
    /// Tree → path → blob.
    trees: HashMap<String, BTreeMap<String, String>>,
    blobs: HashMap<String, Vec<u8>>,
    labels: HashSet<String>,
    requests: Vec<Request>,
}

#[derive(Clone)]
pub struct GithubFake {
    /// The API root, `http://127.0.0.1:<port>`.
    pub url: String,
    pub address: std::net::SocketAddr,
    repository: Arc<Mutex<Repository>>,
}

fn sha(bytes: &[u8]) -> String {
    Sha256::digest(bytes)[..20].iter().map(|b| format!("{b:02x}")).collect()
}

impl GithubFake {
    /// A repository whose `main` holds one commit with a LICENSE, and a
    /// label `existing`.
    pub async fn start() -> GithubFake {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let mut repository = Repository::default();
        let license = b"Apache-2.0".to_vec();
        let blob = sha(&license);
        repository.blobs.insert(blob.clone(), license);
        let tree = BTreeMap::from([("LICENSE".to_string(), blob)]);
        let tree_sha = sha(format!("{tree:?}").as_bytes());
        repository.trees.insert(tree_sha.clone(), tree);
        repository.commits.insert("c0".into(), (tree_sha, Vec::new()));
        repository.refs.insert("main".into(), "c0".into());
        repository.labels.insert("existing".into());
        let fake =
            GithubFake { url: format!("http://{address}"), address, repository: Arc::new(Mutex::new(repository)) };
        let serving = fake.repository.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let repository = serving.clone();
                tokio::spawn(async move {
                    let (request, stream) = exchange::read(stream).await?;
                    let (status, body) = handle(&mut repository.lock().unwrap(), request);
                    exchange::answer(stream, status, &body).await
                });
            }
        });
        fake
    }

    pub fn requests(&self) -> Vec<Request> {
        self.repository.lock().unwrap().requests.clone()
    }

    /// The commits on `branch`, newest first.
    pub fn history(&self, branch: &str) -> Vec<String> {
        let repository = self.repository.lock().unwrap();
        let mut commits = Vec::new();
        let mut next = repository.refs.get(branch).cloned();
        while let Some(commit) = next {
            next = repository.commits[&commit].1.first().cloned();
            commits.push(commit);
        }
        commits
    }

    /// The files at `branch`'s head.
    pub fn files(&self, branch: &str) -> BTreeMap<String, Vec<u8>> {
        let repository = self.repository.lock().unwrap();
        let commit = &repository.refs[branch];
        let tree = &repository.trees[&repository.commits[commit].0];
        tree.iter().map(|(path, blob)| (path.clone(), repository.blobs[blob].clone())).collect()
    }

    pub fn labels(&self) -> HashSet<String> {
        self.repository.lock().unwrap().labels.clone()
    }
}

fn handle(repository: &mut Repository, request: Request) -> (u16, Value) {
    repository.requests.push(request.clone());
    if request.headers.get("authorization").map(String::as_str) != Some(&format!("Bearer {TOKEN}")) {
        return (401, json!({ "message": "Bad credentials" }));
    }
    let prefix = format!("/repos/{OWNER}/{REPO}");
    let Some(path) = request.target.strip_prefix(&prefix) else {
        return (404, json!({ "message": "Not Found" }));
    };
    let body: Value = serde_json::from_str(&request.body).unwrap_or(Value::Null);
    let method = request.method.as_str();
    match (method, path) {
        ("GET", "") => (200, json!({ "full_name": format!("{OWNER}/{REPO}"), "default_branch": "main" })),
        ("GET", path) if path.starts_with("/git/ref/heads/") => {
            match repository.refs.get(&path["/git/ref/heads/".len()..]) {
                Some(commit) => (200, json!({ "object": { "sha": commit, "type": "commit" } })),
                None => (404, json!({ "message": "Not Found" })),
            }
        }
        ("GET", path) if path.starts_with("/git/commits/") => {
            match repository.commits.get(&path["/git/commits/".len()..]) {
                Some((tree, _)) => (200, json!({ "sha": &path["/git/commits/".len()..], "tree": { "sha": tree } })),
                None => (404, json!({ "message": "Not Found" })),
            }
        }
        ("POST", "/git/blobs") => {
            let content = body["content"].as_str().unwrap_or_default();
            let bytes = match body["encoding"].as_str() {
                Some("base64") => base64::engine::general_purpose::STANDARD.decode(content).unwrap_or_default(),
                _ => content.as_bytes().to_vec(),
            };
            let blob = sha(&bytes);
            repository.blobs.insert(blob.clone(), bytes);
            (201, json!({ "sha": blob }))
        }
        ("POST", "/git/trees") => {
            let Some(mut tree) = body["base_tree"].as_str().and_then(|base| repository.trees.get(base)).cloned() else {
                return (422, json!({ "message": "base_tree is not a tree" }));
            };
            for entry in body["tree"].as_array().into_iter().flatten() {
                // Either inline text or a stored blob.
                let blob = match entry["content"].as_str() {
                    Some(content) => {
                        let blob = sha(content.as_bytes());
                        repository.blobs.insert(blob.clone(), content.as_bytes().to_vec());
                        blob
                    }
                    None => entry["sha"].as_str().unwrap_or_default().to_string(),
                };
                if !repository.blobs.contains_key(&blob) || entry["mode"] != "100644" || entry["type"] != "blob" {
                    return (422, json!({ "message": "tree entry is not a stored blob" }));
                }
                tree.insert(entry["path"].as_str().unwrap_or_default().to_string(), blob);
            }
            let tree_sha = sha(format!("{tree:?}").as_bytes());
            repository.trees.insert(tree_sha.clone(), tree);
            (201, json!({ "sha": tree_sha }))
        }
        ("POST", "/git/commits") => {
            let tree = body["tree"].as_str().unwrap_or_default().to_string();
            let parents: Vec<String> =
                body["parents"].as_array().into_iter().flatten().filter_map(|p| p.as_str().map(String::from)).collect();
            if !repository.trees.contains_key(&tree) || parents.iter().any(|p| !repository.commits.contains_key(p)) {
                return (422, json!({ "message": "tree or parent missing" }));
            }
            let commit = sha(format!("{tree}{parents:?}{}", body["message"]).as_bytes());
            repository.commits.insert(commit.clone(), (tree, parents));
            (201, json!({ "sha": commit }))
        }
        ("PATCH", path) if path.starts_with("/git/refs/heads/") => {
            let branch = &path["/git/refs/heads/".len()..];
            let commit = body["sha"].as_str().unwrap_or_default().to_string();
            let current = repository.refs.get(branch).cloned();
            let fast_forward =
                repository.commits.get(&commit).is_some_and(|(_, parents)| parents.first() == current.as_ref());
            if !fast_forward {
                return (422, json!({ "message": "Update is not a fast forward" }));
            }
            repository.refs.insert(branch.to_string(), commit.clone());
            (200, json!({ "object": { "sha": commit } }))
        }
        ("GET", "/labels?per_page=100") => {
            (200, Value::Array(repository.labels.iter().map(|name| json!({ "name": name })).collect()))
        }
        ("POST", "/labels") => {
            let name = body["name"].as_str().unwrap_or_default().to_string();
            if repository.labels.insert(name.clone()) {
                (201, json!({ "name": name }))
            } else {
                (422, json!({ "message": "Validation Failed", "errors": [{ "code": "already_exists" }] }))
            }
        }
        _ => (404, json!({ "message": "Not Found" })),
    }
}
