//! JSON Web Tokens (RFC 7515/7519) through the `jsonwebtoken` crate, and the
//! key ring that signs and verifies them. Every tenant is its own issuer
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
//! are stored sealed under the master key ([`super::envelope`]).

use super::envelope::{self, MasterKey};
use crate::clock::Clock;
use crate::store::{Conn, Store, keys};
use anyhow::{Context, anyhow};
use aws_lc_rs::encoding::AsDer;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD as B64};
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk as JoseJwk, ThumbprintHash};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
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

struct SigningKey {
    kid: String,
    alg: SigningAlg,
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// Signature and algorithm only: the claims are the caller's to check.
    validation: Validation,
    jwk: Jwk,
    activates_at: i64,
    retired_at: Option<i64>,
}

impl SigningKey {
    fn signs_at(&self, now: i64) -> bool {
        self.activates_at <= now && self.retired_at.is_none_or(|at| at > now)
    }
}

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

/// The longest compact JWS [`KeyRing::verify`] parses. Every token Keyward
/// issues must also fit an 8 KiB introspection or revocation form, so a
/// longer one is not Keyward's; refusing it first bounds what a forged token
/// costs.
pub const MAX_JWT_BYTES: usize = 8 * 1024;

/// Why a token was not accepted; deliberately coarse.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("the token is longer than {MAX_JWT_BYTES} bytes")]
    TooLong,
    #[error("the token is malformed")]
    Malformed,
    #[error("the token's signature is invalid")]
    BadSignature,
}

fn jose(alg: SigningAlg) -> Algorithm {
    match alg {
        SigningAlg::RS256 => Algorithm::RS256,
        SigningAlg::ES256 => Algorithm::ES256,
    }
}

/// The encoding key of a stored PKCS#8 private key.
fn encoding_key(alg: SigningAlg, pkcs8: &[u8]) -> anyhow::Result<EncodingKey> {
    Ok(match alg {
        SigningAlg::ES256 => EncodingKey::from_ec_der(pkcs8),
        // jsonwebtoken takes RSA keys as PKCS#1 DER or PEM; its PEM reader
        // unwraps PKCS#8, which is how keys are stored.
        SigningAlg::RS256 => {
            let pem = format!("-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n", STANDARD.encode(pkcs8));
            EncodingKey::from_rsa_pem(pem.as_bytes())?
        }
    })
}

/// The public JWK of a key, as published.
fn public_jwk(jose_jwk: &JoseJwk, kid: &str, alg: SigningAlg) -> anyhow::Result<Jwk> {
    let mut jwk = Jwk {
        kty: String::new(),
        kid: kid.into(),
        alg: alg.as_str().into(),
        key_use: "sig".into(),
        n: None,
        e: None,
        crv: None,
        x: None,
        y: None,
    };
    match &jose_jwk.algorithm {
        AlgorithmParameters::RSA(rsa) => {
            jwk.kty = "RSA".into();
            jwk.n = Some(rsa.n.clone());
            jwk.e = Some(rsa.e.clone());
        }
        AlgorithmParameters::EllipticCurve(ec) => {
            jwk.kty = "EC".into();
            jwk.crv = Some("P-256".into());
            jwk.x = Some(ec.x.clone());
            jwk.y = Some(ec.y.clone());
        }
        _ => anyhow::bail!("signing key {kid} is neither RSA nor EC"),
    }
    Ok(jwk)
}

fn load(master: &MasterKey, stored: &keys::StoredKey) -> anyhow::Result<SigningKey> {
    let alg = SigningAlg::parse(&stored.alg)
        .with_context(|| format!("signing key {} has unsupported alg {}", stored.kid, stored.alg))?;
    let pkcs8 = master.open_text(&envelope::signing_key(&stored.kid), &stored.private_pkcs8)?;
    let pkcs8 = B64.decode(pkcs8).context("signing key is not base64")?;
    let encoding = encoding_key(alg, &pkcs8).with_context(|| format!("signing key {} is unreadable", stored.kid))?;
    let jose_jwk = JoseJwk::from_encoding_key(&encoding, jose(alg))?;
    let decoding = DecodingKey::from_jwk(&jose_jwk)?;
    let mut validation = Validation::new(jose(alg));
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    Ok(SigningKey {
        kid: stored.kid.clone(),
        jwk: public_jwk(&jose_jwk, &stored.kid, alg)?,
        alg,
        encoding,
        decoding,
        validation,
        activates_at: stored.activates_at,
        retired_at: stored.retired_at,
    })
}

/// A new private key (PKCS#8 DER) and its `kid`, the RFC 7638 thumbprint of
/// its public key. RSA keys are 2048 bits.
fn generate(alg: SigningAlg) -> anyhow::Result<(String, Vec<u8>)> {
    let pkcs8 = match alg {
        SigningAlg::ES256 => {
            use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
            let rng = aws_lc_rs::rand::SystemRandom::new();
            EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
                .map_err(|_| anyhow!("EC key generation failed"))?
                .as_ref()
                .to_vec()
        }
        SigningAlg::RS256 => {
            use aws_lc_rs::rsa::{KeyPair, KeySize};
            let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|_| anyhow!("RSA key generation failed"))?;
            pair.as_der().map_err(|_| anyhow!("RSA key encoding failed"))?.as_ref().to_vec()
        }
    };
    let encoding = encoding_key(alg, &pkcs8)?;
    let kid = JoseJwk::from_encoding_key(&encoding, jose(alg))?.thumbprint(ThumbprintHash::SHA256)?;
    Ok((kid, pkcs8))
}

/// New keys generated off the async runtime (RSA takes tens of milliseconds).
async fn generate_all(algs: Vec<SigningAlg>) -> anyhow::Result<Vec<(SigningAlg, String, Vec<u8>)>> {
    tokio::task::spawn_blocking(move || {
        algs.into_iter().map(|alg| generate(alg).map(|(kid, pkcs8)| (alg, kid, pkcs8))).collect()
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
        self.store.publish(crate::changes::Change::SigningKeys).await;
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
        let mut header = Header::new(jose(alg));
        header.typ = Some(typ.into());
        header.kid = Some(key.kid.clone());
        Ok(jsonwebtoken::encode(&header, claims, &key.encoding)?)
    }

    /// Checks the signature of a compact JWS against `tenant`'s keys and
    /// returns its header and claims. Claims (exp, iss, aud…) are the
    /// caller's to check.
    pub async fn verify<C: DeserializeOwned>(&self, tenant: i64, token: &str) -> Result<(Header, C), VerifyError> {
        if token.len() > MAX_JWT_BYTES {
            return Err(VerifyError::TooLong);
        }
        let header = jsonwebtoken::decode_header(token).map_err(|_| VerifyError::Malformed)?;
        let kid = header.kid.as_deref().ok_or(VerifyError::Malformed)?;
        let known = |keys: &Keys| keys.get(&tenant).is_some_and(|keys| keys.iter().any(|k| k.kid == kid));
        if !known(&self.snapshot()) {
            // Perhaps another replica added a key since we loaded ours.
            self.reload_for_unknown_kid().await;
        }
        let keys = self.snapshot();
        let key =
            keys.get(&tenant).and_then(|keys| keys.iter().find(|k| k.kid == kid)).ok_or(VerifyError::BadSignature)?;
        if header.alg != jose(key.alg) {
            return Err(VerifyError::BadSignature);
        }
        let data = jsonwebtoken::decode::<C>(token, &key.decoding, &key.validation).map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidSignature => VerifyError::BadSignature,
            _ => VerifyError::Malformed,
        })?;
        Ok((data.header, data.claims))
    }
}
