//! `cargo xtask bench`: the release server and the load generator as
//! separate processes on loopback, on SQLite and on PostgreSQL. Every figure
//! is also given as a ratio to `/healthz` measured in the same run, so runs
//! on different machines compare. Stateless requests are driven by `oha`
//! (installed if missing); refresh tokens are single-use, so the refresh
//! load is a chain per connection driven from this process.

use crate::server::{FORM, JSON, Server, request};
use crate::util::{cargo, run_step};
use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

const CONNECTIONS: usize = 50;
const SECONDS: u64 = 10;
const PASSWORD: &str = "bench password 0123";

/// One measured scenario.
struct Row {
    name: String,
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    failures: u64,
}

pub fn run() -> Result<()> {
    let binary = crate::server::build_release()?;
    if Command::new("oha").arg("--version").output().is_err() {
        run_step("install oha", &mut cargo(&["install", "--locked", "oha@1.16.0"]))?;
    }
    let root = crate::util::root();
    let workdir = root.join("target/bench");
    let _ = std::fs::remove_dir_all(&workdir);
    std::fs::create_dir_all(&workdir)?;
    let mut report = format!(
        "Keyward bench: {} cores, {CONNECTIONS} connections, {SECONDS} s per scenario, release build.\n",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0)
    );
    let sqlite = format!("sqlite://{}", workdir.join("bench.db").display());
    report += &database_run(&binary, "SQLite", &sqlite, &workdir)?;
    let admin_url =
        std::env::var("KEYWARD_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let (base, _) = admin_url.rsplit_once('/').context("the PostgreSQL URL names a database")?;
    let name = format!("keyward_bench_{}", std::process::id());
    psql(&admin_url, &format!("CREATE DATABASE {name}"))?;
    let result = database_run(&binary, "PostgreSQL", &format!("{base}/{name}"), &workdir);
    psql(&admin_url, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
    report += &result?;
    println!("\n{report}");
    std::fs::write(workdir.join("report.md"), &report)?;
    println!("written to {}", workdir.join("report.md").display());
    Ok(())
}

fn psql(url: &str, sql: &str) -> Result<()> {
    let status = Command::new("psql").args([url, "-q", "-c", sql]).status().context("running psql")?;
    if !status.success() {
        bail!("psql failed: {sql}");
    }
    Ok(())
}

/// Creates a client through the admin API; its secret.
fn client(server: &Server, token: &str, body: Value) -> Result<String> {
    let created = create_client(server, token, body)?;
    created["clientSecret"].as_str().map(str::to_string).context("no client secret")
}

/// Creates a client through the admin API; the `data` of the answer.
fn create_client(server: &Server, token: &str, body: Value) -> Result<Value> {
    let bearer = format!("Bearer {token}");
    let (status, created) = request(&server.address, "POST", "/api/Client", JSON, Some(&bearer), &body.to_string())?;
    anyhow::ensure!(status == 201, "creating a client: {created}");
    Ok(created["data"].clone())
}

/// An app of the end-user API and a signed-up user of it.
struct EndUser {
    app: i64,
    /// The user's access token.
    token: String,
    user_id: i64,
    /// The app's HTTP basic credentials, for the calls of its server.
    basic: String,
}

fn end_user(server: &Server, token: &str) -> Result<EndUser> {
    let created = create_client(server, token, json!({ "clientId": "shop" }))?;
    let app = created["id"].as_i64().context("no app id")?;
    let basic = basic("shop", created["clientSecret"].as_str().context("no client secret")?);
    open_sign_up(server, token, app)?;
    let body = json!({ "userName": "shopper", "pwd": PASSWORD }).to_string();
    let (status, signed_up) =
        request(&server.address, "POST", &format!("/api/AppUsers/{app}/SignUp"), JSON, None, &body)?;
    anyhow::ensure!(status == 200, "signing up: {signed_up}");
    let token = signed_up["data"]["access_token"].as_str().context("no token")?.to_string();
    let bearer = format!("Bearer {token}");
    let (status, profile) =
        request(&server.address, "GET", &format!("/api/AppUsers/{app}/Profile"), JSON, Some(&bearer), "")?;
    anyhow::ensure!(status == 200, "reading the profile: {profile}");
    Ok(EndUser { app, token, user_id: profile["data"]["id"].as_i64().context("no user id")?, basic })
}

/// Turns on end-user sign-up, off by default: in the default tenant (its
/// `UserRegistration` property) and in the app's settings.
fn open_sign_up(server: &Server, token: &str, app: i64) -> Result<()> {
    let bearer = format!("Bearer {token}");
    let (status, tenants) = request(&server.address, "GET", "/api/Tenant", JSON, Some(&bearer), "")?;
    anyhow::ensure!(status == 200, "listing tenants: {tenants}");
    let default = tenants["data"].as_array().into_iter().flatten().find(|t| t["name"] == "default");
    let tenant = default.and_then(|t| t["id"].as_i64()).context("no default tenant")?;
    let properties = json!({ "properties": [{ "key": "UserRegistration", "value": "enabled" }] }).to_string();
    let (status, answer) =
        request(&server.address, "PUT", &format!("/api/Tenant/{tenant}"), JSON, Some(&bearer), &properties)?;
    anyhow::ensure!(status == 200, "opening registration: {answer}");
    let settings = json!({ "signUpEnabled": true }).to_string();
    let (status, answer) =
        request(&server.address, "PUT", &format!("/api/Client/{app}/AppSettings"), JSON, Some(&bearer), &settings)?;
    anyhow::ensure!(status == 200, "turning sign-up on: {answer}");
    Ok(())
}

fn basic(id: &str, secret: &str) -> String {
    use base64::Engine;
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}")))
}

