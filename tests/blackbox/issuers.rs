//! Every tenant is its own issuer: its own discovery document, JWKS and keys;
//! a token is good only at the tenant that issued it.

use keyward_tests::tenant::{At, verify};
use keyward_tests::{ADMIN_ID, ADMIN_SECRET, TestServer, on_both_databases};
use reqwest::Method;
use serde_json::{Value, json};

on_both_databases!(tenants_are_issuers, tenant_routing_is_guarded, new_tenant_signs_at_every_replica);

const PASSWORD: &str = "correct horse battery";

/// Creates a tenant with the root admin token; its id.
async fn create_tenant(root: &At<'_>, token: &str, body: Value) -> (u16, Value) {
    root.send(root.request(Method::POST, "/api/Tenant").bearer_auth(token).json(&body)).await
}

/// The same clients and user in a tenant: `svc` (client_credentials),
/// `ref` (reference tokens), `app` (password + refresh, ID tokens in RS256)
/// and user `ann`. Returns the secrets of svc, ref and app.
async fn populate(at: &At<'_>, root_token: &str) -> (String, String, String) {
    let svc = at
        .create_client(
            root_token,
            json!({ "clientId": "svc", "allowedGrantTypes": [{ "grantType": "client_credentials" }],
                    "allowedScopes": [{ "scope": "isms.client.get" }] }),
        )
        .await;
    let reference = at
        .create_client(
            root_token,
            json!({ "clientId": "ref", "accessTokenType": "reference",
                    "allowedGrantTypes": [{ "grantType": "client_credentials" }],
                    "allowedScopes": [{ "scope": "isms.client.get" }] }),
        )
        .await;
    let app = at
        .create_client(
            root_token,
            json!({ "clientId": "app",
                    "allowedGrantTypes": [{ "grantType": "password" }, { "grantType": "refresh_token" }],
                    "allowedScopes": [{ "scope": "openid" }, { "scope": "profile" }] }),
        )
        .await;
    at.create_user(root_token, "ann", PASSWORD).await;
    (svc, reference, app)
}

/// Every kind of token a tenant issues.
struct Tokens {
    service: String,
    reference: String,
    user: String,
    refresh: String,
    id: String,
}

async fn tokens(at: &At<'_>, secrets: &(String, String, String)) -> Tokens {
    let cc = [("grant_type", "client_credentials")];
    let (status, service) = at.form("/oauth/token", ("svc", &secrets.0), &cc).await;
    assert_eq!(status, 200, "{service}");
    let (_, reference) = at.form("/oauth/token", ("ref", &secrets.1), &cc).await;
    let password =
        [("grant_type", "password"), ("username", "ann"), ("password", PASSWORD), ("scope", "openid profile")];
    let (status, user) = at.form("/oauth/token", ("app", &secrets.2), &password).await;
    assert_eq!(status, 200, "{user}");
    // The refresh grant returns an ID token for an `openid` grant.
    let refresh = [("grant_type", "refresh_token"), ("refresh_token", user["refresh_token"].as_str().unwrap())];
    let (status, refreshed) = at.form("/oauth/token", ("app", &secrets.2), &refresh).await;
    assert_eq!(status, 200, "{refreshed}");
    let text = |v: &Value, name: &str| v[name].as_str().unwrap().to_string();
    Tokens {
        service: text(&service, "access_token"),
        reference: text(&reference, "access_token"),
        user: text(&refreshed, "access_token"),
        refresh: text(&refreshed, "refresh_token"),
        id: text(&refreshed, "id_token"),
    }
}

