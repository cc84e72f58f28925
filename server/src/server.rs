//! Starting a server: open and migrate the database, bootstrap, listen —
//! on one address, or with the admin API and `/metrics` on a second one.

use crate::clock::Clock;
use crate::config::Settings;
use crate::crypto::envelope::{self, MasterKey};
use crate::crypto::{mac::Mac, secret};
use crate::domain::{at_rest, bootstrap};
use crate::http::KeywardImpl;
use crate::state::KeyRing;
use crate::state::State;
use crate::store::{Store, secrets};
use anyhow::{Context, anyhow};
use dropshot::{ConfigDropshot, HandlerTaskMode, HttpServer, ServerBuilder};
use std::net::SocketAddr;
use std::sync::Arc;

/// A listening server.
pub struct Running {
    pub address: SocketAddr,
    /// The admin listener's address, when it has its own.
    pub admin_address: Option<SocketAddr>,
    pub state: Arc<State>,
    log: slog::Logger,
    server: HttpServer<Arc<State>>,
    admin: Option<HttpServer<Arc<State>>>,
}

impl Running {
    /// Serves until `stop` resolves (a signal), then stops gracefully within
    /// the configured shutdown timeout; or until a listener fails.
    pub async fn serve_until(self, stop: impl Future<Output = ()>) -> anyhow::Result<()> {
        let failed = async {
            match &self.admin {
                Some(admin) => tokio::select! {
                    result = self.server.wait_for_shutdown() => result,
                    result = admin.wait_for_shutdown() => result,
                },
                None => self.server.wait_for_shutdown().await,
            }
        };
        tokio::select! {
            result = failed => return result.map_err(|e| anyhow!(e)),
            () = stop => {}
        }
        let (log, grace) = (self.log.clone(), self.state.settings.shutdown_timeout);
        slog::info!(log, "stopping: no new connections, finishing requests in flight"; "timeout_s" => grace.as_secs());
        match tokio::time::timeout(grace, self.stop()).await {
            Ok(result) => result,
            Err(_) => {
                slog::warn!(log, "the shutdown timeout passed with requests still in flight; exiting without them");
                Ok(())
            }
        }
    }

    /// Stops accepting requests, finishes those in flight, closes the database.
    pub async fn stop(self) -> anyhow::Result<()> {
        let admin = self.admin.map(HttpServer::close);
        let admin = async {
            match admin {
                Some(closing) => closing.await,
                None => Ok(()),
            }
        };
        let (server, admin) = tokio::join!(self.server.close(), admin);
        server.and(admin).map_err(|e| anyhow!(e))?;
        self.state.store.close().await;
        Ok(())
    }
}

/// Opens the database, applies migrations and bootstraps it, without serving.
pub async fn prepare(settings: Settings, log: &slog::Logger) -> anyhow::Result<Arc<State>> {
    let master = master_key(&settings, log)?;
    let store = Store::connect(&settings.database_url).await?;
    // Replicas starting together take turns: the first creates the default
    // tenant, its keys and the admin client; the others find them.
    let turn = store.one_at_a_time().await.context("waiting for other replicas' bootstrap")?;
    let state = bootstrap(settings, log, master, store).await;
    turn.release().await?;
    state
}

/// Migrations, secrets sealed, default tenant, keys, cookie key, admin client.
async fn bootstrap(
    settings: Settings,
    log: &slog::Logger,
    master: Arc<MasterKey>,
    store: Store,
) -> anyhow::Result<Arc<State>> {
    let clock = Clock::default();
    store.migrate().await?;
    let sealed = at_rest::seal_plaintext(&store, &master).await.context("encrypting secrets stored in clear")?;
    if sealed > 0 {
        slog::info!(log, "encrypted secrets an earlier release stored in clear"; "count" => sealed);
    }
    let default_tenant = bootstrap::default_tenant(&store, clock.now_ms()).await?;
    let keys = KeyRing::open(store.clone(), master.clone(), clock.clone()).await?;
    let mac = cookie_key(&store, &master, clock.now_ms()).await?;
    let state = State::new(settings, store, keys, master, mac, default_tenant, clock)?;
    state.deny_list.sync(&state.store, state.clock.now_ms()).await?;
    if let Some((id, secret)) = state.settings.admin_client.clone() {
        bootstrap::ensure_admin_client(&state, &id, &secret).await.context("ensuring the admin client")?;
    }
    Ok(state)
}

