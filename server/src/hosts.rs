//! Which hosts are the local machine, where plain `http` is allowed
//! (redirect URIs, issuers), and the issuer a host implies.

use reqwest::Url;

/// Whether a URL's host is the local machine: `localhost` or a loopback
/// address, as the URL parser read it (IPv6 hosts come bracketed).
pub fn is_loopback(url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let address = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    host.eq_ignore_ascii_case("localhost") || address.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Whether a host (with or without port) is the local machine, where plain
/// `http` issuers are allowed: read by the URL parser, so `127.evil.example`
/// is not.
fn is_loopback_host(host: &str) -> bool {
    reqwest::Url::parse(&format!("http://{host}/")).is_ok_and(|url| is_loopback(&url))
}

/// The issuer of a tenant that names none: `https://<host>`, or `http://`
/// on a loopback host. Migration 0005 applies the same rule in SQL.
pub fn derived_issuer(host: &str) -> String {
    format!("{}://{host}", if is_loopback_host(host) { "http" } else { "https" })
}
