//! The terminal UI: The Elm Architecture over the core.
//! `update(&mut State, Action) -> Vec<Command>` changes state; `render(&State, &mut Frame)` draws it.

pub mod action;
pub mod keymap;
