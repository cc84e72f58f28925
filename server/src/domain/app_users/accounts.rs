//! Accounts through the end-user API: sign-up (by user name, phone, email,
//! unionID, QR code), sign-in (password, code, unionID), password reset and
//! the profile. Codes are checked and passwords hashed before the write
//! transaction; the user, its link, its bonus and its token are written in
//! one transaction.

use super::tokens::{self, How, SignInMethod};
use super::verification_codes::{self, Channel, Checked};
use super::{AppRef, date, given, required};
use crate::domain::oauth::login;
use crate::domain::{sign_up, user_access, users as user_rules, validate};
use crate::error::{Error, Result};
use crate::state::State;
use crate::store::locks::{Table, lock};
use crate::store::points::{self, Change};
use crate::store::users::{self, Contact};
use crate::store::{Tx, clients, tenants::TenantRef, user_links};
use keyward_api::app_settings::AppSettings;
use keyward_api::app_user::{AppToken, CodePurpose, PasswordSignIn, Profile, ProfileUpdate, ResetPassword, SignUp};
use keyward_api::user::User;
use std::net::IpAddr;

/// What a sign-up is made with; it decides the required fields and the
/// default user name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignUpKind {
    Account,
    Phone,
    Email,
    /// By (platform, unionID): `UnionIDSignUp` and `QRCodeSignUp`.
    Linked,
}

impl SignUpKind {
    fn method(self) -> SignInMethod {
        match self {
            SignUpKind::Account => SignInMethod::Account,
            SignUpKind::Phone => SignInMethod::Phone,
            SignUpKind::Email => SignInMethod::Email,
            SignUpKind::Linked => SignInMethod::UnionId,
        }
    }
}

/// A third-party identity: (platform, unionID).
pub type Link = (String, String);

/// Checks a (platform, unionID) pair's form.
pub fn link(platform: &str, union_id: &str) -> Result<Link> {
    validate::length("platform", platform, 1, 20)?;
    if !platform.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return Err(Error::Invalid(format!("`platform` may hold only letters, digits, `_` and `-`: {platform:?}")));
    }
    validate::token("unionID", union_id, 128)?;
    Ok((platform.to_string(), union_id.to_string()))
}

/// A sign-up checked and ready to write.
pub struct NewAccount {
    user: User,
    password_hash: Option<String>,
    codes: Vec<Checked>,
    link: Option<Link>,
}

impl NewAccount {
    /// Records a phone number proven otherwise (seed 004's `mobile` grant).
    pub fn prove_phone(&mut self, phone: String) {
        (self.user.phone_number, self.user.phone_number_confirmed) = (Some(phone), true);
    }
}

/// The user a sign-in resolves to: an existing one, or a checked account to
/// create.
pub enum Who {
    Known(i64),
    New(Box<NewAccount>),
}

impl Who {
    /// The user, created at `now` if new.
    pub async fn resolve(self, tx: &mut Tx, tenant: &TenantRef, target: &AppRef, now: i64) -> Result<User> {
        match self {
            Who::Known(id) => users::get(tx, tenant.id, id)
                .await?
                .map(User::from)
                .ok_or_else(|| Error::NotFound("the account no longer exists".into())),
            Who::New(account) => create(tx, tenant, target, *account, now).await,
        }
    }
}

/// A contact given at sign-up, with the code that proves it (an unproven
/// contact is stored unverified and never used to find the account).
async fn proven(
    state: &State,
    tenant: &TenantRef,
    (channel, field, code_field): (Channel, &str, &str),
    (value, code): (Option<&str>, Option<&str>),
    required_by_app: bool,
) -> Result<Option<(String, Option<Checked>)>> {
    let Some(value) = value else {
        if required_by_app {
            return Err(Error::BadRequest(format!("`{field}` and `{code_field}` are required by this app")));
        }
        return Ok(None);
    };
    let value = channel.normalize(field, value)?;
    let checked = match code {
        Some(code) => {
            Some(verification_codes::check(state, tenant, (channel, &value), CodePurpose::Signup, code).await?)
        }
        None if required_by_app => {
            return Err(Error::BadRequest(format!("`{code_field}` is required: this app verifies `{field}`")));
        }
        None => None,
    };
    Ok(Some((value, checked)))
}

