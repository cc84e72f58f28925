//! The client's address, for throttling: the TCP peer, or — when the peer
//! is a reverse proxy trusted by `--trusted-proxies` — the address the proxy
//! chain says it forwards for (`Forwarded`, RFC 7239, else
//! `X-Forwarded-For`).

use http::HeaderMap;
use ipnet::IpNet;
use std::net::IpAddr;

/// Walks the forwarded-for chain from the nearest hop outwards and answers
/// the first address that is not a trusted proxy: everything to its left
/// was written by the client and proves nothing. An entry that is not an
/// address (`unknown`, an obfuscated name) stops the walk at the last
/// trusted hop, which then counts as the client.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(&canonical(*ip)));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut client = peer;
    for hop in forwarded_for(headers).into_iter().rev() {
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

/// The `for` addresses of the `Forwarded` headers, or when there are none
/// of `X-Forwarded-For`, leftmost (farthest) first; `None` for an entry that
/// is not an address.
fn forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let values = |name: &str| {
        headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).map(str::trim)
    };
    let forwarded: Vec<_> = values("forwarded")
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                name.trim().eq_ignore_ascii_case("for").then(|| node(value.trim().trim_matches('"')))
            })
        })
        .collect();
    if !forwarded.is_empty() {
        return forwarded;
    }
    values("x-forwarded-for").filter(|v| !v.is_empty()).map(node).collect()
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
        // An untrusted peer's header is ignored.
        assert_eq!(
            client_ip("203.0.113.9".parse().unwrap(), &xff, &trusted),
            "203.0.113.9".parse::<std::net::IpAddr>().unwrap()
        );
        // Through two trusted proxies to the client.
        assert_eq!(client_ip("10.0.0.1".parse().unwrap(), &xff, &trusted).to_string(), "198.51.100.7");
        // A client writing its own X-Forwarded-For cannot hide behind it.
        let spoofed = headers(&[("x-forwarded-for", "1.2.3.4, 198.51.100.7")]);
        assert_eq!(client_ip("10.0.0.1".parse().unwrap(), &spoofed, &trusted).to_string(), "198.51.100.7");
        // Forwarded wins over X-Forwarded-For; ports and brackets are dropped.
        let both = headers(&[
            ("forwarded", "for=\"[2001:db8:cafe::17]:4711\";proto=https, for=10.0.0.2:8080"),
            ("x-forwarded-for", "192.0.2.1"),
        ]);
        assert_eq!(client_ip("::ffff:10.0.0.1".parse().unwrap(), &both, &trusted).to_string(), "2001:db8:cafe::17");
        // `unknown` stops at the last trusted hop.
        let unknown = headers(&[("forwarded", "for=unknown, for=10.0.0.2")]);
        assert_eq!(client_ip("10.0.0.1".parse().unwrap(), &unknown, &trusted).to_string(), "10.0.0.2");
        // No header: the proxy itself.
        assert_eq!(client_ip("10.0.0.1".parse().unwrap(), &HeaderMap::new(), &trusted).to_string(), "10.0.0.1");
    }
}
