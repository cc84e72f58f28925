//! Confinement of generators with bubblewrap (`bwrap`): a generator sees
//! the host read-only but not the server's own files (database, master key,
//! uploads: empty in its view), an empty `/tmp`, its own work directory as the one
//! place it can write, no network (a network namespace of its own, with
//! only a loopback), none of the server's processes, and no capabilities
//! (so that, run by root, it cannot remount anything writable). Whatever a
//! document makes it do, it cannot write a file elsewhere, nor reach the
//! network. openapi-generator-cli runs only so confined, unless the
//! operator says otherwise (`--codegen-unconfined`).

use super::process;
use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};
use tokio::process::Command;

/// How generators are run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confinement {
    /// In bubblewrap, at `bwrap`, with `hidden` (files and directories of
    /// the server's secrets and data) shown empty.
    Bubblewrap { bwrap: PathBuf, hidden: Vec<PathBuf> },
    /// bubblewrap does not work here (why), and the operator let
    /// generators run unconfined.
    Unconfined(String),
    /// bubblewrap does not work here (why): openapi-generator-cli is not run.
    Unavailable(String),
}

impl Confinement {
    /// bubblewrap if it is installed and works here, hiding `hidden`; else,
    /// as the operator chose (`unconfined`), no confinement or no external
    /// generators.
    pub fn detect(unconfined: bool, hidden: Vec<PathBuf>) -> Confinement {
        match bubblewrap() {
            Ok(bwrap) => Confinement::Bubblewrap { bwrap, hidden },
            Err(why) if unconfined => Confinement::Unconfined(why),
            Err(why) => Confinement::Unavailable(why),
        }
    }

    /// A command running `program` in `dir`, confined if confinement is
    /// available; `None` when generators may not run here at all.
    pub fn command(&self, program: &Path, dir: &Path) -> Option<Command> {
        match self {
            Confinement::Bubblewrap { bwrap, hidden } => {
                let mut command = process::command(bwrap, dir);
                command.args(arguments(dir)).args(hiding(hidden)).arg("--").arg(program);
                Some(command)
            }
            Confinement::Unconfined(_) => Some(process::command(program, dir)),
            Confinement::Unavailable(_) => None,
        }
    }

    /// Whether generators run confined.
    pub fn is_confined(&self) -> bool {
        matches!(self, Confinement::Bubblewrap { .. })
    }
}

impl fmt::Display for Confinement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Confinement::Bubblewrap { bwrap: path, .. } => write!(
                f,
                "code generators run confined by bubblewrap ({}): only their directory writable, no network",
                path.display()
            ),
            Confinement::Unconfined(why) => write!(
                f,
                "code generators run UNCONFINED (--codegen-unconfined): bubblewrap is not available ({why}); \
                 a generator can write wherever this server can"
            ),
            Confinement::Unavailable(why) => write!(
                f,
                "openapi-generator-cli's generators are refused: they run only confined, and bubblewrap is not \
                 available ({why}); install bubblewrap, or start with --codegen-unconfined"
            ),
        }
    }
}

/// bubblewrap's arguments for a run in `dir`, up to what it hides.
fn arguments(dir: &Path) -> Vec<&OsStr> {
    let dir = dir.as_os_str();
    let word = OsStr::new;
    vec![
        // The host, read-only; a /dev and /proc of its own; an empty /tmp.
        word("--ro-bind"),
        word("/"),
        word("/"),
        word("--dev"),
        word("/dev"),
        word("--proc"),
        word("/proc"),
        word("--tmpfs"),
        word("/tmp"),
        // The one place it writes.
        word("--bind"),
        dir,
        dir,
        // No network, and none of the server's processes.
        word("--unshare-all"),
        word("--cap-drop"),
        word("ALL"),
        word("--die-with-parent"),
        word("--chdir"),
        dir,
    ]
}

