//! Driving OAuth flows over raw HTTP, as a browser without JavaScript and a
//! client would: apps and users made through the admin SDK, a cookie-keeping
//! agent that does not follow redirects, PKCE pairs, form scraping.

use crate::TestServer;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// Creates a client from an admin API JSON body; returns its secret, if any.
pub async fn create_app(server: &TestServer, body: Value) -> Option<String> {
    let body: keyward_sdk::types::ClientCreate = serde_json::from_value(body).expect("client body");
    let created = server.admin().await.client_create().body(body).send().await.expect("client created");
    created.into_inner().data.client_secret
}

/// Creates the API scopes `names` that do not exist yet: clients may be
/// allowed only scopes that exist.
pub async fn ensure_api_scopes(server: &TestServer, names: &[&str]) {
    let admin = server.admin().await;
    for name in names {
        let body: keyward_sdk::types::ApiScopeCreate = serde_json::from_value(json!({ "name": name })).unwrap();
        match admin.api_scope_create().body(body).send().await {
            Ok(_) => {}
            Err(e) if e.status().map(|s| s.as_u16()) == Some(409) => {}
            Err(e) => panic!("creating API scope {name}: {e}"),
        }
    }
}

/// A confidential code-flow client `web` redirecting to `https://app.example/cb`.
pub async fn web_app(server: &TestServer, extra: Value) -> String {
    let mut body = json!({
        "clientId": "web",
        "clientName": "Web App",
        "allowedGrantTypes": [{ "grantType": "authorization_code" }, { "grantType": "refresh_token" }],
        "redirectUris": [{ "redirectUri": REDIRECT_URI }],
        "postLogoutRedirectUris": [{ "postLogoutRedirectUri": "https://app.example/bye" }],
        "allowedScopes": [{ "scope": "openid" }, { "scope": "profile" }, { "scope": "email" }, { "scope": "orders.read" }],
    });
    body.as_object_mut().unwrap().extend(extra.as_object().cloned().unwrap_or_default());
    ensure_api_scopes(server, &["orders.read"]).await;
    create_app(server, body).await.expect("confidential client has a secret")
}

pub const REDIRECT_URI: &str = "https://app.example/cb";
pub const PASSWORD: &str = "correct horse battery";

/// Creates user `name` (password [`PASSWORD`], email `<name>@example.com`).
pub async fn create_user(server: &TestServer, name: &str) -> i64 {
    let body: keyward_sdk::types::UserCreate = serde_json::from_value(json!({
        "userName": name, "password": PASSWORD, "email": format!("{name}@example.com"), "nickName": "Ann",
        "emailConfirmed": true
    }))
    .unwrap();
    server.admin().await.user_create().body(body).send().await.expect("user created").into_inner().data
}

/// Gives `user` a new role `role` holding `permissions`; the role's id.
pub async fn give_role(server: &TestServer, user: i64, role: &str, permissions: &[&str]) -> i64 {
    let admin = server.admin().await;
    let body: keyward_sdk::types::RoleCreate =
        serde_json::from_value(json!({ "name": role, "permissions": permissions })).unwrap();
    let role = admin.role_create().body(body).send().await.expect("role created").into_inner().data;
    let update: keyward_sdk::types::UserUpdate =
        serde_json::from_value(json!({ "roles": [{ "roleId": role }] })).unwrap();
    admin.user_update().id(user).body(update).send().await.expect("role given");
    role
}

/// A PKCE verifier and its S256 challenge.
pub fn pkce() -> (String, String) {
    let verifier = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// The value of the hidden or text input `name` in a page.
pub fn input(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let value = tag.split("value=\"").nth(1)?.split('"').next()?;
    Some(
        value
            .replace("&amp;", "&")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">"),
    )
}

/// A query parameter of a URL.
pub fn param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// A browser without JavaScript: keeps cookies, never follows redirects.
pub struct Agent {
    pub http: reqwest::Client,
    base: String,
}

/// What a page request answered.
pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
}

impl Agent {
    pub fn new(server: &TestServer) -> Agent {
        let http =
            reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Agent { http, base: server.url.clone() }
    }

    async fn page(response: reqwest::Response) -> Page {
        let status = response.status().as_u16();
        let location = response.headers().get("location").map(|l| l.to_str().unwrap().to_string());
        Page { status, location, body: response.text().await.unwrap() }
    }

