//! The `keyward` command line, run as a separate process against a live
//! server: flags for bodies, table and JSON output, a password from standard
//! input, the server's errors, shell completions.

use keyward_tests::{ADMIN_ID, ADMIN_SECRET, TestServer, binary, on_both_databases};
use serde_json::Value;
use std::process::{Output, Stdio};
use tokio::io::AsyncWriteExt;

/// Runs `keyward args…` as the test admin against `server`, with `stdin`.
async fn keyward(server: &TestServer, args: &[&str], stdin: &str) -> Output {
    let mut child = tokio::process::Command::new(binary::path())
        .args(args)
        .env("KEYWARD_ENDPOINT", &server.url)
        .env("KEYWARD_ADMIN_CLIENT_ID", ADMIN_ID)
        .env("KEYWARD_ADMIN_CLIENT_SECRET", ADMIN_SECRET)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("keyward runs");
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).await.unwrap();
    drop(input);
    child.wait_with_output().await.unwrap()
}

/// The standard output of a command that must succeed.
async fn ok(server: &TestServer, args: &[&str], stdin: &str) -> String {
    let output = keyward(server, args, stdin).await;
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "keyward {args:?} failed: {stderr}");
    stdout.into_owned()
}

/// The exit code and standard error of a command that must fail.
async fn fails(server: &TestServer, args: &[&str], stdin: &str) -> (i32, String) {
    let output = keyward(server, args, stdin).await;
    assert!(!output.status.success(), "keyward {args:?} succeeded: {}", String::from_utf8_lossy(&output.stdout));
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stderr).into_owned())
}

async fn clients_from_flags_listed_as_table_and_json(server: TestServer) {
    ok(&server, &["api-scope", "create", "--name", "invoices"], "").await;
    let created: Value = serde_json::from_str(
        &ok(
            &server,
            &["client", "create", "--client-id", "billing", "--grant", "client_credentials", "--scope", "invoices"],
            "",
        )
        .await,
    )
    .unwrap();
    let secret = created["data"]["clientSecret"].as_str().expect("the new client's secret");
    // The flags made a client that works.
    server.token("billing", secret, Some("invoices")).await;

    let table = ok(&server, &["client", "list", "--output", "table"], "").await;
    let mut lines = table.lines();
    let header = lines.next().unwrap();
    let row = lines.find(|line| line.contains("billing")).unwrap_or_else(|| panic!("billing listed: {table}"));
    for (column, value) in
        [("clientId", "billing"), ("allowedGrantTypes", "client_credentials"), ("allowedScopes", "invoices")]
    {
        assert_eq!(header.find(column), row.find(value), "{column} aligned:\n{table}");
    }
    assert!(!header.contains("clientSecret"), "no secret column in a list: {header}");

    let listed: Value = serde_json::from_str(&ok(&server, &["client", "list", "-o", "json"], "").await).unwrap();
    let billing =
        listed["data"].as_array().unwrap().iter().find(|c| c["clientId"] == "billing").expect("billing listed");
    assert_eq!(billing["allowedGrantTypes"][0]["grantType"], "client_credentials");
    assert_eq!(billing["allowedScopes"][0]["scope"], "invoices");
}

async fn users_with_a_password_from_stdin_sign_in(server: TestServer) {
    let password = "correct horse battery staple";
    let created: Value = serde_json::from_str(
        &ok(&server, &["user", "create", "--user-name", "alice", "--password-stdin"], &format!("{password}\n")).await,
    )
    .unwrap();
    let id = created["data"].as_i64().expect("the new user's id");
    let app: Value = serde_json::from_str(
        &ok(&server, &["client", "create", "--client-id", "app", "--grant", "password"], "").await,
    )
    .unwrap();
    let form = [
        ("grant_type", "password"),
        ("username", "alice"),
        ("password", password),
        ("client_id", "app"),
        ("client_secret", app["data"]["clientSecret"].as_str().unwrap()),
    ];
    let (status, token) =
        crate::json(server.http().post(format!("{}/oauth/token", server.url)).form(&form).send().await.unwrap()).await;
    assert_eq!(status, 200, "{token}");
    assert!(token["access_token"].is_string());

    let single = ok(&server, &["user", "get", &id.to_string(), "--output", "table"], "").await;
    let lines: Vec<&str> = single.lines().collect();
    assert!(lines[0].starts_with("id  userName") && lines[1].contains("alice"), "{single}");
    assert!(!single.contains(password));
}

async fn mistakes_get_clear_messages_and_fail(server: TestServer) {
    let (code, stderr) = fails(&server, &["client", "create", "--client-id", "x", "--grant", "bogus"], "").await;
    assert_eq!(code, 1);
    assert!(stderr.contains("422") && stderr.contains(r#"unsupported grant type "bogus""#), "{stderr}");
    let (code, stderr) = fails(&server, &["client", "list", "--output", "yaml"], "").await;
    assert_eq!(code, 2, "a usage error");
    assert!(stderr.contains("invalid value 'yaml'") && stderr.contains("json, table"), "{stderr}");
    let (_, stderr) = fails(&server, &["user", "create", "--user-name", "bob", "--password-stdin"], "").await;
    assert!(stderr.contains("standard input holds no password"), "{stderr}");
    let (_, stderr) = fails(&server, &["client", "get", "999999"], "").await;
    assert!(stderr.contains("404"), "{stderr}");
}

on_both_databases!(
    clients_from_flags_listed_as_table_and_json,
    users_with_a_password_from_stdin_sign_in,
    mistakes_get_clear_messages_and_fail
);

#[test]
fn completions_for_each_shell() {
    for (shell, marker) in [("bash", "complete -F"), ("zsh", "#compdef keyward"), ("fish", "complete -c keyward")] {
        let output = std::process::Command::new(binary::path()).args(["completions", shell]).output().unwrap();
        assert!(output.status.success(), "{shell}: {}", String::from_utf8_lossy(&output.stderr));
        let script = String::from_utf8(output.stdout).unwrap();
        assert!(script.contains(marker), "{shell} script: {script:.200}");
        assert!(script.contains("password-stdin"), "{shell} completes the flags");
    }
}
