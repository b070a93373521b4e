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

/// How a fetch from the server goes (`core::actions::attachments::Progress`).
pub use rapport_core::actions::attachments::Progress;

/// Carries out `job` on `store` (a connection of the runner's thread). The open command is
/// started and not waited for.
pub fn execute(store: &Store, settings: &Settings, job: &Job) -> Result<Answer, String> {
    execute_with(store, settings, job, &mut |_| {})
}

/// [`execute`], telling `progress` how a fetch from the server goes (the runner passes it on
/// to `update` as `Action::AttachmentProgress`).
pub fn execute_with(
    store: &Store,
    settings: &Settings,
    job: &Job,
    progress: &mut dyn FnMut(Progress),
) -> Result<Answer, String> {
    let imap = settings.imap.as_ref();
    let dir = attachments::download_dir(Some(&settings.config));
    let err = |e: rapport_core::error::Error| e.to_string();
    match job {
        Job::Save(ids) => {
            let mut saved = Vec::new();
            for id in ids {
                saved.push(
                    attachments::fetch_and_save_with(store, *id, imap, &dir, progress)
                        .map_err(err)?,
                );
            }
            Ok(Answer::Saved(saved))
        }
        Job::Open(id) => {
            let path =
                attachments::fetch_and_save_with(store, *id, imap, &dir, progress).map_err(err)?;
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
        Job::Preview(id) => attachments::fetch_preview(store, *id, imap, progress)
            .map(|(name, text)| Answer::Preview { name, text })
            .map_err(err),
    }
}

/// One of the highlighted message's attachments.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Shown {
    id: AttachmentId,
    name: String,
    mime: String,
    size: u64,
}

/// The highlighted message's attachments.
fn highlighted<D: Reads>(s: &State<D>) -> Option<Vec<Shown>> {
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
            .map(|(i, a)| Shown {
                id: AttachmentId {
                    message: m.id,
                    index: i + 1,
                },
                name: a.name.clone(),
                mime: a.mime.clone(),
                size: a.size,
            })
            .collect(),
    )
}

/// What the save, open and preview keys ask for, before an attachment is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    Save,
    Open,
    Preview,
}

/// The save, open and preview keys: with one attachment, its job at once; with several, a
/// chooser (saving offers all of them first).
pub fn key<D: Reads>(s: &mut State<D>, b: crate::ui::action::Bound) -> Vec<Command> {
    use crate::ui::action::Bound;
    use crate::ui::form::{Field, Form, Purpose};
    let Some(all) = highlighted(s).filter(|a| !a.is_empty()) else {
        s.notice = Some(
            "the highlighted message has no attachments ([ and ] choose another message)".into(),
        );
        return Vec::new();
    };
    let wanted = match b {
        Bound::SaveAttachment => Wanted::Save,
        Bound::OpenAttachment => Wanted::Open,
        _ => Wanted::Preview,
    };
    if all.len() == 1 {
        return start(s, wanted, all);
    }
    let mut options: Vec<String> = all
        .iter()
        .map(|a| {
            format!(
                "{} ({}, {})",
                a.name,
                a.mime,
                crate::ui::conversation::size(a.size)
            )
        })
        .collect();
    // A preview starts on the first attachment that reads as text (a CV beside a logo).
    let mut selected = match wanted {
        Wanted::Preview => all
            .iter()
            .position(|a| attachments::can_preview(&a.name, &a.mime))
            .unwrap_or(0),
        _ => 0,
    };
    let title = match wanted {
        Wanted::Save => {
            options.insert(0, format!("all {} attachments", all.len()));
            selected = 0;
            "Save which attachment?"
        }
        Wanted::Open => "Open which attachment?",
        Wanted::Preview => "Read which attachment as text?",
    };
    s.mode = Mode::Form(Form::new(
        title,
        Purpose::PickAttachment {
            wanted,
            ids: all.iter().map(|a| a.id).collect(),
        },
        vec![Field::choice("Attachment", options, selected)],
    ));
    Vec::new()
}

/// The chooser's Enter: the job for line `choice` of the chooser.
pub fn chosen<D: Reads>(
    s: &mut State<D>,
    wanted: Wanted,
    ids: &[AttachmentId],
    choice: usize,
) -> Vec<Command> {
    s.mode = Mode::Normal;
    let Some(all) = highlighted(s) else {
        return Vec::new();
    };
    let all: Vec<Shown> = all.into_iter().filter(|a| ids.contains(&a.id)).collect();
    let picked: Vec<Shown> = match wanted {
        Wanted::Save if choice == 0 => all,
        Wanted::Save => all.into_iter().skip(choice - 1).take(1).collect(),
        _ => all.into_iter().skip(choice).take(1).collect(),
    };
    if picked.is_empty() {
        return Vec::new();
    }
    start(s, wanted, picked)
}

/// Asks the runner for `wanted` on `picked` (one, or all of them to save).
fn start<D: Reads>(s: &mut State<D>, wanted: Wanted, picked: Vec<Shown>) -> Vec<Command> {
    let job = match wanted {
        Wanted::Save => {
            s.notice = Some(match picked.len() {
                1 => format!("saving {}…", picked[0].name),
                n => format!("saving {n} attachments…"),
            });
            Job::Save(picked.iter().map(|a| a.id).collect())
        }
        Wanted::Open => {
            s.notice = Some(format!("opening {}…", picked[0].name));
            Job::Open(picked[0].id)
        }
        Wanted::Preview => {
            let a = &picked[0];
            if !attachments::can_preview(&a.name, &a.mime) {
                s.notice = Some(format!(
                    "no text preview for {} (PDF, DOCX and text only): s saves it, V opens it",
                    a.name
                ));
                return Vec::new();
            }
            s.notice = Some(format!("reading {}…", a.name));
            Job::Preview(a.id)
        }
    };
    vec![Command::Attachment(job)]
}

/// A fetch from the server goes on: the status line says how far
/// ("fetching cv.pdf from the mail server: 25% (1.2 of 4.8 MB received)").
pub fn progress<D: Reads>(s: &mut State<D>, p: Progress) {
    use crate::ui::conversation::size;
    s.notice = Some(match (p.received.min(p.total) * 100).checked_div(p.total) {
        None => format!("fetching {}: connecting to the mail server…", p.name),
        Some(percent) => format!(
            "fetching {} from the mail server: {percent}% ({} of {} received)",
            p.name,
            size(p.received),
            size(p.total)
        ),
    });
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
