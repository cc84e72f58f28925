//! Refresh rotation and family revocation, the password grant, reference
//! tokens, introspection and revocation, cross-tenant tokens, key rotation.

use keyward_tests::flow::{self, PASSWORD, claims, introspect, token};
use keyward_tests::{TestServer, on_both_databases};
use serde_json::{Value, json};

on_both_databases!(
    refresh_rotates_and_reuse_revokes_family,
    password_grant,
    reference_tokens_and_revocation,
    tokens_stay_in_their_tenant,
    key_rotation_publishes_before_signing
);

/// A confidential client `app` with the password and refresh grants.
async fn password_app(server: &TestServer, extra: Value) -> String {
    let mut body = json!({
        "clientId": "app",
        "allowedGrantTypes": [{ "grantType": "password" }, { "grantType": "refresh_token" }],
        "allowedScopes": [{ "scope": "openid" }, { "scope": "orders.read" }, { "scope": "orders.write" }, { "scope": "isms.user.get" }],
    });
    body.as_object_mut().unwrap().extend(extra.as_object().cloned().unwrap_or_default());
    flow::ensure_api_scopes(server, &["orders.read", "orders.write"]).await;
    flow::create_app(server, body).await.unwrap()
}

async fn sign_in(server: &TestServer, client: (&str, &str), scope: &str) -> Value {
    let form = [("grant_type", "password"), ("username", "ann"), ("password", PASSWORD), ("scope", scope)];
    let (status, body) = token(server, Some(client), &form).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn refresh(server: &TestServer, client: (&str, &str), refresh_token: &str, scope: Option<&str>) -> (u16, Value) {
    let mut form = vec![("grant_type", "refresh_token"), ("refresh_token", refresh_token)];
    form.extend(scope.map(|s| ("scope", s)));
    token(server, Some(client), &form).await
}

async fn refresh_rotates_and_reuse_revokes_family(server: TestServer) {
    let secret = password_app(&server, json!({})).await;
    let other = password_app(&server, json!({ "clientId": "other" })).await;
    flow::create_user(&server, "ann").await;
    let app = ("app", secret.as_str());
    let first = sign_in(&server, app, "orders.read orders.write").await;
    let r1 = first["refresh_token"].as_str().unwrap();
    // Another client cannot use it.
    let (status, body) = refresh(&server, ("other", &other), r1, None).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
    // Rotation, with narrowing.
    let (status, second) = refresh(&server, app, r1, Some("orders.read")).await;
    assert_eq!(status, 200, "{second}");
    assert_eq!(second["scope"], "orders.read");
    let r2 = second["refresh_token"].as_str().unwrap();
    assert_ne!(r1, r2);
    let (status, body) = refresh(&server, app, r2, Some("orders.read admin")).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_scope")));
    assert_eq!(introspect(&server, app, r2).await["token_type"], "refresh_token");
    // Reuse of r1: refused, and the whole family (r2, its access tokens) revoked.
    let (status, body) = refresh(&server, app, r1, None).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
    assert_eq!(introspect(&server, app, r2).await, json!({ "active": false }));
    let access = second["access_token"].as_str().unwrap();
    assert_eq!(introspect(&server, app, access).await, json!({ "active": false }));
    assert_eq!(refresh(&server, app, r2, None).await.0, 400);

    // Sliding lifetime: an unused refresh token dies after it.
    let admin = server.admin().await;
    let id = admin.client_list().q_client_id("app").send().await.unwrap().into_inner().data[0].id;
    let short: keyward_sdk::types::ClientUpdate =
        serde_json::from_value(json!({ "slidingRefreshTokenLifetime": 1 })).unwrap();
    admin.client_update().id(id).body(short).send().await.unwrap();
    let third = sign_in(&server, app, "orders.read").await;
    server.state().clock.advance(std::time::Duration::from_millis(2100));
    let (status, body) = refresh(&server, app, third["refresh_token"].as_str().unwrap(), None).await;
    assert_eq!((status, body["error_description"].as_str()), (400, Some("the refresh token has expired")));
}

async fn password_grant(server: TestServer) {
    let secret = password_app(&server, json!({})).await;
    let service = flow::create_app(
        &server,
        json!({ "clientId": "svc", "allowedGrantTypes": [{ "grantType": "client_credentials" }] }),
    )
    .await
    .unwrap();
    let user = flow::create_user(&server, "ann").await;
    let app = ("app", secret.as_str());
    // Only clients that enable it.
    let form = [("grant_type", "password"), ("username", "ann"), ("password", PASSWORD)];
    let (status, body) = token(&server, Some(("svc", &service)), &form).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("unauthorized_client")));
    // Missing fields, wrong password, unknown user: precise but not revealing.
    let (status, body) = token(&server, Some(app), &[("grant_type", "password"), ("username", "ann")]).await;
    assert_eq!((status, body["error_description"].as_str()), (400, Some("password is required")));
    for (name, password) in [("ann", "wrong password"), ("nobody", PASSWORD)] {
        let form = [("grant_type", "password"), ("username", name), ("password", password)];
        let (status, body) = token(&server, Some(app), &form).await;
        assert_eq!(status, 400);
        assert_eq!(body["error_description"], "The sign-in name or password is incorrect.");
    }
    // The email signs in too; the token is the user's.
    let form = [("grant_type", "password"), ("username", "ann@example.com"), ("password", PASSWORD)];
    let (status, tokens) = token(&server, Some(app), &form).await;
    assert_eq!(status, 200);
    let access = claims(tokens["access_token"].as_str().unwrap());
    assert_eq!((access["sub"].as_str(), access["client_id"].as_str()), (Some(user.to_string().as_str()), Some("app")));
    // An admin permission is granted only if the user's roles hold it.
    let granted = sign_in(&server, app, "orders.read isms.user.get").await;
    assert_eq!(granted["scope"], "orders.read");
    flow::give_role(&server, user, "viewers", &["isms.user.all"]).await;
    let granted = sign_in(&server, app, "orders.read isms.user.get").await;
    assert_eq!(granted["scope"], "orders.read isms.user.get");
    let users = server.sdk_with(granted["access_token"].as_str().unwrap()).user_list().send().await.unwrap();
    assert_eq!(users.into_inner().total, 1);
}

