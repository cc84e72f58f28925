//! Tenants. Callers from the default tenant administer every tenant; callers
//! from any other tenant see only their own.

use super::patch::merge;
use super::{Caller, list, validate};
use crate::error::{Error, Result};
use crate::hosts;
use crate::state::State;
use crate::store::locks::{Table, lock};
use crate::store::tenants::{self, TenantRef, TenantRow, TenantStatus};
use crate::store::{Arg, Claim, Filter, contains_pattern, to_time};
use keyward_api::envelope::Paged;
use keyward_api::tenant::{Tenant, TenantClaim, TenantCreate, TenantHost, TenantListQuery, TenantPublic, TenantUpdate};

impl From<TenantRow> for Tenant {
    fn from(row: TenantRow) -> Tenant {
        Tenant {
            id: row.id,
            name: row.name,
            status: row.status,
            theme: row.theme,
            identity_server_issuer_uri: row.issuer,
            hosts: row.hosts.into_iter().map(|host_name| TenantHost { host_name }).collect(),
            claims: row
                .claims
                .into_iter()
                .map(|c| TenantClaim { claim_type: c.claim_type, claim_value: c.claim_value })
                .collect(),
            properties: row.properties.into_iter().map(Into::into).collect(),
            create_date: to_time(row.created_at),
            last_update_time: to_time(row.updated_at),
        }
    }
}

/// What a write stores; the times are the store's to set.
impl From<Tenant> for TenantRow {
    fn from(tenant: Tenant) -> TenantRow {
        TenantRow {
            id: tenant.id,
            name: tenant.name,
            status: tenant.status,
            theme: tenant.theme,
            issuer: tenant.identity_server_issuer_uri,
            hosts: tenant.hosts.into_iter().map(|h| h.host_name).collect(),
            claims: tenant
                .claims
                .into_iter()
                .map(|c| Claim { claim_type: c.claim_type, claim_value: c.claim_value })
                .collect(),
            properties: tenant.properties.into_iter().map(Into::into).collect(),
            created_at: 0,
            updated_at: 0,
        }
    }
}

const SORTABLE: &[(&str, &str)] = &[("id", "id"), ("name", "name"), ("status", "status"), ("createDate", "created_at")];

fn check(tenant: &Tenant) -> Result<()> {
    validate::length("name", &tenant.name, 1, 200)?;
    if TenantStatus::of(tenant.status).is_none() {
        return Err(Error::Invalid(format!(
            "`status` must be 0 (created), 1 (enabled) or 2 (disabled), not {}",
            tenant.status
        )));
    }
    validate::length("theme", &tenant.theme, 0, 200)?;
    for h in &tenant.hosts {
        validate::host("hosts[].hostName", &h.host_name)?;
    }
    validate::distinct("hosts", tenant.hosts.iter().map(|h| h.host_name.as_str()))?;
    for c in &tenant.claims {
        validate::token("claims[].claimType", &c.claim_type, 200)?;
    }
    for p in &tenant.properties {
        validate::length("properties[].key", &p.key, 1, 200)?;
    }
    Ok(())
}

fn normalize(mut tenant: Tenant) -> Tenant {
    for h in &mut tenant.hosts {
        h.host_name = h.host_name.trim().to_ascii_lowercase();
    }
    if let Some(issuer) = &mut tenant.identity_server_issuer_uri {
        *issuer = issuer.trim().trim_end_matches('/').to_string();
    }
    tenant
}

/// The `host[:port]` of a valid issuer URL, or why it is not one.
fn issuer_authority(issuer: &str) -> Result<String> {
    let invalid = |why: &str| Error::Invalid(format!("`identityServerIssuerUri` {why}: {issuer:?}"));
    let url = reqwest::Url::parse(issuer).map_err(|_| invalid("must be an absolute URL"))?;
    let host = url.host_str().ok_or_else(|| invalid("must name a host"))?;
    let authority = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    };
    match url.scheme() {
        "https" => {}
        "http" if hosts::is_loopback(&url) => {}
        _ => return Err(invalid("must use https (http only on a loopback host)")),
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("must not have a query, fragment or credentials"));
    }
    validate::length("identityServerIssuerUri", issuer, 1, 500)?;
    Ok(authority)
}

