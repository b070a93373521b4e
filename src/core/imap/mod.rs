//! IMAP: connecting (`connect`) and keeping the store in step with the server (`sync`).

pub mod bulk;
pub mod connect;
pub mod pipeline;
pub mod sync;
pub mod worker;
