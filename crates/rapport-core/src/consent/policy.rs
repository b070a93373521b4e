//! The candidate's wishes, enforced: whether we may contact someone, on which channel, and
//! when next. The sending layer and the contact log both ask `check`; an opt-out or an erased
//! address refuses outright, a frequency or channel conflict needs a recorded confirmation.

use crate::model::{Channel, Frequency, Preferences};
pub use crate::store::{Facts, Next};
use crate::store::{NextContactInputs, Result, Store};
use crate::timefmt::rfc3339;
use crate::values::OptOutScope;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

fn add_interval(at: i64, f: Frequency) -> i64 {
    let Ok(t) = Timestamp::from_second(at) else {
        return at;
    };
    let z = t.to_zoned_datetime(TimeZone::UTC);
    let next = match f {
        Frequency::Weekly => z.checked_add(7.days()),
        Frequency::Biweekly => z.checked_add(14.days()),
        Frequency::Monthly => z.checked_add(1.month()),
        Frequency::Quarterly => z.checked_add(3.months()),
        Frequency::OnlyWhenTheyWrite | Frequency::Never => return at,
    };
    next.map(|z| z.timestamp().as_second()).unwrap_or(at)
}

/// [`next_contact`] over what the store holds: the rule the store derives its `next_contact`
/// column with.
pub fn next_contact_of(i: &NextContactInputs) -> Next {
    if i.opted_out_of_all {
        return Next::Never;
    }
    next_contact(&Facts {
        preferences: Some(Preferences {
            frequency: i.frequency,
            no_channel: i.no_channel,
            ..Default::default()
        }),
        last_outbound: i.last_outbound.max(i.last_queued),
        last_inbound: i.last_inbound,
        ..Default::default()
    })
}

/// The next allowed contact. Someone who opted out of all contact: never. A candidate who
/// wrote after our last contact (mail that left or is queued, or a logged contact) may be
/// answered now: answering is not the unsolicited contact a frequency limits (except "never").
pub fn next_contact(f: &Facts) -> Next {
    if f.opt_outs
        .iter()
        .any(|o| o.revoked_at.is_none() && o.scope == OptOutScope::All)
    {
        return Next::Never;
    }
    let Some(p) = &f.preferences else {
        return Next::Now;
    };
    if p.no_channel || p.frequency == Some(Frequency::Never) {
        return Next::Never;
    }
    let they_wrote_since = match (f.last_inbound, f.last_outbound) {
        (Some(i), Some(o)) => i > o,
        (Some(_), None) => true,
        _ => false,
    };
    match p.frequency {
        None => Next::Now,
        Some(Frequency::OnlyWhenTheyWrite) if they_wrote_since => Next::Now,
        Some(Frequency::OnlyWhenTheyWrite) => Next::WhenTheyWrite,
        Some(_) if they_wrote_since => Next::Now,
        Some(freq) => match f.last_outbound {
            None => Next::Now,
            Some(o) => Next::After(add_interval(o, freq)),
        },
    }
}

/// A send that must not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    OptedOut {
        scope: OptOutScope,
        at: i64,
        reason: String,
    },
    Erased {
        address: String,
        at: i64,
    },
    /// A message of theirs asks us to stop and nobody has recorded or dismissed it: nothing
    /// goes out until someone does.
    AskedToStop {
        evidence: String,
    },
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::OptedOut { scope, at, reason } => {
                let what = match scope {
                    OptOutScope::All => "all contact".to_string(),
                    OptOutScope::Channel(c) => c.to_string(),
                    OptOutScope::Topic(t) => format!("the topic {t}"),
                };
                write!(
                    f,
                    "the candidate opted out of {what} on {}",
                    &rfc3339(*at)[..10]
                )?;
                if !reason.is_empty() {
                    write!(f, " ({reason})")?;
                }
                Ok(())
            }
            Refusal::Erased { address, at } => write!(
                f,
                "{address} was erased on request on {}; do not contact or re-add without their consent",
                &rfc3339(*at)[..10]
            ),
            Refusal::AskedToStop { evidence } => write!(
                f,
                "they asked to stop (“{evidence}”): record the opt-out or dismiss the request first"
            ),
        }
    }
}

/// A send that needs an explicit, recorded confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    TooSoon {
        next: i64,
        frequency: Frequency,
    },
    WhenTheyWrite,
    Never,
    ChannelNotAllowed {
        channel: Channel,
        allowed: Vec<Channel>,
    },
    NotTheirAddress {
        address: String,
    },
    /// A colleague wrote to (or logged a contact with) the candidate after this reply was
    /// started: what they did, so the sender can judge.
    Colleague(crate::store::ColleagueActivity),
}

