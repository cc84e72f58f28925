//! Running SDK generators: Rust with progenitor in `keyward codegen-worker`,
//! every other language with openapi-generator-cli when one is configured.
//! Each generation is a child process with time, CPU, file-size and memory
//! limits, confined to its own directory ([`sandbox`]), so none can stall
//! the async runtime, take the server down with it or write outside its
//! directory, and only a few run at once.

pub mod github;
mod names;
pub mod npm;
mod process;
pub mod rust;
mod sandbox;

use crate::config::CodegenArgs;
use crate::error::{Error, Result};
use base64::Engine;
use keyward_api::codegen::{FileEncoding, GeneratedFile, Generator, GeneratorEngine};
use process::{Failure, Limits};
use sandbox::Confinement;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, OwnedSemaphorePermit, Semaphore};

const DEFAULT_CONCURRENCY: usize = 2;
const DEFAULT_TIMEOUT_SECS: u64 = 120;
const DEFAULT_MEMORY_MB: u64 = 1024;
/// How long a generation waits for a free slot before answering 503.
const SLOT_WAIT: Duration = Duration::from_secs(10);
/// The most an anonymous generation may run (less if the configured limit
/// is less): anonymous callers get no wait for a slot, and hold one only
/// this long, so that they cannot keep the slots busy for long.
pub const ANONYMOUS_TIME_LIMIT: Duration = Duration::from_secs(30);
/// CPU seconds a generation may use per second of its time limit: the
/// JVM's compiler and collector threads use two cores at once.
const CPU_PER_SECOND: u64 = 2;
/// How long openapi-generator-cli may take to list its generators.
const LIST_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a failure to list them is answered before asking again.
const LIST_RETRY: Duration = Duration::from_secs(30);
/// The most files, and bytes, a generation may produce.
const MAX_FILES: usize = 5000;
const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// The generators openapi-generator-cli lists, by kind.
#[derive(Debug, Clone, Default)]
struct Listed {
    clients: Vec<String>,
    servers: Vec<String>,
}

/// What asking openapi-generator-cli for its generators gave: them, or
/// why not and when.
type Listing = Result<Arc<Listed>, (String, Instant)>;

/// Which list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Client,
    Server,
}

pub struct Codegen {
    /// The executable running Rust generation: this binary.
    worker: PathBuf,
    tool: Option<PathBuf>,
    slots: Arc<Semaphore>,
    /// The share of `slots` anonymous generations may hold (half, at least
    /// one, never all when there are two or more), so that they can never
    /// keep an administrator's waiting.
    public_slots: Arc<Semaphore>,
    timeout: Duration,
    memory_mb: u64,
    /// How generators run: confined, or (as the operator chose) not.
    confinement: Confinement,
    /// What openapi-generator-cli listed, once asked; or why it could not,
    /// and when (not asked again for [`LIST_RETRY`]).
    listed: Mutex<Option<Listing>>,
}

/// A generation slot, taken before the document is read or fetched, and
/// how long the generation in it may run.
pub struct Slot {
    _public: Option<OwnedSemaphorePermit>,
    _slot: OwnedSemaphorePermit,
    time_limit: Duration,
}

impl Codegen {
    /// Generation as `args` configure it, by `worker` (this executable) for
    /// Rust; confined generators are shown the server's `private` files and
    /// directories empty.
    pub fn new(args: &CodegenArgs, worker: PathBuf, private: Vec<PathBuf>) -> anyhow::Result<Codegen> {
        let concurrency = args.codegen_concurrency.unwrap_or(DEFAULT_CONCURRENCY);
        anyhow::ensure!(concurrency > 0, "codegen_concurrency must be at least 1");
        let memory_mb = args.codegen_memory_mb.unwrap_or(DEFAULT_MEMORY_MB);
        anyhow::ensure!(memory_mb > 0, "codegen_memory_mb must be at least 1");
        // Generators run in directories of their own: a relative path is made
        // absolute now (a bare name is looked up in PATH).
        let tool = match &args.openapi_generator {
            Some(path) if path.components().count() > 1 => Some(
                std::fs::canonicalize(path)
                    .map_err(|e| anyhow::anyhow!("--openapi-generator {}: {e}", path.display()))?,
            ),
            other => other.clone(),
        };
        Ok(Codegen {
            worker,
            tool,
            slots: Arc::new(Semaphore::new(concurrency)),
            public_slots: Arc::new(Semaphore::new(concurrency.div_ceil(2).min(concurrency - 1).max(1))),
            timeout: Duration::from_secs(args.codegen_timeout.unwrap_or(DEFAULT_TIMEOUT_SECS).max(1)),
            memory_mb,
            confinement: Confinement::detect(args.codegen_unconfined, private),
            listed: Mutex::new(None),
        })
    }

