//! CRUD and lists of the admin resources, through the generated SDK.

use keyward_sdk::types;
use keyward_tests::{TestServer, on_both_databases};

on_both_databases!(
    client_crud,
    user_crud_and_filters,
    role_crud_and_user_roles,
    tenant_crud,
    list_paging_sorting_and_dates
);

async fn client_crud(server: TestServer) {
    let admin = server.admin().await;
    keyward_tests::flow::ensure_api_scopes(&server, &["invoices.read"]).await;
    let body: types::ClientCreate = serde_json::from_value(serde_json::json!({
        "clientId": "billing",
        "clientName": "Billing service",
        "allowedGrantTypes": [{ "grantType": "client_credentials" }],
        "allowedScopes": [{ "scope": "invoices.read" }],
        "redirectUris": [{ "redirectUri": "https://billing.example.com/cb" }],
        "claims": [{ "type": "department", "value": "finance" }],
    }))
    .unwrap();
    let created = admin.client_create().body(body).send().await.unwrap().into_inner().data;
    assert_eq!(created.client_id, "billing");
    let secret = created.client_secret.expect("a confidential client gets a secret");
    assert!(secret.len() >= 43, "secret has at least 256 bits");

    let view = admin.client_view().id(created.id).send().await.unwrap().into_inner().data;
    assert_eq!(view.client_name, "Billing service");
    assert!(view.require_client_secret && view.enabled && view.require_pkce);
    assert_eq!(view.access_token_lifetime, 3600);
    assert_eq!(view.client_secrets.len(), 1);
    let shown = serde_json::to_string(&view).unwrap();
    assert!(!shown.contains(&secret), "the secret is never shown again");

    let update: types::ClientUpdate =
        serde_json::from_value(serde_json::json!({ "clientName": "Billing", "accessTokenLifetime": 600 })).unwrap();
    let updated = admin.client_update().id(created.id).body(update).send().await.unwrap().into_inner().data;
    assert_eq!((updated.client_name.as_str(), updated.access_token_lifetime), ("Billing", 600));
    assert_eq!(updated.redirect_uris.len(), 1, "absent fields stay as they were");

    let public: types::ClientCreate =
        serde_json::from_value(serde_json::json!({ "clientId": "spa", "requireClientSecret": false })).unwrap();
    let public = admin.client_create().body(public).send().await.unwrap().into_inner().data;
    assert!(public.client_secret.is_none(), "a public client has no secret");

    let found = admin.client_list().q_client_id("billing").send().await.unwrap().into_inner();
    assert_eq!((found.total, found.data[0].id), (1, created.id));
    let by_name = admin.client_list().q_client_name("Billing").send().await.unwrap().into_inner();
    assert_eq!(by_name.total, 1);

    let deleted = admin.client_delete().id(created.id).send().await.unwrap().into_inner().data;
    assert_eq!(deleted, created.id);
    let gone = admin.client_view().id(created.id).send().await.unwrap_err();
    assert_eq!(gone.status().map(|s| s.as_u16()), Some(404));
}

async fn user_crud_and_filters(server: TestServer) {
    let admin = server.admin().await;
    let mut ids = Vec::new();
    for (name, email, phone) in [
        ("alice", "alice@example.com", "+8613800000001"),
        ("bob", "bob@example.com", "13800000002"),
        ("carol", "c@example.org", "13800000003"),
    ] {
        let body: types::UserCreate = serde_json::from_value(serde_json::json!({
            "userName": name, "password": "correct horse battery", "email": email, "phoneNumber": phone,
            "nickName": format!("{name} nick"), "data": "{\"vip\":true}",
        }))
        .unwrap();
        ids.push(admin.user_create().body(body).send().await.unwrap().into_inner().data);
    }
    let alice = admin.user_view().id(ids[0]).send().await.unwrap().into_inner().data;
    assert_eq!((alice.user_name.as_str(), alice.email.as_deref()), ("alice", Some("alice@example.com")));
    assert!(!alice.email_confirmed);
    assert!(!serde_json::to_string(&alice).unwrap().contains("argon2"), "no password hash in answers");

    let by_email = admin.user_list().q_email("bob@example.com").send().await.unwrap().into_inner();
    assert_eq!((by_email.total, by_email.data[0].id), (1, ids[1]));
    let by_phone = admin.user_list().q_phone_number("13800000003").send().await.unwrap().into_inner();
    assert_eq!(by_phone.data[0].id, ids[2]);
    let by_name = admin.user_list().q_name("AL").send().await.unwrap().into_inner();
    assert_eq!(by_name.total, 1, "name filter is a case-insensitive contains");
    let wildcard = admin.user_list().q_name("%").send().await.unwrap().into_inner();
    assert_eq!(wildcard.total, 0, "LIKE wildcards in a filter are literal");

    let update: types::UserUpdate = serde_json::from_value(serde_json::json!({
        "nickName": "Alice", "emailConfirmed": true, "password": "another good password"
    }))
    .unwrap();
    let updated = admin.user_update().id(ids[0]).body(update).send().await.unwrap().into_inner().data;
    assert!(updated.email_confirmed);
    assert_eq!((updated.nick_name.as_str(), updated.phone_number.as_deref()), ("Alice", Some("+8613800000001")));

    admin.user_delete().id(ids[1]).send().await.unwrap();
    let listed = admin.user_list().send().await.unwrap().into_inner();
    assert_eq!(listed.total, 2, "soft-deleted users are not listed");
    let again: types::UserCreate = serde_json::from_value(serde_json::json!({ "userName": "BOB" })).unwrap();
    admin.user_create().body(again).send().await.expect("a deleted user's name is free again");
}