/// The host name part of `host[:port]`.
fn host_name(host: &str) -> &str {
    host.rsplit_once(':').map_or(host, |(name, _)| name)
}

/// Checks the issuer and hosts of a tenant other than the default one: the
/// issuer's host is one of the tenant's hosts (so its discovery document
/// routes to it), and neither takes the default tenant's issuer or host.
fn check_issuer(state: &State, tenant: &Tenant) -> Result<()> {
    let reserved = issuer_authority(state.issuer()).unwrap_or_default();
    let reserved_name = host_name(&reserved);
    for host in &tenant.hosts {
        if host.host_name == reserved || host.host_name == reserved_name {
            return Err(Error::Conflict(format!(
                "the host `{}` is reserved: the default tenant's issuer is served there",
                host.host_name
            )));
        }
    }
    let Some(issuer) = &tenant.identity_server_issuer_uri else { return Ok(()) };
    let authority = issuer_authority(issuer)?;
    if issuer == state.issuer() || authority == reserved {
        return Err(Error::Conflict(format!("the issuer `{issuer}` is the default tenant's")));
    }
    let served = tenant.hosts.iter().any(|h| h.host_name == authority || h.host_name == host_name(&authority));
    if !served {
        return Err(Error::Invalid(format!(
            "the host of `identityServerIssuerUri` ({authority}) must be one of the tenant's `hosts`"
        )));
    }
    Ok(())
}

/// Gives a tenant with hosts but no issuer the derived one.
fn with_derived_issuer(mut tenant: Tenant) -> Tenant {
    if tenant.identity_server_issuer_uri.is_none()
        && let Some(first) = tenant.hosts.first()
    {
        tenant.identity_server_issuer_uri = Some(hosts::derived_issuer(&first.host_name));
    }
    tenant
}

/// The tenant as callers see it: the default tenant's issuer is the server's.
fn shown(state: &State, mut tenant: Tenant) -> Tenant {
    if tenant.id == state.default_tenant {
        tenant.identity_server_issuer_uri = Some(state.issuer().to_string());
    }
    tenant
}

/// Whether `caller` may see tenant `id`.
fn visible(state: &State, caller: &Caller, id: i64) -> bool {
    caller.home_tenant == state.default_tenant || caller.home_tenant == id
}

fn not_found(id: i64) -> Error {
    Error::NotFound(format!("tenant {id} does not exist"))
}

pub async fn list(state: &State, caller: &Caller, query: TenantListQuery) -> Result<Paged<Tenant>> {
    let page = list::page(&query.list(), SORTABLE)?;
    let mut filter = list::created_between(Filter::default(), &query.list())?;
    if caller.home_tenant != state.default_tenant {
        filter = filter.and("id = ?", Arg::Int(caller.home_tenant));
    }
    if let Some(host) = query.host.filter(|h| !h.is_empty()) {
        filter = filter
            .and("id IN (SELECT tenant_id FROM tenant_hosts WHERE host = ?)", Arg::Text(host.to_ascii_lowercase()));
    }
    if let Some(name) = query.name.filter(|n| !n.is_empty()) {
        filter = filter.and("LOWER(name) LIKE ? ESCAPE '\\'", Arg::Text(contains_pattern(&name)));
    }
    let (total, tenants) = tenants::list(&mut *state.store.conn().await?, &filter, &page).await?;
    let tenants = tenants.into_iter().map(|t| shown(state, t.into())).collect();
    Ok(Paged::ok(total, page.skip, page.take, tenants))
}

pub async fn create(state: &State, caller: &Caller, body: TenantCreate) -> Result<i64> {
    if caller.home_tenant != state.default_tenant {
        return Err(Error::Forbidden("only callers from the default tenant may create tenants".into()));
    }
    let tenant = with_derived_issuer(normalize(Tenant {
        id: 0,
        name: body.name,
        status: body.status.unwrap_or(TenantStatus::Enabled.code()),
        theme: body.theme.unwrap_or_default(),
        identity_server_issuer_uri: body.identity_server_issuer_uri,
        hosts: body.hosts,
        claims: body.claims,
        properties: body.properties,
        create_date: Default::default(),
        last_update_time: Default::default(),
    }));
    check(&tenant)?;
    check_issuer(state, &tenant)?;
    let now = state.clock.now_ms();
    let mut tx = state.store.begin().await?;
    let id = tenants::insert(&mut tx, &tenant.into(), now).await?;
    super::identity_resources::insert_standard(&mut tx, id, now).await?;
    state.keys.create_for(&mut tx, id).await.map_err(Error::Internal)?;
    tx.commit().await?;
    state.keys.added().await?;
    state.forget_tenants();
    Ok(id)
}

