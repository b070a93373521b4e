//! Setting a candidate's preferences: the one validator every front end goes through, and
//! the change recorded in the ledger with who said so and on what legal basis.

use super::Acting;
use crate::error::{Error, Result};
use crate::model::{Channel, Frequency, Preferences};
use crate::store::{ChangeMeta, Store};
use crate::values::ChangeSource;

/// Who said so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The recruiter records it.
    Recruiter,
    /// The candidate said so in this message (row id).
    Candidate(i64),
    /// The candidate chose it on their preference page.
    PreferencePage,
}

/// The legal basis a preference is held on (the one type, with its one parser).
pub use crate::values::LegalBasis as Basis;

/// A change of preferences: the whole new set, who said so, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub preferences: Preferences,
    pub source: Source,
    pub basis: Basis,
    pub note: String,
}

/// A channel a candidate can allow or prefer (meetings are only logged, never preferred).
pub fn channel(s: &str) -> Result<Channel> {
    s.trim()
        .to_lowercase()
        .parse::<Channel>()
        .ok()
        .filter(|c| *c != Channel::Meeting)
        .ok_or_else(|| {
            Error::Invalid(format!(
                "unknown channel {s:?}: use email, phone, sms or linkedin"
            ))
        })
}

pub fn frequency(s: &str) -> Result<Frequency> {
    s.trim().to_lowercase().parse::<Frequency>().map_err(|_| {
        Error::Invalid(format!(
            "unknown frequency {s:?}: use weekly, biweekly, monthly, quarterly, only-when-they-write or never"
        ))
    })
}

/// The one validator: refuses contradictions and normalises what is kept (interests
/// lower-case, sorted, once; empty texts as "not recorded").
pub fn validate(p: Preferences) -> Result<Preferences> {
    let mut p = p;
    if p.no_channel && !p.channels.is_empty() {
        return Err(Error::Invalid(
            "\"none at all\" cannot be ticked with a channel".into(),
        ));
    }
    if let Some(c) = p.channels.iter().find(|c| **c == Channel::Meeting) {
        return Err(Error::Invalid(format!(
            "{} is not a channel a candidate can allow",
            c.as_str()
        )));
    }
    if let Some(c) = p.preferred
        && !p.channels.is_empty()
        && !p.channels.contains(&c)
    {
        return Err(Error::Invalid(format!(
            "the preferred channel {} is not one of the allowed channels",
            c.as_str()
        )));
    }
    p.timezone = p
        .timezone
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty());
    if let Some(tz) = &p.timezone
        && jiff::tz::TimeZone::get(tz).is_err()
    {
        return Err(Error::Invalid(format!(
            "unknown time zone {tz:?}: use an IANA name such as Europe/Berlin"
        )));
    }
    p.language = p
        .language
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty());
    p.interests = p
        .interests
        .iter()
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
        .collect();
    p.interests.sort();
    p.interests.dedup();
    Ok(p)
}

/// Validates and saves; each field that changed becomes a ledger entry. Returns what is kept.
pub fn set(store: &mut Store, candidate: i64, change: Change, who: &Acting) -> Result<Preferences> {
    let prefs = validate(change.preferences)?;
    let (source, message) = match change.source {
        Source::Recruiter => (ChangeSource::Recruiter, None),
        Source::Candidate(m) => (ChangeSource::Candidate, Some(m)),
        Source::PreferencePage => (ChangeSource::PreferencePage, None),
    };
    let meta = ChangeMeta {
        actor: who.actor.clone(),
        at: who.at,
        source,
        source_message_id: message,
        legal_basis: Some(change.basis),
        note: change.note,
    };
    store.set_preferences(candidate, &prefs, &meta)?;
    Ok(prefs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::fixture::{Fixture, T0};

    fn change(p: Preferences) -> Change {
        Change {
            preferences: p,
            source: Source::Recruiter,
            basis: Basis::Consent,
            note: "asked on the phone".into(),
        }
    }

    #[test]
    fn saves_normalised_preferences_with_a_ledger_entry() {
        let mut f = Fixture::new();
        let ada = f.candidate("ada@example.org");
        let p = Preferences {
            channels: vec![Channel::Phone, Channel::Email],
            preferred: Some(Channel::Email),
            interests: vec![" Rust ".into(), "rust".into(), "ML".into()],
            timezone: Some("Europe/Berlin".into()),
            language: Some("  ".into()),
            ..Default::default()
        };
        let kept = set(&mut f.store, ada, change(p), &Acting::new("alice", T0)).unwrap();
        assert_eq!(kept.interests, vec!["ml", "rust"]);
        assert_eq!(kept.language, None);
        let stored = f.store.preferences(ada).unwrap().unwrap();
        assert_eq!(stored.interests, vec!["ml", "rust"]);
        assert_eq!(stored.preferred, Some(Channel::Email));
        let ledger = f.store.ledger(ada).unwrap();
        let e = ledger
            .iter()
            .find(|e| e.field == "preferred-channel")
            .unwrap();
        assert_eq!((e.actor.as_str(), e.at), ("alice", T0));
        assert_eq!(e.legal_basis, Some(Basis::Consent));
    }

    #[test]
    fn refuses_contradictions_and_saves_nothing() {
        let mut f = Fixture::new();
        let ada = f.candidate("ada@example.org");
        let cases = [
            Preferences {
                channels: vec![Channel::Phone],
                preferred: Some(Channel::Email),
                ..Default::default()
            },
            Preferences {
                channels: vec![Channel::Phone],
                no_channel: true,
                ..Default::default()
            },
            Preferences {
                timezone: Some("Mars/Olympus".into()),
                ..Default::default()
            },
            Preferences {
                channels: vec![Channel::Meeting],
                ..Default::default()
            },
        ];
        for p in cases {
            let e = set(&mut f.store, ada, change(p.clone()), &Acting::new("a", T0));
            assert!(matches!(e, Err(Error::Invalid(_))), "{p:?} was accepted");
        }
        assert!(f.store.ledger(ada).unwrap().is_empty());
    }

    #[test]
    fn the_candidate_as_source_is_recorded_with_their_message() {
        let mut f = Fixture::new();
        let ada = f.candidate("ada@example.org");
        let m = f.message("m2");
        let c = Change {
            source: Source::Candidate(m),
            ..change(Preferences {
                frequency: Some(Frequency::Monthly),
                ..Default::default()
            })
        };
        set(&mut f.store, ada, c, &Acting::new("a", T0)).unwrap();
        let e = &f.store.ledger(ada).unwrap()[0];
        assert_eq!(e.source, ChangeSource::Candidate);
        assert_eq!(e.source_message_id, Some(m));
    }

    #[test]
    fn parses_channels_frequencies_and_bases() {
        assert_eq!(channel(" SMS ").unwrap(), Channel::Sms);
        assert!(channel("meeting").is_err());
        assert_eq!(
            frequency("only-when-they-write").unwrap(),
            Frequency::OnlyWhenTheyWrite
        );
        assert!(frequency("daily").is_err());
        assert_eq!(
            "legitimate-interest".parse::<Basis>().unwrap(),
            Basis::LegitimateInterest
        );
        assert!("because".parse::<Basis>().is_err());
    }
}
