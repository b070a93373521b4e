//! The UI-free core. Nothing in here may depend on ratatui or crossterm.

pub mod compose;
pub mod config;
pub mod credentials;
pub mod delivery;
pub mod demo;
pub mod demo_install;
pub mod guard;
pub mod imap;
pub mod ingest;
pub mod logging;
pub mod maildir;
pub mod model;
pub mod optout;
pub mod outbox;
pub mod parse;
pub mod paths;
pub mod policy;
pub mod sanitize;
pub mod send;
pub mod smtp;
pub mod store;
pub mod templates;
pub mod timefmt;
pub mod timeline;
pub mod tls;
