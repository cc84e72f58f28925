//! Case d: SIGTERM under load. Every request is either answered normally
//! or never read (its connection refused, or closed before the server read
//! it, which a client may retry): no request is processed and then left
//! without an answer. The process exits 0 within the shutdown timeout.

use crate::replica::{Api, Replica, binary};
use crate::storm::Fixture;
use keyward_tests::{Db, TestDb};
use serde_json::json;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(5);
const ROLE_WRITERS: usize = 6;
const SIGN_INS: usize = 2;

/// What became of one request.
#[derive(Debug)]
enum Fate {
    Answered {
        status: u16,
        in_flight_at_signal: bool,
    },
    /// The connection was refused: never accepted.
    Refused,
    /// No answer on an accepted connection; for a role write, its name.
    Unanswered {
        role: Option<String>,
        error: String,
    },
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_load() {
    let Some(bin) = binary() else { return };
    let Some(db) = TestDb::create(Db::Sqlite).await else { return };
    let timeout = SHUTDOWN_TIMEOUT.as_secs().to_string();
    let replica = Replica::start(&bin, &db, &db.url, &["--shutdown-timeout", &timeout]).await;
    let mut api = Api::new(&replica.url).await;
    let fixture = Arc::new(Fixture::prepare(&api).await);
    // A connection per request: a closed keep-alive connection would make
    // an unread request look like a lost one.
    api.http = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();

    let (stop, signalled) = (Arc::new(AtomicBool::new(false)), Arc::new(Mutex::new(None::<Instant>)));
    let fates = Arc::new(Mutex::new(Vec::new()));
    let mut load = tokio::task::JoinSet::new();
    for w in 0..ROLE_WRITERS + SIGN_INS {
        let (api, fixture, stop, signalled, fates) =
            (api.clone(), fixture.clone(), stop.clone(), signalled.clone(), fates.clone());
        load.spawn(async move {
            for i in 0.. {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let (request, role) = if w < ROLE_WRITERS {
                    let name = format!("role-{w}-{i}");
                    let body = json!({ "name": name });
                    (
                        api.http.post(format!("{}/api/Role", api.url)).bearer_auth(&api.admin_token).json(&body),
                        Some(name),
                    )
                } else {
                    (fixture.sign_in_request(&api), None)
                };
                let started = Instant::now();
                let fate = match request.send().await {
                    Ok(response) => {
                        let status = response.status().as_u16();
                        let signal = *signalled.lock().unwrap();
                        let in_flight_at_signal = signal.is_some_and(|at| started < at);
                        match response.bytes().await {
                            Ok(_) => Fate::Answered { status, in_flight_at_signal },
                            Err(e) => Fate::Unanswered { role, error: format!("body cut: {e}") },
                        }
                    }
                    Err(e) if e.is_connect() => Fate::Refused,
                    Err(e) => Fate::Unanswered { role, error: format!("{e:?}") },
                };
                if !matches!(fate, Fate::Answered { .. }) {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                fates.lock().unwrap().push(fate);
            }
        });
    }

    tokio::time::sleep(Duration::from_millis(1500)).await;
    *signalled.lock().unwrap() = Some(Instant::now());
    let sent = Instant::now();
    replica.terminate();
    let code = replica.exit_code(SHUTDOWN_TIMEOUT + Duration::from_secs(5)).await;
    let took = sent.elapsed();
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.store(true, Ordering::Relaxed);
    while load.join_next().await.is_some() {}

    let fates = std::mem::take(&mut *fates.lock().unwrap());
    let roles: HashSet<String> = db.texts("SELECT name FROM roles").await.into_iter().collect();
    let answered: Vec<_> = fates.iter().filter(|f| matches!(f, Fate::Answered { .. })).collect();
    let finished_in_flight =
        fates.iter().filter(|f| matches!(f, Fate::Answered { in_flight_at_signal: true, .. })).count();
    let refused = fates.iter().filter(|f| matches!(f, Fate::Refused)).count();
    let unanswered: Vec<_> = fates.iter().filter(|f| matches!(f, Fate::Unanswered { .. })).collect();
    let processed_unanswered: Vec<_> = unanswered
        .iter()
        .filter(|f| matches!(f, Fate::Unanswered { role: Some(name), .. } if roles.contains(name)))
        .collect();
    eprintln!(
        "figures: SIGTERM under {} writers and {SIGN_INS} sign-in loops: exit code {code:?} after {:.2} s \
         (timeout {}s); {} requests answered ({finished_in_flight} of them in flight at the signal), {refused} \
         refused at connect, {} closed unread (first: {:?}), {} processed but unanswered",
        ROLE_WRITERS,
        took.as_secs_f64(),
        SHUTDOWN_TIMEOUT.as_secs(),
        answered.len(),
        unanswered.len(),
        unanswered.iter().find_map(|f| match f {
            Fate::Unanswered { error, .. } => Some(error),
            _ => None,
        }),
        processed_unanswered.len(),
    );
    assert_eq!(code, Some(0), "exit code 0");
    assert!(took <= SHUTDOWN_TIMEOUT + Duration::from_secs(1), "stopped within the shutdown timeout");
    assert!(finished_in_flight > 0, "requests in flight at the signal were finished");
    let bad: Vec<_> =
        answered.iter().filter(|f| matches!(f, Fate::Answered { status, .. } if *status >= 300)).collect();
    assert!(bad.is_empty(), "every answer normal: {bad:?}");
    assert!(processed_unanswered.is_empty(), "processed but answered by a closed connection: {processed_unanswered:?}");
}
