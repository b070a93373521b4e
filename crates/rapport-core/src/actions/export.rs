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

/// Writes the document where only this user can read it (it is personal data).
pub fn write(path: &Path, doc: &str) -> Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(path)
        .and_then(|mut f| f.write_all(doc.as_bytes()))
        .map_err(|source| Error::Io {
            what: "cannot write the export to",
            path: path.to_owned(),
            source,
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
}
