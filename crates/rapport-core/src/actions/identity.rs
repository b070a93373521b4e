//! Who a candidate is: merging two records of one person (and undoing it), splitting an
//! address off into a candidate of its own, and the name.

use super::Acting;
use crate::error::{Error, Result};
use crate::store::Store;

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
}