/// bubblewrap's arguments that show each of `hidden` that exists now empty:
/// a directory as an empty tmpfs, a file as `/dev/null`.
fn hiding(hidden: &[PathBuf]) -> Vec<PathBuf> {
    let mut arguments = Vec::new();
    for path in hidden.iter().filter_map(|path| std::fs::canonicalize(path).ok()) {
        if path.is_dir() {
            arguments.extend([PathBuf::from("--tmpfs"), path]);
        } else {
            arguments.extend([PathBuf::from("--ro-bind"), PathBuf::from("/dev/null"), path]);
        }
    }
    arguments
}

/// `bwrap` from `PATH`, if a confined run works with it here (it needs
/// user namespaces, which some containers do not allow); else why not.
fn bubblewrap() -> Result<PathBuf, String> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let bwrap = std::env::split_paths(&path)
        .map(|dir| dir.join("bwrap"))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| "no `bwrap` in PATH; Debian's package is `bubblewrap`".to_string())?;
    let dir = tempfile::tempdir().map_err(|e| format!("no temporary directory: {e}"))?;
    let probe = std::process::Command::new(&bwrap)
        .args(arguments(dir.path()))
        .args(["--", "/bin/sh"])
        .args(["-c", "touch probe"])
        .env_clear()
        .output()
        .map_err(|e| format!("{} could not be started: {e}", bwrap.display()))?;
    if probe.status.success() && dir.path().join("probe").is_file() {
        Ok(bwrap)
    } else {
        let said = String::from_utf8_lossy(&probe.stderr);
        Err(format!("{} does not work here: {}", bwrap.display(), said.trim()))
    }
}

#[cfg(test)]
mod tests {
    use super::Confinement;
    use crate::codegen::process::{Limits, run};
    use std::path::Path;
    use std::time::Duration;

    /// A confined run writes in its directory, and nowhere else, reaches no
    /// address, not even the host's loopback, and reads nothing of the
    /// server's hidden files and directories.
    #[tokio::test]
    async fn a_confined_run_writes_only_its_directory_and_reaches_nothing() {
        let outside = tempfile::tempdir_in(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).unwrap();
        let (key, uploads) = (outside.path().join("master-key"), outside.path().join("blobs"));
        std::fs::write(&key, "secret").unwrap();
        std::fs::create_dir(&uploads).unwrap();
        std::fs::write(uploads.join("upload"), "secret").unwrap();
        let confinement = Confinement::detect(false, vec![key.clone(), uploads.clone()]);
        assert!(confinement.is_confined(), "this test needs bubblewrap: {confinement}");
        let work = tempfile::tempdir().unwrap();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let script = format!(
            "touch inside; touch '{outside}/escaped' 2>/dev/null && echo wrote-outside; \
             (echo hi > /dev/tcp/127.0.0.1/{port}) 2>/dev/null && echo reached-network; \
             cat '{key}' '{uploads}/upload' 2>/dev/null; exit 0",
            outside = outside.path().display(),
            key = key.display(),
            uploads = uploads.display()
        );
        let mut command = confinement.command(Path::new("/bin/bash"), work.path()).unwrap();
        command.args(["-c", &script]);
        let limits = Limits { time: Duration::from_secs(30), cpu_seconds: 30, file_bytes: 1024 };
        let output = run(command, None, limits).await.unwrap();
        assert_eq!(String::from_utf8_lossy(&output), "");
        assert!(work.path().join("inside").is_file(), "its own directory is writable");
        assert!(!outside.path().join("escaped").exists());
    }

    #[test]
    fn without_bubblewrap_generators_are_refused_unless_the_operator_says_so() {
        let refused = Confinement::Unavailable("no bwrap".into());
        assert!(refused.command(Path::new("/bin/true"), Path::new("/tmp")).is_none());
        assert!(refused.to_string().contains("--codegen-unconfined"));
        let unconfined = Confinement::Unconfined("no bwrap".into());
        assert!(unconfined.command(Path::new("/bin/true"), Path::new("/tmp")).is_some());
        assert!(!unconfined.is_confined());
    }
}
