//! Queuing mail: the candidate's wishes are checked here, in the sending layer, before
//! anything is written, so no caller (UI, CLI, script) can get around them.

use crate::consent::policy::{Conflict, Refusal, Verdict, check};
use crate::model::Channel;
use crate::store::{NewOutbox, Store, StoreError};

/// A message to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub candidate_id: Option<i64>,
    pub from: String,
    pub to: Vec<String>,
    pub message_id: String,
    pub raw: Vec<u8>,
    /// Interests the message is about (for topic opt-outs); may be empty.
    pub topics: Vec<String>,
    pub created_by: String,
    /// When the sender opened the candidate or draft: what colleagues did to the candidate
    /// after this needs a confirmation (None: no such check).
    pub opened_at: Option<i64>,
}

/// A recruiter's explicit go-ahead despite conflicts, with their reason (recorded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    pub actor: String,
    pub reason: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("not sent: {0}")]
    Refused(Refusal),
    #[error("needs confirmation: {}", .0.iter().map(|c| c.to_string()).collect::<Vec<_>>().join("; "))]
    NeedsConfirmation(Vec<Conflict>),
    #[error("a confirmation needs a reason")]
    EmptyReason,
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Compose(crate::mail_out::compose::ComposeError),
}

/// The candidate's wishes on a message, refusals as errors (conflicts are for [`enqueue`]):
/// run before anything is made for a message (its links); the verdict is then handed to
/// [`enqueue_checked`].
pub fn check_only(
    store: &Store,
    candidate: Option<i64>,
    to: &[String],
    topics: &[String],
    now: i64,
) -> Result<Verdict, SendError> {
    match check(store, candidate, to, Channel::Email, topics, now)? {
        Verdict::Refused(r) => Err(SendError::Refused(r)),
        v => Ok(v),
    }
}

/// Checks the candidate's wishes and queues the message. Refusals are final; conflicts need
/// `confirm`, whose reason is recorded in the candidate's ledger.
pub fn enqueue(
    store: &mut Store,
    out: &Outgoing,
    confirm: Option<&Confirmation>,
    now: i64,
) -> Result<i64, SendError> {
    let verdict = check(
        store,
        out.candidate_id,
        &out.to,
        Channel::Email,
        &out.topics,
        now,
    )?;
    enqueue_checked(store, out, verdict, confirm, now)
}

/// [`enqueue`] with the verdict of [`check_only`] on the same message, in the same
/// transaction or with nothing written for the candidate since (a share's release checks
/// thousands: checking each twice cost a tenth of it).
pub fn enqueue_checked(
    store: &mut Store,
    out: &Outgoing,
    verdict: Verdict,
    confirm: Option<&Confirmation>,
    now: i64,
) -> Result<i64, SendError> {
    // Two recruiters answering the same person: a colleague's mail or logged contact since
    // the sender opened the candidate is a conflict to confirm, like a policy one.
    let colleague: Vec<Conflict> = match (out.candidate_id, out.opened_at) {
        (Some(c), Some(since)) => {
            let root = store.merged_root(c)?;
            store
                .colleague_activity(root, since, &out.created_by)?
                .into_iter()
                .map(Conflict::Colleague)
                .collect()
        }
        _ => Vec::new(),
    };
    let verdict = match verdict {
        Verdict::Allowed if !colleague.is_empty() => Verdict::Confirm(colleague),
        Verdict::Confirm(mut c) => {
            c.extend(colleague);
            Verdict::Confirm(c)
        }
        v => v,
    };
    let note = match verdict {
        Verdict::Refused(r) => return Err(SendError::Refused(r)),
        Verdict::Allowed => None,
        Verdict::Confirm(conflicts) => match confirm {
            None => return Err(SendError::NeedsConfirmation(conflicts)),
            Some(c) if c.reason.trim().is_empty() => return Err(SendError::EmptyReason),
            Some(c) => Some((
                c.actor.clone(),
                conflicts
                    .iter()
                    .map(|x| x.to_string())
                    .collect::<Vec<_>>()
                    .join("; "),
                c.reason.clone(),
            )),
        },
    };
    // Queued for the person as they are now (a merged candidate lives on in another), so
    // that a later opt-out of theirs finds it.
    let candidate_id = match out.candidate_id {
        Some(c) => Some(store.merged_root(c)?),
        None => None,
    };
    let id = store.insert_outbox(
        &NewOutbox {
            candidate_id,
            message_id: &out.message_id,
            raw: &out.raw,
            envelope_from: &out.from,
            envelope_to: &out.to,
            topics: &out.topics,
            created_by: &out.created_by,
        },
        note.as_ref()
            .map(|(a, c, r)| (a.as_str(), c.as_str(), r.as_str())),
    )?;
    // Shown in the conversation at once (as queued). The outbox row above is the truth; if
    // this is lost to a crash, delivery's recovery puts it back.
    show_queued(store, &out.raw, now)?;
    Ok(id)
}

/// Puts a queued message into the conversation (idempotent).
pub fn show_queued(store: &mut Store, raw: &[u8], now: i64) -> Result<(), StoreError> {
    let parsed = crate::mail_in::parse::parse_message(raw);
    let incoming = crate::store::Incoming {
        prepared: crate::store::Prepared::of(&parsed, &store.team_address_set()?),
        parsed,
        raw: raw.to_vec(),
        location: None,
        received_at: now,
        from_outbox: true,
    };
    store.write_batch(&[incoming])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    type Result<T> = std::result::Result<T, StoreError>;

    fn queued(s: &mut Store, n: u32, word: &str) {
        let raw = format!(
            "From: Team <talent@x.example>\r\nTo: c{n}@y.example\r\nSubject: Note {n}\r\nMessage-ID: <q{n}@x.example>\r\nDate: Mon, 02 Nov 2026 10:00:00 +0000\r\n\r\nabout {word}\r\n"
        );
        show_queued(s, raw.as_bytes(), 1_795_186_800).unwrap();
    }

    #[test]
    fn messages_queued_in_a_batch_are_searchable_once_it_commits() {
        let d = tempfile::tempdir().unwrap();
        let mut s = Store::open_in(d.path()).unwrap();
        s.batch(|s| -> Result<()> {
            for n in 0..3 {
                queued(s, n, "quaternion");
            }
            Ok(())
        })
        .unwrap();
        assert_eq!(s.search_messages("quaternion", 10).unwrap().len(), 3);
        assert!(!s.search_index_deferred().unwrap());
        // During a first load (indexing deferred) a batch leaves its rows to the load's end.
        s.defer_search_index().unwrap();
        s.batch(|s| -> Result<()> {
            queued(s, 7, "octonion");
            Ok(())
        })
        .unwrap();
        assert!(s.search_index_deferred().unwrap());
        assert!(s.search_messages("octonion", 10).unwrap().is_empty());
        s.complete_search_index().unwrap();
        assert_eq!(s.search_messages("octonion", 10).unwrap().len(), 1);
    }
}
