//! Scopes: which a client may request, which a user may be granted, and the
//! OpenID Connect identity scopes with the claims they release.

use crate::error::Result;
use crate::store::{Conn, users};
use keyward_api::access::{allows_scope, grants, is_permission};
use keyward_api::client::Client;
use keyward_api::error::OAuthError;

/// The identity scopes (OpenID Connect Core §5.4): name, what the consent
/// page says, and the claims they release at the UserInfo endpoint.
pub const IDENTITY_SCOPES: &[(&str, &str, &[&str])] = &[
    ("openid", "Sign you in with your account", &["sub"]),
    (
        "profile",
        "Your profile: name, user name, nickname and picture",
        &["name", "preferred_username", "nickname", "picture", "updated_at"],
    ),
    ("email", "Your email address", &["email", "email_verified"]),
    ("phone", "Your phone number", &["phone_number", "phone_number_verified"]),
];

/// What the consent page says about `scope`.
pub fn describe(scope: &str) -> String {
    match IDENTITY_SCOPES.iter().find(|(name, _, _)| *name == scope) {
        Some((_, text, _)) => text.to_string(),
        None if is_permission(scope) => format!("Administer Keyward: {scope}"),
        None => format!("Access {scope}"),
    }
}

/// Every claim some identity scope releases.
pub fn claims_supported() -> Vec<String> {
    let mut claims: Vec<String> = vec!["iss".into(), "aud".into(), "exp".into(), "iat".into(), "auth_time".into()];
    claims.extend(["nonce", "at_hash", "sid", "amr"].map(String::from));
    claims.extend(IDENTITY_SCOPES.iter().flat_map(|(_, _, c)| c.iter().map(|c| c.to_string())));
    claims.dedup();
    claims
}

/// Whether a granted scope list releases `scope`'s claims.
pub fn has(scope: &str, name: &str) -> bool {
    scope.split_whitespace().any(|s| s == name)
}

/// The scopes a request asks for, each one the client may request; all the
/// client may request when the request names none.
pub fn requested(client: &Client, scope: Option<&str>) -> Result<Vec<String>, OAuthError> {
    let allowed: Vec<&str> = client.allowed_scopes.iter().map(|s| s.scope.as_str()).collect();
    let Some(scope) = scope.filter(|s| !s.trim().is_empty()) else {
        return Ok(allowed.iter().map(|s| s.to_string()).collect());
    };
    let mut requested: Vec<String> = Vec::new();
    for item in scope.split_whitespace() {
        if !allowed.iter().any(|a| allows_scope(a, item)) {
            return Err(OAuthError::invalid_scope(format!("scope {item:?} is not allowed for this client")));
        }
        if !requested.iter().any(|r| r == item) {
            requested.push(item.to_string());
        }
    }
    Ok(requested)
}

/// Drops the admin-permission scopes the user's roles do not grant, so a
/// user's token never carries more authority than the user has.
pub async fn for_user(conn: &mut Conn, user: i64, scopes: Vec<String>) -> Result<Vec<String>> {
    if !scopes.iter().any(|s| is_permission(s)) {
        return Ok(scopes);
    }
    let held = users::permissions(conn, user).await?;
    Ok(scopes.into_iter().filter(|s| !is_permission(s) || held.iter().any(|h| grants(h, s))).collect())
}

/// `requested` narrowed to within `granted` (RFC 6749 §6), or the refusal.
pub fn narrow(granted: &str, requested: Option<&str>) -> Result<String, OAuthError> {
    let Some(requested) = requested.filter(|s| !s.trim().is_empty()) else { return Ok(granted.to_string()) };
    for item in requested.split_whitespace() {
        if !has(granted, item) {
            return Err(OAuthError::invalid_scope(format!("scope {item:?} was not part of the original grant")));
        }
    }
    Ok(requested.split_whitespace().collect::<Vec<_>>().join(" "))
}