/// The default user name of a linked sign-up: the unionID (OAuthApp's
/// rule), unless it looks like an email address or phone number, which a
/// user name may only be when it is the user's own verified contact.
fn linked_name(platform: &str, union_id: &str) -> String {
    if user_rules::looks_like_contact(union_id) {
        format!("{platform}-{}", &uuid::Uuid::new_v4().simple().to_string()[..12])
    } else {
        union_id.to_string()
    }
}

/// Checks a sign-up body (codes included), counts it against the daily
/// sign-up caps of the client address `ip` and of the app, and hashes its
/// password.
pub async fn prepare(
    state: &State,
    tenant: &TenantRef,
    target: &AppRef,
    body: &SignUp,
    kind: SignUpKind,
    link: Option<Link>,
    ip: IpAddr,
) -> Result<NewAccount> {
    let settings = &target.config.settings;
    open_to_sign_up(state, tenant, target).await?;
    match kind {
        SignUpKind::Account => {
            required(&body.user_name, "userName")?;
            required(&body.pwd, "pwd")?;
        }
        SignUpKind::Phone => {
            required(&body.phone, "phone")?;
            required(&body.phone_code, "phoneCode")?;
        }
        SignUpKind::Email => {
            required(&body.email, "email")?;
            required(&body.email_code, "emailCode")?;
        }
        SignUpKind::Linked => {}
    }
    if let Some(password) = given(&body.pwd) {
        super::check_password(settings, password)?;
    }
    let default_name = match kind {
        SignUpKind::Account => None,
        SignUpKind::Phone => given(&body.phone).map(str::to_string),
        SignUpKind::Email => given(&body.email).map(str::to_string),
        SignUpKind::Linked => link.as_ref().map(|(platform, union_id)| linked_name(platform, union_id)),
    };
    let user_name = given(&body.user_name).map(str::to_string).or(default_name).unwrap_or_default();
    validate::token("userName", &user_name, 64)?;
    let mut user = User {
        id: 0,
        user_name,
        email: None,
        email_confirmed: false,
        phone_number: None,
        phone_number_confirmed: false,
        nick_name: given(&body.nick_name).unwrap_or_default().to_string(),
        avatar: given(&body.avatar).unwrap_or_default().to_string(),
        data: given(&body.data).unwrap_or_default().to_string(),
        roles: Vec::new(),
        claims: Vec::new(),
        profiles: Vec::new(),
        parent_user_id: None,
        is_deleted: false,
        create_date: Default::default(),
        last_update_time: Default::default(),
    };
    validate::length("data", &user.data, 0, 4000)?;
    user_rules::check(&user)?;
    let mut checked = Vec::new();
    let phone = (Channel::Sms, "phone", "phoneCode");
    if let Some((phone, code)) =
        proven(state, tenant, phone, (given(&body.phone), given(&body.phone_code)), settings.verify_phone_on_sign_up)
            .await?
    {
        (user.phone_number, user.phone_number_confirmed) = (Some(phone), code.is_some());
        checked.extend(code);
    }
    let email = (Channel::Email, "email", "emailCode");
    if let Some((email, code)) =
        proven(state, tenant, email, (given(&body.email), given(&body.email_code)), settings.verify_email_on_sign_up)
            .await?
    {
        (user.email, user.email_confirmed) = (Some(email), code.is_some());
        checked.extend(code);
    }
    sign_up::count_sign_up(state, tenant, (format!("signup:app:{}", target.client.id), "for this app"), ip).await?;
    let password_hash = match given(&body.pwd) {
        Some(password) => Some(state.passwords.hash(password.to_string()).await?),
        None => None,
    };
    Ok(NewAccount { user, password_hash, codes: checked, link })
}

