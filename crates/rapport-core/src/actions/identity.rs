//! Who a candidate is: adding one we met outside the mailbox, merging two records of one
//! person (and undoing it), splitting an address off into a candidate of its own, the name.

use super::Acting;
use crate::error::{Error, Result};
use crate::store::Store;

/// Adds a candidate we met outside the mailbox. `how` (how we got the address: "met at the
/// Rust meetup", "referred by Ada") is required and goes into their ledger, so the record
/// says where their data came from. An address erased on request is refused with its date.
pub fn add(store: &mut Store, address: &str, name: &str, how: &str, who: &Acting) -> Result<i64> {
    let address = address.trim().to_lowercase();
    let valid = matches!(
        crate::mail_out::compose::addresses("To", &address).as_deref(),
        Ok([m]) if m.email.to_string().to_lowercase() == address
    );
    if !valid {
        return Err(Error::Invalid(format!(
            "{address:?} is not an email address (expected name@domain)"
        )));
    }
    if let Some(at) = store.suppressed_since(&address)? {
        return Err(Error::Invalid(
            crate::consent::policy::Refusal::Erased { address, at }.to_string(),
        ));
    }
    let how: crate::values::NoteText = how.parse().map_err(|_| {
        Error::Invalid("say how you got the address (it is recorded in their history)".into())
    })?;
    let name: crate::values::PersonName = match name.trim() {
        "" => address.split('@').next().unwrap_or(&address).parse(),
        n => n.parse(),
    }
    .map_err(|e: crate::values::EmptyText| Error::Invalid(e.to_string()))?;
    let meta = crate::store::ChangeMeta {
        actor: who.actor.clone(),
        at: who.at,
        source: crate::values::ChangeSource::Recruiter,
        source_message_id: None,
        legal_basis: None,
        note: how.as_str().to_string(),
    };
    Ok(store.add_candidate(&address, &name, &meta)?)
}

/// Merges `source` into `target`; returns the merge's id (for undoing it).
pub fn merge(store: &mut Store, target: i64, source: i64, who: &Acting) -> Result<i64> {
    if target == source {
        return Err(Error::Invalid(
            "a candidate cannot be merged into itself".into(),
        ));
    }
    Ok(store.merge(target, source, &who.actor)?)
}

/// Undoes the last merge into `candidate`; returns its id, or `None` when nothing was merged.
pub fn unmerge_last(store: &mut Store, candidate: i64, who: &Acting) -> Result<Option<i64>> {
    let Some(m) = store.last_merge(candidate)? else {
        return Ok(None);
    };
    store.unmerge(m, &who.actor)?;
    Ok(Some(m))
}

/// Splits `address` and its mail off into a candidate of its own; returns the new candidate.
pub fn split(store: &mut Store, address: &str, who: &Acting) -> Result<i64> {
    Ok(store.split_address(address, &who.actor)?)
}

pub fn rename(store: &mut Store, candidate: i64, name: &str, who: &Acting) -> Result<()> {
    let name: crate::values::PersonName = name
        .parse()
        .map_err(|e: crate::values::EmptyText| Error::Invalid(e.to_string()))?;
    Ok(store.rename(candidate, &name, &who.actor)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::fixture::{Fixture, T0};

    #[test]
    fn merge_split_and_undo() {
        let mut f = Fixture::new();
        let (ada, bob) = (
            f.candidate("ada@example.org"),
            f.candidate("bob@example.org"),
        );
        let who = Acting::new("alice", T0);
        assert!(merge(&mut f.store, ada, ada, &who).is_err());
        merge(&mut f.store, ada, bob, &who).unwrap();
        assert_eq!(f.candidate("bob@example.org"), ada);
        assert!(unmerge_last(&mut f.store, ada, &who).unwrap().is_some());
        assert_ne!(f.candidate("bob@example.org"), ada);
        assert_eq!(unmerge_last(&mut f.store, ada, &who).unwrap(), None);

        let bob = f.candidate("bob@example.org");
        merge(&mut f.store, ada, bob, &who).unwrap();
        let new = split(&mut f.store, "bob@example.org", &who).unwrap();
        assert_eq!(f.candidate("bob@example.org"), new);
    }

    #[test]
    fn renames_and_refuses_an_empty_name() {
        let mut f = Fixture::new();
        let ada = f.candidate("ada@example.org");
        let who = Acting::new("alice", T0);
        rename(&mut f.store, ada, "Ada Lovelace", &who).unwrap();
        assert_eq!(f.store.profile(ada).unwrap().unwrap().name, "Ada Lovelace");
        assert!(rename(&mut f.store, ada, "", &who).is_err());
    }

    #[test]
    fn a_candidate_met_elsewhere_is_added_with_how_we_got_the_address() {
        let mut f = Fixture::new();
        let who = Acting::new("alice", T0);
        let c = add(
            &mut f.store,
            " Cleo@Example.org ",
            "Cleo Park",
            "met at the Rust meetup",
            &who,
        )
        .unwrap();
        assert_eq!(f.candidate("cleo@example.org"), c);
        let p = f.store.profile(c).unwrap().unwrap();
        assert_eq!(p.name, "Cleo Park");
        let l = f.store.ledger(c).unwrap();
        assert_eq!(l.len(), 1);
        assert_eq!(
            (
                l[0].field.as_str(),
                l[0].new_value.as_deref(),
                l[0].note.as_str()
            ),
            (
                "address",
                Some("cleo@example.org"),
                "met at the Rust meetup"
            )
        );
        assert_eq!(l[0].actor, "alice");
        // Not twice, not without saying how, not a malformed address.
        let e = add(&mut f.store, "ada@example.org", "", "again", &who).unwrap_err();
        assert!(e.to_string().contains("already a candidate"), "{e}");
        let e = add(&mut f.store, "dan@example.org", "Dan", "  ", &who).unwrap_err();
        assert!(e.to_string().contains("say how you got the address"), "{e}");
        let e = add(&mut f.store, "dan at example", "Dan", "card", &who).unwrap_err();
        assert!(e.to_string().contains("not an email address"), "{e}");
        // No name given: the address's local part.
        let d = add(&mut f.store, "dan@example.org", "", "business card", &who).unwrap();
        assert_eq!(f.store.profile(d).unwrap().unwrap().name, "dan");
    }

    #[test]
    fn an_address_erased_on_request_is_not_added_back() {
        let mut f = Fixture::new();
        let bob = f.candidate("bob@example.org");
        f.store.erase(bob, "alice", "").unwrap();
        let who = Acting::new("alice", T0);
        let e = add(&mut f.store, "bob@example.org", "Bob", "met again", &who).unwrap_err();
        assert!(e.to_string().contains("erased on request on"), "{e}");
    }
}
