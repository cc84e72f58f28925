//! The token endpoint (RFC 6749) and the tokens it issues (RFC 9068): client
//! secrets, error answers, JWTs that verify against the JWKS, the `sign`
//! grant, and `gty`, which tells a client's own token from a user's.

use crate::json;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use keyward_sdk::types;
use keyward_tests::end_user::{assert_refused, create_app, open_registration, post, send, token_of, verified_claims};
use keyward_tests::{TestServer, flow, on_both_databases};
use reqwest::Method;
use serde_json::{Value, json};

on_both_databases!(
    secret_shown_once_then_works,
    token_errors_follow_rfc_6749,
    jwt_verifies_against_jwks,
    sign_grant_is_not_a_skeleton_key,
    a_user_named_like_the_app_is_no_app
);

async fn create_service(server: &TestServer, client_id: &str) -> String {
    keyward_tests::flow::ensure_api_scopes(server, &["orders.read", "orders.write"]).await;
    let body: types::ClientCreate = serde_json::from_value(json!({
        "clientId": client_id, "allowedGrantTypes": [{ "grantType": "client_credentials" }],
        "allowedScopes": [{ "scope": "orders.read" }, { "scope": "orders.write" }],
        "claims": [{ "type": "team", "value": "shipping" }]
    }))
    .unwrap();
    let created = server.admin().await.client_create().body(body).send().await.unwrap().into_inner().data;
    created.client_secret.unwrap()
}

