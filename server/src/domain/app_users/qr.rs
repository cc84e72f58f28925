//! QR-code sign-in: the web page asks for a key (PreSignIn) and shows its QR
//! code; the app that scans it marks it scanned (Scan) and confirms with the
//! user's identity (SignUp); the page polls (SignIn) and gets the token once.
//! Keys live 5 minutes and are stored hashed.

use super::accounts::{self, SignUpKind, Who, link, require_union_id_sign_in};
use super::tokens::{self, How, SignInMethod};
use super::{AppRef, custom_scopes, given, required, wechat};
use crate::crypto::secret;
use crate::error::{Error, Result};
use crate::state::State;
use crate::store::qr::{self, DONE, OK, PENDING, SCANNED};
use crate::store::{tenants::TenantRef, user_links, users};
use keyward_api::app_user::{AppCard, AppToken, QrPreSignIn, SignUp};
use keyward_api::user::User;
use qrcode::{Color, QrCode};
use std::net::IpAddr;

const TTL_MS: i64 = 5 * 60 * 1000;

fn scheme(value: Option<&str>) -> Result<()> {
    match value {
        None | Some("app") => Ok(()),
        Some(other) => Err(Error::BadRequest(format!("`scheme` must be \"app\", not {other:?}"))),
    }
}

pub async fn pre_sign_in(state: &State, tenant: &TenantRef, target: &AppRef, body: QrPreSignIn) -> Result<String> {
    scheme(given(&body.scheme))?;
    let mut conn = state.store.conn().await?;
    let scopes = custom_scopes(&mut conn, tenant, &target.client, given(&body.scopes).unwrap_or_default()).await?;
    let remark = given(&body.remark).unwrap_or_default();
    crate::domain::validate::length("remark", remark, 0, 200)?;
    let key = uuid::Uuid::new_v4().simple().to_string();
    let now = state.clock.now_ms();
    qr::insert(&mut conn, &secret::digest(&key), tenant.id, target.client.id, &scopes, remark, (now, now + TTL_MS))
        .await?;
    Ok(key)
}

/// A sign-in of this app by key; 404 when unknown, 410 when expired.
async fn live(state: &State, tenant: &TenantRef, target: &AppRef, key: &str) -> Result<qr::QrSignIn> {
    let found = qr::get(&mut *state.store.conn().await?, &secret::digest(key), tenant.id).await?;
    let sign_in =
        found.filter(|s| s.app_id == target.client.id).ok_or_else(|| Error::NotFound("unknown signInKey".into()))?;
    if sign_in.expires_at <= state.clock.now_ms() {
        return Err(Error::Gone("the QR code has expired; refresh it".into()));
    }
    Ok(sign_in)
}

/// The QR code of a pending key, as PNG or SVG: (content type, bytes).
pub async fn image(
    state: &State,
    tenant: &TenantRef,
    target: &AppRef,
    key: &str,
    format: Option<&str>,
) -> Result<(&'static str, Vec<u8>)> {
    let sign_in = live(state, tenant, target, key).await?;
    if sign_in.status != PENDING {
        return Err(Error::Gone("this QR code was already scanned".into()));
    }
    let code = QrCode::new(key.as_bytes()).map_err(|e| Error::Internal(e.into()))?;
    match format.unwrap_or("png") {
        "png" => Ok(("image/png", png(&code)?)),
        "svg" => Ok(("image/svg+xml", svg(&code).into_bytes())),
        other => Err(Error::BadRequest(format!("`format` must be png or svg, not {other:?}"))),
    }
}

const QUIET: usize = 4;
const SCALE: usize = 8;

fn dark(code: &QrCode) -> impl Fn(usize, usize) -> bool + '_ {
    let width = code.width();
    let colors = code.to_colors();
    move |x, y| colors[y * width + x] == Color::Dark
}

