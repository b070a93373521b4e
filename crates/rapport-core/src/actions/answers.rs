//! A candidate's answer to the question mail, read at ingest (`consent::answers`) and waiting
//! on the "They answered" banner: accepted as it is (into their preferences and opt-outs, with
//! their message as the source), saved after an edit, or dismissed. Every front end calls
//! these.

use super::{Acting, optout, preferences};
use crate::error::{Error, Result};
use crate::model::Preferences;
use crate::store::{PendingAnswer, Store};
use crate::values::{OptOutScope, Proposal};

/// Every answer waiting, the oldest first.
pub fn pending(store: &Store) -> Result<Vec<PendingAnswer>> {
    Ok(store.pending_answers()?)
}

/// Their preferences with what the answer proposes: what they said replaces what we held
/// for that field (their interests are the ones they list now); what they did not say stays.
pub fn apply(current: Option<Preferences>, p: &Proposal) -> Preferences {
    let mut n = current.unwrap_or_default();
    match p.contact {
        Some(false) => {
            n.no_channel = true;
            n.channels.clear();
            n.preferred = None;
        }
        Some(true) => n.no_channel = false,
        None => {}
    }
    if !p.channels.is_empty() {
        n.no_channel = false;
        n.channels = p.channels.clone();
        if n.preferred.is_some_and(|c| !n.channels.contains(&c)) {
            n.preferred = None;
        }
    }
    if p.preferred.is_some() {
        n.preferred = p.preferred;
    }
    if p.frequency.is_some() {
        n.frequency = p.frequency;
    }
    if !p.interests.is_empty() {
        n.interests = p.interests.clone();
    }
    n.interests.retain(|t| !p.not_topics.contains(t));
    if p.language.is_some() {
        n.language = p.language.clone();
    }
    n
}

fn waiting(store: &Store, candidate: i64) -> Result<(i64, Proposal)> {
    store.answer_request(candidate)?.ok_or_else(|| {
        Error::NotFound("no answer to the question mail is waiting on this candidate".into())
    })
}

const NOTE: &str = "their answer to the question mail";

/// Accepts everything the answer proposes: preferences through the one validator, "no
/// contact at all" and topics they never want as opt-outs, and "happy to be contacted" ends
/// an opt-out of everything; each cites their message. Returns what was accepted.
pub fn accept(store: &mut Store, candidate: i64, who: &Acting) -> Result<Proposal> {
    let (message, proposal) = waiting(store, candidate)?;
    let prefs = apply(store.preferences(candidate)?, &proposal);
    save(store, candidate, message, &proposal, prefs, who)?;
    store.settle_answer(
        candidate,
        "accept-answer",
        &proposal.to_string(),
        &who.actor,
    )?;
    Ok(proposal)
}

/// Saves `prefs` (the proposal as a recruiter edited it in the form) with their message as the
/// source, records the opt-outs the answer asked for, and settles the banner.
pub fn accept_edited(
    store: &mut Store,
    candidate: i64,
    prefs: Preferences,
    who: &Acting,
) -> Result<Preferences> {
    let (message, proposal) = waiting(store, candidate)?;
    let kept = save(store, candidate, message, &proposal, prefs, who)?;
    store.settle_answer(
        candidate,
        "accept-answer",
        "edited before saving",
        &who.actor,
    )?;
    Ok(kept)
}

fn save(
    store: &mut Store,
    candidate: i64,
    message: i64,
    proposal: &Proposal,
    prefs: Preferences,
    who: &Acting,
) -> Result<Preferences> {
    let prefs = preferences::validate(prefs)?;
    let current = store.preferences(candidate)?;
    let active: Vec<OptOutScope> = store
        .profile(candidate)?
        .map(|p| {
            p.opt_outs
                .into_iter()
                .filter(|o| o.revoked_at.is_none())
                .map(|o| o.scope)
                .collect()
        })
        .unwrap_or_default();
    if proposal.contact == Some(true) && active.contains(&OptOutScope::All) {
        optout::revoke(store, candidate, message, Some(&OptOutScope::All), who)?;
    }
    let kept = if current.as_ref() != Some(&prefs) {
        preferences::set(
            store,
            candidate,
            preferences::Change {
                preferences: prefs,
                source: preferences::Source::Candidate(message),
                basis: preferences::Basis::Consent,
                note: NOTE.into(),
            },
            who,
        )?
    } else {
        prefs
    };
    if proposal.contact == Some(false) && !active.contains(&OptOutScope::All) {
        optout::record(
            store,
            candidate,
            OptOutScope::All,
            "answered the question mail: no contact at all",
            optout::Source::Message(message),
            who,
        )?;
    }
    for t in &proposal.not_topics {
        let scope = OptOutScope::Topic(t.clone());
        if !active.contains(&scope) {
            optout::record(
                store,
                candidate,
                scope,
                &format!("answered the question mail: never about {t}"),
                optout::Source::Message(message),
                who,
            )?;
        }
    }
    Ok(kept)
}

