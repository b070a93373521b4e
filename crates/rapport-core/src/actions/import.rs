//! Importing a Maildir tree (mbsync, offlineimap). The team comes first, so that the shared
//! address and the recruiters' mail are ours: the configuration's `[identity]` and
//! `[[team]]` (as a sync sets them), plus any address named on the command line.

use crate::actions::session::Session;
use crate::error::{Error, Result};
use crate::mail_in::ingest::{self, ImportReport, IngestStats};
use crate::store::{Store, TeamMember};
use std::path::Path;

/// Imports `path` into `store`; `extra_team` are more of our addresses (`--team-address`).
/// `progress` gets (folder, stats so far, files in the folder).
pub fn import(
    store: &mut Store,
    session: &Session,
    path: &Path,
    extra_team: &[String],
    progress: impl FnMut(&str, &IngestStats, usize),
) -> Result<ImportReport> {
    let mut members = match session.config() {
        Some(_) => session.team(),
        None => store.team()?,
    };
    for a in extra_team {
        let a = a.trim().to_lowercase();
        if !a.contains('@') {
            return Err(Error::Invalid(format!(
                "--team-address {a:?} is not an email address"
            )));
        }
        if !members.iter().any(|m| m.address == a) {
            members.push(TeamMember {
                address: a,
                name: String::new(),
                shared: false,
            });
        }
    }
    if session.config().is_some() || !extra_team.is_empty() {
        store.set_team(&members)?;
    }
    if let Some(c) = session.config() {
        store.set_meta("title", &c.identity.team)?;
    }
    let report = ingest::import_maildir(store, path, progress)?;
    store.record_action(
        &session.actor,
        "import-maildir",
        None,
        &format!(
            "{}: {} new message(s)",
            path.display(),
            report.total().inserted
        ),
    )?;
    // Mail to the unsubscribe address among it is settled as a sync settles it.
    super::unsubscribe::settle_pending(store, &session.web(), crate::store::now())?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_configured_shared_address_is_ours_not_a_candidate() {
        let d = tempfile::tempdir().unwrap();
        let md = d.path().join("Mail");
        let inbox = vec![b"From: Jane Doe <jane@x.example>\r\nTo: team@co.example\r\nSubject: Hello\r\nMessage-ID: <j1@x>\r\nDate: Mon, 02 Nov 2026 10:00:00 +0000\r\n\r\nIs the role open?\r\n".to_vec()];
        let sent = vec![b"From: Ana <team@co.example>\r\nTo: jane@x.example\r\nSubject: Re: Hello\r\nMessage-ID: <t1@co>\r\nIn-Reply-To: <j1@x>\r\nDate: Mon, 02 Nov 2026 11:00:00 +0000\r\n\r\nYes!\r\n".to_vec()];
        crate::mail_in::maildir::write_folder(&md, "i", &inbox).unwrap();
        crate::mail_in::maildir::write_folder(&md.join(".Sent"), "s", &sent).unwrap();
        let cfg = crate::config::Config::parse(
            "c.toml",
            "[identity]\nteam = \"Co\"\naddress = \"team@co.example\"\n",
        )
        .unwrap();
        let mut store = Store::open_in(&d.path().join("data")).unwrap();
        let session = Session::open(Some(cfg), &d.path().join("data"));
        let r = import(&mut store, &session, &md, &[], |_, _, _| {}).unwrap();
        assert_eq!(r.total().inserted, 2);
        assert_eq!(store.candidate_by_address("team@co.example").unwrap(), None);
        let jane = store
            .candidate_by_address("jane@x.example")
            .unwrap()
            .unwrap();
        let conv = store.conversation(jane, 10).unwrap();
        assert_eq!(conv.messages.len(), 2);
        assert_eq!(
            conv.messages[1].direction,
            crate::model::Direction::Outbound
        );
        let e = import(&mut store, &session, &md, &["nope".into()], |_, _, _| {}).unwrap_err();
        assert!(e.to_string().contains("\"nope\""), "{e}");
    }
}
