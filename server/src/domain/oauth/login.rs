//! Checking a user's password, with per-account and per-IP throttling held
//! in the database, and opening browser sessions.

use crate::crypto::secret;
use crate::error::{Error, Result};
use crate::state::State;
use crate::store::sessions::{self, Session};
use crate::store::throttle::{self, Failures};
use crate::store::{Conn, tenants::TenantRef, users};
use std::net::IpAddr;
use tokio::sync::OnceCell;

/// Failures allowed per account, and per client IP, within the window.
const ACCOUNT_LIMIT: i64 = 5;
const IP_LIMIT: i64 = 20;
const WINDOW_MS: i64 = throttle::WINDOW.as_millis() as i64;
/// How long a hosted-login session lasts.
pub const SESSION_LIFETIME_MS: i64 = 12 * 3600 * 1000;

/// Why a sign-in failed. Deliberately does not say which part was wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginFailure {
    Incorrect,
    /// Sign-in is locked for this many more seconds (for `Retry-After`).
    Throttled {
        retry_after: u64,
    },
}

impl LoginFailure {
    pub fn message(self) -> &'static str {
        match self {
            LoginFailure::Incorrect => "The sign-in name or password is incorrect.",
            LoginFailure::Throttled { .. } => "Too many failed sign-ins. Wait a few minutes and try again.",
        }
    }
}

/// The end-user API's answer to a failed sign-in: 401, or 429 while locked.
impl From<LoginFailure> for Error {
    fn from(failure: LoginFailure) -> Self {
        let message = failure.message().to_string();
        match failure {
            LoginFailure::Incorrect => Error::Unauthorized(message),
            LoginFailure::Throttled { retry_after } => Error::TooMany { message, retry_after: Some(retry_after) },
        }
    }
}

/// The lock on sign-in while any of `counted` (failures, limit) is at its
/// limit: until the last of those windows closes.
fn lock(now: i64, counted: &[(Failures, i64)]) -> Option<LoginFailure> {
    let ends = counted.iter().filter(|(f, limit)| f.count >= *limit).map(|(f, _)| f.window_start + WINDOW_MS).max()?;
    Some(LoginFailure::Throttled { retry_after: ((ends - now).max(0) as u64).div_ceil(1000).max(1) })
}

/// A hash to verify against when no user matches, so that an unknown name
/// takes as long as a wrong password.
async fn decoy_hash(state: &State) -> Result<&'static str> {
    static DECOY: OnceCell<String> = OnceCell::const_new();
    Ok(DECOY.get_or_try_init(|| state.passwords.hash(secret::generate())).await?.as_str())
}

/// The id of the live user of `tenant` that `login` (user name, email or
/// phone) and `password` identify.
///
/// The attempt is reserved under the account and the client address before
/// the password is checked, and settled after (a failure unless it
/// matches): however many guesses arrive at once, no more are evaluated than
/// the limit allows. A place in the hashing queue is taken first, so a guess turned
/// away as busy counts nothing.
pub async fn check_password(
    state: &State,
    tenant: &TenantRef,
    login: &str,
    password: &str,
    ip: IpAddr,
) -> Result<Result<i64, LoginFailure>> {
    let slot = state.passwords.slot()?;
    let found = users::by_login(&mut *state.store.conn().await?, tenant.id, login.trim()).await?;
    let account_key = match &found {
        Some((id, _)) => user_key(tenant.id, *id),
        None => unknown_login_key(tenant.id, login),
    };
    let ip_key = ip_key(ip);
    if let Some(locked) = reserve(state, &[(&account_key, ACCOUNT_LIMIT), (&ip_key, IP_LIMIT)]).await? {
        return Ok(Err(locked));
    }
    let (user, hash) = match found {
        Some((id, Some(hash))) => (Some(id), hash),
        _ => (None, decoy_hash(state).await?.to_string()),
    };
    let matches = slot.verify(password.to_string(), hash).await?;
    match user.filter(|_| matches) {
        Some(id) => {
            throttle::clear(&mut *state.store.conn().await?, &account_key).await?;
            settle(state, &[&ip_key], false).await?;
            Ok(Ok(id))
        }
        None => {
            settle(state, &[&account_key, &ip_key], true).await?;
            Ok(Err(LoginFailure::Incorrect))
        }
    }
}

