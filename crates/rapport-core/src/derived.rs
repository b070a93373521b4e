//! The store derives a candidate's summary (waits, next contact) inside its write
//! transactions, by rules that belong to responses and consent. This is where they meet: the
//! ordinary ways to open the store hand it the standard rules, so the store itself imports
//! neither.

use crate::store::{Result, Rules, Store};
use std::path::Path;

impl Rules {
    /// Waits as `responses::waits` defines them, the next contact as `consent::policy` does.
    pub const STANDARD: Rules = Rules {
        waits: crate::responses::waits::compute,
        next_contact: crate::consent::policy::next_contact_of,
    };
}

impl Store {
    /// Opens (creating when needed) and migrates the database in `data_dir`. Its mode follows
    /// the dir (see `core::shared_dir`): 0660 in a group-shared dir, else 0600.
    pub fn open_in(data_dir: &Path) -> Result<Store> {
        Store::open_in_with(data_dir, Rules::STANDARD)
    }

    /// Opens the database of a data dir that cannot be written, for reading only (see
    /// [`Store::open_read_only_with`]).
    pub fn open_read_only(data_dir: &Path) -> Result<Store> {
        Store::open_read_only_with(data_dir, Rules::STANDARD)
    }

    /// Opens (creating when needed) and migrates the database file at `path`.
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_with(path, Rules::STANDARD)
    }
}
