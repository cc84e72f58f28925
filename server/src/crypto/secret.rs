//! Client secrets: 256 random bits, shown once, stored as SHA-256. A
//! high-entropy secret needs no slow hash, so the token endpoint stays fast.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A new secret: 32 random bytes, base64url (43 characters).
pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The hex SHA-256 digest stored for a secret.
pub fn digest(secret: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let hash = Sha256::digest(secret.as_bytes());
    hash.iter().flat_map(|b| [HEX[(b >> 4) as usize] as char, HEX[(b & 15) as usize] as char]).collect()
}

/// Whether `presented` hashes to `stored_hex`, compared in constant time.
pub fn matches(presented: &str, stored_hex: &str) -> bool {
    digest(presented).as_bytes().ct_eq(stored_hex.as_bytes()).into()
}

/// Byte-wise equality in constant time.
pub fn equal(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    #[test]
    fn secrets_are_long_random_and_match_only_themselves() {
        let (a, b) = (super::generate(), super::generate());
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        let stored = super::digest(&a);
        assert!(super::matches(&a, &stored));
        assert!(!super::matches(&b, &stored));
    }
}
