//! A generator run as a child process with a time limit: started in a
//! process group of its own, so that a timeout, or a request that goes
//! away, kills it with everything it started (openapi-generator-cli's
//! wrapper starts a JVM). It sees none of the server's environment (the
//! master key, database URL and admin secret live there) and works in a
//! directory of its own.

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;

/// How much of a failed generator's output its error message keeps.
const TAIL_BYTES: usize = 2000;
/// How much of its standard output a run returns.
const OUTPUT_MAX_BYTES: usize = 1024 * 1024;
/// The variables a generator may see: where programs and Java are, and a
/// locale.
const PASSED_ENV: &[&str] = &["PATH", "JAVA_HOME", "LANG", "LC_ALL"];

/// How a run went wrong.
#[derive(Debug)]
pub enum Failure {
    /// It could not be started.
    Spawn(std::io::Error),
    /// It ran past the time limit and was killed.
    Timeout,
    /// It exited unsuccessfully: the status and the end of its output.
    Exited { signal: Option<i32>, output: String },
}

/// Kills the process group when dropped while armed: the run timed out, or
/// the future running it was dropped. Disarmed once the leader is reaped
/// (its id may then be reused by another group).
struct Group(Option<i32>);

impl Drop for Group {
    fn drop(&mut self) {
        if let Some(pgid) = self.0 {
            // SAFETY: kill(2) with a negative pid signals the process group the
            // child leads; it touches no memory of ours.
            unsafe {
                libc::kill(-pgid, libc::SIGKILL);
            }
        }
    }
}

/// A command for `program`, in `dir`, with a clean environment.
pub fn command(program: &Path, dir: &Path) -> Command {
    let mut command = Command::new(program);
    command.current_dir(dir).env_clear().env("HOME", dir).env("TMPDIR", dir);
    for name in PASSED_ENV {
        if let Some(value) = std::env::var_os(name) {
            command.env(name, value);
        }
    }
    command
}

/// Runs `command` with `input` on its standard input, for at most
/// `timeout`; its standard output (the first [`OUTPUT_MAX_BYTES`]).
pub async fn run(mut command: Command, input: Option<Vec<u8>>, timeout: Duration) -> Result<Vec<u8>, Failure> {
    command
        .process_group(0)
        .kill_on_drop(true)
        .stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().map_err(Failure::Spawn)?;
    let mut group = Group(child.id().and_then(|id| i32::try_from(id).ok()));
    let stdin = child.stdin.take();
    let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
    let work = async {
        let feed = async {
            if let (Some(mut stdin), Some(input)) = (stdin, input) {
                // A generator that exits early closes its end: its exit status says why.
                let _ = stdin.write_all(&input).await;
            }
        };
        let (_, out, err, status) = tokio::join!(feed, read(stdout), read(stderr), child.wait());
        (out, err, status)
    };
    let (out, err, status) = tokio::time::timeout(timeout, work).await.map_err(|_| Failure::Timeout)?;
    group.0 = None;
    let status = status.map_err(Failure::Spawn)?;
    if status.success() {
        return Ok(out.head);
    }
    let output = format!("{}{}", String::from_utf8_lossy(&out.tail), String::from_utf8_lossy(&err.tail));
    let output = output.trim();
    let start = output.len().saturating_sub(TAIL_BYTES);
    let start = (start..=output.len()).find(|&i| output.is_char_boundary(i)).unwrap_or(output.len());
    Err(Failure::Exited { signal: status.signal(), output: output[start..].to_string() })
}

/// What was kept of a stream: its beginning and its end.
#[derive(Default)]
struct Kept {
    head: Vec<u8>,
    tail: Vec<u8>,
}

/// Reads a stream to its end, keeping its first [`OUTPUT_MAX_BYTES`] and
/// last [`TAIL_BYTES`] bytes.
async fn read(stream: Option<impl AsyncRead + Unpin>) -> Kept {
    let mut kept = Kept::default();
    let Some(mut stream) = stream else { return kept };
    let mut buffer = [0u8; 8192];
    while let Ok(read) = stream.read(&mut buffer).await {
        if read == 0 {
            break;
        }
        let chunk = &buffer[..read];
        let room = OUTPUT_MAX_BYTES.saturating_sub(kept.head.len());
        kept.head.extend_from_slice(&chunk[..room.min(read)]);
        kept.tail.extend_from_slice(chunk);
        if kept.tail.len() > 2 * TAIL_BYTES {
            kept.tail.drain(..kept.tail.len() - TAIL_BYTES);
        }
    }
    kept
}
