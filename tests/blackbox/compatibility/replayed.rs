//! Compatibility fixes found by replaying the seeds: empty query
//! parameters, imported client secrets, spending points, and OAuthApp's
//! `PUT /api/{Resource}` with the id in the body — each through the seeds'
//! exact paths and field names over raw HTTP, and through the SDK.

use futures::future::join_all;
use keyward_tests::end_user::{assert_refused, create_app, open_registration, post, send, token_of};
use keyward_tests::tenant::At;
use keyward_tests::{ADMIN_ID, ADMIN_SECRET, TestServer, flow, on_both_databases};
use reqwest::Method;
use serde_json::{Value, json};

on_both_databases!(
    empty_query_parameters_are_not_given,
    spring_clients_keep_their_secrets,
    spending_points_never_overdraws,
    put_names_the_id_in_the_body
);

/// Seed 002/003's own sample URL, `PointLog?type=&skip=&take=`, and every
/// admin list with its parameters left empty: empty means not given. A
/// malformed non-empty value is still a 400 that says what was expected.
async fn empty_query_parameters_are_not_given(server: TestServer) {
    let (app, _) = create_app(&server, "shop", json!({ "signUpBonusPoints": 7 })).await;
    let token = token_of(&post(&server, app, "SignUp", json!({"userName": "payer", "pwd": "a long password"})).await);
    let seed_url = format!("/api/AppUsers/{app}/PointLog?type=&skip=&take=");
    let (status, log) = send(&server, Method::GET, &seed_url, Some(&token), None).await;
    assert_eq!(status, 200, "{log}");
    assert_eq!((log["code"].as_i64(), log["err"].as_str()), (Some(200), Some("")));
    assert_eq!((log["data"]["total"].as_i64(), log["data"]["balance"].as_i64()), (Some(1), Some(7)));
    assert_eq!(log["data"]["data"][0]["remark"], "sign-up bonus");
    // Through the SDK, which leaves the parameters out.
    let sdk = server.sdk_with(&token).app_point_log().app_id(app).send().await.unwrap().into_inner();
    assert_eq!((sdk.data.total, sdk.data.balance), (1, 7));
    // Malformed values are refused, naming what was expected.
    let path = |query: &str| format!("/api/AppUsers/{app}/PointLog?{query}");
    assert_refused(
        &send(&server, Method::GET, &path("type=&skip=&take=ten"), Some(&token), None).await,
        400,
        "expected an integer, got \"ten\"",
    );
    assert_refused(&send(&server, Method::GET, &path("type=x"), Some(&token), None).await, 400, "expected an integer");
    // In range checks still apply to values that are given.
    assert_refused(&send(&server, Method::GET, &path("take=0"), Some(&token), None).await, 400, "`take`");

    // Every admin list: empty filters, sorting, paging and dates are not given.
    let bearer = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let common = "orderby=&asc=&skip=&take=&startTime=&endTime=";
    for (list, filters) in [
        ("Tenant", "q.Host=&q.Name="),
        ("Client", "q.ClientID=&q.ClientName="),
        ("User", "q.name=&q.email=&q.phoneNumber=&q.role="),
        ("Role", "q.name="),
        ("IdentityResource", "q.Name="),
        ("ApiResource", "q.name=&q.expandScopes=&q.expandClaims="),
        ("ApiScope", "q.name=&q.expandProperties=&q.expandClaims="),
    ] {
        let (status, empty) =
            send(&server, Method::GET, &format!("/api/{list}?{filters}&{common}"), Some(&bearer), None).await;
        assert_eq!(status, 200, "{list}: {empty}");
        let (_, plain) = send(&server, Method::GET, &format!("/api/{list}"), Some(&bearer), None).await;
        assert_eq!(empty["total"], plain["total"], "{list}: empty parameters list what none list");
        assert_eq!(empty["data"], plain["data"], "{list}");
        assert_eq!((empty["skip"].as_i64(), empty["take"].as_i64()), (Some(0), Some(10)), "{list}: {empty}");
    }
    // Given but malformed: a 400 naming the expected form.
    for (query, needle) in [
        ("take=ten", "expected a whole number"),
        ("skip=-1", "expected a whole number"),
        ("asc=yes", "expected `true` or `false`, got \"yes\""),
        ("startTime=2026-13-01", "expected a date `yyyy-MM-dd`"),
    ] {
        let (status, body) = send(&server, Method::GET, &format!("/api/Client?{query}"), Some(&bearer), None).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(body["code"], 400, "{body}");
        assert!(body["message"].as_str().unwrap().contains(needle), "{query}: {body}");
    }
    // Given and well-formed still filters.
    let (_, one) = send(&server, Method::GET, "/api/Client?q.ClientID=shop&take=", Some(&bearer), None).await;
    assert_eq!(one["total"], 1, "{one}");
}

