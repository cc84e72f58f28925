//! The server's shared state, and how a request finds its tenant.

use crate::cache::TtlCache;
use crate::claims::AccessClaims;
use crate::clock::Clock;
use crate::config::Settings;
use crate::crypto::password::{self, Passwords};
use crate::crypto::{envelope::MasterKey, mac::Mac};
use crate::delivery::Delivery;
use crate::error::{Error, Result};
use crate::metrics::Metrics;
use crate::outbound::Outbound;
use crate::store::clients;
use crate::store::secret_digests::SecretDigest;
use crate::store::{Change, Conn, Store, api_resources, tenants, tenants::TenantRef};
use keyward_api::access::{Access, access};
use keyward_api::client::Client;
use std::collections::HashSet;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

pub mod catalog;
pub mod deny_list;
pub mod key_ring;

use catalog::{Catalog, Resource};
use deny_list::DenyList;
pub use key_ring::KeyRing;

/// How long a host → tenant or client lookup is remembered. On PostgreSQL
/// changes made through another replica are announced at once
/// ([`crate::changes`]); this bounds what a lost announcement leaves stale.
const CACHE_TTL: Duration = Duration::from_secs(5);
/// How long a checked signature is remembered.
const VERIFIED_TOKEN_TTL: Duration = Duration::from_secs(60);

pub struct State {
    pub settings: Settings,
    /// The time of day; tests move it.
    pub clock: Clock,
    pub store: Store,
    pub keys: KeyRing,
    /// Seals what the database keeps in confidence.
    pub master: Arc<MasterKey>,
    /// Signs the session cookie and CSRF tokens.
    pub mac: Mac,
    pub passwords: Passwords,
    /// Revoked JWT access tokens.
    pub deny_list: DenyList,
    /// Claims of JWT access tokens whose signature was checked, by tenant
    /// and the token's SHA-256: a resource server introspecting the same token on
    /// every call costs one signature check. Expiry and the deny-list are
    /// still checked on every use.
    pub verified_tokens: TtlCache<(i64, String), AccessClaims>,
    pub metrics: Metrics,
    /// Sends verification codes.
    pub delivery: Delivery,
    /// Outbound HTTP (SMS providers, WeChat, `swaggerUrl`), SSRF-guarded.
    pub http: Outbound,
    /// Uploaded files; `None` when no store is configured.
    pub blobs: Option<crate::blob_store::Blobs>,
    /// Runs SDK generators.
    pub codegen: crate::codegen::Codegen,
    /// The first tenant, which cannot be deleted and whose admins see all tenants.
    pub default_tenant: i64,
    tenant_cache: TtlCache<String, TenantRef>,
    /// Clients with their secret digests, by (tenant, client id): the token
    /// endpoint's hot path.
    client_cache: TtlCache<(i64, String), (Client, Vec<SecretDigest>)>,
    /// Clients and addresses that failed client authentication here within
    /// the throttling window: only their attempts are counted beforehand.
    pub client_auth_failures: TtlCache<String, ()>,
    /// Apps of the end-user API — the client and its settings JSON — by
    /// (tenant, numeric id): every end-user request names one.
    app_cache: TtlCache<(i64, i64), (Client, String)>,
    /// The origins of the enabled clients of a tenant, lower-cased: the
    /// CORS check of the tenant-wide browser endpoints.
    cors_cache: TtlCache<i64, Arc<HashSet<String>>>,
    /// API resources by tenant: every token issuance reads them.
    catalog_cache: TtlCache<i64, Arc<Catalog>>,
    /// Set once the listener is bound (the default issuer names its address).
    issuer: OnceLock<String>,
    /// The admin listener's address, when it has its own.
    admin_address: OnceLock<std::net::SocketAddr>,
    /// The committed OpenAPI document, served at `/openapi.json`.
    pub openapi: &'static str,
}

pub const OPENAPI_DOCUMENT: &str = include_str!("../../../openapi/keyward.json");

