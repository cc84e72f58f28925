//! Every HTTP request the server makes on its own (a `swaggerUrl` fetch, SMS
//! providers, WeChat, GitHub, npm) goes through the one [`Outbound`] client, so a URL an
//! admin or a remote server chooses cannot reach the server's own network
//! (SSRF): loopback, private, link-local, CGNAT, multicast and reserved
//! destinations are refused unless the allow-list names them.
//!
//! The check is on the address actually connected to: names are resolved
//! by [`Resolver`], which drops refused addresses (a name that resolves
//! first to a public address and then to a private one — DNS rebinding —
//! finds the private one dropped at connect time); IP-literal URLs, which
//! skip resolution, are checked before the request and at every redirect,
//! of which at most [`MAX_REDIRECTS`] are followed. Each request has a total
//! time limit and [`Outbound::fetch`] a streamed size limit.

use ipnet::IpNet;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::{Client, RequestBuilder, Response, Url};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// Redirects followed per request.
pub const MAX_REDIRECTS: usize = 3;
/// Time allowed for a whole request, body included.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// One allow-list entry: a network (a single address is a /32 or /128),
/// optionally restricted to one port. An entry with a port admits only URLs
/// naming that address literally (`http://127.0.0.1:4000/…`): at resolution
/// time the port is not known, so a name resolving into it stays refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllowEntry {
    pub net: IpNet,
    pub port: Option<u16>,
}

impl std::str::FromStr for AllowEntry {
    type Err = String;

    /// `10.0.0.0/8`, `127.0.0.1`, `127.0.0.1:4000`, `::1`, `[::1]:4000`.
    fn from_str(text: &str) -> Result<AllowEntry, String> {
        let text = text.trim();
        if let Ok(address) = text.parse::<SocketAddr>() {
            return Ok(AllowEntry { net: IpNet::from(canonical(address.ip())), port: Some(address.port()) });
        }
        if let Ok(ip) = text.parse::<IpAddr>() {
            return Ok(AllowEntry { net: IpNet::from(canonical(ip)), port: None });
        }
        text.parse::<IpNet>()
            .map(|net| AllowEntry { net, port: None })
            .map_err(|_| format!("outbound allow-list entry {text:?} is not an address, address:port or CIDR network"))
    }
}

impl<'de> serde::Deserialize<'de> for AllowEntry {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?.parse().map_err(serde::de::Error::custom)
    }
}

/// Why an outbound request did not get an answer it could use.
#[derive(Debug, thiserror::Error)]
pub enum OutboundError {
    /// The destination is not one the server may reach.
    #[error("{0}")]
    Refused(String),
    #[error("the answer is larger than {0} bytes")]
    TooLarge(usize),
    #[error("no complete answer within {} seconds", TIMEOUT.as_secs())]
    Timeout,
    #[error("{0}")]
    Failed(String),
}

/// A refusal, carried through reqwest's error chain from the resolver or
/// the redirect policy.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Refused(String);

/// The allow-list and the address rules.
#[derive(Debug, Default)]
struct Rules {
    allow: Vec<AllowEntry>,
}

impl Rules {
    /// Whether `ip` (at `port`, when known) may be reached.
    fn check(&self, ip: IpAddr, port: Option<u16>) -> Result<(), Refused> {
        let ip = canonical(ip);
        let allowed = || self.allow.iter().any(|e| e.net.contains(&ip) && (e.port.is_none() || e.port == port));
        if public(ip) || allowed() {
            return Ok(());
        }
        Err(Refused(format!(
            "the destination {ip} is a loopback, private, link-local or reserved address, which outbound requests \
             may not reach unless the server's outbound allow-list names it"
        )))
    }

    /// Scheme and, for an IP-literal host, the address.
    fn check_url(&self, url: &Url) -> Result<(), Refused> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Refused(format!("only http and https URLs are fetched, not {}:", url.scheme())));
        }
        let host = url.host_str().ok_or_else(|| Refused("the URL names no host".into()))?;
        match host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
            Ok(ip) => self.check(ip, url.port_or_known_default()),
            // A name: the resolver checks what it resolves to.
            Err(_) => Ok(()),
        }
    }
}

/// An IPv4-mapped IPv6 address as the IPv4 address it is.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// Whether `ip` is a globally routable unicast address.
fn public(ip: IpAddr) -> bool {
    match canonical(ip) {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => public_v6(v6),
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    const REFUSED: &[(u32, u32)] = &[
        (0x0000_0000, 8),  // 0.0.0.0/8 "this network"
        (0x0a00_0000, 8),  // 10/8
        (0x6440_0000, 10), // 100.64/10 CGNAT
        (0x7f00_0000, 8),  // loopback
        (0xa9fe_0000, 16), // link-local, cloud metadata
        (0xac10_0000, 12), // 172.16/12
        (0xc000_0000, 24), // IETF protocol assignments
        (0xc000_0200, 24), // TEST-NET-1
        (0xc058_6300, 24), // 6to4 relay anycast
        (0xc0a8_0000, 16), // 192.168/16
        (0xc612_0000, 15), // benchmarking
        (0xc633_6400, 24), // TEST-NET-2
        (0xcb00_7100, 24), // TEST-NET-3
        (0xe000_0000, 4),  // multicast
        (0xf000_0000, 4),  // reserved, broadcast
    ];
    let bits = u32::from(ip);
    !REFUSED.iter().any(|(net, len)| bits >> (32 - len) == net >> (32 - len))
}

fn public_v6(ip: Ipv6Addr) -> bool {
    let segments = ip.segments();
    // Addresses that embed an IPv4 address are as reachable as it is:
    // NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return public_v4(Ipv4Addr::from((u128::from(ip) & 0xffff_ffff) as u32));
    }
    if segments[0] == 0x2002 {
        return public_v4(Ipv4Addr::new(
            (segments[1] >> 8) as u8,
            segments[1] as u8,
            (segments[2] >> 8) as u8,
            segments[2] as u8,
        ));
    }
    let first = segments[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || first == 0 // ::/16: IPv4-compatible, SIIT ::ffff:0:a.b.c.d and the rest (mapped ones are IPv4 by now)
        || segments[..3] == [0x64, 0xff9b, 1] // local-use NAT64 64:ff9b:1::/48 (RFC 8215)
        || first & 0xfe00 == 0xfc00 // unique local fc00::/7
        || first & 0xffc0 == 0xfe80 // link-local fe80::/10
        || first & 0xffc0 == 0xfec0 // site-local fec0::/10 (deprecated)
        || first & 0xff00 == 0xff00 // multicast
        || (first == 0x2001 && segments[1] == 0x0db8) // documentation
        || (first == 0x2001 && segments[1] == 0) // Teredo
        || segments[..4] == [0x100, 0, 0, 0]) // discard-only 100::/64
}

