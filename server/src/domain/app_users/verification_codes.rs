//! Verification codes: 6 digits, stored as a MAC, bound to a destination and
//! a purpose, valid 10 minutes and once, at most 5 wrong attempts; sends
//! limited to one per destination per 60 s and daily caps per destination
//! and per client address.

use crate::delivery::Sms;
use crate::domain::validate;
use crate::error::{Error, Result};
use crate::state::State;
use crate::store::verification_codes::{self as stored, Limit, Refused, Target};
use crate::store::{Conn, tenants::TenantRef};
use keyward_api::app_settings::AppSettings;
use keyward_api::app_user::CodePurpose;
use keyward_api::error_codes::BusinessCode;
use rand::Rng;
use std::net::IpAddr;

pub const TTL_SECS: i64 = 600;
const MAX_ATTEMPTS: i64 = 5;
const RESEND_MS: i64 = 60_000;
const DEFAULT_DAILY: i64 = 10;
const DEFAULT_DAILY_PER_IP: i64 = 50;

/// How a code travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Sms,
    Email,
}

impl Channel {
    fn name(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Email => "email",
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            Channel::Sms => "phone number",
            Channel::Email => "email address",
        }
    }

    /// Checks a destination's form; emails compare in lower case.
    pub fn normalize(self, field: &str, destination: &str) -> Result<String> {
        match self {
            Channel::Sms => validate::phone(field, destination).map(|()| destination.to_string()),
            Channel::Email => validate::email(field, destination).map(|()| destination.to_lowercase()),
        }
    }
}

/// The purpose named by a send request's `type`.
pub fn purpose(value: Option<&str>) -> Result<CodePurpose> {
    match value {
        Some("signup") => Ok(CodePurpose::Signup),
        Some("signin") => Ok(CodePurpose::Signin),
        Some("forgetpwd") => Ok(CodePurpose::Forgetpwd),
        Some(other) => Err(Error::BadRequest(format!("`type` must be signup, signin or forgetpwd, not {other:?}"))),
        None => Err(Error::BadRequest("`type` is required (signup, signin or forgetpwd)".into())),
    }
}

fn target<'a>(tenant: &TenantRef, channel: Channel, destination: &'a str, purpose: CodePurpose) -> Target<'a> {
    Target { tenant: tenant.id, channel: channel.name(), destination, purpose: purpose.as_str() }
}

const MAC_PURPOSE: &str = "verification-code";

/// What a code's MAC covers: the code and everything it is bound to.
fn subject(t: Target<'_>, code: &str) -> String {
    format!("{}|{}|{}|{}|{code}", t.tenant, t.channel, t.destination, t.purpose)
}

/// An SMS failure under its business code (OAuthApp's `VerifyPhone_*`
/// codes concern phones only).
fn for_phone(channel: Channel, code: BusinessCode, error: Error) -> Error {
    if channel == Channel::Sms { Error::Coded(code, Box::new(error)) } else { error }
}

/// The answer to a code that is wrong, expired, used up, or for nobody.
pub fn wrong_code(channel: Channel) -> Error {
    let error = Error::BadRequest("the code is wrong or has expired".into());
    for_phone(channel, BusinessCode::PhoneNumberVerifyCodeError, error)
}

fn refused(channel: Channel, why: Refused) -> Error {
    let (message, wait, code) = match why {
        Refused::TooSoon(s) => (
            format!("a code was sent moments ago; wait {s} s before asking for another"),
            s,
            BusinessCode::VerifyPhoneTooManyRequests,
        ),
        Refused::DailyCap(s) => (
            format!("the daily limit of codes for this {} or address is reached; try again in {s} s", channel.noun()),
            s,
            BusinessCode::VerifyPhoneCallLimited,
        ),
    };
    for_phone(channel, code, Error::TooMany { message, retry_after: Some(wait.max(1) as u64) })
}

