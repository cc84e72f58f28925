//! Sessions and grants: admins list and end a user's hosted-login sessions
//! and grants (through the SDK and raw HTTP, with their permission and
//! tenant rules), and authority that outlives its reason ends — a refresh
//! re-checks the user's roles, and a new password or a deleted user ends
//! sessions, grants and their tokens.

use keyward_tests::end_user::{assert_refused, create_app, post, send, token_of};
use keyward_tests::flow::{self, PASSWORD};
use keyward_tests::tenant;
use keyward_tests::{ADMIN_ID, ADMIN_SECRET, TestServer, on_both_databases};
use reqwest::Method;
use serde_json::{Value, json};

on_both_databases!(
    admin_lists_and_ends_sessions_and_grants,
    user_access_needs_permission_and_tenant,
    deleting_a_user_ends_their_tokens,
    refresh_rechecks_roles,
    new_password_ends_sessions_and_grants
);

/// A deleted user's access and refresh tokens stop working at once (before,
/// their JWTs and refresh tokens lived on after the account was gone).
async fn deleting_a_user_ends_their_tokens(server: TestServer) {
    let web_secret = flow::web_app(&server, json!({})).await;
    let web = ("web", web_secret.as_str());
    let ann = flow::create_user(&server, "ann").await;
    let (app, _) = create_app(&server, "shop", json!({})).await;
    let (code, verifier) = flow::code_for(&flow::Agent::new(&server), "ann", "openid").await;
    let (_, tokens) = flow::exchange(&server, web, &code, flow::REDIRECT_URI, &verifier).await;
    let access = tokens["access_token"].as_str().unwrap();
    let app_token = token_of(&post(&server, app, "SignIn", json!({"userName": "ann", "pwd": PASSWORD})).await);
    let profile_path = format!("/api/AppUsers/{app}/Profile");
    assert_eq!(send(&server, Method::GET, &profile_path, Some(&app_token), None).await.0, 200);
    assert_eq!(flow::introspect(&server, web, access).await["active"], true);

    let bearer = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let (status, _) = send(&server, Method::DELETE, &format!("/api/User/{ann}"), Some(&bearer), None).await;
    assert_eq!(status, 200);
    assert_eq!(flow::introspect(&server, web, access).await["active"], false);
    assert_eq!(send(&server, Method::GET, &profile_path, Some(&app_token), None).await.0, 401);
    let form = [("grant_type", "refresh_token"), ("refresh_token", tokens["refresh_token"].as_str().unwrap())];
    let (status, body) = flow::token(&server, Some(web), &form).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
}

/// The page a code-flow request of `web` for `openid` ends on.
async fn authorize(agent: &flow::Agent) -> flow::Page {
    let (_, challenge) = flow::pkce();
    agent.authorize(&flow::web_request("openid", &challenge)).await
}

