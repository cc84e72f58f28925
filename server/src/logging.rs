//! Structured JSON logs (bunyan format) through slog, which dropshot uses:
//! every request's log lines carry its `req_id`. Nothing logged here or by
//! dropshot includes request bodies or headers, so secrets stay out.

use anyhow::bail;
use slog::Drain;

pub fn logger(level: &str) -> anyhow::Result<slog::Logger> {
    let level = match level.to_ascii_lowercase().as_str() {
        "error" => slog::Level::Error,
        "warn" => slog::Level::Warning,
        "info" => slog::Level::Info,
        "debug" => slog::Level::Debug,
        "trace" => slog::Level::Trace,
        other => bail!("unknown log level {other:?}: use error, warn, info, debug or trace"),
    };
    let drain = slog_bunyan::with_name("keyward", std::io::stdout()).build().fuse();
    let drain = slog_async::Async::new(drain).chan_size(8192).build().fuse();
    Ok(slog::Logger::root(drain.filter_level(level).fuse(), slog::o!()))
}
