//! Everything that can happen to the UI state.

/// The context a key is resolved in; each is a section of keymap.toml.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    /// Keys that work everywhere unless a more specific context binds them.
    Global,
    Inbox,
    Conversation,
    Profile,
    Help,
    /// A form or confirmation dialog.
    Form,
    /// The built-in editor.
    Compose,
    /// The Reports view (response times).
    Reports,
    /// The Shares view (content shared with those who asked for it).
    Shares,
}

impl Context {
    pub const ALL: [Context; 9] = [
        Context::Global,
        Context::Inbox,
        Context::Conversation,
        Context::Profile,
        Context::Help,
        Context::Form,
        Context::Compose,
        Context::Reports,
        Context::Shares,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Inbox => "inbox",
            Context::Conversation => "conversation",
            Context::Profile => "profile",
            Context::Help => "help",
            Context::Form => "form",
            Context::Compose => "compose",
            Context::Reports => "reports",
            Context::Shares => "shares",
        }
    }
    pub fn from_name(s: &str) -> Option<Context> {
        Context::ALL.into_iter().find(|c| c.name() == s)
    }
}

macro_rules! bindable {
    ($( $variant:ident => $name:literal, $desc:literal; )*) => {
        /// Actions a key can be bound to in keymap.toml (kebab-case names).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Bound {
            $( $variant, )*
            /// `view:NAME`: a saved view of the config; the number is the keymap's slot for
            /// the name (`Keymap::view_name`). Not in `ALL`: the help lists views apart.
            View(u16),
        }

        impl Bound {
            pub const ALL: &'static [Bound] = &[ $( Bound::$variant, )* ];
            pub fn name(self) -> &'static str {
                match self { $( Bound::$variant => $name, )* Bound::View(_) => "view" }
            }
            pub fn description(self) -> &'static str {
                match self {
                    $( Bound::$variant => $desc, )*
                    Bound::View(_) => "Show a saved view ([views] in the config)",
                }
            }
            pub fn from_name(s: &str) -> Option<Bound> {
                match s { $( $name => Some(Bound::$variant), )* _ => None }
            }
        }
    };
}