async fn admin_lists_and_ends_sessions_and_grants(server: TestServer) {
    let web_secret = flow::web_app(&server, json!({ "requireConsent": true })).await;
    let ann = flow::create_user(&server, "ann").await;
    let (app, _) = create_app(&server, "shop", json!({})).await;
    let agent = flow::Agent::new(&server);
    let (verifier, challenge) = flow::pkce();
    let login = agent.authorize(&flow::web_request("openid", &challenge)).await;
    let consent = agent.sign_in(&login, "ann", PASSWORD).await;
    let allowed = agent.consent(&consent, "allow", true).await;
    let code = flow::param(&allowed.location.unwrap(), "code").unwrap();
    let web = ("web", web_secret.as_str());
    let (_, tokens) = flow::exchange(&server, web, &code, flow::REDIRECT_URI, &verifier).await;
    let app_token = token_of(&post(&server, app, "SignIn", json!({"userName": "ann", "pwd": PASSWORD})).await);

    let admin = server.admin().await;
    let sessions = admin.user_session_list().id(ann).send().await.unwrap().into_inner().data;
    assert_eq!(sessions.len(), 1);
    assert!(sessions[0].expiration > sessions[0].auth_time);
    let grants = admin.user_grant_list().id(ann).send().await.unwrap().into_inner().data;
    let mut clients: Vec<(&str, bool)> = grants.iter().map(|g| (g.client_id.as_str(), g.consented)).collect();
    clients.sort();
    assert_eq!(clients, [("shop", false), ("web", true)]);
    assert_eq!(grants.iter().find(|g| g.client_id == "web").unwrap().scope, "openid");
    // Raw: the same lists, never a token or session id.
    let bearer = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    for list in ["Sessions", "Grants"] {
        let response = server
            .http()
            .get(format!("{}/api/User/{ann}/{list}", server.url))
            .bearer_auth(&bearer)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let text = response.text().await.unwrap();
        for secret in [tokens["access_token"].as_str(), tokens["refresh_token"].as_str(), Some(app_token.as_str())] {
            assert!(!text.contains(secret.unwrap()), "{list} shows a token: {text}");
        }
        assert!(!text.contains("Password") && !text.contains("session_id"), "{text}");
    }

    // Ending the sessions: the hosted login asks again; tokens live on.
    assert_eq!(admin.user_session_revoke().id(ann).send().await.unwrap().into_inner().data, 1);
    assert!(admin.user_session_list().id(ann).send().await.unwrap().into_inner().data.is_empty());
    let again = authorize(&agent).await;
    assert!(again.status == 200 && again.body.contains("name=\"password\""), "the sign-in page again");
    let profile_path = format!("/api/AppUsers/{app}/Profile");
    assert_eq!(send(&server, Method::GET, &profile_path, Some(&app_token), None).await.0, 200);

    // Revoking the grants: refresh and access tokens stop working, and the
    // consent is forgotten.
    let (raw_status, revoked) =
        send(&server, Method::DELETE, &format!("/api/User/{ann}/Grants"), Some(&bearer), None).await;
    assert_eq!((raw_status, revoked["data"].as_i64()), (200, Some(2)), "{revoked}");
    let form = [("grant_type", "refresh_token"), ("refresh_token", tokens["refresh_token"].as_str().unwrap())];
    let (status, body) = flow::token(&server, Some(web), &form).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
    assert_eq!(send(&server, Method::GET, &profile_path, Some(&app_token), None).await.0, 401);
    assert!(admin.user_grant_list().id(ann).send().await.unwrap().into_inner().data.is_empty());
    let asked = agent.sign_in(&authorize(&agent).await, "ann", PASSWORD).await;
    assert!(asked.body.contains("Allow access?"), "the consent page asks again");
}

async fn user_access_needs_permission_and_tenant(server: TestServer) {
    let ann = flow::create_user(&server, "ann").await;
    let viewer = json!({ "clientId": "viewer", "allowedGrantTypes": [{ "grantType": "client_credentials" }],
        "allowedScopes": [{ "scope": "isms.user.get" }, { "scope": "isms.user.detail" }] });
    let secret = flow::create_app(&server, viewer).await.unwrap();
    // Listing needs `isms.user.detail`, ending needs `isms.user.put`.
    let lister = server.sdk_with(&server.token("viewer", &secret, Some("isms.user.detail")).await);
    assert!(lister.user_session_list().id(ann).send().await.unwrap().into_inner().data.is_empty());
    assert!(lister.user_grant_list().id(ann).send().await.unwrap().into_inner().data.is_empty());
    let refused = lister.user_grant_revoke().id(ann).send().await.unwrap_err();
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(403));
    let getter = server.token("viewer", &secret, Some("isms.user.get")).await;
    for (method, list) in [(Method::GET, "Sessions"), (Method::GET, "Grants"), (Method::DELETE, "Sessions")] {
        let (status, body) = send(&server, method, &format!("/api/User/{ann}/{list}"), Some(&getter), None).await;
        assert_eq!(status, 403, "{body}");
        assert!(body["message"].as_str().unwrap().contains("isms.user."), "{body}");
    }
    let (status, _) = send(&server, Method::GET, &format!("/api/User/{ann}/Grants"), None, None).await;
    assert_eq!(status, 401);
    // Another tenant's user, and an unknown one, are 404.
    let admin = server.admin().await;
    let acme = tenant::acme(&server).await;
    let bearer = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let bob = acme.create_user(&bearer, "bob", PASSWORD).await;
    for id in [bob, 999_999] {
        let missing = admin.user_session_list().id(id).send().await.unwrap_err();
        assert_eq!(missing.status().map(|s| s.as_u16()), Some(404));
        let (status, body) =
            send(&server, Method::DELETE, &format!("/api/User/{id}/Grants"), Some(&bearer), None).await;
        assert_eq!(status, 404, "{body}");
        assert_eq!(body["message"], format!("user {id} does not exist"));
    }
    assert_eq!(acme.get(&format!("/api/User/{bob}/Sessions"), Some(&bearer)).await.0, 200, "bob is Acme's");
}

/// A confidential client `app` with the password and refresh grants, allowed `isms.user.get`.
async fn password_app(server: &TestServer) -> String {
    let body = json!({ "clientId": "app",
        "allowedGrantTypes": [{ "grantType": "password" }, { "grantType": "refresh_token" }],
        "allowedScopes": [{ "scope": "openid" }, { "scope": "isms.user.get" }] });
    flow::create_app(server, body).await.unwrap()
}

