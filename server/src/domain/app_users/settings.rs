//! Per-app end-user settings, stored as JSON on the client row, the WeChat
//! secret sealed under the master key.

use super::super::{Caller, authority, validate};
use crate::crypto::envelope::{self, MasterKey};
use crate::domain::at_rest::WECHAT_SECRET_FIELD;
use crate::error::{Error, Result};
use crate::state::State;
use crate::store::locks::{Table, lock};
use crate::store::{Conn, clients, from_json};
use keyward_api::app_settings::{AppSettings, AppSettingsUpdate};
use serde::{Deserialize, Serialize};

/// The settings: the public part and the WeChat secret (in clear here,
/// sealed in the database).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AppConfig {
    #[serde(flatten)]
    pub settings: AppSettings,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub wechat_app_secret: String,
}

impl AppConfig {
    /// The WeChat mini-program credentials, when both are set.
    pub fn wechat(&self) -> Option<(&str, &str)> {
        let id = self.settings.wechat_app_id.as_str();
        (!id.is_empty() && !self.wechat_app_secret.is_empty()).then_some((id, self.wechat_app_secret.as_str()))
    }

    fn public(&self) -> AppSettings {
        AppSettings { wechat_app_secret_set: !self.wechat_app_secret.is_empty(), ..self.settings.clone() }
    }
}

/// The settings stored as `json` on client row `id`.
pub fn parse(master: &MasterKey, id: i64, json: &str) -> Result<AppConfig> {
    let mut config: AppConfig = from_json(json)?;
    if !config.wechat_app_secret.is_empty() {
        config.wechat_app_secret =
            master.open_text(&envelope::wechat_secret(&id.to_string()), &config.wechat_app_secret)?;
    }
    Ok(config)
}

/// The JSON stored for `config` on client row `id`.
fn to_stored(master: &MasterKey, id: i64, config: &AppConfig) -> String {
    let mut json = serde_json::to_value(config).expect("plain data serializes");
    if !config.wechat_app_secret.is_empty() {
        let sealed = master.seal(&envelope::wechat_secret(&id.to_string()), config.wechat_app_secret.as_bytes());
        json[WECHAT_SECRET_FIELD] = sealed.into();
    }
    json.to_string()
}

fn not_found(id: i64) -> Error {
    Error::NotFound(format!("client {id} does not exist"))
}

async fn stored(state: &State, conn: &mut Conn, caller: &Caller, id: i64) -> Result<AppConfig> {
    let json = clients::app_settings(conn, caller.tenant.id, id).await?.ok_or_else(|| not_found(id))?;
    parse(&state.master, id, &json)
}

pub async fn view(state: &State, caller: &Caller, id: i64) -> Result<AppSettings> {
    Ok(stored(state, &mut *state.store.conn().await?, caller, id).await?.public())
}

fn template(field: &str, value: &str, max: usize) -> Result<()> {
    validate::length(field, value, 1, max)?;
    if !value.contains("{code}") {
        return Err(Error::Invalid(format!("`{field}` must contain {{code}}")));
    }
    Ok(())
}

/// Applies `body` to the stored settings in one transaction, the client row
/// locked, so concurrent updates of different fields all hold.
pub async fn update(state: &State, caller: &Caller, id: i64, body: AppSettingsUpdate) -> Result<AppSettings> {
    let mut tx = state.store.begin().await?;
    lock(&mut tx, Table::Clients, caller.tenant.id, id).await?;
    let mut config = stored(state, &mut tx, caller, id).await?;
    // An app's settings are changed only by a caller holding what the app is
    // allowed, and never the bootstrap admin client's: it is no end-user app.
    let client = clients::get(&mut tx, caller.tenant.id, id).await?.ok_or_else(|| not_found(id))?;
    authority::client(&mut tx, caller, &client).await?;
    let s = &mut config.settings;
    macro_rules! set {
        ($($field:ident),*) => { $(if let Some(v) = body.$field { s.$field = v; })* };
    }
    set!(
        sign_up_enabled,
        union_id_sign_in_enabled,
        password_min_length,
        verify_phone_on_sign_up,
        verify_email_on_sign_up,
        default_role,
        token_lifetime_days,
        sign_up_bonus_points,
        points_per_currency_unit,
        user_recharge_enabled,
        email_subject,
        email_template,
        sms_template,
        sms_template_code,
        sms_sign_name,
        grant_code_redirect_uris,
        wechat_app_id
    );
    if let Some(secret) = body.wechat_app_secret {
        config.wechat_app_secret = secret.trim().to_string();
    }
    let s = &config.settings;
    validate::within("passwordMinLength", s.password_min_length, 6, 128)?;
    validate::length("defaultRole", &s.default_role, 0, 64)?;
    validate::within("tokenLifetimeDays", s.token_lifetime_days, 1, 365)?;
    validate::within("signUpBonusPoints", s.sign_up_bonus_points, 0, 1_000_000)?;
    validate::within("pointsPerCurrencyUnit", s.points_per_currency_unit, 0, 1_000_000)?;
    validate::length("emailSubject", &s.email_subject, 1, 200)?;
    template("emailTemplate", &s.email_template, 4000)?;
    template("smsTemplate", &s.sms_template, 500)?;
    validate::length("smsTemplateCode", &s.sms_template_code, 0, 100)?;
    validate::length("smsSignName", &s.sms_sign_name, 0, 100)?;
    if s.grant_code_redirect_uris.len() > 50 {
        return Err(Error::Invalid("`grantCodeRedirectUris` may hold at most 50 URIs".into()));
    }
    for uri in &s.grant_code_redirect_uris {
        validate::redirect_uri("grantCodeRedirectUris[]", uri)?;
    }
    validate::length("wechatAppId", &s.wechat_app_id, 0, 64)?;
    validate::length("wechatAppSecret", &config.wechat_app_secret, 0, 128)?;
    clients::set_app_settings(
        &mut tx,
        caller.tenant.id,
        id,
        &to_stored(&state.master, id, &config),
        state.clock.now_ms(),
    )
    .await?;
    tx.commit().await?;
    state.forget_clients();
    Ok(config.public())
}