bindable! {
    Next => "next", "Next item";
    Prev => "prev", "Previous item";
    PageDown => "page-down", "Down one page";
    PageUp => "page-up", "Up one page";
    Top => "top", "First item / oldest message";
    Bottom => "bottom", "Last item / newest message";
    NextMessage => "next-message", "Conversation: highlight the next message (r answers it)";
    PrevMessage => "prev-message", "Conversation: highlight the previous message (r answers it)";
    NextMatch => "next-match", "Conversation: the next message matching the search";
    ToggleQuotes => "toggle-quotes", "Conversation: show or fold quoted lines ([… 18 quoted lines])";
    Open => "open", "Open the selected conversation";
    Back => "back", "Back to the inbox / close";
    FocusNext => "focus-next", "Focus the next pane";
    FocusPrev => "focus-prev", "Focus the previous pane";
    Search => "search", "Search: words or fields, e.g. interest:rust";
    ClearSearch => "clear-search", "Clear the search";
    Filter => "filter", "Cycle filter: awaiting reply / all / opted out";
    FilterAwaiting => "filter-awaiting", "Show candidates awaiting our reply";
    FilterAll => "filter-all", "Show all candidates";
    FilterOptedOut => "filter-opted-out", "Show candidates who opted out";
    ToggleProfile => "toggle-profile", "Show or hide the candidate profile";
    Reply => "reply", "Reply to the selected message (in $VISUAL/$EDITOR, or the built-in editor)";
    Compose => "compose", "Write a new message to the candidate";
    EditPreferences => "edit-preferences", "Edit the candidate's preferences";
    LogContact => "log-contact", "Log a call, meeting or message";
    OptOut => "opt-out", "Record an opt-out";
    AcceptOptOut => "accept-opt-out", "Record the opt-out the candidate asked for (banner)";
    DismissOptOut => "dismiss-opt-out", "Not an opt-out: dismiss the banner";
    AcceptAnswer => "accept-answer", "They answered the question mail: accept it all, citing their message (banner)";
    EditAnswer => "edit-answer", "They answered the question mail: edit it in the preferences form first";
    DismissAnswer => "dismiss-answer", "Their answer was not read right: dismiss the banner (nothing is recorded)";
    Ask => "ask", "Ask them by mail how they would like to hear from us (the question mail)";
    History => "history", "Show or hide the preference and consent history";
    Merge => "merge", "Mark for merging, then merge into the selected candidate";
    UndoMerge => "undo-merge", "Undo the last merge into this candidate";
    Split => "split", "Split an address off into its own candidate";
    Rename => "rename", "Edit the candidate's name";
    NewCandidate => "new-candidate", "Add someone met outside the mailbox (then c writes to them)";
    Erase => "erase", "Erase everything about the candidate (asks to type the address)";
    Export => "export", "Export everything held about the candidate to a JSON file (asks where)";
    Reports => "reports", "Response times: the Reports view";
    Period => "period", "Reports: next period (7, 30, 90 days, all)";
    ToggleClock => "toggle-clock", "Reports: calendar time or business hours";
    ToggleGroup => "toggle-group", "Reports: table per recruiter or per week";
    Shares => "shares", "Shares: content sent to the candidates who asked for its topics (the Share view)";
    NewShare => "new-share", "Shares: share a tagged snippet (preview, then confirm by typing the number)";
    PauseShare => "pause-share", "Shares: pause the selected share, or resume it";
    CancelShare => "cancel-share", "Shares: cancel what has not gone out yet (asks y/n)";
    Assign => "assign", "Assign the candidate to a recruiter, to me, or to nobody";
    Snooze => "snooze", "Snooze until a date (out of awaiting reply until then)";
    Note => "note", "Add an internal note (never sent; shown in the timeline)";
    Done => "done", "Done, no reply needed: out of awaiting reply until they write again";
    SaveAttachment => "save-attachment", "Save the highlighted message's attachment to the download folder (several: choose one, or all)";
    OpenAttachment => "open-attachment", "Save the highlighted message's attachment and open it with open_command (several: choose)";
    PreviewAttachment => "preview-attachment", "Read the highlighted message's PDF, DOCX or text attachment as text (several: choose)";
    Mark => "mark", "Mark or unmark the candidate (a, z, d, N then act on all marked)";
    MarkAll => "mark-all", "Mark everyone in the list (again: clear the marks)";
    FilterOwner => "filter-owner", "Whose: everyone's / mine / unassigned";
    NextField => "next-field", "Next field";
    PrevField => "prev-field", "Previous field";
    NextOption => "next-option", "Next choice";
    PrevOption => "prev-option", "Previous choice";
    Toggle => "toggle", "Tick or untick";
    Submit => "submit", "Save / confirm";
    Cancel => "cancel", "Cancel";
    Help => "help", "Show this help";
    Quit => "quit", "Quit rapport";
}

/// Every input to `update`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A key resolved through the keymap.
    Key(Bound),
    /// Text typed into the search prompt.
    SearchInput(char),
    SearchBackspace,
    SearchSubmit,
    SearchCancel,
    /// The terminal changed size (columns, rows).
    Resize(u16, u16),
    /// Periodic tick: refreshes relative times and picks up changes.
    Tick,
    /// A few seconds passed: refresh colleagues' presence and this session's heartbeat.
    PresenceTick,
    /// Text typed into a form's text field.
    FormInput(char),
    FormBackspace,
    /// A key for the built-in editor.
    ComposeKey(crossterm::event::KeyEvent),
    /// The external editor finished: the draft file's text, or why it could not run.
    EditorDone(Result<String, String>),
    /// A report from the outbox worker.
    Delivery(rapport_core::mail_out::delivery::DeliveryEvent),
    /// A report from the background sync.
    Sync(rapport_core::mail_in::imap::worker::SyncEvent),
    /// Another connection changed the database (`PRAGMA data_version` moved).
    DataChanged,
    /// The IMAP server's copies of an erased person's mail: deleted (per folder) or why not.
    ServerErased(Result<Vec<(String, usize)>, String>),
    /// How the fetch of an attachment from the server goes (the status line shows it).
    AttachmentProgress(crate::ui::attachments::Progress),
    /// An attachment fetched, saved, opened or read (see `ui::attachments`), or why not.
    Attachment(Result<crate::ui::attachments::Answer, String>),
    /// A write the runner executed (see `ui::write`), with its answer.
    Done(Box<crate::ui::write::Finished>),
    /// A share's preview, computed off the UI thread (see `ui::share`), or why not.
    SharePreviewed(Result<Box<crate::ui::share::Planned>, String>),
}
