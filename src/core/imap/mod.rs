//! IMAP: connecting (`connect`) and keeping the store in step with the server (`sync`).

pub mod connect;
pub mod sync;
pub mod worker;
