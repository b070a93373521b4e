//! Typed domain values that cross layers (store, use cases, CLI, TUI): each has one parser
//! (`FromStr`, whose error names the bad value) and one display (`Display`, the text stored in
//! SQLite and shown in JSON), and is stored through `ToSql`/`FromSql` in that text form.

mod consent;
mod outbox;
mod proposal;
mod scope;
#[cfg(test)]
mod tests;
mod text;

pub use consent::{ChangeSource, DataRequestKind, LegalBasis};
pub use outbox::{OutboxState, SentCopyState};
pub use proposal::{Proposal, language_name};
pub use scope::OptOutScope;
pub use text::{EmptyText, NoteText, PersonName};

/// A text that is not one of a value's forms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} \"{value}\" is not one of: {expected}")]
pub struct ParseValueError {
    /// Which kind of value was read ("channel", "outbox state", …).
    pub what: &'static str,
    pub value: String,
    /// The forms it could have been, comma-separated.
    pub expected: String,
}

impl ParseValueError {
    pub fn new(what: &'static str, value: &str, expected: &[&str]) -> ParseValueError {
        ParseValueError {
            what,
            value: value.to_string(),
            expected: expected.join(", "),
        }
    }
}

/// `Display`, `FromStr`, `ToSql`, `FromSql` and `Serialize` (as the text) for a fieldless enum
/// with `ALL` and `as_str`: the text forms are written once, in `as_str`.
macro_rules! text_value {
    ($ty:ty, $what:literal) => {
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl std::str::FromStr for $ty {
            type Err = $crate::values::ParseValueError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <$ty>::ALL
                    .into_iter()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| {
                        let forms: Vec<&str> = <$ty>::ALL.iter().map(|v| v.as_str()).collect();
                        $crate::values::ParseValueError::new($what, s, &forms)
                    })
            }
        }
        $crate::values::sql_via_text!($ty);
    };
}

/// `ToSql`/`FromSql` through `Display`/`FromStr`; a stored text that does not parse is an
/// error naming it, never a silent default.
macro_rules! sql_via_text {
    ($ty:ty) => {
        impl rusqlite::types::ToSql for $ty {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from(self.to_string()))
            }
        }
        impl rusqlite::types::FromSql for $ty {
            fn column_result(
                v: rusqlite::types::ValueRef<'_>,
            ) -> rusqlite::types::FromSqlResult<Self> {
                v.as_str()?
                    .parse()
                    .map_err(|e| rusqlite::types::FromSqlError::Other(Box::new(e)))
            }
        }
    };
}

pub(crate) use sql_via_text;
pub(crate) use text_value;
