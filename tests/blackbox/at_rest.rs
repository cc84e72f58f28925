//! Keys and secrets at rest: private signing keys, the cookie/MAC key and
//! WeChat secrets are sealed under the master key in the database; `keyward
//! keys rewrap` moves them to a new master key; a wrong key stops the start.

use keyward_server::config::{MasterKeySource, Settings};
use keyward_server::crypto::envelope::MasterKey;
use keyward_tests::{TestDb, TestServer, end_user, on_both_databases};
use serde_json::json;

on_both_databases!(the_database_holds_no_secret_in_clear, rewrap_moves_secrets_to_a_new_master_key);

const WECHAT_SECRET: &str = "wechat-secret-in-the-database";

/// Every confidential value in `db` is sealed, and none is in clear.
pub async fn assert_sealed(db: &TestDb) {
    let keys = db.texts("SELECT private_pkcs8 FROM signing_keys").await;
    let secrets = db.texts("SELECT value FROM server_secrets").await;
    assert!(!keys.is_empty() && !secrets.is_empty());
    for value in keys.iter().chain(&secrets) {
        // PKCS#8 DER in base64 starts with "MI" (a SEQUENCE).
        assert!(value.starts_with("kw1:") && !value.starts_with("MI"), "stored in clear: {}", &value[..8]);
    }
    for settings in db.texts("SELECT app_settings FROM clients").await {
        assert!(!settings.contains(WECHAT_SECRET), "a WeChat secret is stored in clear");
    }
}

async fn the_database_holds_no_secret_in_clear(server: TestServer) {
    end_user::create_app(&server, "shop", json!({ "wechatAppId": "wx-shop", "wechatAppSecret": WECHAT_SECRET })).await;
    assert_sealed(&server.db).await;
    let settings = server.db.texts("SELECT app_settings FROM clients WHERE client_id = 'shop'").await;
    assert!(settings[0].contains("kw1:"), "the WeChat secret is sealed");
    // Sealed keys still sign: the admin token works.
    let admin = server.admin().await;
    assert!(admin.client_list().send().await.is_ok());
    match &server.db.master_key {
        // Zero configuration: the key file beside the database, owner-only.
        MasterKeySource::Default => {
            let file = format!("{}.master-key", server.db.url.trim_start_matches("sqlite://"));
            let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&file).unwrap().permissions());
            assert_eq!(mode & 0o777, 0o600, "{file}");
        }
        // PostgreSQL has no default key: replicas must share one.
        _ => {
            let settings =
                Settings { master_key: MasterKeySource::Default, ..keyward_tests::settings(&server.db, &server.sinks) };
            let refused = keyward_server::server::start(settings).await.err().expect("refused without a master key");
            assert!(format!("{refused:#}").contains("KEYWARD_MASTER_KEY"), "{refused:#}");
        }
    }
}

async fn rewrap_moves_secrets_to_a_new_master_key(server: TestServer) {
    let (app, _) =
        end_user::create_app(&server, "shop", json!({ "wechatAppId": "wx-shop", "wechatAppSecret": WECHAT_SECRET }))
            .await;
    let jwks = server.sdk().oauth_jwks().send().await.unwrap().into_inner();
    let (db, sinks) = server.stop().await;
    let new_key = std::env::temp_dir().join(format!("keyward_new_master_{}.key", uuid::Uuid::new_v4().simple()));
    std::fs::write(&new_key, MasterKey::generate()).unwrap();
    let settings = keyward_tests::settings(&db, &sinks);
    let count = keyward_server::server::rewrap(&settings, &new_key).await.expect("rewrapped");
    // At least the RS256 and ES256 keys, the cookie key and the WeChat secret.
    assert!(count >= 4, "{count}");
    assert_sealed(&db).await;
    // The old master key no longer opens the database: a clear error, not garbage.
    let refused = keyward_server::server::start(settings.clone()).await.err().expect("the old key is refused");
    assert!(format!("{refused:#}").contains("master key"), "{refused:#}");
    // The new one does: same signing keys, same secrets.
    let with_new = MasterKeySource::File(new_key.clone());
    let server = TestServer::resume(db, sinks, |s| Settings { master_key: with_new, ..s }).await;
    assert_eq!(server.sdk().oauth_jwks().send().await.unwrap().into_inner().keys.len(), jwks.keys.len());
    assert!(server.admin().await.client_list().send().await.is_ok());
    // The app's settings, WeChat secret included, open: a sign-in is judged.
    let (status, body) =
        end_user::post(&server, app, "SignIn", json!({ "userName": "nobody", "pwd": "wrong-pass" })).await;
    assert!((400..500).contains(&status), "{body}");
    std::fs::remove_file(new_key).unwrap();
}
