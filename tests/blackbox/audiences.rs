//! API resources are audiences: an access token's `aud` names the resources
//! whose scopes it carries, RFC 8707 `resource` narrows it to one, and an API
//! resource introspecting with its own secret hears only of its own tokens.

use keyward_tests::flow::{self, Agent, PASSWORD, REDIRECT_URI, pkce};
use keyward_tests::tenant::{At, verify};
use keyward_tests::{TestServer, on_both_databases};
use reqwest::Method;
use serde_json::{Value, json};

on_both_databases!(audiences_and_resource_indicators);

const ORDERS: &str = "https://orders.example";

/// Creates an API resource through the admin API; its generated secret.
async fn resource(at: &At<'_>, admin: &str, body: Value) -> String {
    let (status, created) = at.send(at.request(Method::POST, "/api/ApiResource").bearer_auth(admin).json(&body)).await;
    assert_eq!(status, 201, "{created}");
    created["data"]["secret"].as_str().unwrap().to_string()
}

/// A token request's answer (status, body).
async fn token(at: &At<'_>, client: (&str, &str), form: &[(&str, &str)]) -> (u16, Value) {
    at.form("/oauth/token", client, form).await
}

fn alg_of(jwt: &str) -> jsonwebtoken::Algorithm {
    jsonwebtoken::decode_header(jwt).unwrap().alg
}