async fn tenants_are_issuers(server: TestServer) {
    let root = At::new(&server, server.url.trim_start_matches("http://"));
    let root_token = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let (status, body) =
        create_tenant(&root, &root_token, json!({ "name": "Alpha", "hosts": [{ "hostName": "alpha.test" }] })).await;
    assert_eq!(status, 201, "{body}");
    let beta = json!({ "name": "Beta", "hosts": [{ "hostName": "beta.test" }, { "hostName": "id.beta.test" }],
                       "identityServerIssuerUri": "https://id.beta.test/" });
    let (status, body) = create_tenant(&root, &root_token, beta).await;
    assert_eq!(status, 201, "{body}");
    let beta_id = body["data"].as_i64().unwrap();
    let (alpha, beta) = (At::new(&server, "alpha.test"), At::new(&server, "beta.test"));

    // The issuer is stored without the trailing slash; the default tenant's is the server's.
    let (_, viewed) = root.get(&format!("/api/Tenant/{beta_id}"), Some(&root_token)).await;
    assert_eq!(viewed["data"]["identityServerIssuerUri"], "https://id.beta.test");
    let (_, viewed) = root.get("/api/Tenant/1", Some(&root_token)).await;
    assert_eq!(viewed["data"]["identityServerIssuerUri"], server.url.as_str());

    // Discovery and JWKS per tenant; RS256 listed first, both algorithms published.
    let mut kid_sets: Vec<Vec<String>> = Vec::new();
    for (at, issuer) in [(&root, server.url.as_str()), (&alpha, "https://alpha.test"), (&beta, "https://id.beta.test")]
    {
        let (status, metadata) = at.get("/.well-known/openid-configuration", None).await;
        assert_eq!(status, 200);
        assert_eq!(metadata["issuer"], issuer);
        assert_eq!(metadata["jwks_uri"], format!("{issuer}/oauth/jwks"));
        assert_eq!(metadata["token_endpoint"], format!("{issuer}/oauth/token"));
        assert_eq!(metadata["id_token_signing_alg_values_supported"], json!(["RS256", "ES256"]));
        let jwks = at.jwks().await;
        let keys = jwks["keys"].as_array().unwrap();
        let kinds: Vec<(&str, &str)> =
            keys.iter().map(|k| (k["kty"].as_str().unwrap(), k["alg"].as_str().unwrap())).collect();
        assert!(kinds.contains(&("RSA", "RS256")) && kinds.contains(&("EC", "ES256")), "{jwks}");
        let kids: Vec<String> = keys.iter().map(|k| k["kid"].as_str().unwrap().to_string()).collect();
        for other in &kid_sets {
            assert!(kids.iter().all(|k| !other.contains(k)), "tenants share no key");
        }
        kid_sets.push(kids);
    }

    // The same client ids and user name in both tenants.
    let alpha_secrets = populate(&alpha, &root_token).await;
    let beta_secrets = populate(&beta, &root_token).await;
    let from_alpha = tokens(&alpha, &alpha_secrets).await;
    let from_beta = tokens(&beta, &beta_secrets).await;

    // Alpha's tokens name Alpha's issuer and verify with Alpha's JWKS only.
    let (alpha_jwks, beta_jwks) = (alpha.jwks().await, beta.jwks().await);
    let id_claims = verify(&alpha_jwks, &from_alpha.id).expect("alpha's ID token verifies with alpha's JWKS");
    assert_eq!((id_claims["iss"].as_str(), id_claims["aud"].as_str()), (Some("https://alpha.test"), Some("app")));
    assert_eq!(jsonwebtoken::decode_header(&from_alpha.id).unwrap().alg, jsonwebtoken::Algorithm::RS256);
    // The ID-token confusion: Beta's relying party `app` refuses Alpha's ID
    // token for a client of the same id (unknown key, other issuer).
    assert!(verify(&beta_jwks, &from_alpha.id).is_none());
    let access = verify(&alpha_jwks, &from_alpha.service).expect("alpha's access token verifies");
    assert_eq!(access["iss"], "https://alpha.test");
    assert_eq!(access["aud"], "https://alpha.test");
    assert!(verify(&beta_jwks, &from_alpha.service).is_none());

    // Every token of Alpha is refused at Beta, and accepted at Alpha.
    for token in [&from_alpha.service, &from_alpha.reference, &from_alpha.user, &from_alpha.refresh] {
        let (_, answer) = beta.form("/oauth/introspect", ("svc", &beta_secrets.0), &[("token", token)]).await;
        assert_eq!(answer, json!({ "active": false }), "beta must not accept alpha's token");
        let (_, answer) = alpha.form("/oauth/introspect", ("svc", &alpha_secrets.0), &[("token", token)]).await;
        assert_eq!(answer["active"], true, "alpha accepts its own token");
    }
    let (status, _) = beta.get("/oauth/userinfo", Some(&from_alpha.user)).await;
    assert_eq!(status, 401);
    let (status, info) = alpha.get("/oauth/userinfo", Some(&from_alpha.user)).await;
    assert_eq!((status, info["preferred_username"].as_str()), (200, Some("ann")));
    for token in [&from_alpha.service, &from_alpha.reference] {
        let (status, _) = beta.get("/api/Client", Some(token)).await;
        assert_eq!(status, 401, "alpha's admin token at beta's admin API");
        let (status, _) = alpha.get("/api/Client", Some(token)).await;
        assert_eq!(status, 200);
    }
    let refresh = [("grant_type", "refresh_token"), ("refresh_token", from_alpha.refresh.as_str())];
    let (status, refused) = beta.form("/oauth/token", ("app", &beta_secrets.2), &refresh).await;
    assert_eq!((status, refused["error"].as_str()), (400, Some("invalid_grant")));
    // Beta's own tokens work at Beta; the root admin's token administers
    // Beta through the admin API but is no user token there.
    let (_, answer) = beta.form("/oauth/introspect", ("svc", &beta_secrets.0), &[("token", &from_beta.user)]).await;
    assert_eq!(answer["iss"], "https://id.beta.test");
    let (status, _) = beta.get("/api/Client", Some(&root_token)).await;
    assert_eq!(status, 200);
    let (_, answer) = beta.form("/oauth/introspect", ("svc", &beta_secrets.0), &[("token", &root_token)]).await;
    assert_eq!(answer, json!({ "active": false }));

    // Keys rotate per tenant: Alpha's rotation leaves Beta's JWKS alone.
    let alpha_id = server.state().tenant_for_host(Some("alpha.test")).await.unwrap().id;
    let new_kids = server.state().keys.rotate(alpha_id, 0).await.unwrap();
    let rotated = alpha.jwks().await;
    assert!(new_kids.iter().all(|kid| rotated["keys"].as_array().unwrap().iter().any(|k| k["kid"] == kid.as_str())));
    assert_eq!(beta.jwks().await, beta_jwks);
    let (_, answer) =
        alpha.form("/oauth/introspect", ("svc", &alpha_secrets.0), &[("token", &from_alpha.service)]).await;
    assert_eq!(answer["active"], true, "tokens of a retired key stay valid");
}