    /// Says in the log how generators run here, a warning when unconfined.
    pub fn log_confinement(&self, log: &slog::Logger) {
        if self.confinement.is_confined() {
            slog::info!(log, "{}", self.confinement);
        } else {
            slog::warn!(log, "{}", self.confinement);
        }
    }

    /// A command for one of our own runs (the Rust worker, listing
    /// openapi-generator-cli's generators): confined when confinement is
    /// available, else as it is, since no document decides what it writes.
    fn own_command(&self, program: &Path, dir: &Path) -> tokio::process::Command {
        self.confinement.command(program, dir).unwrap_or_else(|| process::command(program, dir))
    }

    /// The limits of a run allowed `time`.
    fn limits(time: Duration) -> Limits {
        Limits { time, cpu_seconds: time.as_secs().saturating_mul(CPU_PER_SECOND), file_bytes: MAX_BYTES }
    }

    /// The generators of `kind`: Rust's, and openapi-generator-cli's.
    pub async fn generators(&self, kind: Kind, from_cache: bool) -> Result<Vec<Generator>> {
        let mut generators = Vec::new();
        if kind == Kind::Client {
            generators.push(Generator { name: rust::NAME.into(), engine: GeneratorEngine::Progenitor });
        }
        if self.tool.is_some() {
            let listed = self.listed(from_cache).await?;
            let names = if kind == Kind::Client { &listed.clients } else { &listed.servers };
            // Its own `rust` generator is shadowed by progenitor's.
            generators.extend(
                names
                    .iter()
                    .filter(|name| *name != rust::NAME)
                    .map(|name| Generator { name: name.clone(), engine: GeneratorEngine::OpenapiGenerator }),
            );
        }
        Ok(generators)
    }

    /// openapi-generator-cli's generators, read once (again when not
    /// `from_cache`); a failure is answered again for [`LIST_RETRY`].
    async fn listed(&self, from_cache: bool) -> Result<Arc<Listed>> {
        let mut cached = self.listed.lock().await;
        match cached.as_ref() {
            Some(Ok(listed)) if from_cache => return Ok(listed.clone()),
            Some(Err((why, at))) if from_cache && at.elapsed() < LIST_RETRY => {
                return Err(Error::Unavailable(why.clone()));
            }
            _ => {}
        }
        let tool = self.tool.as_ref().ok_or_else(not_configured)?;
        let dir = WorkDir::new()?;
        let mut command = self.own_command(tool, dir.path());
        command.arg("list").env("JAVA_TOOL_OPTIONS", self.java_options());
        let listed = match process::run(command, None, Self::limits(LIST_TIMEOUT)).await {
            Ok(output) => Ok(Arc::new(parse_list(&String::from_utf8_lossy(&output)))),
            Err(failure) => {
                let why = match failure {
                    Failure::Spawn(e) => format!("could not be started: {e}"),
                    Failure::Timeout => format!("did not answer within {} s", LIST_TIMEOUT.as_secs()),
                    Failure::Exited { .. } => "failed".into(),
                };
                Err((format!("openapi-generator-cli could not list its generators: it {why}"), Instant::now()))
            }
        };
        *cached = Some(listed.clone());
        listed.map_err(|(why, _)| Error::Unavailable(why))
    }

    /// Takes a generation slot: an anonymous caller (`public`) gets one at
    /// once or a 503, for at most [`ANONYMOUS_TIME_LIMIT`]; others wait up
    /// to [`SLOT_WAIT`], and have the configured time limit.
    pub async fn slot(&self, public: bool) -> Result<Slot> {
        let busy = || Error::Busy { message: "every code generation slot is busy; try again".into(), retry_after: 5 };
        if public {
            let public = self.public_slots.clone().try_acquire_owned().map_err(|_| busy())?;
            let slot = self.slots.clone().try_acquire_owned().map_err(|_| busy())?;
            let time_limit = self.timeout.min(ANONYMOUS_TIME_LIMIT);
            return Ok(Slot { _public: Some(public), _slot: slot, time_limit });
        }
        let slot = tokio::time::timeout(SLOT_WAIT, self.slots.clone().acquire_owned())
            .await
            .map_err(|_| busy())?
            .map_err(|_| Error::Unavailable("code generation is shutting down".into()))?;
        Ok(Slot { _public: None, _slot: slot, time_limit: self.timeout })
    }

