//! Replicas started together on one empty PostgreSQL database, as a
//! deployment with `replicas: 2` does on its first start.

use keyward_server::server::start;
use keyward_tests::sinks::Sinks;
use keyward_tests::{ADMIN_ID, Db, TestDb, settings};
use sqlx::{Connection, Row};

/// Two replicas bootstrapping one empty database at the same moment make
/// one default tenant, one key per algorithm and one admin client, and both
/// start. Three rounds, each on a fresh database.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_bootstrap_once() {
    for _ in 0..3 {
        let Some(db) = TestDb::create(Db::Postgres).await else { return };
        let sinks = Sinks::start().await;
        let (a, b) = tokio::join!(start(settings(&db, &sinks)), start(settings(&db, &sinks)));
        let (a, b) = (a.expect("replica A starts"), b.expect("replica B starts"));
        let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
        for (query, expected, what) in [
            ("SELECT COUNT(*) FROM tenants", 1, "one default tenant"),
            ("SELECT COUNT(*) FROM signing_keys", 2, "one RS256 and one ES256 key"),
            ("SELECT COUNT(*) FROM clients WHERE client_id = $1", 1, "one admin client"),
        ] {
            let found: i64 = sqlx::query(query).bind(ADMIN_ID).fetch_one(&mut conn).await.unwrap().get(0);
            assert_eq!(found, expected, "{what}");
        }
        conn.close().await.unwrap();
        a.stop().await.unwrap();
        b.stop().await.unwrap();
    }
}
