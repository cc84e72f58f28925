//! Case c: PostgreSQL unreachable under load, through a proxy the test
//! cuts and restores (the shared PostgreSQL server keeps running): requests
//! fail fast with 503, `/readyz` says 503, and the same process recovers.

use crate::proxy::Proxy;
use crate::replica::{Api, Replica, binary};
use crate::storm::Fixture;
use keyward_tests::{Db, TestDb};
use serde_json::json;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a request may take to be refused while the database is away:
/// the store's 2 s wait for a connection, and slack for a loaded machine.
const FAST: Duration = Duration::from_secs(4);
const WORKERS: usize = 6;

/// One request of the load, timed from the start of the test.
#[derive(Debug, Clone, Copy)]
struct Sample {
    started: Duration,
    ended: Duration,
    /// `None` when no answer came.
    status: Option<u16>,
    retry_after: bool,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_unreachable_under_load() {
    let Some(bin) = binary() else { return };
    let Some(db) = TestDb::create(Db::Postgres).await else { return };
    let host = db.url.split_once('@').and_then(|(_, rest)| rest.split_once('/')).expect("host in the URL").0;
    let upstream = tokio::net::lookup_host(host).await.unwrap().next().expect("PostgreSQL's address");
    let mut proxy = Proxy::start(upstream).await;
    let proxied = db.url.replacen(host, &proxy.address.to_string(), 1);
    let replica = Replica::start(&bin, &db, &proxied, &[]).await;
    let api = Api::new(&replica.url).await;
    let fixture = Arc::new(Fixture::prepare(&api).await);

    let (clock, stop) = (Instant::now(), Arc::new(AtomicBool::new(false)));
    let samples = Arc::new(Mutex::new(Vec::new()));
    let ready = Arc::new(Mutex::new(Vec::new()));
    let mut load = tokio::task::JoinSet::new();
    for w in 0..WORKERS {
        let (api, fixture, stop, samples) = (api.clone(), fixture.clone(), stop.clone(), samples.clone());
        load.spawn(async move {
            for i in 0.. {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                // Admin writes and end-user writes, half and half.
                let request = if w % 2 == 0 {
                    let body = json!({ "name": format!("role-{w}-{i}") });
                    api.http.post(format!("{}/api/Role", api.url)).bearer_auth(&api.admin_token).json(&body)
                } else {
                    fixture.credit_request(&api, &format!("credit-{w}-{i}"))
                };
                let started = clock.elapsed();
                let response = request.send().await;
                let retry_after = response.as_ref().is_ok_and(|r| r.headers().contains_key("retry-after"));
                let status = response.ok().map(|r| r.status().as_u16());
                samples.lock().unwrap().push(Sample { started, ended: clock.elapsed(), status, retry_after });
            }
        });
    }
    load.spawn({
        let (api, stop, ready) = (api.clone(), stop.clone(), ready.clone());
        async move {
            while !stop.load(Ordering::Relaxed) {
                let status = api.ready().await;
                ready.lock().unwrap().push((clock.elapsed(), status));
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    });

    tokio::time::sleep(Duration::from_secs(2)).await;
    let cut = clock.elapsed();
    proxy.cut().await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let restored = clock.elapsed();
    proxy.restore();
    tokio::time::sleep(Duration::from_secs(4)).await;
    stop.store(true, Ordering::Relaxed);
    while load.join_next().await.is_some() {}

    let samples = samples.lock().unwrap().clone();
    let ready = ready.lock().unwrap().clone();
    let ok = |s: &Sample| s.status.is_some_and(|status| status < 300);
    let before: Vec<_> = samples.iter().filter(|s| s.ended < cut).collect();
    let during: Vec<_> = samples.iter().filter(|s| s.started >= cut && s.ended <= restored).collect();
    let recovered_at = samples.iter().filter(|s| s.started >= restored && ok(s)).map(|s| s.ended).min();
    let recovered_at = recovered_at.expect("a request succeeded after the restore");
    let after: Vec<_> = samples.iter().filter(|s| s.started >= recovered_at).collect();
    let ready_503 = ready.iter().find(|(at, status)| *at >= cut && *status == Some(503)).map(|(at, _)| *at - cut);
    let ready_again =
        ready.iter().find(|(at, status)| *at >= restored && *status == Some(200)).map(|(at, _)| *at - restored);
    let slowest = during.iter().map(|s| s.ended - s.started).max().unwrap_or_default();
    eprintln!(
        "figures: PostgreSQL cut for {:.1} s under {WORKERS} writers: {} requests before (all 2xx: {}); during the cut {} \
         answered 503 ({} with Retry-After), {} other, slowest {:.2} s; /readyz 503 after {:?}; after the restore the \
         first write succeeded in {:.2} s, /readyz 200 in {:?}; {} requests after recovery, {} failed",
        (restored - cut).as_secs_f64(),
        before.len(),
        before.iter().all(|s| ok(s)),
        during.iter().filter(|s| s.status == Some(503)).count(),
        during.iter().filter(|s| s.retry_after).count(),
        during.iter().filter(|s| s.status != Some(503)).count(),
        slowest.as_secs_f64(),
        ready_503,
        (recovered_at - restored).as_secs_f64(),
        ready_again,
        after.len(),
        after.iter().filter(|s| !ok(s)).count(),
    );
    assert!(!before.is_empty() && before.iter().all(|s| ok(s)), "all served before the cut");
    assert!(during.len() >= WORKERS, "load went on during the cut");
    assert!(during.iter().all(|s| s.status == Some(503)), "only 503s during the cut: {during:?}");
    assert!(slowest <= FAST, "refused fast, not held: the slowest took {slowest:?}");
    assert!(ready_503.is_some_and(|after| after <= Duration::from_secs(2)), "/readyz turned 503");
    assert!(recovered_at - restored <= Duration::from_secs(3), "recovered without a restart");
    assert!(ready_again.is_some(), "/readyz turned 200 again");
    assert!(after.len() > WORKERS && after.iter().all(|s| ok(s)), "fully recovered: {after:?}");
}
