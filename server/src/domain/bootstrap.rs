//! What the first start of an empty database creates, and the admin client
//! every start ensures when configured.

use crate::crypto::secret;
use crate::domain::oauth::grant_type::GrantType;
use crate::error::Result;
use crate::state::State;
use crate::store::secret_digests::{self, NewDigest, Owner};
use crate::store::tenants::TenantStatus;
use crate::store::{Store, clients, identity_resources, tenants};
use keyward_api::access::ADMIN_SCOPES;
use keyward_api::client::{ClientCreate, ClientCreated, ClientGrantType, ClientScope};
use keyward_api::tenant::Tenant;

/// The default tenant's id, creating it ("default") at `now` on an empty
/// database.
pub async fn default_tenant(store: &Store, now: i64) -> Result<i64> {
    let mut tx = store.begin().await?;
    let id = match tenants::default_tenant(&mut tx).await? {
        Some(tenant) => tenant.id,
        None => {
            let tenant = Tenant {
                id: 0,
                name: "default".into(),
                status: TenantStatus::Enabled.code(),
                theme: String::new(),
                identity_server_issuer_uri: None,
                hosts: Vec::new(),
                claims: Vec::new(),
                properties: Vec::new(),
                create_date: Default::default(),
                last_update_time: Default::default(),
            };
            let id = tenants::insert(&mut tx, &tenant.into(), now).await?;
            tenants::mark_default(&mut tx, id).await?;
            id
        }
    };
    // Tenants made before identity resources existed get the standard ones.
    for tenant in identity_resources::tenants_without(&mut tx).await? {
        super::identity_resources::insert_standard(&mut tx, tenant, now).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Gives every tenant's legacy client scopes (allowed before API scopes
/// existed) an API scope each, in an API resource named after the tenant's
/// issuer, so that tokens keep their audience. Runs at every start, once the
/// default tenant's issuer is known (it may name the bound address); each
/// tenant in its own transaction. A tenant without an issuer (it has no host
/// yet, so it cannot issue tokens) is adopted at a start after it gets one.
pub async fn adopt_legacy_scopes(state: &State) -> Result<()> {
    let tenant_ids = clients::tenants_with_clients(&mut *state.store.conn().await?).await?;
    for tenant in tenant_ids {
        let mut tx = state.store.begin().await?;
        let issuer = if tenant == state.default_tenant {
            Some(state.issuer().to_string())
        } else {
            tenants::get(&mut tx, tenant).await?.and_then(|t| t.issuer)
        };
        if let Some(issuer) = issuer {
            super::api_resources::adopt_legacy_scopes(&mut tx, tenant, &issuer, state.clock.now_ms()).await?;
        }
        tx.commit().await?;
    }
    state.forget_catalog();
    Ok(())
}

fn admin_client(client_id: String) -> ClientCreate {
    ClientCreate {
        client_id,
        client_name: Some("Keyward administrator".into()),
        description: Some("Created by Keyward's bootstrap; holds every admin permission.".into()),
        allowed_grant_types: vec![ClientGrantType { grant_type: GrantType::ClientCredentials.as_str().into() }],
        allowed_scopes: ADMIN_SCOPES.iter().map(|s| ClientScope { scope: s.to_string() }).collect(),
        ..ClientCreate::default()
    }
}

/// Ensures the configured admin client exists in the default tenant with
/// this secret as its only one: changing `KEYWARD_ADMIN_CLIENT_SECRET` and
/// restarting takes the old secret away (and any added since).
pub async fn ensure_admin_client(state: &State, client_id: &str, secret: &str) -> Result<()> {
    let existing = clients::by_client_id(&mut *state.store.conn().await?, state.default_tenant, client_id).await?;
    match existing {
        None => {
            let body = ClientCreate { client_secret: Some(secret.into()), ..admin_client(client_id.into()) };
            super::clients::create_bootstrap(state, body).await?;
        }
        Some((mut client, digests)) => {
            let wanted = admin_client(client_id.into());
            let now = state.clock.now_ms();
            let mut tx = state.store.begin().await?;
            let only_this = matches!(&digests[..], [d] if d.expires_at.is_none() && secret::matches(secret, &d.sha256));
            if !only_this {
                secret_digests::delete_all(&mut tx, Owner::Client(client.id)).await?;
                let description = "from KEYWARD_ADMIN_CLIENT_SECRET";
                let new = NewDigest { sha256: &secret::digest(secret), description, expires_at: None, weak: false };
                secret_digests::add(&mut tx, Owner::Client(client.id), new, now).await?;
            }
            clients::mark_bootstrap(&mut tx, state.default_tenant, client.id).await?;
            let complete = client.enabled
                && client.require_client_secret
                && wanted.allowed_grant_types.iter().all(|g| client.allowed_grant_types.contains(g))
                && wanted.allowed_scopes.iter().all(|s| client.allowed_scopes.contains(s));
            if !complete {
                client.enabled = true;
                client.require_client_secret = true;
                client.allowed_grant_types.retain(|g| !wanted.allowed_grant_types.contains(g));
                client.allowed_grant_types.extend(wanted.allowed_grant_types);
                client.allowed_scopes.retain(|s| !wanted.allowed_scopes.contains(s));
                client.allowed_scopes.extend(wanted.allowed_scopes);
                clients::save(&mut tx, state.default_tenant, &client, now).await?;
            }
            tx.commit().await?;
            state.forget_clients();
        }
    }
    Ok(())
}

/// Creates a new admin client with a generated id and secret (`keyward init`).
pub async fn new_admin_client(state: &State) -> Result<ClientCreated> {
    let client_id = format!("keyward-admin-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    super::clients::create_bootstrap(state, admin_client(client_id)).await
}
