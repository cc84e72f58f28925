//! Making tokens: RFC 9068 access tokens (JWT or reference), opaque refresh
//! tokens, and OpenID Connect ID tokens.

use super::audience::Target;
use crate::claims::{
    ACCESS_TOKEN_TYP, AccessClaims, CLIENT_CREDENTIALS, ID_TOKEN_TYP, IdClaims, RESERVED_CLAIMS, USER_GRANT,
};
use crate::crypto::secret;
use crate::error::Refusal;
use crate::state::State;
use crate::store::access_tokens::AccessRecord;
use crate::store::{tenants::TenantRef, to_json};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use keyward_api::client::{AccessTokenType, Client};
use keyward_api::oauth::SigningAlg;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Whom an access token is for and what it allows.
pub struct AccessSpec<'a> {
    pub subject: String,
    pub target: &'a Target,
    /// The user's grant the token is issued under; `None` only for the
    /// client's own token, which then says so ([`AccessClaims::is_client_own`]).
    pub grant_id: Option<&'a str>,
    pub auth_time: Option<i64>,
}

/// A new access token and, if the server must remember it (a reference
/// token, or one issued under a grant that can be revoked), its record.
pub struct MintedAccess {
    pub token: String,
    pub record: Option<AccessRecord>,
}

pub async fn access_token(
    state: &State,
    tenant: &TenantRef,
    client: &Client,
    spec: AccessSpec<'_>,
) -> Result<MintedAccess, Refusal> {
    let now = state.clock.now_secs();
    let claims = AccessClaims {
        iss: tenant.issuer.clone(),
        sub: spec.subject,
        aud: spec.target.audience.clone(),
        exp: now + client.access_token_lifetime,
        iat: now,
        nbf: now,
        jti: uuid::Uuid::new_v4().simple().to_string(),
        client_id: client.client_id.clone(),
        scope: spec.target.scope.clone(),
        auth_time: spec.auth_time,
        gty: Some(if spec.grant_id.is_none() { CLIENT_CREDENTIALS } else { USER_GRANT }.to_string()),
        tenant_id: tenant.id.to_string(),
        tenant_name: tenant.name.clone(),
        extra: configured_claims(client),
    };
    let record = AccessRecord {
        jti: claims.jti.clone(),
        tenant_id: tenant.id,
        client_id: client.client_id.clone(),
        grant_id: spec.grant_id.map(str::to_string),
        expires_at: claims.exp * 1000,
        ..Default::default()
    };
    Ok(match client.access_token_type {
        AccessTokenType::Jwt => MintedAccess {
            token: state.keys.sign(tenant.id, access_alg(client, spec.target), ACCESS_TOKEN_TYP, &claims).await?,
            record: spec.grant_id.is_some().then_some(record),
        },
        AccessTokenType::Reference => {
            let token = secret::generate();
            let record =
                AccessRecord { token_hash: Some(secret::digest(&token)), claims: Some(to_json(&claims)), ..record };
            MintedAccess { token, record: Some(record) }
        }
    })
}

/// The client's configured claims, less any a reserved name (stored before
/// the name was reserved) would let it forge.
fn configured_claims(client: &Client) -> Map<String, Value> {
    let configured = client.claims.iter().filter(|c| !RESERVED_CLAIMS.contains(&c.claim_type.as_str()));
    configured.map(|c| (c.claim_type.clone(), Value::String(c.value.clone()))).collect()
}

/// The client's choice, else the algorithm the token's API resource allows,
/// else ES256 (small and fast).
fn access_alg(client: &Client, target: &Target) -> SigningAlg {
    client.access_token_signing_alg.or(target.alg).unwrap_or(SigningAlg::ES256)
}

/// What an ID token states about the sign-in.
pub struct IdSpec<'a> {
    pub user_id: i64,
    pub auth_time: i64,
    pub nonce: Option<String>,
    pub session_id: Option<String>,
    pub access_token: &'a str,
}

pub async fn id_token(state: &State, tenant: &TenantRef, client: &Client, spec: IdSpec<'_>) -> Result<String, Refusal> {
    let now = state.clock.now_secs();
    // OpenID Connect Core §3.1.3.6: left half of the SHA-256 of the token.
    let digest = Sha256::digest(spec.access_token.as_bytes());
    let claims = IdClaims {
        iss: tenant.issuer.clone(),
        sub: spec.user_id.to_string(),
        aud: client.client_id.clone(),
        azp: client.client_id.clone(),
        exp: now + client.identity_token_lifetime,
        iat: now,
        auth_time: spec.auth_time,
        nonce: spec.nonce,
        at_hash: B64.encode(&digest[..16]),
        sid: spec.session_id,
        amr: vec!["pwd".into()],
    };
    Ok(state.keys.sign(tenant.id, client.id_token_signed_response_alg, ID_TOKEN_TYP, &claims).await?)
}

/// A new refresh token and the digest it is stored under.
pub fn refresh_token() -> (String, String) {
    let token = secret::generate();
    let digest = secret::digest(&token);
    (token, digest)
}
