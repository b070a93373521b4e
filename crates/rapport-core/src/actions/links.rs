//! The candidate's links (preference page, one-click and mailto unsubscribe): made when a
//! message to them is built, checked when one is presented, revoked on request, signed with
//! a key that can be rotated. See `web::token` for what a token is.
//!
//! Merges: a token names the candidate it was made for. When that candidate was merged into
//! another since, the token still verifies and names the person they live on in (the
//! surviving candidate): the link was sent to this person, and a merge says they are one.
//! Undoing the merge makes it name the split-off candidate again. Revoking a person's links
//! revokes those of every candidate merged into them.

use super::Acting;
use crate::store::{Store, StoreError};
use crate::web::WebSettings;
use crate::web::token::{self, Invalid, KeyRing, Reason, Token};
use std::path::Path;

/// The data dir a store lives in (the key file sits beside the database).
pub fn data_dir(store: &Store) -> &Path {
    store.path().parent().unwrap_or(Path::new("."))
}

/// A token for `candidate` (the person they live on in, when merged): their link secret is
/// made on first use, and so is the data dir's key.
pub fn token_for(
    store: &mut Store,
    candidate: i64,
    actor: &str,
    now: i64,
) -> crate::error::Result<Token> {
    let root = store.merged_root(candidate)?;
    let nonce = store
        .ensure_link_nonce(root, &token::new_nonce()?, actor)?
        .ok_or_else(|| crate::error::Error::NotFound(format!("there is no candidate {root}")))?;
    let ring = token::load_or_create(data_dir(store), now)?;
    Ok(ring.sign(root, &nonce))
}

/// The person a token from a URL names, or [`Invalid`] (one kind of error, whatever went
/// wrong: show nothing more to whoever presented it).
pub fn verify(store: &Store, web: &WebSettings, token: &str, now: i64) -> Result<i64, Invalid> {
    check(store, web, Token::parse_url(token)?, now)
}

/// The same for the token of an unsubscribe address (`talent+u-TOKEN@…`).
pub fn verify_mail(
    store: &Store,
    web: &WebSettings,
    token: &str,
    now: i64,
) -> Result<i64, Invalid> {
    check(store, web, Token::parse_mail(token)?, now)
}

fn check(store: &Store, web: &WebSettings, t: Token, now: i64) -> Result<i64, Invalid> {
    let logged = |r: Reason| {
        move |e: StoreError| {
            tracing::warn!("a link could not be checked: {e}");
            Invalid::new(r)
        }
    };
    let ring = token::load(data_dir(store))
        .map_err(logged(Reason::UnknownKey))?
        .ok_or(Invalid::new(Reason::UnknownKey))?;
    let nonce = store
        .link_nonce(t.candidate)
        .map_err(logged(Reason::UnknownCandidate))?;
    let checked = ring.check(&t, nonce.as_deref(), now, web.grace_secs());
    if let Err(e) = &checked {
        tracing::info!(
            "link refused: {:?} (key version {}, candidate {})",
            e.reason(),
            t.version,
            t.candidate
        );
    }
    checked?;
    store
        .merged_root(t.candidate)
        .map_err(logged(Reason::UnknownCandidate))
}

/// Every link made for the person (and anyone merged into them) stops working; the next
/// message carries new ones. Returns how many candidates' links were revoked.
pub fn revoke_links(
    store: &mut Store,
    candidate: i64,
    who: &Acting,
) -> crate::error::Result<usize> {
    let root = store.merged_root(candidate)?;
    let mut failed = None;
    let n = store.renew_link_nonces(
        root,
        || {
            token::new_nonce().unwrap_or_else(|e| {
                failed = Some(e);
                String::new()
            })
        },
        &who.actor,
    );
    if let Some(e) = failed {
        return Err(e.into());
    }
    let n = n?;
    if n == 0 {
        return Err(crate::error::Error::NotFound(format!(
            "there is no candidate {root}"
        )));
    }
    Ok(n)
}