impl State {
    pub fn new(
        settings: Settings,
        store: Store,
        keys: KeyRing,
        master: Arc<MasterKey>,
        mac: Mac,
        default_tenant: i64,
        clock: Clock,
    ) -> anyhow::Result<Arc<State>> {
        // Password hashing leaves one core to the async runtime, so a burst
        // of sign-ins cannot stall every other request.
        let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        let http = Outbound::new(settings.outbound_allow.clone())?;
        let delivery = Delivery::new(&settings.delivery, http.clone())?;
        let blobs = crate::blob_store::open(&settings.blob, &settings.database_url)?;
        let codegen =
            crate::codegen::Codegen::new(&settings.codegen, settings.codegen_worker.clone(), settings.private_paths())?;
        let threads = cpus.saturating_sub(1).max(1);
        let passwords =
            Passwords::new(threads, settings.password_queue.unwrap_or(threads * password::QUEUE_PER_THREAD));
        Ok(Arc::new(State {
            delivery,
            blobs,
            codegen,
            http,
            settings,
            clock,
            store,
            keys,
            master,
            mac,
            passwords,
            deny_list: DenyList::default(),
            verified_tokens: TtlCache::new(VERIFIED_TOKEN_TTL),
            metrics: Metrics::default(),
            default_tenant,
            tenant_cache: TtlCache::new(CACHE_TTL),
            client_cache: TtlCache::new(CACHE_TTL),
            client_auth_failures: TtlCache::new(crate::store::throttle::WINDOW),
            app_cache: TtlCache::new(CACHE_TTL),
            cors_cache: TtlCache::new(CACHE_TTL),
            catalog_cache: TtlCache::new(CACHE_TTL),
            issuer: OnceLock::new(),
            admin_address: OnceLock::new(),
            openapi: OPENAPI_DOCUMENT,
        }))
    }

    /// Fixes the issuer once the server's address is known.
    pub fn set_bound_address(&self, address: std::net::SocketAddr) {
        let issuer = self.settings.issuer.clone().unwrap_or_else(|| format!("http://{address}"));
        let _ = self.issuer.set(issuer);
    }

    /// Records where the admin listener is bound.
    pub fn set_admin_address(&self, address: std::net::SocketAddr) {
        let _ = self.admin_address.set(address);
    }

    /// Whether the listener bound at `local` serves `operation_id`. With an
    /// admin listener, the admin API and `/metrics` answer only there, and
    /// everything else only on the main listener; health checks answer on both.
    /// An operation on a user's own account or, with a permission, on anyone's
    /// (seed 004's) is let through on both: which one its caller may use is
    /// known once the token is read ([`State::serves_account_call`]).
    pub fn serves(&self, operation_id: &str, local: std::net::SocketAddr) -> bool {
        if self.settings.admin_bind.is_none() {
            return true;
        }
        let admin_only = match access(operation_id) {
            Some(Access::Health | Access::UserOrPermission(_)) => return true,
            Some(Access::Permission(_) | Access::Metrics) => true,
            _ => false,
        };
        admin_only == self.is_admin_listener(local)
    }

    /// Whether the listener bound at `local` serves a call on a user's
    /// account made `by_admin` or by the user themself: with an admin
    /// listener, an admin's only there, like the rest of the admin API, and
    /// a user's only on the main listener.
    pub fn serves_account_call(&self, by_admin: bool, local: std::net::SocketAddr) -> bool {
        self.settings.admin_bind.is_none() || by_admin == self.is_admin_listener(local)
    }

    fn is_admin_listener(&self, local: std::net::SocketAddr) -> bool {
        self.admin_address.get() == Some(&local)
    }

    /// The issuer URL, without a trailing slash.
    pub fn issuer(&self) -> &str {
        self.issuer.get().map(String::as_str).unwrap_or("http://keyward.invalid")
    }

    /// The tenant a request addresses: the one claiming its Host header
    /// (with port, then without), else the default tenant.
    pub async fn tenant_for_host(&self, host: Option<&str>) -> Result<TenantRef> {
        let host = host.unwrap_or("").to_ascii_lowercase();
        if let Some(tenant) = self.tenant_cache.get(&host) {
            return Ok(tenant);
        }
        let tenant = self.lookup_tenant(&host).await?;
        self.tenant_cache.put(host, tenant.clone());
        Ok(tenant)
    }

    async fn lookup_tenant(&self, host: &str) -> Result<TenantRef> {
        let mut conn = self.store.conn().await?;
        let mut found = None;
        if !host.is_empty() {
            found = tenants::by_host(&mut conn, host).await?;
            if found.is_none()
                && let Some((name, _port)) = host.rsplit_once(':')
            {
                found = tenants::by_host(&mut conn, name).await?;
            }
        }
        let tenant = match found {
            Some(tenant) => tenant,
            None => tenants::default_tenant(&mut conn)
                .await?
                .ok_or_else(|| Error::Internal(anyhow::anyhow!("no default tenant")))?,
        };
        Ok(self.with_issuer(tenant, host))
    }

    /// Fills in the issuer of a tenant reached through `host`: the server's
    /// for the default tenant, else the stored one (derived from the host
    /// for a tenant that has none stored).
    fn with_issuer(&self, mut tenant: TenantRef, host: &str) -> TenantRef {
        if tenant.id == self.default_tenant {
            tenant.issuer = self.issuer().to_string();
        } else if tenant.issuer.is_empty() {
            tenant.issuer = crate::hosts::derived_issuer(host);
        }
        tenant
    }

    /// The default tenant, whose admin tokens administer every tenant.
    pub async fn default_tenant_ref(&self) -> Result<TenantRef> {
        self.tenant_for_host(None).await
    }

