//! Mail out: composing, the outbox with its checks, SMTP delivery and Sent copies.

pub mod ask;
pub mod compose;
pub mod delivery;
pub mod eml_folder;
pub mod outbox;
pub mod smtp;
pub mod templates;
pub mod topics;
