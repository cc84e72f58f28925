//! Seed 004's SMS-code endpoints: `/mobile/code/get` sends a `signin` code
//! to a client's user; `/mobile/code/verify` checks one without using it.

use super::client_auth::{self, Presented};
use super::token;
use crate::app::App;
use crate::domain::app_users::{
    self,
    codes::{self, Channel},
};
use crate::error::{Error, Refusal};
use crate::store::tenants::TenantRef;
use keyward_api::app_user::CodePurpose;
use keyward_api::error::OAuthError;
use keyward_api::oauth::{CodeChecked, CodeSent, MobileCodeRequest};
use std::net::IpAddr;

pub async fn send(
    app: &App,
    log: &slog::Logger,
    tenant: &TenantRef,
    basic: Option<(String, String)>,
    request: MobileCodeRequest,
    ip: IpAddr,
) -> Result<CodeSent, Refusal> {
    let presented = Presented { basic, client_id: request.client_id, client_secret: request.client_secret };
    let client = client_auth::authenticate(app, tenant, presented, ip).await?;
    if !token::allows(&client, "mobile") {
        return Err(OAuthError::unauthorized_client("this client may not use the mobile grant").into());
    }
    let target = app_users::load(app, tenant, client.id).await?;
    let phone = Channel::Sms.normalize("mobile", &request.mobile)?;
    codes::send(app, log, tenant, &target.config.settings, (Channel::Sms, &phone), CodePurpose::Signin, ip).await?;
    Ok(CodeSent { expires_in: codes::TTL_SECS })
}

pub async fn verify(app: &App, tenant: &TenantRef, request: MobileCodeRequest) -> Result<CodeChecked, Refusal> {
    let phone = Channel::Sms.normalize("mobile", &request.mobile)?;
    let code = request
        .code
        .as_deref()
        .filter(|c| !c.is_empty())
        .ok_or_else(|| OAuthError::invalid_request("code is required"))?;
    match codes::check(app, tenant, (Channel::Sms, &phone), CodePurpose::Signin, code).await.map_err(Error::uncoded) {
        Ok(_) => Ok(CodeChecked { valid: true }),
        Err(Error::BadRequest(m)) => Err(OAuthError::invalid_grant(m).into()),
        Err(other) => Err(other.into()),
    }
}