pub async fn view(state: &State, caller: &Caller, id: i64) -> Result<Tenant> {
    if !visible(state, caller, id) {
        return Err(not_found(id));
    }
    let tenant = tenants::get(&mut *state.store.conn().await?, id).await?.ok_or_else(|| not_found(id))?;
    Ok(shown(state, tenant.into()))
}

/// A tenant's public profile, for anyone: only its name, theme and the
/// properties named in [`TenantPublic`]. Only the tenant the request's Host
/// selects (`host`) is shown, so that no one can list tenants by id; a
/// disabled tenant is not shown.
pub async fn public_view(state: &State, host: &TenantRef, id: i64) -> Result<TenantPublic> {
    if id != host.id {
        return Err(not_found(id));
    }
    let tenant =
        tenants::get(&mut *state.store.conn().await?, id).await?.filter(|t| t.status != TenantStatus::Disabled.code());
    let tenant = tenant.ok_or_else(|| not_found(id))?;
    let property = |key: &str| {
        tenant
            .properties
            .iter()
            .find(|p| p.key.eq_ignore_ascii_case(key) && !p.value.trim().is_empty())
            .map(|p| p.value.clone())
    };
    Ok(TenantPublic {
        id: tenant.id,
        description: property("Description"),
        logo: property("Logo").or_else(|| property("Favicon")),
        web_site: property("WebSite"),
        name: tenant.name.clone(),
        theme: tenant.theme.clone(),
    })
}

pub async fn update(state: &State, caller: &Caller, id: i64, body: TenantUpdate) -> Result<Tenant> {
    if !visible(state, caller, id) {
        return Err(not_found(id));
    }
    let mut tx = state.store.begin().await?;
    lock(&mut tx, Table::Tenants, id, id).await?;
    let current: Tenant = tenants::get(&mut tx, id).await?.ok_or_else(|| not_found(id))?.into();
    let is_default = id == state.default_tenant;
    let (current_hosts, current_issuer) = (current.hosts.clone(), current.identity_server_issuer_uri.clone());
    let mut tenant = current;
    merge!(tenant <- body; name, status, theme, identity_server_issuer_uri => Some, hosts, claims, properties);
    let tenant = normalize(tenant);
    check(&tenant)?;
    if is_default && tenant.status == TenantStatus::Disabled.code() {
        return Err(Error::Invalid("the default tenant cannot be disabled".into()));
    }
    let routing_changed = tenant.hosts != current_hosts || tenant.identity_server_issuer_uri != current_issuer;
    if routing_changed && caller.home_tenant != state.default_tenant {
        return Err(Error::Forbidden(
            "only callers from the default tenant may change a tenant's hosts or issuer".into(),
        ));
    }
    let tenant = if is_default {
        if tenant.identity_server_issuer_uri.as_deref().is_some_and(|issuer| issuer != state.issuer()) {
            return Err(Error::Invalid(
                "the default tenant's issuer is the server's `--issuer`; it cannot be set here".into(),
            ));
        }
        Tenant { identity_server_issuer_uri: None, ..tenant }
    } else {
        let tenant = with_derived_issuer(tenant);
        check_issuer(state, &tenant)?;
        tenant
    };
    tenants::save(&mut tx, &tenant.into(), state.clock.now_ms()).await?;
    let saved = tenants::get(&mut tx, id).await?.ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    state.forget_tenants();
    Ok(shown(state, saved.into()))
}

pub async fn delete(state: &State, caller: &Caller, id: i64) -> Result<i64> {
    if !visible(state, caller, id) {
        return Err(not_found(id));
    }
    if id == state.default_tenant {
        return Err(Error::Conflict("the default tenant cannot be deleted".into()));
    }
    let mut tx = state.store.begin().await?;
    if !tenants::delete(&mut tx, id).await? {
        return Err(not_found(id));
    }
    tx.commit().await?;
    state.forget_tenants();
    state.forget_clients();
    Ok(id)
}