/// The answer was not read right (or says nothing to keep): the banner goes, nothing is
/// recorded but the dismissal (audited). False when none was waiting.
pub fn dismiss(store: &mut Store, candidate: i64, who: &Acting) -> Result<bool> {
    if store.answer_request(candidate)?.is_none() {
        return Ok(false);
    }
    store.settle_answer(candidate, "dismiss-answer", "", &who.actor)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::ask::{AskRequest, ask, mail_for};
    use crate::actions::fixture::{Fixture, T0, TEAM};
    use crate::actions::queue::Limit;
    use crate::mail_in::ingest::{RawMessage, ingest_batch};
    use crate::mail_out::compose::Sender;
    use crate::mail_out::outbox::{SendError, check_only};
    use crate::mail_out::templates::Origin;
    use crate::model::{Channel, Frequency};
    use crate::values::ChangeSource;

    fn sender() -> Sender {
        Sender {
            team: "Team".into(),
            shared_address: TEAM.into(),
            recruiter_name: "Tess".into(),
            ..Sender::default()
        }
    }

    fn reply(to_id: &str, id: &str, body: &str) -> RawMessage {
        let text = format!(
            "From: Bob <bob@example.org>\r\nTo: {TEAM}\r\nSubject: Re: How would you like to hear from us?\r\nDate: Fri, 20 Nov 2026 16:00:00 +0000\r\nMessage-ID: <{id}>\r\nIn-Reply-To: <{to_id}>\r\nReferences: <{to_id}>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
        );
        RawMessage {
            bytes: text.into_bytes(),
            location: None,
            received_at: T0 + 3600,
            parts: None,
        }
    }

    /// Bob is asked; returns the question mail's Message-ID.
    fn ask_bob(f: &mut Fixture) -> String {
        let bob = f.candidate("bob@example.org");
        let d = tempfile::tempdir().unwrap();
        let (to, mail) =
            mail_for(&f.store, bob, &sender(), "tess", d.path(), Origin::User).unwrap();
        assert_eq!(to, "bob@example.org");
        let limit = Limit {
            bytes: 1_000_000,
            source: "test".into(),
        };
        let asked = ask(
            &mut f.store,
            &AskRequest {
                candidate: bob,
                identity: &sender(),
                to: &to,
                mail: &mail,
                limit: &limit,
                actor: "tess",
                opened_at: None,
                confirm: None,
            },
            T0,
        )
        .unwrap();
        assert_eq!(asked.language, "en");
        let raw = String::from_utf8(f.store.outbox_raw(asked.outbox_id).unwrap().unwrap()).unwrap();
        assert!(raw.contains("How may we contact you?"), "{raw}");
        asked.message_id
    }

    #[test]
    fn an_answer_to_the_question_mail_is_proposed_then_accepted_citing_their_message() {
        let mut f = Fixture::new();
        let bob = f.candidate("bob@example.org");
        let mid = ask_bob(&mut f);
        // A reply to something else proposes nothing, even when it reads like an answer.
        ingest_batch(&mut f.store, vec![reply("m3", "r0", "1 email only")]).unwrap();
        assert!(pending(&f.store).unwrap().is_empty());
        ingest_batch(
            &mut f.store,
            vec![reply(
                &mid,
                "r1",
                "1 email only 2 every three months 3 rust, remote 4 no crypto",
            )],
        )
        .unwrap();
        let waiting = pending(&f.store).unwrap();
        assert_eq!(waiting.len(), 1);
        assert_eq!(waiting[0].candidate_id, bob);
        assert_eq!(
            waiting[0].proposal.to_string(),
            "email only · every three months · remote, rust · nothing about crypto"
        );
        let r1 = f.message("r1");
        assert_eq!(waiting[0].message, r1);
        let who = Acting::new("alice", T0 + 7200);
        let accepted = accept(&mut f.store, bob, &who).unwrap();
        assert_eq!(accepted.frequency, Some(Frequency::Quarterly));
        let prefs = f.store.preferences(bob).unwrap().unwrap();
        assert_eq!(prefs.channels, vec![Channel::Email]);
        assert_eq!(prefs.frequency, Some(Frequency::Quarterly));
        assert_eq!(prefs.interests, vec!["remote", "rust"]);
        let ledger = f.store.ledger(bob).unwrap();
        let freq = ledger.iter().find(|e| e.field == "frequency").unwrap();
        assert_eq!(freq.source, ChangeSource::Candidate);
        assert_eq!(freq.source_message_id, Some(r1));
        let topic = ledger.iter().find(|e| e.field == "opt-out").unwrap();
        assert_eq!(topic.source_message_id, Some(r1));
        assert!(pending(&f.store).unwrap().is_empty(), "the banner goes");
        assert!(accept(&mut f.store, bob, &who).is_err());
        // Enforced: a message about crypto is refused; so is one sooner than three months.
        let e = check_only(
            &f.store,
            Some(bob),
            &["bob@example.org".into()],
            &["crypto".into()],
            T0 + 7300,
        );
        assert!(matches!(e, Err(SendError::Refused(_))), "{e:?}");
    }

    #[test]
    fn a_reply_quoting_the_questions_is_an_answer_and_dismissing_records_nothing() {
        let mut f = Fixture::new();
        let bob = f.candidate("bob@example.org");
        let quoted = "Not at all, thanks.\n\nOn Fri, 20 Nov 2026, Team wrote:\n> 1. How may we contact you? (email, phone, text message, LinkedIn — or not at all)\n> 2. How often at most? (weekly, every two weeks, monthly, every three months, or only when you write to us)\n";
        ingest_batch(&mut f.store, vec![reply("elsewhere", "r2", quoted)]).unwrap();
        let (m, p) = f.store.answer_request(bob).unwrap().unwrap();
        assert_eq!(m, f.message("r2"));
        assert_eq!(p.contact, Some(false));
        let who = Acting::new("alice", T0 + 7200);
        assert!(dismiss(&mut f.store, bob, &who).unwrap());
        assert!(!dismiss(&mut f.store, bob, &who).unwrap());
        assert!(f.store.ledger(bob).unwrap().is_empty());
        // The same answer accepted: an opt-out of everything, from their message.
        ingest_batch(&mut f.store, vec![reply("elsewhere", "r3", quoted)]).unwrap();
        accept(&mut f.store, bob, &who).unwrap();
        let p = f.store.profile(bob).unwrap().unwrap();
        assert!(p.opted_out());
        let o = p.opt_outs.iter().find(|o| o.revoked_at.is_none()).unwrap();
        assert_eq!(o.scope, OptOutScope::All);
    }

    #[test]
    fn an_edited_proposal_is_saved_as_edited_with_their_message() {
        let mut f = Fixture::new();
        let bob = f.candidate("bob@example.org");
        let mid = ask_bob(&mut f);
        ingest_batch(
            &mut f.store,
            vec![reply(&mid, "r4", "Email or phone, monthly.")],
        )
        .unwrap();
        let (_, p) = f.store.answer_request(bob).unwrap().unwrap();
        let mut prefs = apply(None, &p);
        assert_eq!(prefs.channels, vec![Channel::Email, Channel::Phone]);
        prefs.channels = vec![Channel::Email];
        let who = Acting::new("alice", T0 + 7200);
        accept_edited(&mut f.store, bob, prefs, &who).unwrap();
        let kept = f.store.preferences(bob).unwrap().unwrap();
        assert_eq!(kept.channels, vec![Channel::Email]);
        assert_eq!(kept.frequency, Some(Frequency::Monthly));
        let e = &f.store.ledger(bob).unwrap()[0];
        assert_eq!(e.source_message_id, Some(f.message("r4")));
        assert!(f.store.answer_request(bob).unwrap().is_none());
    }
}
