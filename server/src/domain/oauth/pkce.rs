//! PKCE (RFC 7636): what a code verifier and challenge look like, and
//! whether a verifier answers its challenge.

use crate::crypto::secret;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use sha2::{Digest, Sha256};

/// RFC 7636 §4.1/§4.2: 43 to 128 unreserved characters, for verifiers and challenges.
pub fn valid_value(value: &str) -> bool {
    (43..=128).contains(&value.len()) && value.chars().all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c))
}

/// RFC 7636 §4.6: the verifier must turn into the stored challenge.
pub fn matches(method: &str, challenge: &str, verifier: &str) -> bool {
    let computed = match method {
        "S256" => B64.encode(Sha256::digest(verifier.as_bytes())),
        _ => verifier.to_string(),
    };
    secret::equal(computed.as_bytes(), challenge.as_bytes())
}
