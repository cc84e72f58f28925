//! WeChat mini-program `code2session`: a `wx.login` code becomes the user's
//! openid (and unionid, when the mini-program is bound to an open platform).

use crate::error::{Error, Result};
use crate::state::State;

const DEFAULT_API: &str = "https://api.weixin.qq.com";

/// The unionid, else the openid, that WeChat gives for `code`.
pub async fn identity(state: &State, log: &slog::Logger, (app_id, secret): (&str, &str), code: &str) -> Result<String> {
    let base = state.settings.delivery.wechat_api.as_deref().unwrap_or(DEFAULT_API).trim_end_matches('/');
    let failed = |why: String| {
        slog::error!(log, "WeChat code2session failed"; "error" => why);
        Error::Unavailable("WeChat did not confirm the sign-in; try again".into())
    };
    let answer: serde_json::Value = state
        .http
        .send(|client| {
            client.get(format!("{base}/sns/jscode2session")).query(&[
                ("appid", app_id),
                ("secret", secret),
                ("js_code", code),
                ("grant_type", "authorization_code"),
            ])
        })
        .await
        .map_err(|e| failed(e.to_string()))?
        .json()
        .await
        .map_err(|e| failed(e.without_url().to_string()))?;
    if let Some(errcode) = answer["errcode"].as_i64().filter(|c| *c != 0) {
        // 40029: invalid code; 40163: code already used.
        if errcode == 40029 || errcode == 40163 {
            return Err(Error::BadRequest("the WeChat `code` is invalid or was already used".into()));
        }
        return Err(failed(format!("errcode {errcode}: {}", answer["errmsg"])));
    }
    let id = answer["unionid"].as_str().or(answer["openid"].as_str());
    id.map(str::to_string).ok_or_else(|| failed("the answer has neither unionid nor openid".into()))
}
