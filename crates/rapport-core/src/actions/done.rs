//! "Done, no reply needed": the candidate's current wait ends without an answer (a thank you,
//! a "will do", an auto-reply the filters missed). Recorded with who, when and an optional
//! note; shown in their timeline; counted apart from replies in reports. Their next message
//! opens a new wait as usual.

use super::Acting;
use crate::error::Result;
use crate::store::Store;

/// Marks the candidate's wait done; returns the mark's id. Refused when they are not waiting.
pub fn done(store: &mut Store, candidate: i64, note: Option<&str>, who: &Acting) -> Result<i64> {
    let note = crate::sanitize::sanitize_text(note.unwrap_or("").trim());
    Ok(store.mark_done(candidate, &who.actor, who.at, &note)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::fixture::{Fixture, T0};
    use crate::responses::timeline::{TimelineItem, timeline};

    #[test]
    fn done_ends_the_wait_without_a_reply_and_joins_the_timeline() {
        let mut f = Fixture::new();
        let bob = f.candidate("bob@example.org");
        assert!(
            f.store
                .profile(bob)
                .unwrap()
                .unwrap()
                .waiting_since
                .is_some()
        );
        let who = Acting::new("Alice", T0);
        done(
            &mut f.store,
            bob,
            Some("  thanked us, nothing to add "),
            &who,
        )
        .unwrap();
        assert_eq!(f.store.profile(bob).unwrap().unwrap().waiting_since, None);
        let waits = f.store.all_waits().unwrap();
        let w = waits.iter().find(|w| w.candidate_id == bob).unwrap();
        assert_eq!(w.ended_by.as_deref(), Some("done"));
        assert_eq!(w.responder.as_deref(), Some("Alice"));
        assert_eq!(w.ended_at, Some(T0));
        let conv = f.store.conversation(bob, 100).unwrap();
        let marks: Vec<_> = timeline(&conv)
            .into_iter()
            .filter_map(|i| match i {
                TimelineItem::Done(d) => Some(d.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(marks.len(), 1);
        assert_eq!(
            (marks[0].actor.as_str(), marks[0].note.as_str()),
            ("Alice", "thanked us, nothing to add")
        );
        // Nothing is waiting now: a second mark is refused.
        let e = done(&mut f.store, bob, None, &who).unwrap_err();
        assert!(e.to_string().contains("not waiting for a reply"), "{e}");
    }
}
