//! The request log on a real standard output: the `keyward` binary at the
//! default level, one JSON line per request, and requests that never wait
//! for a standard output nobody reads.

use keyward_tests::{Db, TestDb, binary};
use serde_json::Value;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStdout, Command};

/// `keyward serve` at the default log level on a fresh SQLite database, its
/// standard output piped to the test; its URL.
async fn serve(db: &TestDb) -> (Child, ChildStdout, String) {
    let mut child = Command::new(binary::path())
        .args(["serve", "--bind", "127.0.0.1:0", "--config", "/nonexistent.toml", "--database-url", &db.url])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("keyward starts");
    let stdout = child.stdout.take().expect("stdout piped");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr piped")).lines();
    let address = loop {
        let line = lines.next_line().await.expect("stderr readable").expect("keyward exited before listening");
        if let Some(address) = line.strip_prefix("keyward listening on http://") {
            break address.trim().to_string();
        }
    };
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, stdout, format!("http://{address}"))
}

/// The request id the server gave a response.
fn request_id(response: &reqwest::Response) -> String {
    response.headers()["x-request-id"].to_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_line_per_request_written_when_idle() {
    let db = TestDb::create(Db::Sqlite).await.unwrap();
    let (_child, stdout, url) = serve(&db).await;
    let mut lines = BufReader::new(stdout).lines();
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let logout = http.get(format!("{url}/oauth/logout?id_token_hint=eyJsecret.part.sig&state=s")).send().await.unwrap();
    let logout_id = request_id(&logout);
    let health = http.get(format!("{url}/healthz")).send().await.unwrap();
    let health_id = request_id(&health);
    // Nothing more is sent: the lines must come out of the buffer on their own.
    let mut seen: Vec<Value> = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), async {
        while !seen.iter().any(|line| line["req_id"] == health_id.as_str()) {
            let line = lines.next_line().await.unwrap().expect("keyward still writing");
            seen.push(serde_json::from_str(&line).unwrap_or_else(|_| panic!("a JSON line: {line}")));
        }
    })
    .await
    .expect("the request lines written without more traffic");
    let of_logout: Vec<&Value> = seen.iter().filter(|line| line["req_id"] == logout_id.as_str()).collect();
    assert_eq!(of_logout.len(), 1, "one line per request: {seen:#?}");
    let line = of_logout[0];
    assert_eq!(line["msg"], "request completed");
    assert_eq!(line["level"], 30);
    assert_eq!(line["method"], "GET");
    assert_eq!(line["uri"], "/oauth/logout?id_token_hint=REDACTED&state=s");
    assert_eq!(line["response_code"], logout.status().as_u16());
    assert!(line["latency_us"].as_u64().is_some(), "{line}");
    let text = serde_json::to_string(&seen).unwrap();
    assert!(!text.contains("eyJsecret"), "the credential stays out of the log");
    assert!(!text.contains("accepted connection"), "connections are not logged at info: {text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_stdout_drops_lines_and_stalls_no_request() {
    let db = TestDb::create(Db::Sqlite).await.unwrap();
    // The pipe is kept open and never read: it fills, then the writer blocks.
    let (_child, _unread, url) = serve(&db).await;
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    // More lines than the pipe, the writer's buffer and the queue hold.
    let (connections, each) = (8, 1500);
    let started = std::time::Instant::now();
    let workers: Vec<_> = (0..connections)
        .map(|_| {
            let (http, url) = (http.clone(), url.clone());
            tokio::spawn(async move {
                for _ in 0..each {
                    let response = http.get(format!("{url}/healthz")).send().await.expect("answered in time");
                    assert_eq!(response.status(), 200);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.unwrap();
    }
    eprintln!("{} requests in {:?} with a stalled stdout", connections * each, started.elapsed());
    let metrics = http.get(format!("{url}/metrics")).send().await.unwrap().text().await.unwrap();
    let dropped: u64 = metrics
        .lines()
        .find_map(|line| line.strip_prefix("keyward_log_lines_dropped_total "))
        .expect("the dropped-lines counter in /metrics")
        .parse()
        .unwrap();
    assert!(dropped > 0, "lines were dropped: {metrics}");
    assert!(dropped < (connections * each + 1) as u64, "{dropped} dropped of {} lines", connections * each + 1);
}
