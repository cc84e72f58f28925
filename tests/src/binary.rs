//! The `keyward` binary, for tests that run it as a separate process (the
//! CLI, the request log on a real standard output).

use std::path::PathBuf;

/// `KEYWARD_BIN` if set (`cargo xtask verify` builds the debug binary and
/// sets it), else the workspace's `target/debug/keyward`: build it first
/// with `cargo build -p keyward-server --bin keyward`.
pub fn path() -> PathBuf {
    if let Some(bin) = std::env::var_os("KEYWARD_BIN") {
        return bin.into();
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/debug/keyward");
    assert!(
        path.exists(),
        "{} is missing: build it with `cargo build -p keyward-server --bin keyward`, or set KEYWARD_BIN",
        path.display()
    );
    path
}
