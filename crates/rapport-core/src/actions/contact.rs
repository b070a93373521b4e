//! Logging a contact made outside email: a call, a meeting, a LinkedIn message.

use super::Acting;
use crate::error::{Error, Result};
use crate::model::{Channel, ContactEntry, Direction, Outcome};
use crate::store::Store;

/// How far ahead of the clock a contact may be dated (clocks drift a little).
const SLACK: i64 = 300;

/// A contact to log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub channel: Channel,
    pub direction: Direction,
    pub outcome: Outcome,
    /// When it happened (unix seconds).
    pub at: i64,
    pub note: String,
}

pub fn channel(s: &str) -> Result<Channel> {
    s.trim().to_lowercase().parse::<Channel>().map_err(|_| {
        Error::Invalid(format!(
            "unknown channel {s:?}: use phone, sms, linkedin, meeting or email"
        ))
    })
}

pub fn outcome(s: &str) -> Result<Outcome> {
    s.trim().to_lowercase().parse::<Outcome>().map_err(|_| {
        Error::Invalid(format!(
            "unknown outcome {s:?}: use talked, voicemail, no-answer or delivered"
        ))
    })
}

/// "outbound" (we reached out) or "inbound" (they did).
pub fn direction(s: &str) -> Result<Direction> {
    match s.trim() {
        "outbound" => Ok(Direction::Outbound),
        "inbound" => Ok(Direction::Inbound),
        d => Err(Error::Invalid(format!(
            "unknown direction {d:?}: use outbound or inbound"
        ))),
    }
}

/// The one check: a contact has happened, so it cannot be in the future.
pub fn validate(c: &Contact, now: i64) -> Result<()> {
    if c.at > now + SLACK {
        return Err(Error::Invalid("a contact cannot be in the future".into()));
    }
    Ok(())
}

/// Logs the contact (it counts as our last contact when outbound). Returns its id.
pub fn log(store: &mut Store, candidate: i64, c: Contact, who: &Acting) -> Result<i64> {
    validate(&c, who.at)?;
    let entry = ContactEntry {
        channel: c.channel,
        direction: c.direction,
        outcome: c.outcome,
        at: c.at,
        note: c.note,
        recorded_by: who.actor.clone(),
    };
    Ok(store.log_contact(candidate, &entry)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::fixture::{Fixture, T0};

    fn call(at: i64) -> Contact {
        Contact {
            channel: Channel::Phone,
            direction: Direction::Outbound,
            outcome: Outcome::Talked,
            at,
            note: "good chat".into(),
        }
    }

    #[test]
    fn logs_a_contact_shown_in_the_profile() {
        let mut f = Fixture::new();
        let bob = f.candidate("bob@example.org");
        log(&mut f.store, bob, call(T0 - 600), &Acting::new("alice", T0)).unwrap();
        let p = f.store.profile(bob).unwrap().unwrap();
        assert_eq!(p.recent_contacts.len(), 1);
        assert_eq!(p.last_contact_at, Some(T0 - 600));
    }

    #[test]
    fn refuses_a_contact_in_the_future() {
        let mut f = Fixture::new();
        let bob = f.candidate("bob@example.org");
        let e = log(
            &mut f.store,
            bob,
            call(T0 + 3600),
            &Acting::new("alice", T0),
        );
        assert!(matches!(e, Err(Error::Invalid(_))));
        assert!(
            f.store
                .profile(bob)
                .unwrap()
                .unwrap()
                .recent_contacts
                .is_empty()
        );
    }

    #[test]
    fn parses_what_the_command_line_names() {
        assert_eq!(channel("Meeting").unwrap(), Channel::Meeting);
        assert!(channel("fax").is_err());
        assert_eq!(outcome("no-answer").unwrap(), Outcome::NoAnswer);
        assert!(outcome("maybe").is_err());
        assert_eq!(direction("inbound").unwrap(), Direction::Inbound);
        assert!(direction("sideways").is_err());
    }
}
