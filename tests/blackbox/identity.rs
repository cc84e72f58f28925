//! Identity resources: the admin API, and their effect on discovery, the
//! consent page and UserInfo.

use keyward_tests::flow::{self, Agent, PASSWORD, REDIRECT_URI, code_for, pkce};
use keyward_tests::{TestServer, on_both_databases};
use serde_json::{Value, json};

on_both_databases!(identity_resources_shape_what_is_released);

async fn identity_resources_shape_what_is_released(server: TestServer) {
    let admin = server.admin().await;
    // Every tenant starts with the standard four; openid is fixed.
    let list = admin.identity_resource_list().send().await.unwrap().into_inner();
    let mut names: Vec<&str> = list.data.iter().map(|r| r.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["email", "openid", "phone", "profile"]);
    let openid = list.data.iter().find(|r| r.name == "openid").unwrap().id;
    let fixed = admin.identity_resource_delete().id(openid).send().await.unwrap_err();
    assert_eq!(fixed.status().map(|s| s.as_u16()), Some(409));

    // Bad input is refused precisely, and nothing is stored.
    let raw = |body: Value| {
        let server = &server;
        async move {
            let token = server.token(keyward_tests::ADMIN_ID, keyward_tests::ADMIN_SECRET, None).await;
            let response = server
                .http()
                .post(format!("{}/api/IdentityResource", server.url))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap();
            (response.status().as_u16(), response.json::<Value>().await.unwrap())
        }
    };
    let (status, body) = raw(json!({ "name": "two words" })).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["message"].as_str().unwrap().contains("`name`"));
    assert_eq!(raw(json!({ "name": "x", "userClaims": [{ "type": "a" }, { "type": "a" }] })).await.0, 422);
    assert_eq!(raw(json!({ "name": "x", "bogus": true })).await.0, 400);
    assert_eq!(raw(json!({ "name": "email" })).await.0, 409);
    assert_eq!(admin.identity_resource_list().send().await.unwrap().into_inner().total, 4);
    // The permission is needed.
    let narrow = flow::create_app(
        &server,
        json!({ "clientId": "narrow", "allowedGrantTypes": [{ "grantType": "client_credentials" }],
                "allowedScopes": [{ "scope": "isms.user.get" }] }),
    )
    .await
    .unwrap();
    let narrow = server.sdk_with(&server.token("narrow", &narrow, None).await);
    let refused = narrow.identity_resource_list().send().await.unwrap_err();
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(403));

    // A custom scope releasing one of the user's own claims.
    let body: keyward_sdk::types::IdentityResourceCreate = serde_json::from_value(json!({
        "name": "employee", "displayName": "Employee data", "description": "Your employee number",
        "userClaims": [{ "type": "employee_no" }]
    }))
    .unwrap();
    let employee = admin.identity_resource_create().body(body).send().await.unwrap().into_inner().data;
    let found = admin.identity_resource_list().q_name("employee").send().await.unwrap().into_inner();
    assert_eq!((found.total, found.data[0].id), (1, employee));
    // Disable `email`: it stops releasing claims and leaves discovery.
    let email = admin.identity_resource_list().q_name("email").send().await.unwrap().into_inner().data[0].id;
    let off: keyward_sdk::types::IdentityResourceUpdate = serde_json::from_value(json!({ "enabled": false })).unwrap();
    let updated = admin.identity_resource_update().id(email).body(off).send().await.unwrap().into_inner().data;
    assert!(!updated.enabled);
    let metadata = server.sdk().discovery_openid().send().await.unwrap().into_inner();
    assert!(metadata.scopes_supported.contains(&"employee".to_string()));
    assert!(!metadata.scopes_supported.contains(&"email".to_string()));
    assert!(metadata.claims_supported.contains(&"employee_no".to_string()));

    let secret = flow::web_app(
        &server,
        json!({ "requireConsent": true, "allowedScopes": [{ "scope": "openid" }, { "scope": "email" }, { "scope": "employee" }] }),
    )
    .await;
    let user = flow::create_user(&server, "ann").await;
    let claims: keyward_sdk::types::UserUpdate =
        serde_json::from_value(json!({ "claims": [{ "claimType": "employee_no", "claimValue": "E-42" }] })).unwrap();
    admin.user_update().id(user).body(claims).send().await.unwrap();
    // The consent page describes the custom scope in its own words.
    let agent = Agent::new(&server);
    let (_, challenge) = pkce();
    let params = [
        ("response_type", "code"),
        ("client_id", "web"),
        ("redirect_uri", REDIRECT_URI),
        ("scope", "openid email employee"),
        ("code_challenge", challenge.as_str()),
    ];
    let login = agent.authorize(&params).await;
    let consent = agent.sign_in(&login, "ann", PASSWORD).await;
    assert!(consent.body.contains("Your employee number"), "{}", consent.body);
    agent.consent(&consent, "allow", true).await;
    let (code, verifier) = code_for(&agent, "ann", "openid email employee").await;
    let (_, tokens) = flow::exchange(&server, ("web", &secret), &code, REDIRECT_URI, &verifier).await;
    let info: Value = server
        .http()
        .get(format!("{}/oauth/userinfo", server.url))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info, json!({ "sub": user.to_string(), "employee_no": "E-42" }));
}
