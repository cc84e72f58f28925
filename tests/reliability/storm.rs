//! A write storm against one replica: admin writes (roles, users), points
//! credited with `Idempotency-Key` by an app's server, refresh-token
//! rotations. Each writer remembers what was acknowledged, so that a check
//! after a crash can find every acknowledged write in the database.

use crate::replica::{Api, answer};
use keyward_tests::TestDb;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

const PASSWORD: &str = "a long enough password";
const ROLE_WRITERS: usize = 4;
const USER_WRITERS: usize = 2;
const POINT_WRITERS: usize = 4;
const REFRESH_CHAINS: usize = 4;

/// What the storm writes with: an app and one of its users, and a client
/// with refresh tokens.
pub struct Fixture {
    app: i64,
    app_client: (String, String),
    user_id: i64,
    user_token: String,
    mobile_client: (String, String),
}

impl Fixture {
    pub async fn prepare(api: &Api) -> Fixture {
        let (app, secret) = api
            .client("shop", &["client_credentials"], Some(json!({ "pointsPerCurrencyUnit": 1, "signUpEnabled": true })))
            .await;
        api.open_registration().await;
        let sign_up = api.http.post(format!("{}/api/AppUsers/{app}/SignUp", api.url));
        let (_, signed_up) = answer(sign_up.json(&json!({ "userName": "payer", "pwd": PASSWORD }))).await.unwrap();
        let user_token = signed_up["data"]["access_token"].as_str().expect("signed up").to_string();
        let profile = api.http.get(format!("{}/api/AppUsers/{app}/Profile", api.url)).bearer_auth(&user_token);
        let user_id = answer(profile).await.unwrap().1["data"]["id"].as_i64().expect("user id");
        let (_, mobile) = api.client("mobile", &["password", "refresh_token"], None).await;
        api.admin_ok(reqwest::Method::POST, "/api/User", json!({ "userName": "ann", "password": PASSWORD })).await;
        Fixture {
            app,
            app_client: ("shop".into(), secret),
            user_id,
            user_token,
            mobile_client: ("mobile".into(), mobile),
        }
    }

    fn mobile(&self) -> (&str, &str) {
        (&self.mobile_client.0, &self.mobile_client.1)
    }

    /// A password grant for `ann` (argon2: one of the slower requests).
    pub fn sign_in_request(&self, api: &Api) -> reqwest::RequestBuilder {
        let form = [("grant_type", "password"), ("username", "ann"), ("password", PASSWORD), ("scope", "openid")];
        let (id, secret) = self.mobile();
        api.http.post(format!("{}/oauth/token", api.url)).basic_auth(id, Some(secret)).form(&form)
    }

    /// A new refresh-token chain for `ann`.
    async fn sign_in(&self, api: &Api) -> String {
        let (status, body) = answer(self.sign_in_request(api)).await.unwrap();
        assert_eq!(status, 200, "{body}");
        body["refresh_token"].as_str().expect("refresh token").to_string()
    }

    /// Credits one point under `key`; whether the credit was acknowledged
    /// (false when no answer came, or a 503 to retry).
    pub async fn credit(&self, api: &Api, key: &str) -> bool {
        match answer(self.credit_request(api, key)).await {
            Ok((200, _)) => true,
            Ok((503, _)) | Err(_) => false,
            Ok((status, body)) => panic!("credit {key}: {status} {body}"),
        }
    }

    /// `RechargePoints` of one point, as the app's server sends it.
    pub fn credit_request(&self, api: &Api, key: &str) -> reqwest::RequestBuilder {
        api.http
            .post(format!("{}/api/AppUsers/{}/RechargePoints", api.url, self.app))
            .basic_auth(&self.app_client.0, Some(&self.app_client.1))
            .header("Idempotency-Key", key)
            .json(&json!({ "price": 1, "userID": self.user_id }))
    }

    /// The user's balance.
    pub async fn balance(&self, api: &Api) -> i64 {
        let log = api.http.get(format!("{}/api/AppUsers/{}/PointLog", api.url, self.app)).bearer_auth(&self.user_token);
        let (status, body) = answer(log).await.unwrap();
        assert_eq!(status, 200, "{body}");
        body["data"]["balance"].as_i64().expect("balance")
    }
}

/// What the writers were told.
#[derive(Default, Debug)]
pub struct Acknowledged {
    pub roles: Vec<String>,
    pub users: Vec<String>,
    pub credits: Vec<String>,
    /// Credits whose answer never came (or was a 503): retried later.
    pub unanswered_credits: Vec<String>,
    /// The newest refresh token each chain was given.
    pub refresh_tokens: Vec<String>,
}

/// The refresh-token chains the storm rotates, signed in before it starts
/// (password grants are slow in a debug build: a storm timed from its start
/// must not spend its time signing in).
pub async fn sign_in_chains(api: &Api, fixture: &Fixture) -> Vec<String> {
    let mut chains = Vec::new();
    for _ in 0..REFRESH_CHAINS {
        chains.push(fixture.sign_in(api).await);
    }
    chains
}

