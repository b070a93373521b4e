//! Composing and queuing a message, the one way for every front end: a draft starts as a
//! reply, a new message or from a snippet (whose tags become its topics), is built once, and
//! is queued through the candidate's wishes (opt-outs, topics, frequency, colleagues' mail).

use crate::mail_out::compose::{self, ComposeError, Draft, Sender};
use crate::mail_out::outbox::{Confirmation, Outgoing, SendError, enqueue};
use crate::mail_out::templates::{self, Template, Vars};
use crate::mail_out::topics::Topics;
use crate::model::Direction;
use crate::store::{MessageView, Store, StoreError};

/// The candidate's newest message to us (not an auto-reply): what a reply answers.
pub fn newest_inbound(store: &Store, candidate: i64) -> Result<Option<MessageView>, StoreError> {
    Ok(store
        .conversation(candidate, 500)?
        .messages
        .into_iter()
        .rev()
        .find(|m| m.direction == Direction::Inbound && !m.automated))
}

/// A reply to `parent`, threaded under it; `when` is the attribution's date as shown.
pub fn reply_draft(store: &Store, parent: &MessageView, when: &str) -> Result<Draft, StoreError> {
    let (refs, irt) = store.threading_of(parent.id)?;
    Ok(compose::reply_draft(parent, &refs, &irt, when))
}

/// A new message to `to`.
pub fn new_draft(to: &str) -> Draft {
    Draft {
        to: to.to_string(),
        body: "\n".into(),
        ..Draft::default()
    }
}

/// Puts the snippet's text at the top of the draft and its tags among the topics.
pub fn apply_template(draft: &mut Draft, t: &Template, vars: &Vars) {
    let text = templates::render(t, vars);
    draft.body = format!("{}\n{}", text.trim_end_matches('\n'), draft.body);
    draft.topics.extend(&t.tags);
}

/// Reads the edited text back into `draft`. Topics the draft already had (a snippet's tags, or
/// named before) stay even when the header no longer lists them: an edit can name more, never
/// drop what the message is about from under a candidate's topic opt-out.
pub fn edited(text: &str, draft: &Draft) -> Result<Draft, ComposeError> {
    let mut d = compose::parse_editor_text(text, draft)?;
    d.topics.extend(draft.topics.as_slice());
    Ok(d)
}

/// The placeholders' values for a message to `candidate_name`: the recruiter and team of the
/// sending identity (without one, the acting user).
pub fn template_vars(candidate_name: &str, identity: Option<&Sender>, actor: &str) -> Vars {
    Vars {
        name: candidate_name.to_string(),
        recruiter: identity.map_or_else(|| actor.to_string(), |i| i.recruiter_name.clone()),
        team: identity.map(|i| i.team.clone()).unwrap_or_default(),
    }
}

/// The snippet called `name`: as listed ("rust roles") or as its file is named
/// ("rust_roles"), in any case.
pub fn find_template<'a>(all: &'a [Template], name: &str) -> Option<&'a Template> {
    let want = name.replace(['_', '-'], " ").to_lowercase();
    all.iter().find(|t| t.name.to_lowercase() == want.trim())
}

/// The size limit and where it comes from (for the refusal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limit {
    pub bytes: u64,
    pub source: String,
}

/// A message built from a draft, ready to queue (kept while a confirmation is asked for, so
/// the confirmed message is the one that was checked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Built {
    pub message_id: String,
    pub raw: Vec<u8>,
    /// To and Cc, lower case.
    pub recipients: Vec<String>,
    pub topics: Topics,
}

/// Builds the message From the shared box; refuses one over the size limit.
pub fn build(identity: &Sender, draft: &Draft, limit: &Limit) -> Result<Built, ComposeError> {
    // Refused before building too: a message is at least as large as its body.
    compose::check_size(draft.body.len() as u64, limit.bytes, &limit.source)?;
    let message_id = compose::new_message_id(&identity.shared_address);
    let raw = compose::build(identity, draft, &message_id, crate::clock::system_time())?;
    compose::check_size(raw.len() as u64, limit.bytes, &limit.source)?;
    let recipients = compose::addresses("To", &draft.to)?
        .into_iter()
        .chain(compose::addresses("Cc", &draft.cc)?)
        .map(|m| m.email.to_string().to_lowercase())
        .collect();
    Ok(Built {
        message_id,
        raw,
        recipients,
        topics: draft.topics.clone(),
    })
}

/// Who queues what for whom.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// None: an address nobody knows yet (it gets a conversation of its own).
    pub candidate: Option<i64>,
    pub identity: &'a Sender,
    pub message: &'a Built,
    pub actor: &'a str,
    /// When the sender opened the candidate (or what the reply answers): colleagues' mail
    /// since then needs a confirmation.
    pub opened_at: Option<i64>,
    pub confirm: Option<&'a Confirmation>,
}