async fn reference_tokens_and_revocation(server: TestServer) {
    let secret = password_app(&server, json!({ "accessTokenType": "reference" })).await;
    let api = flow::create_app(&server, json!({ "clientId": "api", "allowedGrantTypes": [] })).await.unwrap();
    flow::create_user(&server, "ann").await;
    let app = ("app", secret.as_str());
    let resource = ("api", api.as_str());
    let tokens = sign_in(&server, app, "openid orders.read").await;
    let access = tokens["access_token"].as_str().unwrap();
    assert!(!access.contains('.'), "a reference token is opaque");
    let state = introspect(&server, resource, access).await;
    assert_eq!((state["active"].as_bool(), state["client_id"].as_str()), (Some(true), Some("app")));
    assert_eq!(state["scope"], "openid orders.read");
    // Introspection needs client authentication.
    let response =
        server.http().post(format!("{}/oauth/introspect", server.url)).form(&[("token", access)]).send().await.unwrap();
    assert_eq!(response.status(), 401);
    assert!(response.headers().contains_key("www-authenticate"));
    // Unknown tokens are inactive; revocation by another client is ignored.
    assert_eq!(introspect(&server, resource, "garbage").await, json!({ "active": false }));
    let revoke =
        async |client: (&str, &str), token: &str| flow::about_token(&server, "/oauth/revoke", client, token).await.0;
    assert_eq!(revoke(resource, access).await, 200);
    assert_eq!(introspect(&server, resource, access).await["active"], true);
    assert_eq!(revoke(app, access).await, 200);
    assert_eq!(introspect(&server, resource, access).await, json!({ "active": false }));
    assert_eq!(revoke(app, "never-issued").await, 200);
    // A JWT access token goes on the deny-list.
    flow::ensure_api_scopes(&server, &["orders.read"]).await;
    let service = flow::create_app(
        &server,
        json!({ "clientId": "svc", "allowedGrantTypes": [{ "grantType": "client_credentials" }],
                "allowedScopes": [{ "scope": "orders.read" }] }),
    )
    .await
    .unwrap();
    let jwt = server.token("svc", &service, None).await;
    assert_eq!(introspect(&server, resource, &jwt).await["active"], true);
    assert_eq!(revoke(("svc", &service), &jwt).await, 200);
    assert_eq!(introspect(&server, resource, &jwt).await, json!({ "active": false }));
    // A refresh token revokes its family.
    let tokens = sign_in(&server, app, "orders.read").await;
    assert_eq!(revoke(app, tokens["refresh_token"].as_str().unwrap()).await, 200);
    assert_eq!(introspect(&server, resource, tokens["access_token"].as_str().unwrap()).await["active"], false);
    let (status, _) = refresh(&server, app, tokens["refresh_token"].as_str().unwrap(), None).await;
    assert_eq!(status, 400);
    // An expired JWT is inactive.
    let admin = server.admin().await;
    let id = admin.client_list().q_client_id("svc").send().await.unwrap().into_inner().data[0].id;
    let short: keyward_sdk::types::ClientUpdate = serde_json::from_value(json!({ "accessTokenLifetime": 1 })).unwrap();
    admin.client_update().id(id).body(short).send().await.unwrap();
    let jwt = server.token("svc", &service, None).await;
    server.state().clock.advance(std::time::Duration::from_millis(2100));
    assert_eq!(introspect(&server, resource, &jwt).await, json!({ "active": false }));
}

