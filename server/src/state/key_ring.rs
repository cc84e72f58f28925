//! The key ring: which keys sign and verify the JWTs ([`crate::crypto::jwt`])
//! of which tenant, and when. Every tenant is its own issuer
//! with its own keys: one RS256 and one ES256 key signing at any time, both
//! published in that tenant's JWKS. A token verifies only against the keys
//! of the tenant it is presented to.
//!
//! Keys live in the database; the ring caches them, reloads periodically and
//! when it meets an unknown `kid` (another replica, a new tenant or `keyward
//! keys rotate` added one). Rotation publishes the new key first and lets it
//! sign only from its activation time, so relying parties have fetched it by
//! then; the old key of that algorithm stops signing at that moment and
//! stays published until every token it signed has expired. Private keys
//! are stored sealed under the master key ([`crate::crypto::envelope`]).

use crate::clock::Clock;
use crate::crypto::envelope::{self, MasterKey};
use crate::crypto::jwt::{self, SigningKey, VerifyError};
use crate::store::{Conn, Store, keys};
use anyhow::Context;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use jsonwebtoken::Header;
use keyward_api::oauth::{Jwk, SigningAlg};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// Leeway for relying parties' clocks when a retired key leaves the JWKS.
const CLOCK_SKEW_SECS: i64 = 300;
/// Anyone can present a token with a made-up `kid`: the reread it asks for
/// happens one at a time and at most once per this interval.
const UNKNOWN_KID_RELOAD_INTERVAL: Duration = Duration::from_secs(5);

/// Published keys by tenant.
type Keys = HashMap<i64, Vec<SigningKey>>;

#[derive(Clone)]
pub struct KeyRing {
    store: Store,
    master: Arc<MasterKey>,
    /// The state's clock: which keys sign and are published depends on it.
    clock: Clock,
    keys: Arc<RwLock<Arc<Keys>>>,
    /// When a token with an unknown `kid` last made the ring reread its keys.
    unknown_kid_reload: Arc<tokio::sync::Mutex<Option<Instant>>>,
    /// Rereads of every key so far, for `/metrics`.
    reloads: Arc<AtomicU64>,
}

/// A stored key, its private half unsealed.
fn load(master: &MasterKey, stored: &keys::StoredKey) -> anyhow::Result<SigningKey> {
    let alg = SigningAlg::parse(&stored.alg)
        .with_context(|| format!("signing key {} has unsupported alg {}", stored.kid, stored.alg))?;
    let pkcs8 = master.open_text(&envelope::signing_key(&stored.kid), &stored.private_pkcs8)?;
    let pkcs8 = B64.decode(pkcs8).context("signing key is not base64")?;
    SigningKey::read(&stored.kid, alg, &pkcs8, stored.activates_at, stored.retired_at)
}

/// New keys generated off the async runtime (RSA takes tens of milliseconds).
async fn generate_all(algs: Vec<SigningAlg>) -> anyhow::Result<Vec<(SigningAlg, String, Vec<u8>)>> {
    tokio::task::spawn_blocking(move || {
        algs.into_iter().map(|alg| jwt::generate(alg).map(|(kid, pkcs8)| (alg, kid, pkcs8))).collect()
    })
    .await?
}

/// Stores new keys of `tenant`, made at `now`, one per algorithm, signing
/// from `activates_at`; each retires the tenant's other keys of its algorithm
/// then, keeping them published until their last token has expired.
async fn insert_keys(
    conn: &mut Conn,
    master: &MasterKey,
    tenant: i64,
    generated: &[(SigningAlg, String, Vec<u8>)],
    now: i64,
    activates_at: i64,
) -> anyhow::Result<()> {
    let lifetime_ms = (keys::longest_token_lifetime(conn, tenant).await? + CLOCK_SKEW_SECS) * 1000;
    for (alg, kid, pkcs8) in generated {
        let sealed = master.seal(&envelope::signing_key(kid), B64.encode(pkcs8).as_bytes());
        keys::insert(conn, tenant, kid, alg.as_str(), &sealed, activates_at, now).await?;
        keys::retire_others(conn, tenant, alg.as_str(), kid, activates_at, activates_at + lifetime_ms).await?;
    }
    Ok(())
}

/// The key of `tenant` that signs with `alg` at `now`.
fn active(keys: &Keys, tenant: i64, alg: SigningAlg, now: i64) -> Option<&SigningKey> {
    keys.get(&tenant)?.iter().find(|k| k.alg == alg && k.signs_at(now))
}

impl KeyRing {
    /// Loads the published keys and gives every tenant lacking a signing key
    /// of an algorithm one that signs at once.
    pub async fn open(store: Store, master: Arc<MasterKey>, clock: Clock) -> anyhow::Result<KeyRing> {
        let ring = KeyRing {
            store,
            master,
            clock,
            keys: Default::default(),
            unknown_kid_reload: Default::default(),
            reloads: Default::default(),
        };
        for alg in SigningAlg::ALL {
            let now = ring.clock.now_ms();
            let missing = keys::tenants_without_signing_key(&mut *ring.store.conn().await?, alg.as_str(), now).await?;
            for tenant in missing {
                let generated = generate_all(vec![alg]).await?;
                let mut tx = ring.store.begin().await?;
                insert_keys(&mut tx, &ring.master, tenant, &generated, now, now).await?;
                tx.commit().await?;
            }
        }
        ring.reload().await?;
        Ok(ring)
    }

