//! The data-rights export: everything held about a person, as one JSON document.

use crate::error::{Error, Result};
use crate::store::Store;
use std::io::Write;
use std::path::Path;

/// The export of `candidate` (with every record merged into it), pretty-printed.
pub fn document(store: &Store, candidate: i64) -> Result<String> {
    let v = store.export(candidate)?;
    serde_json::to_string_pretty(&v)
        .map_err(|e| Error::Invalid(format!("cannot write the export as JSON: {e}")))
}

/// Writes the document to a new file only this user can read (it is personal data): an
/// existing file is never overwritten and a symbolic link never followed (`O_CREAT|O_EXCL`
/// refuses both, a dangling link included), so the export cannot be redirected into someone
/// else's file. A write that fails half way removes what it wrote.
pub fn write(path: &Path, doc: &str) -> Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    let io = |source| Error::Io {
        what: "cannot write the export to",
        path: path.to_owned(),
        source,
    };
    let mut f = match o.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
            return Err(Error::Invalid(if link {
                format!(
                    "{} is a symbolic link: an export is written only to a new file, never through a link",
                    path.display()
                )
            } else {
                format!(
                    "{} already exists: an export is written only to a new file (choose another name)",
                    path.display()
                )
            }));
        }
        Err(e) => return Err(io(e)),
    };
    f.write_all(doc.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| {
            let _ = std::fs::remove_file(path);
            io(e)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::fixture::Fixture;

    #[test]
    fn exports_their_mail_to_a_private_file() {
        let f = Fixture::new();
        let ada = f.candidate("ada@example.org");
        let doc = document(&f.store, ada).unwrap();
        assert!(doc.contains("Please don't call me"));
        assert!(
            !doc.contains("Interested."),
            "another candidate's mail is not theirs"
        );
        let path = f._dir.path().join("ada.json");
        write(&path, &doc).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), doc);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn never_overwrites_a_file() {
        let f = Fixture::new();
        let doc = document(&f.store, f.candidate("ada@example.org")).unwrap();
        let path = f._dir.path().join("taken.json");
        std::fs::write(&path, "mine").unwrap();
        let e = write(&path, &doc).unwrap_err().to_string();
        assert!(e.contains("already exists"), "{e}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine");
    }

    #[cfg(unix)]
    #[test]
    fn never_writes_through_a_link() {
        let f = Fixture::new();
        let doc = document(&f.store, f.candidate("ada@example.org")).unwrap();
        let dir = f._dir.path();
        // A link to someone's file, and a dangling one that would create a file elsewhere.
        std::fs::write(dir.join("theirs"), "theirs").unwrap();
        std::os::unix::fs::symlink(dir.join("theirs"), dir.join("to-theirs.json")).unwrap();
        std::os::unix::fs::symlink(dir.join("elsewhere"), dir.join("dangling.json")).unwrap();
        for link in ["to-theirs.json", "dangling.json"] {
            let e = write(&dir.join(link), &doc).unwrap_err().to_string();
            assert!(e.contains("symbolic link"), "{e}");
        }
        assert_eq!(
            std::fs::read_to_string(dir.join("theirs")).unwrap(),
            "theirs"
        );
        assert!(!dir.join("elsewhere").exists());
    }
}