/// Refuses a sign-up through `target` unless the app takes sign-ups (off
/// until an admin turns it on), it is not the bootstrap admin client (never,
/// whatever its settings say), and its tenant is open to registration.
/// Every end-user sign-up path comes here: the `*SignUp` operations, QR
/// auto-registration, seed 004's `mobile` and `sign` grants and
/// `/users/register`.
async fn open_to_sign_up(state: &State, tenant: &TenantRef, target: &AppRef) -> Result<()> {
    if !target.config.settings.sign_up_enabled {
        return Err(Error::Forbidden("sign-up is disabled for this app".into()));
    }
    if clients::is_bootstrap(&mut *state.store.conn().await?, target.client.id).await? {
        return Err(Error::Forbidden("sign-up is never open through the bootstrap admin client".into()));
    }
    sign_up::open_to_registration(state, tenant).await
}

/// Writes a prepared account in `tx` at `now`: codes used up, the user, its
/// link and its sign-up bonus.
pub async fn create(tx: &mut Tx, tenant: &TenantRef, target: &AppRef, account: NewAccount, now: i64) -> Result<User> {
    for code in account.codes {
        verification_codes::consume(tx, code, now).await?;
    }
    let mut user = account.user;
    user_rules::check_name_is_own_contact(&user)?;
    // A verified contact already in use is refused by its unique index (409).
    user.id = users::insert(tx, tenant.id, &(&user).into(), account.password_hash.as_deref(), now).await?;
    if let Some((platform, union_id)) = &account.link {
        user_links::insert(tx, tenant.id, (platform, union_id), user.id, target.client.id, now).await?;
    }
    let bonus = target.config.settings.sign_up_bonus_points;
    if bonus > 0 {
        let change = Change {
            app_id: target.client.id,
            user_id: user.id,
            amount: bonus,
            remark: "sign-up bonus",
            credited_by: "sign-up",
            idempotency: None,
        };
        points::apply(tx, change, now).await?;
    }
    Ok(user)
}

/// A sign-up through one of the `*SignUp` operations.
pub async fn sign_up(
    state: &State,
    tenant: &TenantRef,
    target: &AppRef,
    body: SignUp,
    kind: SignUpKind,
    ip: IpAddr,
) -> Result<AppToken> {
    let link = match kind {
        SignUpKind::Linked => {
            require_union_id_sign_in(target)?;
            Some(link(required(&body.platform, "platform")?, required(&body.union_id, "unionID")?)?)
        }
        _ => None,
    };
    let account = prepare(state, tenant, target, &body, kind, link.clone(), ip).await?;
    let mut tx = state.store.begin().await?;
    let user = create(&mut tx, tenant, target, account, state.clock.now_ms()).await?;
    let (platform, union_id) = link.unwrap_or_default();
    let how = How {
        method: kind.method(),
        platform: &platform,
        union_id: &union_id,
        days: days(target),
        scope: "",
        consented: false,
    };
    let token = tokens::issue(state, &mut tx, tenant, target, &user, how).await?;
    tx.commit().await?;
    Ok(token)
}

pub fn require_union_id_sign_in(target: &AppRef) -> Result<()> {
    if target.config.settings.union_id_sign_in_enabled {
        Ok(())
    } else {
        Err(Error::Forbidden("unionID sign-in is not enabled for this app".into()))
    }
}

fn days(target: &AppRef) -> i64 {
    target.config.settings.token_lifetime_days
}

/// Issues a plain sign-in token for `user_id`.
pub async fn signed_in(
    state: &State,
    tenant: &TenantRef,
    target: &AppRef,
    user_id: i64,
    how: How<'_>,
) -> Result<AppToken> {
    let mut tx = state.store.begin().await?;
    let user = users::get(&mut tx, tenant.id, user_id)
        .await?
        .map(User::from)
        .ok_or_else(|| Error::NotFound("the account no longer exists".into()))?;
    let token = tokens::issue(state, &mut tx, tenant, target, &user, how).await?;
    tx.commit().await?;
    Ok(token)
}

/// A sign-in with no third-party identity and no scopes.
fn plain(method: SignInMethod, target: &AppRef) -> How<'static> {
    How { method, platform: "", union_id: "", days: days(target), scope: "", consented: false }
}

