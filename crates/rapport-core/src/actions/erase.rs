//! Erasing a person on request, the one way for every front end: what will go (for the
//! confirmation), then the erasure itself in the database, the demo's own files and, when the
//! team asked for it (`erase_on_server = true`), the copies on the IMAP server. Nothing here
//! runs before the user has confirmed: the front end asks, then calls [`erase`].

use crate::mail_in::imap::connect::Endpoint;
use crate::store::{Erased, Store};
use std::collections::BTreeMap;
use std::path::Path;

/// What an erasure will remove, for the question the user confirms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub candidate: i64,
    pub name: String,
    pub addresses: Vec<String>,
    pub messages: usize,
}

/// What became of the copies on the IMAP server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Server {
    /// The team keeps the server's copies (`erase_on_server = false`): this many remain.
    Kept(usize),
    /// Nothing of theirs was on the server.
    Nothing,
    /// Deleted and expunged: how many per folder.
    Deleted(Vec<(String, usize)>),
    /// The server could not be reached or refused: what happened. The places are kept (no
    /// content), so a sync never fetches them, and `erase` of the address tries again.
    Failed(String),
    /// Left to the caller, which deletes them off its own thread ([`delete_on_server`]).
    Deferred(Vec<(String, u32)>),
}

/// The outcome, for the front end to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub erased: Erased,
    pub server: Server,
    /// Files of the demo's own mailbox and outgoing folder that held their mail.
    pub demo_files_removed: usize,
}

/// How the server's copies are handled.
pub enum OnServer<'a> {
    Keep,
    Delete(&'a Endpoint),
    /// Delete, but the caller does it later (a TUI, off its UI thread).
    Defer,
}

pub fn plan(store: &Store, candidate: i64) -> crate::error::Result<Plan> {
    let p = store.profile(candidate)?.ok_or_else(|| {
        crate::error::Error::NotFound(format!("there is no candidate {candidate}"))
    })?;
    Ok(Plan {
        candidate,
        name: p.name,
        addresses: p.addresses,
        messages: p.message_count as usize,
    })
}

/// Erases the person (after the user confirmed).
pub fn erase(
    store: &mut Store,
    data_dir: &Path,
    candidate: i64,
    actor: &str,
    on_server: OnServer,
) -> crate::error::Result<Outcome> {
    let erased = store.erase(candidate, actor, "")?;
    let demo_files_removed = remove_demo_files(data_dir, &erased.addresses);
    let copies = erased.server_copies.clone();
    let server = match on_server {
        _ if copies.is_empty() => Server::Nothing,
        OnServer::Keep => Server::Kept(copies.len()),
        OnServer::Defer => Server::Deferred(copies),
        OnServer::Delete(ep) => match delete_on_server(ep, &copies) {
            Ok(done) => Server::Deleted(done),
            Err(e) => Server::Failed(e),
        },
    };
    record_server_outcome(store, actor, &server);
    Ok(Outcome {
        erased,
        server,
        demo_files_removed,
    })
}

impl Server {
    /// What happened on the server, in a few words (counts and folders only), for the audit
    /// log and the status line; `None` when nothing was tried there.
    pub fn describe(&self) -> Option<String> {
        match self {
            Server::Deleted(d) => Some(format!(
                "deleted on the IMAP server: {}",
                d.iter()
                    .map(|(f, n)| format!("{n} in {f}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            Server::Failed(e) => Some(format!("deleting on the IMAP server failed: {e}")),
            _ => None,
        }
    }
}

/// Notes in the audit log what happened on the server.
pub fn record_server_outcome(store: &mut Store, actor: &str, server: &Server) {
    let Some(detail) = server.describe() else {
        return;
    };
    if let Err(e) = store.record_action(actor, "erase-on-server", None, &detail) {
        tracing::warn!(
            "cannot record the server side of an erasure: {}",
            e.for_log()
        );
    }
}

/// Deletes and expunges these messages on the IMAP server. Returns how many per folder.
pub fn delete_on_server(
    ep: &Endpoint,
    copies: &[(String, u32)],
) -> Result<Vec<(String, usize)>, String> {
    let mut by_folder: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for (f, uid) in copies {
        by_folder.entry(f).or_default().push(*uid);
    }
    let mut s = crate::mail_in::imap::connect::connect(ep).map_err(|e| e.to_string())?;
    let mut done = Vec::new();
    for (folder, mut uids) in by_folder {
        uids.sort_unstable();
        uids.dedup();
        let set = crate::mail_in::imap::sync::uid_set(&uids);
        let step = |s: &mut crate::mail_in::imap::connect::Session| -> imap::error::Result<()> {
            s.select(folder)?;
            s.uid_store(&set, "+FLAGS.SILENT (\\Deleted)")?;
            s.uid_expunge(&set)?;
            Ok(())
        };
        step(&mut s).map_err(|e| format!("{folder}: {e}"))?;
        done.push((folder.to_string(), uids.len()));
    }
    let _ = s.logout();
    Ok(done)
}

/// The demo keeps its mailbox as files in the data dir: erasure removes theirs too (any file
/// from, to or copied to one of their addresses). A real data dir has none of these folders.
fn remove_demo_files(data_dir: &Path, addresses: &[String]) -> usize {
    let mut removed = 0;
    let roots = [
        data_dir.join(crate::paths::DEMO_MAILDIR),
        data_dir.join(crate::paths::DEMO_OUTGOING),
    ];
    for root in roots {
        let mut stack = vec![root];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                // Never follow a link a colleague may have planted.
                let Ok(kind) = e.file_type() else { continue };
                if kind.is_dir() {
                    stack.push(e.path());
                } else if kind.is_file()
                    && mentions(&e.path(), addresses)
                    && std::fs::remove_file(e.path()).is_ok()
                {
                    removed += 1;
                }
            }
        }
    }
    removed
}

/// Whether the message in `path` is from, to or copied to one of `addresses`.
fn mentions(path: &Path, addresses: &[String]) -> bool {
    // Never through a link a colleague may have put there since the listing.
    let mut raw = Vec::new();
    let read = crate::shared_dir::open(path, crate::shared_dir::Access::Read)
        .and_then(|mut f| std::io::Read::read_to_end(&mut f, &mut raw));
    if read.is_err() {
        return false;
    }
    let Ok((headers, _)) = mailparse::parse_headers(&raw) else {
        return false;
    };
    headers
        .iter()
        .filter(|h| {
            ["from", "to", "cc", "sender", "reply-to"]
                .contains(&h.get_key().to_lowercase().as_str())
        })
        .filter_map(|h| mailparse::addrparse_header(h).ok())
        .flat_map(|list| list.into_inner())
        .flat_map(|a| match a {
            mailparse::MailAddr::Single(s) => vec![s.addr],
            mailparse::MailAddr::Group(g) => g.addrs.into_iter().map(|s| s.addr).collect(),
        })
        .any(|a| addresses.contains(&a.trim().to_lowercase()))
}
