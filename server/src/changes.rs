//! What one replica tells the others. Replicas cache tenants, clients, API
//! resources, signing keys and the deny-list in memory; after a write that
//! makes one of them stale, the writer publishes a PostgreSQL notification
//! naming it, and every replica (the writer too) drops or rereads it at once.
//! SQLite is one process's file: nothing to tell.
//!
//! A notification sent while a replica's subscription is down is lost, so a
//! replica that (re)subscribes rereads everything; the caches' own expiry
//! and the periodic upkeep ([`crate::maintenance`]) bound what is missed
//! while it cannot subscribe at all.

use crate::state::State;
use crate::store::{CHANNEL, Change};
use anyhow::Context;
use sqlx::postgres::PgListener;
use std::sync::Arc;
use std::time::Duration;

/// How long to wait before subscribing again after a failure.
const RETRY: Duration = Duration::from_secs(1);
/// A subscription silent this long is asked whether it is still alive: a
/// connection cut without a reset would otherwise wait forever.
const IDLE_CHECK: Duration = Duration::from_secs(30);

/// Subscribes to other replicas' changes and applies them from then on, in
/// a task that ends when the store is closed; on SQLite there are none.
pub async fn follow(state: Arc<State>, log: slog::Logger) -> anyhow::Result<()> {
    if state.store.backend() != crate::store::Backend::Postgres {
        return Ok(());
    }
    let mut listener = subscribe(&state).await.context("subscribing to other replicas' changes")?;
    tokio::spawn(async move {
        loop {
            let lost = apply_until_lost(&state, &log, &mut listener).await;
            if state.store.is_closed() {
                return;
            }
            slog::warn!(log, "lost the subscription to other replicas' changes; resubscribing";
                "error" => format!("{lost:#}"));
            listener = loop {
                tokio::time::sleep(RETRY).await;
                if state.store.is_closed() {
                    return;
                }
                // Whatever changed meanwhile is unknown: reread everything.
                if let Ok(listener) = subscribe(&state).await
                    && apply_all(&state).await.is_ok()
                {
                    break listener;
                }
            };
            slog::info!(log, "resubscribed to other replicas' changes");
        }
    });
    Ok(())
}

async fn subscribe(state: &State) -> anyhow::Result<PgListener> {
    let mut listener = PgListener::connect(&state.settings.database_url).await?;
    // A lost connection ends the subscription here, so that everything is
    // reread after resubscribing.
    listener.eager_reconnect(false);
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// Applies notifications until the subscription fails; returns why.
async fn apply_until_lost(state: &State, log: &slog::Logger, listener: &mut PgListener) -> anyhow::Error {
    loop {
        let notification = match tokio::time::timeout(IDLE_CHECK, listener.try_recv()).await {
            Ok(Ok(Some(notification))) => notification,
            Ok(Ok(None)) => return anyhow::anyhow!("the connection was lost"),
            Ok(Err(e)) => return e.into(),
            Err(_) if state.store.is_closed() => return anyhow::anyhow!("the server stopped"),
            Err(_) => match tokio::time::timeout(RETRY * 5, sqlx::query("SELECT 1").execute(&mut *listener)).await {
                Ok(Ok(_)) => continue,
                Ok(Err(e)) => return e.into(),
                Err(_) => return anyhow::anyhow!("the connection stopped answering"),
            },
        };
        let applied = match Change::parse(notification.payload()) {
            Some(change) => apply(state, change).await,
            None => Err(anyhow::anyhow!("unknown change {:?}", notification.payload())),
        };
        if let Err(e) = applied {
            slog::warn!(log, "could not apply another replica's change"; "error" => format!("{e:#}"));
        }
    }
}

/// Drops or rereads what `change` made stale on this replica.
async fn apply(state: &State, change: Change) -> anyhow::Result<()> {
    match change {
        Change::Tenants | Change::Clients | Change::Catalog => state.drop_cached(change),
        Change::SigningKeys => {
            state.keys.reload().await?;
            state.verified_tokens.clear();
        }
        Change::Revocations => state.deny_list.sync(&state.store, state.clock.now_ms()).await?,
    }
    Ok(())
}

async fn apply_all(state: &State) -> anyhow::Result<()> {
    for change in Change::ALL {
        apply(state, change).await?;
    }
    Ok(())
}
