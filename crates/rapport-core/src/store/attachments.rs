//! Reads for attachments: what a candidate's messages list, and where a message's bytes can be
//! read again (its stored raw source, or its places on the server). Nothing here writes.

use super::{Result, Store};
use crate::model::Attachment;
use rusqlite::{OptionalExtension, params};

/// One message of a candidate that lists attachments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageAttachments {
    /// The message's row id.
    pub message: i64,
    pub date: i64,
    pub from_addr: String,
    pub subject: String,
    pub attachments: Vec<Attachment>,
}

/// Where a message's source can be read again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageSource {
    pub attachments: Vec<Attachment>,
    /// The raw message, for imported mail, the demo and the outbox.
    pub raw: Option<Vec<u8>>,
    /// Its places on the server: folder name, the folder's UIDVALIDITY, UID.
    pub locations: Vec<(String, Option<u32>, u32)>,
}

impl Store {
    /// The candidate's messages that list attachments, oldest first.
    pub fn attachments_of(&self, candidate_id: i64) -> Result<Vec<MessageAttachments>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, date, from_addr, subject, attachments FROM messages
             WHERE candidate_id = ?1 AND attachments <> '[]' ORDER BY date, id",
        )?;
        let rows = st.query_map([candidate_id], |r| {
            Ok(MessageAttachments {
                message: r.get(0)?,
                date: r.get(1)?,
                from_addr: r.get(2)?,
                subject: r.get(3)?,
                attachments: serde_json::from_str(&r.get::<_, String>(4)?).unwrap_or_default(),
            })
        })?;
        Ok(rows
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .filter(|m| !m.attachments.is_empty())
            .collect())
    }

    /// Where message `message` (a row id) can be read again; None when there is no such
    /// message.
    pub fn message_source(&self, message: i64) -> Result<Option<MessageSource>> {
        let attachments: Option<String> = self
            .conn
            .prepare_cached("SELECT attachments FROM messages WHERE id = ?1")?
            .query_row([message], |r| r.get(0))
            .optional()?;
        let Some(attachments) = attachments else {
            return Ok(None);
        };
        let raw: Option<Vec<u8>> = self
            .conn
            .prepare_cached("SELECT raw FROM message_raw WHERE message_id = ?1")?
            .query_row([message], |r| r.get(0))
            .optional()?;
        let mut st = self.conn.prepare_cached(
            "SELECT f.name, f.uidvalidity, l.uid FROM message_locations l
             JOIN folders f ON f.id = l.folder_id WHERE l.message_id = ?1 ORDER BY f.id, l.uid",
        )?;
        let locations = st
            .query_map(params![message], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Some(MessageSource {
            attachments: serde_json::from_str(&attachments).unwrap_or_default(),
            raw,
            locations,
        }))
    }

    /// The candidate a message belongs to.
    pub fn candidate_of_message(&self, message: i64) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached("SELECT candidate_id FROM messages WHERE id = ?1")?
            .query_row([message], |r| r.get::<_, Option<i64>>(0))
            .optional()?
            .flatten())
    }
}
