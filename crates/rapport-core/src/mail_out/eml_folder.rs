//! Delivery of outgoing mail. The demo delivers to a folder of .eml files (`write_eml`), so the
//! reply flow works end to end without a server; SMTP joins it later.

use lettre::Address;
use lettre::address::Envelope;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

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
                // The addresses were checked above; the demo keeps only the message.
                let _ = envelope;
                write_eml(dir, raw).map_err(|e| SendError::File {
                    dir: dir.clone(),
                    reason: e.to_string(),
                })
            }
        }
    }
}

/// Writes `raw` as a new `<id>.eml` in `dir` (the demo's `outgoing/`, in the data dir) and
/// returns the id. Not lettre's file transport: that follows a link a colleague put in the
/// folder's place or at the file's name; here the folder must be a real one and the file is
/// created new (O_EXCL, no links followed) with the data dir's mode.
pub fn write_eml(dir: &Path, raw: &[u8]) -> std::io::Result<String> {
    use crate::shared_dir::{Access, ensure_dir, open};
    ensure_dir(dir)?;
    loop {
        let mut rnd = [0u8; 16];
        std::fs::File::open("/dev/urandom")?.read_exact(&mut rnd)?;
        let id: String = rnd.iter().map(|b| format!("{b:02x}")).collect();
        match open(&dir.join(format!("{id}.eml")), Access::CreateNew) {
            Ok(mut f) => {
                f.write_all(raw)?;
                return Ok(id);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paths::DEMO_OUTGOING;

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