/// Runs the writers against `api` until `stop` is set, rotating `chains`.
pub async fn run(api: &Api, fixture: &Arc<Fixture>, chains: Vec<String>, stop: &Arc<AtomicBool>) -> Acknowledged {
    let mut writers = tokio::task::JoinSet::new();
    for w in 0..ROLE_WRITERS + USER_WRITERS {
        let (api, stop) = (api.clone(), stop.clone());
        let (path, field, prefix) =
            if w < ROLE_WRITERS { ("/api/Role", "name", "role") } else { ("/api/User", "userName", "user") };
        writers.spawn(async move {
            let mut done = Acknowledged::default();
            for i in 0.. {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let name = format!("{prefix}-{w}-{i}");
                match api.admin_post(path, json!({ field: name })).await {
                    Ok((status, _)) if status < 300 => {
                        if w < ROLE_WRITERS {
                            done.roles.push(name)
                        } else {
                            done.users.push(name)
                        }
                    }
                    Ok((status, body)) if status != 503 => panic!("{path} {name}: {status} {body}"),
                    _ => pause().await,
                }
            }
            done
        });
    }
    for w in 0..POINT_WRITERS {
        let (api, fixture, stop) = (api.clone(), fixture.clone(), stop.clone());
        writers.spawn(async move {
            let mut done = Acknowledged::default();
            for i in 0.. {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let key = format!("credit-{w}-{i}");
                if fixture.credit(&api, &key).await {
                    done.credits.push(key);
                } else {
                    done.unanswered_credits.push(key);
                    pause().await;
                }
            }
            done
        });
    }
    for mut newest in chains {
        let (api, fixture, stop) = (api.clone(), fixture.clone(), stop.clone());
        writers.spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let form = [("grant_type", "refresh_token"), ("refresh_token", newest.as_str())];
                match api.token(fixture.mobile(), &form).await {
                    Ok((200, body)) => newest = body["refresh_token"].as_str().expect("rotated").to_string(),
                    Ok((status, body)) if status != 503 => panic!("refresh: {status} {body}"),
                    // The rotation may or may not have happened: this chain ends.
                    _ => break,
                }
            }
            Acknowledged { refresh_tokens: vec![newest], ..Default::default() }
        });
    }
    let mut all = Acknowledged::default();
    while let Some(done) = writers.join_next().await {
        let done = done.expect("writer finished");
        all.roles.extend(done.roles);
        all.users.extend(done.users);
        all.credits.extend(done.credits);
        all.unanswered_credits.extend(done.unanswered_credits);
        all.refresh_tokens.extend(done.refresh_tokens);
    }
    all
}

/// After a failed write: the replica is gone or busy.
async fn pause() {
    tokio::time::sleep(Duration::from_millis(20)).await;
}

/// Every acknowledged write is in `db`; every unanswered credit, retried
/// with its key at `api`, applies at most once.
pub async fn check(db: &TestDb, api: &Api, fixture: &Fixture, acknowledged: &Acknowledged) {
    let present = |rows: Vec<String>| rows.into_iter().collect::<std::collections::HashSet<_>>();
    let roles = present(db.texts("SELECT name FROM roles").await);
    let users = present(db.texts("SELECT username FROM users").await);
    let refresh = present(db.texts("SELECT token_hash FROM refresh_tokens").await);
    let lost_roles: Vec<_> = acknowledged.roles.iter().filter(|r| !roles.contains(*r)).collect();
    let lost_users: Vec<_> = acknowledged.users.iter().filter(|u| !users.contains(*u)).collect();
    let lost_refresh = acknowledged
        .refresh_tokens
        .iter()
        .filter(|t| !refresh.contains(&keyward_server::crypto::secret::digest(t)))
        .count();
    assert!(lost_roles.is_empty(), "acknowledged roles lost: {lost_roles:?}");
    assert!(lost_users.is_empty(), "acknowledged users lost: {lost_users:?}");
    assert_eq!(lost_refresh, 0, "acknowledged refresh tokens lost");
    for key in &acknowledged.unanswered_credits {
        assert!(fixture.credit(api, key).await, "retried credit {key} acknowledged");
    }
    let keys = db.texts("SELECT idempotency_key FROM point_entries WHERE idempotency_key IS NOT NULL").await;
    let distinct = acknowledged.credits.len() + acknowledged.unanswered_credits.len();
    assert!(present(keys.clone()).len() == keys.len() && keys.len() == distinct, "one ledger entry per key");
    assert_eq!(fixture.balance(api).await, distinct as i64, "the balance is the sum of distinct credits");
}

/// The storm's size, for the report.
pub fn summary(acknowledged: &Acknowledged) -> Value {
    json!({
        "roles": acknowledged.roles.len(),
        "users": acknowledged.users.len(),
        "credits": acknowledged.credits.len(),
        "unanswered_credits": acknowledged.unanswered_credits.len(),
        "refresh_chains": acknowledged.refresh_tokens.len(),
    })
}
