//! `X`: erasing a candidate from the inbox, through the one erase use case in core. The IMAP
//! server's copies (when the team erases there too) are deleted off the UI thread.

use crate::ui::state::{Command, State};
use rapport_core::actions::erase::{self, OnServer, Server};

/// Erases after the address was typed to confirm; returns what the status line says.
pub fn submit(s: &mut State, candidate: i64, actor: &str) -> Result<String, String> {
    let dir = s.data_dir.clone().unwrap_or_default();
    let how = if s.erase_on_server {
        OnServer::Defer
    } else {
        OnServer::Keep
    };
    let out = erase::erase(&mut s.store, &dir, candidate, actor, how).map_err(|e| e.to_string())?;
    let mut said = format!("erased ({} messages)", out.erased.messages);
    match out.server {
        Server::Kept(n) => {
            said.push_str(&format!("; their {n} message(s) remain on the IMAP server"))
        }
        Server::Deferred(copies) => {
            said.push_str(&format!(
                "; deleting their {} message(s) on the IMAP server…",
                copies.len()
            ));
            s.after_submit.push(Command::EraseOnServer(copies));
        }
        Server::Nothing | Server::Deleted(_) | Server::Failed(_) => {}
    }
    if let Some(left) = out.erased.pending {
        said.push_str(&format!("; not yet complete on disk: {left}"));
    }
    Ok(said)
}

/// The server's answer, as the status line says it (and in the audit log).
pub fn server_done(s: &mut State, result: Result<Vec<(String, usize)>, String>) {
    let server = match result {
        Ok(done) => Server::Deleted(done),
        Err(e) => Server::Failed(e),
    };
    let actor = s.actor.clone();
    erase::record_server_outcome(&mut s.store, &actor, &server);
    s.notice = server.describe().map(|d| match server {
        Server::Failed(_) => format!("{d}; a sync never fetches that mail again"),
        _ => d,
    });
}
