//! Whom an access token is for (RFC 9068 §3, RFC 8707). An access token's
//! `aud` names the API resources whose scopes it carries; Keyward's own
//! admin permissions (`isms.*`, `oauthapp.*`) form a built-in API resource
//! named after the tenant's issuer, which is also the audience of a token
//! that carries no API scope at all (it is good for UserInfo only).

use crate::claims::Audience;
use crate::state::catalog::{Catalog, Resource};
use crate::store::tenants::TenantRef;
use keyward_api::access::is_permission;
use keyward_api::error::OAuthError;
use keyward_api::oauth::SigningAlg;

/// The scope and audience of one access token, and the algorithm its
/// resource asks for.
#[derive(Debug, Clone)]
pub struct Target {
    pub scope: String,
    pub audience: Audience,
    pub alg: Option<SigningAlg>,
}

/// Whether `scope` belongs to the resource named `name` of `tenant`, the
/// built-in one included.
fn belongs(tenant: &TenantRef, resources: &[Resource], name: &str, scope: &str) -> bool {
    (name == tenant.issuer && is_permission(scope)) || resources.iter().any(|r| r.name == name && r.contains(scope))
}

/// The target of a token granting `scope` (space-separated), narrowed to
/// the API resource named `resource` when one is asked for. Withheld API
/// scopes are left out (RFC 6749 §3.3 lets the server grant less; the
/// response's `scope` says what was granted).
pub fn target(
    catalog: &Catalog,
    tenant: &TenantRef,
    scope: &str,
    resource: Option<&str>,
) -> Result<Target, OAuthError> {
    let granted: Vec<&str> = scope.split_whitespace().filter(|s| !catalog.withheld.iter().any(|w| w == s)).collect();
    resolve(tenant, &catalog.resources, &granted.join(" "), resource)
}

/// RFC 8707 at the authorization endpoint: the requested scopes keep the
/// identity scopes and only the API scopes of the resource named `resource`.
pub fn narrow_request(
    tenant: &TenantRef,
    resources: &[Resource],
    scopes: &[String],
    resource: &str,
) -> Result<Vec<String>, OAuthError> {
    let target = resolve(tenant, resources, &scopes.join(" "), Some(resource))?;
    let is_api_scope = |s: &str| is_permission(s) || resources.iter().any(|r| r.contains(s));
    Ok(scopes.iter().filter(|s| !is_api_scope(s) || super::scopes::has(&target.scope, s)).cloned().collect())
}

fn resolve(
    tenant: &TenantRef,
    resources: &[Resource],
    scope: &str,
    resource: Option<&str>,
) -> Result<Target, OAuthError> {
    let scopes: Vec<&str> = scope.split_whitespace().collect();
    if let Some(name) = resource.filter(|r| !r.is_empty()) {
        let known = name == tenant.issuer || resources.iter().any(|r| r.name == name);
        if !known {
            return Err(OAuthError::invalid_target(format!("resource {name:?} is not an API resource of this issuer")));
        }
        let narrowed: Vec<&str> = scopes.iter().copied().filter(|s| belongs(tenant, resources, name, s)).collect();
        if narrowed.is_empty() {
            return Err(OAuthError::invalid_target(format!(
                "none of the scopes this request may have belongs to resource {name:?}"
            )));
        }
        let alg = resources.iter().find(|r| r.name == name).and_then(|r| r.alg);
        return Ok(Target { scope: narrowed.join(" "), audience: Audience(vec![name.to_string()]), alg });
    }
    let matched: Vec<&Resource> = resources.iter().filter(|r| scopes.iter().any(|s| r.contains(s))).collect();
    let mut audience: Vec<String> = Vec::new();
    if matched.is_empty() || scopes.iter().any(|s| is_permission(s)) {
        audience.push(tenant.issuer.clone());
    }
    for resource in &matched {
        if !audience.contains(&resource.name) {
            audience.push(resource.name.clone());
        }
    }
    let alg = match matched.as_slice() {
        [one] => one.alg,
        _ => None,
    };
    Ok(Target { scope: scope.to_string(), audience: Audience(audience), alg })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tenants::TenantStatus;

    fn tenant() -> TenantRef {
        TenantRef { id: 1, name: "t".into(), status: TenantStatus::Enabled.code(), issuer: "https://id.example".into() }
    }

    fn resources() -> Vec<Resource> {
        vec![
            Resource { name: "billing".into(), scopes: vec!["bill.read".into(), "bill.write".into()], alg: None },
            Resource { name: "https://orders".into(), scopes: vec!["orders".into()], alg: Some(SigningAlg::RS256) },
        ]
    }

    #[test]
    fn audience_names_every_resource_granted() {
        let target = resolve(&tenant(), &resources(), "openid bill.read orders", None).unwrap();
        assert_eq!(target.audience.0, ["billing", "https://orders"]);
        assert_eq!(target.alg, None);
        let target = resolve(&tenant(), &resources(), "orders", None).unwrap();
        assert_eq!(target.audience.0, ["https://orders"]);
        assert_eq!(target.alg, Some(SigningAlg::RS256));
    }

    #[test]
    fn permissions_and_identity_scopes_are_for_the_issuer() {
        let target = resolve(&tenant(), &resources(), "openid profile", None).unwrap();
        assert_eq!(target.audience.0, ["https://id.example"]);
        let target = resolve(&tenant(), &resources(), "isms.client.get bill.read", None).unwrap();
        assert_eq!(target.audience.0, ["https://id.example", "billing"]);
    }

    #[test]
    fn resource_narrows_scope_and_audience() {
        let target = resolve(&tenant(), &resources(), "openid bill.read orders", Some("billing")).unwrap();
        assert_eq!(target.scope, "bill.read");
        assert_eq!(target.audience.0, ["billing"]);
        let target = resolve(&tenant(), &resources(), "isms.all bill.read", Some("https://id.example")).unwrap();
        assert_eq!(target.scope, "isms.all");
    }

    #[test]
    fn unknown_or_foreign_resource_is_invalid_target() {
        let unknown = resolve(&tenant(), &resources(), "bill.read", Some("nope")).unwrap_err();
        assert_eq!(unknown.error.as_str(), "invalid_target");
        let empty = resolve(&tenant(), &resources(), "bill.read", Some("https://orders")).unwrap_err();
        assert_eq!(empty.error.as_str(), "invalid_target");
    }
}