/// The failure counter of a user's account: one for every name it signs in
/// by (user name, verified email, verified phone), so that spreading
/// guesses over them gains nothing.
fn user_key(tenant: i64, user: i64) -> String {
    format!("account:{tenant}:user:{user}")
}

/// The failure counter of a login that names nobody, per spelling: an
/// unknown name is locked like a known one, so locking tells nobody which
/// names exist.
/// Hashed: a login that names no one is often a password typed in the
/// wrong field, and the throttle table must not keep it.
fn unknown_login_key(tenant: i64, login: &str) -> String {
    format!("account:{tenant}:login:{}", crate::crypto::secret::digest(&login.trim().to_lowercase()))
}

/// Forgets the failed sign-ins of `user` (its password was just reset or set).
pub async fn clear_failures(conn: &mut Conn, tenant: i64, user: i64) -> Result<()> {
    throttle::clear(conn, &user_key(tenant, user)).await
}

/// Reserves an attempt under each (key, limit), all or none: the lock of
/// the first key whose failures reached its limit, or `None` when every key
/// took the attempt ([`settle`] it after). A key that is not locked but has
/// as many attempts in flight as it may still fail is busy for a moment.
pub async fn reserve(state: &State, limits: &[(&str, i64)]) -> Result<Option<LoginFailure>> {
    let now = state.clock.now_ms();
    let since = now - WINDOW_MS;
    let mut tx = state.store.begin().await?;
    for &(key, limit) in limits {
        if !throttle::reserve(&mut tx, key, limit, now, since).await? {
            let failures = throttle::failures(&mut tx, key, since).await?;
            return match lock(now, &[(failures, limit)]) {
                Some(locked) => Ok(Some(locked)),
                None => Err(Error::Busy {
                    message: "other sign-in attempts for this account or address are being checked; try again".into(),
                    retry_after: 1,
                }),
            };
        }
    }
    tx.commit().await?;
    Ok(None)
}

/// Settles the attempts [`reserve`]d under `keys`: failures, or not.
pub async fn settle(state: &State, keys: &[&str], failed: bool) -> Result<()> {
    let mut conn = state.store.conn().await?;
    for key in keys {
        throttle::settle(&mut conn, key, failed).await?;
    }
    Ok(())
}

/// The throttling bucket of a client address: IPv6 clients get a /64 each,
/// as one host usually holds a whole /64.
fn ip_key(ip: IpAddr) -> String {
    format!("ip:{}", crate::domain::address::bucket(ip))
}

/// Looks up a user by an identifier that is itself the credential (a
/// unionID): `find` runs only while `ip` is under its failure limit, and
/// the lookup counts as a failure of that IP until it finds someone.
pub async fn by_identifier<F>(state: &State, ip: IpAddr, find: F) -> Result<Result<Option<i64>, LoginFailure>>
where
    F: AsyncFnOnce(&mut crate::store::Conn) -> Result<Option<i64>>,
{
    let key = ip_key(ip);
    if let Some(locked) = reserve(state, &[(&key, IP_LIMIT)]).await? {
        return Ok(Err(locked));
    }
    let found = find(&mut *state.store.conn().await?).await?;
    settle(state, &[&key], found.is_none()).await?;
    Ok(Ok(found))
}

/// Opens a session for a user who just signed in.
pub async fn open_session(state: &State, tenant: &TenantRef, user_id: i64) -> Result<Session> {
    let now = state.clock.now_ms();
    let session = Session { id: secret::generate(), user_id, auth_time: now / 1000 };
    sessions::insert(&mut *state.store.conn().await?, tenant.id, &session, now + SESSION_LIFETIME_MS).await?;
    Ok(session)
}