/// Checks the candidate's wishes, its topics included, and queues the message; returns its
/// outbox id. Refusals are final; conflicts need a confirmation with a reason.
pub fn queue(store: &mut Store, r: &Request, now: i64) -> Result<i64, SendError> {
    let out = Outgoing {
        candidate_id: r.candidate,
        from: r.identity.shared_address.clone(),
        to: r.message.recipients.clone(),
        message_id: r.message.message_id.clone(),
        raw: r.message.raw.clone(),
        topics: r.message.topics.as_slice().to_vec(),
        created_by: r.actor.to_string(),
        opened_at: r.opened_at,
    };
    enqueue(store, &out, r.confirm, now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consent::policy::Refusal;
    use crate::store::ChangeMeta;

    const ANCHOR: i64 = 1_795_186_800;
    const SHARED: &str = "talent@northwind-recruiting.example";

    /// A store where Jane has written to the shared box once.
    fn jane_wrote() -> (tempfile::TempDir, Store) {
        let d = tempfile::tempdir().unwrap();
        let md = d.path().join("Mail");
        let inbox = vec![b"From: Jane Doe <jane@x.example>\r\nTo: talent@northwind-recruiting.example\r\nSubject: Hello\r\nMessage-ID: <j1@x>\r\nDate: Mon, 02 Nov 2026 10:00:00 +0000\r\n\r\nIs the role open?\r\n".to_vec()];
        crate::mail_in::maildir::write_folder(&md, "i", &inbox).unwrap();
        let mut store = Store::open_in(&d.path().join("data")).unwrap();
        store
            .set_team(&[crate::store::TeamMember {
                address: SHARED.into(),
                name: "Northwind Talent".into(),
                shared: true,
            }])
            .unwrap();
        crate::mail_in::ingest::import_maildir(&mut store, &md, |_, _, _| {}).unwrap();
        (d, store)
    }

    fn identity() -> Sender {
        Sender {
            team: "Northwind Talent".into(),
            shared_address: SHARED.into(),
            recruiter_name: "Tess".into(),
        }
    }

    fn limit() -> Limit {
        Limit {
            bytes: 1_000_000,
            source: "test".into(),
        }
    }

    fn jane(store: &Store) -> (i64, MessageView) {
        let c = store
            .candidate_by_address("jane@x.example")
            .unwrap()
            .unwrap();
        (c, newest_inbound(store, c).unwrap().unwrap())
    }

    #[test]
    fn a_snippets_tags_are_topics_and_a_topic_opt_out_refuses_them() {
        let (_d, mut store) = jane_wrote();
        let (cand, parent) = jane(&store);
        let meta = ChangeMeta {
            actor: "t".into(),
            at: ANCHOR,
            source: crate::values::ChangeSource::CallNote,
            source_message_id: None,
            legal_basis: None,
            note: String::new(),
        };
        store
            .record_opt_out(cand, &"topic:rust".parse().unwrap(), "no Rust roles", &meta)
            .unwrap();
        let snippet = templates::parse("rust roles", "tags: Rust, remote\nHi {first_name}!\n");
        let mut draft = reply_draft(&store, &parent, "then").unwrap();
        apply_template(&mut draft, &snippet, &Vars::default());
        assert_eq!(draft.topics.to_string(), "rust, remote");
        assert!(draft.body.starts_with("Hi !\n"), "{:?}", draft.body);
        let built = build(&identity(), &draft, &limit()).unwrap();
        let req = Request {
            candidate: Some(cand),
            identity: &identity(),
            message: &built,
            actor: "Tess",
            opened_at: None,
            confirm: None,
        };
        let e = queue(&mut store, &req, ANCHOR + 60).unwrap_err();
        assert!(
            matches!(&e, SendError::Refused(Refusal::OptedOut { scope, .. }) if scope.to_string() == "topic:rust"),
            "{e}"
        );
        assert!(e.to_string().contains("the topic rust"), "{e}");
        assert!(store.outbox().unwrap().is_empty());
        // The same message about something else goes.
        let mut other = reply_draft(&store, &parent, "then").unwrap();
        other.topics = Topics::parse("remote");
        other.body = format!("Hello{}", other.body);
        let built = build(&identity(), &other, &limit()).unwrap();
        let req = Request {
            message: &built,
            ..req
        };
        queue(&mut store, &req, ANCHOR + 60).unwrap();
        assert_eq!(store.outbox().unwrap().len(), 1);
    }

    #[test]
    fn an_edit_adds_topics_but_cannot_drop_them() {
        let mut d = new_draft("jane@x.example");
        d.topics = Topics::parse("rust");
        let text = compose::editor_text(&d).replace("Topics: rust", "Topics: Remote");
        assert_eq!(
            edited(&text, &d).unwrap().topics.to_string(),
            "remote, rust"
        );
        let text = compose::editor_text(&d).replace("Topics: rust\n", "");
        assert_eq!(edited(&text, &d).unwrap().topics.to_string(), "rust");
    }

    #[test]
    fn templates_are_found_by_listed_or_file_name() {
        let all = vec![templates::parse("rust roles", "x")];
        assert!(find_template(&all, "Rust_Roles").is_some());
        assert!(find_template(&all, "rust roles").is_some());
        assert!(find_template(&all, "ml").is_none());
    }

    #[test]
    fn an_oversized_body_is_refused_before_building() {
        let mut d = new_draft("jane@x.example");
        d.body = "x".repeat(2000);
        let e = build(
            &identity(),
            &d,
            &Limit {
                bytes: 1000,
                source: "here".into(),
            },
        )
        .unwrap_err();
        assert!(matches!(e, ComposeError::TooLarge { .. }), "{e}");
    }
}
