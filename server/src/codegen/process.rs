//! A generator run as a child process with a time limit: started in a
//! process group of its own, so that a timeout, or a request that goes
//! away, kills it with everything it started (openapi-generator-cli's
//! wrapper starts a JVM).

use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;

/// How much of a failed generator's output its error message keeps.
const TAIL_BYTES: usize = 2000;

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

/// Kills the process group when dropped: the run timed out, or the future
/// running it was dropped.
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

/// Runs `command` with `input` on its standard input, for at most
/// `timeout`; its output is only kept (the tail) for a failure.
pub async fn run(mut command: Command, input: Option<Vec<u8>>, timeout: Duration) -> Result<(), Failure> {
    command
        .process_group(0)
        .kill_on_drop(true)
        .stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().map_err(Failure::Spawn)?;
    let group = Group(child.id().and_then(|id| i32::try_from(id).ok()));
    let stdin = child.stdin.take();
    let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
    let work = async {
        let feed = async {
            if let (Some(mut stdin), Some(input)) = (stdin, input) {
                // A generator that exits early closes its end: its exit status says why.
                let _ = stdin.write_all(&input).await;
            }
        };
        let (_, out, err, status) = tokio::join!(feed, tail(stdout), tail(stderr), child.wait());
        (out, err, status)
    };
    let (out, err, status) = tokio::time::timeout(timeout, work).await.map_err(|_| Failure::Timeout)?;
    // Whatever the leader left behind goes with it.
    drop(group);
    let status = status.map_err(Failure::Spawn)?;
    if status.success() {
        return Ok(());
    }
    let output = format!("{}{}", String::from_utf8_lossy(&out), String::from_utf8_lossy(&err));
    let output = output.trim();
    let start = output.len().saturating_sub(TAIL_BYTES);
    let start = (start..=output.len()).find(|&i| output.is_char_boundary(i)).unwrap_or(output.len());
    Err(Failure::Exited { signal: status.signal(), output: output[start..].to_string() })
}

/// Reads a stream to its end, keeping the last [`TAIL_BYTES`] bytes.
async fn tail(stream: Option<impl AsyncRead + Unpin>) -> Vec<u8> {
    let Some(mut stream) = stream else { return Vec::new() };
    let mut kept = Vec::new();
    let mut buffer = [0u8; 8192];
    while let Ok(read) = stream.read(&mut buffer).await {
        if read == 0 {
            break;
        }
        kept.extend_from_slice(&buffer[..read]);
        if kept.len() > 2 * TAIL_BYTES {
            kept.drain(..kept.len() - TAIL_BYTES);
        }
    }
    kept
}
