//! Use cases: each action a recruiter can take, written once. The TUI, the CLI (and the web
//! page) only translate keys, arguments and forms into these calls and show the result.

pub mod answers;
pub mod ask;
pub mod attachments;
pub mod candidate_page;
pub mod candidates;
pub mod contact;
pub mod doctor;
pub mod done;
pub mod erase;
pub mod export;
pub mod identity;
pub mod import;
pub mod links;
pub mod lookup;
pub mod optout;
pub mod preferences;
pub mod queue;
pub mod session;
pub mod share;
pub mod teamwork;
pub mod unsubscribe;

#[cfg(test)]
pub(crate) mod fixture;

/// Who acts and when: recorded with every change a use case makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acting {
    pub actor: String,
    pub at: i64,
}

impl Acting {
    pub fn new(actor: &str, at: i64) -> Acting {
        Acting {
            actor: actor.into(),
            at,
        }
    }

    /// The acting recruiter, now (the clock `RAPPORT_NOW` may pin).
    pub fn now(actor: &str) -> Acting {
        Acting::new(actor, crate::store::now())
    }
}