/// A new key signs from now on; the previous one verifies for `[web] key_grace_days` more,
/// and keys retired longer ago than that are dropped. Returns the keys now in the file.
pub fn rotate_link_key(
    data_dir: &Path,
    web: &WebSettings,
    now: i64,
) -> crate::error::Result<KeyRing> {
    Ok(token::rotate(data_dir, now, web.grace_secs())?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::fixture::{Fixture, T0};

    const DAY: i64 = 86_400;

    #[test]
    fn a_token_names_its_candidate_until_revoked_or_erased() {
        let mut f = Fixture::new();
        let web = WebSettings::default();
        let bob = f.candidate("bob@example.org");
        let t = token_for(&mut f.store, bob, "alice", T0).unwrap();
        assert_eq!(verify(&f.store, &web, &t.url(), T0), Ok(bob));
        assert_eq!(verify_mail(&f.store, &web, &t.mail(), T0), Ok(bob));
        // The same token each time (nothing random in it once the secret exists).
        assert_eq!(token_for(&mut f.store, bob, "alice", T0).unwrap(), t);
        // Someone else's id under Bob's MAC, or garbage: refused.
        let mut bytes = t.url();
        bytes.replace_range(0..1, if bytes.starts_with('A') { "B" } else { "A" });
        assert!(verify(&f.store, &web, &bytes, T0).is_err());
        assert_eq!(
            verify(&f.store, &web, "nonsense", T0).unwrap_err().reason(),
            Reason::Malformed
        );
        // Revoked: the old token fails, a new one works.
        revoke_links(&mut f.store, bob, &Acting::new("alice", T0)).unwrap();
        assert_eq!(
            verify(&f.store, &web, &t.url(), T0).unwrap_err().reason(),
            Reason::BadSignature
        );
        let t2 = token_for(&mut f.store, bob, "alice", T0).unwrap();
        assert_ne!(t2, t);
        assert_eq!(verify(&f.store, &web, &t2.url(), T0), Ok(bob));
        // Erased: the person is unknown, whatever the token.
        let dir = data_dir(&f.store).to_owned();
        crate::actions::erase::erase(
            &mut f.store,
            &dir,
            bob,
            "alice",
            crate::actions::erase::OnServer::Keep,
        )
        .unwrap();
        assert_eq!(
            verify(&f.store, &web, &t2.url(), T0).unwrap_err().reason(),
            Reason::UnknownCandidate
        );
    }

    #[test]
    fn a_merged_away_candidates_token_names_the_surviving_person() {
        let mut f = Fixture::new();
        let web = WebSettings::default();
        let bob = f.candidate("bob@example.org");
        let ada = f.candidate("ada@example.org");
        let t = token_for(&mut f.store, bob, "alice", T0).unwrap();
        crate::actions::identity::merge(&mut f.store, ada, bob, &Acting::new("alice", T0)).unwrap();
        assert_eq!(verify(&f.store, &web, &t.url(), T0), Ok(ada));
        // Revoking the surviving person's links revokes the merged-away one's too.
        revoke_links(&mut f.store, ada, &Acting::new("alice", T0)).unwrap();
        assert!(verify(&f.store, &web, &t.url(), T0).is_err());
        // New links are made for the surviving person.
        let t2 = token_for(&mut f.store, bob, "alice", T0).unwrap();
        assert_eq!(t2.candidate, ada);
    }

    #[test]
    fn an_old_key_verifies_for_the_grace_period_after_rotation() {
        let mut f = Fixture::new();
        let web = WebSettings {
            key_grace_days: 30,
            ..WebSettings::default()
        };
        let bob = f.candidate("bob@example.org");
        let old = token_for(&mut f.store, bob, "alice", T0).unwrap();
        let dir = data_dir(&f.store).to_owned();
        rotate_link_key(&dir, &web, T0 + DAY).unwrap();
        let new = token_for(&mut f.store, bob, "alice", T0 + DAY).unwrap();
        assert_eq!(new.version, old.version + 1);
        assert_eq!(verify(&f.store, &web, &old.url(), T0 + 30 * DAY), Ok(bob));
        assert_eq!(
            verify(&f.store, &web, &old.url(), T0 + 32 * DAY)
                .unwrap_err()
                .reason(),
            Reason::ExpiredKey
        );
        assert_eq!(verify(&f.store, &web, &new.url(), T0 + 400 * DAY), Ok(bob));
    }
}