/// The user `login` and `password` identify, with the hosted login's
/// throttling and its one message for every failure.
pub async fn password_user(state: &State, tenant: &TenantRef, login: &str, password: &str, ip: IpAddr) -> Result<i64> {
    match login::check_password(state, tenant, login, password, ip).await? {
        Ok(user) => Ok(user),
        Err(failure) => Err(failure.into()),
    }
}

pub async fn sign_in(
    state: &State,
    tenant: &TenantRef,
    target: &AppRef,
    body: PasswordSignIn,
    ip: IpAddr,
) -> Result<AppToken> {
    let login = required(&body.user_name, "userName")?;
    let password = required(&body.pwd, "pwd")?;
    let user = password_user(state, tenant, login, password, ip).await?;
    signed_in(state, tenant, target, user, plain(SignInMethod::Account, target)).await
}

/// Sign-in with a `signin` code sent to a phone or email.
pub async fn code_sign_in(
    state: &State,
    tenant: &TenantRef,
    target: &AppRef,
    (channel, field): (Channel, &str),
    destination: Option<&str>,
    code: Option<&str>,
) -> Result<AppToken> {
    let destination = destination.ok_or_else(|| Error::BadRequest(format!("`{field}` is required")))?;
    let code = code.ok_or_else(|| Error::BadRequest("`verifyCode` is required".into()))?;
    let destination = channel.normalize(field, destination)?;
    let checked = verification_codes::check(state, tenant, (channel, &destination), CodePurpose::Signin, code).await?;
    let contact = if channel == Channel::Sms { Contact::Phone } else { Contact::Email };
    let mut tx = state.store.begin().await?;
    verification_codes::consume(&mut tx, checked, state.clock.now_ms()).await?;
    // The row is locked from read to write, so a concurrent admin edit is
    // neither undone by this save nor lost.
    let user = match users::by_contact(&mut tx, tenant.id, contact, &destination).await? {
        Some(id) => {
            lock(&mut tx, Table::Users, tenant.id, id).await?;
            users::get(&mut tx, tenant.id, id).await?.map(User::from)
        }
        None => None,
    };
    let user = user.ok_or_else(|| Error::NotFound(format!("no account uses this {}", channel.noun())))?;
    let how = plain(if channel == Channel::Sms { SignInMethod::Phone } else { SignInMethod::Email }, target);
    let token = tokens::issue(state, &mut tx, tenant, target, &user, how).await?;
    tx.commit().await?;
    Ok(token)
}

/// The user linked to an identity the caller sent (a unionID is an
/// identifier, not a secret): looked up only while the client address is
/// under its failure limit, and a miss counts as a failed sign-in of that
/// address (429 once locked).
pub async fn linked_user(
    state: &State,
    tenant: &TenantRef,
    ip: IpAddr,
    (platform, union_id): (&str, &str),
) -> Result<Option<i64>> {
    login::by_identifier(state, ip, async |conn| user_links::user(conn, tenant.id, platform, union_id).await)
        .await?
        .map_err(Error::from)
}

pub async fn union_id_sign_in(
    state: &State,
    tenant: &TenantRef,
    target: &AppRef,
    (platform, union_id): (Option<&str>, Option<&str>),
    ip: IpAddr,
) -> Result<AppToken> {
    require_union_id_sign_in(target)?;
    let platform = platform.ok_or_else(|| Error::BadRequest("`platform` is required".into()))?;
    let union_id = union_id.ok_or_else(|| Error::BadRequest("`unionID` is required".into()))?;
    let (platform, union_id) = link(platform, union_id)?;
    let user = linked_user(state, tenant, ip, (&platform, &union_id))
        .await?
        .ok_or_else(|| Error::NotFound("no account is linked to this identity".into()))?;
    let how = How {
        method: SignInMethod::UnionId,
        platform: &platform,
        union_id: &union_id,
        days: days(target),
        scope: "",
        consented: false,
    };
    signed_in(state, tenant, target, user, how).await
}