    /// The JVM's options: its heap limit, no core dumps, and a proxy that
    /// does not exist, so that nothing in a document makes it reach the
    /// network.
    fn java_options(&self) -> String {
        format!(
            "-Xmx{}m -XX:-CreateCoredumpOnCrash -Dhttp.proxyHost=127.0.0.1 -Dhttp.proxyPort=9 \
             -Dhttps.proxyHost=127.0.0.1 -Dhttps.proxyPort=9 -Dhttp.nonProxyHosts=",
            self.memory_mb
        )
    }

    /// The files `gen_name` generates for `document` (OpenAPI, as JSON), in
    /// the slot taken for it, which is given back as soon as the generator
    /// is done (not held through a push or a publish).
    pub async fn generate(&self, slot: Slot, gen_name: &str, document: &str) -> Result<Vec<GeneratedFile>> {
        let limits = Self::limits(slot.time_limit);
        let _slot = slot;
        let parsed: serde_json::Value = serde_json::from_str(document).map_err(|e| Error::Internal(e.into()))?;
        local_references_only(&parsed)?;
        names::file_names_only(&parsed)?;
        drop(parsed);
        let known = gen_name == rust::NAME || {
            if self.tool.is_none() {
                return Err(Error::NotImplemented(format!(
                    "`{gen_name}` is not a generator here: this server generates only `rust` (start it with \
                     --openapi-generator to add openapi-generator-cli's generators)"
                )));
            }
            let listed = self.listed(true).await?;
            listed.clients.iter().chain(&listed.servers).any(|name| name == gen_name)
        };
        if !known {
            return Err(Error::Invalid(format!(
                "`genName` `{gen_name}` is not a generator; see /api/CodeGenerators/Clients and /Servers"
            )));
        }
        let dir = WorkDir::new()?;
        let out = dir.path().join("out");
        let (command, input) = if gen_name == rust::NAME {
            let mut command = self.own_command(&self.worker, dir.path());
            command.arg("codegen-worker").arg("--memory-mb").arg(self.memory_mb.to_string()).arg("--out").arg(&out);
            (command, Some(document.as_bytes().to_vec()))
        } else {
            let input = dir.path().join("openapi.json");
            tokio::fs::write(&input, document).await.map_err(|e| Error::Internal(e.into()))?;
            let tool = self.tool.as_ref().ok_or_else(not_configured)?;
            let mut command = self
                .confinement
                .command(tool, dir.path())
                .ok_or_else(|| Error::Unavailable(self.confinement.to_string()))?;
            command
                .args(["generate", "--skip-validate-spec", "-g", gen_name, "-i"])
                .arg(&input)
                .arg("-o")
                .arg(&out)
                .env("JAVA_TOOL_OPTIONS", self.java_options());
            (command, None)
        };
        process::run(command, input, limits).await.map_err(|failure| self.failed(gen_name, failure, limits))?;
        let files = tokio::task::spawn_blocking(move || collect(&out)).await.map_err(|e| Error::Internal(e.into()))?;
        // The directory goes (off the runtime) when `dir` drops.
        drop(dir);
        files
    }

    fn failed(&self, gen_name: &str, failure: Failure, limits: Limits) -> Error {
        let stopped = |why: String| Error::Invalid(format!("the `{gen_name}` generator was stopped: {why}"));
        match failure {
            Failure::Spawn(e) => Error::Internal(anyhow::anyhow!("starting the `{gen_name}` generator: {e}")),
            Failure::Timeout => stopped(format!("it ran longer than {} s", limits.time.as_secs())),
            Failure::Exited { signal: Some(libc::SIGXCPU), .. } => {
                stopped(format!("it used more than {} s of CPU time", limits.cpu_seconds))
            }
            Failure::Exited { signal: Some(libc::SIGXFSZ), .. } => {
                stopped(format!("it wrote a file larger than {} MiB", limits.file_bytes / 1024 / 1024))
            }
            Failure::Exited { signal, output } if signal.is_some() || output.contains("OutOfMemoryError") => {
                Error::Invalid(format!(
                    "the `{gen_name}` generator was stopped: it needed more than {} MiB of memory, or crashed",
                    self.memory_mb
                ))
            }
            Failure::Exited { output, .. } => Error::Invalid(format!(
                "the `{gen_name}` generator rejected the document: {}",
                diagnosis(gen_name, &output)
            )),
        }
    }
}

