//! Users of a tenant. Passwords are hashed (argon2id, off the async runtime)
//! before the write transaction opens, so no lock is held while hashing.

use super::oauth::login;
use super::patch::{merge, trim};
use super::{Acting, Caller, authority, list, user_access, validate};
use crate::error::{Error, Result};
use crate::state::State;
use crate::store::locks::{Table, lock};
use crate::store::users::{self, UserRow};
use crate::store::{Arg, Claim, Conn, Filter, contains_pattern, profiles, to_time};
use keyward_api::envelope::Paged;
use keyward_api::user::{
    Distributor, DistributorQuery, User, UserClaim, UserCreate, UserExistsQuery, UserListQuery, UserRole, UserUpdate,
};

const SORTABLE: &[(&str, &str)] = &[
    ("id", "id"),
    ("UserID", "id"),
    ("userName", "normalized_username"),
    ("email", "email"),
    ("phoneNumber", "phone"),
    ("createDate", "created_at"),
    ("lastUpdateTime", "updated_at"),
];

/// Checks a user's fields (the end-user API reuses it).
pub fn check(user: &User) -> Result<()> {
    validate::token("userName", &user.user_name, 256)?;
    if let Some(email) = &user.email {
        validate::email("email", email)?;
    }
    if let Some(phone) = &user.phone_number {
        validate::phone("phoneNumber", phone)?;
    }
    validate::length("nickName", &user.nick_name, 0, 256)?;
    validate::length("avatar", &user.avatar, 0, 2000)?;
    validate::length("data", &user.data, 0, 16_000)?;
    for c in &user.claims {
        validate::token("claims[].claimType", &c.claim_type, 200)?;
    }
    Ok(())
}

/// Whether a user name would be taken for an email address or phone number
/// by the sign-in lookup.
pub fn looks_like_contact(name: &str) -> bool {
    name.contains('@') || validate::phone("userName", name).is_ok()
}

/// A user name that looks like an email address or phone number must be the
/// user's own verified one: anyone else could register someone's address as
/// a name before its owner arrives.
pub fn check_name_is_own_contact(user: &User) -> Result<()> {
    let name = user.user_name.as_str();
    let (own, what) = if name.contains('@') {
        (user.email_confirmed && user.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(name)), "email address")
    } else if looks_like_contact(name) {
        (user.phone_number_confirmed && user.phone_number.as_deref() == Some(name), "phone number")
    } else {
        return Ok(());
    };
    if own {
        return Ok(());
    }
    Err(Error::Invalid(format!(
        "`userName` {name:?} looks like a {what}: a user name may be one only when it is the user's own verified {what}"
    )))
}

/// What identifies a user at sign-in: a change to any of it re-checks the name.
fn identifiers(user: &User) -> (String, Option<String>, bool, Option<String>, bool) {
    (
        user.user_name.to_lowercase(),
        user.email.as_deref().map(str::to_lowercase),
        user.email_confirmed,
        user.phone_number.clone(),
        user.phone_number_confirmed,
    )
}

pub fn check_password(password: &str) -> Result<()> {
    validate::length("password", password, 8, 128)
}

/// The roles and access profiles a user holds must exist in the tenant.
async fn check_links(conn: &mut Conn, tenant: i64, user: &User) -> Result<()> {
    let roles: Vec<i64> = user.roles.iter().map(|r| r.role_id).collect();
    validate::ids_exist(conn, Table::Roles, tenant, "roles[].roleId", &roles).await?;
    validate::ids_exist(conn, Table::AccessProfiles, tenant, "profiles", &user.profiles).await
}

/// A referrer must be a live user of the same tenant.
pub async fn check_referrer(conn: &mut Conn, tenant: i64, parent: Option<i64>) -> Result<()> {
    match parent {
        Some(parent) if users::get(conn, tenant, parent).await?.is_none() => {
            Err(Error::Invalid(format!("`parentUserID` {parent} names no user of this tenant")))
        }
        _ => Ok(()),
    }
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> User {
        User {
            id: row.id,
            user_name: row.username,
            email: row.email,
            email_confirmed: row.email_verified,
            phone_number: row.phone,
            phone_number_confirmed: row.phone_verified,
            nick_name: row.nickname,
            avatar: row.avatar,
            data: row.data,
            roles: row.roles.into_iter().map(|role_id| UserRole { role_id }).collect(),
            claims: row
                .claims
                .into_iter()
                .map(|c| UserClaim { claim_type: c.claim_type, claim_value: c.claim_value })
                .collect(),
            profiles: row.profiles,
            parent_user_id: row.parent_user_id,
            is_deleted: false,
            create_date: to_time(row.created_at),
            last_update_time: to_time(row.updated_at),
        }
    }
}

