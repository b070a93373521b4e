//! The command line's commands, as clap reads them, and which of them only print.

use super::{attachments, audit, burst, people, report, send, share, sync, teamwork, web};
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// Open rapport on a generated demo mailbox (no server, no config needed)
    Demo {
        /// Keep the demo here instead of a fresh temporary directory (reused if it exists)
        #[arg(long, value_name = "DIR")]
        data_dir: Option<PathBuf>,
        /// Generate and import only; do not open the inbox
        #[arg(long)]
        no_tui: bool,
    },
    /// Import a Maildir tree (as written by mbsync or offlineimap) into the data dir
    ImportMaildir {
        /// The Maildir (with cur/ and new/) or a tree of Maildir folders
        path: PathBuf,
        /// An address of the team (repeatable): its mail counts as outbound
        #[arg(long = "team-address", value_name = "EMAIL")]
        team: Vec<String>,
    },
    /// List candidates in inbox order (awaiting reply first), or those a query finds
    Candidates {
        #[arg(long)]
        json: bool,
        /// Only candidates awaiting our reply
        #[arg(long)]
        awaiting: bool,
        /// Only the candidates this query finds: words and "phrases" (their mail, name,
        /// address) and fields: interest:rust channel:email due:yes|no assigned:me|none|NAME
        /// waiting:>24h|<2d|yes|no over:target opted-out:yes|no lang:de tz:Europe/* snoozed:yes|no;
        /// terms side by side all hold, `or` between two lets either, -term negates
        #[arg(long, value_name = "QUERY")]
        query: Option<String>,
        /// The query of a saved view ([views] in the config)
        #[arg(long, value_name = "NAME", conflicts_with = "query")]
        view: Option<String>,
    },
    /// Show a candidate's profile and timeline
    Show {
        /// The candidate's name (or a part of it) or any of their addresses
        #[arg(value_name = "NAME|EMAIL")]
        who: String,
        #[arg(long)]
        json: bool,
    },
    /// List a candidate's attachments with their ids (for `rapport attachment save ID`)
    Attachments {
        /// The candidate's name (as `rapport show` takes it) or any of their addresses
        #[arg(value_name = "NAME|EMAIL")]
        email: String,
        #[arg(long)]
        json: bool,
    },
    /// Work with one attachment (see `rapport attachments EMAIL` for the ids)
    Attachment {
        #[command(subcommand)]
        cmd: attachments::AttachmentCmd,
    },
    /// Search all mail (subject, body, sender)
    Search {
        query: String,
        #[arg(long)]
        json: bool,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Only this candidate's mail: their name (or a part of it) or an address
        #[arg(long, value_name = "NAME|EMAIL")]
        candidate: Option<String>,
    },
    /// Show or change a candidate's preferences (every change goes to their ledger)
    Prefs(people::PrefsArgs),
    /// Log a call, meeting or message on another channel
    LogContact(people::LogContactArgs),
    /// Record an opt-out: mail it covers is refused and queued mail cancelled
    OptOut(people::OptOutArgs),
    /// End an opt-out, citing the candidate's own message asking for it
    OptIn(people::OptInArgs),
    /// Record the opt-out the candidate's message was read as asking for (the inbox's
    /// "asked to stop" banner), with that message as the source and their words as the reason
    AcceptOptOut {
        /// Any of the candidate's addresses
        email: String,
    },
    /// The candidate's message read as asking to stop was not such a request: dismiss it,
    /// recording no opt-out
    DismissOptOut {
        /// Any of the candidate's addresses
        email: String,
    },
    /// Ask the candidate by mail how they would like to hear from us (the question mail, in
    /// their language; checked against their wishes, then sent); their reply is read as an
    /// answer and waits on a banner (`rapport answers`)
    Ask(send::AskArgs),
    /// Candidates' answers to the question mail waiting for a recruiter, with what each
    /// proposes
    Answers {
        #[arg(long)]
        json: bool,
    },
    /// Accept everything the candidate's answer proposes: into their preferences and
    /// opt-outs, with their message as the source
    AcceptAnswer {
        /// Any of the candidate's addresses
        email: String,
    },
    /// The answer was not read right: dismiss it, recording nothing
    DismissAnswer {
        /// Any of the candidate's addresses
        email: String,
    },
    /// Merge the second candidate into the first (undo with `unmerge`)
    Merge { into: String, other: String },
    /// Undo the last merge into this candidate
    Unmerge { email: String },
    /// Move an address (and its mail) off to a candidate of its own
    Split { email: String },
    /// Change a candidate's display name
    Rename { email: String, name: String },
    /// Add someone met outside the mailbox (a meetup, a referral) as a candidate
    AddCandidate {
        email: String,
        /// How we got the address ("met at the Rust meetup"); recorded in their history
        #[arg(long)]
        how: String,
        /// Their name (default: the address's local part)
        #[arg(long, default_value = "")]
        name: String,
    },
    /// Write everything held about a person as one JSON document
    Export {
        email: String,
        /// Write to this new file (mode 0600; an existing file or a symbolic link is refused)
        /// instead of standard output, with a plain-text summary beside it (FILE.txt)
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Print the plain-text summary (what a person can read as it is) instead of the JSON
        #[arg(long, conflicts_with = "output")]
        summary: bool,
    },
    /// Erase everything held about a person; only keyed hashes of their addresses remain
    Erase {
        email: String,
        /// Do not ask for the typed confirmation
        #[arg(long)]
        yes: bool,
    },
    /// Assign candidates to a recruiter (or --none)
    Assign(teamwork::AssignArgs),
    /// Keep candidates out of "awaiting reply" until a time (or --none)
    Snooze(teamwork::SnoozeArgs),
    /// Add an internal note to candidates (never sent; in their export)
    Note(teamwork::NoteArgs),
    /// Done, no reply needed: the candidates' wait ends without an answer (counted apart from
    /// replies in reports); their next message opens a new one
    Done(teamwork::DoneArgs),
    /// Reply to the candidate's latest message (checked against their wishes, then sent)
    Reply(send::ReplyArgs),
    /// Write a new message to a candidate
    Send(send::SendArgs),
    /// List the outbox, or retry / cancel a message in it
    Outbox {
        #[command(subcommand)]
        cmd: Option<send::OutboxCmd>,
        #[arg(long)]
        json: bool,
    },
    /// Sync the shared mailbox once (INBOX and Sent) and exit
    Sync(sync::SyncArgs),
    /// Who did what: every recorded action with its time, user and candidate
    Audit(audit::AuditArgs),
    /// Many writes in one process, for the concurrency test (not for people)
    #[command(hide = true)]
    WriteBurst(burst::BurstArgs),
    /// Check the configuration, the servers and the data dir, and say what to fix
    Doctor,
    /// Response times: first response and reply times per recruiter or per week
    Report(report::ReportArgs),
    /// Candidates waiting for an answer now, longest first, against the target
    Waiting(report::WaitingArgs),
    /// Mail that arrived from addresses erased on request: where it is (folder, UID) and when,
    /// never what it says
    ErasedMail {
        /// Mark every listed arrival as seen by you (the inbox stops flagging it)
        #[arg(long)]
        ack: bool,
        #[arg(long)]
        json: bool,
    },
    /// The candidates' preference page and one-click unsubscribe over HTTP, for as long as it
    /// runs (put it behind the team's reverse proxy for TLS; see the README)
    Serve {
        /// Address to listen on (default: [web] listen, else 127.0.0.1:8425)
        #[arg(long)]
        listen: Option<String>,
    },
    /// Share a snippet with exactly the candidates who asked for its topic, at their pace:
    /// preview (who is left out and why), confirm, then `share run ID`; also
    /// `share pause|resume|cancel|report ID`
    Share(share::ShareArgs),
    /// Every share and its progress
    Shares {
        #[arg(long)]
        json: bool,
    },
    /// Candidates' open requests for a copy of their data or its erasure, due first first
    Requests {
        #[arg(long)]
        json: bool,
    },
    /// Shell completions from the same definitions as this help (bash, zsh, fish, elvish, powershell)
    Completions { shell: clap_complete::Shell },
    /// The manual page (roff), from the same definitions as this help: `rapport man | man -l -`
    Man,
    /// The candidate links in every message: rotate their key, revoke a person's links
    Web {
        #[command(subcommand)]
        cmd: web::WebCmd,
    },
    /// Counts of messages, candidates and folders, and the last sync
    Status {
        #[arg(long)]
        json: bool,
    },
}

/// Commands that read the data dir and print, without a server connection.
pub(super) fn only_prints(cmd: Option<&Cmd>) -> bool {
    matches!(
        cmd,
        Some(
            Cmd::Candidates { .. }
                | Cmd::Show { .. }
                | Cmd::Search { .. }
                | Cmd::Status { .. }
                | Cmd::Report(_)
                | Cmd::Waiting(_)
                | Cmd::Audit(_)
                | Cmd::Attachments { .. }
                | Cmd::ErasedMail { .. }
                | Cmd::Requests { .. }
                | Cmd::Shares { .. }
                | Cmd::Completions { .. }
                | Cmd::Man
        )
    )
}
