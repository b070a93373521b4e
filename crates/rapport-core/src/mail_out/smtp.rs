//! SMTP submission with lettre: STARTTLS (required, never downgraded) or implicit TLS,
//! plaintext only on loopback; the same credential sources and certificate rules as IMAP.

use crate::config::{Auth, Security, Server, is_loopback};
use crate::credentials::{self, CredentialError, Secret};
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt, Rset};
use lettre::transport::smtp::extension::{ClientId, MailBodyParameter, MailParameter};
use std::time::Duration;

/// The submission server and how to reach it. rapport drives the SMTP conversation itself
/// (lettre's connection, not its pooled transport) so that the outbox can record the moment
/// the message is handed over: see [`Connection::send`].
#[derive(Clone)]
pub struct Submission {
    host: String,
    port: u16,
    tls: Tls,
    credentials: Credentials,
    mechanisms: Vec<Mechanism>,
    timeout: Duration,
    hello: ClientId,
}

/// An open, authenticated submission connection.
pub struct Connection(AsyncSmtpConnection);

/// How a message's submission ended.
pub enum Sent {
    /// The server accepted it (2xx after the data).
    Accepted,
    /// No longer ours to send (taken or cancelled meanwhile): nothing was handed over.
    Skipped,
    /// Refused before the data phase began: the server cannot have it.
    NotHandedOver(lettre::transport::smtp::Error),
    /// Refused with a reply after the data: the server does not have it.
    Refused(lettre::transport::smtp::Error),
    /// The connection failed during the data phase: the server may have it.
    Unknown(lettre::transport::smtp::Error),
}

impl Submission {
    /// Connects, secures (implicit TLS or STARTTLS, never downgraded) and authenticates.
    pub async fn connect(&self) -> Result<Connection, lettre::transport::smtp::Error> {
        let wrapper = match &self.tls {
            Tls::Wrapper(p) => Some(p.clone()),
            _ => None,
        };
        let mut conn = AsyncSmtpConnection::connect_tokio1(
            (self.host.as_str(), self.port),
            Some(self.timeout),
            &self.hello,
            wrapper,
            None,
        )
        .await?;
        if let Tls::Required(p) = &self.tls {
            conn.starttls(p.clone(), &self.hello).await?;
        }
        conn.auth(&self.mechanisms, &self.credentials).await?;
        Ok(Connection(conn))
    }

    /// Connects, secures and authenticates, then quits: the doctor's check.
    pub async fn test_connection(&self) -> Result<(), lettre::transport::smtp::Error> {
        let mut s = self.connect().await?;
        let _ = s.0.quit().await;
        Ok(())
    }
}

impl Connection {
    /// Submits one message. `handing_over` runs after the server said it is ready for the
    /// data (354) and before a byte of it is written: from then until the reply the server
    /// may have the message, and only then. When it returns false (the message is no longer
    /// ours to send) the transaction is reset and nothing is handed over.
    pub async fn send(
        &mut self,
        envelope: &Envelope,
        raw: &[u8],
        handing_over: impl FnOnce() -> bool,
    ) -> Sent {
        let c = &mut self.0;
        let mut options = vec![];
        let non_ascii = envelope
            .from()
            .into_iter()
            .chain(envelope.to())
            .any(|a| !AsRef::<str>::as_ref(a).is_ascii());
        if non_ascii {
            options.push(MailParameter::SmtpUtfEight);
        }
        if !raw.is_ascii() {
            options.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }
        let before = async {
            c.command(Mail::new(envelope.from().cloned(), options))
                .await?;
            for to in envelope.to() {
                c.command(Rcpt::new(to.clone(), vec![])).await?;
            }
            c.command(Data).await
        };
        if let Err(e) = before.await {
            // End the half-open transaction (MAIL accepted, a RCPT refused): without RSET
            // the next message's MAIL is a "nested MAIL command" and every message after a
            // refused one would fail on this connection.
            if !c.has_broken() {
                let _ = c.command(Rset).await;
            }
            return Sent::NotHandedOver(e);
        }
        if !handing_over() {
            let _ = c.command(Rset).await;
            return Sent::Skipped;
        }
        match c.message(raw).await {
            Ok(_) => Sent::Accepted,
            Err(e) if e.is_response() => Sent::Refused(e),
            Err(e) => Sent::Unknown(e),
        }
    }

