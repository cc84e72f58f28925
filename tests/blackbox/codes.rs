//! Verification codes through a real SMTP conversation and real HTTP calls
//! to the SMS providers (webhook and Aliyun's signed API), with their limits;
//! only the client that asked for a code may spend its attempts.

use base64::Engine;
use keyward_tests::end_user::{self, assert_refused, create_app, post, retry_after, send, sql, token_of};
use keyward_tests::sinks::{WEBHOOK_SECRET, code_in};
use keyward_tests::{ADMIN_ID, ADMIN_SECRET, TestServer, on_both_databases};
use reqwest::Method;
use ring::hmac;
use serde_json::{Value, json};
use std::collections::BTreeMap;

async fn email_codes(server: TestServer) {
    let (app, _) =
        create_app(&server, "shop", json!({ "emailSubject": "Shop code", "emailTemplate": "Shop: {code} (10 min)" }))
            .await;
    let email = "ann@mail.test";
    let sent = post(&server, app, "SendEmailCode", json!({"email": email, "type": "signup"})).await;
    assert_eq!(sent.1, json!({"code": 200, "data": true, "err": ""}));
    let message = server.sinks.last_to(email).await;
    assert!(message.body.contains("Subject: Shop code"), "{}", message.body);
    assert!(message.body.contains("From: Keyward <no-reply@keyward.test>"), "{}", message.body);
    let code = code_in(&message.body).expect("a 6-digit code in the mail");
    assert!(message.body.contains(&format!("Shop: {code} (10 min)")));
    // One send per destination per 60 s.
    let again = post(&server, app, "SendEmailCode", json!({"email": email, "type": "signup"})).await;
    assert_refused(&again, 429, "wait");
    let (status, wait) = retry_after(&server, app, "SendEmailCode", json!({"email": email, "type": "signup"})).await;
    assert!(status == 429 && wait.is_some_and(|s| (1..=60).contains(&s)), "{status} Retry-After {wait:?}");
    assert_eq!(server.sinks.count_to(email), 1);

    let wrong = if code == "000000" { "111111" } else { "000000" };
    let body = |code: &str| json!({"email": email, "emailCode": code, "pwd": "a long password", "nickName": "Ann"});
    assert_refused(&post(&server, app, "EmailSignUp", body(wrong)).await, 400, "wrong or has expired");
    assert_refused(&post(&server, app, "EmailSignUp", body("12ab")).await, 400, "wrong or has expired");
    let token = token_of(&post(&server, app, "EmailSignUp", body(&code)).await);
    assert_refused(&post(&server, app, "EmailSignUp", body(&code)).await, 400, "wrong or has expired");
    let (_, profile) = send(&server, Method::GET, &format!("/api/AppUsers/{app}/Profile"), Some(&token), None).await;
    assert_eq!(profile["data"]["email"], email);
    assert_eq!(profile["data"]["emailIsValid"], true);
    assert_eq!(profile["data"]["userName"], email, "the user name defaults to the address");

    // Sign-in code (the `verifyCode` spelling), after the resend interval.
    sql(&server, "UPDATE send_limits SET last_at = last_at - 61000").await;
    post(&server, app, "SendEmailCode", json!({"email": "ANN@mail.test", "type": "signin"})).await;
    let code = server.sinks.code_for(email).await;
    let signed_in = post(&server, app, "EmailSignIn", json!({"email": email, "verifyCode": code})).await;
    token_of(&signed_in);
    // A signup code does not sign in: codes are bound to their purpose.
    sql(&server, "UPDATE send_limits SET last_at = last_at - 61000").await;
    post(&server, app, "SendEmailCode", json!({"email": email, "type": "signup"})).await;
    let code = server.sinks.code_for(email).await;
    assert_refused(&post(&server, app, "EmailSignIn", json!({"email": email, "verifyCode": code})).await, 400, "wrong");

    // Password reset, and the same answer for an address without account.
    sql(&server, "UPDATE send_limits SET last_at = last_at - 61000").await;
    post(&server, app, "SendEmailCode", json!({"email": email, "type": "forgetpwd"})).await;
    let code = server.sinks.code_for(email).await;
    let reset =
        post(&server, app, "ResetPwd", json!({"email": email, "code": code, "pwd": "a new long password"})).await;
    assert_eq!(reset.1, json!({"code": 200, "data": true, "err": ""}));
    token_of(&post(&server, app, "SignIn", json!({"userName": email, "pwd": "a new long password"})).await);
    assert_refused(
        &post(&server, app, "SignIn", json!({"userName": email, "pwd": "a long password"})).await,
        401,
        "incorrect",
    );
    let stranger = "nobody@mail.test";
    let sent = post(&server, app, "SendEmailCode", json!({"email": stranger, "type": "forgetpwd"})).await;
    assert_eq!(sent.1["data"], true, "no hint whether the address has an account");
    let code = server.sinks.code_for(stranger).await;
    let reset = post(&server, app, "ResetPwd", json!({"email": stranger, "code": code, "pwd": "whatever long"})).await;
    assert_refused(&reset, 400, "the code is wrong or has expired");

    // Bad input.
    assert_refused(
        &post(&server, app, "SendEmailCode", json!({"email": "not-an-address", "type": "signup"})).await,
        422,
        "`email`",
    );
    assert_refused(&post(&server, app, "SendEmailCode", json!({"email": email, "type": "login"})).await, 400, "`type`");
    assert_refused(&post(&server, app, "SendEmailCode", json!({"email": email})).await, 400, "`type` is required");
    assert_refused(
        &post(&server, app, "ResetPwd", json!({"email": email, "code": "123456", "pwd": "short"})).await,
        422,
        "`pwd`",
    );
    let bad_json = server
        .http()
        .post(format!("{}/api/AppUsers/{app}/SignIn", server.url))
        .body("{")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(bad_json.status(), 400);
    let body: serde_json::Value = bad_json.json().await.unwrap();
    assert_eq!(body["code"], 400);
    assert!(body["err"].as_str().unwrap().contains("unable to parse JSON"), "{body}");
}

