//! Seed 004's user and role endpoints over Keyward's users, roles and
//! end-user sign-up. Who may act on which account is decided before these
//! run, by the operation's access rule ([`Acting`]); each change goes
//! through [`users::edit`], in one transaction with the user's row locked.

use super::app_users::{self, accounts, accounts::SignUpKind};
use super::oauth::login::{self, LoginFailure};
use super::{Acting, Caller, roles, users, validate};
use crate::error::{Error, Result};
use crate::state::State;
use crate::store::{self, tenants::TenantRef, user_links};
use chrono::{NaiveDate, NaiveDateTime};
use keyward_api::app_user::SignUp;
use keyward_api::client::Client;
use keyward_api::role::RoleListQuery;
use keyward_api::spring::{
    SpringPasswordUpdate, SpringRegister, SpringRole, SpringRoleRef, SpringRoleUpdate, SpringUser, SpringUserDetail,
    SpringUserFind, SpringUserSave, SpringUserUpdate,
};
use keyward_api::user::{User, UserClaim, UserCreate, UserRole};
use std::net::IpAddr;

/// The detail fields kept as user claims: (seed field, claim type, longest).
const CLAIMS: [(&str, &str, usize); 6] = [
    ("age", "age", 256),
    ("gender", "gender", 256),
    ("addr", "addr", 256),
    ("nation", "nation", 256),
    ("instruction", "instruction", 4000),
    ("birthday", "birthdate", 256),
];

/// `/users/register`: an end-user sign-up of the app `client` authenticated
/// as, under its settings and the daily sign-up caps.
pub async fn register(
    state: &State,
    tenant: &TenantRef,
    client: &Client,
    body: SpringRegister,
    ip: IpAddr,
) -> Result<i64> {
    let target = app_users::load(state, tenant, client.id).await?;
    let username = body.username.trim();
    validate::token("username", username, 64)?;
    app_users::check_password_named(&target.config.settings, "password", &body.password)?;
    let sign_up = SignUp { user_name: Some(username.into()), pwd: Some(body.password), ..SignUp::default() };
    let account = accounts::prepare(state, tenant, &target, &sign_up, SignUpKind::Account, None, ip).await?;
    let mut tx = state.store.begin().await?;
    let user = accounts::create(&mut tx, tenant, &target, account, state.clock.now_ms()).await?;
    tx.commit().await?;
    Ok(user.id)
}

/// The roles a `roleList` names, each by `id` or else by `roleName`. Ids
/// are checked with the user's write; an unknown name is 422 here.
async fn role_ids(state: &State, caller: &Caller, list: &[SpringRoleRef]) -> Result<Vec<UserRole>> {
    let mut conn = state.store.conn().await?;
    let mut ids = Vec::with_capacity(list.len());
    for role in list {
        let role_id = match (role.id, role.role_name.as_deref().map(str::trim)) {
            (Some(id), _) => id,
            (None, Some(name)) if !name.is_empty() => {
                store::roles::id_by_name(&mut conn, caller.tenant.id, name).await?.ok_or_else(|| {
                    Error::Invalid(format!("`roleList` names the role {name:?}, which does not exist in this tenant"))
                })?
            }
            _ => return Err(Error::BadRequest("each item of `roleList` needs an `id` or a `roleName`".into())),
        };
        ids.push(UserRole { role_id });
    }
    Ok(ids)
}

/// `/users/save`: a new user, as `POST /api/User`.
pub async fn save(state: &State, caller: &Caller, body: SpringUserSave) -> Result<i64> {
    if body.id.is_some() {
        return Err(Error::Invalid(
            "`id` is assigned by the server: leave it out (change users with /users/update, /users/pwd/update \
             and /users/role/update)"
                .into(),
        ));
    }
    let roles = role_ids(state, caller, &body.role_list).await?;
    let user = UserCreate { user_name: body.username, password: body.password, roles, ..UserCreate::default() };
    users::create(state, caller, user).await
}

/// Sets the phone number a user or an admin typed: unverified unless it is
/// the one already stored, so it never finds the account at sign-in nor
/// blocks its owner before it is proven.
fn set_phone(user: &mut User, phone: String) -> Result<()> {
    let phone = users::non_empty(Some(phone));
    if let Some(phone) = &phone {
        validate::phone("phone", phone)?;
    }
    if phone != user.phone_number {
        (user.phone_number, user.phone_number_confirmed) = (phone, false);
    }
    Ok(())
}

/// `/users/update`: the phone number. `openId` is refused: the `sign` grant
/// trusts the links it finds, so only an app that verified an identity may
/// link it.
pub async fn update(state: &State, caller: &Caller, acting: Acting, body: SpringUserUpdate) -> Result<i64> {
    if users::non_empty(body.open_id).is_some() {
        return Err(Error::Invalid(
            "`openId` is not kept here: an identity is linked by the `sign` grant of the app that verified it".into(),
        ));
    }
    let id = acting.user();
    match body.phone {
        Some(phone) => {
            users::edit(state, caller, acting, None, |mut user| set_phone(&mut user, phone).map(|()| user)).await?
        }
        None => users::view(state, caller, id).await?,
    };
    Ok(id)
}

/// `/users/pwd/update`: users prove their current password (throttled as a
/// sign-in); an admin needs none. The new one ends every session and grant.
pub async fn change_password(
    state: &State,
    caller: &Caller,
    acting: Acting,
    body: SpringPasswordUpdate,
    ip: IpAddr,
) -> Result<bool> {
    validate::length("newPassword", &body.new_password, 8, 128)?;
    if let Acting::Own(id) = acting {
        let old = body
            .old_password
            .as_deref()
            .filter(|p| !p.is_empty())
            .ok_or_else(|| Error::BadRequest("`oldPassword` is required to change your own password".into()))?;
        let user = users::view(state, caller, id).await?;
        match login::check_password(state, &caller.tenant, &user.user_name, old, ip).await? {
            Ok(found) if found == id => {}
            Ok(_) | Err(LoginFailure::Incorrect) => {
                return Err(Error::BadRequest("`oldPassword` is not the current password".into()));
            }
            Err(locked) => return Err(locked.into()),
        }
    }
    users::edit(state, caller, acting, Some(body.new_password), Ok).await?;
    Ok(true)
}

