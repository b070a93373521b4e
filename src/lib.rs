//! rapport: a terminal inbox for two-way conversations between recruiters and candidates.
//!
//! The use cases live in the `rapport-core` crate (no terminal, command-line or web crate
//! there: the compiler keeps it that way), the demo generator in `rapport-demo`. This crate is
//! the thin layer on top: `ui` (Elm-style TUI) and `cli` (the command line).

pub mod cli;
pub mod ui;
pub mod web;