/// Resolves names with the system resolver and keeps only the addresses the
/// rules admit (ports unknown here; see [`AllowEntry`]).
struct Resolver {
    rules: Arc<Rules>,
}

impl Resolve for Resolver {
    fn resolve(&self, name: Name) -> Resolving {
        let rules = self.rules.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let admitted: Vec<SocketAddr> =
                found.iter().copied().filter(|address| rules.check(address.ip(), None).is_ok()).collect();
            if admitted.is_empty() && !found.is_empty() {
                // The refused addresses are left out: the answer goes to the
                // caller, who must not map internal names to addresses.
                return Err(Box::new(Refused(format!(
                    "{host} resolves only to loopback, private, link-local or reserved addresses, which outbound \
                     requests may not reach unless the server's outbound allow-list names them"
                ))) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(admitted.into_iter()) as Addrs)
        })
    }
}

/// The server's one outbound HTTP client.
#[derive(Clone)]
pub struct Outbound {
    client: Client,
    rules: Arc<Rules>,
}

impl Outbound {
    /// A client that may reach, beyond public addresses, those `allow` names.
    pub fn new(allow: Vec<AllowEntry>) -> anyhow::Result<Outbound> {
        Self::with_timeout(allow, TIMEOUT)
    }

    fn with_timeout(allow: Vec<AllowEntry>, timeout: Duration) -> anyhow::Result<Outbound> {
        let rules = Arc::new(Rules { allow });
        let redirect_rules = rules.clone();
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > MAX_REDIRECTS {
                return attempt.error(Refused(format!("more than {MAX_REDIRECTS} redirects")));
            }
            match redirect_rules.check_url(attempt.url()) {
                Ok(()) => attempt.follow(),
                Err(refused) => attempt.error(refused),
            }
        });
        let client = Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .redirect(policy)
            // A proxy would resolve names itself, out of the resolver's reach.
            .no_proxy()
            .dns_resolver(Resolver { rules: rules.clone() })
            .build()?;
        Ok(Outbound { client, rules })
    }

    /// Sends the request `build` makes with the client, after checking its
    /// URL (the resolver and the redirect policy check the rest).
    pub async fn send(&self, build: impl FnOnce(&Client) -> RequestBuilder) -> Result<Response, OutboundError> {
        let request = build(&self.client).build().map_err(|e| failed(&e))?;
        self.rules.check_url(request.url()).map_err(|r| OutboundError::Refused(r.0))?;
        self.client.execute(request).await.map_err(|e| failed(&e))
    }

    /// The body of a successful `GET url`, refused past `limit` bytes (read
    /// as it streams, so an endless body costs no more than `limit`).
    pub async fn fetch(&self, url: &str, limit: usize) -> Result<Vec<u8>, OutboundError> {
        let url = Url::parse(url).map_err(|e| OutboundError::Failed(format!("the URL is not valid: {e}")))?;
        // Before reqwest, which refuses other schemes less clearly.
        self.rules.check_url(&url).map_err(|r| OutboundError::Refused(r.0))?;
        let response = self.send(|client| client.get(url)).await?;
        if !response.status().is_success() {
            return Err(OutboundError::Failed(format!("the server answered {}", response.status())));
        }
        self.body(response, limit).await
    }

    /// The body of `response`, refused past `limit` bytes (read as it streams).
    pub async fn body(&self, mut response: Response, limit: usize) -> Result<Vec<u8>, OutboundError> {
        if response.content_length().is_some_and(|length| length > limit as u64) {
            return Err(OutboundError::TooLarge(limit));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| failed(&e))? {
            if body.len() + chunk.len() > limit {
                return Err(OutboundError::TooLarge(limit));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

/// A reqwest error as an [`OutboundError`], without the URL (its query may
/// hold a secret).
fn failed(error: &reqwest::Error) -> OutboundError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = source {
        if let Some(refused) = cause.downcast_ref::<Refused>() {
            return OutboundError::Refused(refused.0.clone());
        }
        source = cause.source();
    }
    if error.is_timeout() {
        return OutboundError::Timeout;
    }
    let mut message = error.to_string();
    if let Some(url) = error.url() {
        message = message.replace(url.as_str(), "the URL");
    }
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        message = format!("{message}: {inner}");
        cause = inner.source();
    }
    OutboundError::Failed(message)
}

#[cfg(test)]
mod tests;