/// Seed 004's headers: `web-client:YunQue` and `clinic-client:YunQue`.
const WEB_CLIENT_BASIC: &str = "Basic d2ViLWNsaWVudDpZdW5RdWU=";
const CLINIC_CLIENT_BASIC: &str = "Basic Y2xpbmljLWNsaWVudDpZdW5RdWU=";

/// A form POST to `path` with a full `Authorization` header value.
async fn form_with(server: &TestServer, path: &str, authorization: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let request = server.http().post(format!("{}{path}", server.url)).header("Authorization", authorization);
    let response = request.form(form).send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

/// Seed 004: Spring clients keep their `client_id`/`client_secret`. An admin
/// imports `YunQue` (weak: only with `allowWeakSecret`, and marked), and the
/// seed's own `Authorization: Basic …` headers then work at `/oauth/token`,
/// `/mobile/code/get`, `/mobile/token` and `/sign/token`.
async fn spring_clients_keep_their_secrets(server: TestServer) {
    let (id, generated) = create_app(&server, "web-client", json!({})).await;
    let admin = server.admin().await;
    let grants: keyward_sdk::types::ClientUpdate = serde_json::from_value(json!({ "allowedGrantTypes": [
        { "grantType": "password" }, { "grantType": "refresh_token" }, { "grantType": "client_credentials" },
        { "grantType": "mobile" }, { "grantType": "sign" }] }))
    .unwrap();
    admin.client_update().id(id).body(grants).send().await.unwrap();
    let bearer = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let secrets_path = format!("/api/Client/{id}/Secrets");
    let secrets = async || send(&server, Method::GET, &secrets_path, Some(&bearer), None).await.1["data"].clone();
    let token_form = [("grant_type", "client_credentials")];

    // Bad input: refused precisely, the secret never repeated, nothing stored.
    for (body, status, needle) in [
        (json!({"value": "YunQue"}), 422, "`value` must be at least 8 characters"),
        (json!({"value": "YunQue", "allowWeakSecret": false}), 422, "set `allowWeakSecret: true`"),
        (json!({"value": ""}), 422, "`value` must not be empty"),
        (json!({"value": "Yun\u{1}Que-long"}), 422, "control characters"),
        (json!({"value": "x".repeat(1025)}), 422, "at most 1024"),
        (json!({"value": 12345678}), 400, "expected a string"),
        (json!({"value": "YunQue", "allowWeakSecret": "yes"}), 400, "expected a boolean"),
        (json!({"secret": "YunQue"}), 400, "unknown field"),
    ] {
        let (got, refused) = send(&server, Method::POST, &secrets_path, Some(&bearer), Some(body.clone())).await;
        assert_eq!(got, status, "{body}: {refused}");
        let message = refused["message"].as_str().unwrap();
        assert!(message.contains(needle), "{body}: {message}");
        assert!(!message.contains("YunQue"), "a refusal repeats the secret: {message}");
    }
    let (status, _) = send(
        &server,
        Method::POST,
        "/api/Client/999999/Secrets",
        Some(&bearer),
        Some(json!({"value": "a strong secret"})),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = send(&server, Method::POST, &secrets_path, None, Some(json!({"value": "a strong secret"}))).await;
    assert_eq!(status, 401);
    let viewer = json!({ "clientId": "viewer", "allowedGrantTypes": [{ "grantType": "client_credentials" }],
        "allowedScopes": [{ "scope": "isms.client.detail" }] });
    let viewer_secret = flow::create_app(&server, viewer).await.unwrap();
    let viewer_token = server.token("viewer", &viewer_secret, Some("isms.client.detail")).await;
    let body = json!({"value": "YunQue", "allowWeakSecret": true});
    let (status, refused) = send(&server, Method::POST, &secrets_path, Some(&viewer_token), Some(body.clone())).await;
    assert_eq!(status, 403, "{refused}");
    assert!(refused["message"].as_str().unwrap().contains("isms.client.postsecretkey"), "{refused}");
    // Another tenant's client is not found here.
    let tenant: keyward_sdk::types::TenantCreate =
        serde_json::from_value(json!({ "name": "Acme", "hosts": [{ "hostName": "acme.test" }] })).unwrap();
    admin.tenant_create().body(tenant).send().await.unwrap();
    let acme = At::new(&server, &server.url.trim_start_matches("http://").replace("127.0.0.1", "acme.test"));
    acme.create_client(&bearer, json!({ "clientId": "acme-app" })).await;
    let acme_id = acme.get("/api/Client?q.ClientID=acme-app", Some(&bearer)).await.1["data"][0]["id"].as_i64().unwrap();
    let path = format!("/api/Client/{acme_id}/Secrets");
    assert_eq!(send(&server, Method::POST, &path, Some(&bearer), Some(body.clone())).await.0, 404);
    assert_eq!(secrets().await.as_array().unwrap().len(), 1, "only the generated secret");
    assert_eq!(form_with(&server, "/oauth/token", WEB_CLIENT_BASIC, &token_form).await.0, 401);
    assert_eq!(acme.get(&path, Some(&bearer)).await.1["data"].as_array().unwrap().len(), 1);

    // Imported with `allowWeakSecret`: stored, never echoed, marked weak.
    let response = server.http().post(format!("{}{secrets_path}", server.url)).bearer_auth(&bearer);
    let response = response.json(&json!({"value": "YunQue", "allowWeakSecret": true, "description": "Spring"}));
    let response = response.send().await.unwrap();
    assert_eq!(response.status(), 201);
    let text = response.text().await.unwrap();
    assert!(!text.contains("YunQue"), "{text}");
    let created: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(created["data"]["secret"], Value::Null, "{created}");
    let listed = secrets().await;
    assert_eq!(listed[1]["weak"], true, "{listed}");
    assert_eq!(listed[0]["weak"], false, "{listed}");
    let (_, clients) = send(&server, Method::GET, "/api/Client?q.ClientID=web-client", Some(&bearer), None).await;
    assert_eq!(clients["data"][0]["hasWeakSecret"], true, "{clients}");
    assert!(!clients.to_string().contains("YunQue"));

    // The seed's own headers now authenticate, at every path that takes them.
    let (status, token) = form_with(&server, "/oauth/token", WEB_CLIENT_BASIC, &token_form).await;
    assert_eq!(status, 200, "{token}");
    flow::create_user(&server, "qwe").await;
    let password = [("username", "qwe"), ("password", flow::PASSWORD), ("grant_type", "password")];
    let (status, token) = form_with(&server, "/oauth/token", WEB_CLIENT_BASIC, &password).await;
    assert_eq!(status, 200, "{token}");
    let refresh = [("grant_type", "refresh_token"), ("refresh_token", token["refresh_token"].as_str().unwrap())];
    assert_eq!(form_with(&server, "/oauth/token", WEB_CLIENT_BASIC, &refresh).await.0, 200);
    let phone = "13312341234";
    let sent = form_with(&server, "/mobile/code/get", WEB_CLIENT_BASIC, &[("mobile", phone)]).await;
    assert_eq!(sent, (200, json!({"expires_in": 600})));
    let code = server.sinks.code_for(phone).await;
    let (status, token) =
        form_with(&server, "/mobile/token", WEB_CLIENT_BASIC, &[("mobile", phone), ("code", &code)]).await;
    assert_eq!(status, 200, "{token}");
    // The generated secret still works; a wrong one does not.
    assert_eq!(flow::token(&server, Some(("web-client", &generated)), &token_form).await.0, 200);
    let wrong = format!("Basic {}", base64_of("web-client:yunque"));
    assert_eq!(form_with(&server, "/oauth/token", &wrong, &token_form).await.0, 401);
    // Deleting the weak secret clears the mark.
    let weak_id = listed[1]["id"].as_i64().unwrap();
    send(&server, Method::DELETE, &format!("{secrets_path}/{weak_id}"), Some(&bearer), None).await;
    assert!(!admin.client_view().id(id).send().await.unwrap().into_inner().data.has_weak_secret);
    assert_eq!(form_with(&server, "/oauth/token", WEB_CLIENT_BASIC, &token_form).await.0, 401);

    // At creation, through the SDK: seed 004's clinic-client keeps `YunQue`.
    let clinic = |extra: Value| {
        let mut body = json!({ "clientId": "clinic-client", "allowedGrantTypes": [{ "grantType": "sign" }],
            "allowedScopes": [{ "scope": "openid" }], "clientSecret": "YunQue" });
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        serde_json::from_value::<keyward_sdk::types::ClientCreate>(body).unwrap()
    };
    let refused = admin.client_create().body(clinic(json!({}))).send().await.unwrap_err();
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(422));
    let (_, none) = send(&server, Method::GET, "/api/Client?q.ClientID=clinic-client", Some(&bearer), None).await;
    assert_eq!(none["total"], 0, "a refused create stores nothing");
    let public = admin.client_create().body(clinic(json!({"allowWeakSecret": true, "requireClientSecret": false})));
    assert_eq!(public.send().await.unwrap_err().status().map(|s| s.as_u16()), Some(422));
    let created = admin.client_create().body(clinic(json!({"allowWeakSecret": true}))).send().await.unwrap();
    let created = created.into_inner().data;
    assert_eq!(created.client_secret, None, "an imported secret is not echoed");
    let view = admin.client_view().id(created.id).send().await.unwrap().into_inner().data;
    assert!(view.has_weak_secret && view.client_secrets.len() == 1 && view.client_secrets[0].weak);
    // `sign` makes an account for a new openId: sign-up is off until an admin opens it.
    open_registration(&server).await;
    let open = serde_json::from_value::<keyward_sdk::types::AppSettingsUpdate>(json!({ "signUpEnabled": true }));
    admin.app_settings_update().id(created.id).body(open.unwrap()).send().await.unwrap();
    let (status, token) = form_with(&server, "/sign/token", CLINIC_CLIENT_BASIC, &[("sign", "openid-abc")]).await;
    assert_eq!(status, 200, "{token}");
    // A strong imported secret through the SDK is not marked.
    let strong: keyward_sdk::types::SecretCreate =
        serde_json::from_value(json!({ "value": "a longer Spring secret" })).unwrap();
    let added = admin.client_secret_create().id(created.id).body(strong).send().await.unwrap().into_inner().data;
    assert_eq!(added.secret, None);
    let view = admin.client_view().id(created.id).send().await.unwrap().into_inner().data;
    assert!(view.client_secrets.iter().any(|s| s.id == added.id && !s.weak));
    let strong_basic = format!("Basic {}", base64_of("clinic-client:a longer Spring secret"));
    assert_eq!(form_with(&server, "/sign/token", &strong_basic, &[("sign", "openid-abc")]).await.0, 200);
}

fn base64_of(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// A POST to `/api/AppUsers/{app}/{operation}` with a full `Authorization`
/// header value and an optional `Idempotency-Key`.
async fn points(
    server: &TestServer,
    (app, operation): (i64, &str),
    authorization: &str,
    key: Option<&str>,
    body: Value,
) -> (u16, Value) {
    let url = format!("{}/api/AppUsers/{app}/{operation}", server.url);
    let mut request = server.http().post(url).header("Authorization", authorization).json(&body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

/// `ConsumePoints`: the app's server debits a user's points in the same
/// ledger as recharges, idempotently, and never below zero — also when 64
/// debits race.
async fn spending_points_never_overdraws(server: TestServer) {
    let (app, secret) = create_app(&server, "shop", json!({ "pointsPerCurrencyUnit": 100 })).await;
    let (_, other_secret) = create_app(&server, "other", json!({})).await;
    let token = token_of(&post(&server, app, "SignUp", json!({"userName": "payer", "pwd": "a long password"})).await);
    let (_, profile) = send(&server, Method::GET, &format!("/api/AppUsers/{app}/Profile"), Some(&token), None).await;
    let user = profile["data"]["id"].as_i64().unwrap();
    let shop = format!("Basic {}", base64_of(&format!("shop:{secret}")));
    let consume = (app, "ConsumePoints");
    let recharged = points(&server, (app, "RechargePoints"), &shop, None, json!({"price": 0.7, "userID": user})).await;
    assert_eq!(recharged.1["data"], true, "{}", recharged.1);
    let ledger = async || {
        let path = format!("/api/AppUsers/{app}/PointLog?type=&skip=&take=100");
        send(&server, Method::GET, &path, Some(&token), None).await.1["data"].clone()
    };

    // The seed path with the app's HTTP basic credentials: the entry is the answer.
    let body = json!({"points": 30, "remark": "order 1", "userID": user});
    let (status, spent) = points(&server, consume, &shop, Some("debit-1"), body.clone()).await;
    assert_eq!(status, 200, "{spent}");
    let entry = &spent["data"];
    assert_eq!(
        (entry["used"].as_i64(), entry["balance"].as_i64(), entry["type"].as_i64()),
        (Some(-30), Some(40), Some(2))
    );
    assert_eq!((entry["remark"].as_str(), entry["creditedBy"].as_str()), (Some("order 1"), Some("app:shop")));
    assert_eq!(entry["userID"], user);
    // A retry answers the same entry and debits nothing more; another body under the key is refused.
    assert_eq!(points(&server, consume, &shop, Some("debit-1"), body.clone()).await, (200, spent.clone()));
    let other = json!({"points": 31, "remark": "order 1", "userID": user});
    assert_refused(&points(&server, consume, &shop, Some("debit-1"), other).await, 422, "different debit");
    let as_recharge = json!({"price": 0.3, "userID": user});
    assert_refused(
        &points(&server, (app, "RechargePoints"), &shop, Some("debit-1"), as_recharge).await,
        422,
        "different recharge",
    );
    // The same ledger: PointLog shows it as a debit.
    let debits =
        send(&server, Method::GET, &format!("/api/AppUsers/{app}/PointLog?type=2&skip=&take="), Some(&token), None)
            .await;
    assert_eq!(debits.1["data"]["total"], 1, "{}", debits.1);
    assert_eq!(debits.1["data"]["data"][0]["id"], entry["id"]);

    // Bad input: refused precisely, nothing written.
    let wrong = format!("Basic {}", base64_of("shop:not-the-secret"));
    let another = format!("Basic {}", base64_of(&format!("other:{other_secret}")));
    let own = format!("Bearer {token}");
    for (authorization, body, status, needle) in [
        (&shop, json!({"points": 41, "userID": user}), 409, "has 40 points; 41 cannot be taken"),
        (&shop, json!({"userID": user}), 400, "`points` is required"),
        (&shop, json!({"points": 0, "userID": user}), 422, "between 1 and"),
        (&shop, json!({"points": -5, "userID": user}), 422, "between 1 and"),
        (&shop, json!({"points": "ten", "userID": user}), 400, "points"),
        (&shop, json!({"points": 1.5, "userID": user}), 400, "points"),
        (&shop, json!({"points": 1}), 400, "`userID` is required"),
        (&shop, json!({"points": 1, "userID": 999_999}), 404, "user 999999 does not exist"),
        (&shop, json!({"points": 1, "userID": user, "remark": "r".repeat(201)}), 422, "`remark`"),
        (&wrong, json!({"points": 1, "userID": user}), 401, "client authentication failed"),
        (&another, json!({"points": 1, "userID": user}), 403, "another app"),
        (&own, json!({"points": 1}), 403, "ConsumePoints needs the app's client authentication"),
        (&"Bearer not-a-token".to_string(), json!({"points": 1, "userID": user}), 401, ""),
    ] {
        assert_refused(&points(&server, consume, authorization, None, body).await, status, needle);
    }
    let bad_key = points(&server, consume, &shop, Some("has space"), json!({"points": 1, "userID": user})).await;
    assert_refused(&bad_key, 422, "`Idempotency-Key` must not contain spaces");
    let nothing = ledger().await;
    assert_eq!((nothing["total"].as_i64(), nothing["balance"].as_i64()), (Some(2), Some(40)), "{nothing}");

    // 64 racing debits of 3 from 40: exactly 13 succeed, the balance never goes negative. The wrong
    // secret above made this address suspect, so attempts beyond its limit in flight answer 503:
    // the app's server retries those after `Retry-After`, under the same key.
    let keys: Vec<String> = (0..64).map(|n| format!("race-{n}")).collect();
    let racing = keys.iter().map(|key| async {
        loop {
            let answer = points(&server, consume, &shop, Some(key), json!({"points": 3, "userID": user})).await;
            if answer.0 != 503 {
                return answer;
            }
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
    });
    let answers = join_all(racing).await;
    for (status, body) in &answers {
        assert!(
            *status == 200 || (*status == 409 && body["err"].as_str().unwrap().contains("cannot be taken")),
            "{status} {body}"
        );
    }
    assert_eq!(answers.iter().filter(|(status, _)| *status == 200).count(), 13);
    let after = ledger().await;
    assert_eq!((after["total"].as_i64(), after["balance"].as_i64()), (Some(15), Some(1)), "{after}");
    let entries = after["data"].as_array().unwrap();
    assert_eq!(
        entries.iter().map(|e| e["used"].as_i64().unwrap()).sum::<i64>(),
        1,
        "the ledger adds up to the balance"
    );
    assert!(entries.iter().all(|e| e["balance"].as_i64().unwrap() >= 0));
    // Ten racing retries of one key debit once.
    points(&server, (app, "RechargePoints"), &shop, None, json!({"price": 1, "userID": user})).await;
    let same = (0..10).map(|_| points(&server, consume, &shop, Some("same"), json!({"points": 5, "userID": user})));
    let answers = join_all(same).await;
    assert!(answers.iter().all(|answer| answer == &answers[0] && answer.0 == 200), "{answers:?}");
    assert_eq!(ledger().await["balance"], 96);

    // Through the SDK, with the app's client_credentials token.
    let service = server.sdk_with(&server.token("shop", &secret, None).await);
    let body: keyward_sdk::types::Consume = serde_json::from_value(json!({"points": 6, "userID": user})).unwrap();
    let entry = service.app_consume_points().app_id(app).body(body).send().await.unwrap().into_inner().data;
    assert_eq!((entry.used, entry.balance, entry.type_), (-6, 90, 2));
    let body: keyward_sdk::types::Consume = serde_json::from_value(json!({"points": 91, "userID": user})).unwrap();
    let refused = service.app_consume_points().app_id(app).body(body).send().await.unwrap_err();
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(409));
    assert_eq!(ledger().await["balance"], 90);
}

/// OAuthApp's `PUT /api/{Resource}` with the id in the body (contract §3.2):
/// the same update as `PUT /api/{Resource}/{id}`, answering the id (Client,
/// IdentityResource, Role, User) or `true` (ApiResource, ApiScope, Tenant).
async fn put_names_the_id_in_the_body(server: TestServer) {
    let admin = server.admin().await;
    let bearer = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let (client, _) = create_app(&server, "shop", json!({})).await;
    let user = flow::create_user(&server, "ann").await;
    let role: keyward_sdk::types::RoleCreate = serde_json::from_value(json!({ "name": "editors" })).unwrap();
    let role = admin.role_create().body(role).send().await.unwrap().into_inner().data;
    let (_, profile) = send(&server, Method::GET, "/api/IdentityResource?q.Name=profile", Some(&bearer), None).await;
    let identity = profile["data"][0]["id"].as_i64().unwrap();
    flow::ensure_api_scopes(&server, &["orders.read"]).await;
    let (_, scopes) = send(&server, Method::GET, "/api/ApiScope?q.name=orders.read", Some(&bearer), None).await;
    let scope = scopes["data"][0]["id"].as_i64().unwrap();
    let resource: keyward_sdk::types::ApiResourceCreate = serde_json::from_value(json!({ "name": "billing" })).unwrap();
    let resource = admin.api_resource_create().body(resource).send().await.unwrap().into_inner().data.id;
    let tenant: keyward_sdk::types::TenantCreate =
        serde_json::from_value(json!({ "name": "Acme", "hosts": [{ "hostName": "acme.test" }] })).unwrap();
    let tenant = admin.tenant_create().body(tenant).send().await.unwrap().into_inner().data;
    let all = [
        ("Client", client, "clientName", "isms.client.put", json!(client)),
        ("User", user, "nickName", "isms.user.put", json!(user)),
        ("Role", role, "name", "isms.role.put", json!(role)),
        ("IdentityResource", identity, "displayName", "isms.identityresource.put", json!(identity)),
        ("ApiResource", resource, "displayName", "oauthapp.apiresource.put", json!(true)),
        ("ApiScope", scope, "displayName", "isms.apiscope.put", json!(true)),
        ("Tenant", tenant, "name", "oauthapp.tenant.put", json!(true)),
    ];
    let viewer = json!({ "clientId": "viewer", "allowedGrantTypes": [{ "grantType": "client_credentials" }],
        "allowedScopes": [{ "scope": "isms.all" }] });
    let viewer_secret = flow::create_app(&server, viewer).await.unwrap();
    for (resource, id, field, permission, answer) in all {
        let path = format!("/api/{resource}");
        let stored = async || {
            send(&server, Method::GET, &format!("{path}/{id}"), Some(&bearer), None).await.1["data"][field].clone()
        };
        let before = stored().await;
        // Bad input: refused precisely, nothing changed.
        for (body, status, needle) in [
            (json!({ field: "changed" }), 422, "`id` is required"),
            (json!({ "id": null, field: "changed" }), 422, "`id` is required"),
            (json!({ "id": "seven", field: "changed" }), 400, "`id`: invalid type"),
            (json!({ "id": id, field: "changed", "bogus": 1 }), 400, "unknown field `bogus`"),
            (json!({ "id": 999_999, field: "changed" }), 404, "999999 does not exist"),
        ] {
            let (got, refused) = send(&server, Method::PUT, &path, Some(&bearer), Some(body.clone())).await;
            assert_eq!(got, status, "{resource} {body}: {refused}");
            assert!(refused["message"].as_str().unwrap().contains(needle), "{resource} {body}: {refused}");
        }
        let body = json!({ "id": id, field: "changed" });
        assert_eq!(send(&server, Method::PUT, &path, None, Some(body.clone())).await.0, 401);
        let getter = server.token("viewer", &viewer_secret, Some(&permission.replace(".put", ".get"))).await;
        let (status, refused) = send(&server, Method::PUT, &path, Some(&getter), Some(body.clone())).await;
        assert_eq!(status, 403, "{resource}: {refused}");
        assert!(refused["message"].as_str().unwrap().contains(permission), "{refused}");
        assert_eq!(stored().await, before, "{resource}: a refused PUT changes nothing");
        // The seed's shape: the id in the body; the answer as OAuthApp's.
        let name = format!("{resource} renamed");
        let (status, done) =
            send(&server, Method::PUT, &path, Some(&bearer), Some(json!({ "id": id, field: name }))).await;
        assert_eq!(status, 200, "{resource}: {done}");
        assert_eq!((done["code"].as_i64(), &done["data"]), (Some(200), &answer), "{resource}: {done}");
        assert_eq!(stored().await, json!(name), "{resource}");
    }
    // Another tenant's role is not found here.
    let acme = At::new(&server, &server.url.trim_start_matches("http://").replace("127.0.0.1", "acme.test"));
    let (status, created) = acme
        .send(acme.request(Method::POST, "/api/Role").bearer_auth(&bearer).json(&json!({ "name": "acme-role" })))
        .await;
    assert_eq!(status, 201, "{created}");
    let acme_role = created["data"].as_i64().unwrap();
    let (status, _) =
        send(&server, Method::PUT, "/api/Role", Some(&bearer), Some(json!({ "id": acme_role, "name": "x" }))).await;
    assert_eq!(status, 404);
    assert_eq!(acme.get(&format!("/api/Role/{acme_role}"), Some(&bearer)).await.1["data"]["name"], "acme-role");
    // Through the SDK.
    let body: keyward_sdk::types::RoleUpdateWithId =
        serde_json::from_value(json!({ "id": role, "name": "writers" })).unwrap();
    assert_eq!(admin.role_put().body(body).send().await.unwrap().into_inner().data, role);
    let body: keyward_sdk::types::ApiScopeUpdateWithId =
        serde_json::from_value(json!({ "id": scope, "displayName": "Read orders" })).unwrap();
    assert!(admin.api_scope_put().body(body).send().await.unwrap().into_inner().data);
    let missing: keyward_sdk::types::ClientUpdateWithId = serde_json::from_value(json!({ "id": 999_999 })).unwrap();
    assert_eq!(admin.client_put().body(missing).send().await.unwrap_err().status().map(|s| s.as_u16()), Some(404));
}
