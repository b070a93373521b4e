//! Teamwork on a candidate: who handles them, snoozing them out of "awaiting reply", and
//! internal notes (never sent).

use super::Acting;
use crate::error::{Error, Result};
use crate::store::Store;

/// Assigns the candidate to `assignee` (a display name), or unassigns with `None`.
pub fn assign(
    store: &mut Store,
    candidate: i64,
    assignee: Option<&str>,
    who: &Acting,
) -> Result<()> {
    let assignee = assignee.map(str::trim).filter(|a| !a.is_empty());
    Ok(store.assign(candidate, assignee, &who.actor)?)
}

/// Snoozes until `until` (unix seconds), or ends the snooze with `None`.
pub fn snooze(store: &mut Store, candidate: i64, until: Option<i64>, who: &Acting) -> Result<()> {
    if let Some(t) = until
        && t <= who.at
    {
        return Err(Error::Invalid("a snooze must end in the future".into()));
    }
    Ok(store.snooze(candidate, until, &who.actor, who.at)?)
}

/// Adds an internal note; returns its id.
pub fn note(store: &mut Store, candidate: i64, text: &str, who: &Acting) -> Result<i64> {
    let text: crate::values::NoteText = text
        .parse()
        .map_err(|_| Error::Invalid("the note is empty".into()))?;
    Ok(store.add_note(candidate, &who.actor, &text, who.at)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::fixture::{Fixture, T0};

    #[test]
    fn assigns_and_unassigns() {
        let mut f = Fixture::new();
        let bob = f.candidate("bob@example.org");
        let who = Acting::new("Alice", T0);
        assign(&mut f.store, bob, Some("Bea"), &who).unwrap();
        assert_eq!(f.store.assignment(bob).unwrap().unwrap().assignee, "Bea");
        assign(&mut f.store, bob, None, &who).unwrap();
        assert!(f.store.assignment(bob).unwrap().is_none());
    }

    #[test]
    fn snoozes_until_a_future_time_only() {
        let mut f = Fixture::new();
        let bob = f.candidate("bob@example.org");
        let who = Acting::new("Alice", T0);
        assert!(snooze(&mut f.store, bob, Some(T0 - 1), &who).is_err());
        snooze(&mut f.store, bob, Some(T0 + 86_400), &who).unwrap();
        let z = f.store.snooze_of(bob).unwrap().unwrap();
        assert_eq!((z.until, z.snoozed_by.as_str()), (T0 + 86_400, "Alice"));
        snooze(&mut f.store, bob, None, &who).unwrap();
        assert!(f.store.snooze_of(bob).unwrap().is_none());
    }

    #[test]
    fn notes_must_say_something() {
        let mut f = Fixture::new();
        let bob = f.candidate("bob@example.org");
        let who = Acting::new("Alice", T0);
        assert!(matches!(
            note(&mut f.store, bob, " \n", &who),
            Err(Error::Invalid(_))
        ));
        assert!(note(&mut f.store, bob, "prefers calls", &who).unwrap() > 0);
    }
}
