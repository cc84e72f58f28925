//! Who may open an account, and how many: the tenant's registration switch
//! and the daily sign-up caps, asked by every path that creates an account
//! for an anonymous caller (the end-user API's sign-up and seed 001's
//! tenant-level registration, [`super::registration`]).

use crate::domain::address;
use crate::error::{Error, Result};
use crate::state::State;
use crate::store::verification_codes::{self as send_limits, Limit, Refused};
use crate::store::{self, tenants::TenantRef};
use std::net::IpAddr;

/// The tenant property that opens registration: anonymous callers create
/// accounts — here and through every app's end-user sign-up — only in a
/// tenant whose admins set `UserRegistration` to `enabled` (an unknown Host
/// selects the default, admin tenant, which must not take strangers'
/// accounts unasked).
pub const SWITCH: &str = "UserRegistration";

/// A disabled tenant takes no registrations nor resets.
pub fn open(tenant: &TenantRef) -> Result<()> {
    if tenant.is_disabled() { Err(Error::Forbidden("this tenant is disabled".into())) } else { Ok(()) }
}

/// As [`open`], and registration is switched on in the tenant ([`SWITCH`]):
/// asked of every path that creates an account for an anonymous caller.
pub async fn open_to_registration(state: &State, tenant: &TenantRef) -> Result<()> {
    open(tenant)?;
    let stored = store::tenants::get(&mut *state.store.conn().await?, tenant.id).await?;
    let switched_on = stored.is_some_and(|t| {
        t.properties
            .iter()
            .any(|p| p.key.eq_ignore_ascii_case(SWITCH) && p.value.trim().eq_ignore_ascii_case("enabled"))
    });
    if switched_on {
        Ok(())
    } else {
        Err(Error::Forbidden(format!("registration is not enabled in this tenant (its property `{SWITCH}`)")))
    }
}

/// Counts one sign-up against the daily caps of the client address (in its
/// tenant) and of its scope (an app, or a tenant-level registration: the
/// cap per app applies), both or neither, in the database every replica
/// shares.
pub async fn count_sign_up(state: &State, tenant: &TenantRef, (key, whose): (String, &str), ip: IpAddr) -> Result<()> {
    let limits = state.settings.sign_up_limits;
    let per_ip = (format!("signup:ip:{}:{}", tenant.id, address::bucket(ip)), limits.per_ip, "from this address");
    let per_app = (key, limits.per_app, whose);
    let mut tx = state.store.begin().await?;
    for (key, daily, whose) in [per_ip, per_app] {
        if let Err(Refused::DailyCap(wait) | Refused::TooSoon(wait)) =
            send_limits::take(&mut tx, &key, Limit { daily, interval_ms: 0 }, state.clock.now_ms()).await?
        {
            let message = format!("the daily limit of sign-ups {whose} is reached; try again in {wait} s");
            return Err(Error::TooMany { message, retry_after: Some(wait.max(1) as u64) });
        }
    }
    tx.commit().await?;
    Ok(())
}
