//! The whole UI state. `update` changes it; `render` only reads it.

use crate::ui::action::Context;
use crate::ui::keymap::Keymap;
use crate::ui::reads::Reads;
use crate::ui::theme::Theme;
use jiff::tz::TimeZone;
use rapport_core::store::{Conversation, InboxFilter, InboxQuery, InboxRow, Profile, Store};
use ratatui::text::Line;

/// Which pane has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Inbox,
    Conversation,
    Profile,
}

/// Overlays and prompts on top of the panes.
#[derive(Debug, Clone)]
pub enum Mode {
    Normal,
    /// Typing a search; `previous` is restored on cancel.
    Search {
        input: String,
        previous: Option<String>,
    },
    Help {
        scroll: u16,
    },
    /// A form or confirmation dialog.
    Form(crate::ui::form::Form),
    /// The built-in editor.
    Compose(Box<ratatui_textarea::TextArea<'static>>),
    /// An attachment read as text (its name, its lines), scrolled like help.
    Preview {
        title: String,
        lines: Vec<String>,
        scroll: u16,
    },
}

/// The background sync as the status bar shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncStatus {
    /// No server configured (the demo, an imported Maildir).
    Off,
    Connecting,
    Syncing {
        folder: String,
        done: usize,
        total: usize,
    },
    UpToDate {
        at: i64,
    },
    Offline {
        reason: String,
        retry_at: i64,
    },
    Stopped {
        reason: String,
    },
    /// Another process syncs for everyone (see `core::sync_lease`).
    Standby {
        holder: String,
    },
}

/// What the UI asks its runner to do after an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Quit,
    /// Hand the terminal to $VISUAL/$EDITOR with this text; answer with `Action::EditorDone`.
    Edit(String),
    /// Wake the outbox worker.
    Deliver,
    /// Tell colleagues' sessions what this one has open (written to the shared database).
    Presence(rapport_core::store::Presence),
    /// Delete an erased person's mail on the IMAP server, off the UI thread; answer with
    /// `Action::ServerErased`.
    EraseOnServer(Vec<(String, u32)>),
    /// Fetch, save, open or read an attachment, off the UI thread (see `ui::attachments`);
    /// answer with `Action::Attachment`.
    Attachment(crate::ui::attachments::Job),
    /// Run a core use case (see `ui::write`); answer with `Action::Done`.
    Write(crate::ui::write::Write),
    /// Compute a share's preview off the UI thread (it reads every candidate); answer with
    /// `Action::SharePreviewed`.
    SharePreview(Box<crate::ui::share::Job>),
}

/// How many inbox rows are kept in memory around the selection; the rest stays in SQLite.
pub const WINDOW: usize = 200;
/// Messages loaded per conversation (the newest).
pub const CONVERSATION_LIMIT: usize = 300;

/// `D` answers the UI's reads: the store in the app, a fake in pure `update` tests.
pub struct State<D = Store> {
    pub store: D,
    pub keymap: Keymap,
    pub theme: Theme,
    /// Shown in the title bar: the team or "demo".
    pub title: String,
    pub tz: TimeZone,
    /// Unix seconds; refreshed on every tick so waits stay current.
    pub now: i64,
    pub width: u16,
    pub height: u16,
    pub mode: Mode,
    pub focus: Focus,
    /// In two-pane layouts, the right pane shows the profile instead of the conversation.
    pub show_profile: bool,

    pub filter: InboxFilter,
    /// The search as typed: a query in the query language (`core::query`), always readable.
    pub search: Option<String>,
    /// Why the text in the search prompt is not a query (the list stays as it was).
    pub search_error: Option<String>,
    /// Saved views (`[views]` in the config), in file order.
    pub views: Vec<crate::ui::search::View>,
    /// Candidates matching the filter and search.
    pub total: usize,
    /// Index of the selected candidate in the whole list.
    pub selected: usize,
    /// Index (in the whole list) of the first row of `rows`.
    pub window_start: usize,
    pub rows: Vec<InboxRow>,
    /// First list index drawn (kept so the selection stays visible without jumping).
    pub list_top: usize,

    pub conversation: Option<Conversation>,
    /// The conversation laid out for the current width (rebuilt on load and resize).
    pub conv_lines: Vec<Line<'static>>,
    /// Lines scrolled up from the newest (0 = bottom, the newest message in view).
    pub conv_scroll: usize,
    pub profile: Option<Profile>,
    pub profile_scroll: u16,

