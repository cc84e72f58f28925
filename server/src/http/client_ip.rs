//! The client's address, for throttling: the TCP peer, or — when the peer
//! is a reverse proxy trusted by `--trusted-proxies` — the address the proxy
//! chain says it forwards for, read from the one header the proxies are
//! configured to write (`--forwarded-header`).
//!
//! Only one header is read because a proxy that writes one passes the other
//! through from the client untouched: nginx appends to `X-Forwarded-For`
//! and forwards a client's `Forwarded` as it came, so believing both would
//! let any client name a new address per request.

use crate::config::ForwardedHeader;
use http::HeaderMap;
use ipnet::IpNet;
use std::net::IpAddr;

/// Walks the forwarded-for chain from the nearest hop outwards and answers
/// the first address that is not a trusted proxy: everything to its left
/// was written by the client and proves nothing. An entry that is not an
/// address (`unknown`, an obfuscated name) stops the walk at the last
/// trusted hop, which then counts as the client.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet], header: ForwardedHeader) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(&canonical(*ip)));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut client = peer;
    for hop in forwarded_for(headers, header).into_iter().rev() {
        match hop {
            Some(ip) if is_trusted(&ip) => client = ip,
            Some(ip) => return ip,
            None => return client,
        }
    }
    client
}

/// IPv4-mapped IPv6 addresses compare as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

/// The addresses `header` forwards for, leftmost (farthest) first; `None`
/// for an entry that is not an address.
fn forwarded_for(headers: &HeaderMap, header: ForwardedHeader) -> Vec<Option<IpAddr>> {
    let values = |name: &str| {
        headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).map(str::trim)
    };
    match header {
        ForwardedHeader::Forwarded => values("forwarded").filter_map(for_parameter).collect(),
        ForwardedHeader::XForwardedFor => values("x-forwarded-for").filter(|v| !v.is_empty()).map(node).collect(),
    }
}

/// The `for` node of one `Forwarded` element, if it has one.
fn for_parameter(element: &str) -> Option<Option<IpAddr>> {
    element.split(';').find_map(|pair| {
        let (name, value) = pair.trim().split_once('=')?;
        name.trim().eq_ignore_ascii_case("for").then(|| node(value.trim().trim_matches('"')))
    })
}

/// An address with an optional port: `192.0.2.1`, `192.0.2.1:80`,
/// `[2001:db8::1]`, `[2001:db8::1]:80` or a bare IPv6 address.
fn node(value: &str) -> Option<IpAddr> {
    if let Some(rest) = value.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    value.parse().ok().or_else(|| value.rsplit_once(':')?.0.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4))
}

#[cfg(test)]
mod tests {
    use super::client_ip;
    use crate::config::ForwardedHeader::{Forwarded, XForwardedFor};
    use http::HeaderMap;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn only_trusted_peers_are_believed() {
        let trusted = ["10.0.0.0/8".parse().unwrap(), "2001:db8:ffff::/48".parse().unwrap()];
        let xff = headers(&[("x-forwarded-for", "198.51.100.7, 10.0.0.3")]);
        let from =
            |peer: &str, headers: &HeaderMap, header| client_ip(peer.parse().unwrap(), headers, &trusted, header);
        // An untrusted peer's header is ignored.
        assert_eq!(from("203.0.113.9", &xff, XForwardedFor).to_string(), "203.0.113.9");
        // Through two trusted proxies to the client.
        assert_eq!(from("10.0.0.1", &xff, XForwardedFor).to_string(), "198.51.100.7");
        // A client writing its own X-Forwarded-For cannot hide behind it.
        let spoofed = headers(&[("x-forwarded-for", "1.2.3.4, 198.51.100.7")]);
        assert_eq!(from("10.0.0.1", &spoofed, XForwardedFor).to_string(), "198.51.100.7");
        // `unknown` stops at the last trusted hop.
        let unknown = headers(&[("forwarded", "for=unknown, for=10.0.0.2")]);
        assert_eq!(from("10.0.0.1", &unknown, Forwarded).to_string(), "10.0.0.2");
        // No header: the proxy itself.
        assert_eq!(from("10.0.0.1", &HeaderMap::new(), XForwardedFor).to_string(), "10.0.0.1");
    }

    #[test]
    fn only_the_configured_header_is_read() {
        let trusted = ["10.0.0.0/8".parse().unwrap()];
        let both = headers(&[
            ("forwarded", "for=\"[2001:db8:cafe::17]:4711\";proto=https, for=10.0.0.2:8080"),
            ("x-forwarded-for", "192.0.2.1"),
        ]);
        let from = |header| client_ip("::ffff:10.0.0.1".parse().unwrap(), &both, &trusted, header).to_string();
        // Ports and brackets are dropped; the other header is the client's own.
        assert_eq!(from(Forwarded), "2001:db8:cafe::17");
        assert_eq!(from(XForwardedFor), "192.0.2.1");
        // Behind a proxy writing X-Forwarded-For, a client's Forwarded is not read.
        let nginx = headers(&[("forwarded", "for=203.0.113.50"), ("x-forwarded-for", "198.51.100.7")]);
        assert_eq!(client_ip("10.0.0.1".parse().unwrap(), &nginx, &trusted, XForwardedFor).to_string(), "198.51.100.7");
    }
}
