//! Every end-user route and seed 004 endpoint through the generated SDK.

use futures::TryStreamExt;
use keyward_sdk::types;
use keyward_tests::end_user::{APP_REDIRECT, create_app, sql};
use keyward_tests::{TestServer, on_both_databases};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// An SDK body from JSON (the SDK's structs take every optional field).
fn body<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("SDK body")
}

/// Sends a code for `purpose` to an email address through the SDK (past the
/// resend interval) and reads it from the SMTP sink.
async fn email_code(server: &TestServer, app: i64, email: &str, purpose: &str) -> String {
    sql(server, "UPDATE send_limits SET last_at = last_at - 61000").await;
    let request = body::<types::SendEmailCode>(json!({"email": email, "type": purpose}));
    assert!(server.sdk().app_send_email_code().app_id(app).body(request).send().await.unwrap().into_inner().data);
    server.sinks.code_for(email).await
}

/// As [`email_code`], by SMS.
async fn sms_code(server: &TestServer, app: i64, phone: &str, purpose: &str) -> String {
    sql(server, "UPDATE send_limits SET last_at = last_at - 61000").await;
    let request = body::<types::SendSmsCode>(json!({"phone": phone, "type": purpose}));
    assert!(server.sdk().app_send_sms_code().app_id(app).body(request).send().await.unwrap().into_inner().data);
    server.sinks.code_for(phone).await
}

