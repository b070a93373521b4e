//! Asking a candidate by mail how they would like to hear from us: the question mail
//! (`mail_out::ask`, in their language) goes through the normal queue (their wishes apply; it
//! is about no topic), and is recorded as a question mail, so that their reply is read as an
//! answer (`consent::answers`, at ingest).

use super::queue::{self, Limit, Request};
use crate::mail_out::ask::{self, AskMail};
use crate::mail_out::compose::{Draft, Sender};
use crate::mail_out::outbox::{Confirmation, SendError};
use crate::mail_out::templates::Origin;
use crate::store::{Store, StoreError};
use std::path::Path;

/// What was queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asked {
    pub outbox_id: i64,
    pub message_id: String,
    /// The language it was written in.
    pub language: String,
    pub to: String,
}

/// The question mail for `candidate`, in their language (the team's version from `dir` when
/// there is one).
pub fn mail_for(
    store: &Store,
    candidate: i64,
    identity: &Sender,
    actor: &str,
    dir: &Path,
    origin: Origin,
) -> Result<(String, AskMail), SendError> {
    let p = store.profile(candidate)?.ok_or_else(|| {
        SendError::Store(StoreError::Invalid(format!(
            "there is no candidate {candidate}"
        )))
    })?;
    let to = p.addresses.first().cloned().ok_or_else(|| {
        SendError::Store(StoreError::Invalid(format!("{} has no address", p.name)))
    })?;
    let lang = ask::language(p.preferences.as_ref().and_then(|x| x.language.as_deref()));
    let vars = queue::template_vars(&p.name, Some(identity), actor);
    let mail = ask::mail(dir, origin, lang, &vars).map_err(|e| {
        SendError::Store(StoreError::Invalid(format!(
            "cannot read the question mail in {}: {e}",
            dir.display()
        )))
    })?;
    Ok((to, mail))
}

/// Who asks whom, with what.
pub struct AskRequest<'a> {
    pub candidate: i64,
    pub identity: &'a Sender,
    pub to: &'a str,
    pub mail: &'a AskMail,
    pub limit: &'a Limit,
    pub actor: &'a str,
    /// Their latest message (colleagues' mail since then needs a confirmation).
    pub opened_at: Option<i64>,
    pub confirm: Option<&'a Confirmation>,
}

/// Queues the question mail (refused or needing a confirmation as any message) and records
/// it as a question mail.
pub fn ask(store: &mut Store, r: &AskRequest, now: i64) -> Result<Asked, SendError> {
    let draft = Draft {
        to: r.to.to_string(),
        subject: r.mail.subject.clone(),
        body: r.mail.body.clone(),
        ..Draft::default()
    };
    let built = queue::build(r.identity, &draft, r.limit).map_err(SendError::Compose)?;
    let id = queue::queue(
        store,
        &Request {
            candidate: Some(r.candidate),
            identity: r.identity,
            message: &built,
            actor: r.actor,
            opened_at: r.opened_at,
            confirm: r.confirm,
        },
        now,
    )?;
    store.record_ask(
        r.candidate,
        &built.message_id,
        &r.mail.language,
        r.actor,
        now,
    )?;
    Ok(Asked {
        outbox_id: id,
        message_id: built.message_id,
        language: r.mail.language.clone(),
        to: r.to.to_string(),
    })
}
