//! Admin commands, built on the generated SDK against a running server.

use super::fields::{self, Fields};
use super::output::{Output, print};
use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use keyward_sdk::types;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Which server to talk to, as whom, and how to print its answers.
#[derive(Debug, Args)]
pub struct Endpoint {
    /// Base URL of the Keyward server.
    #[arg(long, global = true, env = "KEYWARD_ENDPOINT", default_value = "http://127.0.0.1:8080")]
    endpoint: String,
    /// Admin client id.
    #[arg(long, global = true, env = "KEYWARD_ADMIN_CLIENT_ID")]
    admin_client_id: Option<String>,
    /// Admin client secret.
    #[arg(long, global = true, env = "KEYWARD_ADMIN_CLIENT_SECRET", hide_env_values = true)]
    admin_client_secret: Option<String>,
    /// How to print answers.
    #[arg(long, short, global = true, value_enum, default_value_t)]
    output: Output,
}

/// `keyward client|user|…`: the common actions, with `F`'s flags for bodies.
#[derive(Debug, Args)]
pub struct Command<F: Fields> {
    #[command(subcommand)]
    action: Action<F>,
    #[command(flatten)]
    endpoint: Endpoint,
}

/// `keyward api-resource`: the common actions, import and secrets.
#[derive(Debug, Args)]
pub struct ApiResourceCommand {
    #[command(subcommand)]
    action: ApiResourceAction,
    #[command(flatten)]
    endpoint: Endpoint,
}

#[derive(Debug, Subcommand)]
enum ApiResourceAction {
    #[command(flatten)]
    Common(Action<fields::ApiResource>),
    #[command(flatten)]
    Own(ApiResourceOnly),
}

/// What only API resources have.
#[derive(Debug, Subcommand)]
enum ApiResourceOnly {
    /// Create an API resource from an OpenAPI 3 document (a JSON file; `-`
    /// reads standard input); prints its id and first secret, shown once.
    Import {
        file: String,
        /// The resource's name [default: the document's first absolute server URL, else its title].
        #[arg(long)]
        name: Option<String>,
    },
    /// Add a generated secret to a resource; prints it, shown once.
    AddSecret {
        id: i64,
        #[arg(long)]
        description: Option<String>,
    },
    /// Delete one secret of a resource.
    DeleteSecret { id: i64, secret_id: i64 },
}

#[derive(Debug, Subcommand)]
enum Action<F: Fields> {
    /// Create from flags, a JSON body (`-` reads standard input), or both
    /// (the flags win).
    Create {
        json: Option<String>,
        #[command(flatten)]
        fields: F,
    },
    /// List, newest first.
    List {
        #[arg(long, default_value_t = 0)]
        skip: u32,
        #[arg(long, default_value_t = 10)]
        take: u32,
        /// Field to sort by.
        #[arg(long)]
        orderby: Option<String>,
        /// Sort ascending.
        #[arg(long)]
        asc: bool,
    },
    /// Show one by id.
    Get { id: i64 },
    /// Change the fields given as flags, a JSON body (`-` reads standard
    /// input), or both (the flags win).
    Update {
        id: i64,
        json: Option<String>,
        #[command(flatten)]
        fields: F,
    },
    /// Delete by id.
    Delete { id: i64 },
}

/// The request body: the JSON given, if any, with the flags' fields over it.
fn body<T: DeserializeOwned>(json: Option<&str>, fields: impl Fields) -> anyhow::Result<T> {
    let mut body = match json {
        None => serde_json::Map::new(),
        Some(json) => {
            let text = if json == "-" { std::io::read_to_string(std::io::stdin())? } else { json.to_string() };
            serde_json::from_str(&text).context("the JSON body is not a JSON object")?
        }
    };
    body.extend(fields.into_json()?);
    serde_json::from_value(body.into()).context("the body does not fit this resource")
}

/// The SDK with an access token of the admin client (client_credentials).
async fn admin_sdk(endpoint: &Endpoint) -> anyhow::Result<keyward_sdk::Client> {
    let (Some(id), Some(secret)) = (&endpoint.admin_client_id, &endpoint.admin_client_secret) else {
        bail!(
            "admin credentials are required: --admin-client-id and --admin-client-secret (or KEYWARD_ADMIN_CLIENT_ID/SECRET)"
        );
    };
    let sdk = keyward_sdk::Client::new(&endpoint.endpoint);
    let request = types::TokenRequest::client_credentials(id, secret, None);
    let token = sdk.oauth_token().body(request).send().await.map_err(sdk_error)?.into_inner().access_token;
    let client = keyward_sdk::bearer_client(&token).map_err(|e| anyhow::anyhow!(e))?;
    Ok(keyward_sdk::Client::new_with_client(&endpoint.endpoint, client))
}

