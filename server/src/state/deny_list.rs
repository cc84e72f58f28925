//! The deny-list of revoked JWT access tokens, held in memory so that
//! checking a token costs no database round trip. Revocations made on this
//! replica are seen at once (the revoking code syncs after its commit);
//! those made on another replica when it announces them
//! ([`crate::changes`]), or within [`SYNC_PERIOD`] if the announcement is
//! lost. Revocations are stamped and read by the database's clock, so
//! replicas whose clocks disagree miss none.

use crate::error::Result;
use crate::store::{Store, access_tokens, db_now};
use std::collections::HashMap;
use std::sync::RwLock;
use std::time::Duration;

/// How often every replica reads new revocations.
pub const SYNC_PERIOD: Duration = Duration::from_secs(1);
/// Overlap of consecutive reads: a revocation stamped before a read but
/// committed after it is found by the next one.
const OVERLAP_MS: i64 = 10_000;

#[derive(Default)]
pub struct DenyList {
    /// Revoked jti → its expiry (Unix ms).
    revoked: RwLock<HashMap<String, i64>>,
    synced_at: RwLock<Option<i64>>,
}

impl DenyList {
    pub fn contains(&self, jti: &str) -> bool {
        self.revoked.read().expect("deny-list lock").contains_key(jti)
    }

    /// Reads the revocations made since the last read, and forgets expired
    /// ones. `now` (the state's clock) stands in for the database's clock on
    /// SQLite ([`db_now`]).
    pub async fn sync(&self, store: &Store, now: i64) -> Result<()> {
        let mut conn = store.conn().await?;
        // The database's clock on purpose: revocations are stamped by it, so
        // replicas whose clocks disagree read the same window.
        let now = db_now(&mut conn, now).await?;
        let since = self.synced_at.read().expect("deny-list lock").map_or(0, |at| at - OVERLAP_MS);
        let fresh = access_tokens::revoked_since(&mut conn, since, now).await?;
        let mut revoked = self.revoked.write().expect("deny-list lock");
        revoked.retain(|_, expires_at| *expires_at > now);
        revoked.extend(fresh);
        *self.synced_at.write().expect("deny-list lock") = Some(now);
        Ok(())
    }
}
