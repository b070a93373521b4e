//! Sets up the demo: generates the mailbox, writes it as a Maildir in the data dir, imports it
//! through the same path as real mail, then records the demo's preferences, calls and
//! opt-outs the way a recruiter would.

use crate::{DemoConfig, generate};
use rapport_core::mail_in::ingest::import_maildir;
use rapport_core::store::{ChangeMeta, Store};
use rapport_core::values::{ChangeSource, LegalBasis, OptOutScope};
use std::path::Path;

/// The Maildir the demo writes and imports.
pub use rapport_core::paths::DEMO_MAILDIR;

/// Opens the demo database in `data_dir`, creating and filling it on first use.
pub fn install(data_dir: &Path, anchor: i64) -> anyhow::Result<Store> {
    let mut store = Store::open_in(data_dir)?;
    if store.meta("demo")?.as_deref() == Some("1") {
        return Ok(store);
    }
    if store.status()?.messages > 0 {
        anyhow::bail!(
            "{} already holds a mailbox that is not the demo; give the demo its own --data-dir",
            data_dir.display()
        );
    }
    let mailbox = generate(&DemoConfig::standard(anchor));
    fill(&mut store, data_dir, mailbox, anchor)?;
    Ok(store)
}

/// Writes `mailbox` as a Maildir under `data_dir` and ingests it with its profiles.
pub fn fill(
    store: &mut Store,
    data_dir: &Path,
    mailbox: crate::DemoMailbox,
    anchor: i64,
) -> anyhow::Result<()> {
    store.set_team(&mailbox.team)?;
    let root = data_dir.join(DEMO_MAILDIR);
    if root.exists() {
        std::fs::remove_dir_all(&root)?;
    }
    rapport_core::mail_in::maildir::write_folder(&root, "in", &mailbox.inbox)?;
    rapport_core::mail_in::maildir::write_folder(&root.join(".Sent"), "sent", &mailbox.sent)?;
    import_maildir(store, &root, |_, _, _| {})?;
    for p in &mailbox.profiles {
        let Some(c) = store.candidate_by_address(&p.address)? else {
            continue;
        };
        let at = p
            .contacts
            .iter()
            .map(|e| e.at)
            .min()
            .unwrap_or(anchor - 30 * 86_400);
        let meta = ChangeMeta {
            actor: p
                .contacts
                .first()
                .map(|e| e.recorded_by.clone())
                .unwrap_or_else(|| "demo".into()),
            at,
            source: ChangeSource::Candidate,
            source_message_id: None,
            legal_basis: Some(LegalBasis::Consent),
            note: "told us during a call".into(),
        };
        if p.preferences != Default::default() {
            store.set_preferences(c, &p.preferences, &meta)?;
        }
        for e in &p.contacts {
            store.log_contact(c, e)?;
        }
        if let Some(o) = &p.opted_out {
            let meta = ChangeMeta {
                actor: o.recorded_by.clone(),
                at: o.at,
                source: ChangeSource::CallNote,
                source_message_id: None,
                legal_basis: None,
                note: o.reason.clone(),
            };
            store.record_opt_out(c, &OptOutScope::All, &o.reason, &meta)?;
        }
    }
    let shared = mailbox
        .team
        .iter()
        .find(|m| m.shared)
        .map(|m| m.name.clone())
        .unwrap_or_default();
    write_templates(&data_dir.join("templates"))?;
    store.set_meta("title", &format!("{shared} (demo)"))?;
    store.set_meta("demo", "1")?;
    Ok(())
}

/// A few reply snippets, so the demo's picker has something to offer.
fn write_templates(dir: &Path) -> std::io::Result<()> {
    use rapport_core::shared_dir::{Access, ensure_dir, open};
    ensure_dir(dir)?;
    let files = [
        (
            "call_proposal.txt",
            "Hi {first_name},\n\nThanks for getting back to me. Would a 20-minute call this week work for you?\nTuesday or Thursday afternoon are open on my side.\n\nBest,\n{recruiter_first_name}\n",
        ),
        (
            "rust_roles.txt",
            "tags: rust, backend\nHi {first_name},\n\nA few Rust roles opened up this month that match what you told us. Shall I send the details?\n\nBest,\n{recruiter_first_name}\n",
        ),
        (
            "not_now.txt",
            "Hi {first_name},\n\nUnderstood, thanks for letting me know. I'll only get back to you when something fits what you asked for.\n\nBest,\n{recruiter_first_name}\n",
        ),
    ];
    for (name, text) in files {
        std::io::Write::write_all(
            &mut open(&dir.join(name), Access::Replace)?,
            text.as_bytes(),
        )?;
    }
    Ok(())
}

/// Who the demo is used as: its team's first recruiter (Alice Moreau), whatever the OS user
/// is called. Her name signs the demo's mail, notes and assignments ("me").
pub fn user(store: &Store) -> Option<String> {
    store
        .team()
        .ok()?
        .into_iter()
        .find(|m| !m.shared)
        .map(|m| m.name)
}
