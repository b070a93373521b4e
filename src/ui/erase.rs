//! `X`: erasing a candidate from the inbox, through the one erase use case in core (run by
//! the runner as a write, off the UI thread). The IMAP server's copies (when the team erases
//! there too) are deleted off the UI thread as well; their outcome is audited as a write.

use crate::ui::reads::Reads;
use crate::ui::state::{Command, State};
use crate::ui::write::Write;
use rapport_core::actions::erase::Server;

/// The server's answer: the status line says it, and the audit log records it.
pub fn server_done<D: Reads>(
    s: &mut State<D>,
    result: Result<Vec<(String, usize)>, String>,
) -> Vec<Command> {
    let server = match result {
        Ok(done) => Server::Deleted(done),
        Err(e) => Server::Failed(e),
    };
    s.notice = server.describe().map(|d| match server {
        Server::Failed(_) => format!("{d}; a sync never fetches that mail again"),
        _ => d,
    });
    vec![Command::Write(Write::RecordServerErase { server })]
}