    /// `GET /oauth/authorize` with these parameters.
    pub async fn authorize(&self, params: &[(&str, &str)]) -> Page {
        let response = self.http.get(format!("{}/oauth/authorize", self.base)).query(params).send().await.unwrap();
        Self::page(response).await
    }

    /// Submits the sign-in form of `page`.
    pub async fn sign_in(&self, page: &Page, username: &str, password: &str) -> Page {
        let form = [
            ("request", input(&page.body, "request").expect("the page has the request")),
            ("csrf", input(&page.body, "csrf").expect("the page has a CSRF token")),
            ("username", username.to_string()),
            ("password", password.to_string()),
        ];
        let url = format!("{}/oauth/authorize/login", self.base);
        Self::page(self.http.post(url).form(&form).send().await.unwrap()).await
    }

    /// Answers the consent form of `page`.
    pub async fn consent(&self, page: &Page, decision: &str, remember: bool) -> Page {
        let mut form = vec![
            ("request", input(&page.body, "request").expect("the page has the request")),
            ("csrf", input(&page.body, "csrf").expect("the page has a CSRF token")),
            ("decision", decision.to_string()),
        ];
        if remember {
            form.push(("remember", "yes".into()));
        }
        let url = format!("{}/oauth/authorize/consent", self.base);
        Self::page(self.http.post(url).form(&form).send().await.unwrap()).await
    }

    /// A GET of any path of the server.
    pub async fn get(&self, path_and_query: &str) -> Page {
        Self::page(self.http.get(format!("{}{path_and_query}", self.base)).send().await.unwrap()).await
    }

    /// A form POST to any path of the server.
    pub async fn post(&self, path: &str, form: &[(&str, String)]) -> Page {
        Self::page(self.http.post(format!("{}{path}", self.base)).form(form).send().await.unwrap()).await
    }
}

/// A code-flow request of client `web` for `scope` with the S256 PKCE `challenge`.
pub fn web_request<'a>(scope: &'a str, challenge: &'a str) -> [(&'a str, &'a str); 6] {
    [
        ("response_type", "code"),
        ("client_id", "web"),
        ("redirect_uri", REDIRECT_URI),
        ("scope", scope),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
    ]
}

/// Signs `user` in through the hosted page for client `web` with PKCE and
/// returns the code and the verifier.
pub async fn code_for(agent: &Agent, user: &str, scope: &str) -> (String, String) {
    let (verifier, challenge) = pkce();
    let params = [
        ("response_type", "code"),
        ("client_id", "web"),
        ("redirect_uri", REDIRECT_URI),
        ("scope", scope),
        ("state", "s1"),
        ("nonce", "n1"),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
    ];
    let mut page = agent.authorize(&params).await;
    if page.status == 200 {
        page = agent.sign_in(&page, user, PASSWORD).await;
    }
    let location = page.location.expect("redirected back to the client");
    assert!(location.starts_with(REDIRECT_URI), "{location}");
    (param(&location, "code").expect("a code"), verifier)
}

/// `POST /oauth/token` with a form and optional basic credentials; the
/// status and JSON body.
pub async fn token(server: &TestServer, basic: Option<(&str, &str)>, form: &[(&str, &str)]) -> (u16, Value) {
    let mut request = server.http().post(format!("{}/oauth/token", server.url)).form(form);
    if let Some((id, secret)) = basic {
        request = request.basic_auth(id, Some(secret));
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

/// Redeems a code (with its PKCE verifier) as confidential client `client`.
pub async fn exchange(
    server: &TestServer,
    client: (&str, &str),
    code: &str,
    redirect: &str,
    verifier: &str,
) -> (u16, Value) {
    let form =
        [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirect), ("code_verifier", verifier)];
    token(server, Some(client), &form).await
}

/// `POST` of `token` to `/oauth/introspect` or `/oauth/revoke` as `client`;
/// the status and JSON body.
pub async fn about_token(server: &TestServer, path: &str, client: (&str, &str), token: &str) -> (u16, Value) {
    let response = server
        .http()
        .post(format!("{}{path}", server.url))
        .basic_auth(client.0, Some(client.1))
        .form(&[("token", token)])
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

/// `POST /oauth/introspect` as `client`; the JSON body.
pub async fn introspect(server: &TestServer, client: (&str, &str), token: &str) -> Value {
    let (status, body) = about_token(server, "/oauth/introspect", client, token).await;
    assert_eq!(status, 200);
    body
}

/// The claims of a JWT (unverified).
pub fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}
