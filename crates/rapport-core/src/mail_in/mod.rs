//! Mail in: parsing, IMAP sync, Maildir import and the one ingest path.

pub mod imap;
pub mod ingest;
pub mod maildir;
pub mod parse;
mod prepare;
pub mod sync_lease;