    /// A transient message for the status bar (errors included).
    pub notice: Option<String>,
    pub sync: SyncStatus,
    /// Who is acting (recorded with every change).
    pub actor: String,
    /// Interest tags offered in the preference form (from the config).
    pub interest_vocabulary: Vec<String>,
    /// A candidate marked with `m`, to merge into the next one `m` is pressed on.
    pub merge_mark: Option<(i64, String)>,
    /// The profile shows the preference and consent history.
    pub show_history: bool,
    pub ledger: Vec<rapport_core::store::LedgerEntry>,
    /// $VISUAL or $EDITOR; None means the built-in editor.
    pub editor: Option<String>,
    /// From whom mail is sent (None: this data dir cannot send).
    pub identity: Option<rapport_core::mail_out::compose::Sender>,
    /// The largest message queued (`[smtp] max_message_size`).
    pub max_message_size: u64,
    /// The data dir (the demo's own files go with an erasure).
    pub data_dir: Option<std::path::PathBuf>,
    /// Set when the team erases on the IMAP server too (`erase_on_server = true`).
    pub erase_on_server: bool,
    /// Mail that arrived from erased addresses and nobody acknowledged (title bar flag).
    pub erased_arrivals: i64,
    /// The draft being written.
    pub compose: Option<crate::ui::compose::Session>,
    /// The message `r` replies to: the newest one at or above the bottom of the view.
    pub selected_message: Option<i64>,
    /// (line, message id) of each message header in `conv_lines`.
    pub conv_anchors: Vec<(usize, i64)>,
    /// (line, message id) of each line of `conv_lines` matching the search's words.
    pub conv_matches: Vec<(usize, i64)>,
    /// Which of `conv_matches` the next-match key went to last.
    pub match_at: Option<usize>,
    /// The candidate and search the conversation last opened at a match for.
    pub matched_for: Option<(i64, String)>,
    /// Quoted blocks are shown whole instead of folded to "[… N quoted lines]".
    pub show_quotes: bool,
    /// Reply snippets offered when writing.
    pub templates: Vec<rapport_core::mail_out::templates::Template>,
    /// The chosen snippet, waiting to go into the next draft (text and tags).
    pub template: Option<rapport_core::mail_out::templates::Template>,
    /// Commands produced inside nested handlers, returned by `update`.
    pub pending: Vec<Command>,
    /// The Reports view, when open (it covers the panes; help and forms still overlay it).
    pub reports: Option<Box<crate::ui::reports::ReportsView>>,
    /// The Reports view a candidate was opened from: back (esc, q) returns to it.
    pub from_reports: Option<Box<crate::ui::reports::ReportsView>>,
    /// The Shares view, when open (it covers the panes; help and forms still overlay it).
    pub shares: Option<Box<crate::ui::share::SharesView>>,
    /// The team's working week and the response-time target (waits are coloured against it).
    pub schedule: rapport_core::responses::hours::Schedule,
    pub target: rapport_core::responses::report::Target,
    /// Business hours laid out over the waits in the loaded rows (rebuilt with them), so
    /// drawing a wait is a lookup.
    pub business: rapport_core::responses::hours::BusinessClock,
    /// Whose candidates the inbox lists: everyone's, mine or nobody's.
    pub assignee_filter: rapport_core::store::AssigneeFilter,
    /// The recruiters a candidate can be assigned to (display names from [[team]]).
    pub team_names: Vec<String>,
    /// This process's presence session (pid@host) and OS user.
    pub session: String,
    pub os_user: String,
    /// What colleagues' live sessions have open, refreshed every few seconds.
    pub others: Vec<rapport_core::store::Presence>,
    /// What this session last announced: (candidate, activity, when).
    pub announced: Option<(Option<i64>, rapport_core::store::Activity, i64)>,
    /// The candidate this session has open and since when: a colleague's mail to them after
    /// that needs a confirmation before a reply goes out.
    pub opened: Option<(i64, i64)>,
    /// The built-in editor is writing an internal note on this candidate, not mail.
    pub note_for: Option<i64>,
    /// Everyone the note being written goes to (several when candidates were marked).
    pub note_targets: Vec<i64>,
    /// Candidates marked (space, or all in the list): assign, snooze, done and note act on
    /// all of them at once.
    pub marked: std::collections::BTreeSet<i64>,
    /// A slow write (an erasure) runs off the UI thread: its form is not submitted again.
    pub slow_write: bool,
    /// The candidate the recruiter chose: they stay selected and listed, whatever a
    /// colleague's change does to the view, until the recruiter moves on.
    pub chosen: Option<i64>,
    /// Where the chosen candidate was in the list when chosen: j and k go on from there when
    /// a change moved them (an answered candidate sorts last).
    pub chosen_at: usize,
    /// What changed while the chosen candidate was open ("answered by Bilal 1 min ago").
    pub changed: Option<String>,
    /// Quit was pressed once with a draft open in the built-in editor: again quits.
    pub quit_asked: bool,
    /// Candidates' open requests for a copy or the erasure of their data, team-wide (the
    /// title bar counts them).
    pub open_requests: usize,
    /// The shown candidate's open data requests (the profile lists them).
    pub data_requests: Vec<rapport_core::store::DataRequest>,
    /// Where the team's question mail is (`templates::dir`); None: the data dir's.
    pub ask_dir: Option<(
        std::path::PathBuf,
        rapport_core::mail_out::templates::Origin,
    )>,
}

