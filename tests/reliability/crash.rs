//! Case b: `kill -9` of a replica in the middle of a write storm, then a
//! restart on the same database: every acknowledged write is there, and no
//! points credit applies twice.

use crate::replica::{Api, Replica, binary};
use crate::storm::{self, Fixture};
use keyward_tests::{Db, TestDb};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_in_a_write_storm_on_sqlite() {
    kill_9_in_a_write_storm(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_in_a_write_storm_on_postgres() {
    kill_9_in_a_write_storm(Db::Postgres).await;
}

async fn kill_9_in_a_write_storm(kind: Db) {
    let Some(bin) = binary() else { return };
    let Some(db) = TestDb::create(kind).await else { return };
    let replica = Replica::start(&bin, &db, &db.url, &[]).await;
    let api = Api::new(&replica.url).await;
    let fixture = Arc::new(Fixture::prepare(&api).await);
    let chains = storm::sign_in_chains(&api, &fixture).await;
    let stop = Arc::new(AtomicBool::new(false));
    let storm = tokio::spawn({
        let (api, fixture, stop) = (api.clone(), fixture.clone(), stop.clone());
        async move { storm::run(&api, &fixture, chains, &stop).await }
    });
    tokio::time::sleep(Duration::from_secs(3)).await;
    replica.kill().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    let acknowledged = storm.await.expect("storm ran");
    eprintln!("figures: kill -9 on {kind:?}: {}", storm::summary(&acknowledged));
    assert!(acknowledged.roles.len() > 10 && acknowledged.credits.len() > 10, "the storm wrote: {acknowledged:?}");

    let restarted = Replica::start(&bin, &db, &db.url, &[]).await;
    storm::check(&db, &api.at(&restarted.url), &fixture, &acknowledged).await;
}
