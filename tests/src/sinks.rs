//! Local stand-ins for what Keyward talks to: an SMTP server that accepts
//! every message, and an HTTP server playing the SMS webhook, Aliyun's SMS
//! API and WeChat's `code2session`. Tests read the codes they received.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A message one of the sinks received.
#[derive(Debug, Clone)]
pub struct Received {
    /// `email`, `webhook` or `aliyun`.
    pub via: &'static str,
    pub to: String,
    /// The whole SMTP message, or the HTTP body.
    pub body: String,
    pub headers: HashMap<String, String>,
}

#[derive(Clone, Default)]
pub struct Sinks {
    received: Arc<Mutex<Vec<Received>>>,
    pub smtp_port: u16,
    pub http_url: String,
}

impl Sinks {
    pub async fn start() -> Sinks {
        let mut sinks = Sinks::default();
        let smtp = TcpListener::bind("127.0.0.1:0").await.unwrap();
        sinks.smtp_port = smtp.local_addr().unwrap().port();
        let http = TcpListener::bind("127.0.0.1:0").await.unwrap();
        sinks.http_url = format!("http://{}", http.local_addr().unwrap());
        let received = sinks.received.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = smtp.accept().await {
                tokio::spawn(smtp_session(stream, received.clone()));
            }
        });
        let received = sinks.received.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = http.accept().await {
                tokio::spawn(http_exchange(stream, received.clone()));
            }
        });
        sinks
    }

    /// Everything received so far.
    pub fn all(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// The newest message to `to` (waiting up to 5 s for one).
    pub async fn last_to(&self, to: &str) -> Received {
        for _ in 0..100 {
            if let Some(found) = self.all().into_iter().rev().find(|r| r.to.eq_ignore_ascii_case(to)) {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("nothing was delivered to {to}");
    }

    /// The 6-digit code in the newest message to `to`.
    pub async fn code_for(&self, to: &str) -> String {
        code_in(&self.last_to(to).await.body).unwrap_or_else(|| panic!("no 6-digit code in the message to {to}"))
    }

    /// How many messages went to `to`.
    pub fn count_to(&self, to: &str) -> usize {
        self.all().iter().filter(|r| r.to.eq_ignore_ascii_case(to)).count()
    }
}

/// The first run of exactly six digits.
pub fn code_in(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(5)).find_map(|i| {
        let run = &bytes[i..i + 6];
        let before = i.checked_sub(1).map(|j| bytes[j].is_ascii_digit()).unwrap_or(false);
        let after = bytes.get(i + 6).is_some_and(u8::is_ascii_digit);
        (run.iter().all(u8::is_ascii_digit) && !before && !after).then(|| String::from_utf8_lossy(run).into_owned())
    })
}

async fn smtp_session(stream: tokio::net::TcpStream, received: Arc<Mutex<Vec<Received>>>) -> anyhow::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    write.write_all(b"220 sink ESMTP\r\n").await?;
    let mut to = String::new();
    while let Some(line) = lines.next_line().await? {
        let upper = line.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            b"250-sink\r\n250 8BITMIME\r\n"
        } else if upper.starts_with("RCPT TO:") {
            to = line[8..].trim().trim_start_matches('<').trim_end_matches('>').to_string();
            b"250 OK\r\n"
        } else if upper.starts_with("DATA") {
            write.write_all(b"354 go ahead\r\n").await?;
            let mut body = String::new();
            while let Some(data) = lines.next_line().await? {
                if data == "." {
                    break;
                }
                body.push_str(&data);
                body.push('\n');
            }
            received.lock().unwrap().push(Received { via: "email", to: to.clone(), body, headers: HashMap::new() });
            b"250 queued\r\n"
        } else if upper.starts_with("QUIT") {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            b"250 OK\r\n"
        };
        write.write_all(reply).await?;
    }
    Ok(())
}

async fn http_exchange(stream: tokio::net::TcpStream, received: Arc<Mutex<Vec<Received>>>) -> anyhow::Result<()> {
    let (request, stream) = crate::exchange::read(stream).await?;
    let crate::exchange::Request { target, headers, body, .. } = request;
    let answer = if target.starts_with("/sns/jscode2session") {
        let query: HashMap<String, String> =
            serde_urlencoded::from_str(target.split_once('?').map_or("", |(_, q)| q)).unwrap_or_default();
        let code = query.get("js_code").cloned().unwrap_or_default();
        if query.get("secret").map(String::as_str) == Some(WECHAT_SECRET) && code.starts_with("good-") {
            serde_json::json!({ "openid": format!("openid-{code}"), "unionid": format!("union-{code}"), "session_key": "k" })
        } else {
            serde_json::json!({ "errcode": 40029, "errmsg": "invalid code" })
        }
    } else if target.starts_with("/aliyun") {
        let form: HashMap<String, String> = serde_urlencoded::from_str(&body).unwrap_or_default();
        let to = form.get("PhoneNumbers").cloned().unwrap_or_default();
        let code = form.get("TemplateParam").cloned().unwrap_or_default();
        received.lock().unwrap().push(Received { via: "aliyun", to, body: code, headers: form });
        serde_json::json!({ "Code": "OK", "Message": "OK", "RequestId": "test", "BizId": "test" })
    } else {
        let json: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        let to = json["phone"].as_str().unwrap_or_default().to_string();
        let mut with_body = headers.clone();
        with_body.insert("raw-body".into(), body.clone());
        received.lock().unwrap().push(Received { via: "webhook", to, body, headers: with_body });
        serde_json::json!({ "ok": true })
    };
    crate::exchange::answer(stream, 200, &answer).await
}

/// The WeChat mini-program secret the fake `code2session` accepts.
pub const WECHAT_SECRET: &str = "wechat-test-secret";
/// The key the SMS webhook signs with in tests.
pub const WEBHOOK_SECRET: &str = "webhook-test-secret";
