//! ES256 JSON Web Tokens (RFC 7515/7519) with ring, and the key ring that
//! signs and verifies them. Keys live in the database; the ring caches them,
//! reloads periodically and when it meets an unknown `kid` (another replica
//! or `keyward keys rotate` added one).
//!
//! Rotation publishes the new key first and lets it sign only from its
//! activation time, so relying parties have fetched it by then; the old key
//! stops signing at that moment and stays published until every token it
//! signed has expired.

use crate::store::{Store, keys, now_ms};
use anyhow::{Context, anyhow};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use keyward_api::oauth::Jwk;
use ring::rand::SystemRandom;
use ring::signature::{
    ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair, UnparsedPublicKey,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::sync::{Arc, RwLock};

const ALG: &str = "ES256";
/// Leeway for relying parties' clocks when a retired key leaves the JWKS.
const CLOCK_SKEW_SECS: i64 = 300;

struct SigningKey {
    kid: String,
    pair: EcdsaKeyPair,
    jwk: Jwk,
    activates_at: i64,
    retired_at: Option<i64>,
}

impl SigningKey {
    fn signs_at(&self, now: i64) -> bool {
        self.activates_at <= now && self.retired_at.is_none_or(|at| at > now)
    }
}

#[derive(Clone)]
pub struct KeyRing {
    store: Store,
    rng: SystemRandom,
    keys: Arc<RwLock<Arc<Vec<SigningKey>>>>,
}

/// Why a token was not accepted; deliberately coarse.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("the token is malformed")]
    Malformed,
    #[error("the token's signature is invalid")]
    BadSignature,
}

fn load(rng: &SystemRandom, stored: &keys::StoredKey) -> anyhow::Result<SigningKey> {
    anyhow::ensure!(stored.alg == ALG, "signing key {} has unsupported alg {}", stored.kid, stored.alg);
    let der = B64.decode(&stored.private_pkcs8).context("signing key is not base64")?;
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &der, rng)
        .map_err(|e| anyhow!("signing key {} is unreadable: {e}", stored.kid))?;
    let jwk = public_jwk(&pair, &stored.kid);
    Ok(SigningKey {
        kid: stored.kid.clone(),
        pair,
        jwk,
        activates_at: stored.activates_at,
        retired_at: stored.retired_at,
    })
}

fn public_jwk(pair: &EcdsaKeyPair, kid: &str) -> Jwk {
    // An uncompressed SEC1 point: 0x04 || x (32 bytes) || y (32 bytes).
    let point = pair.public_key().as_ref();
    Jwk {
        kty: "EC".into(),
        crv: "P-256".into(),
        x: B64.encode(&point[1..33]),
        y: B64.encode(&point[33..65]),
        kid: kid.into(),
        alg: ALG.into(),
        key_use: "sig".into(),
    }
}

