//! Black-box tests: each starts a real server on an ephemeral port and talks
//! HTTP to it, through the generated SDK and raw requests, on SQLite and on
//! PostgreSQL.

mod admin;
mod api_catalog;
mod api_resources;
mod app_flows;
mod app_sdk;
mod app_users;
mod at_rest;
mod audiences;
mod auth;
mod authority;
mod authorization_matrix;
mod blobs;
mod browser;
mod browser_details;
mod cli;
mod client_secrets;
mod codegen;
mod codes;
mod compatibility;
mod contract;
mod cors;
mod docs;
mod grants;
mod identity;
mod input;
mod issuers;
mod limits;
mod listeners;
mod lockout;
mod lost_updates;
mod oauth;
mod operations;
mod propagation;
mod replicas;
mod request_log;
mod rp;
mod sessions;
mod tenancy;
mod tokens;
mod upgrade;

use serde_json::Value;

/// The status and JSON body of a raw response.
pub async fn json(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}
