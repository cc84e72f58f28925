//! Background upkeep every replica runs: read new revocations into the
//! deny-list and reread the signing keys (another replica or `keyward keys
//! rotate` may have added one; on PostgreSQL they are announced at once, see
//! [`crate::changes`], and this rereading covers announcements lost), rotate
//! on schedule, and delete OAuth state that has expired.

use crate::state::State;
use crate::state::deny_list;
use crate::store::keys;
use std::sync::Arc;
use std::time::Duration;

/// How often the upkeep runs. Well under the default key publish delay, so
/// a new key is in every replica's JWKS before it signs.
const PERIOD: Duration = Duration::from_secs(30);
/// Publish delay of automatically rotated keys.
const AUTO_PUBLISH_DELAY_SECS: i64 = 300;

/// Starts the upkeep loops; they end with the runtime.
pub fn spawn(state: Arc<State>, log: slog::Logger) {
    let (deny_state, deny_log) = (state.clone(), log.clone());
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(deny_list::SYNC_PERIOD);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(e) = deny_state.deny_list.sync(&deny_state.store, deny_state.clock.now_ms()).await {
                slog::warn!(deny_log, "deny-list sync failed"; "error" => format!("{e:#}"));
            }
        }
    });
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(PERIOD);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(e) = run_once(&state).await {
                slog::warn!(log, "maintenance failed"; "error" => format!("{e:#}"));
            }
        }
    });
}

async fn run_once(state: &State) -> anyhow::Result<()> {
    state.keys.reload().await?;
    let days = state.settings.key_rotation_days;
    if days > 0 {
        // One replica at a time looks for due keys, so each is rotated once.
        let turn = state.store.one_at_a_time().await?;
        let rotated = async {
            let since = state.clock.now_ms() - days * 86_400_000;
            for tenant in keys::tenants_with_keys_older_than(&mut *state.store.conn().await?, since).await? {
                state.keys.rotate(tenant, AUTO_PUBLISH_DELAY_SECS).await?;
            }
            anyhow::Ok(())
        }
        .await;
        turn.release().await?;
        rotated?;
    }
    purge_expired(state).await
}

/// Deletes rows nothing will read again.
async fn purge_expired(state: &State) -> anyhow::Result<()> {
    let now = state.clock.now_ms();
    let mut conn = state.store.conn().await?;
    for statement in [
        "DELETE FROM authorization_codes WHERE expires_at < $1",
        "DELETE FROM access_tokens WHERE expires_at < $1",
        "DELETE FROM refresh_tokens WHERE expires_at < $1",
        "DELETE FROM grants WHERE expires_at < $1",
        "DELETE FROM sessions WHERE expires_at < $1",
        "DELETE FROM login_failures WHERE window_start < $1 - 86400000",
        "DELETE FROM verification_codes WHERE expires_at < $1",
        "DELETE FROM send_limits WHERE last_at < $1 - 86400000",
        "DELETE FROM qr_sign_ins WHERE expires_at < $1",
        "DELETE FROM app_codes WHERE expires_at < $1",
        "DELETE FROM consents WHERE expires_at < $1",
    ] {
        sqlx::query(statement).bind(now).execute(&mut *conn).await?;
    }
    Ok(())
}
