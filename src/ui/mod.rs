//! The terminal UI: The Elm Architecture over the core.
//! `update(&mut State, Action) -> Vec<Command>` changes state; `render(&State, &mut Frame)` draws it.

pub mod action;
pub mod answers;
pub mod attachments;
pub mod changed;
pub mod compose;
pub mod conversation;
pub mod editor_draft;
pub mod erase;
pub mod form;
pub mod form_keys;
pub mod help;
pub mod key;
pub mod keymap;
pub mod layout;
pub mod live;
pub mod presence;
pub mod reads;
pub mod render;
pub mod render_form;
pub mod render_reports;
pub mod render_share;
pub mod render_team;
pub mod reports;
pub mod run;
pub mod search;
pub mod share;
pub mod state;
pub mod teamwork;
pub mod text;
pub mod theme;
pub mod update;
pub mod write;
