//! IMAP: connecting (`connect`) and keeping the store in step with the server (`sync`).

pub mod bulk;
pub mod connect;
pub mod pipeline;
mod structure;
pub mod sync;
pub mod worker;