fn png(code: &QrCode) -> Result<Vec<u8>> {
    let modules = code.width() + 2 * QUIET;
    let side = modules * SCALE;
    let is_dark = dark(code);
    let mut pixels = vec![255u8; side * side];
    for y in 0..code.width() {
        for x in 0..code.width() {
            if is_dark(x, y) {
                for dy in 0..SCALE {
                    let row = ((y + QUIET) * SCALE + dy) * side;
                    let start = row + (x + QUIET) * SCALE;
                    pixels[start..start + SCALE].fill(0);
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side as u32, side as u32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| Error::Internal(e.into()))?;
    writer.write_image_data(&pixels).map_err(|e| Error::Internal(e.into()))?;
    writer.finish().map_err(|e| Error::Internal(e.into()))?;
    Ok(out)
}

fn svg(code: &QrCode) -> String {
    let modules = code.width() + 2 * QUIET;
    let is_dark = dark(code);
    let mut path = String::new();
    for y in 0..code.width() {
        for x in 0..code.width() {
            if is_dark(x, y) {
                path.push_str(&format!("M{} {}h1v1h-1z", x + QUIET, y + QUIET));
            }
        }
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {modules} {modules}\" width=\"{}\" height=\"{}\" \
         shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>",
        modules * SCALE,
        modules * SCALE
    )
}

fn property(target: &AppRef, key: &str) -> String {
    target.client.properties.iter().find(|p| p.key == key).map(|p| p.value.clone()).unwrap_or_default()
}

/// The scanning app marks the key scanned and learns what to show.
pub async fn scan(state: &State, tenant: &TenantRef, target: &AppRef, key: &str) -> Result<AppCard> {
    let sign_in = live(state, tenant, target, key).await?;
    if !qr::advance(
        &mut *state.store.conn().await?,
        tenant.id,
        &secret::digest(key),
        PENDING,
        SCANNED,
        None,
        state.clock.now_ms(),
    )
    .await?
    {
        return Err(Error::Conflict("this QR code was already scanned".into()));
    }
    Ok(AppCard {
        app_id: target.client.id,
        name: target.client.client_name.clone(),
        logo: property(target, "logo"),
        website: property(target, "website"),
        description: target.client.description.clone(),
        tags: property(target, "tags"),
        scopes: sign_in.scopes,
        remark: sign_in.remark,
        scheme: "app".into(),
    })
}

/// The scanning app confirms: the user linked to the identity (created if
/// new) becomes the key's user; the scanning side gets a token too.
pub async fn sign_up(
    state: &State,
    (log, ip): (&slog::Logger, IpAddr),
    tenant: &TenantRef,
    target: &AppRef,
    body: SignUp,
) -> Result<AppToken> {
    let key = required(&body.sign_in_key, "signInKey")?.to_string();
    let sign_in = live(state, tenant, target, &key).await?;
    if sign_in.status != SCANNED {
        return Err(Error::Conflict(match sign_in.status.as_str() {
            PENDING => "scan the QR code (QRCodeScan) before confirming".into(),
            _ => "this QR code was already used".to_string(),
        }));
    }
    let platform = given(&body.platform).unwrap_or("wxminip");
    let (union_id, vouched) = match target.config.wechat() {
        Some(credentials) => (wechat::identity(state, log, credentials, required(&body.code, "code")?).await?, true),
        None => {
            require_union_id_sign_in(target)?;
            (required(&body.union_id, "unionID")?.to_string(), false)
        }
    };
    let (platform, union_id) = link(platform, &union_id)?;
    // An identity WeChat vouched for is looked up freely; one the caller sent
    // is throttled like a sign-in.
    let found = if vouched {
        user_links::user(&mut *state.store.conn().await?, tenant.id, &platform, &union_id).await?
    } else {
        accounts::linked_user(state, tenant, ip, (&platform, &union_id)).await?
    };
    let who = match found {
        Some(id) => Who::Known(id),
        None => {
            let link = Some((platform.clone(), union_id.clone()));
            Who::New(Box::new(accounts::prepare(state, tenant, target, &body, SignUpKind::Linked, link, ip).await?))
        }
    };
    let now = state.clock.now_ms();
    let mut tx = state.store.begin().await?;
    let user = who.resolve(&mut tx, tenant, target, now).await?;
    if !qr::advance(&mut tx, tenant.id, &secret::digest(&key), SCANNED, OK, Some((user.id, &platform, &union_id)), now)
        .await?
    {
        return Err(Error::Conflict("this QR code was already used".into()));
    }
    let how = How {
        method: SignInMethod::QrCode,
        platform: &platform,
        union_id: &union_id,
        days: target.config.settings.token_lifetime_days,
        scope: "",
        consented: false,
    };
    let token = tokens::issue(state, &mut tx, tenant, target, &user, how).await?;
    tx.commit().await?;
    Ok(token)
}

/// The page polls: pending states answer 400 with what is awaited, the
/// token comes once.
pub async fn sign_in(state: &State, tenant: &TenantRef, target: &AppRef, key: &str) -> Result<AppToken> {
    let sign_in = live(state, tenant, target, key).await?;
    match sign_in.status.as_str() {
        PENDING => {
            return Err(Error::BadRequest("authorization_pending: waiting for the QR code to be scanned".into()));
        }
        SCANNED => return Err(Error::BadRequest("authorization_pending: scanned; waiting for confirmation".into())),
        DONE => return Err(Error::Gone("this signInKey was already used".into())),
        _ => {}
    }
    let user_id =
        sign_in.user_id.ok_or_else(|| Error::Internal(anyhow::anyhow!("a confirmed QR sign-in has no user")))?;
    let mut tx = state.store.begin().await?;
    if !qr::advance(&mut tx, tenant.id, &secret::digest(key), OK, DONE, None, state.clock.now_ms()).await? {
        return Err(Error::Gone("this signInKey was already used".into()));
    }
    let user = users::get(&mut tx, tenant.id, user_id)
        .await?
        .map(User::from)
        .ok_or_else(|| Error::NotFound("the account no longer exists".into()))?;
    let (platform, union_id) = (sign_in.platform.unwrap_or_default(), sign_in.union_id.unwrap_or_default());
    let how = How {
        method: SignInMethod::QrCode,
        platform: &platform,
        union_id: &union_id,
        days: target.config.settings.token_lifetime_days,
        scope: &sign_in.scopes,
        consented: false,
    };
    let token = tokens::issue(state, &mut tx, tenant, target, &user, how).await?;
    tx.commit().await?;
    Ok(token)
}
