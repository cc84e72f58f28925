//! A generator run as a child process with a time limit: started in a
//! process group of its own, so that a timeout, or a request that goes
//! away, kills it with everything it started (openapi-generator-cli's
//! wrapper starts a JVM). It sees none of the server's environment (the
//! master key, database URL and admin secret live there), works in a
//! directory of its own, and runs under kernel limits on CPU time and file
//! size set before it starts ([`Limits`]), so that even a run the server
//! loses track of stops.

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

/// Seconds between the CPU limit's warning (SIGXCPU) and its kill (SIGKILL).
const CPU_GRACE_SECS: u64 = 5;

/// What a run may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Wall-clock time, watched by [`run`].
    pub time: Duration,
    /// CPU time of all its threads (RLIMIT_CPU): SIGXCPU past it, SIGKILL
    /// [`CPU_GRACE_SECS`] later.
    pub cpu_seconds: u64,
    /// Size of any one file it writes (RLIMIT_FSIZE): SIGXFSZ, or an error
    /// where the signal is ignored (as the JVM does).
    pub file_bytes: u64,
}

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

/// Runs `command` with `input` on its standard input, within `limits`; its
/// standard output (the first [`OUTPUT_MAX_BYTES`]).
pub async fn run(mut command: Command, input: Option<Vec<u8>>, limits: Limits) -> Result<Vec<u8>, Failure> {
    let Limits { time: timeout, cpu_seconds, file_bytes } = limits;
    // SAFETY: the closure runs in the child between fork and exec, where only
    // async-signal-safe calls may be made: getrlimit and setrlimit are, and
    // `limit` allocates nothing.
    unsafe {
        command.pre_exec(move || {
            limit(libc::RLIMIT_CPU, cpu_seconds, cpu_seconds.saturating_add(CPU_GRACE_SECS))?;
            limit(libc::RLIMIT_FSIZE, file_bytes, file_bytes)?;
            limit(libc::RLIMIT_CORE, 0, 0)
        });
    }
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
    Err(Failure::Exited { signal: signal(status), output: output[start..].to_string() })
}

/// The signal that killed a run: its own, or one reported the way shells
/// and bubblewrap report their child's (exit status 128 + its number).
fn signal(status: std::process::ExitStatus) -> Option<i32> {
    status.signal().or_else(|| status.code().map(|code| code - 128).filter(|signal| (1..=64).contains(signal)))
}

/// Lowers this process's `resource` limits to `soft` and `hard`, never
/// above the hard limit it already has.
pub fn limit(resource: libc::__rlimit_resource_t, soft: u64, hard: u64) -> std::io::Result<()> {
    let mut current = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit(2) writes the struct passed by reference.
    if unsafe { libc::getrlimit(resource, &mut current) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    let hard = hard.min(current.rlim_max);
    let lowered = libc::rlimit { rlim_cur: soft.min(hard), rlim_max: hard };
    // SAFETY: setrlimit(2) reads the struct passed by reference; it limits
    // this process (and what it starts) only.
    if unsafe { libc::setrlimit(resource, &lowered) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::{Failure, Limits, command, run};
    use std::path::Path;
    use std::time::{Duration, Instant};

    fn shell(dir: &Path, script: &str) -> tokio::process::Command {
        let mut shell = command(Path::new("/bin/sh"), dir);
        shell.args(["-c", script]);
        shell
    }

    /// The kernel stops a run past its file size or CPU limit, before the
    /// wall-clock limit and without the server watching.
    #[tokio::test]
    async fn file_size_and_cpu_are_limited_while_running() {
        let dir = tempfile::tempdir().unwrap();
        let limits = Limits { time: Duration::from_secs(60), cpu_seconds: 60, file_bytes: 1024 * 1024 };
        let written = run(shell(dir.path(), "exec head -c 2097152 /dev/zero > big"), None, limits).await;
        assert!(matches!(written, Err(Failure::Exited { signal: Some(libc::SIGXFSZ), .. })), "{written:?}");
        assert_eq!(std::fs::metadata(dir.path().join("big")).unwrap().len(), 1024 * 1024);

        let started = Instant::now();
        let spun = run(shell(dir.path(), "while :; do :; done"), None, Limits { cpu_seconds: 1, ..limits }).await;
        assert!(matches!(spun, Err(Failure::Exited { signal: Some(libc::SIGXCPU), .. })), "{spun:?}");
        assert!(started.elapsed() < Duration::from_secs(30));
    }
}
