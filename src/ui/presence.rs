//! Presence from the UI's side: what this session has open is announced through
//! `Command::Presence` (the runner writes it), and colleagues' sessions are read back every
//! few seconds for the inbox markers and the conversation header.

use crate::ui::layout::layout;
use crate::ui::reads::Reads;
use crate::ui::state::{Command, Focus, State};
use rapport_core::store::{Activity, HEARTBEAT_EVERY, Presence};

/// What this session is doing now, as colleagues should see it.
pub fn current<D: Reads>(s: &State<D>) -> (Option<i64>, Activity) {
    if let Some(sess) = &s.compose {
        return (Some(sess.candidate), Activity::Replying);
    }
    if let Some(c) = s.note_for {
        return (Some(c), Activity::Viewing);
    }
    let Some(p) = &s.profile else {
        return (None, Activity::Viewing);
    };
    // Open means on screen beyond the inbox line: focused, or beside the list on wide screens.
    let panes = layout(s.width, s.height, s.focus, s.show_profile);
    let beside = panes.inbox.is_some() && (panes.conversation.is_some() || panes.profile.is_some());
    if s.focus != Focus::Inbox || beside {
        (Some(p.id), Activity::Viewing)
    } else {
        (None, Activity::Viewing)
    }
}

/// Run after every update: notes when a candidate was opened, and announces a change at once
/// (the same state again, as a heartbeat, every `HEARTBEAT_EVERY` seconds).
pub fn announce<D: Reads>(s: &mut State<D>, now: i64) -> Option<Command> {
    let (candidate, activity) = current(s);
    match candidate {
        Some(c) if s.opened.map(|(o, _)| o) != Some(c) => s.opened = Some((c, now)),
        Some(_) => {}
        None => s.opened = None,
    }
    let since = match s.announced {
        Some((c, a, _)) if (c, a) == (candidate, activity) => s.opened.map_or(now, |(_, at)| at),
        _ => now,
    };
    let due = match s.announced {
        Some((c, a, at)) => (c, a) != (candidate, activity) || now - at >= HEARTBEAT_EVERY,
        // Nothing open and nothing said yet: nothing to say.
        None => candidate.is_some(),
    };
    if !due {
        return None;
    }
    s.announced = Some((candidate, activity, now));
    Some(Command::Presence(Presence {
        session: s.session.clone(),
        user: s.os_user.clone(),
        name: s.actor.clone(),
        candidate_id: candidate,
        activity,
        since,
        heartbeat_at: now,
    }))
}

/// Reads colleagues' live sessions again.
pub fn refresh<D: Reads>(s: &mut State<D>, now: i64) {
    match s.store.presence_of_others(&s.session, now) {
        Ok(v) => s.others = v,
        Err(e) => tracing::warn!("cannot read presence: {}", e.for_log()),
    }
}

/// Colleagues on this candidate, replying first: "alice is replying, bob is viewing".
pub fn on<D: Reads>(s: &State<D>, candidate: i64) -> Vec<&Presence> {
    let mut v: Vec<&Presence> = s
        .others
        .iter()
        .filter(|p| p.candidate_id == Some(candidate))
        .collect();
    v.sort_by_key(|p| (p.activity != Activity::Replying, p.since));
    v.dedup_by(|a, b| a.name == b.name && a.activity == b.activity);
    v
}
