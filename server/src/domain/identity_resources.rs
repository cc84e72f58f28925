//! Identity resources: the OpenID Connect scopes of a tenant and the user
//! claims each releases. Every tenant starts with the four standard ones.

use super::patch::merge;
use super::{Caller, named_scopes, validate};
use crate::error::{Error, Result};
use crate::state::State;
use crate::store::identity_resources;
use crate::store::locks::{Table, lock};
use crate::store::{Conn, api_scopes};
use keyward_api::envelope::Paged;
use keyward_api::identity_resource::{
    IdentityResource, IdentityResourceClaim, IdentityResourceCreate, IdentityResourceListQuery, IdentityResourceUpdate,
};

named_scopes::wire_conversions!(IdentityResource, IdentityResourceClaim, non_editable);

/// `tenant`'s identity resource `id`, for the wire.
async fn get(conn: &mut Conn, tenant: i64, id: i64) -> Result<IdentityResource> {
    Ok(identity_resources::get(conn, tenant, id).await?.ok_or_else(|| not_found(id))?.into())
}

/// OpenID Connect Core §5.4: scope, display name, description, claims.
const STANDARD: &[(&str, &str, &str, &[&str])] = &[
    ("openid", "Your user identifier", "Sign you in with your account", &["sub"]),
    (
        "profile",
        "User profile",
        "Your profile: name, user name, nickname and picture",
        &["name", "preferred_username", "nickname", "picture", "updated_at"],
    ),
    ("email", "Your email address", "Your email address", &["email", "email_verified"]),
    ("phone", "Your phone number", "Your phone number", &["phone_number", "phone_number_verified"]),
];

/// Gives a tenant that has none the standard identity resources, made at `now`.
pub async fn insert_standard(conn: &mut Conn, tenant: i64, now: i64) -> Result<()> {
    for (name, display_name, description, claims) in STANDARD {
        let resource = IdentityResource {
            id: 0,
            name: name.to_string(),
            display_name: display_name.to_string(),
            description: description.to_string(),
            enabled: true,
            required: *name == "openid",
            emphasize: false,
            show_in_discovery_document: true,
            user_claims: claims.iter().map(|c| IdentityResourceClaim { claim_type: c.to_string() }).collect(),
            properties: Vec::new(),
            non_editable: *name == "openid",
            created: Default::default(),
            updated: Default::default(),
        };
        identity_resources::insert(conn, tenant, &resource.into(), now).await?;
    }
    Ok(())
}

fn check(resource: &IdentityResource) -> Result<()> {
    validate::token("name", &resource.name, 200)?;
    let claims = resource.user_claims.iter().map(|c| c.claim_type.as_str());
    named_scopes::check_details(&resource.display_name, &resource.description, claims, &resource.properties)
}

/// A scope name must mean one thing: refuse one an API scope already has.
async fn check_unclaimed(conn: &mut Conn, tenant: i64, name: &str) -> Result<()> {
    if api_scopes::by_name(conn, tenant, name).await?.is_some() {
        return Err(Error::Conflict(format!("`{name}` is already the name of an API scope")));
    }
    Ok(())
}

fn not_found(id: i64) -> Error {
    Error::NotFound(format!("identity resource {id} does not exist"))
}

fn fixed() -> Error {
    Error::Conflict("the `openid` identity resource cannot be changed or deleted".into())
}

pub async fn list(state: &State, caller: &Caller, query: IdentityResourceListQuery) -> Result<Paged<IdentityResource>> {
    let (page, filter) = named_scopes::query(caller, &query.list(), query.name)?;
    let (total, items) = identity_resources::list(&mut *state.store.conn().await?, &filter, &page).await?;
    Ok(Paged::ok(total, page.skip, page.take, items.into_iter().map(IdentityResource::from).collect()))
}

pub async fn create(state: &State, caller: &Caller, body: IdentityResourceCreate) -> Result<i64> {
    let resource = IdentityResource {
        id: 0,
        display_name: body.display_name.unwrap_or_else(|| body.name.clone()),
        name: body.name,
        description: body.description.unwrap_or_default(),
        enabled: body.enabled.unwrap_or(true),
        required: body.required.unwrap_or(false),
        emphasize: body.emphasize.unwrap_or(false),
        show_in_discovery_document: body.show_in_discovery_document.unwrap_or(true),
        user_claims: body.user_claims,
        properties: body.properties,
        non_editable: false,
        created: Default::default(),
        updated: Default::default(),
    };
    check(&resource)?;
    let mut tx = state.store.begin().await?;
    check_unclaimed(&mut tx, caller.tenant.id, &resource.name).await?;
    let id = identity_resources::insert(&mut tx, caller.tenant.id, &resource.into(), state.clock.now_ms()).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn view(state: &State, caller: &Caller, id: i64) -> Result<IdentityResource> {
    get(&mut *state.store.conn().await?, caller.tenant.id, id).await
}

pub async fn update(state: &State, caller: &Caller, id: i64, body: IdentityResourceUpdate) -> Result<IdentityResource> {
    let mut tx = state.store.begin().await?;
    lock(&mut tx, Table::IdentityResources, caller.tenant.id, id).await?;
    let current = get(&mut tx, caller.tenant.id, id).await?;
    if current.non_editable {
        return Err(fixed());
    }
    let renamed = body.name.as_ref().is_some_and(|n| *n != current.name);
    let mut resource = current;
    merge!(resource <- body; name, display_name, description, enabled, required, emphasize,
        show_in_discovery_document, user_claims, properties);
    check(&resource)?;
    if renamed {
        check_unclaimed(&mut tx, caller.tenant.id, &resource.name).await?;
    }
    identity_resources::save(&mut tx, caller.tenant.id, &resource.into(), state.clock.now_ms()).await?;
    let saved = get(&mut tx, caller.tenant.id, id).await?;
    tx.commit().await?;
    Ok(saved)
}

pub async fn delete(state: &State, caller: &Caller, id: i64) -> Result<i64> {
    let mut tx = state.store.begin().await?;
    let current = get(&mut tx, caller.tenant.id, id).await?;
    if current.non_editable {
        return Err(fixed());
    }
    identity_resources::delete(&mut tx, caller.tenant.id, id).await?;
    tx.commit().await?;
    Ok(id)
}
