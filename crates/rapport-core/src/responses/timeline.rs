//! A candidate's history as one chronological timeline: emails (with the thread each belongs
//! to), logged contacts, internal notes and waits marked done between them, oldest first.

use crate::store::{ContactView, Conversation, DoneView, MessageView, NoteView};

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
    /// A recruiter closed the wait: done, no reply needed.
    Done(&'a DoneView),
}

pub fn timeline(conv: &Conversation) -> Vec<TimelineItem<'_>> {
    // What sits between the emails, by time; at the same second contacts, then notes, then
    // done marks (each list is in time order already, and the sort keeps it).
    let mut between: Vec<(i64, u8, TimelineItem)> = conv
        .contacts
        .iter()
        .map(|c| (c.entry.at, 0, TimelineItem::Contact(c)))
        .chain(conv.notes.iter().map(|n| (n.at, 1, TimelineItem::Note(n))))
        .chain(conv.done.iter().map(|d| (d.at, 2, TimelineItem::Done(d))))
        .collect();
    between.sort_by_key(|(at, order, _)| (*at, *order));
    let mut between = between.into_iter().peekable();
    let mut threads: Vec<i64> = Vec::new();
    let mut prev_thread = None;
    let mut items = Vec::with_capacity(conv.messages.len() + between.len());
    for msg in &conv.messages {
        while let Some((_, _, item)) = between.next_if(|(at, _, _)| *at <= msg.date) {
            items.push(item);
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
    items.extend(between.map(|(_, _, item)| item));
    items
}
