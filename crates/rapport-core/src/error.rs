//! The error of a use case: what went wrong, in words a user can act on. Store errors pass
//! through unchanged; everything else names what it was about.

use crate::store::StoreError;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A file or folder could not be read or written.
    #[error("{what} {path}: {source}")]
    Io {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    /// Something the user named does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The input cannot be used as it is (the message says why).
    #[error("{0}")]
    Invalid(String),
}

pub type Result<T> = std::result::Result<T, Error>;
