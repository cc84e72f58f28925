//! Tenants. Callers from the default tenant administer every tenant; callers
//! from any other tenant see only their own.

use super::{Caller, list, validate};
use crate::app::App;
use crate::error::{Error, Result};
use crate::store::{Arg, Filter, contains_pattern, tenants};
use keyward_api::envelope::Paged;
use keyward_api::tenant::{Tenant, TenantCreate, TenantListQuery, TenantUpdate};

const SORTABLE: &[(&str, &str)] = &[("id", "id"), ("name", "name"), ("status", "status"), ("createDate", "created_at")];

fn check(tenant: &Tenant) -> Result<()> {
    validate::length("name", &tenant.name, 1, 200)?;
    if !(0..=2).contains(&tenant.status) {
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
    tenant
}

/// Whether `caller` may see tenant `id`.
fn visible(app: &App, caller: &Caller, id: i64) -> bool {
    caller.home_tenant == app.default_tenant || caller.home_tenant == id
}

fn not_found(id: i64) -> Error {
    Error::NotFound(format!("tenant {id} does not exist"))
}

pub async fn list(app: &App, caller: &Caller, query: TenantListQuery) -> Result<Paged<Tenant>> {
    let page = list::page(&query.list(), SORTABLE)?;
    let mut filter = list::created_between(Filter::default(), &query.list())?;
    if caller.home_tenant != app.default_tenant {
        filter = filter.and("id = ?", Arg::Int(caller.home_tenant));
    }
    if let Some(host) = query.host.filter(|h| !h.is_empty()) {
        filter = filter
            .and("id IN (SELECT tenant_id FROM tenant_hosts WHERE host = ?)", Arg::Text(host.to_ascii_lowercase()));
    }
    if let Some(name) = query.name.filter(|n| !n.is_empty()) {
        filter = filter.and("LOWER(name) LIKE ? ESCAPE '\\'", Arg::Text(contains_pattern(&name)));
    }
    let (total, tenants) = tenants::list(&mut *app.store.conn().await?, &filter, &page).await?;
    Ok(Paged::ok(total, page.skip, page.take, tenants))
}

pub async fn create(app: &App, caller: &Caller, body: TenantCreate) -> Result<i64> {
    if caller.home_tenant != app.default_tenant {
        return Err(Error::Forbidden("only callers from the default tenant may create tenants".into()));
    }
    let tenant = normalize(Tenant {
        id: 0,
        name: body.name,
        status: body.status.unwrap_or(1),
        theme: body.theme.unwrap_or_default(),
        hosts: body.hosts,
        claims: body.claims,
        properties: body.properties,
        create_date: Default::default(),
        last_update_time: Default::default(),
    });
    check(&tenant)?;
    let mut tx = app.store.begin().await?;
    let id = tenants::insert(&mut tx, &tenant).await?;
    super::identity_resources::insert_standard(&mut tx, id).await?;
    tx.commit().await?;
    app.forget_tenants();
    Ok(id)
}

pub async fn view(app: &App, caller: &Caller, id: i64) -> Result<Tenant> {
    if !visible(app, caller, id) {
        return Err(not_found(id));
    }
    tenants::get(&mut *app.store.conn().await?, id).await?.ok_or_else(|| not_found(id))
}

pub async fn update(app: &App, caller: &Caller, id: i64, body: TenantUpdate) -> Result<Tenant> {
    if !visible(app, caller, id) {
        return Err(not_found(id));
    }
    let mut tx = app.store.begin().await?;
    let current = tenants::get(&mut tx, id).await?.ok_or_else(|| not_found(id))?;
    let tenant = normalize(Tenant {
        name: body.name.unwrap_or(current.name),
        status: body.status.unwrap_or(current.status),
        theme: body.theme.unwrap_or(current.theme),
        hosts: body.hosts.unwrap_or(current.hosts),
        claims: body.claims.unwrap_or(current.claims),
        properties: body.properties.unwrap_or(current.properties),
        ..current
    });
    check(&tenant)?;
    if id == app.default_tenant && tenant.status == 2 {
        return Err(Error::Invalid("the default tenant cannot be disabled".into()));
    }
    tenants::save(&mut tx, &tenant).await?;
    let saved = tenants::get(&mut tx, id).await?.ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    app.forget_tenants();
    Ok(saved)
}

pub async fn delete(app: &App, caller: &Caller, id: i64) -> Result<i64> {
    if !visible(app, caller, id) {
        return Err(not_found(id));
    }
    if id == app.default_tenant {
        return Err(Error::Conflict("the default tenant cannot be deleted".into()));
    }
    let mut tx = app.store.begin().await?;
    if !tenants::delete(&mut tx, id).await? {
        return Err(not_found(id));
    }
    tx.commit().await?;
    app.forget_tenants();
    app.forget_clients();
    Ok(id)
}