    /// Forgets cached host lookups after tenants change here, and tells
    /// the other replicas.
    pub fn forget_tenants(&self) {
        self.forget(Change::Tenants);
    }

    /// Drops what `change` made stale here and tells the other replicas,
    /// in the background: the write is done, and a lost announcement is
    /// covered by the caches' expiry.
    fn forget(&self, change: Change) {
        self.drop_cached(change);
        let store = self.store.clone();
        tokio::spawn(async move { store.publish(change).await });
    }

    /// Drops this replica's cached copies of what `change` names.
    pub(crate) fn drop_cached(&self, change: Change) {
        match change {
            Change::Tenants => self.tenant_cache.clear(),
            Change::Clients => {
                self.client_cache.clear();
                self.app_cache.clear();
                self.cors_cache.clear();
            }
            Change::Catalog => self.catalog_cache.clear(),
            // Signing keys and revocations live in their own structures.
            Change::SigningKeys | Change::Revocations => {}
        }
    }

    /// An enabled or disabled client of `tenant` with its secret digests.
    pub async fn client(&self, tenant: i64, client_id: &str) -> Result<Option<(Client, Vec<SecretDigest>)>> {
        let key = (tenant, client_id.to_string());
        if let Some(found) = self.client_cache.get(&key) {
            return Ok(Some(found));
        }
        let found = clients::by_client_id(&mut *self.store.conn().await?, tenant, client_id).await?;
        if let Some(found) = &found {
            self.client_cache.put(key, found.clone());
        }
        Ok(found)
    }

    /// A client of `tenant` by numeric id, with its end-user settings JSON.
    pub async fn app(&self, tenant: i64, id: i64) -> Result<Option<(Client, String)>> {
        if let Some(found) = self.app_cache.get(&(tenant, id)) {
            return Ok(Some(found));
        }
        let mut conn = self.store.conn().await?;
        let Some(client) = clients::get(&mut conn, tenant, id).await? else { return Ok(None) };
        let Some(settings) = clients::app_settings(&mut conn, tenant, id).await? else { return Ok(None) };
        self.app_cache.put((tenant, id), (client.clone(), settings.clone()));
        Ok(Some((client, settings)))
    }

    /// The origins any enabled client of `tenant` lists, lower-cased.
    pub async fn cors_origins(&self, tenant: i64) -> Result<Arc<HashSet<String>>> {
        if let Some(found) = self.cors_cache.get(&tenant) {
            return Ok(found);
        }
        let origins = clients::enabled_cors_origins(&mut *self.store.conn().await?, tenant).await?;
        let origins: Arc<HashSet<String>> = Arc::new(origins.iter().map(|o| o.to_ascii_lowercase()).collect());
        self.cors_cache.put(tenant, origins.clone());
        Ok(origins)
    }

    /// Forgets cached clients after clients (or their secrets or settings)
    /// change here, and tells the other replicas.
    pub fn forget_clients(&self) {
        self.forget(Change::Clients);
    }

    /// The API resources of `tenant` as token issuance sees them. A miss is
    /// read on `conn`, the caller's own connection or transaction: taking a
    /// second pooled connection while holding a transaction can starve the
    /// pool under load (every connection held by a transaction waiting for one).
    pub async fn catalog(&self, conn: &mut Conn, tenant: i64) -> Result<Arc<Catalog>> {
        if let Some(found) = self.catalog_cache.get(&tenant) {
            return Ok(found);
        }
        let resources = api_resources::enabled(conn, tenant)
            .await?
            .into_iter()
            .map(|r| Resource {
                name: r.name,
                scopes: r.scopes.into_iter().map(|s| s.scope).collect(),
                alg: r.allowed_access_token_signing_algorithms,
            })
            .collect();
        let withheld = api_resources::withheld_scopes(conn, tenant).await?;
        let found = Arc::new(Catalog { resources, withheld });
        self.catalog_cache.put(tenant, found.clone());
        Ok(found)
    }

    /// [`State::catalog`] for callers that hold no connection: one is taken
    /// only on a miss.
    pub async fn catalog_outside_transaction(&self, tenant: i64) -> Result<Arc<Catalog>> {
        match self.catalog_cache.get(&tenant) {
            Some(found) => Ok(found),
            None => self.catalog(&mut *self.store.conn().await?, tenant).await,
        }
    }

    /// Forgets cached API resources after resources or scopes change here,
    /// and tells the other replicas.
    pub fn forget_catalog(&self) {
        self.forget(Change::Catalog);
    }

    /// Makes JWTs revoked here refused at once, here and (on PostgreSQL)
    /// by every other replica. Call it after the revoking transaction commits.
    pub async fn revocations_changed(&self) -> Result<()> {
        self.deny_list.sync(&self.store, self.clock.now_ms()).await?;
        self.store.publish(Change::Revocations).await;
        Ok(())
    }
}
