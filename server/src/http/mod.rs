//! The HTTP surface: dropshot handlers implementing the contract trait. Each
//! handler only unpacks its request and calls the domain; [`calls`] holds
//! what every handler shares (tenant, authentication, permission, metrics,
//! error mapping).

mod app_users;
mod browser;
mod calls;
mod catalog;
mod client_ip;
mod handlers;
mod oauth;
mod pages;
mod spring;

pub use handlers::KeywardImpl;