fn database_run(
    binary: &std::path::Path,
    label: &str,
    database_url: &str,
    workdir: &std::path::Path,
) -> Result<String> {
    println!("==> bench on {label}");
    // The default log level, as deployed; stdout goes to a file.
    let server = Server::start(binary, database_url, workdir, "info")?;
    let token = server.admin_token()?;
    let grants = |names: &[&str]| names.iter().map(|g| json!({ "grantType": g })).collect::<Vec<_>>();
    // Clients may be allowed only scopes that exist.
    let scope = json!({ "name": "orders.read" }).to_string();
    let (status, _) =
        request(&server.address, "POST", "/api/ApiScope", JSON, Some(&format!("Bearer {token}")), &scope)?;
    anyhow::ensure!(status == 201, "creating the bench API scope");
    let svc = client(
        &server,
        &token,
        json!({ "clientId": "svc", "allowedGrantTypes": grants(&["client_credentials"]),
        "allowedScopes": [{ "scope": "orders.read" }] }),
    )?;
    let app = client(
        &server,
        &token,
        json!({ "clientId": "app",
        "allowedGrantTypes": grants(&["password", "refresh_token"]), "allowedScopes": [{ "scope": "orders.read" }] }),
    )?;
    let rs = client(&server, &token, json!({ "clientId": "rs" }))?;
    let user = json!({ "userName": "bench", "password": PASSWORD }).to_string();
    let (status, _) = request(&server.address, "POST", "/api/User", JSON, Some(&format!("Bearer {token}")), &user)?;
    anyhow::ensure!(status == 201, "creating the bench user");
    let (_, issued) = request(
        &server.address,
        "POST",
        "/oauth/token",
        FORM,
        Some(&basic("svc", &svc)),
        "grant_type=client_credentials",
    )?;
    let jwt = issued["access_token"].as_str().context("no token")?.to_string();

    let url = |path: &str| format!("http://{}{path}", server.address);
    let password_body = format!("grant_type=password&username=bench&password={}", PASSWORD.replace(' ', "+"));
    let mut rows = vec![oha("/healthz (ceiling)", &[&url("/healthz")])?];
    let (logged, quiet) = log_cost(binary, database_url, workdir, &server, &basic("svc", &svc))?;
    rows.extend([logged, quiet]);
    rows.push(oha(
        "introspection (JWT)",
        &[
            "-m",
            "POST",
            "-T",
            FORM,
            "-H",
            &format!("Authorization: {}", basic("rs", &rs)),
            "-d",
            &format!("token={jwt}"),
            &url("/oauth/introspect"),
        ],
    )?);
    let shop = end_user(&server, &token)?;
    let shopper = format!("Authorization: Bearer {}", shop.token);
    let shop_id = shop.app;
    rows.push(oha("end-user Profile (GET)", &["-H", &shopper, &url(&format!("/api/AppUsers/{shop_id}/Profile"))])?);
    rows.push(oha(
        "end-user RechargePoints (write)",
        &[
            "-m",
            "POST",
            "-T",
            JSON,
            "-H",
            &format!("Authorization: {}", shop.basic),
            "-d",
            &json!({ "price": 1, "userID": shop.user_id }).to_string(),
            &url(&format!("/api/AppUsers/{shop_id}/RechargePoints")),
        ],
    )?);
    rows.push(refresh_chains(&server.address, &basic("app", &app), &password_body)?);
    // Password grants saturate argon2 while /healthz is measured beside them.
    let password_args: Vec<String> = [
        "-m",
        "POST",
        "-T",
        FORM,
        "-H",
        &format!("Authorization: {}", basic("app", &app)),
        "-d",
        &password_body,
        &url("/oauth/token"),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let beside = std::thread::spawn(move || {
        let args: Vec<&str> = password_args.iter().map(String::as_str).collect();
        // One account may have five attempts in flight (its failure limit):
        // five connections keep argon2 busy without being turned away.
        oha_with("password grant (argon2id, 5 conns)", &args, 5, SECONDS)
    });
    std::thread::sleep(Duration::from_secs(1));
    let mut under_load = oha_with("/healthz during password grants", &[&url("/healthz")], 10, SECONDS - 2)?;
    under_load.name = "/healthz during password grants (10 conns)".into();
    rows.push(beside.join().expect("password load thread")?);
    rows.push(under_load);
    let rss = peak_rss_mb(server.pid())?;
    let ratio = rows[1].rps / rows[2].rps;
    Ok(table(label, &rows, rss)
        + &format!("Request log cost: client_credentials at the default level / at warn = {ratio:.3} (bar: 0.9)\n"))
}

/// client_credentials on `server` (the default level, one request line
/// each) and on a second server over the same database at
/// `--log-level warn` (no line), run A B B A so that drift on a shared
/// machine falls on both alike; the mean of each.
fn log_cost(
    binary: &std::path::Path,
    database_url: &str,
    workdir: &std::path::Path,
    server: &Server,
    authorization: &str,
) -> Result<(Row, Row)> {
    let quiet = Server::start(binary, database_url, workdir, "warn")?;
    let token = |server: &Server, name: &str| {
        let url = format!("http://{}/oauth/token", server.address);
        let authorization = format!("Authorization: {authorization}");
        oha(name, &["-m", "POST", "-T", FORM, "-H", &authorization, "-d", "grant_type=client_credentials", &url])
    };
    let (info, warn) = ("client_credentials token (log level info)", "client_credentials token (log level warn)");
    let runs = [token(server, info)?, token(&quiet, warn)?, token(&quiet, warn)?, token(server, info)?];
    let mean = |a: &Row, b: &Row| Row {
        name: a.name.clone(),
        rps: (a.rps + b.rps) / 2.0,
        p50_ms: (a.p50_ms + b.p50_ms) / 2.0,
        p99_ms: (a.p99_ms + b.p99_ms) / 2.0,
        failures: a.failures + b.failures,
    };
    Ok((mean(&runs[0], &runs[3]), mean(&runs[1], &runs[2])))
}

fn table(label: &str, rows: &[Row], rss_mb: f64) -> String {
    let ceiling = rows[0].rps;
    let mut out = format!(
        "\n### {label}\n\n| scenario | req/s | p50 ms | p99 ms | × ceiling | failed |\n|---|---:|---:|---:|---:|---:|\n"
    );
    for row in rows {
        out += &format!(
            "| {} | {:.0} | {:.2} | {:.2} | {:.3} | {} |\n",
            row.name,
            row.rps,
            row.p50_ms,
            row.p99_ms,
            row.rps / ceiling,
            row.failures
        );
    }
    out += &format!("\nPeak RSS of the server: {rss_mb:.1} MB\n");
    out
}

fn oha(name: &str, args: &[&str]) -> Result<Row> {
    oha_with(name, args, CONNECTIONS, SECONDS)
}

/// Runs `oha` and reads its JSON summary.
fn oha_with(name: &str, args: &[&str], connections: usize, seconds: u64) -> Result<Row> {
    println!("  {name}");
    let output = Command::new("oha")
        .args(["--no-tui", "--output-format", "json", "-c", &connections.to_string(), "-z", &format!("{seconds}s")])
        .args(args)
        .output()
        .context("running oha")?;
    anyhow::ensure!(output.status.success(), "oha failed: {}", String::from_utf8_lossy(&output.stderr));
    let result: Value = serde_json::from_slice(&output.stdout).context("oha's JSON")?;
    let statuses = result["statusCodeDistribution"].as_object().cloned().unwrap_or_default();
    let failures =
        statuses.iter().filter(|(code, _)| !code.starts_with('2')).map(|(_, n)| n.as_u64().unwrap_or(0)).sum::<u64>()
            + result["errorDistribution"]
                .as_object()
                .map(|errors| {
                    // Requests still in flight when the duration ends are not failures.
                    errors.iter().filter(|(what, _)| !what.contains("deadline")).filter_map(|(_, n)| n.as_u64()).sum()
                })
                .unwrap_or(0);
    let ms = |key: &str| result["latencyPercentiles"][key].as_f64().unwrap_or(f64::NAN) * 1000.0;
    Ok(Row {
        name: name.into(),
        rps: result["summary"]["requestsPerSec"].as_f64().unwrap_or(0.0),
        p50_ms: ms("p50"),
        p99_ms: ms("p99"),
        failures,
    })
}

/// Refresh load: each connection signs in once, then refreshes with the
/// token it was just given, as fast as it can.
fn refresh_chains(address: &str, authorization: &str, password_body: &str) -> Result<Row> {
    println!("  refresh_token grant");
    let ready = std::sync::Arc::new(std::sync::Barrier::new(CONNECTIONS + 1));
    let workers: Vec<_> = (0..CONNECTIONS)
        .map(|_| {
            let (address, authorization, password_body) =
                (address.to_string(), authorization.to_string(), password_body.to_string());
            let ready = ready.clone();
            std::thread::spawn(move || -> Result<(Vec<Duration>, u64)> {
                // Wait at the barrier even after a failure, so that no one waits forever.
                // One account signing in 50 times at once: attempts beyond
                // those it may have in flight answer 503, to be retried.
                let signed_in = Connection::open(&address).and_then(|mut connection| {
                    let tokens = loop {
                        match connection.post("/oauth/token", &authorization, &password_body)? {
                            (503, _) => std::thread::sleep(Duration::from_millis(100)),
                            (_, tokens) => break tokens,
                        }
                    };
                    let refresh = tokens["refresh_token"].as_str().context("no refresh token")?.to_string();
                    Ok((connection, refresh))
                });
                ready.wait();
                let (mut connection, mut refresh) = signed_in?;
                let deadline = Instant::now() + Duration::from_secs(SECONDS);
                let (mut latencies, mut failures) = (Vec::new(), 0);
                while Instant::now() < deadline {
                    let sent = Instant::now();
                    let (status, tokens) = connection.post(
                        "/oauth/token",
                        &authorization,
                        &format!("grant_type=refresh_token&refresh_token={refresh}"),
                    )?;
                    latencies.push(sent.elapsed());
                    match tokens["refresh_token"].as_str() {
                        Some(next) if status == 200 => refresh = next.to_string(),
                        _ => {
                            failures += 1;
                            break;
                        }
                    }
                }
                Ok((latencies, failures))
            })
        })
        .collect();
    ready.wait();
    let started = Instant::now();
    let (mut latencies, mut failures) = (Vec::new(), 0);
    for worker in workers {
        let (l, f) = worker.join().expect("refresh worker")?;
        latencies.extend(l);
        failures += f;
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let at = |q: f64| latencies.get(((latencies.len() as f64 - 1.0) * q) as usize).map(|d| d.as_secs_f64() * 1000.0);
    Ok(Row {
        name: "refresh_token grant (rotation)".into(),
        rps: latencies.len() as f64 / elapsed,
        p50_ms: at(0.5).unwrap_or(f64::NAN),
        p99_ms: at(0.99).unwrap_or(f64::NAN),
        failures,
    })
}

/// A keep-alive HTTP/1.1 connection for the refresh chains.
struct Connection {
    reader: BufReader<TcpStream>,
    address: String,
}

impl Connection {
    fn open(address: &str) -> Result<Connection> {
        let stream = TcpStream::connect(address)?;
        stream.set_nodelay(true)?;
        Ok(Connection { reader: BufReader::new(stream), address: address.into() })
    }

    fn post(&mut self, path: &str, authorization: &str, body: &str) -> Result<(u16, Value)> {
        write!(
            self.reader.get_mut(),
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: {FORM}\r\nAuthorization: {authorization}\r\n\
             Content-Length: {}\r\n\r\n{body}",
            self.address,
            body.len()
        )?;
        let mut status_line = String::new();
        self.reader.read_line(&mut status_line)?;
        let status = status_line.split(' ').nth(1).and_then(|s| s.parse().ok()).context("malformed status line")?;
        let mut length = 0;
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line)?;
            if line == "\r\n" || line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse()?;
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body)?;
        Ok((status, serde_json::from_slice(&body).unwrap_or(Value::Null)))
    }
}

/// The server's peak resident set (VmHWM), in MB.
fn peak_rss_mb(pid: u32) -> Result<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .context("no VmHWM in /proc status")?;
    Ok(kb / 1024.0)
}
