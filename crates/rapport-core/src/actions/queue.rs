//! Composing and queuing a message, the one way for every front end: a draft starts as a
//! reply, a new message or from a snippet (whose tags become its topics), is built once, and
//! is queued through the candidate's wishes (opt-outs, topics, frequency, colleagues' mail).

use crate::mail_out::compose::{self, ComposeError, Draft, Sender};
use crate::mail_out::outbox::{Confirmation, Outgoing, SendError};
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
/// the confirmed message is the one that was checked). `raw` is the message as built here;
/// [`queue`] adds the candidate's links (unsubscribe headers and footer), which need the
/// store, and queues that.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Built {
    pub message_id: String,
    pub raw: Vec<u8>,
    /// To and Cc, lower case.
    pub recipients: Vec<String>,
    pub topics: Topics,
    /// What it was built from, and its Date: the final message is the same but for the links.
    pub draft: Draft,
    pub date: std::time::SystemTime,
    pub limit: Limit,
}

/// Room kept for the links and footer when the size is checked before they are added.
const LINKS_ROOM: u64 = 1024;

/// Builds the message From the shared box; refuses one over the size limit.
pub fn build(identity: &Sender, draft: &Draft, limit: &Limit) -> Result<Built, ComposeError> {
    build_as(
        identity,
        draft,
        limit,
        compose::new_message_id(&identity.shared_address),
    )
}

/// [`build`] with a Message-ID of the caller's (a share's, which names the candidate's
/// message so that a release after a crash finds it).
pub fn build_as(
    identity: &Sender,
    draft: &Draft,
    limit: &Limit,
    message_id: String,
) -> Result<Built, ComposeError> {
    // Refused before building too: a message is at least as large as its body.
    compose::check_size(draft.body.len() as u64, limit.bytes, &limit.source)?;
    let date = crate::clock::system_time();
    let raw = compose::build(identity, draft, &message_id, date)?;
    compose::check_size(
        raw.len() as u64 + LINKS_ROOM.min(limit.bytes / 2),
        limit.bytes,
        &limit.source,
    )?;
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
        draft: draft.clone(),
        date,
        limit: limit.clone(),
    })
}