async fn tenant_routing_is_guarded(server: TestServer) {
    let root = At::new(&server, server.url.trim_start_matches("http://"));
    let root_token = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let (_, created) =
        create_tenant(&root, &root_token, json!({ "name": "Alpha", "hosts": [{ "hostName": "alpha.test" }] })).await;
    let alpha_id = created["data"].as_i64().unwrap();
    create_tenant(&root, &root_token, json!({ "name": "Beta", "hosts": [{ "hostName": "beta.test" }] })).await;
    let alpha = At::new(&server, "alpha.test");
    let secret = alpha
        .create_client(
            &root_token,
            json!({ "clientId": "alpha-admin", "allowedGrantTypes": [{ "grantType": "client_credentials" }],
                    "allowedScopes": [{ "scope": "isms.all" }, { "scope": "oauthapp.all" }] }),
        )
        .await;
    let (_, token) =
        alpha.form("/oauth/token", ("alpha-admin", &secret), &[("grant_type", "client_credentials")]).await;
    let alpha_admin = token["access_token"].as_str().unwrap().to_string();
    let path = format!("/api/Tenant/{alpha_id}");
    let update =
        |token: &str, body: Value| alpha.request(Method::PUT, &path).bearer_auth(token.to_string()).json(&body);

    // A tenant's own admin may rename it, but not move its hosts or issuer.
    let (status, body) = alpha.send(update(&alpha_admin, json!({ "name": "Alpha Inc" }))).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = alpha.send(update(&alpha_admin, json!({ "hosts": [{ "hostName": "alpha.test" }] }))).await;
    assert_eq!(status, 200, "sending the hosts unchanged is fine: {body}");
    let host = server.url.trim_start_matches("http://").to_string();
    let (status, body) = alpha.send(update(&alpha_admin, json!({ "hosts": [{ "hostName": host }] }))).await;
    assert_eq!(status, 403, "{body}");
    let issuer = json!({ "identityServerIssuerUri": "https://login.alpha.test" });
    let (status, _) = alpha.send(update(&alpha_admin, issuer)).await;
    assert_eq!(status, 403);

    // Even the root admin cannot take another tenant's or the default
    // tenant's host or issuer, nor set an issuer the tenant does not serve.
    let cases = [
        (json!({ "hosts": [{ "hostName": host }] }), 409),
        (json!({ "hosts": [{ "hostName": "127.0.0.1" }] }), 409),
        (json!({ "hosts": [{ "hostName": "alpha.test" }, { "hostName": "beta.test" }] }), 409),
        (json!({ "hosts": [{ "hostName": "alpha2.test" }] }), 422),
        (json!({ "identityServerIssuerUri": "https://beta.test" }), 422),
        (
            json!({ "hosts": [{ "hostName": "alpha.test" }, { "hostName": "beta2.test" }],
                 "identityServerIssuerUri": "https://beta.test" }),
            422,
        ),
        (json!({ "identityServerIssuerUri": server.url }), 409),
        (json!({ "identityServerIssuerUri": "http://alpha.test" }), 422),
        (json!({ "identityServerIssuerUri": "alpha.test" }), 422),
        (json!({ "identityServerIssuerUri": "https://alpha.test?x=1" }), 422),
        (json!({ "identityServerIssuerUri": "https://user:pw@alpha.test" }), 422),
    ];
    for (body, expected) in cases {
        let (status, answer) = alpha.send(update(&root_token, body.clone())).await;
        assert_eq!(status, expected, "{body} → {answer}");
        assert!(answer["message"].as_str().is_some_and(|m| !m.is_empty()), "{answer}");
    }
    // Creating a tenant on a taken issuer is refused too.
    let taken = json!({ "name": "Gamma", "hosts": [{ "hostName": "gamma.test" }, { "hostName": "alpha.test" }] });
    let (status, _) = create_tenant(&root, &root_token, taken).await;
    assert_eq!(status, 409);
    let both = json!({ "name": "Gamma", "hosts": [{ "hostName": "gamma.test" }],
                       "identityServerIssuerUri": "https://gamma.test/id" });
    let (status, body) = create_tenant(&root, &root_token, both).await;
    assert_eq!(status, 201, "an issuer with a path on a served host: {body}");
    let clash = json!({ "name": "Delta", "hosts": [{ "hostName": "delta.test" }, { "hostName": "gamma.test:8443" }],
                        "identityServerIssuerUri": "https://gamma.test/id" });
    let (status, body) = create_tenant(&root, &root_token, clash).await;
    assert_eq!(status, 422, "Gamma serves that issuer's host: {body}");
    // The root admin moves Alpha to a new issuer on a new host: discovery follows.
    let moved = json!({ "hosts": [{ "hostName": "alpha.test" }, { "hostName": "login.alpha.test" }],
                        "identityServerIssuerUri": "https://login.alpha.test" });
    let (status, body) = alpha.send(update(&root_token, moved)).await;
    assert_eq!((status, body["data"]["identityServerIssuerUri"].as_str()), (200, Some("https://login.alpha.test")));
    let (_, metadata) = At::new(&server, "login.alpha.test").get("/.well-known/openid-configuration", None).await;
    assert_eq!(metadata["issuer"], "https://login.alpha.test");
    // The default tenant's issuer is the server's.
    let (status, _) = root
        .send(
            root.request(Method::PUT, "/api/Tenant/1")
                .bearer_auth(&root_token)
                .json(&json!({ "identityServerIssuerUri": "https://elsewhere.test" })),
        )
        .await;
    assert_eq!(status, 422);
}

