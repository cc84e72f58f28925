//! Seed 004's user and role endpoints: the `{status, message}` envelope,
//! HTTP basic client authentication, and the bearer rules checked by
//! [`authorize`].

use super::calls::{Ctx, authorize, ip, observed, tenant};
use super::oauth::basic_credentials;
use crate::domain::oauth::client_auth;
use crate::domain::{Acting, Caller};
use crate::error::Error;
use crate::state::State;
use crate::store::tenants::TenantRef;
use keyward_api::access::{Access, access};
use keyward_api::client::Client;
use keyward_api::spring::{SpringError, SpringReply, SpringResult};
use schemars::JsonSchema;
use serde::Serialize;
use std::future::Future;
use std::net::IpAddr;

/// A domain error in the seed's envelope: internal failures logged and not
/// shown, a 401 with the challenge of the operation's authentication, a
/// 429 or 503 with the seconds to wait.
fn spring_error(rqctx: &Ctx, error: Error) -> SpringError {
    let status = error.status();
    let (message, retry_after) = match error {
        Error::Internal(e) => {
            slog::error!(rqctx.log, "request failed"; "error" => format!("{e:#}"));
            return SpringError::new(500, "internal error; see the server log for the request id");
        }
        Error::TooMany { message, retry_after } => (message, retry_after),
        Error::Busy { message, retry_after } => (message, Some(retry_after)),
        other => (other.to_string(), None),
    };
    let challenge = (status == 401).then(|| match access(&rqctx.endpoint.operation_id) {
        Some(Access::Client) => r#"Basic realm="keyward", charset="UTF-8""#.to_string(),
        _ => r#"Bearer realm="keyward""#.to_string(),
    });
    SpringError { retry_after, challenge, ..SpringError::new(status, message) }
}

async fn reply<T>(rqctx: &Ctx, work: impl Future<Output = Result<T, Error>>) -> Result<SpringReply<T>, SpringError>
where
    T: Serialize + JsonSchema + Send + Sync + 'static,
{
    observed(rqctx, async {
        Ok(match work.await {
            Ok(message) => SpringReply::Done(SpringResult { status: 200, message }),
            Err(error) => SpringReply::Refused(spring_error(rqctx, error)),
        })
    })
    .await
}

/// A call authenticated by the client's `Authorization: Basic`.
pub async fn as_client<T>(
    rqctx: &Ctx,
    work: impl AsyncFnOnce(&State, &TenantRef, Client, IpAddr) -> Result<T, Error>,
) -> Result<SpringReply<T>, SpringError>
where
    T: Serialize + JsonSchema + Send + Sync + 'static,
{
    reply(rqctx, async {
        let state = rqctx.context();
        let tenant = tenant(rqctx).await?;
        let malformed = || Error::Unauthorized("`Authorization: Basic` client credentials are required".into());
        let basic = basic_credentials(rqctx).map_err(|_| malformed())?.ok_or_else(malformed)?;
        let client = client_auth::authenticate_basic(state, &tenant, basic, ip(rqctx)).await?;
        work(state, &tenant, client, ip(rqctx)).await
    })
    .await
}

/// A call needing the operation's admin permission on the bearer token.
pub async fn as_admin<T>(
    rqctx: &Ctx,
    work: impl AsyncFnOnce(&State, Caller) -> Result<T, Error>,
) -> Result<SpringReply<T>, SpringError>
where
    T: Serialize + JsonSchema + Send + Sync + 'static,
{
    reply(rqctx, async {
        let (caller, _) = authorize(rqctx, None).await?;
        work(rqctx.context(), caller).await
    })
    .await
}

/// A call on the account of user `target` (`None`: the bearer token's own
/// user), by the user themself or, where the rule allows, an admin — each
/// on the listener that serves it ([`State::serves_account_call`]).
pub async fn on_user<T>(
    rqctx: &Ctx,
    target: Option<i64>,
    work: impl AsyncFnOnce(&State, Caller, Acting) -> Result<T, Error>,
) -> Result<SpringReply<T>, SpringError>
where
    T: Serialize + JsonSchema + Send + Sync + 'static,
{
    reply(rqctx, async {
        let (caller, acting) = authorize(rqctx, target).await?;
        let acting = acting.ok_or_else(|| Error::Internal(anyhow::anyhow!("the rule names no user to act on")))?;
        let by_admin = matches!(acting, Acting::Admin(_));
        if !rqctx.context().serves_account_call(by_admin, rqctx.server.local_addr) {
            return Err(Error::NotFound("Not Found".into()));
        }
        work(rqctx.context(), caller, acting).await
    })
    .await
}