async fn tokens_stay_in_their_tenant(server: TestServer) {
    let admin = server.admin().await;
    let tenant: keyward_sdk::types::TenantCreate =
        serde_json::from_value(json!({ "name": "Acme", "hosts": [{ "hostName": "acme.test" }] })).unwrap();
    admin.tenant_create().body(tenant).send().await.unwrap();
    let host = server.url.trim_start_matches("http://").replace("127.0.0.1", "acme.test");
    let in_acme = |request: reqwest::RequestBuilder| request.header("Host", host.clone());
    // A client in tenant Acme, created by the default tenant's admin.
    let body = json!({ "clientId": "svc", "allowedGrantTypes": [{ "grantType": "client_credentials" }] });
    let response = in_acme(server.http().post(format!("{}/api/Client", server.url)))
        .bearer_auth(server.token(keyward_tests::ADMIN_ID, keyward_tests::ADMIN_SECRET, None).await)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    let acme_secret = created["data"]["clientSecret"].as_str().unwrap().to_string();
    let response = in_acme(server.http().post(format!("{}/oauth/token", server.url)))
        .basic_auth("svc", Some(&acme_secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    let acme_token = response.json::<Value>().await.unwrap()["access_token"].as_str().unwrap().to_string();
    // The default tenant's resource server sees it as inactive.
    let api = flow::create_app(&server, json!({ "clientId": "api" })).await.unwrap();
    assert_eq!(introspect(&server, ("api", &api), &acme_token).await, json!({ "active": false }));
    // Acme's client does not exist in the default tenant.
    let (status, body) = token(&server, Some(("svc", &acme_secret)), &[("grant_type", "client_credentials")]).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")));
}

async fn key_rotation_publishes_before_signing(server: TestServer) {
    let service = flow::create_app(
        &server,
        json!({ "clientId": "svc", "allowedGrantTypes": [{ "grantType": "client_credentials" }] }),
    )
    .await
    .unwrap();
    let kid_of = |jwt: &str| {
        let header = jwt.split('.').next().unwrap();
        let header: Value = serde_json::from_slice(
            &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, header).unwrap(),
        )
        .unwrap();
        header["kid"].as_str().unwrap().to_string()
    };
    let jwks = async || -> Vec<String> {
        server.sdk().oauth_jwks().send().await.unwrap().into_inner().keys.into_iter().map(|k| k.kid).collect()
    };
    let before = server.token("svc", &service, None).await;
    let old = kid_of(&before);
    // Published now, signing in an hour: the old key still signs.
    // Each rotation adds an RS256 and an ES256 key.
    let tenant = server.state().default_tenant;
    let next = server.state().keys.rotate(tenant, 3600).await.unwrap();
    let published = jwks().await;
    assert_eq!(published.len(), 4);
    assert!(next.iter().all(|kid| published.contains(kid)));
    assert_eq!(kid_of(&server.token("svc", &service, None).await), old);
    // Signing at once: the newest key signs, the retired ones stay published
    // and their tokens stay valid.
    let now = server.state().keys.rotate(tenant, 0).await.unwrap();
    let after = server.token("svc", &service, None).await;
    assert!(now.contains(&kid_of(&after)));
    let published = jwks().await;
    assert!(published.contains(&old) && now.iter().all(|kid| published.contains(kid)));
    let api = flow::create_app(&server, json!({ "clientId": "api" })).await.unwrap();
    assert_eq!(introspect(&server, ("api", &api), &before).await["active"], true);
    assert_eq!(introspect(&server, ("api", &api), &after).await["active"], true);
}
