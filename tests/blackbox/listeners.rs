//! `--admin-bind`: the admin API and `/metrics` on their own listener, the
//! public endpoints on the main one, health checks on both.

use keyward_server::config::Settings;
use keyward_tests::{ADMIN_ID, ADMIN_SECRET, TestServer, on_both_databases};

on_both_databases!(the_admin_listener_serves_the_admin_api_alone);

async fn status(request: reqwest::RequestBuilder) -> u16 {
    request.send().await.unwrap().status().as_u16()
}

async fn the_admin_listener_serves_the_admin_api_alone(server: TestServer) {
    let server = server.restart_with(|s| Settings { admin_bind: Some("127.0.0.1:0".parse().unwrap()), ..s }).await;
    let (public, admin) = (server.url.clone(), server.admin_url.clone().expect("an admin listener"));
    let token = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let http = server.http();
    for (base, expected) in [(&admin, 200), (&public, 404)] {
        assert_eq!(status(http.get(format!("{base}/api/Client")).bearer_auth(&token)).await, expected, "{base}");
        assert_eq!(status(http.get(format!("{base}/metrics"))).await, expected, "{base}");
    }
    for (base, expected) in [(&public, 200), (&admin, 404)] {
        assert_eq!(status(http.get(format!("{base}/.well-known/openid-configuration"))).await, expected, "{base}");
        assert_eq!(status(http.get(format!("{base}/oauth/jwks"))).await, expected, "{base}");
        let form = [("grant_type", "client_credentials"), ("client_id", ADMIN_ID), ("client_secret", ADMIN_SECRET)];
        assert_eq!(status(http.post(format!("{base}/oauth/token")).form(&form)).await, expected, "{base}");
    }
    for base in [&public, &admin] {
        assert_eq!(status(http.get(format!("{base}/healthz"))).await, 200, "{base}");
        assert_eq!(status(http.get(format!("{base}/readyz"))).await, 200, "{base}");
    }
    // The SDK administers through the admin listener.
    let sdk = keyward_sdk::Client::new_with_client(&admin, keyward_sdk::bearer_client(&token).unwrap());
    assert!(sdk.client_list().send().await.is_ok());
}
