//! Flags for the common fields of each resource's create and update bodies.
//! They are turned into JSON and laid over the body given as JSON, if any,
//! so that the SDK's types check both alike.

use anyhow::{Context, bail};
use clap::Args;
use serde_json::{Map, Value, json};

/// Flags that set fields of a request body.
pub trait Fields: Args {
    /// The fields the flags set, under their JSON names.
    fn into_json(self) -> anyhow::Result<Map<String, Value>>;
}

/// A body under construction; unset flags add nothing.
#[derive(Default)]
struct Body(Map<String, Value>);

impl Body {
    fn set(mut self, name: &str, value: Option<impl Into<Value>>) -> Self {
        if let Some(value) = value {
            self.0.insert(name.into(), value.into());
        }
        self
    }

    /// `[{item: value}, …]` (how the API spells lists of grant types,
    /// scopes, URIs, …), if any values were given.
    fn objects(mut self, name: &str, item: &str, values: Vec<impl Into<Value>>) -> Self {
        if !values.is_empty() {
            let list = values.into_iter().map(|value| json!({ item: value.into() })).collect();
            self.0.insert(name.into(), Value::Array(list));
        }
        self
    }
}

/// Flags every resource with a name and a description shares.
#[derive(Debug, Args)]
pub struct Described {
    /// The display name (default: the name).
    #[arg(long)]
    display_name: Option<String>,
    #[arg(long)]
    description: Option<String>,
    /// Enable or disable it.
    #[arg(long)]
    enabled: Option<bool>,
}

impl Described {
    fn add_to(self, body: Body) -> Body {
        body.set("displayName", self.display_name).set("description", self.description).set("enabled", self.enabled)
    }
}

#[derive(Debug, Args)]
pub struct Client {
    /// The client's id (`clientId`), as it authenticates.
    #[arg(long)]
    client_id: Option<String>,
    /// A human-readable name (`clientName`).
    #[arg(long)]
    name: Option<String>,
    #[arg(long)]
    description: Option<String>,
    /// An allowed grant type: authorization_code, refresh_token, password,
    /// client_credentials, …; repeat for several.
    #[arg(long = "grant", value_name = "GRANT_TYPE")]
    grants: Vec<String>,
    /// An allowed scope; repeat for several.
    #[arg(long = "scope")]
    scopes: Vec<String>,
    /// A redirect URI, matched exactly; repeat for several.
    #[arg(long = "redirect-uri")]
    redirect_uris: Vec<String>,
    /// An origin (`scheme://host[:port]`) browsers may call from; repeat for several.
    #[arg(long = "cors-origin")]
    cors_origins: Vec<String>,
    /// A public client: no secret (`requireClientSecret: false`).
    #[arg(long)]
    public: bool,
    /// Enable or disable it.
    #[arg(long)]
    enabled: Option<bool>,
}

impl Fields for Client {
    fn into_json(self) -> anyhow::Result<Map<String, Value>> {
        Ok(Body::default()
            .set("clientId", self.client_id)
            .set("clientName", self.name)
            .set("description", self.description)
            .set("enabled", self.enabled)
            .set("requireClientSecret", self.public.then_some(false))
            .objects("allowedGrantTypes", "grantType", self.grants)
            .objects("allowedScopes", "scope", self.scopes)
            .objects("redirectUris", "redirectUri", self.redirect_uris)
            .objects("allowedCorsOrigins", "origin", self.cors_origins)
            .0)
    }
}

#[derive(Debug, Args)]
pub struct User {
    #[arg(long)]
    user_name: Option<String>,
    /// Read the password from standard input (its first line), never from the command line.
    #[arg(long)]
    password_stdin: bool,
    #[arg(long)]
    email: Option<String>,
    #[arg(long)]
    phone_number: Option<String>,
    #[arg(long)]
    nick_name: Option<String>,
    /// The id of a role the user holds; repeat for several.
    #[arg(long = "role", value_name = "ROLE_ID")]
    roles: Vec<i64>,
}

impl Fields for User {
    fn into_json(self) -> anyhow::Result<Map<String, Value>> {
        let password = if self.password_stdin { Some(password_from_stdin()?) } else { None };
        Ok(Body::default()
            .set("userName", self.user_name)
            .set("password", password)
            .set("email", self.email)
            .set("phoneNumber", self.phone_number)
            .set("nickName", self.nick_name)
            .objects("roles", "roleId", self.roles)
            .0)
    }
}

/// The first line of standard input, without its line ending.
fn password_from_stdin() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).context("reading the password from standard input")?;
    let password = line.trim_end_matches(['\n', '\r']);
    if password.is_empty() {
        bail!("--password-stdin: standard input holds no password (it cannot also carry a JSON body given as `-`)");
    }
    Ok(password.to_string())
}

#[derive(Debug, Args)]
pub struct Tenant {
    #[arg(long)]
    name: Option<String>,
    /// A host (`host` or `host:port`) whose requests are the tenant's; repeat for several.
    #[arg(long = "host")]
    hosts: Vec<String>,
    /// The tenant's issuer URL (default: `https://<first host>`).
    #[arg(long)]
    issuer: Option<String>,
}

impl Fields for Tenant {
    fn into_json(self) -> anyhow::Result<Map<String, Value>> {
        Ok(Body::default()
            .set("name", self.name)
            .set("identityServerIssuerUri", self.issuer)
            .objects("hosts", "hostName", self.hosts)
            .0)
    }
}

#[derive(Debug, Args)]
pub struct Role {
    #[arg(long)]
    name: Option<String>,
    /// A permission the role grants; repeat for several.
    #[arg(long = "permission")]
    permissions: Vec<String>,
}

impl Fields for Role {
    fn into_json(self) -> anyhow::Result<Map<String, Value>> {
        let permissions = (!self.permissions.is_empty()).then_some(self.permissions);
        Ok(Body::default().set("name", self.name).set("permissions", permissions).0)
    }
}

#[derive(Debug, Args)]
pub struct ApiResource {
    /// The resource's name: its audience, often its base URL.
    #[arg(long)]
    name: Option<String>,
    #[command(flatten)]
    described: Described,
    /// An API scope of the resource; repeat for several.
    #[arg(long = "scope")]
    scopes: Vec<String>,
}

impl Fields for ApiResource {
    fn into_json(self) -> anyhow::Result<Map<String, Value>> {
        let body = Body::default().set("name", self.name).objects("scopes", "scope", self.scopes);
        Ok(self.described.add_to(body).0)
    }
}

#[derive(Debug, Args)]
pub struct ApiScope {
    /// The scope's name, as clients ask for it.
    #[arg(long)]
    name: Option<String>,
    #[command(flatten)]
    described: Described,
    /// Whether consent screens require it.
    #[arg(long)]
    required: Option<bool>,
}

impl Fields for ApiScope {
    fn into_json(self) -> anyhow::Result<Map<String, Value>> {
        let body = Body::default().set("name", self.name).set("required", self.required);
        Ok(self.described.add_to(body).0)
    }
}
