//! The outbound rules against a real local HTTP server, allow-listed by
//! address and port.

use super::{AllowEntry, Outbound, OutboundError};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A server answering by path: `/ok`, `/hops/N` (N redirects to `/ok`),
/// `/to?<url>` (a redirect to the URL), `/big` (2 MB), `/slow` (a body that
/// never ends, one byte a second).
async fn serve() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut reader = BufReader::new(stream);
                let mut line = String::new();
                reader.read_line(&mut line).await?;
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                loop {
                    let mut header = String::new();
                    reader.read_line(&mut header).await?;
                    if header.trim().is_empty() {
                        break;
                    }
                }
                let mut stream = reader.into_inner();
                let redirect = |to: &str| format!("HTTP/1.1 302 Found\r\nlocation: {to}\r\ncontent-length: 0\r\n\r\n");
                let answer = match path.as_str() {
                    "/ok" => "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok".to_string(),
                    "/big" => format!("HTTP/1.1 200 OK\r\n\r\n{}", "x".repeat(2_000_000)),
                    "/slow" => {
                        stream.write_all(b"HTTP/1.1 200 OK\r\n\r\n").await?;
                        loop {
                            stream.write_all(b"x").await?;
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        }
                    }
                    hops if hops.starts_with("/hops/") => match hops[6..].parse::<u32>().unwrap_or(0) {
                        0 => redirect("/ok"),
                        n => redirect(&format!("/hops/{}", n - 1)),
                    },
                    to if to.starts_with("/to?") => redirect(&to[4..]),
                    _ => "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n".to_string(),
                };
                stream.write_all(answer.as_bytes()).await?;
                stream.shutdown().await?;
                anyhow::Ok(())
            });
        }
    });
    address
}

/// A server and an outbound client that may reach exactly it.
async fn allowed() -> (Outbound, String) {
    let address = serve().await;
    let outbound = Outbound::with_timeout(vec![address.to_string().parse().unwrap()], Duration::from_secs(2)).unwrap();
    (outbound, format!("http://{address}"))
}

fn refused(result: Result<Vec<u8>, OutboundError>) -> String {
    match result {
        Err(OutboundError::Refused(why)) => why,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn an_allow_listed_server_is_reached_through_three_redirects() {
    let (outbound, base) = allowed().await;
    assert_eq!(outbound.fetch(&format!("{base}/ok"), 100).await.unwrap(), b"ok");
    assert_eq!(outbound.fetch(&format!("{base}/hops/2"), 100).await.unwrap(), b"ok", "three redirects are followed");
    let why = refused(outbound.fetch(&format!("{base}/hops/3"), 100).await);
    assert!(why.contains("more than 3 redirects"), "{why}");
}

#[tokio::test]
async fn private_loopback_and_metadata_addresses_are_refused() {
    let (outbound, base) = allowed().await;
    let port = base.rsplit(':').next().unwrap();
    for url in [
        format!("http://127.0.0.1:{}/ok", port.parse::<u16>().unwrap() ^ 1),
        "http://127.0.0.2/".into(),
        "http://[::1]/".into(),
        "http://[::ffff:169.254.169.254]/".into(),
        "http://[::ffff:0:7f00:1]/".into(),
        "http://[64:ff9b:1::a00:1]/".into(),
        "http://[64:ff9b::a00:1]/".into(),
        "http://169.254.169.254/latest/meta-data/".into(),
        "http://10.1.2.3/".into(),
        "http://172.16.0.1/".into(),
        "http://192.168.1.1/".into(),
        "http://100.64.0.1/".into(),
        "http://0.0.0.0/".into(),
        "http://224.0.0.1/".into(),
        "http://[fd00::1]/".into(),
        "http://[fe80::1]/".into(),
        "http://2130706433/".into(),
    ] {
        let why = refused(outbound.fetch(&url, 100).await);
        assert!(why.contains("outbound allow-list"), "{url}: {why}");
    }
    let why = refused(outbound.fetch("ftp://example.com/", 100).await);
    assert!(why.contains("only http and https"), "{why}");
}

#[tokio::test]
async fn a_name_resolving_to_loopback_is_refused_at_connect_time() {
    let (outbound, base) = allowed().await;
    let port = base.rsplit(':').next().unwrap();
    // The same server by name: an address:port entry admits literal URLs only.
    let why = refused(outbound.fetch(&format!("http://localhost:{port}/ok"), 100).await);
    assert!(why.contains("localhost resolves only to loopback"), "{why}");
    // A network entry admits names resolving into it.
    let loopback = Outbound::with_timeout(vec!["127.0.0.0/8".parse().unwrap()], Duration::from_secs(2)).unwrap();
    assert_eq!(loopback.fetch(&format!("http://localhost:{port}/ok"), 100).await.unwrap(), b"ok");
}

#[tokio::test]
async fn a_redirect_to_a_refused_address_is_not_followed() {
    let (outbound, base) = allowed().await;
    for target in ["http://127.0.0.1:9/", "http://169.254.169.254/", "http://localhost/"] {
        let result = outbound.fetch(&format!("{base}/to?{target}"), 100).await;
        assert!(matches!(result, Err(OutboundError::Refused(_))), "{target}: {result:?}");
    }
    let result = outbound.fetch(&format!("{base}/to?file:///etc/passwd"), 100).await;
    assert!(result.is_err(), "a redirect out of http(s) is not followed: {result:?}");
}

#[tokio::test]
async fn oversize_and_slow_bodies_are_cut_off() {
    let (outbound, base) = allowed().await;
    let result = outbound.fetch(&format!("{base}/big"), 1_000_000).await;
    assert!(matches!(result, Err(OutboundError::TooLarge(1_000_000))), "{result:?}");
    let started = std::time::Instant::now();
    let result = outbound.fetch(&format!("{base}/slow"), 1_000_000).await;
    assert!(matches!(result, Err(OutboundError::Timeout)), "{result:?}");
    assert!(started.elapsed() < Duration::from_secs(4), "the total time limit holds: {:?}", started.elapsed());
}

#[test]
fn allow_entries_parse() {
    let entry = |text: &str| text.parse::<AllowEntry>();
    assert_eq!(entry("127.0.0.1:4000").unwrap().port, Some(4000));
    assert_eq!(entry("[::1]:4000").unwrap().port, Some(4000));
    assert_eq!(entry("10.0.0.0/8").unwrap().net.prefix_len(), 8);
    assert_eq!(entry("::1").unwrap().net.prefix_len(), 128);
    assert!(entry("example.com").unwrap_err().contains("not an address"));
}
