//! What a user holds beyond their credentials — hosted-login sessions and
//! grants to clients (refresh-token families and the access tokens under
//! them) — listed and ended by admins, and ended when the password changes.

use super::{Caller, authority};
use crate::error::{Error, Result};
use crate::state::State;
use crate::store::{Conn, consents, grants, sessions, to_time, users};
use keyward_api::user::{UserGrant, UserSession};

async fn require_user(conn: &mut Conn, caller: &Caller, id: i64) -> Result<()> {
    match users::get(conn, caller.tenant.id, id).await? {
        Some(_) => Ok(()),
        None => Err(Error::NotFound(format!("user {id} does not exist"))),
    }
}

pub async fn sessions(state: &State, caller: &Caller, id: i64) -> Result<Vec<UserSession>> {
    let mut conn = state.store.conn().await?;
    require_user(&mut conn, caller, id).await?;
    let live = sessions::of_user(&mut conn, caller.tenant.id, id, state.clock.now_ms()).await?;
    Ok(live
        .into_iter()
        .map(|s| UserSession { auth_time: to_time(s.auth_time * 1000), expiration: to_time(s.expires_at) })
        .collect())
}

/// Ends the user's sessions: only of a user holding nothing beyond the
/// caller, who must not keep a stronger admin signed out.
pub async fn end_sessions(state: &State, caller: &Caller, id: i64) -> Result<i64> {
    let mut conn = state.store.conn().await?;
    require_user(&mut conn, caller, id).await?;
    authority::user(&mut conn, caller, id).await?;
    sessions::end_all(&mut conn, caller.tenant.id, id, state.clock.now_ms()).await
}

pub async fn grants(state: &State, caller: &Caller, id: i64) -> Result<Vec<UserGrant>> {
    let mut conn = state.store.conn().await?;
    require_user(&mut conn, caller, id).await?;
    let live = grants::live_of_user(&mut conn, caller.tenant.id, id, state.clock.now_ms()).await?;
    Ok(live
        .into_iter()
        .map(|g| UserGrant {
            id: g.id,
            client_id: g.client_id,
            scope: g.scope,
            consented: g.consented != 0,
            auth_time: to_time(g.auth_time * 1000),
            created: to_time(g.created_at),
            expiration: to_time(g.expires_at),
        })
        .collect())
}

/// Revokes the user's grants and forgets their consents, in one
/// transaction; as [`end_sessions`], only of a user holding nothing beyond
/// the caller.
pub async fn revoke_grants(state: &State, caller: &Caller, id: i64) -> Result<i64> {
    let mut tx = state.store.begin().await?;
    require_user(&mut tx, caller, id).await?;
    authority::user(&mut tx, caller, id).await?;
    let revoked = grants::revoke_user(&mut tx, caller.tenant.id, id, state.clock.now_ms()).await?;
    consents::delete_all(&mut tx, caller.tenant.id, id).await?;
    tx.commit().await?;
    state.revocations_changed().await?;
    Ok(revoked)
}

/// A new password ends what the old one opened: every session and grant of
/// the user, in the caller's transaction. After it commits, call
/// `app.revocations_changed` so the revoked JWTs are refused at once.
pub async fn end_all(conn: &mut Conn, tenant: i64, user: i64, now: i64) -> Result<()> {
    sessions::end_all(conn, tenant, user, now).await?;
    grants::revoke_user(conn, tenant, user, now).await?;
    Ok(())
}
