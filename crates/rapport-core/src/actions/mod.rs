//! Use cases: each action a recruiter can take, written once. The TUI, the CLI (and the web
//! page) only translate keys, arguments and forms into these calls and show the result.

pub mod erase;
pub mod import;
pub mod lookup;
pub mod queue;
pub mod session;
