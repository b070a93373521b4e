//! Free text written by a recruiter, made safe to store and show once, where it is typed: the
//! store is handed these and never sanitizes.

use crate::sanitize::{sanitize_line, sanitize_text};

/// Text that is empty once what cannot be shown is removed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EmptyText(&'static str);

/// A candidate's name as shown: one line, without terminal controls, not empty.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PersonName(String);

impl std::str::FromStr for PersonName {
    type Err = EmptyText;
    fn from_str(raw: &str) -> Result<Self, EmptyText> {
        let name = sanitize_line(raw);
        if name.is_empty() {
            return Err(EmptyText("a name cannot be empty"));
        }
        Ok(PersonName(name))
    }
}

/// An internal note: lines without terminal controls, not blank.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NoteText(String);

impl std::str::FromStr for NoteText {
    type Err = EmptyText;
    fn from_str(raw: &str) -> Result<Self, EmptyText> {
        let text = raw.trim_end();
        if text.trim().is_empty() {
            return Err(EmptyText("the note is empty"));
        }
        Ok(NoteText(sanitize_text(text)))
    }
}

macro_rules! as_text {
    ($ty:ty) => {
        impl $ty {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl rusqlite::types::ToSql for $ty {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                self.0.to_sql()
            }
        }
    };
}

as_text!(PersonName);
as_text!(NoteText);
