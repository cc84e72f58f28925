//! Passwords, client secrets, signed tokens, and the envelope encryption of
//! what the database keeps in confidence.

pub mod envelope;
pub mod jwt;
pub mod mac;
pub mod password;
pub mod secret;

/// Lower-case hexadecimal, as signatures and checksums are written.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
