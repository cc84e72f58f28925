//! Seed 004's SMS-code endpoints: `/mobile/code/get` sends a `signin` code
//! to a client's user; `/mobile/code/verify` checks one without using it.

use super::client_auth::{self, Presented};
use super::grant_type::{self, GrantType};
use crate::domain::app_users::{
    self,
    verification_codes::{self, Channel},
};
use crate::error::{Error, Refusal};
use crate::state::State;
use crate::store::tenants::TenantRef;
use keyward_api::app_user::CodePurpose;
use keyward_api::client::Client;
use keyward_api::error::OAuthError;
use keyward_api::oauth::{CodeChecked, CodeSent, MobileCodeRequest};
use std::net::IpAddr;

/// `/mobile/code/get`: sends the client's user a `signin` code.
pub async fn send(
    state: &State,
    log: &slog::Logger,
    tenant: &TenantRef,
    basic: Option<(String, String)>,
    request: MobileCodeRequest,
    ip: IpAddr,
) -> Result<CodeSent, Refusal> {
    let client = mobile_client(state, tenant, basic, &request, ip).await?;
    let target = app_users::load(state, tenant, client.id).await?;
    let phone = Channel::Sms.normalize("mobile", &request.mobile)?;
    verification_codes::send(
        state,
        log,
        tenant,
        &target.config.settings,
        (Channel::Sms, &phone),
        CodePurpose::Signin,
        ip,
    )
    .await?;
    Ok(CodeSent { expires_in: verification_codes::TTL_SECS })
}

/// `/mobile/code/verify`: whether a code is right, without using it. Only
/// an app that may send codes checks them: a wrong code spends one of the
/// code's attempts, which a stranger must not spend for its owner.
pub async fn verify(
    state: &State,
    tenant: &TenantRef,
    basic: Option<(String, String)>,
    request: MobileCodeRequest,
    ip: IpAddr,
) -> Result<CodeChecked, Refusal> {
    let client = mobile_client(state, tenant, basic, &request, ip).await?;
    if !client.require_client_secret {
        // A public client authenticates with its id alone, which anyone can send.
        return Err(OAuthError::unauthorized_client(
            "checking a code without using it needs a confidential client: a public one redeems it at /mobile/token",
        )
        .into());
    }
    let phone = Channel::Sms.normalize("mobile", &request.mobile)?;
    let code = request
        .code
        .as_deref()
        .filter(|c| !c.is_empty())
        .ok_or_else(|| OAuthError::invalid_request("code is required"))?;
    match verification_codes::check(state, tenant, (Channel::Sms, &phone), CodePurpose::Signin, code)
        .await
        .map_err(Error::uncoded)
    {
        Ok(_) => Ok(CodeChecked { valid: true }),
        Err(Error::BadRequest(m)) => Err(OAuthError::invalid_grant(m).into()),
        Err(other) => Err(other.into()),
    }
}

/// The client the request authenticates as, if it may use the `mobile` grant.
async fn mobile_client(
    state: &State,
    tenant: &TenantRef,
    basic: Option<(String, String)>,
    request: &MobileCodeRequest,
    ip: IpAddr,
) -> Result<Client, Refusal> {
    let presented =
        Presented { basic, client_id: request.client_id.clone(), client_secret: request.client_secret.clone() };
    let client = client_auth::authenticate(state, tenant, presented, ip).await?;
    if !grant_type::allows(&client, GrantType::Mobile) {
        return Err(OAuthError::unauthorized_client("this client may not use the mobile grant").into());
    }
    Ok(client)
}