/// Sends a new code for `purpose` to `destination` (already normalized),
/// with the templates of `settings` (an app's, or the defaults). Whether an
/// account uses the destination is not looked at, so the answer reveals
/// nothing about it.
pub async fn send(
    state: &State,
    log: &slog::Logger,
    tenant: &TenantRef,
    settings: &AppSettings,
    (channel, destination): (Channel, &str),
    purpose: CodePurpose,
    ip: IpAddr,
) -> Result<()> {
    let delivery = &state.settings.delivery;
    let per_destination = Limit { daily: delivery.code_daily_limit.unwrap_or(DEFAULT_DAILY), interval_ms: RESEND_MS };
    let per_ip = Limit { daily: delivery.code_daily_limit_per_ip.unwrap_or(DEFAULT_DAILY_PER_IP), interval_ms: 0 };
    let code = format!("{:06}", rand::rng().random_range(0..1_000_000));
    let t = target(tenant, channel, destination, purpose);
    // Both counters and the code in one transaction: a refusal counts nothing.
    let now = state.clock.now_ms();
    let mut tx = state.store.begin().await?;
    let destination_key = format!("dest:{}:{}:{destination}", tenant.id, channel.name());
    if let Err(why) = stored::take(&mut tx, &destination_key, per_destination, now).await? {
        return Err(refused(channel, why));
    }
    let ip_key = format!("ip:{}:{}", tenant.id, crate::domain::address::bucket(ip));
    if let Err(why) = stored::take(&mut tx, &ip_key, per_ip, now).await? {
        return Err(refused(channel, why));
    }
    let mac = state.mac.tag(MAC_PURPOSE, &subject(t, &code));
    stored::insert(&mut tx, t, &mac, now + TTL_SECS * 1000, now).await?;
    tx.commit().await?;
    let sent = match channel {
        Channel::Email => {
            let body = settings.email_template.replace("{code}", &code);
            state.delivery.email(log, destination, &settings.email_subject, &body).await
        }
        Channel::Sms => {
            let text = settings.sms_template.replace("{code}", &code);
            let non_empty = |s: &str| (!s.is_empty()).then_some(s.to_string());
            let (template_code, sign_name) =
                (non_empty(&settings.sms_template_code), non_empty(&settings.sms_sign_name));
            let sms = Sms {
                phone: destination,
                text: &text,
                code: &code,
                template_code: template_code.as_deref(),
                sign_name: sign_name.as_deref(),
            };
            state.delivery.sms(log, sms).await
        }
    };
    if sent.is_err() {
        // A code nobody received must not stay usable.
        let now = state.clock.now_ms();
        if let Some(live) = stored::live(&mut *state.store.conn().await?, t, now).await? {
            stored::consume(&mut *state.store.conn().await?, t.tenant, live.id, now).await?;
        }
    }
    sent
}

/// A code that checked out, to be used up with [`consume`] in the
/// transaction that acts on it.
#[derive(Debug, Clone, Copy)]
pub struct Checked {
    tenant: i64,
    id: i64,
}

/// Checks `code` against the live code of the target. The attempt is
/// counted before the comparison (in its own write, so it sticks whatever
/// the caller does next): at most five comparisons per code, however many
/// arrive at once.
pub async fn check(
    state: &State,
    tenant: &TenantRef,
    (channel, destination): (Channel, &str),
    purpose: CodePurpose,
    code: &str,
) -> Result<Checked> {
    let wrong = || wrong_code(channel);
    let t = target(tenant, channel, destination, purpose);
    let mut conn = state.store.conn().await?;
    let live = stored::live(&mut conn, t, state.clock.now_ms()).await?.ok_or_else(wrong)?;
    if !stored::attempt(&mut conn, t.tenant, live.id, MAX_ATTEMPTS).await? {
        let message = "too many wrong attempts for this code; ask for a new one".into();
        return Err(Error::TooMany { message, retry_after: None });
    }
    let well_formed = code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit());
    if !well_formed || !state.mac.verify(MAC_PURPOSE, &subject(t, code), &live.code_mac) {
        return Err(wrong());
    }
    Ok(Checked { tenant: t.tenant, id: live.id })
}

/// Uses up a checked code at `now`; fails if a concurrent request used it first.
pub async fn consume(conn: &mut Conn, checked: Checked, now: i64) -> Result<()> {
    if stored::consume(conn, checked.tenant, checked.id, now).await? {
        Ok(())
    } else {
        Err(Error::BadRequest("the code is wrong or has expired".into()))
    }
}
