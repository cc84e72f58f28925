//! Admin commands, built on the generated SDK against a running server.

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use keyward_sdk::types;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The admin resource a command manages.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Client,
    User,
    Tenant,
    Role,
    ApiResource,
    ApiScope,
}

/// Which server to talk to, and as whom.
#[derive(Debug, Args)]
pub struct Endpoint {
    /// Base URL of the Keyward server.
    #[arg(long, global = true, env = "KEYWARD_ENDPOINT", default_value = "http://127.0.0.1:8080")]
    endpoint: String,
    /// Admin client id.
    #[arg(long, global = true, env = "KEYWARD_ADMIN_CLIENT_ID")]
    client_id: Option<String>,
    /// Admin client secret.
    #[arg(long, global = true, env = "KEYWARD_ADMIN_CLIENT_SECRET", hide_env_values = true)]
    client_secret: Option<String>,
}

#[derive(Debug, Args)]
pub struct Command {
    #[command(subcommand)]
    action: Action,
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
    Common(Action),
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
enum Action {
    /// Create from a JSON body (`-` reads standard input).
    Create { json: String },
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
    /// Change fields from a JSON body (`-` reads standard input).
    Update { id: i64, json: String },
    /// Delete by id.
    Delete { id: i64 },
}

fn body<T: DeserializeOwned>(json: &str) -> anyhow::Result<T> {
    let text = if json == "-" { std::io::read_to_string(std::io::stdin())? } else { json.to_string() };
    serde_json::from_str(&text).context("the JSON body does not fit this resource")
}

/// Prints JSON; a reader that stopped early (`| head`) is not an error.
fn print<T: Serialize>(value: T) -> anyhow::Result<()> {
    use std::io::Write;
    match writeln!(std::io::stdout().lock(), "{}", serde_json::to_string_pretty(&value)?) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// The SDK with an access token of the admin client (client_credentials).
async fn admin_sdk(endpoint: &Endpoint) -> anyhow::Result<keyward_sdk::Client> {
    let (Some(id), Some(secret)) = (&endpoint.client_id, &endpoint.client_secret) else {
        bail!("admin credentials are required: --client-id and --client-secret (or KEYWARD_ADMIN_CLIENT_ID/SECRET)");
    };
    let sdk = keyward_sdk::Client::new(&endpoint.endpoint);
    let request = types::TokenRequest::client_credentials(id, secret, None);
    let token = sdk.oauth_token().body(request).send().await.map_err(sdk_error)?.into_inner().access_token;
    let client = keyward_sdk::bearer_client(&token).map_err(|e| anyhow::anyhow!(e))?;
    Ok(keyward_sdk::Client::new_with_client(&endpoint.endpoint, client))
}

/// The server's error message rather than the SDK's debug output.
fn sdk_error<E: Serialize + std::fmt::Debug>(error: keyward_sdk::Error<E>) -> anyhow::Error {
    match error {
        keyward_sdk::Error::ErrorResponse(response) => {
            anyhow::anyhow!("{} {}", response.status(), serde_json::to_string(response.as_ref()).unwrap_or_default())
        }
        other => anyhow::anyhow!("{other}"),
    }
}

/// Runs `$action` against one resource's SDK methods.
macro_rules! dispatch {
    ($sdk:expr, $action:expr, $list:ident, $create:ident, $view:ident, $update:ident, $delete:ident, $new:ty, $change:ty) => {
        match $action {
            Action::Create { json } => {
                print($sdk.$create().body(body::<$new>(&json)?).send().await.map_err(sdk_error)?.into_inner())
            }
            Action::List { skip, take, orderby, asc } => {
                let mut request = $sdk.$list().skip(skip).take(take).asc(asc);
                if let Some(orderby) = orderby {
                    request = request.orderby(orderby);
                }
                print(request.send().await.map_err(sdk_error)?.into_inner())
            }
            Action::Get { id } => print($sdk.$view().id(id).send().await.map_err(sdk_error)?.into_inner()),
            Action::Update { id, json } => {
                print($sdk.$update().id(id).body(body::<$change>(&json)?).send().await.map_err(sdk_error)?.into_inner())
            }
            Action::Delete { id } => print($sdk.$delete().id(id).send().await.map_err(sdk_error)?.into_inner()),
        }
    };
}

pub async fn run(resource: Kind, command: Command) -> anyhow::Result<()> {
    let sdk = admin_sdk(&command.endpoint).await?;
    match resource {
        Kind::Client => dispatch!(
            sdk,
            command.action,
            client_list,
            client_create,
            client_view,
            client_update,
            client_delete,
            types::ClientCreate,
            types::ClientUpdate
        ),
        Kind::User => dispatch!(
            sdk,
            command.action,
            user_list,
            user_create,
            user_view,
            user_update,
            user_delete,
            types::UserCreate,
            types::UserUpdate
        ),
        Kind::Tenant => dispatch!(
            sdk,
            command.action,
            tenant_list,
            tenant_create,
            tenant_view,
            tenant_update,
            tenant_delete,
            types::TenantCreate,
            types::TenantUpdate
        ),
        Kind::Role => dispatch!(
            sdk,
            command.action,
            role_list,
            role_create,
            role_view,
            role_update,
            role_delete,
            types::RoleCreate,
            types::RoleUpdate
        ),
        Kind::ApiResource => dispatch!(
            sdk,
            command.action,
            api_resource_list,
            api_resource_create,
            api_resource_view,
            api_resource_update,
            api_resource_delete,
            types::ApiResourceCreate,
            types::ApiResourceUpdate
        ),
        Kind::ApiScope => dispatch!(
            sdk,
            command.action,
            api_scope_list,
            api_scope_create,
            api_scope_view,
            api_scope_update,
            api_scope_delete,
            types::ApiScopeCreate,
            types::ApiScopeUpdate
        ),
    }
}

pub async fn run_api_resource(command: ApiResourceCommand) -> anyhow::Result<()> {
    let ApiResourceCommand { action, endpoint } = command;
    let own = match action {
        ApiResourceAction::Common(action) => return run(Kind::ApiResource, Command { action, endpoint }).await,
        ApiResourceAction::Own(own) => own,
    };
    let sdk = admin_sdk(&endpoint).await?;
    match own {
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
            print(request.send().await.map_err(sdk_error)?.into_inner())
        }
        ApiResourceOnly::AddSecret { id, description } => {
            let body = types::SecretCreate { description, expiration: None, value: None, allow_weak_secret: None };
            print(sdk.api_resource_secret_create().id(id).body(body).send().await.map_err(sdk_error)?.into_inner())
        }
        ApiResourceOnly::DeleteSecret { id, secret_id } => print(
            sdk.api_resource_secret_delete().id(id).secret_id(secret_id).send().await.map_err(sdk_error)?.into_inner(),
        ),
    }
}