/// `/users/role/update`: the user holds exactly the listed roles.
pub async fn replace_roles(state: &State, caller: &Caller, body: SpringRoleUpdate) -> Result<bool> {
    let roles = role_ids(state, caller, &body.role_list).await?;
    users::edit(state, caller, Acting::Admin(body.id), None, |user| Ok(User { roles, ..user })).await?;
    Ok(true)
}

/// `/users/find`: by id, else by exact user name.
pub async fn find(state: &State, caller: &Caller, body: SpringUserFind) -> Result<SpringUser> {
    let id = match (body.id, users::non_empty(body.username)) {
        (Some(id), _) => id,
        (None, Some(name)) => store::users::id_by_name(&mut *state.store.conn().await?, caller.tenant.id, &name)
            .await?
            .ok_or_else(|| Error::NotFound(format!("no user is named {name:?}")))?,
        (None, None) => return Err(Error::BadRequest("`id` or `username` is required".into())),
    };
    let user = users::view(state, caller, id).await?;
    let mut conn = state.store.conn().await?;
    let mut role_list = Vec::with_capacity(user.roles.len());
    for held in &user.roles {
        if let Some(role) = store::roles::get(&mut conn, caller.tenant.id, held.role_id).await? {
            role_list.push(SpringRole { id: role.id, role_name: role.name });
        }
    }
    Ok(SpringUser {
        id,
        open_id: user_links::first_on(&mut conn, id, "openid").await?,
        create_time: app_users::date(user.create_date.timestamp_millis()),
        username: user.user_name,
        phone: user.phone_number,
        role_list,
    })
}

/// `/userDetail/current` and `/userDetail/get`.
pub async fn detail(state: &State, caller: &Caller, acting: Acting) -> Result<SpringUserDetail> {
    let user = users::view(state, caller, acting.user()).await?;
    let claim =
        |claim_type: &str| user.claims.iter().find(|c| c.claim_type == claim_type).map(|c| c.claim_value.clone());
    let text = |value: &str| (!value.is_empty()).then(|| value.to_string());
    Ok(SpringUserDetail {
        id: user.id,
        name: text(&user.nick_name),
        age: claim("age"),
        phone: user.phone_number.clone(),
        gender: claim("gender"),
        addr: claim("addr"),
        create_time: Some(app_users::date(user.create_date.timestamp_millis())),
        nation: claim("nation"),
        instruction: claim("instruction"),
        images: text(&user.avatar),
        birthday: claim("birthdate"),
    })
}

/// Sets (or, when blank, removes) the user's claim `claim_type`.
fn set_claim(claims: &mut Vec<UserClaim>, claim_type: &str, value: String) {
    claims.retain(|c| c.claim_type != claim_type);
    let value = value.trim();
    if !value.is_empty() {
        claims.push(UserClaim { claim_type: claim_type.into(), claim_value: value.into() });
    }
}

/// Checks a date field's form, if given and not blank.
fn check_date(field: &str, value: &Option<String>, format: &str, shown: &str) -> Result<()> {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        Some(v)
            if NaiveDateTime::parse_from_str(v, format).is_err() && NaiveDate::parse_from_str(v, format).is_err() =>
        {
            Err(Error::Invalid(format!("`{field}` must read {shown}: {v:?}")))
        }
        _ => Ok(()),
    }
}

/// `/userDetail/update`: each field present replaces the stored one.
pub async fn update_detail(state: &State, caller: &Caller, acting: Acting, body: SpringUserDetail) -> Result<bool> {
    check_date("createTime", &body.create_time, "%Y-%m-%d %H:%M:%S", "yyyy-MM-dd HH:mm:ss")?;
    check_date("birthday", &body.birthday, "%Y-%m-%d", "yyyy-MM-dd")?;
    let SpringUserDetail { name, age, phone, gender, addr, nation, instruction, images, birthday, .. } = body;
    let claims = [age, gender, addr, nation, instruction, birthday];
    for ((field, _, longest), value) in CLAIMS.iter().zip(&claims) {
        validate::length(field, value.as_deref().unwrap_or_default().trim(), 0, *longest)?;
    }
    validate::length("name", name.as_deref().unwrap_or_default().trim(), 0, 256)?;
    validate::length("images", images.as_deref().unwrap_or_default().trim(), 0, 2000)?;
    users::edit(state, caller, acting, None, |mut user| {
        if let Some(name) = name {
            user.nick_name = name.trim().to_string();
        }
        if let Some(images) = images {
            user.avatar = images.trim().to_string();
        }
        if let Some(phone) = phone {
            set_phone(&mut user, phone)?;
        }
        for ((_, claim_type, _), value) in CLAIMS.iter().zip(claims) {
            if let Some(value) = value {
                set_claim(&mut user.claims, claim_type, value);
            }
        }
        Ok(user)
    })
    .await?;
    Ok(true)
}

/// `/roles/list`: the tenant's roles by id, at most 1000.
pub async fn roles(state: &State, caller: &Caller) -> Result<Vec<SpringRole>> {
    let query = RoleListQuery { take: Some(1000), asc: Some(true), ..RoleListQuery::default() };
    let page = roles::list(state, caller, query).await?;
    Ok(page.data.into_iter().map(|role| SpringRole { id: role.id, role_name: role.name }).collect())
}