impl std::fmt::Display for Conflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Conflict::TooSoon { next, frequency } => write!(
                f,
                "too soon: they asked for contact {}, next on {}",
                frequency.label(),
                &rfc3339(*next)[..10]
            ),
            Conflict::WhenTheyWrite => {
                write!(f, "they asked to be contacted only when they write first")
            }
            Conflict::Never => write!(f, "they asked not to be contacted at all"),
            Conflict::ChannelNotAllowed { channel, allowed } => write!(
                f,
                "{} is not a channel they allowed ({})",
                channel.as_str(),
                if allowed.is_empty() {
                    "none".to_string()
                } else {
                    allowed
                        .iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ),
            Conflict::NotTheirAddress { address } => {
                write!(f, "{address} is not one of the candidate's addresses")
            }
            Conflict::Colleague(a) => write!(f, "a colleague may have answered already: {a}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    Confirm(Vec<Conflict>),
    Refused(Refusal),
}

/// Decides a contact from the facts alone (pure, for tests and the UI).
pub fn decide(
    f: &Facts,
    recipients: &[String],
    channel: Channel,
    topics: &[String],
    now: i64,
) -> Verdict {
    if let Some(o) = f
        .opt_outs
        .iter()
        .find(|o| o.revoked_at.is_none() && o.scope.covers(channel, topics))
    {
        return Verdict::Refused(Refusal::OptedOut {
            scope: o.scope.clone(),
            at: o.at,
            reason: o.reason.clone(),
        });
    }
    if let Some(evidence) = &f.stop_request {
        return Verdict::Refused(Refusal::AskedToStop {
            evidence: evidence.clone(),
        });
    }
    let mut conflicts = Vec::new();
    match next_contact(f) {
        Next::Now => {}
        Next::After(t) if t <= now => {}
        Next::After(t) => conflicts.push(Conflict::TooSoon {
            next: t,
            frequency: f
                .preferences
                .as_ref()
                .and_then(|p| p.frequency)
                .unwrap_or(Frequency::Weekly),
        }),
        Next::WhenTheyWrite => conflicts.push(Conflict::WhenTheyWrite),
        Next::Never => conflicts.push(Conflict::Never),
    }
    if let Some(p) = &f.preferences
        && !p.no_channel
        && !p.channels.is_empty()
        && !p.channels.contains(&channel)
    {
        conflicts.push(Conflict::ChannelNotAllowed {
            channel,
            allowed: p.channels.clone(),
        });
    }
    for r in recipients {
        let r = r.trim().to_lowercase();
        if !f.addresses.is_empty() && !f.addresses.contains(&r) {
            conflicts.push(Conflict::NotTheirAddress { address: r });
        }
    }
    if conflicts.is_empty() {
        Verdict::Allowed
    } else {
        Verdict::Confirm(conflicts)
    }
}

/// The check every contact goes through: erased addresses and opt-outs of every recipient's
/// candidate are refusals; the chosen candidate's preferences give conflicts.
pub fn check(
    store: &Store,
    candidate: Option<i64>,
    recipients: &[String],
    channel: Channel,
    topics: &[String],
    now: i64,
) -> Result<Verdict> {
    for r in recipients {
        if let Some(at) = store.suppressed_since(r)? {
            return Ok(Verdict::Refused(Refusal::Erased {
                address: r.trim().to_lowercase(),
                at,
            }));
        }
        // Another candidate behind a recipient address: their opt-outs count too.
        if let Some(other) = store.candidate_by_address(r)?
            && Some(other) != candidate
        {
            let facts = store.contact_facts(other)?;
            if let Verdict::Refused(x) = decide(&facts, &[], channel, topics, now) {
                return Ok(Verdict::Refused(x));
            }
        }
    }
    let facts = match candidate {
        Some(c) => store.contact_facts(c)?,
        None => Facts::default(),
    };
    Ok(decide(&facts, recipients, channel, topics, now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::OptOutView;

    const DAY: i64 = 86_400;
    const NOW: i64 = 1_795_186_800;

    fn facts(freq: Option<Frequency>, last_out: Option<i64>, last_in: Option<i64>) -> Facts {
        Facts {
            preferences: Some(Preferences {
                frequency: freq,
                channels: vec![Channel::Email, Channel::Phone],
                ..Default::default()
            }),
            last_outbound: last_out,
            last_inbound: last_in,
            addresses: vec!["jane@x.example".into()],
            ..Default::default()
        }
    }

    #[test]
    fn frequency_sets_the_next_contact() {
        assert_eq!(
            next_contact(&facts(Some(Frequency::Weekly), Some(NOW), None)),
            Next::After(NOW + 7 * DAY)
        );
        assert_eq!(
            next_contact(&facts(Some(Frequency::Biweekly), Some(NOW), None)),
            Next::After(NOW + 14 * DAY)
        );
        // 20 Nov + 1 month = 20 Dec; + 3 months = 20 Feb.
        assert_eq!(
            next_contact(&facts(Some(Frequency::Monthly), Some(NOW), None)),
            Next::After(NOW + 30 * DAY)
        );
        assert_eq!(
            next_contact(&facts(Some(Frequency::Quarterly), Some(NOW), None)),
            Next::After(NOW + 92 * DAY)
        );
        assert_eq!(
            next_contact(&facts(Some(Frequency::Monthly), None, None)),
            Next::Now
        );
        assert_eq!(
            next_contact(&facts(Some(Frequency::OnlyWhenTheyWrite), Some(NOW), None)),
            Next::WhenTheyWrite
        );
        assert_eq!(
            next_contact(&facts(
                Some(Frequency::OnlyWhenTheyWrite),
                Some(NOW),
                Some(NOW + 1)
            )),
            Next::Now
        );
        assert_eq!(
            next_contact(&facts(Some(Frequency::Never), None, Some(NOW))),
            Next::Never
        );
    }

    #[test]
    fn an_opt_out_of_everything_means_never_and_queued_mail_counts() {
        let mut f = facts(None, None, None);
        f.opt_outs.push(OptOutView {
            id: 1,
            scope: OptOutScope::All,
            reason: "".into(),
            source: crate::values::ChangeSource::CallNote,
            recorded_by: "a".into(),
            at: NOW,
            revoked_at: None,
        });
        assert_eq!(next_contact(&f), Next::Never);
        let stored = |queued, opted_out_of_all| {
            next_contact_of(&NextContactInputs {
                frequency: Some(Frequency::Weekly),
                no_channel: false,
                last_outbound: Some(NOW - 30 * DAY),
                last_inbound: Some(NOW - 2 * DAY),
                last_queued: queued,
                opted_out_of_all,
            })
        };
        assert_eq!(stored(None, false), Next::Now, "they wrote since");
        assert_eq!(stored(Some(NOW), false), Next::After(NOW + 7 * DAY));
        assert_eq!(stored(None, true), Next::Never);
    }

    #[test]
    fn answering_someone_who_wrote_is_not_too_soon() {
        let f = facts(Some(Frequency::Monthly), Some(NOW - DAY), Some(NOW - 3600));
        assert_eq!(
            decide(&f, &["jane@x.example".into()], Channel::Email, &[], NOW),
            Verdict::Allowed
        );
        let f = facts(Some(Frequency::Monthly), Some(NOW - DAY), None);
        assert!(
            matches!(decide(&f, &["jane@x.example".into()], Channel::Email, &[], NOW), Verdict::Confirm(c) if matches!(c[0], Conflict::TooSoon { .. }))
        );
    }

    #[test]
    fn opt_outs_refuse_by_scope() {
        let mut f = facts(None, None, None);
        f.opt_outs.push(OptOutView {
            id: 1,
            scope: OptOutScope::Channel(Channel::Phone),
            reason: "".into(),
            source: crate::values::ChangeSource::CallNote,
            recorded_by: "a".into(),
            at: NOW,
            revoked_at: None,
        });
        assert_eq!(decide(&f, &[], Channel::Email, &[], NOW), Verdict::Allowed);
        assert!(matches!(
            decide(&f, &[], Channel::Phone, &[], NOW),
            Verdict::Refused(_)
        ));
        f.opt_outs.push(OptOutView {
            id: 2,
            scope: OptOutScope::Topic("ml".into()),
            reason: "".into(),
            source: crate::values::ChangeSource::Message,
            recorded_by: "a".into(),
            at: NOW,
            revoked_at: None,
        });
        assert!(matches!(
            decide(&f, &[], Channel::Email, &["ML".into()], NOW),
            Verdict::Refused(_)
        ));
        assert_eq!(
            decide(&f, &[], Channel::Email, &["rust".into()], NOW),
            Verdict::Allowed
        );
        f.opt_outs[0].revoked_at = Some(NOW);
        assert_eq!(decide(&f, &[], Channel::Phone, &[], NOW), Verdict::Allowed);
    }

    #[test]
    fn channels_and_addresses_need_confirmation() {
        let f = facts(None, None, None);
        assert!(
            matches!(decide(&f, &["jane@x.example".into()], Channel::Linkedin, &[], NOW), Verdict::Confirm(c) if matches!(c[0], Conflict::ChannelNotAllowed { .. }))
        );
        assert!(
            matches!(decide(&f, &["other@x.example".into()], Channel::Email, &[], NOW), Verdict::Confirm(c) if matches!(c[0], Conflict::NotTheirAddress { .. }))
        );
    }
}
