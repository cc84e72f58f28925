//! The `keyward` command line.

mod admin;
mod fields;
mod output;

use crate::config::ServerArgs;
use clap::{CommandFactory, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(name = "keyward", version, about = "Multi-tenant OAuth 2.0 / OpenID Connect authorization server")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    server: ServerArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server (the default).
    Serve(ServerArgs),
    /// Apply database migrations and exit.
    Migrate(ServerArgs),
    /// Prepare the database and print the credentials of a new admin client, once.
    Init(ServerArgs),
    /// Manage signing keys (works on the database directly).
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Manage clients through a running server's admin API.
    Client(admin::Command<fields::Client>),
    /// Manage users through a running server's admin API.
    User(admin::Command<fields::User>),
    /// Manage tenants through a running server's admin API.
    Tenant(admin::Command<fields::Tenant>),
    /// Manage roles through a running server's admin API.
    Role(admin::Command<fields::Role>),
    /// Manage API resources (and import them from OpenAPI documents) through
    /// a running server's admin API.
    ApiResource(admin::ApiResourceCommand),
    /// Manage API scopes through a running server's admin API.
    ApiScope(admin::Command<fields::ApiScope>),
    /// Print a completion script for a shell, e.g.
    /// `keyward completions bash > /etc/bash_completion.d/keyward`.
    Completions { shell: clap_complete::Shell },
    /// Generates a Rust SDK from the OpenAPI document on standard input
    /// into `--out`, within `--memory-mb`: the child process the server runs
    /// for each Rust generation.
    #[command(hide = true)]
    CodegenWorker {
        #[arg(long)]
        memory_mb: u64,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Add a tenant's signing keys (RS256 and ES256): published at once,
    /// signing after the delay, when the current keys stop signing (they stay
    /// published until their tokens expire).
    Rotate {
        #[command(flatten)]
        server: ServerArgs,
        /// The tenant's id [default: the default tenant].
        #[arg(long)]
        tenant: Option<i64>,
        /// Seconds between publishing the new key and signing with it, so that
        /// relying parties fetch it first.
        #[arg(long, default_value_t = 300)]
        publish_delay: i64,
    },
    /// Re-encrypt every signing key and secret in the database under a new
    /// master key (all or nothing); then start the server with that key.
    Rewrap {
        #[command(flatten)]
        server: ServerArgs,
        /// File holding the new master key: 32 random bytes, base64
        /// (`openssl rand -base64 32`).
        #[arg(long)]
        new_master_key_file: PathBuf,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // Before any runtime: the worker limits its own memory, and threads
    // would only take from it.
    if let Some(Command::CodegenWorker { memory_mb, out }) = &cli.command {
        return match crate::codegen::rust::worker(*memory_mb, out) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{e:#}");
                ExitCode::FAILURE
            }
        };
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: starting the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(run(cli));
    crate::logging::flush();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        None => serve(cli.server).await,
        Some(Command::Serve(args)) => serve(args).await,
        Some(Command::Migrate(args)) => {
            let settings = args.resolve()?;
            let store = crate::store::Store::connect(&settings.database_url).await?;
            store.migrate().await?;
            println!("migrations applied to {}", redact(&settings.database_url));
            Ok(())
        }
        Some(Command::Init(args)) => {
            let state = prepare(args).await?;
            let created = crate::domain::bootstrap::new_admin_client(&state).await?;
            println!(
                "{}",
                serde_json::to_string_pretty(&serde_json::json!({
                    "clientId": created.client_id,
                    "clientSecret": created.client_secret,
                    "note": "store the secret now: it is not shown again",
                }))?
            );
            Ok(())
        }
        Some(Command::Keys(KeysCommand::Rotate { server, tenant, publish_delay })) => {
            anyhow::ensure!(publish_delay >= 0, "--publish-delay must not be negative");
            let state = prepare(server).await?;
            let tenant = tenant.unwrap_or(state.default_tenant);
            let kids = state.keys.rotate(tenant, publish_delay).await?;
            println!("{}", serde_json::json!({ "tenant": tenant, "kids": kids, "signsInSeconds": publish_delay }));
            Ok(())
        }
        Some(Command::Keys(KeysCommand::Rewrap { server, new_master_key_file })) => {
            let count = crate::server::rewrap(&server.resolve()?, &new_master_key_file).await?;
            println!(
                "{}",
                serde_json::json!({
                    "reencrypted": count,
                    "note": format!("start the server with --master-key-file {}", new_master_key_file.display()),
                })
            );
            Ok(())
        }
        Some(Command::Client(command)) => admin::client(command).await,
        Some(Command::User(command)) => admin::user(command).await,
        Some(Command::Tenant(command)) => admin::tenant(command).await,
        Some(Command::Role(command)) => admin::role(command).await,
        Some(Command::ApiResource(command)) => admin::run_api_resource(command).await,
        Some(Command::ApiScope(command)) => admin::api_scope(command).await,
        Some(Command::CodegenWorker { .. }) => unreachable!("handled before the runtime starts"),
        Some(Command::Completions { shell }) => {
            clap_complete::generate(shell, &mut Cli::command(), "keyward", &mut std::io::stdout());
            Ok(())
        }
    }
}

/// The database prepared as the server would, for a one-off command.
async fn prepare(args: ServerArgs) -> anyhow::Result<std::sync::Arc<crate::state::State>> {
    let settings = args.resolve()?;
    let log = crate::logging::logger(&settings.log_level)?;
    crate::server::prepare(settings, &log).await
}

async fn serve(args: ServerArgs) -> anyhow::Result<()> {
    // Listen for signals before starting, so that none arriving during the
    // start kills the process the default way.
    let stop = stop_signal()?;
    let running = crate::server::start(args.resolve()?).await?;
    let address = running.address;
    eprintln!("keyward listening on http://{address}");
    running.serve_until(stop).await?;
    eprintln!("keyward stopped");
    Ok(())
}

/// Resolves at the first SIGTERM (how orchestrators stop a process) or
/// SIGINT (Ctrl-C).
fn stop_signal() -> anyhow::Result<impl Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = terminate.recv() => {}
            _ = interrupt.recv() => {}
        }
    })
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{}@{}", &url[..scheme + 3], user, &url[at + 1..])
        }
        _ => url.to_string(),
    }
}
