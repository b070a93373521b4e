//! What a message is about: the tags of the snippet it started from plus any topic the
//! recruiter names. A candidate's topic opt-out (`topic:NAME`) refuses mail about it.

use std::fmt;

/// Topic names, lower case, each once, in the order they were first named.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Topics(Vec<String>);

impl Topics {
    /// Reads a comma-separated list ("Rust, remote"); empty items are dropped.
    pub fn parse(list: &str) -> Topics {
        let mut t = Topics::default();
        t.extend(list.split(','));
        t
    }

    /// Adds each name not there yet (trimmed, lower case; empty ones are skipped).
    pub fn extend<S: AsRef<str>>(&mut self, names: impl IntoIterator<Item = S>) {
        for n in names {
            let n = crate::sanitize::sanitize_line(n.as_ref())
                .trim()
                .to_lowercase();
            if !n.is_empty() && !self.0.contains(&n) {
                self.0.push(n);
            }
        }
    }

    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// "rust, remote", as the compose header and the parser write it.
impl fmt::Display for Topics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalised_once_and_round_trip() {
        let mut t = Topics::parse(" Rust, remote,,rust ");
        assert_eq!(t.as_slice(), ["rust", "remote"]);
        t.extend(["ML", "remote"]);
        assert_eq!(t.to_string(), "rust, remote, ml");
        assert_eq!(Topics::parse(&t.to_string()), t);
        assert!(Topics::parse(" , ").is_empty());
    }
}
