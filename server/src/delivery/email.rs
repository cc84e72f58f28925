//! Email over SMTP (lettre), with STARTTLS, implicit TLS or plain text.

use crate::config::DeliveryArgs;
use anyhow::{Context, bail};
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// The mailer `args` describe; `None` when no SMTP host is set.
    pub fn new(args: &DeliveryArgs) -> anyhow::Result<Option<Mailer>> {
        let Some(host) = args.smtp_host.as_deref() else {
            return Ok(None);
        };
        let tls = args.smtp_tls.as_deref().unwrap_or("starttls");
        let (builder, default_port) = match tls {
            "starttls" => (AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)?, 587),
            "tls" => (AsyncSmtpTransport::<Tokio1Executor>::relay(host)?, 465),
            "none" => (AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host), 25),
            other => bail!("smtp_tls must be starttls, tls or none, not {other:?}"),
        };
        let mut builder = builder.port(args.smtp_port.unwrap_or(default_port)).timeout(Some(Duration::from_secs(10)));
        match (&args.smtp_username, &args.smtp_password) {
            (Some(user), Some(password)) => {
                builder = builder.credentials(Credentials::new(user.clone(), password.clone()))
            }
            (None, None) => {}
            _ => bail!("set both smtp_username and smtp_password, or neither"),
        }
        let from = args.smtp_from.as_deref().context("smtp_from is required with smtp_host")?;
        let from = from.parse().with_context(|| format!("smtp_from {from:?} is not an email address"))?;
        Ok(Some(Mailer { transport: builder.build(), from }))
    }

    pub async fn send(&self, to: &str, subject: &str, body: &str) -> anyhow::Result<()> {
        let message = Message::builder()
            .from(self.from.clone())
            .to(to.parse().context("recipient address")?)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())?;
        self.transport.send(message).await.context("SMTP")?;
        Ok(())
    }
}