/// `keyward keys rewrap`: re-seals every confidential value of the
/// database under the key in `new_key_file`; returns how many there were.
pub async fn rewrap(settings: &Settings, new_key_file: &std::path::Path) -> anyhow::Result<usize> {
    let (current, _) = crate::master_key::load(&settings.master_key, &settings.database_url)?;
    let new = crate::master_key::read(new_key_file)?;
    anyhow::ensure!(current.id() != new.id(), "the new master key is the current one");
    let store = Store::connect(&settings.database_url).await?;
    store.migrate().await?;
    let count = at_rest::rewrap(&store, &current, &new).await;
    store.close().await;
    count
}

/// The configured master key; a key file made now is logged by path.
fn master_key(settings: &Settings, log: &slog::Logger) -> anyhow::Result<Arc<MasterKey>> {
    let (master, made) = crate::master_key::load(&settings.master_key, &settings.database_url)?;
    if let Some(path) = made {
        slog::warn!(log, "made a new master key file: back it up apart from the database, which cannot be read without it";
            "path" => %path.display());
    }
    Ok(Arc::new(master))
}

/// The cookie/MAC key every replica shares, sealed in the database.
async fn cookie_key(store: &Store, master: &MasterKey, now: i64) -> anyhow::Result<Mac> {
    let purpose = envelope::server_secret("cookie_key");
    let candidate = master.seal(&purpose, secret::generate().as_bytes());
    let stored = secrets::get_or_insert(&mut *store.conn().await?, "cookie_key", &candidate, now).await?;
    Mac::new(&master.open_text(&purpose, &stored)?)
}

/// A listener serving the whole API on `bind`; which operations answer on
/// it is decided per request ([`State::serves`]).
fn listen(state: &Arc<State>, log: &slog::Logger, bind: SocketAddr) -> anyhow::Result<HttpServer<Arc<State>>> {
    let mut api = keyward_api::keyward_api_mod::api_description::<KeywardImpl>()
        .map_err(|e| anyhow!("building the API description: {e:?}"))?;
    crate::http::register_preflights(&mut api, state.openapi)?;
    let config = ConfigDropshot {
        bind_address: bind,
        default_request_body_max_bytes: 1024,
        // A client hanging up must not abort a half-done write.
        default_handler_task_mode: HandlerTaskMode::Detached,
        ..Default::default()
    };
    ServerBuilder::new(api, state.clone(), log.clone())
        .config(config)
        .start()
        .map_err(|e| anyhow!("starting the HTTP server on {bind}: {e}"))
}

pub async fn start(settings: Settings) -> anyhow::Result<Running> {
    let log = crate::logging::logger(&settings.log_level)?;
    let (bind, admin_bind) = (settings.bind, settings.admin_bind);
    let state = prepare(settings, &log).await?;
    // The admin listener first, so the main one never sees a request before
    // the admin address is known.
    let admin = admin_bind.map(|bind| listen(&state, &log, bind)).transpose()?;
    let admin_address = admin.as_ref().map(|admin| admin.local_addr());
    if let Some(address) = admin_address {
        state.set_admin_address(address);
    }
    let server = listen(&state, &log, bind)?;
    let address = server.local_addr();
    state.set_bound_address(address);
    bootstrap::adopt_legacy_scopes(&state).await.context("adopting legacy client scopes")?;
    crate::changes::follow(state.clone(), log.clone()).await?;
    crate::maintenance::spawn(state.clone(), log.clone());
    state.codegen.log_confinement(&log);
    slog::info!(log, "keyward listening"; "address" => %address, "admin_address" => ?admin_address, "issuer" => state.issuer());
    Ok(Running { address, admin_address, state, log, server, admin })
}