/// The message as it leaves: the built one with the candidate's links, once, here, for every
/// front end. `List-Unsubscribe` (the unsubscribe address, and the one-click URL when
/// `[web] links` is on) with `List-Unsubscribe-Post`, and the footer in their language. The
/// outbox keeps these bytes: a retry sends the same token. Without a candidate (an address
/// nobody knows, which only the library allows) the message goes without links.
pub fn finish(
    store: &mut Store,
    candidate: Option<i64>,
    identity: &Sender,
    message: &Built,
    actor: &str,
    now: i64,
) -> Result<Vec<u8>, SendError> {
    let candidate = match candidate {
        Some(c) => Some(c),
        None => match message.recipients.first() {
            Some(a) => store.candidate_by_address(a)?,
            None => None,
        },
    };
    let Some(candidate) = candidate else {
        return Ok(message.raw.clone());
    };
    let token = super::links::token_for(store, candidate, actor, now).map_err(|e| match e {
        crate::error::Error::Store(s) => SendError::Store(s),
        other => SendError::Store(StoreError::Invalid(other.to_string())),
    })?;
    let links =
        crate::web::unsubscribe::Links::new(&identity.web, &identity.shared_address, &token);
    let language = store.preferences(token.candidate)?.and_then(|p| p.language);
    let extras = compose::Extras {
        list_unsubscribe: Some(links.headers()),
        footer: Some(links.footer(&identity.web, language.as_deref())),
    };
    let raw = compose::build_with(
        identity,
        &message.draft,
        &message.message_id,
        message.date,
        &extras,
    )
    .map_err(SendError::Compose)?;
    compose::check_size(raw.len() as u64, message.limit.bytes, &message.limit.source)
        .map_err(SendError::Compose)?;
    Ok(raw)
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
    // Checked first: a refused message makes no links (and no key) for anyone.
    let verdict = crate::mail_out::outbox::check_only(
        store,
        r.candidate,
        &r.message.recipients,
        r.message.topics.as_slice(),
        now,
    )?;
    let raw = finish(store, r.candidate, r.identity, r.message, r.actor, now)?;
    let out = Outgoing {
        candidate_id: r.candidate,
        from: r.identity.shared_address.clone(),
        to: r.message.recipients.clone(),
        message_id: r.message.message_id.clone(),
        raw,
        topics: r.message.topics.as_slice().to_vec(),
        created_by: r.actor.to_string(),
        opened_at: r.opened_at,
    };
    // Making the links wrote nothing the verdict reads.
    crate::mail_out::outbox::enqueue_checked(store, &out, verdict, r.confirm, now)
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
            ..Sender::default()
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

    fn queued_raw(store: &Store) -> String {
        let id = store.outbox().unwrap().iter().map(|e| e.id).max().unwrap();
        String::from_utf8(store.outbox_raw(id).unwrap().unwrap()).unwrap()
    }

    #[test]
    fn every_queued_message_carries_mime_version_unsubscribe_headers_and_a_footer() {
        let (_d, mut store) = jane_wrote();
        let (cand, parent) = jane(&store);
        let mut sender = identity();
        sender.web = crate::web::WebSettings {
            base_url: Some("https://talent.example.com".into()),
            links: true,
            ..Default::default()
        };
        let mut draft = reply_draft(&store, &parent, "then").unwrap();
        draft.body = format!("Yes, it is.{}", draft.body);
        let built = build(&sender, &draft, &limit()).unwrap();
        let req = Request {
            candidate: Some(cand),
            identity: &sender,
            message: &built,
            actor: "Tess",
            opened_at: None,
            confirm: None,
        };
        queue(&mut store, &req, ANCHOR + 60).unwrap();
        let raw = queued_raw(&store);
        let head = raw.split("\r\n\r\n").next().unwrap().replace("\r\n ", " ");
        assert!(head.contains("MIME-Version: 1.0"), "{head}");
        let token = crate::actions::links::token_for(&mut store, cand, "Tess", ANCHOR).unwrap();
        assert!(
            head.contains(&format!(
                "List-Unsubscribe: <mailto:talent+u-{}@northwind-recruiting.example>, <https://talent.example.com/u/{}>",
                token.mail(),
                token.url()
            )),
            "{head}"
        );
        assert!(head.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
        // The signature separator "-- " (quoted-printable keeps its space as "=20").
        assert!(raw.contains("\r\n--=20\r\n"), "{raw}");
        // Our own message is shown at once, and its List-Unsubscribe does not make it bulk
        // mail: once it leaves it answers Jane, as a reply does.
        let ours = store.conversation(cand, 10).unwrap().messages;
        let ours = ours
            .iter()
            .find(|m| m.direction == Direction::Outbound)
            .unwrap();
        assert!(!ours.automated);
        let p = crate::mail_in::parse::parse_message(raw.as_bytes());
        assert!(p.automated && p.list_unsubscribe_only);
        assert!(
            p.body
                .contains(&format!("--\nHow and how often would you like to hear from us? Choose here: https://talent.example.com/p/{}", token.url())),
            "{}",
            p.body
        );
        // German for a candidate whose language is German; no web links with links = false.
        store
            .set_preferences(
                cand,
                &crate::model::Preferences {
                    language: Some("de".into()),
                    ..Default::default()
                },
                &ChangeMeta {
                    actor: "t".into(),
                    at: ANCHOR,
                    source: crate::values::ChangeSource::Recruiter,
                    source_message_id: None,
                    legal_basis: None,
                    note: String::new(),
                },
            )
            .unwrap();
        let mut sender = sender.clone();
        sender.web.links = false;
        let built = build(&sender, &new_draft("jane@x.example"), &limit()).unwrap();
        let req = Request {
            message: &built,
            identity: &sender,
            ..req
        };
        queue(&mut store, &req, ANCHOR + 120).unwrap();
        let raw = queued_raw(&store);
        let head = raw.split("\r\n\r\n").next().unwrap().replace("\r\n ", " ");
        assert!(
            head.contains(&format!(
                "List-Unsubscribe: <mailto:talent+u-{}@northwind-recruiting.example>\r\n",
                token.mail()
            )),
            "{head}"
        );
        assert!(!head.contains("List-Unsubscribe-Post"), "{head}");
        assert!(!raw.contains("https://"), "{raw}");
        let p = crate::mail_in::parse::parse_message(raw.as_bytes());
        assert!(p.body.contains("antworten Sie \"abmelden\""), "{}", p.body);
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