async fn sms_codes_and_limits(server: TestServer) {
    let (app, _) =
        create_app(&server, "shop", json!({ "smsTemplate": "[Shop] {code}", "verifyPhoneOnSignUp": true })).await;
    let phone = "+8613800000001";
    let sent = post(&server, app, "SendSMSCode", json!({"phone": phone, "type": "signup"})).await;
    assert_eq!(sent.0, 200, "{}", sent.1);
    let message = server.sinks.last_to(phone).await;
    assert_eq!(message.via, "webhook");
    let body: serde_json::Value = serde_json::from_str(&message.body).unwrap();
    let code = body["code"].as_str().unwrap().to_string();
    assert_eq!(body["text"], format!("[Shop] {code}"));
    let key = hmac::Key::new(hmac::HMAC_SHA256, WEBHOOK_SECRET.as_bytes());
    let signature = message.headers["x-keyward-signature"].strip_prefix("sha256=").unwrap().to_string();
    let signature: Vec<u8> =
        (0..signature.len()).step_by(2).map(|i| u8::from_str_radix(&signature[i..i + 2], 16).unwrap()).collect();
    hmac::verify(&key, message.headers["raw-body"].as_bytes(), &signature).expect("webhook signature verifies");

    // The app requires a verified phone: SignUp without it is refused.
    let plain = post(&server, app, "SignUp", json!({"userName": "bob", "pwd": "a long password"})).await;
    assert_refused(&plain, 400, "required by this app");
    let no_code =
        post(&server, app, "SignUp", json!({"userName": "bob", "pwd": "a long password", "phone": phone})).await;
    assert_refused(&no_code, 400, "`phoneCode` is required");
    // Five wrong attempts use the code up, even for the right code after.
    let wrong = if code == "999999" { "888888" } else { "999999" };
    for _ in 0..5 {
        let attempt = post(&server, app, "PhoneSignUp", json!({"phone": phone, "phoneCode": wrong})).await;
        assert_refused(&attempt, 400, "wrong or has expired");
    }
    let locked = post(&server, app, "PhoneSignUp", json!({"phone": phone, "phoneCode": code})).await;
    assert_refused(&locked, 429, "too many wrong attempts");
    let used_up = retry_after(&server, app, "PhoneSignUp", json!({"phone": phone, "phoneCode": code})).await;
    assert_eq!(used_up, (429, None), "waiting does not help: a new code does");

    // Someone else holding the number unverified neither blocks the sign-up
    // nor is the account it signs in to.
    let admin = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let squatter = |name: &str, verified: bool| json!({"userName": name, "phoneNumber": phone, "phoneNumberConfirmed": verified, "password": "a long password"});
    let squatted = send(&server, Method::POST, "/api/User", Some(&admin), Some(squatter("sam", false))).await;
    assert_eq!(squatted.0, 201, "{}", squatted.1);

    // A fresh code works; then an expired one does not.
    sql(&server, "UPDATE send_limits SET last_at = last_at - 61000").await;
    post(&server, app, "SendSMSCode", json!({"phone": phone, "type": "signup"})).await;
    let code = server.sinks.code_for(phone).await;
    let token = token_of(&post(&server, app, "PhoneSignUp", json!({"phone": phone, "phoneCode": code})).await);
    let (_, profile) = send(&server, Method::GET, &format!("/api/AppUsers/{app}/Profile"), Some(&token), None).await;
    assert_eq!(
        (profile["data"]["userName"].as_str(), profile["data"]["phone"].as_str()),
        (Some(phone), Some(phone)),
        "a new account, not sam's"
    );
    assert_eq!(profile["data"]["phoneIsValid"], true);
    // The number now names the verified holder (who has no password), not sam.
    let by_phone = post(&server, app, "SignIn", json!({"userName": phone, "pwd": "a long password"})).await;
    assert_refused(&by_phone, 401, "incorrect");
    token_of(&post(&server, app, "SignIn", json!({"userName": "sam", "pwd": "a long password"})).await);
    // A verified number belongs to one account, through the admin API too.
    let twice = send(&server, Method::POST, "/api/User", Some(&admin), Some(squatter("sue", true))).await;
    assert_eq!(
        (twice.0, twice.1["message"].as_str()),
        (409, Some("this phone number is already registered to another account"))
    );
    let taken = post(&server, app, "SendSMSCode", json!({"phone": phone, "type": "signin"})).await;
    assert_refused(&taken, 429, "wait");
    sql(&server, "UPDATE send_limits SET last_at = last_at - 61000").await;
    post(&server, app, "SendSMSCode", json!({"phone": phone, "type": "signin"})).await;
    let code = server.sinks.code_for(phone).await;
    sql(&server, "UPDATE verification_codes SET expires_at = 0").await;
    let expired = post(&server, app, "PhoneSignIn", json!({"phone": phone, "verifyCode": code})).await;
    assert_refused(&expired, 400, "wrong or has expired");
    sql(&server, "UPDATE send_limits SET last_at = last_at - 61000").await;
    post(&server, app, "SendSMSCode", json!({"phone": phone, "type": "signin"})).await;
    let code = server.sinks.code_for(phone).await;
    token_of(&post(&server, app, "PhoneSignIn", json!({"phone": phone, "phoneCode": code})).await);
    // A second sign-up with the proven phone conflicts.
    sql(&server, "UPDATE send_limits SET last_at = last_at - 61000").await;
    post(&server, app, "SendSMSCode", json!({"phone": phone, "type": "signup"})).await;
    let code = server.sinks.code_for(phone).await;
    let twice = post(
        &server,
        app,
        "SignUp",
        json!({"userName": "bob", "pwd": "a long password", "phone": phone, "phoneCode": code}),
    )
    .await;
    assert_refused(&twice, 409, "already registered");

    // Daily cap per destination (default 10): the 10 sends above and below.
    for _ in 0..5 {
        sql(&server, "UPDATE send_limits SET last_at = last_at - 61000").await;
        post(&server, app, "SendSMSCode", json!({"phone": phone, "type": "signin"})).await;
    }
    sql(&server, "UPDATE send_limits SET last_at = last_at - 61000").await;
    let capped = post(&server, app, "SendSMSCode", json!({"phone": phone, "type": "signin"})).await;
    assert_refused(&capped, 429, "daily limit");
}