/// What a write stores; the times are the store's to set.
impl From<&User> for UserRow {
    fn from(user: &User) -> UserRow {
        UserRow {
            id: user.id,
            username: user.user_name.clone(),
            email: user.email.clone(),
            email_verified: user.email_confirmed,
            phone: user.phone_number.clone(),
            phone_verified: user.phone_number_confirmed,
            nickname: user.nick_name.clone(),
            avatar: user.avatar.clone(),
            data: user.data.clone(),
            roles: user.roles.iter().map(|r| r.role_id).collect(),
            claims: user
                .claims
                .iter()
                .map(|c| Claim { claim_type: c.claim_type.clone(), claim_value: c.claim_value.clone() })
                .collect(),
            profiles: user.profiles.clone(),
            parent_user_id: user.parent_user_id,
            created_at: 0,
            updated_at: 0,
        }
    }
}

fn not_found(id: i64) -> Error {
    Error::NotFound(format!("user {id} does not exist"))
}

/// An empty optional text is the same as none.
pub fn non_empty(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

pub async fn list(state: &State, caller: &Caller, query: UserListQuery) -> Result<Paged<User>> {
    let page = list::page(&query.list(), SORTABLE)?;
    let base = Filter::default().and("tenant_id = ?", Arg::Int(caller.tenant.id)).and_sql("deleted_at IS NULL");
    let mut filter = list::created_between(base, &query.list())?;
    if let Some(name) = non_empty(query.name) {
        let pattern = contains_pattern(&name);
        filter = filter
            .and("(normalized_username LIKE ? ESCAPE '\\' OR LOWER(nickname) LIKE ? ESCAPE '\\')", Arg::Text(pattern));
    }
    if let Some(email) = non_empty(query.email) {
        filter = filter.and("email = ?", Arg::Text(email));
    }
    if let Some(phone) = non_empty(query.phone_number) {
        filter = filter.and("phone = ?", Arg::Text(phone));
    }
    if let Some(role) = non_empty(query.role) {
        filter = filter.and(
            "id IN (SELECT ur.user_id FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE r.normalized_name = ?)",
            Arg::Text(role.to_lowercase()),
        );
    }
    let (total, items) = users::list(&mut *state.store.conn().await?, &filter, &page).await?;
    Ok(Paged::ok(total, page.skip, page.take, items.into_iter().map(User::from).collect()))
}

pub async fn create(state: &State, caller: &Caller, body: UserCreate) -> Result<i64> {
    let user = User {
        id: 0,
        user_name: body.user_name.trim().to_string(),
        email: non_empty(body.email),
        email_confirmed: body.email_confirmed.unwrap_or(false),
        phone_number: non_empty(body.phone_number),
        phone_number_confirmed: body.phone_number_confirmed.unwrap_or(false),
        nick_name: body.nick_name.unwrap_or_default(),
        avatar: body.avatar.unwrap_or_default(),
        data: body.data.unwrap_or_default(),
        roles: body.roles,
        claims: body.claims,
        profiles: body.profiles,
        parent_user_id: body.parent_user_id,
        is_deleted: false,
        create_date: Default::default(),
        last_update_time: Default::default(),
    };
    check(&user)?;
    check_name_is_own_contact(&user)?;
    let hash = match body.password {
        Some(password) => {
            check_password(&password)?;
            Some(state.passwords.hash(password).await?)
        }
        None => None,
    };
    let mut tx = state.store.begin().await?;
    authority::user_roles(&mut tx, caller, caller.tenant.id, &user.roles).await?;
    authority::profiles(&mut tx, caller, caller.tenant.id, &user.profiles).await?;
    check_links(&mut tx, caller.tenant.id, &user).await?;
    check_referrer(&mut tx, caller.tenant.id, user.parent_user_id).await?;
    let id = users::insert(&mut tx, caller.tenant.id, &(&user).into(), hash.as_deref(), state.clock.now_ms()).await?;
    profiles::set_of_user(&mut tx, id, &user.profiles).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn view(state: &State, caller: &Caller, id: i64) -> Result<User> {
    users::get(&mut *state.store.conn().await?, caller.tenant.id, id)
        .await?
        .map(User::from)
        .ok_or_else(|| not_found(id))
}

pub async fn update(state: &State, caller: &Caller, id: i64, body: UserUpdate) -> Result<User> {
    edit(state, caller, Acting::Admin(id), body.password, |mut user| {
        let contact = |value| non_empty(Some(value));
        merge!(user <- body; user_name => trim, email => contact, email_confirmed, phone_number => contact,
            phone_number_confirmed, nick_name, avatar, data, roles, claims, profiles);
        Ok(user)
    })
    .await
}

/// Changes the user `acting` names in one transaction, its row locked from
/// read to write: `change` makes the new user from the stored one, and the
/// result is checked as a whole. An admin may act only on a user holding no
/// more than the admin, and give only roles within the admin's own
/// permissions. A new `password` (hashed before the transaction) ends every
/// session and grant of the user, on every replica.
pub async fn edit(
    state: &State,
    caller: &Caller,
    acting: Acting,
    password: Option<String>,
    change: impl FnOnce(User) -> Result<User>,
) -> Result<User> {
    let hash = match password {
        Some(password) => {
            check_password(&password)?;
            Some(state.passwords.hash(password).await?)
        }
        None => None,
    };
    let id = acting.user();
    let now = state.clock.now_ms();
    let mut tx = state.store.begin().await?;
    lock(&mut tx, Table::Users, caller.tenant.id, id).await?;
    let current = users::get(&mut tx, caller.tenant.id, id).await?.map(User::from).ok_or_else(|| not_found(id))?;
    if let Acting::Admin(_) = acting {
        authority::user(&mut tx, caller, id).await?;
    }
    let before = identifiers(&current);
    let (held_profiles, held_roles) = (current.profiles.clone(), current.roles.clone());
    let user = change(current)?;
    check(&user)?;
    if user.roles != held_roles {
        authority::user_roles(&mut tx, caller, caller.tenant.id, &user.roles).await?;
    }
    if user.profiles != held_profiles {
        authority::profiles(&mut tx, caller, caller.tenant.id, &user.profiles).await?;
    }
    if identifiers(&user) != before {
        check_name_is_own_contact(&user)?;
    }
    check_links(&mut tx, caller.tenant.id, &user).await?;
    users::save(&mut tx, caller.tenant.id, &(&user).into(), hash.as_deref(), now).await?;
    if user.profiles != held_profiles {
        // Written only when changed, so an edit of other fields never writes
        // back a set a profile edit just changed.
        profiles::set_of_user(&mut tx, id, &user.profiles).await?;
    }
    if hash.is_some() {
        user_access::end_all(&mut tx, caller.tenant.id, id, now).await?;
        login::clear_failures(&mut tx, caller.tenant.id, id).await?;
    }
    let saved = users::get(&mut tx, caller.tenant.id, id).await?.map(User::from).ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    if hash.is_some() {
        state.revocations_changed().await?;
    }
    Ok(saved)
}

/// Deletes a user (softly) and ends what they had open: sessions, grants,
/// and JWTs issued under them, refused by every replica at once.
pub async fn delete(state: &State, caller: &Caller, id: i64) -> Result<i64> {
    let now = state.clock.now_ms();
    let mut tx = state.store.begin().await?;
    if !users::soft_delete(&mut tx, caller.tenant.id, id, now).await? {
        return Err(not_found(id));
    }
    // Checked once the user is known to be of this tenant; a refusal rolls back.
    authority::user(&mut tx, caller, id).await?;
    profiles::set_of_user(&mut tx, id, &[]).await?;
    user_access::end_all(&mut tx, caller.tenant.id, id, now).await?;
    tx.commit().await?;
    state.revocations_changed().await?;
    Ok(id)
}

/// `HEAD /api/User`: whether a live user of the caller's tenant has every
/// identifier given.
pub async fn exists(state: &State, caller: &Caller, query: UserExistsQuery) -> Result<()> {
    let (user_name, email, phone) = (non_empty(query.user_name), non_empty(query.email), non_empty(query.phone_number));
    if user_name.is_none() && email.is_none() && phone.is_none() {
        return Err(Error::BadRequest("give at least one of `userName`, `email` and `phoneNumber`".into()));
    }
    let wanted = (user_name.as_deref(), email.as_deref(), phone.as_deref());
    if users::exists(&mut *state.store.conn().await?, caller.tenant.id, wanted).await? {
        Ok(())
    } else {
        Err(Error::NotFound("no user has these identifiers".into()))
    }
}

/// A user's team: their live downline, each member with the size of their
/// own live downline.
pub async fn distributors(
    state: &State,
    caller: &Caller,
    id: i64,
    query: DistributorQuery,
) -> Result<Vec<Distributor>> {
    let mut conn = state.store.conn().await?;
    users::get(&mut conn, caller.tenant.id, id).await?.map(User::from).ok_or_else(|| not_found(id))?;
    let above = users::lineage_of(&mut conn, id).await?;
    let members = users::downline(&mut conn, caller.tenant.id, id).await?;
    // Nearest first, so a member's lineage is known before its downline's.
    let mut lineages: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
    lineages.insert(id, above.iter().map(|a| format!("/{a}")).collect::<String>() + "/");
    for member in &members {
        let lineage = format!("{}{}/", lineages[&member.parent_user_id], member.id);
        lineages.insert(member.id, lineage);
    }
    // Farthest first, so each member's count is complete before its referrer adds it.
    let mut counts: std::collections::HashMap<i64, i64> = std::collections::HashMap::new();
    for member in members.iter().rev() {
        let own = counts.get(&member.id).copied().unwrap_or(0) + i64::from(!member.deleted);
        *counts.entry(member.parent_user_id).or_insert(0) += own;
    }
    let path = non_empty(query.path);
    Ok(members
        .into_iter()
        .filter(|m| !m.deleted)
        .map(|m| Distributor {
            members: counts.get(&m.id).copied().unwrap_or(0),
            sales: 0,
            lineage: lineages[&m.id].clone(),
            id: m.id,
            user_name: m.user_name,
            nick_name: m.nick_name,
            avatar: m.avatar,
            parent_user_id: m.parent_user_id,
            lineage_level: m.level,
        })
        .filter(|d| path.as_deref().is_none_or(|p| d.lineage.starts_with(p)))
        .collect())
}
