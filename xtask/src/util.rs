//! What every task shares: the workspace root, running a named step (any
//! command, or cargo) from it, and the drift check of a committed generated
//! file. Imports no other xtask module.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root, whatever directory the task runs from.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

/// Runs `command` from the workspace root under the heading `name`, failing
/// unless it succeeds; says how long it took, so a slow step stands out in
/// CI's log.
pub fn run_step(name: &str, command: &mut Command) -> Result<()> {
    println!("==> {name}");
    let started = std::time::Instant::now();
    let status = command.current_dir(root()).status().with_context(|| format!("running {name}"))?;
    println!("<== {name}: {} s", started.elapsed().as_secs());
    if !status.success() {
        bail!("{name} failed ({status})");
    }
    Ok(())
}

/// The cargo running this task (`$CARGO`), with `args`.
pub fn cargo(args: &[&str]) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.args(args);
    command
}

/// Fails with a readable unified diff when `committed` (at `path`) differs
/// from `fresh`, naming the command that regenerates it.
pub fn compare(path: &Path, fresh: &str, regenerate: &str) -> Result<()> {
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    if committed == fresh {
        println!("{} is up to date", path.display());
        return Ok(());
    }
    let diff = similar::TextDiff::from_lines(committed.as_str(), fresh);
    eprintln!("{}", diff.unified_diff().context_radius(3).header("committed", "generated"));
    bail!("{} is stale: run `{regenerate}` and review the diff", path.display())
}