async fn per_address_cap(server: TestServer) {
    let server = server
        .restart_with(|mut settings| {
            settings.delivery.code_daily_limit_per_ip = Some(3);
            settings
        })
        .await;
    let (app, _) = create_app(&server, "shop", json!({})).await;
    for n in 0..3 {
        let sent =
            post(&server, app, "SendSMSCode", json!({"phone": format!("1390000000{n}"), "type": "signup"})).await;
        assert_eq!(sent.0, 200, "{}", sent.1);
    }
    let capped = post(&server, app, "SendSMSCode", json!({"phone": "13900000009", "type": "signup"})).await;
    assert_refused(&capped, 429, "daily limit");
    assert_eq!(server.sinks.count_to("13900000009"), 0, "a refused send counts nothing and sends nothing");
    // Without SMTP configured, email codes are unavailable.
    let server = server
        .restart_with(|mut settings| {
            settings.delivery.smtp_host = None;
            settings
        })
        .await;
    let (status, body) = post(&server, app, "SendEmailCode", json!({"email": "x@mail.test", "type": "signup"})).await;
    assert_eq!((status, body["err"].as_str().unwrap()), (503, "email delivery is not configured on this server"));
    // The development outbox takes the codes of channels without a provider, only when configured.
    let outbox = std::env::temp_dir().join(format!("keyward-outbox-{}.jsonl", uuid::Uuid::new_v4().simple()));
    let path = outbox.clone();
    let server = server
        .restart_with(move |mut settings| {
            settings.delivery.smtp_host = None;
            settings.delivery.outbox_file = Some(path);
            settings
        })
        .await;
    let (status, _) = post(&server, app, "SendEmailCode", json!({"email": "y@mail.test", "type": "signup"})).await;
    assert_eq!(status, 200);
    let line: serde_json::Value = serde_json::from_str(std::fs::read_to_string(&outbox).unwrap().trim()).unwrap();
    assert_eq!((line["channel"].as_str(), line["to"].as_str()), (Some("email"), Some("y@mail.test")));
    let code = code_in(line["text"].as_str().unwrap()).expect("a code in the outbox");
    token_of(&post(&server, app, "EmailSignUp", json!({"email": "y@mail.test", "emailCode": code})).await);
    std::fs::remove_file(outbox).unwrap();
}

