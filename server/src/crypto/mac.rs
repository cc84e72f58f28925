//! HMAC-SHA256 signatures for values the browser keeps (the session cookie,
//! the CSRF token). The key is shared by every replica through the database.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use ring::hmac;

#[derive(Clone)]
pub struct Mac {
    key: hmac::Key,
}

impl Mac {
    /// A MAC keyed with `secret` (base64url of at least 32 random bytes).
    pub fn new(secret: &str) -> anyhow::Result<Mac> {
        let bytes = B64.decode(secret)?;
        anyhow::ensure!(bytes.len() >= 32, "the cookie key is shorter than 256 bits");
        Ok(Mac { key: hmac::Key::new(hmac::HMAC_SHA256, &bytes) })
    }

    /// The signature of `value` for `purpose`, base64url.
    pub fn tag(&self, purpose: &str, value: &str) -> String {
        B64.encode(hmac::sign(&self.key, format!("{purpose}\n{value}").as_bytes()).as_ref())
    }

    /// `value.signature`, for a cookie.
    pub fn seal(&self, purpose: &str, value: &str) -> String {
        format!("{value}.{}", self.tag(purpose, value))
    }

    /// The value of a sealed string whose signature is valid.
    pub fn open<'a>(&self, purpose: &str, sealed: &'a str) -> Option<&'a str> {
        let (value, tag) = sealed.rsplit_once('.')?;
        let tag = B64.decode(tag).ok()?;
        hmac::verify(&self.key, format!("{purpose}\n{value}").as_bytes(), &tag).ok()?;
        Some(value)
    }

    /// Whether `tag` is `value`'s signature for `purpose` (constant time).
    pub fn verify(&self, purpose: &str, value: &str, tag: &str) -> bool {
        B64.decode(tag).is_ok_and(|tag| hmac::verify(&self.key, format!("{purpose}\n{value}").as_bytes(), &tag).is_ok())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sealed_values_open_only_unaltered() {
        let mac = super::Mac::new(&crate::crypto::secret::generate()).unwrap();
        let sealed = mac.seal("session", "abc");
        assert_eq!(mac.open("session", &sealed), Some("abc"));
        assert_eq!(mac.open("csrf", &sealed), None);
        assert_eq!(mac.open("session", &sealed.replace("abc", "abd")), None);
        assert!(mac.verify("csrf", "x", &mac.tag("csrf", "x")));
    }
}
