//! Delivery of outgoing mail. The demo delivers to a folder of .eml files with lettre's file
//! transport, so the reply flow works end to end without a server; SMTP joins it later.

use lettre::address::Envelope;
use lettre::{Address, AsyncFileTransport, AsyncTransport, Tokio1Executor};
use std::path::PathBuf;

/// The folder of the data dir where the demo's sent mail lands.
pub const DEMO_OUTGOING: &str = "outgoing";

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("invalid address {address:?}: {reason}")]
    Address { address: String, reason: String },
    #[error("cannot write the message to {dir}: {reason}")]
    File { dir: PathBuf, reason: String },
}

/// Where outgoing mail goes.
#[derive(Debug, Clone)]
pub enum Transport {
    /// Writes each message as `<id>.eml` in `dir` (the demo).
    File { dir: PathBuf },
}

fn address(a: &str) -> Result<Address, SendError> {
    a.parse()
        .map_err(|e: lettre::address::AddressError| SendError::Address {
            address: a.to_string(),
            reason: e.to_string(),
        })
}

impl Transport {
    /// Delivers `raw` (a complete RFC 5322 message) to `to`; returns the transport's id.
    pub async fn deliver(
        &self,
        from: &str,
        to: &[String],
        raw: &[u8],
    ) -> Result<String, SendError> {
        let rcpt = to
            .iter()
            .map(|a| address(a))
            .collect::<Result<Vec<_>, _>>()?;
        let envelope =
            Envelope::new(Some(address(from)?), rcpt).map_err(|e| SendError::Address {
                address: to.join(", "),
                reason: e.to_string(),
            })?;
        match self {
            Transport::File { dir } => {
                std::fs::create_dir_all(dir).map_err(|e| SendError::File {
                    dir: dir.clone(),
                    reason: e.to_string(),
                })?;
                AsyncFileTransport::<Tokio1Executor>::new(dir)
                    .send_raw(&envelope, raw)
                    .await
                    .map_err(|e| SendError::File {
                        dir: dir.clone(),
                        reason: e.to_string(),
                    })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn file_transport_writes_an_eml_with_the_message() {
        let dir = tempfile::tempdir().unwrap();
        let t = Transport::File {
            dir: dir.path().join(DEMO_OUTGOING),
        };
        let raw = b"From: a@example.test\r\nTo: b@example.test\r\nSubject: hi\r\n\r\nhello\r\n";
        let id = t
            .deliver("a@example.test", &["b@example.test".into()], raw)
            .await
            .unwrap();
        let file = dir.path().join(DEMO_OUTGOING).join(format!("{id}.eml"));
        let written = std::fs::read(&file).unwrap();
        assert!(
            written.ends_with(b"hello\r\n"),
            "{}",
            String::from_utf8_lossy(&written)
        );
    }

    #[tokio::test]
    async fn bad_recipient_is_named() {
        let t = Transport::File {
            dir: std::env::temp_dir(),
        };
        let err = t
            .deliver("a@example.test", &["not an address".into()], b"x")
            .await
            .unwrap_err();
        assert!(err.to_string().contains("not an address"));
    }
}