    /// Whether the connection can take another message.
    pub fn usable(&self) -> bool {
        !self.0.has_broken()
    }

    pub async fn quit(mut self) {
        let _ = self.0.quit().await;
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SmtpSetupError {
    #[error("{0}")]
    Credentials(#[from] CredentialError),
    #[error("smtp.ca_file: {0}")]
    Ca(String),
    #[error("smtp: {0}")]
    Tls(String),
    #[error("smtp.security = \"none\" is only allowed for loopback hosts, not {0}")]
    Plaintext(String),
}

/// The secret for `[smtp]`: its password, or its OAuth2 token.
pub fn secret(s: &Server) -> Result<Secret, CredentialError> {
    match s.auth {
        Auth::Xoauth2 => credentials::from_command(
            "smtp.oauth2_token_command",
            s.oauth2_token_command.as_deref().unwrap_or_default(),
        ),
        _ => credentials::password(
            "smtp",
            s.password_command.as_deref(),
            s.password_env.as_deref(),
        ),
    }
}

/// Builds the submission transport for `[smtp]`.
pub fn submission(s: &Server, secret: &Secret) -> Result<Submission, SmtpSetupError> {
    let host = s.host.get_ref().clone();
    let security = *s.security.get_ref();
    let tls_params = || -> Result<TlsParameters, SmtpSetupError> {
        let mut b = TlsParameters::builder(host.clone());
        if let Some(ca) = &s.ca_file {
            let pem = std::fs::read(ca.get_ref())
                .map_err(|e| SmtpSetupError::Ca(format!("{}: {e}", ca.get_ref().display())))?;
            let cert =
                Certificate::from_pem(&pem).map_err(|e| SmtpSetupError::Ca(e.to_string()))?;
            b = b.add_root_certificate(cert);
        }
        b.build_rustls()
            .map_err(|e| SmtpSetupError::Tls(e.to_string()))
    };
    let (tls, port) = match security {
        Security::Tls => (Tls::Wrapper(tls_params()?), 465),
        Security::Starttls => (Tls::Required(tls_params()?), 587),
        Security::None => {
            if !is_loopback(&host) {
                return Err(SmtpSetupError::Plaintext(host));
            }
            (Tls::None, 25)
        }
    };
    let mechanism = match s.auth {
        Auth::Login => Mechanism::Login,
        Auth::Plain => Mechanism::Plain,
        Auth::Xoauth2 => Mechanism::Xoauth2,
    };
    Ok(Submission {
        host,
        port: s.port.unwrap_or(port),
        tls,
        credentials: Credentials::new(s.username.clone(), secret.expose().to_string()),
        mechanisms: vec![mechanism, Mechanism::Plain, Mechanism::Login],
        timeout: Duration::from_secs(30),
        hello: ClientId::default(),
    })
}

/// Connects, secures and authenticates, then quits: the doctor's check.
pub async fn check(t: &Submission) -> Result<(), String> {
    t.test_connection().await.map_err(|e| explain(&e))
}
/// A lettre error in words, without anything we sent.
pub fn explain(e: &lettre::transport::smtp::Error) -> String {
    let mut text = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        // lettre's message often repeats its source's (the server's response): say it once.
        let part = s.to_string();
        if !text.contains(&part) {
            text = format!("{text}: {part}");
        }
        src = s.source();
    }
    if text.contains("UnknownIssuer") || text.contains("invalid peer certificate") {
        text.push_str(
            " (the certificate is not trusted: set smtp.ca_file to the CA that issued it)",
        );
    }
    crate::sanitize::sanitize_line(&text)
}
