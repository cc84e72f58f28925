//! JSON Web Tokens (RFC 7515/7519) through the `jsonwebtoken` crate: signing
//! keys made and read, published as JWKs, and compact JWS signed and checked
//! with them. Which key of which tenant signs when is the key ring's
//! business ([`crate::state::key_ring`]).

use anyhow::anyhow;
use aws_lc_rs::encoding::AsDer;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk as JoseJwk, ThumbprintHash};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use keyward_api::oauth::{Jwk, SigningAlg};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A signing key, read once when the key ring loads it: parsing a key is
/// costly, signing with a parsed one is not.
pub struct SigningKey {
    pub kid: String,
    pub alg: SigningAlg,
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// Signature and algorithm only: the claims are the caller's to check.
    validation: Validation,
    pub jwk: Jwk,
    pub activates_at: i64,
    pub retired_at: Option<i64>,
}

impl SigningKey {
    /// The key whose private half is `pkcs8` (DER), signing from
    /// `activates_at` until `retired_at`.
    pub fn read(
        kid: &str,
        alg: SigningAlg,
        pkcs8: &[u8],
        activates_at: i64,
        retired_at: Option<i64>,
    ) -> anyhow::Result<SigningKey> {
        let encoding = encoding_key(alg, pkcs8).map_err(|e| e.context(format!("signing key {kid} is unreadable")))?;
        let jose_jwk = JoseJwk::from_encoding_key(&encoding, jose(alg))?;
        let decoding = DecodingKey::from_jwk(&jose_jwk)?;
        let mut validation = Validation::new(jose(alg));
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.validate_aud = false;
        validation.required_spec_claims.clear();
        Ok(SigningKey {
            kid: kid.to_string(),
            jwk: public_jwk(&jose_jwk, kid, alg)?,
            alg,
            encoding,
            decoding,
            validation,
            activates_at,
            retired_at,
        })
    }

    pub fn signs_at(&self, now: i64) -> bool {
        self.activates_at <= now && self.retired_at.is_none_or(|at| at > now)
    }

    /// `claims` as a compact JWS with header `typ`.
    pub fn sign<C: Serialize>(&self, typ: &str, claims: &C) -> anyhow::Result<String> {
        let mut header = Header::new(jose(self.alg));
        header.typ = Some(typ.into());
        header.kid = Some(self.kid.clone());
        Ok(jsonwebtoken::encode(&header, claims, &self.encoding)?)
    }

    /// The header and claims of `token`, whose `header` named this key, if
    /// this key signed it. Claims (exp, iss, aud…) are the caller's to check.
    pub fn verify<C: DeserializeOwned>(&self, header: &Header, token: &str) -> Result<(Header, C), VerifyError> {
        if header.alg != jose(self.alg) {
            return Err(VerifyError::BadSignature);
        }
        let data = jsonwebtoken::decode::<C>(token, &self.decoding, &self.validation).map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidSignature => VerifyError::BadSignature,
            _ => VerifyError::Malformed,
        })?;
        Ok((data.header, data.claims))
    }
}

/// The longest compact JWS [`header`] parses. Every token Keyward
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

/// The header of a compact JWS no longer than [`MAX_JWT_BYTES`], naming its key.
pub fn header(token: &str) -> Result<Header, VerifyError> {
    if token.len() > MAX_JWT_BYTES {
        return Err(VerifyError::TooLong);
    }
    let header = jsonwebtoken::decode_header(token).map_err(|_| VerifyError::Malformed)?;
    if header.kid.is_none() {
        return Err(VerifyError::Malformed);
    }
    Ok(header)
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

/// A new private key (PKCS#8 DER) and its `kid`, the RFC 7638 thumbprint of
/// its public key. RSA keys are 2048 bits.
pub fn generate(alg: SigningAlg) -> anyhow::Result<(String, Vec<u8>)> {
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
