//! Scopes: which a client may request, which a user may be granted, and the
//! OpenID Connect identity scopes with the claims they release.

use crate::error::Result;
use crate::store::named_scopes::ScopeRow;
use crate::store::{Conn, users};
use keyward_api::access::{allows_scope, grants, is_permission};
use keyward_api::client::Client;
use keyward_api::error::OAuthError;

/// What the consent page says about `scope`: an identity resource's
/// description, an API scope's display name, or a plain wording.
pub fn describe(identity: &[ScopeRow], api: &[ScopeRow], scope: &str) -> String {
    if let Some(resource) = identity.iter().find(|r| r.name == scope) {
        return if resource.description.is_empty() {
            resource.display_name.clone()
        } else {
            resource.description.clone()
        };
    }
    match api.iter().find(|s| s.name == scope) {
        Some(api_scope) if !api_scope.display_name.is_empty() => api_scope.display_name.clone(),
        _ if is_permission(scope) => format!("Administer Keyward: {scope}"),
        _ => format!("Access {scope}"),
    }
}

/// The claims an ID token carries and every claim the identity resources release.
pub fn claims_supported(identity: &[ScopeRow]) -> Vec<String> {
    let mut claims: Vec<String> =
        ["iss", "aud", "azp", "exp", "iat", "auth_time", "nonce", "at_hash", "sid", "amr"].map(String::from).to_vec();
    for claim in identity.iter().flat_map(|r| &r.user_claims) {
        if !claims.contains(claim) {
            claims.push(claim.clone());
        }
    }
    claims
}

/// Whether a granted scope list releases `scope`'s claims.
pub fn has(scope: &str, name: &str) -> bool {
    scope.split_whitespace().any(|s| s == name)
}

/// Whether `client`'s `allowedScopes` let it request `scope`.
pub fn may_request(client: &Client, scope: &str) -> bool {
    client.allowed_scopes.iter().any(|a| allows_scope(&a.scope, scope))
}

/// The scopes a request asks for, each one the client may request; all the
/// client may request when the request names none.
pub fn requested(client: &Client, scope: Option<&str>) -> Result<Vec<String>, OAuthError> {
    let Some(scope) = scope.filter(|s| !s.trim().is_empty()) else {
        return Ok(client.allowed_scopes.iter().map(|s| s.scope.clone()).collect());
    };
    let mut requested: Vec<String> = Vec::new();
    for item in scope.split_whitespace() {
        if !may_request(client, item) {
            return Err(OAuthError::invalid_scope(format!("scope {item:?} is not allowed for this client")));
        }
        if !requested.iter().any(|r| r == item) {
            requested.push(item.to_string());
        }
    }
    Ok(requested)
}

/// As [`requested`], for a grant that never carries admin authority (named
/// by `grant`): admin permissions asked for are refused, and those the
/// client is merely allowed are left out.
pub fn without_permissions(client: &Client, scope: Option<&str>, grant: &str) -> Result<Vec<String>, OAuthError> {
    if let Some(permission) = scope.into_iter().flat_map(str::split_whitespace).find(|s| is_permission(s)) {
        return Err(OAuthError::invalid_scope(format!(
            "{grant} never grants admin permissions such as {permission:?}"
        )));
    }
    Ok(requested(client, scope)?.into_iter().filter(|s| !is_permission(s)).collect())
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
