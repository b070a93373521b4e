//! What a share did, and what followed it.

use super::*;
use crate::store::CANCELLED_OPTED_OUT;

/// A share's progress and, afterwards, what followed it.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub share: ShareRow,
    pub planned: usize,
    pub queued: usize,
    pub sent: usize,
    pub failed: usize,
    /// Cut off while the server was taking it: may have been sent; never sent again by
    /// itself (`rapport outbox mark-sent` or `retry` decides).
    pub unknown: usize,
    pub skipped: usize,
    pub cancelled: usize,
    /// Of those cancelled, how many because the candidate opted out after their message was
    /// released (the rest a recruiter cancelled).
    pub cancelled_opted_out: usize,
    /// Skips by reason kind.
    pub skipped_by: BTreeMap<String, usize>,
    /// Candidates who wrote to us within 14 days of their message.
    pub replies: usize,
    pub reply_rate: f64,
    /// Opt-outs and preference changes they made within 14 days of their message.
    pub opt_outs: usize,
    pub preference_changes: usize,
    /// Per interest tag: (delivered, replies).
    pub by_interest: BTreeMap<String, (usize, usize)>,
}

impl Report {
    /// "3 cancelled (1 because they opted out)": the one wording of the front ends.
    pub fn cancelled_text(&self) -> String {
        match self.cancelled_opted_out {
            0 => format!("{} cancelled", self.cancelled),
            n => format!("{} cancelled ({n} because they opted out)", self.cancelled),
        }
    }
}

/// The follow-up window of the report.
pub const FOLLOW_UP_SECS: i64 = 14 * 86_400;

pub fn report(store: &Store, id: i64) -> Result<Report> {
    let share = store
        .share(id)?
        .ok_or_else(|| Error::NotFound(format!("there is no share {id}")))?;
    let items = store.share_items(id)?;
    let mut r = Report {
        share: share.clone(),
        planned: 0,
        queued: 0,
        sent: 0,
        failed: 0,
        unknown: 0,
        skipped: 0,
        cancelled: 0,
        cancelled_opted_out: 0,
        skipped_by: BTreeMap::new(),
        replies: 0,
        reply_rate: 0.0,
        opt_outs: 0,
        preference_changes: 0,
        by_interest: BTreeMap::new(),
    };
    for i in &items {
        match (i.state.as_str(), i.outbox_state.as_deref()) {
            ("planned", _) => r.planned += 1,
            ("skipped", _) => {
                r.skipped += 1;
                let kind = kind_of(&i.reason).to_string();
                *r.skipped_by.entry(kind).or_default() += 1;
            }
            ("cancelled", _) | (_, Some("cancelled")) => {
                r.cancelled += 1;
                let note = i.outbox_note.as_deref().unwrap_or("");
                r.cancelled_opted_out += usize::from(note.starts_with(CANCELLED_OPTED_OUT));
            }
            (_, Some("sent")) => r.sent += 1,
            (_, Some("failed")) => r.failed += 1,
            (_, Some("unknown")) => r.unknown += 1,
            _ => r.queued += 1,
        }
        if let (Some(at), Some("sent")) = (i.released_at, i.outbox_state.as_deref()) {
            let mid = i.message_id.as_deref().unwrap_or("");
            let f = store.share_follow_up(i.candidate_id, mid, at, at + FOLLOW_UP_SECS)?;
            r.replies += usize::from(f.replied);
            r.opt_outs += f.opt_outs;
            r.preference_changes += f.preference_changes;
            let theirs = store
                .preferences(i.candidate_id)?
                .map(|p| p.interests)
                .unwrap_or_default();
            for t in share.tags.iter().filter(|t| theirs.contains(t)) {
                let e = r.by_interest.entry(t.clone()).or_default();
                e.0 += 1;
                e.1 += usize::from(f.replied);
            }
        }
    }
    if r.sent > 0 {
        r.reply_rate = r.replies as f64 / r.sent as f64;
    }
    Ok(r)
}