    /// Rereads the published keys from the database.
    pub async fn reload(&self) -> anyhow::Result<()> {
        self.reloads.fetch_add(1, Ordering::Relaxed);
        let stored = keys::published(&mut *self.store.conn().await?, self.clock.now_ms()).await?;
        let mut loaded = Keys::new();
        for key in &stored {
            loaded.entry(key.tenant_id).or_default().push(load(&self.master, key)?);
        }
        *self.keys.write().expect("key ring lock") = Arc::new(loaded);
        Ok(())
    }

    /// Gives a tenant being created (inside `conn`'s transaction) a key of
    /// each algorithm that signs at once. Call `reload` after the commit.
    pub async fn create_for(&self, conn: &mut Conn, tenant: i64) -> anyhow::Result<()> {
        let generated = generate_all(SigningAlg::ALL.to_vec()).await?;
        let now = self.clock.now_ms();
        insert_keys(conn, &self.master, tenant, &generated, now, now).await
    }

    /// Adds a key of each algorithm to `tenant`, published now and signing
    /// after `publish_delay_secs`, when the tenant's older keys stop signing.
    /// Returns the new kids.
    pub async fn rotate(&self, tenant: i64, publish_delay_secs: i64) -> anyhow::Result<Vec<String>> {
        let generated = generate_all(SigningAlg::ALL.to_vec()).await?;
        let mut tx = self.store.begin().await?;
        anyhow::ensure!(keys::tenant_exists(&mut tx, tenant).await?, "tenant {tenant} does not exist");
        let now = self.clock.now_ms();
        insert_keys(&mut tx, &self.master, tenant, &generated, now, now + publish_delay_secs * 1000).await?;
        tx.commit().await?;
        self.added().await?;
        Ok(generated.into_iter().map(|(_, kid, _)| kid).collect())
    }

    /// Rereads the keys after this process added some, and tells the other
    /// replicas to reread theirs.
    pub async fn added(&self) -> anyhow::Result<()> {
        self.reload().await?;
        self.store.publish(crate::store::Change::SigningKeys).await;
        Ok(())
    }

    /// Rereads the keys for a token naming a `kid` this replica does not
    /// know, unless that was done within the interval. Callers queue on
    /// the lock, so whoever waited for another's reread finds its result.
    async fn reload_for_unknown_kid(&self) {
        let mut last = self.unknown_kid_reload.lock().await;
        if last.is_some_and(|at| at.elapsed() < UNKNOWN_KID_RELOAD_INTERVAL) {
            return;
        }
        *last = Some(Instant::now());
        let _ = self.reload().await;
    }

    /// How many times the keys were reread, for `/metrics`.
    pub fn reload_counter(&self) -> crate::metrics::Counter {
        crate::metrics::Counter {
            name: "keyward_signing_key_reloads_total",
            help: "Times the signing keys were reread from the database.",
            value: self.reloads.load(Ordering::Relaxed),
        }
    }

    fn snapshot(&self) -> Arc<Keys> {
        self.keys.read().expect("key ring lock").clone()
    }

    /// The public keys of `tenant`, for its JWKS; read first if this replica
    /// has none for it yet (the tenant was made through another replica).
    pub async fn jwks(&self, tenant: i64) -> anyhow::Result<Vec<Jwk>> {
        if !self.snapshot().contains_key(&tenant) {
            self.reload().await?;
        }
        Ok(self.snapshot().get(&tenant).map(|keys| keys.iter().map(|k| k.jwk.clone()).collect()).unwrap_or_default())
    }

    /// Signs `claims` as a compact JWS of `tenant` with `alg` and header
    /// `typ`. A tenant this replica has no key for yet (made through another
    /// replica) has its keys read first.
    pub async fn sign<C: Serialize>(
        &self,
        tenant: i64,
        alg: SigningAlg,
        typ: &str,
        claims: &C,
    ) -> anyhow::Result<String> {
        let now = self.clock.now_ms();
        let mut keys = self.snapshot();
        if active(&keys, tenant, alg, now).is_none() {
            self.reload().await?;
            keys = self.snapshot();
        }
        let key = active(&keys, tenant, alg, now)
            .with_context(|| format!("tenant {tenant} has no active {} key", alg.as_str()))?;
        key.sign(typ, claims)
    }

    /// Checks the signature of a compact JWS against `tenant`'s keys and
    /// returns its header and claims. Claims (exp, iss, aud…) are the
    /// caller's to check.
    pub async fn verify<C: DeserializeOwned>(&self, tenant: i64, token: &str) -> Result<(Header, C), VerifyError> {
        let header = jwt::header(token)?;
        let kid = header.kid.as_deref().ok_or(VerifyError::Malformed)?;
        let known = |keys: &Keys| keys.get(&tenant).is_some_and(|keys| keys.iter().any(|k| k.kid == kid));
        if !known(&self.snapshot()) {
            // Perhaps another replica added a key since we loaded ours.
            self.reload_for_unknown_kid().await;
        }
        let keys = self.snapshot();
        let key =
            keys.get(&tenant).and_then(|keys| keys.iter().find(|k| k.kid == kid)).ok_or(VerifyError::BadSignature)?;
        key.verify(&header, token)
    }
}
