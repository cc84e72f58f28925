//! The HTTP surface: dropshot handlers implementing the contract trait. Each
//! handler only unpacks its request and calls the domain; [`calls`] holds
//! what every handler shares (tenant, authentication, permission, metrics,
//! error mapping).

mod app_users;
mod blobs;
mod browser;
mod calls;
mod catalog;
mod client_ip;
mod cors;
mod docs;
mod handlers;
mod oauth;
mod pages;
mod spring;

pub use cors::register_preflights;
pub use handlers::KeywardImpl;
