//! A user's grant to a client: what refresh tokens, revocation and the
//! user's list of authorized apps rest on, made when a user signs in
//! through a client (the token endpoint, the end-user API, hosted sign-in).

use crate::store::grants::Grant;
use crate::store::tenants::TenantRef;
use keyward_api::client::Client;

/// A grant of `client` by `user_id`, given at `now`; `session` is the
/// browser session of a hosted sign-in, whose grants rest on the consent
/// given there.
pub fn new(
    tenant: &TenantRef,
    client: &Client,
    user_id: i64,
    scope: String,
    session: Option<String>,
    now: i64,
) -> Grant {
    Grant {
        id: uuid::Uuid::new_v4().simple().to_string(),
        tenant_id: tenant.id,
        client_id: client.client_id.clone(),
        user_id,
        scope,
        auth_time: now / 1000,
        expires_at: now + client.absolute_refresh_token_lifetime * 1000,
        revoked: false,
        consented: session.is_some(),
        session_id: session,
    }
}
