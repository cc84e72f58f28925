//! RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0). A request
//! without a valid `id_token_hint` could come from any site, so it ends the
//! session only once the user confirms (§2: the OP should ask).

use crate::claims::{ID_TOKEN_TYP, IdClaims};
use crate::error::Result;
use crate::state::State;
use crate::store::{sessions, tenants::TenantRef};
use keyward_api::oauth::LogoutRequest;

/// Where the browser goes after signing out.
pub enum LoggedOut {
    /// Back to the client's registered post-logout URI, with `state`.
    Redirect { uri: String, state: Option<String> },
    /// A page saying the user is signed out, with a note when a requested
    /// redirect was refused.
    Page(Option<&'static str>),
    /// Nothing done yet: the user is asked to confirm this request (its hint dropped).
    Confirm(LogoutRequest),
}

/// The client an ID token hint names, if it is one of this tenant's ID
/// tokens. The hint may have expired; only its signature and issuer matter.
async fn hinted_client(state: &State, tenant: &TenantRef, hint: &str) -> Option<String> {
    match state.keys.verify::<IdClaims>(tenant.id, hint).await {
        Ok((header, claims)) if header.typ.as_deref() == Some(ID_TOKEN_TYP) && claims.iss == tenant.issuer => {
            Some(claims.aud)
        }
        _ => None,
    }
}

/// Ends the browser session (if any) when the request has a valid hint or
/// was `confirmed`, and decides where to go.
pub async fn logout(
    state: &State,
    tenant: &TenantRef,
    session: Option<&str>,
    request: LogoutRequest,
    confirmed: bool,
) -> Result<LoggedOut> {
    let hinted = match request.id_token_hint.as_deref() {
        Some(hint) => hinted_client(state, tenant, hint).await,
        None => None,
    };
    if hinted.is_none() && !confirmed {
        return Ok(LoggedOut::Confirm(LogoutRequest { id_token_hint: None, ..request }));
    }
    if let Some(id) = session {
        sessions::end(&mut *state.store.conn().await?, tenant.id, id, state.clock.now_ms()).await?;
    }
    let Some(target) = request.post_logout_redirect_uri.as_deref() else { return Ok(LoggedOut::Page(None)) };
    let refused = Ok(LoggedOut::Page(Some("The application's return address was not accepted.")));
    let client_id = match (hinted, request.client_id) {
        (Some(hinted), Some(named)) if hinted != named => return refused,
        (Some(id), _) | (None, Some(id)) => id,
        (None, None) => return refused,
    };
    let registered = match state.client(tenant.id, &client_id).await? {
        Some((client, _)) => client.post_logout_redirect_uris.iter().any(|u| u.post_logout_redirect_uri == target),
        None => false,
    };
    if !registered {
        return refused;
    }
    Ok(LoggedOut::Redirect { uri: target.to_string(), state: request.state })
}
