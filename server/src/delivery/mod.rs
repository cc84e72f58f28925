//! Getting verification codes to people: email over SMTP, SMS through Aliyun
//! or a webhook, and — only when explicitly configured, for local
//! development — an outbox file. Failures are logged here without the
//! message text (it holds the code) and reported as `Unavailable`.

mod email;
mod outbox;
mod sms;

use crate::config::DeliveryArgs;
use crate::error::{Error, Result};
use crate::outbound::Outbound;
use email::Mailer;
use outbox::Outbox;
use sms::SmsSender;

/// What an SMS carries: the text for providers that take text, the code and
/// template for providers that render their own.
pub struct Sms<'a> {
    pub phone: &'a str,
    pub text: &'a str,
    pub code: &'a str,
    /// Aliyun template code and signature name, when the app sets its own.
    pub template_code: Option<&'a str>,
    pub sign_name: Option<&'a str>,
}

pub struct Delivery {
    mailer: Option<Mailer>,
    sms: Option<SmsSender>,
    outbox: Option<Outbox>,
}

impl Delivery {
    pub fn new(args: &DeliveryArgs, http: Outbound) -> anyhow::Result<Delivery> {
        Ok(Delivery {
            mailer: Mailer::new(args)?,
            sms: SmsSender::new(args, http)?,
            outbox: args.outbox_file.clone().map(Outbox::new),
        })
    }

    pub async fn email(&self, log: &slog::Logger, to: &str, subject: &str, body: &str) -> Result<()> {
        let sent = match (&self.mailer, &self.outbox) {
            (Some(mailer), _) => mailer.send(to, subject, body).await,
            (None, Some(outbox)) => outbox.write("email", to, body).await,
            (None, None) => return Err(Error::Unavailable("email delivery is not configured on this server".into())),
        };
        sent.map_err(|e| unavailable(log, "email", e))
    }

    pub async fn sms(&self, log: &slog::Logger, sms: Sms<'_>) -> Result<()> {
        let sent = match (&self.sms, &self.outbox) {
            (Some(sender), _) => sender.send(&sms).await,
            (None, Some(outbox)) => outbox.write("sms", sms.phone, sms.text).await,
            (None, None) => return Err(Error::Unavailable("SMS delivery is not configured on this server".into())),
        };
        sent.map_err(|e| unavailable(log, "sms", e))
    }
}

fn unavailable(log: &slog::Logger, channel: &str, error: anyhow::Error) -> Error {
    slog::error!(log, "code delivery failed"; "channel" => channel, "error" => format!("{error:#}"));
    Error::Unavailable(format!("the {channel} could not be sent; try again later"))
}