/// A tenant made through one replica issues and publishes keys through
/// another at once, without waiting for the periodic key reload.
async fn new_tenant_signs_at_every_replica(server: TestServer) {
    let other = keyward_server::server::start(keyward_tests::settings(&server.db, &server.sinks))
        .await
        .expect("a second replica starts");
    let root = At::new(&server, server.url.trim_start_matches("http://"));
    let root_token = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let (status, _) =
        create_tenant(&root, &root_token, json!({ "name": "Late", "hosts": [{ "hostName": "late.test" }] })).await;
    assert_eq!(status, 201);
    let late = At::new(&server, "late.test");
    let secret = late
        .create_client(
            &root_token,
            json!({ "clientId": "svc", "allowedGrantTypes": [{ "grantType": "client_credentials" }],
                    "allowedScopes": [{ "scope": "isms.client.get" }] }),
        )
        .await;
    let at_other = |path: &str| format!("http://{}{path}", other.address);
    let http = server.http();
    let jwks: Value =
        http.get(at_other("/oauth/jwks")).header("Host", "late.test").send().await.unwrap().json().await.unwrap();
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 2, "{jwks}");
    let response = http
        .post(at_other("/oauth/token"))
        .header("Host", "late.test")
        .basic_auth("svc", Some(&secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let issued: Value = response.json().await.unwrap();
    let claims = verify(&jwks, issued["access_token"].as_str().unwrap()).expect("signed with a published key");
    assert_eq!(claims["iss"], "https://late.test");
    other.stop().await.unwrap();
}
