//! Talking to one tenant of a test server: every request carries that
//! tenant's `Host` header (the server listens on 127.0.0.1 only).

use crate::TestServer;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{DecodingKey, Validation};
use reqwest::Method;
use serde_json::{Value, json};

/// Creates the tenant `Acme`, reached as `acme.test`, with the bootstrap
/// admin's SDK.
pub async fn acme(server: &TestServer) -> At<'_> {
    let tenant: keyward_sdk::types::TenantCreate =
        serde_json::from_value(json!({ "name": "Acme", "hosts": [{ "hostName": "acme.test" }] })).unwrap();
    server.admin().await.tenant_create().body(tenant).send().await.expect("tenant created");
    At::new(server, &server.url.trim_start_matches("http://").replace("127.0.0.1", "acme.test"))
}

/// A tenant reached through `host`.
pub struct At<'a> {
    pub server: &'a TestServer,
    pub host: String,
}

impl<'a> At<'a> {
    pub fn new(server: &'a TestServer, host: &str) -> At<'a> {
        At { server, host: host.into() }
    }

    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.server.http().request(method, format!("{}{path}", self.server.url)).header("Host", &self.host)
    }

    /// The status and JSON body of a request.
    pub async fn send(&self, request: reqwest::RequestBuilder) -> (u16, Value) {
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str, bearer: Option<&str>) -> (u16, Value) {
        let mut request = self.request(Method::GET, path);
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        self.send(request).await
    }

    /// A form POST authenticated with HTTP basic as `client`.
    pub async fn form(&self, path: &str, client: (&str, &str), form: &[(&str, &str)]) -> (u16, Value) {
        self.send(self.request(Method::POST, path).basic_auth(client.0, Some(client.1)).form(form)).await
    }

    /// Creates a client in this tenant with the admin token `admin`; its secret.
    pub async fn create_client(&self, admin: &str, body: Value) -> String {
        let (status, created) =
            self.send(self.request(Method::POST, "/api/Client").bearer_auth(admin).json(&body)).await;
        assert_eq!(status, 201, "{created}");
        created["data"]["clientSecret"].as_str().unwrap_or_default().to_string()
    }

    /// Creates a user with `password` in this tenant with the admin token `admin`; its id.
    pub async fn create_user(&self, admin: &str, name: &str, password: &str) -> i64 {
        let body = json!({ "userName": name, "password": password });
        let (status, created) = self.send(self.request(Method::POST, "/api/User").bearer_auth(admin).json(&body)).await;
        assert_eq!(status, 201, "{created}");
        created["data"].as_i64().expect("the new user's id")
    }

    /// The tenant's JWKS.
    pub async fn jwks(&self) -> Value {
        let (status, jwks) = self.get("/oauth/jwks", None).await;
        assert_eq!(status, 200);
        jwks
    }
}

/// The verified claims of a JWT whose key is in `jwks`, or `None` when no
/// key of the set verifies it. Claims are not checked.
pub fn verify(jwks: &Value, token: &str) -> Option<Value> {
    let set: JwkSet = serde_json::from_value(jwks.clone()).expect("a JWK set");
    let header = jsonwebtoken::decode_header(token).ok()?;
    let jwk = set.find(header.kid.as_deref()?)?;
    let key = DecodingKey::from_jwk(jwk).ok()?;
    let mut validation = Validation::new(header.alg);
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    jsonwebtoken::decode::<Value>(token, &key, &validation).ok().map(|data| data.claims)
}
