//! Compatibility fixes found by replaying the seeds (issue 14): empty query
//! parameters, imported client secrets, spending points, and OAuthApp's
//! `PUT /api/{Resource}` with the id in the body — each through the seeds'
//! exact paths and field names over raw HTTP, and through the SDK.

use keyward_tests::end_user::{assert_refused, create_app, post, send, token_of};
use keyward_tests::{ADMIN_ID, ADMIN_SECRET, TestServer, on_both_databases};
use reqwest::Method;
use serde_json::json;

on_both_databases!(empty_query_parameters_are_not_given);

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
