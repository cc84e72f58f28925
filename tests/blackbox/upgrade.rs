//! A database made by the previous release (before tenants were issuers,
//! with one ES256 key, free-form scopes and tokens issued then) migrates:
//! its tokens stay valid and every tenant gets its issuer and keys.
//! `tests/fixtures/previous-release.*.json` say how the fixtures were made.

use crate::json;
use keyward_tests::tenant::{At, verify};
use keyward_tests::{Db, TestServer};
use serde_json::{Value, json};
use std::path::Path;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn previous_release_sqlite_database_migrates() {
    previous_release_database_migrates(Db::Sqlite, "previous-release.sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn previous_release_postgres_database_migrates() {
    previous_release_database_migrates(Db::Postgres, "previous-release.postgres.sql").await;
}

async fn previous_release_database_migrates(db: Db, fixture: &str) {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let about = if db == Db::Sqlite { "previous-release.sqlite.json" } else { "previous-release.postgres.json" };
    let made: Value = serde_json::from_slice(&std::fs::read(fixtures.join(about)).unwrap()).unwrap();
    let text = |name: &str| made[name].as_str().unwrap().to_string();
    let issuer = text("issuer");
    let Some(server) =
        TestServer::on_fixture(db, &fixtures.join(fixture), |settings| keyward_server::config::Settings {
            issuer: Some(issuer.clone()),
            admin_client: Some((text("adminClientId"), text("adminClientSecret"))),
            ..settings
        })
        .await
    else {
        return;
    };
    // The previous release's keys and cookie key, stored in clear, are sealed now.
    crate::at_rest::assert_sealed(&server.db).await;
    let root = At::new(&server, server.url.trim_start_matches("http://"));
    let client = (text("clientId"), text("clientSecret"));
    let client = (client.0.as_str(), client.1.as_str());

    // Tokens issued by the previous release are still accepted.
    for name in ["jwtAccessToken", "referenceAccessToken", "userAccessToken", "refreshToken"] {
        let (status, answer) = root.form("/oauth/introspect", client, &[("token", &text(name))]).await;
        assert_eq!((status, &answer["active"]), (200, &json!(true)), "{name}: {answer}");
        assert_eq!(answer["iss"], issuer.as_str(), "{name}");
    }
    let (status, info) = root.get("/oauth/userinfo", Some(&text("userAccessToken"))).await;
    assert_eq!((status, info["sub"].as_str()), (200, Some("1")), "{info}");
    // The old ES256 key is still published beside the new RS256 key and
    // verifies the old token.
    let jwks = root.jwks().await;
    let algs: Vec<&str> = jwks["keys"].as_array().unwrap().iter().map(|k| k["alg"].as_str().unwrap()).collect();
    assert!(algs.contains(&"RS256") && algs.contains(&"ES256"), "{jwks}");
    assert!(verify(&jwks, &text("jwtAccessToken")).is_some());
    // The refresh token still rotates; the new access token keeps the old
    // audience, the issuer.
    let refresh = [("grant_type", "refresh_token"), ("refresh_token", made["refreshToken"].as_str().unwrap())];
    let (status, refreshed) = root.form("/oauth/token", client, &refresh).await;
    assert_eq!(status, 200, "{refreshed}");
    let claims = keyward_tests::flow::claims(refreshed["access_token"].as_str().unwrap());
    assert_eq!((claims["iss"].as_str(), claims["aud"].as_str()), (Some(issuer.as_str()), Some(issuer.as_str())));
    // The other tenant got an issuer derived from its host, and its own keys.
    let acme = At::new(&server, made["tenantHost"].as_str().unwrap());
    let (_, metadata) = acme.get("/.well-known/openid-configuration", None).await;
    assert_eq!(metadata["issuer"], "https://acme.fixture.test");
    let acme_keys = acme.jwks().await;
    assert_eq!(acme_keys["keys"].as_array().unwrap().len(), 2, "{acme_keys}");
    assert!(verify(&acme_keys, &text("jwtAccessToken")).is_none());
    // The bootstrap admin still administers.
    let admin = server.token(&text("adminClientId"), &text("adminClientSecret"), None).await;
    let (status, clients) =
        json(server.http().get(format!("{}/api/Client", server.url)).bearer_auth(admin).send().await.unwrap()).await;
    assert_eq!((status, clients["total"].as_i64()), (200, Some(3)), "{clients}");
}