/// The RFC 7638 thumbprint of a P-256 public key, used as its `kid`.
fn thumbprint(pair: &EcdsaKeyPair) -> String {
    let jwk = public_jwk(pair, "");
    let canonical = format!(r#"{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}"#, jwk.x, jwk.y);
    B64.encode(Sha256::digest(canonical.as_bytes()))
}

impl KeyRing {
    /// Loads the published keys, creating one that signs at once when none does.
    pub async fn open(store: Store) -> anyhow::Result<KeyRing> {
        let ring = KeyRing { store, rng: SystemRandom::new(), keys: Default::default() };
        ring.reload().await?;
        if !ring.snapshot().iter().any(|k| k.signs_at(now_ms())) {
            ring.rotate(0).await?;
        }
        Ok(ring)
    }

    /// Rereads the published keys from the database.
    pub async fn reload(&self) -> anyhow::Result<()> {
        let stored = keys::published(&mut *self.store.conn().await?).await?;
        let loaded = stored.iter().map(|k| load(&self.rng, k)).collect::<anyhow::Result<Vec<_>>>()?;
        *self.keys.write().expect("key ring lock") = Arc::new(loaded);
        Ok(())
    }

    /// Adds a P-256 key that is published now and signs after
    /// `publish_delay_secs`, when every older key stops signing. Older keys
    /// stay published until the longest-lived token they may sign expires.
    /// Returns the new kid.
    pub async fn rotate(&self, publish_delay_secs: i64) -> anyhow::Result<String> {
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &self.rng)
            .map_err(|_| anyhow!("key generation failed"))?;
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &self.rng)
            .map_err(|_| anyhow!("generated key is unreadable"))?;
        let kid = thumbprint(&pair);
        let activates_at = now_ms() + publish_delay_secs * 1000;
        let mut tx = self.store.begin().await?;
        let lifetime_ms = (keys::longest_token_lifetime(&mut tx).await? + CLOCK_SKEW_SECS) * 1000;
        keys::insert(&mut tx, &kid, ALG, &B64.encode(pkcs8.as_ref()), activates_at).await?;
        keys::retire_others(&mut tx, &kid, activates_at, activates_at + lifetime_ms).await?;
        tx.commit().await?;
        self.reload().await?;
        Ok(kid)
    }

    fn snapshot(&self) -> Arc<Vec<SigningKey>> {
        self.keys.read().expect("key ring lock").clone()
    }

    /// The public keys, for the JWKS.
    pub fn jwks(&self) -> Vec<Jwk> {
        self.snapshot().iter().map(|k| k.jwk.clone()).collect()
    }

    /// Signs `claims` as a compact JWS with header `typ`.
    pub fn sign<C: Serialize>(&self, typ: &str, claims: &C) -> anyhow::Result<String> {
        let keys = self.snapshot();
        let now = now_ms();
        let key = keys.iter().find(|k| k.signs_at(now)).context("no signing key is active")?;
        let header = serde_json::json!({ "alg": ALG, "typ": typ, "kid": key.kid });
        let signing_input =
            format!("{}.{}", B64.encode(serde_json::to_vec(&header)?), B64.encode(serde_json::to_vec(claims)?));
        let signature = key.pair.sign(&self.rng, signing_input.as_bytes()).map_err(|_| anyhow!("signing failed"))?;
        Ok(format!("{signing_input}.{}", B64.encode(signature.as_ref())))
    }

    /// Checks the signature of a compact JWS and returns its header and
    /// claims. Claims (exp, iss, aud…) are the caller's to check.
    pub async fn verify<C: DeserializeOwned>(&self, token: &str) -> Result<(Value, C), VerifyError> {
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(VerifyError::Malformed);
        };
        let header: Value =
            B64.decode(header).ok().and_then(|h| serde_json::from_slice(&h).ok()).ok_or(VerifyError::Malformed)?;
        if header["alg"] != ALG {
            return Err(VerifyError::Malformed);
        }
        let kid = header["kid"].as_str().ok_or(VerifyError::Malformed)?.to_string();
        if !self.snapshot().iter().any(|k| k.kid == kid) {
            // Perhaps another replica added a key since we loaded ours.
            let _ = self.reload().await;
        }
        let keys = self.snapshot();
        let key = keys.iter().find(|k| k.kid == kid).ok_or(VerifyError::BadSignature)?;
        let signature = B64.decode(signature).map_err(|_| VerifyError::Malformed)?;
        let signing_input = &token[..header_len(token)];
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, key.pair.public_key().as_ref())
            .verify(signing_input.as_bytes(), &signature)
            .map_err(|_| VerifyError::BadSignature)?;
        let claims =
            B64.decode(payload).ok().and_then(|c| serde_json::from_slice(&c).ok()).ok_or(VerifyError::Malformed)?;
        Ok((header, claims))
    }
}

/// Length of `header.payload`, the signed part of a compact JWS.
fn header_len(token: &str) -> usize {
    token.rfind('.').unwrap_or(0)
}