async fn every_route_through_the_sdk(server: TestServer) {
    let (app, secret) =
        create_app(&server, "shop", json!({ "unionIdSignInEnabled": true, "signUpBonusPoints": 3 })).await;
    let sdk = server.sdk();
    let email = "sdk@mail.test";
    let password = "a long password";

    let code = email_code(&server, app, email, "signup").await;
    let signed_up = sdk
        .app_email_sign_up()
        .app_id(app)
        .body(body::<types::SignUp>(json!({"email": email, "emailCode": code, "pwd": password})));
    let token = signed_up.send().await.unwrap().into_inner().data.access_token;
    assert_eq!(server.sdk_with(&token).app_profile_get().app_id(app).send().await.unwrap().into_inner().code, 200);

    let phone = "13700000001";
    let code = sms_code(&server, app, phone, "signup").await;
    let phone_user =
        sdk.app_phone_sign_up().app_id(app).body(body::<types::SignUp>(json!({"phone": phone, "phoneCode": code})));
    assert_eq!(phone_user.send().await.unwrap().into_inner().code, 200);
    let code = sms_code(&server, app, phone, "signin").await;
    let phone_in = sdk
        .app_phone_sign_in()
        .app_id(app)
        .body(body::<types::PhoneSignIn>(json!({"phone": phone, "verifyCode": code})));
    assert_eq!(phone_in.send().await.unwrap().into_inner().data.token_type, "Bearer");

    let code = email_code(&server, app, email, "signin").await;
    let email_in = sdk
        .app_email_sign_in()
        .app_id(app)
        .body(body::<types::EmailSignIn>(json!({"email": email, "verifyCode": code})));
    assert_eq!(email_in.send().await.unwrap().into_inner().code, 200);
    let code = email_code(&server, app, email, "forgetpwd").await;
    let reset = sdk
        .app_reset_password()
        .app_id(app)
        .body(body::<types::ResetPassword>(json!({"email": email, "code": code, "pwd": "another long one"})));
    assert!(reset.send().await.unwrap().into_inner().data);
    let stale = server.sdk_with(&token).app_profile_get().app_id(app).send().await.unwrap_err();
    assert_eq!(stale.status().map(|s| s.as_u16()), Some(401), "a new password revokes the user's tokens");
    let sign_in = sdk
        .app_sign_in()
        .app_id(app)
        .body(body::<types::PasswordSignIn>(json!({"userName": email, "pwd": "another long one"})));
    let user = server.sdk_with(&sign_in.send().await.unwrap().into_inner().data.access_token);

    let union = sdk
        .app_union_id_sign_up()
        .app_id(app)
        .body(body::<types::SignUp>(json!({"platform": "web", "unionID": "sdk-u1"})));
    union.send().await.unwrap();
    let union_in = sdk
        .app_union_id_sign_in()
        .app_id(app)
        .body(body::<types::UnionIdSignIn>(json!({"platform": "web", "unionID": "sdk-u1"})));
    assert_eq!(union_in.send().await.unwrap().into_inner().data.expires_in, 86_400);

    let updated = user
        .app_profile_update()
        .app_id(app)
        .body(body::<types::ProfileUpdate>(json!({"nickName": "Sid"})))
        .send()
        .await
        .unwrap();
    assert!(updated.into_inner().data);
    assert_eq!(user.app_profile_get().app_id(app).send().await.unwrap().into_inner().data.nick_name, "Sid");
    // The app's server credits points with its client_credentials token.
    let user_id = user.app_profile_get().app_id(app).send().await.unwrap().into_inner().data.id;
    let shop = server.sdk_with(&server.token("shop", &secret, None).await);
    let recharge = types::Recharge { price: Some(2.5), remark: None, user_id: Some(user_id) };
    assert!(shop.app_recharge_points().app_id(app).body(recharge).send().await.unwrap().into_inner().data);
    let credits = user.app_point_log().app_id(app).type_(1).take(5).send().await.unwrap().into_inner().data;
    assert_eq!((credits.total, credits.balance), (2, 5), "bonus 3 + 2.5 × 1, rounded down");
    assert_eq!(credits.data[0].credited_by.as_deref(), Some("app:shop"));

    let key = sdk
        .app_qr_pre_sign_in()
        .app_id(app)
        .body(body::<types::QrPreSignIn>(json!({"scopes": "openid"})))
        .send()
        .await
        .unwrap()
        .into_inner()
        .data;
    let image = sdk.app_qr_image().app_id(app).sign_in_key(&key).format("svg").send().await.unwrap().into_inner();
    let bytes: Vec<u8> = image.into_inner().map_ok(|chunk| chunk.to_vec()).try_concat().await.unwrap();
    assert!(bytes.starts_with(b"<svg"));
    let card =
        sdk.app_qr_scan().app_id(app).body(types::QrKey { sign_in_key: Some(key.clone()) }).send().await.unwrap();
    assert_eq!(card.into_inner().data.name, "Shop");
    let confirm = sdk
        .app_qr_sign_up()
        .app_id(app)
        .body(body::<types::SignUp>(json!({"signInKey": key, "unionID": "sdk-u1", "platform": "web"})));
    confirm.send().await.unwrap();
    let polled = sdk.app_qr_sign_in().app_id(app).body(types::QrKey { sign_in_key: Some(key) }).send().await.unwrap();
    assert_eq!(polled.into_inner().data.token_type, "Bearer");

    let grant = sdk.app_grant_code().app_id(app).scheme("app").body(body::<types::GrantCodeRequest>(json!({
        "grant_type": "email", "scopes": "openid", "redirect_uri": APP_REDIRECT, "userName": email,
        "password": "another long one", "expireInDays": 2
    })));
    let code = grant.send().await.unwrap().into_inner().data;
    assert_eq!(code.expires_in, 120);
    let issued = sdk.app_authorize().app_id(app).scheme("app").code(&code.code).send().await.unwrap().into_inner().data;
    // The two days asked for are capped at the app's token lifetime, one day.
    assert_eq!(issued.expires_in, 86_400);
    let consents = user.app_consent_list().app_id(app).send().await.unwrap().into_inner().data;
    assert_eq!(consents.len(), 1);
    let deleted = user.app_consent_delete().app_id(app).id(consents[0].id).send().await.unwrap().into_inner();
    assert!(deleted.data);

    let mobile = "13700000002";
    let request = |code: Option<String>| types::MobileCodeRequest {
        mobile: mobile.into(),
        code,
        client_id: Some("shop".into()),
        client_secret: Some(secret.clone()),
    };
    assert_eq!(sdk.mobile_code_get().body(request(None)).send().await.unwrap().into_inner().expires_in, 600);
    let code = server.sinks.code_for(mobile).await;
    assert!(sdk.mobile_code_verify().body(request(Some(code.clone()))).send().await.unwrap().into_inner().valid);
    let token = sdk.mobile_token().body(body::<types::MobileTokenRequest>(
        json!({"mobile": mobile, "code": code, "client_id": "shop", "client_secret": secret}),
    ));
    assert!(token.send().await.unwrap().into_inner().refresh_token.is_some());
    let signed = sdk.sign_token().body(body::<types::SignTokenRequest>(
        json!({"sign": "openid-sdk", "client_id": "shop", "client_secret": secret}),
    ));
    assert_eq!(signed.send().await.unwrap().into_inner().token_type, "Bearer");
}

on_both_databases!(every_route_through_the_sdk);
