//! A candidate's history as one chronological timeline: emails (with the thread each belongs
//! to), logged contacts and internal notes between them, oldest first.

use crate::store::{ContactView, Conversation, MessageView, NoteView};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimelineItem<'a> {
    Message {
        msg: &'a MessageView,
        /// 1-based number of the thread within this conversation, by first appearance.
        thread_no: usize,
        /// The thread's first message in view, or the thread differs from the previous email's.
        thread_starts: bool,
    },
    Contact(&'a ContactView),
    /// An internal note (never sent), with its author.
    Note(&'a NoteView),
}

pub fn timeline(conv: &Conversation) -> Vec<TimelineItem<'_>> {
    let mut threads: Vec<i64> = Vec::new();
    let mut prev_thread = None;
    let mut items = Vec::with_capacity(conv.messages.len() + conv.contacts.len());
    let mut contacts = conv.contacts.iter().peekable();
    let mut notes = conv.notes.iter().peekable();
    for msg in &conv.messages {
        // Contacts and notes up to this message, in time order between themselves.
        loop {
            let c = contacts
                .peek()
                .map(|c| c.entry.at)
                .filter(|at| *at <= msg.date);
            let n = notes.peek().map(|n| n.at).filter(|at| *at <= msg.date);
            match (c, n) {
                (Some(c), Some(n)) if n < c => {
                    items.push(TimelineItem::Note(notes.next().unwrap()))
                }
                (Some(_), _) => items.push(TimelineItem::Contact(contacts.next().unwrap())),
                (None, Some(_)) => items.push(TimelineItem::Note(notes.next().unwrap())),
                (None, None) => break,
            }
        }
        let thread_no = match threads.iter().position(|t| *t == msg.thread_id) {
            Some(i) => i + 1,
            None => {
                threads.push(msg.thread_id);
                threads.len()
            }
        };
        items.push(TimelineItem::Message {
            msg,
            thread_no,
            thread_starts: prev_thread != Some(msg.thread_id),
        });
        prev_thread = Some(msg.thread_id);
    }
    let mut rest: Vec<(i64, TimelineItem)> = contacts
        .map(|c| (c.entry.at, TimelineItem::Contact(c)))
        .chain(notes.map(|n| (n.at, TimelineItem::Note(n))))
        .collect();
    rest.sort_by_key(|(at, _)| *at);
    items.extend(rest.into_iter().map(|(_, i)| i));
    items
}
