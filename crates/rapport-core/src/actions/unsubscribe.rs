//! Mail to the unsubscribe address (`talent+u-TOKEN@…`, the `List-Unsubscribe` mailto of
//! every message we send): at sync, each such message with a valid token records the opt-out
//! through the opt-out use case, citing that message, with no recruiter in the loop and no
//! reply. `[web] unsubscribe_scope` says what it covers: all e-mail (default), or the topics
//! of the newest message we sent them (all e-mail when it had none). A token that does not
//! verify records nothing; the message stays as ordinary mail. Each message is settled once;
//! an opt-out already in force is not recorded again.

use super::Acting;
use super::optout::{self, Source};
use crate::error::Result;
use crate::model::Channel;
use crate::store::Store;
use crate::values::OptOutScope;
use crate::web::{UnsubscribeScope, WebSettings};

/// Who recorded such an opt-out (the ledger's actor; its source says how).
pub const ACTOR: &str = "the candidate";
/// The reason recorded with it.
pub const REASON: &str = "the candidate wrote to the unsubscribe address";

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Settled {
    /// Opt-outs recorded.
    pub recorded: usize,
    /// Messages whose opt-out was already in force.
    pub already: usize,
    /// Messages whose token did not verify (nothing recorded).
    pub invalid: usize,
}

/// Settles every message to the unsubscribe address not settled yet.
pub fn settle_pending(store: &mut Store, web: &WebSettings, now: i64) -> Result<Settled> {
    let mut done = Settled::default();
    for p in store.pending_unsubscribes()? {
        match super::links::verify_mail(store, web, &p.token, now) {
            Ok(person) => {
                let scopes = scopes(store, web, person)?;
                let active: Vec<OptOutScope> = store
                    .profile(person)?
                    .map(|pr| {
                        pr.opt_outs
                            .into_iter()
                            .filter(|o| o.revoked_at.is_none())
                            .map(|o| o.scope)
                            .collect()
                    })
                    .unwrap_or_default();
                let covered = |s: &OptOutScope| {
                    active.iter().any(|a| {
                        a == s
                            || *a == OptOutScope::All
                            || (*a == OptOutScope::Channel(Channel::Email)
                                && matches!(s, OptOutScope::Topic(_)))
                    })
                };
                let mut any = false;
                for s in scopes {
                    if covered(&s) {
                        continue;
                    }
                    optout::record(
                        store,
                        person,
                        s,
                        REASON,
                        Source::UnsubscribeMail(p.message),
                        &Acting::new(ACTOR, now),
                    )?;
                    done.recorded += 1;
                    any = true;
                }
                if !any {
                    done.already += 1;
                }
            }
            Err(e) => {
                tracing::info!(
                    "mail {} to the unsubscribe address carries no valid link ({:?}): nothing recorded",
                    p.message,
                    e.reason()
                );
                done.invalid += 1;
            }
        }
        store.settle_unsubscribe(p.message, now)?;
    }
    Ok(done)
}

fn scopes(store: &Store, web: &WebSettings, person: i64) -> Result<Vec<OptOutScope>> {
    let email = vec![OptOutScope::Channel(Channel::Email)];
    Ok(match web.unsubscribe_scope {
        UnsubscribeScope::AllEmail => email,
        UnsubscribeScope::Topic => {
            let topics: Vec<OptOutScope> = store
                .last_sent_topics(person)?
                .into_iter()
                .map(|t| OptOutScope::Topic(t.to_lowercase()))
                .collect();
            if topics.is_empty() { email } else { topics }
        }
    })
}
