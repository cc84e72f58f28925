//! `cargo xtask verify`: everything CI checks, in order.

use anyhow::Result;

pub fn run() -> Result<()> {
    crate::openapi::check()?;
    crate::sdk::check()
}