/// A token request's form fields.
type Form = Vec<(&'static str, String)>;

fn token_url(server: &TestServer) -> String {
    format!("{}/oauth/token", server.url)
}

async fn secret_shown_once_then_works(server: TestServer) {
    let secret = create_service(&server, "svc:orders").await;
    let http = server.http();
    // client_secret_basic, with the id form-encoded as RFC 6749 §2.3.1 asks.
    let basic = STANDARD.encode(format!("svc%3Aorders:{secret}"));
    let response = http
        .post(token_url(&server))
        .header("Authorization", format!("Basic {basic}"))
        .form(&[("grant_type", "client_credentials"), ("scope", "orders.read")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["cache-control"], "no-store");
    let (status, body) = json(response).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!((body["token_type"].as_str(), body["scope"].as_str()), (Some("Bearer"), Some("orders.read")));
    assert_eq!(body["expires_in"].as_i64(), Some(3600));
    // client_secret_post, through the SDK; no scope asks for every allowed one.
    let token = server.token("svc:orders", &secret, None).await;
    let claims = keyward_tests::flow::claims(&token);
    assert_eq!(claims["scope"], "orders.read orders.write");
    assert_eq!(claims["team"], "shipping");
}

async fn token_errors_follow_rfc_6749(server: TestServer) {
    let secret = create_service(&server, "svc").await;
    let http = server.http();
    let post = |form: Form| http.post(token_url(&server)).form(&form).send();
    let s = |v: &str| v.to_string();

    let response =
        post(vec![("grant_type", s("client_credentials")), ("client_id", s("svc")), ("client_secret", s("wrong"))])
            .await
            .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    assert!(response.headers()["www-authenticate"].to_str().unwrap().starts_with("Basic"));
    assert_eq!(response.headers()["cache-control"], "no-store");
    let (_, body) = json(response).await;
    assert_eq!(body["error"], "invalid_client");
    assert!(!body.to_string().contains("wrong"), "the presented secret is not echoed");

    let cases: Vec<(Form, u16, &str)> = vec![
        (
            vec![("grant_type", s("client_credentials")), ("client_id", s("nobody")), ("client_secret", s("x"))],
            401,
            "invalid_client",
        ),
        (vec![("grant_type", s("client_credentials"))], 401, "invalid_client"),
        (vec![("client_id", s("svc")), ("client_secret", secret.clone())], 400, "invalid_request"),
        (
            vec![("grant_type", s("urn:unknown")), ("client_id", s("svc")), ("client_secret", secret.clone())],
            400,
            "unsupported_grant_type",
        ),
        (
            vec![
                ("grant_type", s("client_credentials")),
                ("client_id", s("svc")),
                ("client_secret", secret.clone()),
                ("scope", s("admin")),
            ],
            400,
            "invalid_scope",
        ),
    ];
    for (form, status, error) in cases {
        let (got, body) = json(post(form.clone()).await.unwrap()).await;
        assert_eq!((got, body["error"].as_str()), (status, Some(error)), "{form:?} → {body}");
    }
    // Two authentication methods at once.
    let basic = STANDARD.encode(format!("svc:{secret}"));
    let response = http
        .post(token_url(&server))
        .header("Authorization", format!("Basic {basic}"))
        .form(&[("grant_type", "client_credentials"), ("client_secret", secret.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(json(response).await.1["error"], "invalid_request");
    // A public client cannot be allowed client_credentials, nor use it.
    let public: types::ClientCreate = serde_json::from_value(json!({
        "clientId": "spa", "requireClientSecret": false, "allowedGrantTypes": [{ "grantType": "client_credentials" }]
    }))
    .unwrap();
    let refused = server.admin().await.client_create().body(public).send().await.unwrap_err();
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(422));
    let public: types::ClientCreate = serde_json::from_value(json!({
        "clientId": "spa", "requireClientSecret": false, "allowedGrantTypes": [{ "grantType": "authorization_code" }],
        "redirectUris": [{ "redirectUri": "https://spa.example/cb" }]
    }))
    .unwrap();
    server.admin().await.client_create().body(public).send().await.unwrap();
    let (status, body) =
        json(post(vec![("grant_type", s("client_credentials")), ("client_id", s("spa"))]).await.unwrap()).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("unauthorized_client")));
    // A disabled client is refused.
    let admin = server.admin().await;
    let id = admin.client_list().q_client_id("svc").send().await.unwrap().into_inner().data[0].id;
    let disable: types::ClientUpdate = serde_json::from_value(json!({ "enabled": false })).unwrap();
    admin.client_update().id(id).body(disable).send().await.unwrap();
    let (status, _) = json(
        post(vec![("grant_type", s("client_credentials")), ("client_id", s("svc")), ("client_secret", secret)])
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 401);
}

async fn jwt_verifies_against_jwks(server: TestServer) {
    let secret = create_service(&server, "svc").await;
    let token = server.token("svc", &secret, Some("orders.write")).await;
    let jwks = server.sdk().oauth_jwks().send().await.unwrap().into_inner();
    let parts: Vec<&str> = token.split('.').collect();
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
    assert_eq!((header["alg"].as_str(), header["typ"].as_str()), (Some("ES256"), Some("at+jwt")));
    let key = jwks.keys.iter().find(|k| header["kid"] == k.kid.as_str()).expect("the JWKS publishes the token's kid");
    assert_eq!((key.kty.as_str(), key.crv.as_deref(), key.alg.as_str()), ("EC", Some("P-256"), "ES256"));
    let mut point = vec![4u8];
    point.extend(URL_SAFE_NO_PAD.decode(key.x.as_deref().unwrap()).unwrap());
    point.extend(URL_SAFE_NO_PAD.decode(key.y.as_deref().unwrap()).unwrap());
    let signature = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
    ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_FIXED, &point)
        .verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &signature)
        .expect("the signature verifies with the published key");

    let claims = keyward_tests::flow::claims(&token);
    let now = chrono::Utc::now().timestamp();
    assert_eq!(claims["iss"], server.url.as_str());
    assert_eq!(claims["aud"], server.url.as_str());
    assert_eq!((claims["sub"].as_str(), claims["client_id"].as_str()), (Some("svc"), Some("svc")));
    assert_eq!(claims["scope"], "orders.write");
    assert_eq!(claims["tenant_id"], "1");
    let (iat, exp) = (claims["iat"].as_i64().unwrap(), claims["exp"].as_i64().unwrap());
    assert!((iat - now).abs() < 60 && exp - iat == 3600);
    assert!(claims["jti"].as_str().unwrap().len() >= 32);

    let metadata = server.sdk().discovery_openid().send().await.unwrap().into_inner();
    assert_eq!(metadata.issuer, server.url);
    assert_eq!(metadata.jwks_uri, format!("{}/oauth/jwks", server.url));
    assert_eq!(
        metadata.grant_types_supported,
        ["authorization_code", "refresh_token", "password", "client_credentials", "mobile", "sign"]
    );
    assert_eq!(metadata.code_challenge_methods_supported, ["S256", "plain"]);
    assert_eq!(metadata.authorization_endpoint, format!("{}/oauth/authorize", server.url));
    let oauth = server.sdk().discovery_oauth().send().await.unwrap().into_inner();
    assert_eq!(oauth.token_endpoint, format!("{}/oauth/token", server.url));
}

/// `grant_type=sign` at the token endpoint; a client without a secret sends
/// its id in the form.
async fn sign(server: &TestServer, (id, secret): (&str, Option<&str>), form: &[(&str, &str)]) -> (u16, Value) {
    let mut fields = vec![("grant_type", "sign")];
    fields.extend_from_slice(form);
    match secret {
        Some(secret) => flow::token(server, Some((id, secret)), &fields).await,
        None => {
            fields.push(("client_id", id));
            flow::token(server, None, &fields).await
        }
    }
}

