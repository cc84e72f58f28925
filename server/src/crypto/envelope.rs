//! Envelope encryption of what the database holds in confidence — private
//! signing keys, the cookie/MAC key, WeChat secrets — under a master key
//! kept outside the database, so a copied database or backup reveals none
//! of them.
//!
//! A sealed value is `kw1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>`:
//! AES-256-GCM with a random 96-bit nonce and, as associated data, what the
//! value is for (`signing key <kid>`, …), so a sealed value copied
//! into another row does not open there. The key id (8 hex digits of the
//! master key's SHA-256) tells a wrong master key from a damaged value.
//! Values without the prefix are plaintext rows of an earlier release.

use anyhow::{Context, anyhow, bail};
use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD as B64};
use sha2::{Digest, Sha256};

const PREFIX: &str = "kw1:";

/// The key every stored secret is encrypted under.
pub struct MasterKey {
    key: LessSafeKey,
    id: String,
}

/// What a private signing key is sealed for.
pub fn signing_key(kid: &str) -> String {
    format!("signing key {kid}")
}

/// What a secret of the server (the cookie key) is sealed for.
pub fn server_secret(name: &str) -> String {
    format!("server secret {name}")
}

/// What the WeChat secret in the settings of client row `id` is sealed for.
pub fn wechat_secret(client_row: &str) -> String {
    format!("WeChat secret of client {client_row}")
}

/// What the code generation token of options `key` (`<API id>:<kind>`) is
/// sealed for.
pub fn codegen_token(key: &str) -> String {
    format!("code generation token {key}")
}

/// Whether `stored` is a sealed value (rather than plaintext of an earlier release).
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(PREFIX)
}

impl MasterKey {
    /// A master key from its text form: 32 bytes, base64 (standard or url-safe).
    pub fn from_base64(text: &str) -> anyhow::Result<MasterKey> {
        let text = text.trim();
        let bytes = STANDARD
            .decode(text)
            .or_else(|_| B64.decode(text.trim_end_matches('=')))
            .map_err(|_| anyhow!("the master key is not base64"))?;
        anyhow::ensure!(bytes.len() == 32, "the master key must be 32 bytes (got {})", bytes.len());
        let id = super::hex(&Sha256::digest(&bytes)[..4]);
        let key = UnboundKey::new(&AES_256_GCM, &bytes).map_err(|_| anyhow!("the master key is unusable"))?;
        Ok(MasterKey { key: LessSafeKey::new(key), id })
    }

    /// A new random master key in its text form (standard base64).
    pub fn generate() -> String {
        let mut bytes = [0u8; 32];
        rand::fill(&mut bytes);
        STANDARD.encode(bytes)
    }

    /// A short fingerprint naming this key in messages; it reveals nothing of the key.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// `plaintext` encrypted for the row `purpose` names.
    pub fn seal(&self, purpose: &str, plaintext: &[u8]) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::fill(&mut nonce);
        let mut sealed = plaintext.to_vec();
        self.key
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(purpose.as_bytes()), &mut sealed)
            .expect("AES-GCM seals any value of this size");
        let mut body = nonce.to_vec();
        body.extend(sealed);
        format!("{PREFIX}{}:{}", self.id, B64.encode(body))
    }

    /// The plaintext of a sealed value of `purpose`. A value sealed under
    /// another master key, altered, or moved from another row is an error
    /// that says which.
    pub fn open(&self, purpose: &str, stored: &str) -> anyhow::Result<Vec<u8>> {
        let Some(rest) = stored.strip_prefix(PREFIX) else { bail!("{purpose} is not encrypted") };
        let (id, body) = rest.split_once(':').with_context(|| format!("{purpose} is malformed"))?;
        if id != self.id {
            bail!(
                "{purpose} is encrypted under master key {id}, but the configured master key is {}: \
                 start with the master key this database was encrypted under",
                self.id
            );
        }
        let mut body = B64.decode(body).with_context(|| format!("{purpose} is malformed"))?;
        anyhow::ensure!(body.len() >= NONCE_LEN, "{purpose} is malformed");
        let mut sealed = body.split_off(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(&body).map_err(|_| anyhow!("{purpose} is malformed"))?;
        let plaintext = self
            .key
            .open_in_place(nonce, Aad::from(purpose.as_bytes()), &mut sealed)
            .map_err(|_| anyhow!("{purpose} does not decrypt under master key {}: it was altered", self.id))?;
        Ok(plaintext.to_vec())
    }

    /// [`MasterKey::open`] for text.
    pub fn open_text(&self, purpose: &str, stored: &str) -> anyhow::Result<String> {
        String::from_utf8(self.open(purpose, stored)?).with_context(|| format!("{purpose} is not text"))
    }
}

#[cfg(test)]
mod tests {
    use super::MasterKey;

    #[test]
    fn sealed_values_open_only_with_their_key_and_purpose() {
        let key = MasterKey::from_base64(&MasterKey::generate()).unwrap();
        let other = MasterKey::from_base64(&MasterKey::generate()).unwrap();
        let sealed = key.seal("a", b"secret");
        assert!(super::is_sealed(&sealed) && !sealed.contains("secret"));
        assert_eq!(key.open("a", &sealed).unwrap(), b"secret");
        assert!(key.open("b", &sealed).unwrap_err().to_string().contains("altered"));
        assert!(other.open("a", &sealed).unwrap_err().to_string().contains("master key"));
        assert!(key.open("a", "secret").is_err());
        assert!(MasterKey::from_base64("c2hvcnQ=").is_err());
    }
}
