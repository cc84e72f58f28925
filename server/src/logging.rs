//! Structured JSON logs (bunyan format) through slog, which dropshot uses:
//! every request's log lines carry its `req_id` and URI. Bodies and headers
//! are never logged; credentials that may travel in a query string
//! (`id_token_hint` at logout, say) are redacted from the URI.

use anyhow::bail;
use slog::{Drain, KV, Key, OwnedKV, OwnedKVList, Record, Serializer};
use std::fmt;

pub fn logger(level: &str) -> anyhow::Result<slog::Logger> {
    let level = match level.to_ascii_lowercase().as_str() {
        "error" => slog::Level::Error,
        "warn" => slog::Level::Warning,
        "info" => slog::Level::Info,
        "debug" => slog::Level::Debug,
        "trace" => slog::Level::Trace,
        other => bail!("unknown log level {other:?}: use error, warn, info, debug or trace"),
    };
    let drain = Redact(slog_bunyan::with_name("keyward", std::io::stdout()).build()).fuse();
    let drain = slog_async::Async::new(drain).chan_size(8192).build().fuse();
    Ok(slog::Logger::root(drain.filter_level(level).fuse(), slog::o!()))
}

/// Query parameters whose values are credentials.
const SECRET_PARAMS: &[&str] =
    &["id_token_hint", "code", "access_token", "refresh_token", "token", "client_secret", "password", "signInKey"];

/// `uri` with the values of [`SECRET_PARAMS`] replaced, if it has any.
fn redact_uri(uri: &str) -> Option<String> {
    let (path, query) = uri.split_once('?')?;
    let mut changed = false;
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if SECRET_PARAMS.contains(&name) => {
                changed = true;
                format!("{name}=REDACTED")
            }
            _ => pair.to_string(),
        })
        .collect();
    changed.then(|| format!("{path}?{}", pairs.join("&")))
}

/// Rewrites the `uri` of records whose URI carries a credential.
struct Redact<D>(D);

/// The logger's key-value pairs, as text.
#[derive(Default)]
struct Pairs(Vec<(Key, String)>);

impl Serializer for Pairs {
    fn emit_arguments(&mut self, key: Key, value: &fmt::Arguments) -> slog::Result {
        self.0.push((key, value.to_string()));
        Ok(())
    }
}

impl KV for Pairs {
    fn serialize(&self, _record: &Record, serializer: &mut dyn Serializer) -> slog::Result {
        self.0.iter().try_for_each(|(key, value)| serializer.emit_str(key.clone(), value))
    }
}

/// Finds the `uri` value only, so records without a credential in their URI
/// (nearly all) cost no copy of their other pairs.
#[derive(Default)]
struct Uri(Option<String>);

impl Serializer for Uri {
    fn emit_arguments(&mut self, key: Key, value: &fmt::Arguments) -> slog::Result {
        if key == "uri" {
            self.0 = Some(value.to_string());
        }
        Ok(())
    }
}

impl<D: Drain> Drain for Redact<D> {
    type Ok = D::Ok;
    type Err = D::Err;

    fn log(&self, record: &Record, values: &OwnedKVList) -> Result<Self::Ok, Self::Err> {
        let mut uri = Uri::default();
        let _ = values.serialize(record, &mut uri);
        let Some(redacted) = uri.0.as_deref().and_then(redact_uri) else { return self.0.log(record, values) };
        let mut pairs = Pairs::default();
        if values.serialize(record, &mut pairs).is_err() {
            return self.0.log(record, values);
        }
        for (_, value) in pairs.0.iter_mut().filter(|(key, _)| *key == "uri") {
            *value = redacted.clone();
        }
        self.0.log(record, &OwnedKVList::from(OwnedKV(pairs)))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn credentials_leave_the_uri() {
        assert_eq!(
            super::redact_uri("/oauth/logout?id_token_hint=eyJ.a.b&state=s").as_deref(),
            Some("/oauth/logout?id_token_hint=REDACTED&state=s")
        );
        assert_eq!(
            super::redact_uri("/api/AppUsers/1/QRCodeImage?signInKey=abc&format=svg").as_deref(),
            Some("/api/AppUsers/1/QRCodeImage?signInKey=REDACTED&format=svg")
        );
        assert_eq!(super::redact_uri("/oauth/authorize?client_id=web&state=s"), None);
        assert_eq!(super::redact_uri("/healthz"), None);
    }
}