/// A refresh re-checks the user's roles.
async fn refresh_rechecks_roles(server: TestServer) {
    let secret = password_app(&server).await;
    let ann = flow::create_user(&server, "ann").await;
    flow::give_role(&server, ann, "user-admins", &["isms.user.all"]).await;
    let app = ("app", secret.as_str());
    let form =
        [("grant_type", "password"), ("username", "ann"), ("password", PASSWORD), ("scope", "openid isms.user.get")];
    let (status, first) = flow::token(&server, Some(app), &form).await;
    assert_eq!((status, first["scope"].as_str()), (200, Some("openid isms.user.get")), "{first}");
    // The admin takes the role away; the next refresh no longer carries it.
    let admin = server.admin().await;
    let update: keyward_sdk::types::UserUpdate = serde_json::from_value(json!({ "roles": [] })).unwrap();
    admin.user_update().id(ann).body(update).send().await.unwrap();
    let (status, second) = flow::token(&server, Some(app), &refresh_form(&first["refresh_token"])).await;
    assert_eq!((status, second["scope"].as_str()), (200, Some("openid")), "{second}");
    let users = server.sdk_with(second["access_token"].as_str().unwrap()).user_list().send().await.unwrap_err();
    assert_eq!(users.status().map(|s| s.as_u16()), Some(403));
}

/// Whether the agent's hosted-login session still signs it in.
async fn session_alive(agent: &flow::Agent) -> bool {
    let (_, challenge) = flow::pkce();
    let page = agent.authorize(&flow::web_request("openid", &challenge)).await;
    page.location.is_some_and(|to| flow::param(&to, "code").is_some())
}

/// A new password — set by an admin or by a reset code — ends the
/// user's sessions and revokes every grant and its tokens.
async fn new_password_ends_sessions_and_grants(server: TestServer) {
    let web_secret = flow::web_app(&server, json!({})).await;
    let ann = flow::create_user(&server, "ann").await;
    let (app, _) = create_app(&server, "shop", json!({})).await;
    let agent = flow::Agent::new(&server);
    let (code, verifier) = flow::code_for(&agent, "ann", "openid").await;
    let web = ("web", web_secret.as_str());
    let (_, tokens) = flow::exchange(&server, web, &code, flow::REDIRECT_URI, &verifier).await;
    let app_token = token_of(&post(&server, app, "SignIn", json!({"userName": "ann", "pwd": PASSWORD})).await);
    let profile_path = format!("/api/AppUsers/{app}/Profile");
    let userinfo = async |token: &str| {
        server.http().get(format!("{}/oauth/userinfo", server.url)).bearer_auth(token).send().await.unwrap().status()
    };
    assert!(session_alive(&agent).await);
    assert_eq!(userinfo(tokens["access_token"].as_str().unwrap()).await, 200);

    let admin = server.admin().await;
    let update: keyward_sdk::types::UserUpdate =
        serde_json::from_value(json!({ "password": "a brand new password" })).unwrap();
    admin.user_update().id(ann).body(update).send().await.unwrap();
    assert!(!session_alive(&agent).await, "the hosted login asks for the new password");
    let (status, body) = flow::token(&server, Some(web), &refresh_form(&tokens["refresh_token"])).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
    assert_eq!(userinfo(tokens["access_token"].as_str().unwrap()).await, 401);
    assert_refused(&send(&server, Method::GET, &profile_path, Some(&app_token), None).await, 401, "revoked");

    // A reset by a `forgetpwd` code does the same.
    let app_token =
        token_of(&post(&server, app, "SignIn", json!({"userName": "ann", "pwd": "a brand new password"})).await);
    assert_eq!(
        post(&server, app, "SendEmailCode", json!({"email": "ann@example.com", "type": "forgetpwd"})).await.0,
        200
    );
    let code = server.sinks.code_for("ann@example.com").await;
    let reset =
        post(&server, app, "ResetPwd", json!({"email": "ann@example.com", "code": code, "pwd": "a third password"}))
            .await;
    assert_eq!(reset.0, 200, "{}", reset.1);
    assert_refused(&send(&server, Method::GET, &profile_path, Some(&app_token), None).await, 401, "revoked");
}

fn refresh_form(refresh_token: &Value) -> [(&str, &str); 2] {
    [("grant_type", "refresh_token"), ("refresh_token", refresh_token.as_str().unwrap())]
}
