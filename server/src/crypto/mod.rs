//! Passwords, client secrets and signed tokens.

pub mod jwt;
pub mod mac;
pub mod password;
pub mod secret;