/// Sets a new password (at least the minimum length of `settings`) with a
/// `forgetpwd` code. An unknown address and a wrong code answer alike.
pub async fn reset_password(
    state: &State,
    tenant: &TenantRef,
    settings: &AppSettings,
    body: ResetPassword,
) -> Result<bool> {
    let (channel, field, destination) = match (given(&body.phone), given(&body.email)) {
        (Some(phone), _) => (Channel::Sms, "phone", phone),
        (None, Some(email)) => (Channel::Email, "email", email),
        (None, None) => return Err(Error::BadRequest("`phone` or `email` is required".into())),
    };
    let code = required(&body.code, "code")?;
    let password = required(&body.pwd, "pwd")?;
    super::check_password(settings, password)?;
    let destination = channel.normalize(field, destination)?;
    let checked =
        verification_codes::check(state, tenant, (channel, &destination), CodePurpose::Forgetpwd, code).await?;
    let hash = state.passwords.hash(password.to_string()).await?;
    let contact = if channel == Channel::Sms { Contact::Phone } else { Contact::Email };
    let now = state.clock.now_ms();
    let mut tx = state.store.begin().await?;
    verification_codes::consume(&mut tx, checked, now).await?;
    // The row is locked from read to write, so a concurrent admin edit is
    // neither undone by this save nor lost.
    let user = match users::by_contact(&mut tx, tenant.id, contact, &destination).await? {
        Some(id) => {
            lock(&mut tx, Table::Users, tenant.id, id).await?;
            users::get(&mut tx, tenant.id, id).await?.map(User::from)
        }
        None => None,
    };
    let user = user.ok_or_else(|| verification_codes::wrong_code(channel))?;
    users::save(&mut tx, tenant.id, &(&user).into(), Some(&hash), now).await?;
    // Failed sign-ins before the reset no longer count against the account.
    login::clear_failures(&mut tx, tenant.id, user.id).await?;
    user_access::end_all(&mut tx, tenant.id, user.id, now).await?;
    tx.commit().await?;
    state.revocations_changed().await?;
    Ok(true)
}

pub async fn profile(state: &State, tenant: &TenantRef, target: &AppRef, user_id: i64) -> Result<Profile> {
    let mut conn = state.store.conn().await?;
    let user = users::get(&mut conn, tenant.id, user_id)
        .await?
        .map(User::from)
        .ok_or_else(|| Error::NotFound("the account no longer exists".into()))?;
    let (platform, union_id) = user_links::first_of(&mut conn, user_id).await?.unwrap_or_default();
    Ok(Profile {
        app_id: target.client.id,
        platform,
        union_id,
        phone: user.phone_number.unwrap_or_default(),
        create_date: date(user.create_date.timestamp_millis()),
        user_name: user.user_name,
        phone_is_valid: user.phone_number_confirmed,
        data: (!user.data.is_empty()).then_some(user.data),
        email: user.email.unwrap_or_default(),
        email_is_valid: user.email_confirmed,
        last_update: date(user.last_update_time.timestamp_millis()),
        nick_name: user.nick_name,
        id: user.id,
        avatar: user.avatar,
        role: target.config.settings.default_role.clone(),
    })
}

/// `PUT Profile`: the user's row locked from read to write, and only its
/// profile columns written.
pub async fn update_profile(state: &State, tenant: &TenantRef, user_id: i64, body: ProfileUpdate) -> Result<bool> {
    let mut tx = state.store.begin().await?;
    lock(&mut tx, Table::Users, tenant.id, user_id).await?;
    let mut user = users::get(&mut tx, tenant.id, user_id)
        .await?
        .map(User::from)
        .ok_or_else(|| Error::NotFound("the account no longer exists".into()))?;
    if let Some(avatar) = given(&body.avatar) {
        user.avatar = avatar.to_string();
    }
    if let Some(nick_name) = given(&body.nick_name) {
        user.nick_name = nick_name.to_string();
    }
    if let Some(data) = given(&body.data) {
        user.data = data.to_string();
    }
    validate::length("data", &user.data, 0, 4000)?;
    user_rules::check(&user)?;
    users::save_profile(&mut tx, tenant.id, &(&user).into(), state.clock.now_ms()).await?;
    tx.commit().await?;
    Ok(true)
}
