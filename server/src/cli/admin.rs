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

#[derive(Debug, Args)]
pub struct Command {
    #[command(subcommand)]
    action: Action,
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

fn print<T: Serialize>(value: T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(&value)?);
    Ok(())
}

/// An access token for the admin client, by client_credentials.
async fn access_token(command: &Command) -> anyhow::Result<String> {
    let (Some(id), Some(secret)) = (&command.client_id, &command.client_secret) else {
        bail!("admin credentials are required: --client-id and --client-secret (or KEYWARD_ADMIN_CLIENT_ID/SECRET)");
    };
    let sdk = keyward_sdk::Client::new(&command.endpoint);
    let request = types::TokenRequest::client_credentials(id, secret, None);
    let tokens = sdk.oauth_token().body(request).send().await.map_err(sdk_error)?;
    Ok(tokens.into_inner().access_token)
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
    let token = access_token(&command).await?;
    let sdk = keyward_sdk::Client::new_with_client(
        &command.endpoint,
        keyward_sdk::bearer_client(&token).map_err(|e| anyhow::anyhow!(e))?,
    );
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