/// What of a failed generator's output an answer shows: the Rust worker's
/// own error, or openapi-generator-cli's error and validation lines (not
/// its log, which may quote whatever it read).
fn diagnosis(gen_name: &str, output: &str) -> String {
    if gen_name == rust::NAME {
        return output.to_string();
    }
    let lines: Vec<&str> = output
        .lines()
        .map(str::trim)
        .filter(|line| {
            line.contains("ERROR") || line.starts_with("- attribute") || line.starts_with("Exception in thread")
        })
        .collect();
    let shown = lines.iter().rev().take(5).rev().map(|line| line.chars().take(300).collect::<String>());
    let shown: Vec<String> = shown.collect();
    if shown.is_empty() {
        "see the server's openapi-generator-cli version and the document".into()
    } else {
        shown.join("\n")
    }
}

/// A generation's directory, removed (thousands of files, maybe) off the
/// async runtime when dropped, also when the request goes away.
struct WorkDir(Option<tempfile::TempDir>);

impl WorkDir {
    fn new() -> Result<WorkDir> {
        Ok(WorkDir(Some(tempfile::tempdir().map_err(|e| Error::Internal(e.into()))?)))
    }

    fn path(&self) -> &Path {
        self.0.as_ref().map_or(Path::new(""), |dir| dir.path())
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        if let (Some(dir), Ok(runtime)) = (self.0.take(), tokio::runtime::Handle::try_current()) {
            runtime.spawn_blocking(move || drop(dir));
        }
    }
}

/// The JSON Schema 2020-12 keywords that move the base a `$ref` resolves
/// against, or resolve dynamically: refused, like a `$ref`, an
/// `operationRef` or a `discriminator.mapping` that leaves the document.
const BASE_KEYWORDS: &[&str] = &["$id", "$schema", "$dynamicRef", "$recursiveRef"];

/// Refuses a document that refers outside itself: openapi-generator would
/// fetch `http://…` references and read `file:` ones, on the server's
/// network and disk, for anyone who may generate.
fn local_references_only(parsed: &serde_json::Value) -> Result<()> {
    let outside = |why: String| {
        Err(Error::Invalid(format!(
            "the document refers outside itself ({why}); only references within it (`#/…`) are resolved"
        )))
    };
    let mut pending = vec![parsed];
    while let Some(value) = pending.pop() {
        match value {
            serde_json::Value::Object(object) => {
                if let Some(reference) = object.get("$ref").and_then(serde_json::Value::as_str)
                    && !reference.starts_with('#')
                {
                    return outside(format!("`$ref: {reference}`"));
                }
                if let Some(reference) = object.get("operationRef").and_then(serde_json::Value::as_str)
                    && !reference.starts_with('#')
                {
                    return outside(format!("`operationRef: {reference}`"));
                }
                if let Some(keyword) = BASE_KEYWORDS.iter().find(|keyword| object.contains_key(**keyword)) {
                    return outside(format!("`{keyword}`"));
                }
                // A mapping value is a schema name, or a reference the
                // generator resolves like a `$ref` (a path or a URL).
                let mapping = object.get("mapping").filter(|_| object.contains_key("propertyName"));
                for target in mapping.and_then(serde_json::Value::as_object).into_iter().flat_map(|m| m.values()) {
                    let target = target.as_str().unwrap_or_default();
                    if !target.starts_with('#') && target.contains(['/', '.', ':', '\\']) {
                        return outside(format!("`discriminator.mapping` to `{target}`"));
                    }
                }
                pending.extend(object.values());
            }
            serde_json::Value::Array(items) => pending.extend(items),
            _ => {}
        }
    }
    Ok(())
}

