//! Who a share leaves out and why, and the personalised text for those it reaches.

use super::*;

pub(super) fn tags_of(t: &Template) -> Vec<String> {
    Topics::parse(&t.tags.join(",")).as_slice().to_vec()
}

/// The skip a refusal of the send policy means.
pub(super) fn refused(r: Refusal) -> Skip {
    match r {
        Refusal::Erased { .. } => Skip::Erased,
        Refusal::OptedOut {
            scope: OptOutScope::Topic(t),
            ..
        } => Skip::TopicOptedOut(t),
        Refusal::OptedOut { .. } => Skip::OptedOut,
        Refusal::AskedToStop { .. } => Skip::AskedToStop,
    }
}

/// The skip the first conflict means: a share never confirms a conflict for anyone.
pub(super) fn conflicted(cs: &[Conflict]) -> Skip {
    match cs.first() {
        Some(Conflict::ChannelNotAllowed { .. } | Conflict::Never) => Skip::ChannelNotAllowed,
        Some(Conflict::TooSoon { next, .. }) => Skip::NotDue(*next),
        Some(Conflict::WhenTheyWrite) => Skip::OnlyWhenTheyWrite,
        Some(other) => Skip::NeedsConfirmation(other.to_string()),
        None => Skip::NeedsConfirmation(String::new()),
    }
}

/// The kind of a stored reason (its text starts with the kind).
pub fn kind_of(reason: &str) -> &str {
    Skip::KINDS
        .iter()
        .filter(|k| reason.starts_with(**k))
        .max_by_key(|k| k.len())
        .copied()
        .unwrap_or(reason)
}

/// Whether the candidate may receive content tagged `tags` now, under their wishes (the
/// send policy) and the share's own rules; `by_interest` asks for an overlapping interest.
pub(super) fn skip_of(
    facts: &Facts,
    row: &InboxRow,
    tags: &[String],
    by_interest: bool,
    now: i64,
) -> Option<Skip> {
    if row.suppressed {
        return Some(Skip::Erased);
    }
    let to = [row.address.clone()];
    match policy::decide(facts, &to, Channel::Email, tags, now) {
        Verdict::Refused(r) => return Some(refused(r)),
        Verdict::Confirm(cs) if !cs.is_empty() => return Some(conflicted(&cs)),
        _ => {}
    }
    if row.waiting_since.is_some() {
        return Some(Skip::WaitingForReply);
    }
    if let Some(until) = row.snoozed_until.filter(|u| *u > now) {
        return Some(Skip::Snoozed(until));
    }
    if by_interest {
        let theirs = facts
            .preferences
            .as_ref()
            .map(|p| p.interests.as_slice())
            .unwrap_or_default();
        if !theirs.iter().any(|i| tags.contains(i)) {
            return Some(Skip::NoMatchingInterest);
        }
    }
    None
}

/// The personalised text for one candidate: `{first_name}`, `{interests}` (theirs that the
/// content is about), `{recruiter}` and the other snippet placeholders.
pub(super) fn body_for(
    store: &Store,
    spec_template: &Template,
    candidate: i64,
    name: &str,
    identity: &Sender,
) -> Result<String> {
    let tags = tags_of(spec_template);
    let theirs = store
        .preferences(candidate)?
        .map(|p| p.interests)
        .unwrap_or_default();
    let mut matching: Vec<String> = theirs.into_iter().filter(|i| tags.contains(i)).collect();
    if matching.is_empty() {
        matching = tags;
    }
    let mut t = spec_template.clone();
    t.body = t.body.replace(
        "{interests}",
        &crate::sanitize::sanitize_line(&matching.join(", ")),
    );
    let vars = queue::template_vars(name, Some(identity), &identity.recruiter_name);
    Ok(templates::render(&t, &vars))
}

pub(super) fn person(r: &InboxRow) -> Person {
    Person {
        id: r.id,
        name: r.name.clone(),
        address: r.address.clone(),
    }
}
