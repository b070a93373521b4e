//! The demo's outgoing mail: each message a new `.eml` file in a folder of the data dir, so the
//! reply flow works end to end without a server.

use std::io::{Read as _, Write as _};
use std::path::Path;

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

    #[test]
    fn each_message_is_a_new_file_holding_it() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join(DEMO_OUTGOING);
        let raw = b"From: a@example.test\r\nTo: b@example.test\r\nSubject: hi\r\n\r\nhello\r\n";
        let a = write_eml(&out, raw).unwrap();
        let b = write_eml(&out, raw).unwrap();
        assert_ne!(a, b);
        let written = std::fs::read(out.join(format!("{a}.eml"))).unwrap();
        assert_eq!(written, raw);
    }
}
