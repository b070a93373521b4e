//! rapport: a terminal inbox for two-way conversations between recruiters and candidates.
//!
//! `core` is the UI-free library (mail, storage, ingest, demo, later sync/send/policy/reports);
//! it never imports ratatui or crossterm. `ui` is a thin Elm-style layer on top, and `cli` wires
//! both to the command line.

pub mod cli;
pub mod core;
pub mod ui;
