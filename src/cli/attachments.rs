//! `rapport attachments NAME|EMAIL` lists a candidate's attachments with their ids;
//! `rapport attachment save ID [--to DIR]` saves one and prints where.

use super::output::clean;
use clap::Subcommand;
use rapport_core::actions::attachments::{self, AttachmentId};
use rapport_core::config::Config;
use rapport_core::mail_out::compose::human_size;
use rapport_core::store::Store;
use rapport_core::timefmt::rfc3339;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand, Debug)]
pub enum AttachmentCmd {
    /// Save an attachment (fetched from the server if needed) to the download folder, under a
    /// name of its own (never replacing a file), and print its path
    Save {
        /// The attachment's id, as `rapport attachments EMAIL` lists it (e.g. 1234.1)
        id: String,
        /// The folder to save to (default: [attachments] download_dir, else
        /// $XDG_DOWNLOAD_DIR, else ~/Downloads)
        #[arg(long, value_name = "DIR")]
        to: Option<PathBuf>,
    },
    /// Print a PDF, DOCX or text attachment as text (nothing is saved, no program is run)
    Show {
        /// The attachment's id, as `rapport attachments EMAIL` lists it (e.g. 1234.1)
        id: String,
    },
}

pub fn list(store: &Store, name_or_email: &str, json: bool) -> anyhow::Result<ExitCode> {
    // A name as `rapport show` takes it: one that fits several candidates lists them.
    let id = match super::output::who(store, name_or_email)? {
        Ok(id) => id,
        Err(code) => return Ok(code),
    };
    let all = attachments::list(store, id)?;
    if json {
        let v: Vec<serde_json::Value> = all
            .iter()
            .map(|a| {
                serde_json::json!({
                    "id": a.id.to_string(),
                    "message": a.message,
                    "date": rfc3339(a.date),
                    "from": a.from,
                    "subject": a.subject,
                    "name": a.name,
                    "type": a.mime,
                    "size": a.size,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(ExitCode::SUCCESS);
    }
    if all.is_empty() {
        println!("{} sent no attachments", clean(name_or_email));
        return Ok(ExitCode::SUCCESS);
    }
    for a in &all {
        println!(
            "{:<10} {}  {}  ({}, {})  from {}",
            a.id.to_string(),
            &rfc3339(a.date)[..10],
            clean(&a.name),
            clean(&a.mime),
            human_size(a.size),
            clean(&a.from),
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run(store: &Store, cfg: Option<&Config>, cmd: AttachmentCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        AttachmentCmd::Save { id, to } => {
            let id: AttachmentId = id.parse()?;
            let dir = to.unwrap_or_else(|| attachments::download_dir(cfg.map(|c| &c.attachments)));
            let imap = cfg.and_then(|c| c.imap.as_ref()).map(|s| s.get_ref());
            let path = attachments::fetch_and_save(store, id, imap, &dir)?;
            println!("{}", clean(&path.display().to_string()));
            Ok(ExitCode::SUCCESS)
        }
        AttachmentCmd::Show { id } => {
            let id: AttachmentId = id.parse()?;
            let imap = cfg.and_then(|c| c.imap.as_ref()).map(|s| s.get_ref());
            let (_, text) = attachments::fetch_preview(store, id, imap, &mut |_| {})?;
            println!("{}", text.trim_end());
            Ok(ExitCode::SUCCESS)
        }
    }
}
