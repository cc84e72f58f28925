//! Field checks shared by the admin resources. Each failure names the field
//! and the rule, so the caller can fix the request.

use crate::error::{Error, Result};
use crate::hosts;
use crate::store::Conn;
use crate::store::locks::{self, Table};
use reqwest::Url;

pub fn length(field: &str, value: &str, min: usize, max: usize) -> Result<()> {
    let n = value.chars().count();
    if n < min || n > max {
        return Err(Error::Invalid(format!("`{field}` must be {min} to {max} characters long (got {n})")));
    }
    Ok(())
}

pub fn email(field: &str, value: &str) -> Result<()> {
    length(field, value, 3, 256)?;
    let valid = value.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !value.contains(char::is_whitespace);
    if !valid {
        return Err(Error::Invalid(format!("`{field}` is not an email address: {value:?}")));
    }
    Ok(())
}

pub fn phone(field: &str, value: &str) -> Result<()> {
    let digits = value.strip_prefix('+').unwrap_or(value);
    if !(5..=20).contains(&digits.len()) || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::Invalid(format!("`{field}` must be 5 to 20 digits with an optional leading +: {value:?}")));
    }
    Ok(())
}

/// A short token without whitespace or control characters (scope, permission, name).
pub fn token(field: &str, value: &str, max: usize) -> Result<()> {
    length(field, value, 1, max)?;
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::Invalid(format!("`{field}` must not contain spaces or control characters: {value:?}")));
    }
    Ok(())
}

/// An absolute http(s) URL of up to 2000 characters.
pub fn web_url(field: &str, value: &str) -> Result<()> {
    length(field, value, 1, 2000)?;
    match Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host_str().is_some() => Ok(()),
        _ => Err(Error::Invalid(format!("`{field}` must be an absolute http or https URL: {value:?}"))),
    }
}

/// Up to 20 distinct labels (tags, keywords) of 1 to 50 characters.
pub fn labels(field: &str, values: &[String]) -> Result<()> {
    if values.len() > 20 {
        return Err(Error::Invalid(format!("`{field}` holds at most 20 entries (got {})", values.len())));
    }
    for value in values {
        length(&format!("{field}[]"), value, 1, 50)?;
    }
    distinct(field, values.iter().map(String::as_str))
}

/// An absolute URI without a fragment (RFC 6749 §3.1.2): `https`, plain
/// `http` only to a loopback host (RFC 8252 §7.3), or a native app's
/// private-use scheme (§7.1) — never one that runs script or carries content
/// (`javascript:`, `data:`, `vbscript:`, `file:`, `blob:`), and never with
/// user-info. It is parsed as a browser parses it (WHATWG URL, the `url`
/// crate), so the host checked is the host the browser goes to:
/// `http://127.0.0.1:x@evil.example/cb` goes to evil.example.
pub fn redirect_uri(field: &str, value: &str) -> Result<()> {
    length(field, value, 1, 2000)?;
    let invalid = |rule: &str| Error::Invalid(format!("`{field}` {rule}: {value:?}"));
    let absolute = || invalid("must be an absolute URI without a fragment");
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(absolute());
    }
    let url = Url::parse(value).map_err(|_| absolute())?;
    if url.fragment().is_some() {
        return Err(absolute());
    }
    if has_user_info(&url) {
        return Err(invalid("must not carry user-info (`user@` or `user:password@` before the host)"));
    }
    match url.scheme() {
        "javascript" | "data" | "vbscript" | "file" | "blob" | "about" => {
            Err(invalid("must not use a scheme that runs script or carries content"))
        }
        "https" | "http" if !value[url.scheme().len()..].starts_with("://") => Err(absolute()),
        "https" => Ok(()),
        "http" if hosts::is_loopback(&url) => Ok(()),
        "http" => Err(invalid("must use https (plain http only to 127.0.0.1, [::1] or localhost)")),
        _ => Ok(()),
    }
}

fn has_user_info(url: &Url) -> bool {
    !url.username().is_empty() || url.password().is_some()
}

/// `scheme://host[:port]`, nothing more (a CORS origin): an http(s) URL
/// that is its own origin, as a browser serializes it in `Origin`.
pub fn origin(field: &str, value: &str) -> Result<()> {
    let invalid = || Error::Invalid(format!("`{field}` must be an origin like https://app.example.com: {value:?}"));
    let url = Url::parse(value).map_err(|_| invalid())?;
    let is_origin = matches!(url.scheme(), "http" | "https")
        && !has_user_info(&url)
        && url.origin().ascii_serialization().eq_ignore_ascii_case(value);
    if is_origin { Ok(()) } else { Err(invalid()) }
}

/// A DNS host name with an optional port, as sent in a Host header.
pub fn host(field: &str, value: &str) -> Result<()> {
    let invalid = || Error::Invalid(format!("`{field}` must be a host name with an optional port: {value:?}"));
    let (name, port) = match value.rsplit_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (value, None),
    };
    if name.is_empty() || name.len() > 253 || port.is_some_and(|p| p.parse::<u16>().is_err()) {
        return Err(invalid());
    }
    if !name.split('.').all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')) {
        return Err(invalid());
    }
    Ok(())
}

/// An optional expiry, which must be later than `now`; as Unix milliseconds.
pub fn expiration(field: &str, at: Option<chrono::DateTime<chrono::Utc>>, now: i64) -> Result<Option<i64>> {
    match at {
        Some(at) if at.timestamp_millis() <= now => {
            Err(Error::Invalid(format!("`{field}` must be in the future (got {at})")))
        }
        at => Ok(at.map(|at| at.timestamp_millis())),
    }
}

pub fn lifetime(field: &str, seconds: i64) -> Result<()> {
    const YEAR: i64 = 365 * 24 * 3600;
    if !(1..=YEAR).contains(&seconds) {
        return Err(Error::Invalid(format!("`{field}` must be between 1 and {YEAR} seconds (got {seconds})")));
    }
    Ok(())
}

/// A number from `min` to `max`.
pub fn within(field: &str, value: i64, min: i64, max: i64) -> Result<()> {
    if !(min..=max).contains(&value) {
        return Err(Error::Invalid(format!("`{field}` must be between {min} and {max} (got {value})")));
    }
    Ok(())
}

/// No two entries of `values` are equal.
pub fn distinct<'a>(field: &str, values: impl IntoIterator<Item = &'a str>) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for value in values {
        if !seen.insert(value) {
            return Err(Error::Invalid(format!("`{field}` lists {value:?} twice")));
        }
    }
    Ok(())
}

/// Each of `ids` (the list `field`) must appear once and be a row of `table`
/// in `tenant`; in a transaction they stay share-locked until it ends.
pub async fn ids_exist(conn: &mut Conn, table: Table, tenant: i64, field: &str, ids: &[i64]) -> Result<()> {
    let texts: Vec<String> = ids.iter().map(i64::to_string).collect();
    distinct(field, texts.iter().map(String::as_str))?;
    match locks::first_missing(conn, table, tenant, ids).await? {
        Some(missing) => Err(Error::Invalid(format!("`{field}` names {missing}, which does not exist in this tenant"))),
        None => Ok(()),
    }
}
