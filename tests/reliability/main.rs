//! The reliability suite: release-built `keyward` processes (from
//! `KEYWARD_BIN`) started together, killed with `kill -9` in a write
//! storm, cut off from PostgreSQL, and stopped with SIGTERM under load.
//! `cargo xtask verify` builds the binary and runs it; the figures each
//! case measures are printed (`--no-capture`).

mod bootstrap;
mod crash;
mod outage;
mod proxy;
mod replica;
mod shutdown;
mod storm;