impl PartialEq for Mode {
    fn eq(&self, other: &Mode) -> bool {
        match (self, other) {
            (Mode::Normal, Mode::Normal) => true,
            (
                Mode::Search {
                    input: a,
                    previous: b,
                },
                Mode::Search {
                    input: c,
                    previous: d,
                },
            ) => a == c && b == d,
            (Mode::Help { scroll: a }, Mode::Help { scroll: b }) => a == b,
            (
                Mode::Preview {
                    title: a,
                    lines: b,
                    scroll: c,
                },
                Mode::Preview {
                    title: d,
                    lines: e,
                    scroll: f,
                },
            ) => a == d && b == e && c == f,
            (Mode::Form(a), Mode::Form(b)) => a == b,
            (Mode::Compose(a), Mode::Compose(b)) => a.lines() == b.lines(),
            _ => false,
        }
    }
}

impl<D: Reads> State<D> {
    pub fn new(
        store: D,
        keymap: Keymap,
        theme: Theme,
        title: String,
        tz: TimeZone,
        now: i64,
    ) -> State<D> {
        let (schedule, target) = store.report_settings();
        State {
            store,
            keymap,
            theme,
            title,
            tz,
            now,
            width: 80,
            height: 24,
            mode: Mode::Normal,
            focus: Focus::Inbox,
            show_profile: false,
            filter: InboxFilter::Awaiting,
            search: None,
            search_error: None,
            views: Vec::new(),
            total: 0,
            selected: 0,
            window_start: 0,
            rows: Vec::new(),
            list_top: 0,
            conversation: None,
            conv_lines: Vec::new(),
            conv_scroll: 0,
            profile: None,
            profile_scroll: 0,
            notice: None,
            sync: SyncStatus::Off,
            actor: "recruiter".into(),
            interest_vocabulary: Vec::new(),
            max_message_size: rapport_core::config::DEFAULT_MAX_MESSAGE_SIZE,
            merge_mark: None,
            show_history: false,
            ledger: Vec::new(),
            editor: None,
            identity: None,
            data_dir: None,
            erase_on_server: false,
            erased_arrivals: 0,
            compose: None,
            selected_message: None,
            conv_anchors: Vec::new(),
            conv_matches: Vec::new(),
            match_at: None,
            matched_for: None,
            show_quotes: false,
            pending: Vec::new(),
            templates: Vec::new(),
            template: None,
            reports: None,
            from_reports: None,
            shares: None,
            business: rapport_core::responses::hours::BusinessClock::new(&schedule, now, now),
            schedule,
            target,
            assignee_filter: Default::default(),
            team_names: Vec::new(),
            session: rapport_core::store::session_id(),
            os_user: std::env::var("USER").unwrap_or_default(),
            others: Vec::new(),
            announced: None,
            opened: None,
            note_for: None,
            note_targets: Vec::new(),
            marked: Default::default(),
            slow_write: false,
            quit_asked: false,
            chosen: None,
            chosen_at: 0,
            changed: None,
            open_requests: 0,
            data_requests: Vec::new(),
            ask_dir: None,
        }
    }

    pub fn query(&self) -> InboxQuery {
        InboxQuery {
            keep: self.chosen,
            filter: self.filter,
            search: self.search.as_deref().and_then(|t| {
                rapport_core::actions::candidates::parse(
                    t,
                    &self.actor,
                    &self.schedule,
                    self.target,
                    self.now,
                )
                .ok()
                .flatten()
            }),
            assignee: self.assignee_filter.clone(),
        }
    }

    /// The keymap section keys are resolved in.
    pub fn context(&self) -> Context {
        match (&self.mode, self.focus) {
            (Mode::Help { .. } | Mode::Preview { .. }, _) => Context::Help,
            (Mode::Form(_), _) => Context::Form,
            (Mode::Compose(_), _) => Context::Compose,
            _ if self.reports.is_some() => Context::Reports,
            _ if self.shares.is_some() => Context::Shares,
            (_, Focus::Inbox) => Context::Inbox,
            (_, Focus::Conversation) => Context::Conversation,
            (_, Focus::Profile) => Context::Profile,
        }
    }

    /// The selected inbox row, if loaded.
    pub fn selected_row(&self) -> Option<&InboxRow> {
        self.selected
            .checked_sub(self.window_start)
            .and_then(|i| self.rows.get(i))
    }
}
