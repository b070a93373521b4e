//! A candidate's history as one chronological timeline: emails (with the thread each belongs
//! to) and logged contacts between them, oldest first.

use crate::core::store::{ContactView, Conversation, MessageView};

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
}

pub fn timeline(conv: &Conversation) -> Vec<TimelineItem<'_>> {
    let mut threads: Vec<i64> = Vec::new();
    let mut prev_thread = None;
    let mut items = Vec::with_capacity(conv.messages.len() + conv.contacts.len());
    let mut contacts = conv.contacts.iter().peekable();
    for msg in &conv.messages {
        while let Some(c) = contacts.next_if(|c| c.entry.at <= msg.date) {
            items.push(TimelineItem::Contact(c));
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
    items.extend(contacts.map(TimelineItem::Contact));
    items
}