/// Aliyun's SendSms API: the fake checks nothing, the test checks the
/// signature with the documented algorithm.
async fn aliyun_sms(server: TestServer) {
    let endpoint = format!("{}/aliyun/", server.sinks.http_url);
    let server = server
        .restart_with(move |mut settings| {
            let d = &mut settings.delivery;
            d.sms_provider = Some("aliyun".into());
            d.aliyun_sms_endpoint = Some(endpoint);
            d.aliyun_access_key_id = Some("test-key-id".into());
            d.aliyun_access_key_secret = Some("test-key-secret".into());
            d.aliyun_sign_name = Some("Keyward".into());
            d.aliyun_template_code = Some("SMS_000001".into());
            settings
        })
        .await;
    let (app, _) = create_app(&server, "shop", json!({ "smsTemplateCode": "SMS_123456" })).await;
    let phone = "13800138000";
    assert_eq!(post(&server, app, "SendSMSCode", json!({"phone": phone, "type": "signup"})).await.0, 200);
    let message = server.sinks.last_to(phone).await;
    assert_eq!(message.via, "aliyun");
    let form = &message.headers;
    assert_eq!(form["Action"], "SendSms");
    assert_eq!(form["SignName"], "Keyward");
    assert_eq!(form["TemplateCode"], "SMS_123456", "the app's template code wins");
    assert_eq!(form["AccessKeyId"], "test-key-id");
    let params: BTreeMap<&str, &str> =
        form.iter().filter(|(k, _)| *k != "Signature").map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let encode = |s: &str| {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>()
    };
    let query: Vec<String> = params.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
    let string_to_sign = format!("POST&%2F&{}", encode(&query.join("&")));
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, b"test-key-secret&");
    let expected =
        base64::engine::general_purpose::STANDARD.encode(hmac::sign(&key, string_to_sign.as_bytes()).as_ref());
    assert_eq!(form["Signature"], expected);
    let param: serde_json::Value = serde_json::from_str(&form["TemplateParam"]).unwrap();
    let code = param["code"].as_str().unwrap();
    token_of(
        &post(&server, app, "PhoneSignUp", json!({"phone": phone, "phoneCode": code, "pwd": "a long password"})).await,
    );
}

on_both_databases!(email_codes, sms_codes_and_limits, per_address_cap, aliyun_sms, nobody_burns_another_persons_code);

/// A form POST to `path`, with the client's basic credentials when given.
async fn form(server: &TestServer, path: &str, basic: Option<&str>, fields: &[(&str, &str)]) -> (u16, Value) {
    let mut request = server.http().post(format!("{}{path}", server.url)).form(fields);
    if let Some(secret) = basic {
        request = request.basic_auth("app-client", Some(secret));
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

/// `/mobile/code/verify` needs the client's credentials, like
/// `/mobile/code/get`: a stranger cannot spend the attempts of a code sent
/// to someone else's phone, and the owner's code still works.
async fn nobody_burns_another_persons_code(server: TestServer) {
    let (_, secret) = end_user::create_app(&server, "app-client", json!({})).await;
    let phone = "13312341234";
    assert_eq!(form(&server, "/mobile/code/get", Some(&secret), &[("mobile", phone)]).await.0, 200);
    let code = server.sinks.code_for(phone).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..6 {
        let (status, body) = form(&server, "/mobile/code/verify", None, &[("mobile", phone), ("code", wrong)]).await;
        assert_eq!(status, 401, "{body}");
    }
    let checked = form(&server, "/mobile/code/verify", Some(&secret), &[("mobile", phone), ("code", &code)]).await;
    assert_eq!(checked, (200, json!({ "valid": true })));
    let (status, token) = form(&server, "/mobile/token", Some(&secret), &[("mobile", phone), ("code", &code)]).await;
    assert_eq!(status, 200, "{token}");
}