/// The `sign` grant (sign-in by a linked unionID) is no skeleton key: only
/// the confidential app that linked the identity signs its user in, and
/// never with an admin permission.
async fn sign_grant_is_not_a_skeleton_key(server: TestServer) {
    let (shop, shop_secret) = create_app(&server, "shop", json!({ "unionIdSignInEnabled": true })).await;
    let (_, other_secret) = create_app(&server, "other", json!({})).await;
    let linked =
        token_of(&post(&server, shop, "UnionIDSignUp", json!({"platform": "openid", "unionID": "o-ann"})).await);
    let ann = verified_claims(&server, &linked).await["sub"].clone();
    // The app that linked the identity signs its user in.
    let (status, own) = sign(&server, ("shop", Some(&shop_secret)), &[("sign", "o-ann")]).await;
    assert_eq!(status, 200, "{own}");
    assert_eq!(flow::claims(own["access_token"].as_str().unwrap())["sub"], ann);
    // Another confidential app of the tenant may not.
    let (status, body) = sign(&server, ("other", Some(&other_secret)), &[("sign", "o-ann")]).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
    // A public client never may: it proves nothing but its id.
    let public = json!({ "clientId": "kiosk", "requireClientSecret": false,
        "allowedGrantTypes": [{ "grantType": "sign" }], "allowedScopes": [{ "scope": "openid" }] });
    assert_eq!(flow::create_app(&server, public).await, None);
    let (status, body) = sign(&server, ("kiosk", None), &[("sign", "o-ann")]).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("unauthorized_client")), "{body}");
    // No admin permission, even for a user whose roles hold it.
    flow::give_role(&server, ann.as_str().unwrap().parse().unwrap(), "user-admins", &["isms.user.all"]).await;
    let admin = server.admin().await;
    let scopes: keyward_sdk::types::ClientUpdate = serde_json::from_value(json!({ "allowedScopes": [
        { "scope": "openid" }, { "scope": "isms.user.get" }
    ] }))
    .unwrap();
    admin.client_update().id(shop).body(scopes).send().await.unwrap();
    let (status, all) = sign(&server, ("shop", Some(&shop_secret)), &[("sign", "o-ann")]).await;
    assert_eq!((status, all["scope"].as_str()), (200, Some("openid")), "{all}");
    let asked = [("sign", "o-ann"), ("scope", "openid isms.user.get")];
    let (status, body) = sign(&server, ("shop", Some(&shop_secret)), &asked).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_scope")), "{body}");
}

/// A user whose id spells the app's client id is still a user: tokens say
/// how they were issued (`gty`), so user 3 of app "3" cannot pass for the
/// app's server and credit himself points.
async fn a_user_named_like_the_app_is_no_app(server: TestServer) {
    open_registration(&server).await;
    let (first, _) = create_app(&server, "first", json!({ "signUpEnabled": true, "passwordMinLength": 6 })).await;
    let victim = token_of(&post(&server, first, "SignUp", json!({"userName": "victim", "pwd": "123456"})).await);
    let victim_id: i64 = verified_claims(&server, &victim).await["sub"].as_str().unwrap().parse().unwrap();
    let attacker = token_of(&post(&server, first, "SignUp", json!({"userName": "mallory", "pwd": "123456"})).await);
    let attacker_id = verified_claims(&server, &attacker).await["sub"].as_str().unwrap().to_string();
    // The app whose clientId is the attacker's user id.
    let (app, secret) = create_app(&server, &attacker_id, json!({ "passwordMinLength": 6 })).await;
    let own = token_of(&post(&server, app, "SignIn", json!({"userName": "mallory", "pwd": "123456"})).await);
    let claims = verified_claims(&server, &own).await;
    assert_eq!((claims["sub"].as_str(), claims["client_id"].as_str()), (Some(&*attacker_id), Some(&*attacker_id)));

    let points = |operation: &str, token: String, body: Value| {
        let path = format!("/api/AppUsers/{app}/{operation}");
        let server = &server;
        async move { send(server, Method::POST, &path, Some(&token), Some(body)).await }
    };
    let credit = json!({"price": 1_000_000, "userID": attacker_id.parse::<i64>().unwrap()});
    assert_refused(&points("RechargePoints", own.clone(), credit).await, 403, "client authentication");
    let debit = json!({"points": 1, "userID": victim_id});
    assert_refused(&points("ConsumePoints", own.clone(), debit).await, 403, "client authentication");

    // The app's own client_credentials token still acts as the app.
    let app_token = server.token(&attacker_id, &secret, None).await;
    let credited = points("RechargePoints", app_token, json!({"price": 1, "userID": victim_id})).await;
    assert_eq!(credited.1["data"], true, "{}", credited.1);
}
