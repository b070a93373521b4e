//! Attachments in the conversation: `s` saves the highlighted message's attachments to the
//! download folder, `V` opens its first one with the configured program, `v` reads it as text
//! in an overlay. Fetching can mean the network (synced mail is read from the server), so
//! `update` only asks: `Command::Attachment`, which the runner carries out off the UI thread
//! ([`execute`]) and answers with `Action::Attachment`.

use crate::ui::reads::Reads;
use crate::ui::state::{Command, Mode, State};
use rapport_core::actions::attachments::{self, AttachmentId};
use rapport_core::config::{Attachments as AttachmentsConfig, Server};
use rapport_core::sanitize::sanitize_line;
use rapport_core::store::Store;
use std::path::PathBuf;

/// What the recruiter asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    /// Save these to the download folder.
    Save(Vec<AttachmentId>),
    /// Save it, then open it with `open_command`.
    Open(AttachmentId),
    /// Read it as text for the overlay (nothing is saved).
    Preview(AttachmentId),
}

/// What came of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Saved(Vec<PathBuf>),
    /// Saved there and handed to this program.
    Opened(PathBuf, String),
    Preview {
        name: String,
        text: String,
    },
}

/// Where attachments go and how they are fetched and opened (from the config).
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub config: AttachmentsConfig,
    /// The `[imap]` section, for synced mail.
    pub imap: Option<Server>,
}

/// Carries out `job` on `store` (a connection of the runner's thread). The open command is
/// started and not waited for.
pub fn execute(store: &Store, settings: &Settings, job: &Job) -> Result<Answer, String> {
    let imap = settings.imap.as_ref();
    let dir = attachments::download_dir(Some(&settings.config));
    let err = |e: rapport_core::error::Error| e.to_string();
    match job {
        Job::Save(ids) => {
            let mut saved = Vec::new();
            for id in ids {
                saved.push(attachments::fetch_and_save(store, *id, imap, &dir).map_err(err)?);
            }
            Ok(Answer::Saved(saved))
        }
        Job::Open(id) => {
            let path = attachments::fetch_and_save(store, *id, imap, &dir).map_err(err)?;
            let (program, args) =
                attachments::open_command(Some(&settings.config), &path).map_err(err)?;
            let child = std::process::Command::new(&program)
                .args(&args)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn();
            match child {
                Ok(mut c) => {
                    // Reaped in the background; the viewer may stay open for long.
                    std::thread::spawn(move || c.wait());
                    Ok(Answer::Opened(path, program))
                }
                Err(e) => Err(format!(
                    "saved {}, but cannot run {program}: {e} (set [attachments] open_command)",
                    sanitize_line(&path.display().to_string())
                )),
            }
        }
        Job::Preview(id) => attachments::fetch_preview(store, *id, imap)
            .map(|(name, text)| Answer::Preview { name, text })
            .map_err(err),
    }
}

/// The highlighted message's attachments: (id, name, type).
fn highlighted<D: Reads>(s: &State<D>) -> Option<Vec<(AttachmentId, String, String)>> {
    let id = s.selected_message?;
    let m = s
        .conversation
        .as_ref()?
        .messages
        .iter()
        .find(|m| m.id == id)?;
    Some(
        m.attachments
            .iter()
            .enumerate()
            .map(|(i, a)| {
                (
                    AttachmentId {
                        message: m.id,
                        index: i + 1,
                    },
                    a.name.clone(),
                    a.mime.clone(),
                )
            })
            .collect(),
    )
}

/// The save, open and preview keys.
pub fn key<D: Reads>(s: &mut State<D>, b: crate::ui::action::Bound) -> Vec<Command> {
    use crate::ui::action::Bound;
    let Some(all) = highlighted(s).filter(|a| !a.is_empty()) else {
        s.notice = Some(
            "the highlighted message has no attachments ([ and ] choose another message)".into(),
        );
        return Vec::new();
    };
    let job = match b {
        Bound::SaveAttachment => {
            s.notice = Some(match all.len() {
                1 => format!("saving {}…", all[0].1),
                n => format!("saving {n} attachments…"),
            });
            Job::Save(all.iter().map(|a| a.0).collect())
        }
        Bound::OpenAttachment => {
            s.notice = Some(format!("opening {}…", all[0].1));
            Job::Open(all[0].0)
        }
        _ => {
            // The first one that reads as text: a CV next to a logo is what is wanted.
            let Some(a) = all
                .iter()
                .find(|(_, name, mime)| attachments::can_preview(name, mime))
            else {
                s.notice = Some(format!(
                    "no text preview for {} (PDF, DOCX and text only): s saves it, V opens it",
                    all[0].1
                ));
                return Vec::new();
            };
            s.notice = Some(format!("reading {}…", a.1));
            Job::Preview(a.0)
        }
    };
    vec![Command::Attachment(job)]
}

/// The runner's answer: the status line says where, or the preview opens.
pub fn done<D: Reads>(s: &mut State<D>, answer: Result<Answer, String>) {
    let path = |p: &PathBuf| sanitize_line(&p.display().to_string());
    s.notice = Some(match answer {
        Ok(Answer::Saved(paths)) => match paths.as_slice() {
            [one] => format!("saved {}", path(one)),
            many => format!(
                "saved {} attachments in {}",
                many.len(),
                many.first()
                    .and_then(|p| p.parent())
                    .map(|d| sanitize_line(&d.display().to_string()))
                    .unwrap_or_default()
            ),
        },
        Ok(Answer::Opened(p, program)) => {
            format!(
                "saved {} and opened it with {}",
                path(&p),
                sanitize_line(&program)
            )
        }
        Ok(Answer::Preview { name, text }) => {
            s.mode = Mode::Preview {
                title: name,
                lines: text.lines().map(str::to_string).collect(),
                scroll: 0,
            };
            return;
        }
        Err(e) => e,
    });
}
