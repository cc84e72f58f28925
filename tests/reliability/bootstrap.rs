//! Case a: two replicas started at the same moment on one empty PostgreSQL
//! database, as a deployment with `replicas: 2` does the first time.

use crate::replica::{Api, Replica, binary};
use keyward_tests::{Db, TestDb};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_start_together_on_an_empty_database() {
    let Some(bin) = binary() else { return };
    let Some(db) = TestDb::create(Db::Postgres).await else { return };
    let (a, b) = tokio::join!(Replica::start(&bin, &db, &db.url, &[]), Replica::start(&bin, &db, &db.url, &[]));
    assert_eq!(db.texts("SELECT name FROM tenants").await, ["default"], "exactly one default tenant");
    let mut algorithms = db.texts("SELECT alg FROM signing_keys").await;
    algorithms.sort();
    assert_eq!(algorithms, ["ES256", "RS256"], "one key per algorithm");
    // Both serve, and accept each other's tokens.
    let api = Api::new(&a.url).await;
    for (i, replica) in [&a, &b].into_iter().enumerate() {
        let api = api.at(&replica.url);
        api.admin_ok(reqwest::Method::POST, "/api/Role", serde_json::json!({ "name": format!("role-{i}") })).await;
        assert_eq!(api.ready().await, Some(200));
    }
}
