//! Tenants are selected by Host header and isolated from each other.

use crate::json;
use keyward_sdk::types;
use keyward_tests::{TestServer, on_both_databases};
use serde_json::json;

on_both_databases!(tenants_are_isolated);

async fn tenants_are_isolated(server: TestServer) {
    let admin = server.admin().await;
    let body: types::TenantCreate =
        serde_json::from_value(json!({ "name": "Beta", "hosts": [{ "hostName": "beta.test" }] })).unwrap();
    admin.tenant_create().body(body).send().await.unwrap();

    // The default tenant's admin works on Beta by addressing Beta's host.
    let root_token = server.token(keyward_tests::ADMIN_ID, keyward_tests::ADMIN_SECRET, None).await;
    let http = server.http();
    let on_beta = |method: reqwest::Method, path: &str| {
        http.request(method, format!("{}{path}", server.url)).header("Host", "beta.test")
    };
    let beta_admin = json!({
        "clientId": "beta-admin", "allowedGrantTypes": [{ "grantType": "client_credentials" }],
        "allowedScopes": [{ "scope": "isms.all" }]
    });
    let (status, created) = json(
        on_beta(reqwest::Method::POST, "/api/Client").bearer_auth(&root_token).json(&beta_admin).send().await.unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let beta_client_row = created["data"]["id"].as_i64().unwrap();
    let beta_secret = created["data"]["clientSecret"].as_str().unwrap().to_string();

    // Beta's client is invisible from the default tenant.
    let hidden = admin.client_view().id(beta_client_row).send().await.unwrap_err();
    assert_eq!(hidden.status().map(|s| s.as_u16()), Some(404));
    let listed = admin.client_list().q_client_id("beta-admin").send().await.unwrap().into_inner();
    assert_eq!(listed.total, 0);

    // A token issued by Beta works on Beta only.
    let form =
        [("grant_type", "client_credentials"), ("client_id", "beta-admin"), ("client_secret", beta_secret.as_str())];
    let (status, tokens) = json(on_beta(reqwest::Method::POST, "/oauth/token").form(&form).send().await.unwrap()).await;
    assert_eq!(status, 200, "{tokens}");
    let beta_token = tokens["access_token"].as_str().unwrap().to_string();
    let (status, _) =
        json(on_beta(reqwest::Method::GET, "/api/Client").bearer_auth(&beta_token).send().await.unwrap()).await;
    assert_eq!(status, 200);
    let (status, body) =
        json(http.get(format!("{}/api/Client", server.url)).bearer_auth(&beta_token).send().await.unwrap()).await;
    assert_eq!(status, 401, "{body}");
    // Beta's client cannot authenticate at the default tenant's token endpoint.
    let (status, _) = json(http.post(format!("{}/oauth/token", server.url)).form(&form).send().await.unwrap()).await;
    assert_eq!(status, 401);
    // Beta's admin sees only its own tenant.
    let (status, tenants) =
        json(on_beta(reqwest::Method::GET, "/api/Tenant").bearer_auth(&beta_token).send().await.unwrap()).await;
    assert_eq!((status, tenants["total"].as_i64()), (200, Some(1)), "{tenants}");
    let (status, _) = json(
        on_beta(reqwest::Method::POST, "/api/Tenant")
            .bearer_auth(&beta_token)
            .json(&json!({ "name": "x" }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 403);
}
