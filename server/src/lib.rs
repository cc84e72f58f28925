//! Keyward: a multi-tenant OAuth 2.0 / OpenID Connect authorization server.
//!
//! Data flows one way: [`http`] (dropshot handlers of the `keyward-api`
//! contract) → [`domain`] (what Keyward does) → [`store`] (SQLite or
//! PostgreSQL). [`crypto`] holds passwords, secrets and tokens.

pub mod blob_store;
pub mod cache;
pub mod changes;
pub mod claims;
pub mod cli;
pub mod clock;
pub mod codegen;
pub mod config;
pub mod crypto;
pub mod delivery;
pub mod domain;
pub mod error;
pub mod hosts;
pub mod http;
pub mod logging;
pub mod maintenance;
pub mod master_key;
pub mod metrics;
pub mod outbound;
pub mod server;
pub mod state;
pub mod store;