async fn role_crud_and_user_roles(server: TestServer) {
    let admin = server.admin().await;
    let role: types::RoleCreate = serde_json::from_value(
        serde_json::json!({ "name": "auditor", "permissions": ["isms.user.get", "isms.client.all"] }),
    )
    .unwrap();
    let role_id = admin.role_create().body(role).send().await.unwrap().into_inner().data;
    let user: types::UserCreate =
        serde_json::from_value(serde_json::json!({ "userName": "dave", "roles": [{ "roleId": role_id }] })).unwrap();
    let user_id = admin.user_create().body(user).send().await.unwrap().into_inner().data;
    let holders = admin.user_list().q_role("Auditor").send().await.unwrap().into_inner();
    assert_eq!((holders.total, holders.data[0].id), (1, user_id));

    let update: types::RoleUpdate = serde_json::from_value(serde_json::json!({ "permissions": ["isms.all"] })).unwrap();
    let updated = admin.role_update().id(role_id).body(update).send().await.unwrap().into_inner().data;
    assert_eq!((updated.name.as_str(), updated.permissions.clone()), ("auditor", vec!["isms.all".to_string()]));
    let found = admin.role_list().q_name("audit").send().await.unwrap().into_inner();
    assert_eq!(found.total, 1);

    let duplicate: types::RoleCreate = serde_json::from_value(serde_json::json!({ "name": "AUDITOR" })).unwrap();
    let conflict = admin.role_create().body(duplicate).send().await.unwrap_err();
    assert_eq!(conflict.status().map(|s| s.as_u16()), Some(409));

    admin.role_delete().id(role_id).send().await.unwrap();
    let dave = admin.user_view().id(user_id).send().await.unwrap().into_inner().data;
    assert!(dave.roles.is_empty(), "deleting a role takes it from its holders");
}

async fn tenant_crud(server: TestServer) {
    let admin = server.admin().await;
    let body: types::TenantCreate = serde_json::from_value(serde_json::json!({
        "name": "Acme", "hosts": [{ "hostName": "Acme.Example.com" }],
        "claims": [{ "claimType": "region", "claimValue": "eu" }], "properties": [{ "key": "theme", "value": "dark" }]
    }))
    .unwrap();
    let id = admin.tenant_create().body(body).send().await.unwrap().into_inner().data;
    let tenant = admin.tenant_view().id(id).send().await.unwrap().into_inner().data;
    assert_eq!((tenant.name.as_str(), tenant.status), ("Acme", 1));
    assert_eq!(tenant.hosts[0].host_name, "acme.example.com", "host names are stored lower-case");
    let by_host = admin.tenant_list().q_host("acme.example.com").send().await.unwrap().into_inner();
    assert_eq!((by_host.total, by_host.data[0].id), (1, id));

    let update: types::TenantUpdate = serde_json::from_value(serde_json::json!({ "status": 2 })).unwrap();
    let updated = admin.tenant_update().id(id).body(update).send().await.unwrap().into_inner().data;
    assert_eq!((updated.status, updated.hosts.len()), (2, 1));

    let taken: types::TenantCreate =
        serde_json::from_value(serde_json::json!({ "name": "Copy", "hosts": [{ "hostName": "acme.example.com" }] }))
            .unwrap();
    let conflict = admin.tenant_create().body(taken).send().await.unwrap_err();
    assert_eq!(conflict.status().map(|s| s.as_u16()), Some(409));
    let all = admin.tenant_list().send().await.unwrap().into_inner();
    assert_eq!(all.total, 2, "the conflicting tenant was not half-written");

    let default_id = all.data.iter().find(|t| t.name == "default").unwrap().id;
    let refused = admin.tenant_delete().id(default_id).send().await.unwrap_err();
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(409));
    admin.tenant_delete().id(id).send().await.unwrap();
    let gone = admin.tenant_view().id(id).send().await.unwrap_err();
    assert_eq!(gone.status().map(|s| s.as_u16()), Some(404));
}

async fn list_paging_sorting_and_dates(server: TestServer) {
    let admin = server.admin().await;
    for i in 0..12 {
        let body: types::RoleCreate =
            serde_json::from_value(serde_json::json!({ "name": format!("role-{i:02}") })).unwrap();
        admin.role_create().body(body).send().await.unwrap();
    }
    let first = admin.role_list().send().await.unwrap().into_inner();
    assert_eq!((first.total, first.data.len(), first.skip, first.take), (12, 10, 0, 10));
    assert_eq!(first.data[0].name, "role-11", "default order is newest first");
    let page = admin.role_list().orderby("name").asc(true).skip(10).take(5).send().await.unwrap().into_inner();
    let names: Vec<&str> = page.data.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["role-10", "role-11"]);

    let today = chrono::Utc::now().date_naive();
    let yesterday = today.pred_opt().unwrap();
    let tomorrow = today.succ_opt().unwrap();
    let in_range = admin.role_list().start_time(today).end_time(today).send().await.unwrap().into_inner();
    assert_eq!(in_range.total, 12);
    let before = admin.role_list().end_time(yesterday).send().await.unwrap().into_inner();
    assert_eq!(before.total, 0);
    let after = admin.role_list().start_time(tomorrow).send().await.unwrap().into_inner();
    assert_eq!(after.total, 0);
}
