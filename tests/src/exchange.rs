//! One HTTP/1.1 exchange on a raw connection, for the local fakes of the
//! services Keyward calls: the request read whole, one JSON answer, the
//! connection closed.

use std::collections::HashMap;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// A request as received.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path and query.
    pub target: String,
    /// Names lower-cased.
    pub headers: HashMap<String, String>,
    pub body: String,
}

/// Reads one request; the connection to answer it on.
pub async fn read(stream: TcpStream) -> anyhow::Result<(Request, TcpStream)> {
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line).await?;
    let mut headers = HashMap::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).await?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
        }
    }
    let length: usize = headers.get("content-length").and_then(|l| l.parse().ok()).unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).await?;
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("GET").to_string();
    let target = parts.next().unwrap_or("/").to_string();
    let request = Request { method, target, headers, body: String::from_utf8_lossy(&body).into_owned() };
    Ok((request, reader.into_inner()))
}

/// Answers `status` with a JSON body and closes.
pub async fn answer(mut stream: TcpStream, status: u16, body: &serde_json::Value) -> anyhow::Result<()> {
    let body = body.to_string();
    let response = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    Ok(())
}
