//! Passwords, client secrets, signed tokens, and the envelope encryption of
//! what the database keeps in confidence.

pub mod envelope;
pub mod jwt;
pub mod mac;
pub mod password;
pub mod secret;