/// A call to `service` (GitHub, a registry) that got no answer: 422 when
/// the outbound rules refuse its address (the configuration is at fault),
/// else 502.
fn unreachable(service: &str, error: crate::outbound::OutboundError) -> Error {
    match error {
        crate::outbound::OutboundError::Refused(why) => Error::Invalid(format!("{service} may not be called: {why}")),
        other => Error::BadGateway(format!("{service} could not be reached: {other}")),
    }
}

fn not_configured() -> Error {
    Error::NotImplemented("this server is not configured with openapi-generator-cli (--openapi-generator)".into())
}

/// `openapi-generator-cli list`: sections headed `CLIENT generators:`,
/// `SERVER generators:`, … with lines `    - name` or `    - name (beta)`.
fn parse_list(text: &str) -> Listed {
    let mut listed = Listed::default();
    let mut section: Option<Kind> = None;
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(heading) = trimmed.strip_suffix("generators:") {
            section = match heading.trim() {
                "CLIENT" => Some(Kind::Client),
                "SERVER" => Some(Kind::Server),
                _ => None,
            };
        } else if let (Some(kind), Some(item)) = (section, trimmed.strip_prefix("- ")) {
            let name = item.split_whitespace().next().unwrap_or_default().to_string();
            match kind {
                Kind::Client => listed.clients.push(name),
                Kind::Server => listed.servers.push(name),
            }
        }
    }
    listed
}

/// Every regular file under `root`, sorted by path; text as is, the rest
/// in base64. Symbolic links are skipped; past [`MAX_FILES`] files or
/// [`MAX_BYTES`] bytes the generation is refused.
fn collect(root: &Path) -> Result<Vec<GeneratedFile>> {
    let mut files = Vec::new();
    let mut total = 0u64;
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| Error::Internal(e.into()))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::Internal(e.into()))?;
            let kind = entry.file_type().map_err(|e| Error::Internal(e.into()))?;
            if kind.is_dir() {
                pending.push(entry.path());
                continue;
            }
            if !kind.is_file() {
                continue;
            }
            total += entry.metadata().map_err(|e| Error::Internal(e.into()))?.len();
            if files.len() >= MAX_FILES || total > MAX_BYTES {
                return Err(Error::Invalid(format!(
                    "the generated code is larger than {MAX_FILES} files or {} MiB",
                    MAX_BYTES / 1024 / 1024
                )));
            }
            let bytes = std::fs::read(entry.path()).map_err(|e| Error::Internal(e.into()))?;
            let relative = entry.path().strip_prefix(root).map_err(|e| Error::Internal(e.into()))?.to_path_buf();
            let path = relative.iter().map(|part| part.to_string_lossy()).collect::<Vec<_>>().join("/");
            let (encoding, content) = match String::from_utf8(bytes) {
                Ok(text) => (FileEncoding::Utf8, text),
                Err(binary) => {
                    (FileEncoding::Base64, base64::engine::general_purpose::STANDARD.encode(binary.into_bytes()))
                }
            };
            files.push(GeneratedFile { path, encoding, content });
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::{ANONYMOUS_TIME_LIMIT, Codegen};
    use crate::config::CodegenArgs;
    use std::time::Duration;

    /// An anonymous generation holds its slot for a short while only; one
    /// with a token has the configured limit.
    #[tokio::test]
    async fn anonymous_slots_are_short() {
        let args = CodegenArgs { codegen_timeout: Some(120), ..CodegenArgs::default() };
        let codegen = Codegen::new(&args, "/bin/true".into(), Vec::new()).unwrap();
        assert_eq!(codegen.slot(true).await.unwrap().time_limit, ANONYMOUS_TIME_LIMIT);
        assert_eq!(codegen.slot(false).await.unwrap().time_limit, Duration::from_secs(120));
        let quick = CodegenArgs { codegen_timeout: Some(5), ..args };
        let codegen = Codegen::new(&quick, "/bin/true".into(), Vec::new()).unwrap();
        assert_eq!(codegen.slot(true).await.unwrap().time_limit, Duration::from_secs(5));
    }

    #[test]
    fn lists_are_read_by_section() {
        let text = "The following generators are available:\n\nCLIENT generators:\n    - ada\n    - rust (beta)\n\n\
                    SERVER generators:\n    - axum\n\nDOCUMENTATION generators:\n    - html\n";
        let listed = super::parse_list(text);
        assert_eq!(listed.clients, ["ada", "rust"]);
        assert_eq!(listed.servers, ["axum"]);
    }
}
