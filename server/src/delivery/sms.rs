//! SMS providers: Aliyun's `SendSms` RPC API (signature version 1.0,
//! HMAC-SHA1) and a generic webhook signed with HMAC-SHA256.

use super::Sms;
use crate::config::DeliveryArgs;
use crate::outbound::Outbound;
use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use ring::hmac;
use std::collections::BTreeMap;

pub const ALIYUN_ENDPOINT: &str = "https://dysmsapi.aliyuncs.com/";

pub enum SmsSender {
    Aliyun { http: Outbound, endpoint: String, key_id: String, key: hmac::Key, sign_name: String, template: String },
    Webhook { http: Outbound, url: String, key: Option<hmac::Key> },
}

impl SmsSender {
    pub fn new(args: &DeliveryArgs, http: Outbound) -> anyhow::Result<Option<SmsSender>> {
        let required = |value: &Option<String>, name: &str| {
            value.clone().with_context(|| format!("{name} is required with this sms_provider"))
        };
        Ok(match args.sms_provider.as_deref() {
            None => None,
            Some("aliyun") => {
                let secret = required(&args.aliyun_access_key_secret, "aliyun_access_key_secret")?;
                Some(SmsSender::Aliyun {
                    http,
                    endpoint: args.aliyun_sms_endpoint.clone().unwrap_or_else(|| ALIYUN_ENDPOINT.into()),
                    key_id: required(&args.aliyun_access_key_id, "aliyun_access_key_id")?,
                    key: hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, format!("{secret}&").as_bytes()),
                    sign_name: args.aliyun_sign_name.clone().unwrap_or_default(),
                    template: args.aliyun_template_code.clone().unwrap_or_default(),
                })
            }
            Some("webhook") => Some(SmsSender::Webhook {
                http,
                url: required(&args.sms_webhook_url, "sms_webhook_url")?,
                key: args.sms_webhook_secret.as_ref().map(|s| hmac::Key::new(hmac::HMAC_SHA256, s.as_bytes())),
            }),
            Some(other) => bail!("sms_provider must be aliyun or webhook, not {other:?}"),
        })
    }

    pub async fn send(&self, sms: &Sms<'_>) -> anyhow::Result<()> {
        match self {
            SmsSender::Aliyun { http, endpoint, key_id, key, sign_name, template } => {
                let sign_name = sms.sign_name.unwrap_or(sign_name);
                let template = sms.template_code.unwrap_or(template);
                if sign_name.is_empty() || template.is_empty() {
                    bail!("no Aliyun signature name or template code is set for this app or server");
                }
                #[allow(clippy::disallowed_methods, reason = "Aliyun checks the timestamp against its own clock")]
                let mut params = BTreeMap::from([
                    ("AccessKeyId", key_id.clone()),
                    ("Action", "SendSms".into()),
                    ("Format", "JSON".into()),
                    ("PhoneNumbers", sms.phone.to_string()),
                    ("RegionId", "cn-hangzhou".into()),
                    ("SignName", sign_name.to_string()),
                    ("SignatureMethod", "HMAC-SHA1".into()),
                    ("SignatureNonce", uuid::Uuid::new_v4().to_string()),
                    ("SignatureVersion", "1.0".into()),
                    ("TemplateCode", template.to_string()),
                    ("TemplateParam", serde_json::json!({ "code": sms.code }).to_string()),
                    ("Timestamp", chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()),
                    ("Version", "2017-05-25".into()),
                ]);
                params.insert("Signature", aliyun_signature(key, "POST", &params));
                let answer: serde_json::Value =
                    http.send(|client| client.post(endpoint).form(&params)).await.context("Aliyun SMS")?.json().await?;
                match answer["Code"].as_str() {
                    Some("OK") => Ok(()),
                    _ => bail!("Aliyun SMS refused: {} {}", answer["Code"], answer["Message"]),
                }
            }
            SmsSender::Webhook { http, url, key } => {
                let body = serde_json::json!({ "phone": sms.phone, "text": sms.text, "code": sms.code }).to_string();
                let signature = key
                    .as_ref()
                    .map(|key| format!("sha256={}", crate::crypto::hex(hmac::sign(key, body.as_bytes()).as_ref())));
                let response = http
                    .send(|client| {
                        let request = client.post(url).header("content-type", "application/json");
                        let request = match signature {
                            Some(signature) => request.header("x-keyward-signature", signature),
                            None => request,
                        };
                        request.body(body)
                    })
                    .await
                    .context("SMS webhook")?;
                anyhow::ensure!(response.status().is_success(), "SMS webhook answered {}", response.status());
                Ok(())
            }
        }
    }
}

/// RFC 3986 unreserved characters stay; everything else is %XX (Aliyun's
/// "percentEncode").
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

fn encode(value: &str) -> String {
    utf8_percent_encode(value, UNRESERVED).to_string()
}

/// Aliyun RPC signature v1.0: HMAC-SHA1 over
/// `METHOD&%2F&encode(sorted, encoded query)`, base64.
pub fn aliyun_signature(key: &hmac::Key, method: &str, params: &BTreeMap<&str, String>) -> String {
    let query: Vec<String> = params.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
    let string_to_sign = format!("{method}&{}&{}", encode("/"), encode(&query.join("&")));
    B64.encode(hmac::sign(key, string_to_sign.as_bytes()).as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of Aliyun's signature documentation (key secret
    /// `testSecret`, method GET).
    #[test]
    fn aliyun_documented_example() {
        let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, b"testSecret&");
        let params = BTreeMap::from([
            ("AccessKeyId", "testId".to_string()),
            ("Action", "SendSms".into()),
            ("Format", "XML".into()),
            ("OutId", "123".into()),
            ("PhoneNumbers", "15300000001".into()),
            ("RegionId", "cn-hangzhou".into()),
            ("SignName", "阿里云短信测试专用".into()),
            ("SignatureMethod", "HMAC-SHA1".into()),
            ("SignatureNonce", "45e25e9b-0a6f-4070-8c85-2956eda1b466".into()),
            ("SignatureVersion", "1.0".into()),
            ("TemplateCode", "SMS_71390007".into()),
            ("TemplateParam", "{\"customer\":\"test\"}".into()),
            ("Timestamp", "2017-07-12T02:42:19Z".into()),
            ("Version", "2017-05-25".into()),
        ]);
        assert_eq!(aliyun_signature(&key, "GET", &params), "zJDF+Lrzhj/ThnlvIToysFRq6t4=");
    }
}
