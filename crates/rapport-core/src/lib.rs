//! rapport's core: mail in, mail out, consent, responses and the team, over one store, and the
//! use cases (`actions`) every front end calls. It depends on no terminal, command-line or
//! web crate: the TUI, the CLI and the web page are thin layers on top.

pub mod actions;
pub mod clock;
pub mod config;
pub mod consent;
pub mod credentials;
pub mod derived;
pub mod error;
pub mod guard;
pub mod logging;
pub mod mail_in;
pub mod mail_out;
pub mod model;
pub mod paths;
pub mod query;
pub mod responses;
pub mod sanitize;
pub mod shared_dir;
pub mod store;
pub mod team;
pub mod timefmt;
pub mod tls;
pub mod values;
pub mod web;