/// The server's message rather than the SDK's debug output.
fn sdk_error<E: Serialize + std::fmt::Debug>(error: keyward_sdk::Error<E>) -> anyhow::Error {
    match error {
        keyward_sdk::Error::ErrorResponse(response) => {
            let body = serde_json::to_value(response.as_ref()).unwrap_or_default();
            let message = ["message", "error_description", "error"]
                .iter()
                .find_map(|key| body[key].as_str().filter(|m| !m.is_empty()))
                .map_or_else(|| body.to_string(), str::to_string);
            anyhow::anyhow!("the server answered {}: {message}", response.status())
        }
        other => anyhow::anyhow!("{other}"),
    }
}

/// The answer's body as JSON, or the server's error.
fn answer<T: Serialize, E: Serialize + std::fmt::Debug>(
    sent: Result<keyward_sdk::ResponseValue<T>, keyward_sdk::Error<E>>,
) -> anyhow::Result<serde_json::Value> {
    Ok(serde_json::to_value(sent.map_err(sdk_error)?.into_inner())?)
}

/// `pub async fn $run`: a resource's common commands, on its SDK methods and
/// types; a table shows `$columns`.
macro_rules! resource {
    ($run:ident, $fields:ty, $new:ty, $change:ty, [$list:ident, $create:ident, $view:ident, $update:ident, $delete:ident], $columns:expr) => {
        pub async fn $run(command: Command<$fields>) -> anyhow::Result<()> {
            let Command { action, endpoint } = command;
            let sdk = admin_sdk(&endpoint).await?;
            let answer = match action {
                Action::Create { json, fields } => {
                    answer(sdk.$create().body(body::<$new>(json.as_deref(), fields)?).send().await)?
                }
                Action::List { skip, take, orderby, asc } => {
                    let mut request = sdk.$list().skip(skip).take(take).asc(asc);
                    if let Some(orderby) = orderby {
                        request = request.orderby(orderby);
                    }
                    answer(request.send().await)?
                }
                Action::Get { id } => answer(sdk.$view().id(id).send().await)?,
                Action::Update { id, json, fields } => {
                    answer(sdk.$update().id(id).body(body::<$change>(json.as_deref(), fields)?).send().await)?
                }
                Action::Delete { id } => answer(sdk.$delete().id(id).send().await)?,
            };
            print(answer, endpoint.output, &$columns)
        }
    };
}

resource!(
    client,
    fields::Client,
    types::ClientCreate,
    types::ClientUpdate,
    [client_list, client_create, client_view, client_update, client_delete],
    ["id", "clientId", "clientName", "enabled", "allowedGrantTypes", "allowedScopes", "clientSecret"]
);
resource!(
    user,
    fields::User,
    types::UserCreate,
    types::UserUpdate,
    [user_list, user_create, user_view, user_update, user_delete],
    ["id", "userName", "email", "phoneNumber", "nickName", "roles"]
);
resource!(
    tenant,
    fields::Tenant,
    types::TenantCreate,
    types::TenantUpdate,
    [tenant_list, tenant_create, tenant_view, tenant_update, tenant_delete],
    ["id", "name", "status", "hosts", "identityServerIssuerUri"]
);
resource!(
    role,
    fields::Role,
    types::RoleCreate,
    types::RoleUpdate,
    [role_list, role_create, role_view, role_update, role_delete],
    ["id", "name", "permissions"]
);
resource!(
    api_resource,
    fields::ApiResource,
    types::ApiResourceCreate,
    types::ApiResourceUpdate,
    [api_resource_list, api_resource_create, api_resource_view, api_resource_update, api_resource_delete],
    ["id", "name", "displayName", "enabled", "scopes", "secret"]
);
resource!(
    api_scope,
    fields::ApiScope,
    types::ApiScopeCreate,
    types::ApiScopeUpdate,
    [api_scope_list, api_scope_create, api_scope_view, api_scope_update, api_scope_delete],
    ["id", "name", "displayName", "enabled", "required"]
);

pub async fn run_api_resource(command: ApiResourceCommand) -> anyhow::Result<()> {
    let ApiResourceCommand { action, endpoint } = command;
    let own = match action {
        ApiResourceAction::Common(action) => return api_resource(Command { action, endpoint }).await,
        ApiResourceAction::Own(own) => own,
    };
    let sdk = admin_sdk(&endpoint).await?;
    let answer = match own {
        ApiResourceOnly::Import { file, name } => {
            let text = if file == "-" {
                std::io::read_to_string(std::io::stdin())?
            } else {
                std::fs::read_to_string(&file).with_context(|| format!("reading {file}"))?
            };
            let document: serde_json::Value = serde_json::from_str(&text).context("the document is not JSON")?;
            let mut request = sdk.api_resource_import().id(types::ImportLiteral::Import).body(document);
            if let Some(name) = name {
                request = request.name(name);
            }
            answer(request.send().await)?
        }
        ApiResourceOnly::AddSecret { id, description } => {
            let body = types::SecretCreate { description, expiration: None, value: None, allow_weak_secret: None };
            answer(sdk.api_resource_secret_create().id(id).body(body).send().await)?
        }
        ApiResourceOnly::DeleteSecret { id, secret_id } => {
            answer(sdk.api_resource_secret_delete().id(id).secret_id(secret_id).send().await)?
        }
    };
    print(answer, endpoint.output, &["id", "name", "secret", "description", "expiration"])
}
