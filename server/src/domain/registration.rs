//! Seed 001's registration and forgotten password by phone code at tenant
//! level (OAuthApp's `/api/User/SmsCode`, `/EmailCode`, `/Register`,
//! `/ResetPassword`),
//! anonymous, for the tenant the Host header selects. They run on the
//! end-user API's machinery — its codes, sign-up caps and password reset —
//! with no app: the default end-user settings stand in for an app's.

use super::app_users::accounts;
use super::app_users::given;
use super::app_users::verification_codes::{self, Channel};
use super::sign_up::{count_sign_up, open, open_to_registration};
use super::users;
use crate::error::{Error, Result};
use crate::state::State;
use crate::store::{self, tenants::TenantRef};
use keyward_api::app_settings::AppSettings;
use keyward_api::app_user::{CodePurpose, ResetPassword};
use keyward_api::error_codes::BusinessCode;
use keyward_api::user::{User, UserPasswordReset, UserRegister};
use std::net::IpAddr;

fn phone(value: &str) -> Result<String> {
    Channel::Sms.normalize("phoneNumber", value.trim())
}

/// Sends a registration (`Signup`) or password-reset (`Forgetpwd`) code to
/// `destination` (`field` of the body) over `channel`.
pub async fn send_code(
    state: &State,
    log: &slog::Logger,
    tenant: &TenantRef,
    (channel, field, destination): (Channel, &str, &str),
    purpose: CodePurpose,
    ip: IpAddr,
) -> Result<bool> {
    if purpose == CodePurpose::Signup {
        open_to_registration(state, tenant).await?;
    } else {
        open(tenant)?;
    }
    let destination = channel.normalize(field, destination.trim())?;
    verification_codes::send(state, log, tenant, &AppSettings::default(), (channel, &destination), purpose, ip).await?;
    Ok(true)
}

/// Creates the user a registration code proves the phone number of; its id.
pub async fn register(state: &State, tenant: &TenantRef, body: UserRegister, ip: IpAddr) -> Result<i64> {
    open_to_registration(state, tenant).await?;
    let phone = phone(&body.phone_number)?;
    users::check_password(&body.password)?;
    let email = given(&body.email).map(|email| Channel::Email.normalize("email", email.trim())).transpose()?;
    let email_code = given(&body.email_verify_code).map(str::trim);
    if email_code.is_some() && email.is_none() {
        return Err(Error::Invalid("`emailVerifyCode` proves `email`, which is missing".into()));
    }
    let user = User {
        user_name: given(&body.user_name).unwrap_or(&phone).to_string(),
        email: email.clone(),
        email_confirmed: email_code.is_some(),
        phone_number: Some(phone.clone()),
        phone_number_confirmed: true,
        nick_name: given(&body.nick_name).unwrap_or_default().to_string(),
        parent_user_id: body.referee_id,
        ..User::default()
    };
    users::check(&user)?;
    users::check_name_is_own_contact(&user)?;
    let code = body.phone_number_verify_code.trim();
    let checked = verification_codes::check(state, tenant, (Channel::Sms, &phone), CodePurpose::Signup, code).await?;
    let email_checked = match (&email, email_code) {
        (Some(email), Some(code)) => Some(
            verification_codes::check(state, tenant, (Channel::Email, email), CodePurpose::Signup, code)
                .await
                .map_err(|error| match error {
                    Error::BadRequest(message) => {
                        Error::Coded(BusinessCode::EmailVerifyCodeError, Box::new(Error::BadRequest(message)))
                    }
                    other => other,
                })?,
        ),
        _ => None,
    };
    // After the code: only its holder learns whether a referrer id exists.
    users::check_referrer(&mut *state.store.conn().await?, tenant.id, user.parent_user_id).await?;
    count_sign_up(state, tenant, (format!("signup:tenant:{}", tenant.id), "in this tenant"), ip).await?;
    let hash = state.passwords.hash(body.password).await?;
    let now = state.clock.now_ms();
    let mut tx = state.store.begin().await?;
    verification_codes::consume(&mut tx, checked, now).await?;
    if let Some(checked) = email_checked {
        verification_codes::consume(&mut tx, checked, now).await?;
    }
    let id =
        store::users::insert(&mut tx, tenant.id, &(&user).into(), Some(&hash), now).await.map_err(
            |error| match error {
                Error::Conflict(message) if message.contains("phone number") => {
                    Error::Coded(BusinessCode::PhoneNumberExists, Box::new(Error::Conflict(message)))
                }
                Error::Conflict(message) if message.contains("email") => {
                    Error::Coded(BusinessCode::EmailExists, Box::new(Error::Conflict(message)))
                }
                other => other,
            },
        )?;
    tx.commit().await?;
    Ok(id)
}

/// Sets the password of the user whose verified phone number received the
/// password-reset code.
pub async fn reset_password(state: &State, tenant: &TenantRef, body: UserPasswordReset) -> Result<bool> {
    open(tenant)?;
    users::check_password(&body.password)?;
    let reset = ResetPassword {
        phone: Some(phone(&body.phone_number)?),
        email: None,
        code: Some(body.phone_number_verify_code),
        pwd: Some(body.password),
    };
    accounts::reset_password(state, tenant, &AppSettings::default(), reset).await
}
