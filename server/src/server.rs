//! Starting a server: open and migrate the database, bootstrap, listen.

use crate::app::App;
use crate::config::Settings;
use crate::crypto::{jwt::KeyRing, mac::Mac, secret};
use crate::domain::bootstrap;
use crate::http::KeywardImpl;
use crate::store::{Store, secrets};
use anyhow::{Context, anyhow};
use dropshot::{ConfigDropshot, HandlerTaskMode, HttpServer, ServerBuilder};
use std::net::SocketAddr;
use std::sync::Arc;

/// A listening server.
pub struct Running {
    pub address: SocketAddr,
    pub app: Arc<App>,
    server: HttpServer<Arc<App>>,
}

impl Running {
    /// Runs until the server stops.
    pub async fn wait(self) -> anyhow::Result<()> {
        self.server.await.map_err(|e| anyhow!(e))
    }

    /// Stops accepting requests, finishes those in flight, closes the database.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.server.close().await.map_err(|e| anyhow!(e))?;
        self.app.store.close().await;
        Ok(())
    }
}

/// Opens the database, applies migrations and bootstraps it, without serving.
pub async fn prepare(settings: Settings) -> anyhow::Result<Arc<App>> {
    let store = Store::connect(&settings.database_url).await?;
    store.migrate().await?;
    let default_tenant = bootstrap::default_tenant(&store).await?;
    let keys = KeyRing::open(store.clone()).await?;
    let cookie_key = secrets::get_or_insert(&mut *store.conn().await?, "cookie_key", &secret::generate()).await?;
    let app = App::new(settings, store, keys, Mac::new(&cookie_key)?, default_tenant)?;
    app.deny_list.sync(&app.store).await?;
    if let Some((id, secret)) = app.settings.admin_client.clone() {
        bootstrap::ensure_admin_client(&app, &id, &secret).await.context("ensuring the admin client")?;
    }
    Ok(app)
}

pub async fn start(settings: Settings) -> anyhow::Result<Running> {
    let log = crate::logging::logger(&settings.log_level)?;
    let bind = settings.bind;
    let app = prepare(settings).await?;
    let api = keyward_api::keyward_api_mod::api_description::<KeywardImpl>()
        .map_err(|e| anyhow!("building the API description: {e:?}"))?;
    let config = ConfigDropshot {
        bind_address: bind,
        default_request_body_max_bytes: 1024,
        // A client hanging up must not abort a half-done write.
        default_handler_task_mode: HandlerTaskMode::Detached,
        ..Default::default()
    };
    let server = ServerBuilder::new(api, app.clone(), log.clone())
        .config(config)
        .start()
        .map_err(|e| anyhow!("starting the HTTP server on {bind}: {e}"))?;
    let address = server.local_addr();
    app.set_bound_address(address);
    bootstrap::adopt_legacy_scopes(&app).await.context("adopting legacy client scopes")?;
    crate::maintenance::spawn(app.clone(), log.clone());
    slog::info!(log, "keyward listening"; "address" => %address, "issuer" => app.issuer());
    Ok(Running { address, app, server })
}
