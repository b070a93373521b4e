//! TLS client setup shared by IMAP and SMTP: the system's trusted roots plus an optional
//! `ca_file`, always verified. Certificate failures are explained in words a user can act on.

use rustls::ClientConfig;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use std::path::Path;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    #[error("cannot read ca_file {path}: {reason}")]
    CaFile { path: String, reason: String },
    #[error("no trusted root certificates: install Debian's ca-certificates or set ca_file")]
    NoRoots,
    #[error("TLS setup failed: {0}")]
    Rustls(#[from] rustls::Error),
}

/// The certificates in a PEM file.
pub fn load_pem(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsSetupError> {
    let err = |reason: String| TlsSetupError::CaFile {
        path: path.display().to_string(),
        reason,
    };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .map_err(|e| err(e.to_string()))?
        .collect::<Result<_, _>>()
        .map_err(|e| err(e.to_string()))?;
    if certs.is_empty() {
        return Err(err("it holds no PEM certificate".into()));
    }
    Ok(certs)
}

/// A verifying client configuration: system roots, plus `ca_file` when given.
pub fn client_config(ca_file: Option<&Path>) -> Result<Arc<ClientConfig>, TlsSetupError> {
    let mut roots = rustls::RootCertStore::empty();
    let native = rustls_native_certs::load_native_certs();
    for cert in native.certs {
        let _ = roots.add(cert);
    }
    if let Some(path) = ca_file {
        for cert in load_pem(path)? {
            roots.add(cert)?;
        }
    }
    if roots.is_empty() {
        return Err(TlsSetupError::NoRoots);
    }
    let mut provider = rustls::crypto::ring::default_provider();
    // AES-128-GCM first (as browsers ask): as safe in practice as AES-256 and a third cheaper
    // for both ends, which matters when a first sync moves a gigabyte through the server's TLS.
    provider
        .cipher_suites
        .sort_by_key(|s| s.suite() != rustls::CipherSuite::TLS13_AES_128_GCM_SHA256);
    let provider = Arc::new(provider);
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Explains a failed TLS handshake. Certificate problems say what to do about them.
pub fn explain(err: &std::io::Error, host: &str) -> String {
    let inner = err
        .get_ref()
        .and_then(|e| e.downcast_ref::<rustls::Error>());
    match inner {
        Some(rustls::Error::InvalidCertificate(c)) => {
            use rustls::CertificateError as C;
            match c {
                C::UnknownIssuer | C::BadSignature => format!(
                    "the certificate of {host} is not trusted ({c:?}): it is self-signed or issued by a \
                     private CA. If you trust that CA, set ca_file to its certificate (PEM)"
                ),
                C::NotValidForName | C::NotValidForNameContext { .. } => format!(
                    "the certificate of {host} is not valid for the name {host:?}: connect using a name the \
                     certificate lists"
                ),
                C::Expired | C::ExpiredContext { .. } => {
                    format!("the certificate of {host} has expired")
                }
                other => format!("the certificate of {host} was rejected: {other:?}"),
            }
        }
        Some(other) => format!("TLS with {host} failed: {other}"),
        None => format!("TLS with {host} failed: {err}"),
    }
}
