//! SMTP submission with lettre: STARTTLS (required, never downgraded) or implicit TLS,
//! plaintext only on loopback; the same credential sources and certificate rules as IMAP.

use crate::core::config::{Auth, Security, Server, is_loopback};
use crate::core::credentials::{self, CredentialError, Secret};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, Tokio1Executor};
use std::time::Duration;

pub type Transport = AsyncSmtpTransport<Tokio1Executor>;

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
pub fn transport(s: &Server, secret: &Secret) -> Result<Transport, SmtpSetupError> {
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
    let builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(s.port.unwrap_or(port))
        .tls(tls)
        .credentials(Credentials::new(
            s.username.clone(),
            secret.expose().to_string(),
        ))
        .authentication(vec![mechanism, Mechanism::Plain, Mechanism::Login])
        .timeout(Some(Duration::from_secs(30)));
    // lettre's connection pool spawns a Tokio task as it is built, and panics outside a
    // runtime (the TUI builds its deliverer on the main thread). Outside one, a throwaway
    // runtime takes that task: only the pool's idle-connection cleanup is lost with it.
    if tokio::runtime::Handle::try_current().is_ok() {
        return Ok(builder.build());
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| SmtpSetupError::Tls(format!("cannot start the async runtime: {e}")))?;
    let _guard = rt.enter();
    Ok(builder.build())
}

/// Connects, secures and authenticates, then quits: the doctor's check.
pub async fn check(t: &Transport) -> Result<(), String> {
    match t.test_connection().await {
        Ok(true) => Ok(()),
        Ok(false) => Err("the server did not accept the connection".into()),
        Err(e) => Err(explain(&e)),
    }
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
    crate::core::sanitize::sanitize_line(&text)
}