async fn audiences_and_resource_indicators(server: TestServer) {
    let at = At::new(&server, server.url.trim_start_matches("http://"));
    let issuer = server.url.clone();
    let admin = server.token(keyward_tests::ADMIN_ID, keyward_tests::ADMIN_SECRET, None).await;
    for (name, display) in [("bill.read", "Read your invoices"), ("bill.write", "Send invoices"), ("orders.read", "")] {
        let body = json!({ "name": name, "displayName": display });
        let (status, _) = at.send(at.request(Method::POST, "/api/ApiScope").bearer_auth(&admin).json(&body)).await;
        assert_eq!(status, 201);
    }
    let billing = resource(
        &at,
        &admin,
        json!({ "name": "billing", "scopes": [{ "scope": "bill.read" }, { "scope": "bill.write" }],
                "userClaims": [{ "type": "email" }, { "type": "preferred_username" }] }),
    )
    .await;
    let orders = resource(
        &at,
        &admin,
        json!({ "name": ORDERS, "scopes": [{ "scope": "orders.read" }], "allowedAccessTokenSigningAlgorithms": "RS256" }),
    )
    .await;
    let svc = at
        .create_client(
            &admin,
            json!({ "clientId": "svc", "allowedGrantTypes": [{ "grantType": "client_credentials" }],
                    "allowedScopes": [{ "scope": "bill.read" }, { "scope": "orders.read" }, { "scope": "isms.client.get" }] }),
        )
        .await;
    let svc = ("svc", svc.as_str());
    let cc = |extra: &[(&'static str, &'static str)]| {
        let mut form = vec![("grant_type", "client_credentials")];
        form.extend_from_slice(extra);
        form
    };
    let jwks = at.jwks().await;

    // Without `resource`: every resource granted, and the issuer for the
    // admin permission; several audiences → the default algorithm, ES256.
    let (status, all) = token(&at, svc, &cc(&[])).await;
    assert_eq!(status, 200, "{all}");
    let claims = verify(&jwks, all["access_token"].as_str().unwrap()).expect("verifies with the JWKS");
    assert_eq!(claims["aud"], json!([issuer, "billing", ORDERS]));
    assert_eq!(alg_of(all["access_token"].as_str().unwrap()), jsonwebtoken::Algorithm::ES256);
    // `resource` narrows the token to one API and its scopes.
    let (status, only_billing) = token(&at, svc, &cc(&[("resource", "billing")])).await;
    assert_eq!((status, only_billing["scope"].as_str()), (200, Some("bill.read")), "{only_billing}");
    let billing_token = only_billing["access_token"].as_str().unwrap().to_string();
    assert_eq!(verify(&jwks, &billing_token).unwrap()["aud"], "billing");
    // The orders API asks for RS256.
    let (_, only_orders) = token(&at, svc, &cc(&[("resource", ORDERS)])).await;
    let orders_token = only_orders["access_token"].as_str().unwrap().to_string();
    assert_eq!(alg_of(&orders_token), jsonwebtoken::Algorithm::RS256);
    assert_eq!(verify(&jwks, &orders_token).unwrap()["aud"], ORDERS);
    assert_eq!(only_orders["scope"], "orders.read");
    // Keyward's own API is a resource named after the issuer.
    let (_, own) = token(&at, svc, &[("grant_type", "client_credentials"), ("resource", issuer.as_str())]).await;
    assert_eq!(own["scope"], "isms.client.get");
    let (status, _) = at.get("/api/Client", own["access_token"].as_str()).await;
    assert_eq!(status, 200);
    // A token for the billing API is no admin token, whatever it carries.
    let (status, _) = at.get("/api/Client", Some(&billing_token)).await;
    assert_eq!(status, 401);
    // Unknown resources, and resources the request has no scope of, are invalid_target.
    for extra in [vec![("resource", "nope")], vec![("resource", "billing"), ("scope", "orders.read")]] {
        let (status, refused) = token(&at, svc, &cc(&extra)).await;
        assert_eq!((status, refused["error"].as_str()), (400, Some("invalid_target")), "{refused}");
    }

    // An API resource introspects with its own secret and hears only of its tokens.
    let as_billing = ("billing", billing.as_str());
    let ask = async |client: (&str, &str), token: &str| at.form("/oauth/introspect", client, &[("token", token)]).await;
    assert_eq!(ask(as_billing, &billing_token).await.1["active"], true);
    assert_eq!(ask(as_billing, all["access_token"].as_str().unwrap()).await.1["active"], true);
    assert_eq!(ask(as_billing, &orders_token).await.1, json!({ "active": false }));
    // A URI name cannot go in HTTP basic unencoded (RFC 6749 §2.3.1); the form works.
    let form = [("token", orders_token.as_str()), ("client_id", ORDERS), ("client_secret", orders.as_str())];
    let (_, seen) = at.send(at.request(Method::POST, "/oauth/introspect").form(&form)).await;
    assert_eq!(seen["active"], true, "{seen}");
    let (status, refused) = ask(("billing", "wrong"), &billing_token).await;
    assert_eq!((status, refused["error"].as_str()), (401, Some("invalid_client")));

    // A user's token: the resource's user claims are released to it.
    let app = at
        .create_client(
            &admin,
            json!({ "clientId": "app", "allowedGrantTypes": [{ "grantType": "password" }, { "grantType": "refresh_token" }],
                    "allowedScopes": [{ "scope": "openid" }, { "scope": "profile" }, { "scope": "bill.read" }] }),
        )
        .await;
    let app = ("app", app.as_str());
    flow::create_user(&server, "ann").await;
    let password = [
        ("grant_type", "password"),
        ("username", "ann"),
        ("password", PASSWORD),
        ("scope", "openid profile bill.read"),
        ("resource", "billing"),
    ];
    let (status, user) = token(&at, app, &password).await;
    assert_eq!((status, user["scope"].as_str()), (200, Some("bill.read")), "{user}");
    let (_, seen) = ask(as_billing, user["access_token"].as_str().unwrap()).await;
    assert_eq!((seen["email"].as_str(), seen["preferred_username"].as_str()), (Some("ann@example.com"), Some("ann")));
    assert_eq!(seen["aud"], "billing");
    // Refresh keeps the grant's scopes; `resource` narrows again (a refused
    // refresh leaves the refresh token usable).
    let refresh_token = user["refresh_token"].as_str().unwrap();
    let refresh =
        |resource| [("grant_type", "refresh_token"), ("refresh_token", refresh_token), ("resource", resource)];
    let (status, refused) = token(&at, app, &refresh(ORDERS)).await;
    assert_eq!((status, refused["error"].as_str()), (400, Some("invalid_target")));
    let (status, again) = token(&at, app, &refresh("billing")).await;
    assert_eq!((status, again["scope"].as_str()), (200, Some("bill.read")), "{again}");

    // The code flow: `resource` at the authorization endpoint keeps identity
    // scopes and that resource's API scopes; the consent page names API
    // scopes by their display names.
    let web = flow::web_app(
        &server,
        json!({ "requireConsent": true, "allowedScopes": [
        { "scope": "openid" }, { "scope": "profile" }, { "scope": "bill.read" }, { "scope": "orders.read" }] }),
    )
    .await;
    let agent = Agent::new(&server);
    let (verifier, challenge) = pkce();
    let authorize = |resource| {
        [
            ("response_type", "code"),
            ("client_id", "web"),
            ("redirect_uri", REDIRECT_URI),
            ("scope", "openid bill.read orders.read"),
            ("code_challenge", challenge.as_str()),
            ("resource", resource),
        ]
    };
    let refused = agent.authorize(&authorize("nope")).await;
    assert_eq!(flow::param(refused.location.as_deref().unwrap(), "error").as_deref(), Some("invalid_target"));
    let login = agent.authorize(&authorize("billing")).await;
    let consent = agent.sign_in(&login, "ann", PASSWORD).await;
    assert!(consent.body.contains("Read your invoices"), "{}", consent.body);
    assert!(!consent.body.contains("Access orders.read"), "the orders scope was narrowed away");
    let back = agent.consent(&consent, "allow", false).await;
    let code = flow::param(back.location.as_deref().unwrap(), "code").unwrap();
    let (status, exchanged) = flow::exchange(&server, ("web", &web), &code, REDIRECT_URI, &verifier).await;
    assert_eq!((status, exchanged["scope"].as_str()), (200, Some("openid bill.read")), "{exchanged}");
    assert_eq!(flow::claims(exchanged["access_token"].as_str().unwrap())["aud"], "billing");
    let id_token = exchanged["id_token"].as_str().expect("an ID token");
    assert_eq!(verify(&jwks, id_token).unwrap()["aud"], "web");

    // Discovery lists the API scopes shown in discovery.
    let (_, metadata) = at.get("/.well-known/openid-configuration", None).await;
    let supported = metadata["scopes_supported"].as_array().unwrap();
    for name in ["bill.read", "bill.write", "orders.read", "openid"] {
        assert!(supported.iter().any(|s| s == name), "{name} in {metadata}");
    }

    // A disabled scope is withheld from tokens; a disabled resource is in no
    // audience and cannot introspect.
    let scope_id = {
        let (_, listed) = at.get("/api/ApiScope?q.name=orders.read", Some(&admin)).await;
        listed["data"][0]["id"].as_i64().unwrap()
    };
    let disable = |path: String| at.request(Method::PUT, &path).bearer_auth(&admin).json(&json!({ "enabled": false }));
    let (status, _) = at.send(disable(format!("/api/ApiScope/{scope_id}"))).await;
    assert_eq!(status, 200);
    let (_, narrowed) = token(&at, svc, &cc(&[])).await;
    assert_eq!(narrowed["scope"], "bill.read isms.client.get");
    assert_eq!(flow::claims(narrowed["access_token"].as_str().unwrap())["aud"], json!([issuer, "billing"]));
    let (status, refused) = token(&at, svc, &cc(&[("resource", ORDERS)])).await;
    assert_eq!((status, refused["error"].as_str()), (400, Some("invalid_target")));
    let billing_id = {
        let (_, listed) = at.get("/api/ApiResource?q.name=billing", Some(&admin)).await;
        listed["data"][0]["id"].as_i64().unwrap()
    };
    let (status, _) = at.send(disable(format!("/api/ApiResource/{billing_id}"))).await;
    assert_eq!(status, 200);
    let (_, without) = token(&at, svc, &cc(&[])).await;
    assert_eq!(without["scope"], "isms.client.get");
    let (status, _) = ask(as_billing, &billing_token).await;
    assert_eq!(status, 401);
}
