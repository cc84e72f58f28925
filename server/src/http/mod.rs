//! The HTTP surface: dropshot handlers implementing the contract trait. Each
//! handler only unpacks its request and calls the domain; [`calls`] holds
//! what every handler shares (tenant, authentication, permission, metrics,
//! error mapping).

mod calls;
mod handlers;

pub use handlers::KeywardImpl;
