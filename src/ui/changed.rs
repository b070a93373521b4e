//! What changed in the conversation a recruiter is reading, said in a banner instead of
//! taking the conversation away: "answered by Bilal 1m ago".

use rapport_core::model::Direction;
use rapport_core::store::Conversation;
use rapport_core::timefmt::duration;

/// The newest thing in `after` that `before` did not have: our reply, a logged contact or an
/// internal note, with who did it and how long ago. `None` when nothing new is ours to tell
/// (their own new mail shows in the conversation anyway).
pub fn what_changed(before: &Conversation, after: &Conversation, now: i64) -> Option<String> {
    let ago = |at: i64| match now - at {
        d if d < 60 => "just now".to_string(),
        d => format!("{} ago", duration(d)),
    };
    let mut news: Vec<(i64, String)> = Vec::new();
    for m in &after.messages {
        if m.direction == Direction::Outbound && !before.messages.iter().any(|b| b.id == m.id) {
            let who = m.recruiter.clone().unwrap_or_else(|| m.from_name.clone());
            news.push((m.date, format!("answered by {who} {}", ago(m.date))));
        }
    }
    for c in &after.contacts {
        if !before.contacts.iter().any(|b| b.id == c.id) {
            let e = &c.entry;
            news.push((
                e.at,
                format!(
                    "{} {} logged by {} {}",
                    e.channel.as_str(),
                    e.outcome.as_str(),
                    e.recorded_by,
                    ago(e.at)
                ),
            ));
        }
    }
    for n in &after.notes {
        if !before.notes.iter().any(|b| b.id == n.id) {
            news.push((n.at, format!("note added by {} {}", n.author, ago(n.at))));
        }
    }
    news.into_iter().max_by_key(|(at, _)| *at).map(|(_, t)| t)
}
