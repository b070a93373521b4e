//! `update(&mut State<D>, Action) -> Vec<Command>`: every state change happens here. Reads of
//! what is on screen run here too, through `ui::reads::Reads` (indexed SQLite queries in the
//! app, part of the keypress budget; a fake in pure tests); rendering only reads the state.
//! Keys inside forms and the built-in editor are `ui::form_keys`'.

use crate::ui::action::{Action, Bound};
use crate::ui::conversation;
use crate::ui::layout::{Panes, layout};
use crate::ui::reads::Reads;
use crate::ui::state::{CONVERSATION_LIMIT, Command, Focus, Mode, State, SyncStatus, WINDOW};
use crate::ui::write::Write;
use rapport_core::mail_in::imap::worker::SyncEvent;
use rapport_core::store::{InboxFilter, StoreError};

pub fn update<D: Reads>(s: &mut State<D>, action: Action) -> Vec<Command> {
    let mut out = update_inner(s, action);
    out.append(&mut s.pending);
    out
}

fn update_inner<D: Reads>(s: &mut State<D>, action: Action) -> Vec<Command> {
    match action {
        Action::Resize(w, h) => {
            s.width = w;
            s.height = h;
            relayout(s);
        }
        Action::Tick => {
            s.now = rapport_core::store::now();
            reload_list(s);
            crate::ui::reports::tick(s);
            crate::ui::share::tick(s);
        }
        Action::PresenceTick => crate::ui::presence::refresh(s, rapport_core::store::now()),
        Action::SearchInput(c) => crate::ui::search::edited(s, |i| i.push(c)),
        Action::SearchBackspace => crate::ui::search::edited(s, |i| {
            i.pop();
        }),
        Action::SearchSubmit => crate::ui::search::submit(s),
        Action::SearchCancel => crate::ui::search::cancel(s),
        Action::FormInput(c) => {
            if let Mode::Form(f) = &mut s.mode {
                f.input(c);
            }
        }
        Action::FormBackspace => {
            if let Mode::Form(f) = &mut s.mode {
                f.backspace();
            }
        }
        Action::Key(b) => return key(s, b),
        Action::ComposeKey(k) => {
            s.quit_asked = false;
            if let Mode::Compose(ta) = &mut s.mode {
                ta.input(k);
            }
        }
        Action::EditorDone(Ok(text)) => {
            let out = crate::ui::compose::finish(s, text);
            reload_keeping(s, s.profile.as_ref().map(|p| p.id));
            return out;
        }
        Action::EditorDone(Err(e)) => {
            s.compose = None;
            s.notice = Some(format!("the editor failed: {e}; the draft is kept"));
        }
        Action::Delivery(ev) => match ev {
            rapport_core::mail_out::delivery::DeliveryEvent::Changed(_) => {
                let c = s.profile.as_ref().map(|p| p.id);
                reload_keeping(s, c);
                crate::ui::share::changed(s);
            }
            rapport_core::mail_out::delivery::DeliveryEvent::Error(e) => {
                s.notice = Some(format!("outbox: {e}"))
            }
        },
        Action::Sync(ev) => sync_event(s, ev),
        Action::ServerErased(result) => return crate::ui::erase::server_done(s, result),
        Action::Done(f) => return crate::ui::write::done(s, *f),
        Action::Attachment(answer) => crate::ui::attachments::done(s, answer),
        Action::AttachmentProgress(p) => crate::ui::attachments::progress(s, p),
        // Another process (a colleague, the sync) committed: what is on screen is read again.
        Action::DataChanged => {
            let c = s.profile.as_ref().map(|p| p.id);
            reload_keeping(s, c);
            crate::ui::share::changed(s);
        }
        Action::SharePreviewed(answer) => crate::ui::share::previewed(s, answer),
    }
    Vec::new()
}

fn sync_event<D: Reads>(s: &mut State<D>, ev: SyncEvent) {
    s.now = rapport_core::store::now();
    match ev {
        SyncEvent::Progress(p) => {
            s.sync = SyncStatus::Syncing {
                folder: p.folder,
                done: p.done,
                total: p.total,
            };
            // New mail shows while a long first sync is still running.
            if p.done == p.total || p.done % 1000 < rapport_core::mail_in::imap::bulk::HANDOVER {
                reload_list(s);
            }
        }
        SyncEvent::UpToDate { new } => {
            s.sync = SyncStatus::UpToDate { at: s.now };
            // Colleagues' changes arrive with it too, so the list is read again either way.
            let _ = new;
            reload_list(s);
        }
        SyncEvent::Offline { reason, retry_in } => {
            s.sync = SyncStatus::Offline {
                reason,
                retry_at: s.now + retry_in.as_secs() as i64,
            }
        }
        SyncEvent::Stopped { reason } => {
            s.notice = Some(format!("sync stopped: {reason}"));
            s.sync = SyncStatus::Stopped { reason };
        }
        SyncEvent::Standby { holder } => s.sync = SyncStatus::Standby { holder },
    }
}

/// Reloads the list after a change, keeping the same candidate selected when it is still
/// listed near where it was.
pub fn reload_keeping<D: Reads>(s: &mut State<D>, candidate: Option<i64>) {
    reload_list(s);
    let Some(c) = candidate else { return };
    if s.selected_row().map(|r| r.id) == Some(c) {
        return;
    }
    if let Some(i) = s.rows.iter().position(|r| r.id == c) {
        let idx = s.window_start + i;
        select(s, idx);
    }
}

/// The relationship keys; `None` when `b` is not one of them.
fn relationship_key<D: Reads>(s: &mut State<D>, b: Bound) -> Option<Vec<Command>> {
    use crate::ui::form::relationship;
    if s.profile.is_none() && !matches!(b, Bound::Merge | Bound::NewCandidate) {
        return None;
    }
    match b {
        Bound::EditPreferences => relationship::open_preferences(s),
        Bound::LogContact => relationship::open_log_contact(s),
        Bound::OptOut => relationship::open_opt_out(s, false),
        Bound::AcceptOptOut => return Some(accept_opt_out(s)),
        Bound::DismissOptOut => return Some(dismiss_opt_out(s)),
        Bound::AcceptAnswer => return Some(crate::ui::answers::accept(s)),
        Bound::EditAnswer => crate::ui::answers::edit(s),
        Bound::DismissAnswer => return Some(crate::ui::answers::dismiss(s)),
        Bound::Ask => return Some(crate::ui::answers::ask(s)),
        Bound::History => {
            s.show_history = !s.show_history;
            load_ledger(s);
        }
        Bound::Merge => relationship::merge_key(s),
        Bound::UndoMerge => {
            let c = s.profile.as_ref().map(|p| p.id)?;
            return Some(vec![Command::Write(Write::UndoMerge { candidate: c })]);
        }
        Bound::Split => crate::ui::form::relationship::open_split(s),
        Bound::Rename => crate::ui::form::relationship::open_rename(s),
        Bound::NewCandidate => crate::ui::form::relationship::open_new_candidate(s),
        Bound::Erase => crate::ui::form::relationship::open_erase(s),
        Bound::Export => crate::ui::form::relationship::open_export(s),
        _ => return None,
    }
    Some(Vec::new())
}

/// The banner's one key: records the opt-out the candidate asked for, with their message as
/// the source and their words as the reason (the scope they asked for is the core's to read).
fn accept_opt_out<D: Reads>(s: &mut State<D>) -> Vec<Command> {
    let Some(p) = &s.profile else {
        return Vec::new();
    };
    if p.optout_request.is_none() {
        s.notice =
            Some("no opt-out request is waiting on this candidate (o records one by hand)".into());
        return Vec::new();
    }
    vec![Command::Write(Write::AcceptOptOut { candidate: p.id })]
}

fn dismiss_opt_out<D: Reads>(s: &mut State<D>) -> Vec<Command> {
    match &s.profile {
        Some(p) if p.optout_request.is_some() => {
            vec![Command::Write(Write::DismissOptOut { candidate: p.id })]
        }
        _ => Vec::new(),
    }
}

fn load_ledger<D: Reads>(s: &mut State<D>) {
    s.ledger.clear();
    if !s.show_history {
        return;
    }
    if let Some(p) = &s.profile {
        match s.store.ledger(p.id) {
            Ok(l) => s.ledger = l,
            Err(e) => report(s, e),
        }
    }
}

fn key<D: Reads>(s: &mut State<D>, b: Bound) -> Vec<Command> {
    if let Mode::Preview { .. } = s.mode {
        return overlay_key(s, b);
    }
    if let Mode::Form(_) = s.mode {
        return crate::ui::form_keys::form_key(s, b);
    }
    if let Mode::Compose(_) = s.mode {
        return crate::ui::form_keys::compose_key(s, b);
    }
    if s.reports.is_some() && !matches!(s.mode, Mode::Help { .. }) {
        return crate::ui::reports::key(s, b);
    }
    if s.shares.is_some() && !matches!(s.mode, Mode::Help { .. }) {
        return crate::ui::share::key(s, b);
    }
    if s.profile.is_some() {
        match b {
            Bound::Reply => return crate::ui::compose::start(s, true),
            Bound::Compose => return crate::ui::compose::start(s, false),
            _ => {}
        }
    }
    if matches!(
        b,
        Bound::SaveAttachment | Bound::OpenAttachment | Bound::PreviewAttachment
    ) && !matches!(s.mode, Mode::Help { .. })
    {
        return crate::ui::attachments::key(s, b);
    }
    if !matches!(s.mode, Mode::Help { .. }) && crate::ui::teamwork::key(s, b) {
        return Vec::new();
    }
    if let Some(out) = relationship_key(s, b) {
        return out;
    }
    if let Mode::Help { .. } = s.mode {
        return overlay_key(s, b);
    }
    match b {
        Bound::Quit => return vec![Command::Quit],
        Bound::Help => s.mode = Mode::Help { scroll: 0 },
        Bound::Search => crate::ui::search::open(s),
        Bound::ClearSearch => crate::ui::search::clear(s),
        Bound::View(v) => crate::ui::search::view(s, v),
        Bound::Reports => crate::ui::reports::open(s),
        Bound::Shares => crate::ui::share::open(s),
        Bound::Filter => set_filter(s, s.filter.next()),
        Bound::FilterAwaiting => set_filter(s, InboxFilter::Awaiting),
        Bound::FilterAll => set_filter(s, InboxFilter::All),
        Bound::FilterOptedOut => set_filter(s, InboxFilter::OptedOut),
        Bound::ToggleProfile => {
            s.show_profile = !s.show_profile;
            if !s.show_profile && s.focus == Focus::Profile {
                s.focus = Focus::Conversation;
            }
            // One pane at a time (80 columns): the keys go to the pane p shows.
            if s.width < crate::ui::layout::TWO_PANES && s.selected_row().is_some() {
                s.focus = if s.show_profile {
                    Focus::Profile
                } else {
                    Focus::Conversation
                };
            }
            relayout(s);
        }
        Bound::FocusNext | Bound::FocusPrev => {
            let order = visible_focus_order(s);
            let i = order.iter().position(|f| *f == s.focus).unwrap_or(0);
            let n = order.len();
            s.focus = if b == Bound::FocusNext {
                order[(i + 1) % n]
            } else {
                order[(i + n - 1) % n]
            };
            relayout(s);
        }
        _ => match s.focus {
            Focus::Inbox => inbox_key(s, b),
            Focus::Conversation => conversation_key(s, b),
            Focus::Profile => profile_key(s, b),
        },
    }
    Vec::new()
}

/// The help and the attachment preview: scroll, close, quit.
fn overlay_key<D: Reads>(s: &mut State<D>, b: Bound) -> Vec<Command> {
    // Scrolling stops at the last line, so the way back up is as long as the way down.
    let max = crate::ui::help::max_scroll(s);
    let page = s.height.saturating_sub(8).max(1);
    let scroll = match &mut s.mode {
        Mode::Help { scroll } | Mode::Preview { scroll, .. } => scroll,
        _ => return Vec::new(),
    };
    match b {
        Bound::Back | Bound::Help => s.mode = Mode::Normal,
        Bound::Next => *scroll = scroll.saturating_add(1).min(max),
        Bound::Prev => *scroll = scroll.saturating_sub(1),
        Bound::PageDown => *scroll = scroll.saturating_add(page).min(max),
        Bound::PageUp => *scroll = scroll.saturating_sub(page),
        Bound::Top => *scroll = 0,
        Bound::Bottom => *scroll = max,
        Bound::Quit => return vec![Command::Quit],
        _ => {}
    }
    Vec::new()
}

/// The panes Tab cycles through at this size.
fn visible_focus_order<D: Reads>(s: &State<D>) -> Vec<Focus> {
    let p = layout(s.width, s.height, Focus::Inbox, s.show_profile);
    if p.conversation.is_some() && p.profile.is_some() {
        vec![Focus::Inbox, Focus::Conversation, Focus::Profile]
    } else if (p.profile.is_some() && p.inbox.is_some()) || s.show_profile {
        vec![Focus::Inbox, Focus::Profile]
    } else {
        vec![Focus::Inbox, Focus::Conversation]
    }
}

fn list_height<D: Reads>(s: &State<D>) -> usize {
    let p = layout(s.width, s.height, Focus::Inbox, s.show_profile);
    p.inbox
        .map(|r| Panes::inner(r).height as usize)
        .unwrap_or(1)
        .max(1)
}

/// The chosen candidate no longer belongs to the view and a change moved them: the list
/// goes on from where they were, without them.
fn leave_stray<D: Reads>(s: &mut State<D>, b: Bound) -> bool {
    let Some(c) = s.chosen else { return false };
    if s.selected == s.chosen_at {
        return false;
    }
    let mut q = s.query();
    q.keep = None;
    if !matches!(s.store.inbox_position(&q, c), Ok(None)) {
        return false;
    }
    let at = s.chosen_at;
    s.chosen = None;
    s.selected = at;
    reload_list(s);
    let to = if b == Bound::Next {
        at
    } else {
        at.saturating_sub(1)
    };
    select(s, to);
    true
}

fn inbox_key<D: Reads>(s: &mut State<D>, b: Bound) {
    // Back in the list: esc no longer returns to the Reports view.
    s.from_reports = None;
    if matches!(b, Bound::Next | Bound::Prev) && leave_stray(s, b) {
        return;
    }
    let page = list_height(s);
    match b {
        Bound::Next => select(s, s.selected.saturating_add(1)),
        Bound::Prev => select(s, s.selected.saturating_sub(1)),
        Bound::PageDown => select(s, s.selected.saturating_add(page)),
        Bound::PageUp => select(s, s.selected.saturating_sub(page)),
        Bound::Top => select(s, 0),
        Bound::Bottom => select(s, s.total.saturating_sub(1)),
        Bound::Open if s.selected_row().is_some() => {
            s.focus = if s.show_profile {
                Focus::Profile
            } else {
                Focus::Conversation
            };
            relayout(s);
        }
        _ => {}
    }
}

fn conv_height<D: Reads>(s: &State<D>) -> usize {
    let p = layout(s.width, s.height, s.focus, s.show_profile);
    p.conversation
        .map(|r| Panes::inner(r).height as usize)
        .unwrap_or(10)
        .max(1)
}

/// The furthest the conversation can scroll up.
fn conv_max_scroll<D: Reads>(s: &State<D>) -> usize {
    s.conv_lines.len().saturating_sub(conv_height(s))
}

fn conversation_key<D: Reads>(s: &mut State<D>, b: Bound) {
    match b {
        Bound::NextMessage | Bound::PrevMessage | Bound::Top => step_message(s, b),
        Bound::NextMatch => next_match(s),
        Bound::ToggleQuotes => {
            s.show_quotes = !s.show_quotes;
            // The message at the bottom of the view stays there.
            let keep = s.selected_message;
            relayout(s);
            if let Some(line) = keep
                .and_then(|id| s.conv_anchors.iter().find(|(_, m)| *m == id))
                .map(|(l, _)| *l)
            {
                let h = conv_height(s);
                let len = s.conv_lines.len();
                s.conv_scroll = len.saturating_sub(h + line).min(conv_max_scroll(s));
                s.selected_message = keep;
            }
            s.notice = Some(if s.show_quotes {
                "quoted lines shown".into()
            } else {
                "quoted lines folded".into()
            });
        }
        _ => {
            conversation_scroll(s, b);
            select_message(s);
        }
    }
}

/// Moves the highlight a message at a time (Top: to the first), scrolling its header into
/// view: in a conversation that fits on screen, scrolling alone could never reach it.
fn step_message<D: Reads>(s: &mut State<D>, b: Bound) {
    let n = s.conv_anchors.len();
    if n == 0 {
        return;
    }
    let at = s
        .conv_anchors
        .iter()
        .position(|(_, id)| Some(*id) == s.selected_message)
        .unwrap_or(n - 1);
    let to = match b {
        Bound::NextMessage => (at + 1).min(n - 1),
        Bound::PrevMessage => at.saturating_sub(1),
        _ => 0,
    };
    let (line, id) = s.conv_anchors[to];
    s.selected_message = Some(id);
    if b == Bound::Top {
        s.conv_scroll = conv_max_scroll(s);
        return;
    }
    let h = conv_height(s);
    let len = s.conv_lines.len();
    // Lines scrolled up from the bottom that put `line` in view (at the top when it was above).
    let bottom_of_view = len.saturating_sub(s.conv_scroll);
    if line < bottom_of_view.saturating_sub(h) || line >= bottom_of_view {
        s.conv_scroll = len.saturating_sub(h + line).min(conv_max_scroll(s));
    }
}

fn conversation_scroll<D: Reads>(s: &mut State<D>, b: Bound) {
    let page = conv_height(s).saturating_sub(2).max(1);
    let max = conv_max_scroll(s);
    match b {
        Bound::Next => s.conv_scroll = s.conv_scroll.saturating_sub(1),
        Bound::Prev => s.conv_scroll = (s.conv_scroll + 1).min(max),
        Bound::PageDown => s.conv_scroll = s.conv_scroll.saturating_sub(page),
        Bound::PageUp => s.conv_scroll = (s.conv_scroll + page).min(max),
        Bound::Top => s.conv_scroll = max,
        Bound::Bottom => s.conv_scroll = 0,
        Bound::Back => {
            s.focus = Focus::Inbox;
            relayout(s);
            crate::ui::reports::back(s);
        }
        _ => {}
    }
}

fn profile_key<D: Reads>(s: &mut State<D>, b: Bound) {
    match b {
        Bound::Next => s.profile_scroll = s.profile_scroll.saturating_add(1),
        Bound::Prev => s.profile_scroll = s.profile_scroll.saturating_sub(1),
        Bound::PageDown => s.profile_scroll = s.profile_scroll.saturating_add(10),
        Bound::PageUp => s.profile_scroll = s.profile_scroll.saturating_sub(10),
        Bound::Top => s.profile_scroll = 0,
        Bound::Back => {
            s.focus = Focus::Inbox;
            s.show_profile = false;
            relayout(s);
            crate::ui::reports::back(s);
        }
        _ => {}
    }
}

fn set_filter<D: Reads>(s: &mut State<D>, f: InboxFilter) {
    s.filter = f;
    s.chosen = None;
    s.selected = 0;
    s.list_top = 0;
    reload_list(s);
}

fn report<D: Reads>(s: &mut State<D>, e: StoreError) {
    tracing::error!("{}", e.for_log());
    s.notice = Some(format!("error: {e}"));
}

/// Re-reads the count and the window around the selection, then the selected candidate.
pub fn reload_list<D: Reads>(s: &mut State<D>) {
    s.erased_arrivals = s.store.unacknowledged_suppressed_arrivals().unwrap_or(0);
    let q = s.query();
    match s.store.inbox_count(&q) {
        Ok(n) => s.total = n,
        Err(e) => return report(s, e),
    }
    // The chosen candidate stays selected wherever the list now puts them.
    if let Some(c) = s.chosen
        && let Ok(Some(pos)) = s.store.inbox_position(&q, c)
    {
        s.selected = pos;
    }
    s.selected = s.selected.min(s.total.saturating_sub(1));
    load_window(s);
    load_selected(s);
}

fn load_window<D: Reads>(s: &mut State<D>) {
    let start = s.selected.saturating_sub(WINDOW / 2);
    match s.store.inbox_page(&s.query(), start, WINDOW) {
        Ok(rows) => {
            s.window_start = start;
            s.rows = rows;
            rebuild_business_clock(s);
        }
        Err(e) => report(s, e),
    }
}

/// Lays out business hours from the oldest loaded wait (at most about a year back: anything
/// older is far over any target) to tomorrow.
pub(crate) fn rebuild_business_clock<D: Reads>(s: &mut State<D>) {
    let oldest = s
        .rows
        .iter()
        .filter_map(|r| r.waiting_since)
        .min()
        .unwrap_or(s.now)
        .max(s.now - 400 * 86_400);
    s.business =
        rapport_core::responses::hours::BusinessClock::new(&s.schedule, oldest, s.now + 86_400);
}

pub(crate) fn select<D: Reads>(s: &mut State<D>, i: usize) {
    let i = i.min(s.total.saturating_sub(1));
    if i == s.selected && s.selected_row().is_some() {
        return;
    }
    s.selected = i;
    if s.selected_row().is_none() {
        load_window(s);
    }
    load_selected(s);
}

/// Loads the conversation and profile of the selected candidate (two indexed reads).
fn load_selected<D: Reads>(s: &mut State<D>) {
    let h = list_height(s);
    if s.selected < s.list_top {
        s.list_top = s.selected;
    } else if s.selected >= s.list_top + h {
        s.list_top = s.selected + 1 - h;
    }
    let Some(id) = s.selected_row().map(|r| r.id) else {
        s.conversation = None;
        s.profile = None;
        s.conv_lines.clear();
        crate::ui::answers::load_requests(s);
        return;
    };
    let same = s.conversation.as_ref().map(|c| c.candidate_id) == Some(id);
    if !same {
        s.conv_scroll = 0;
        s.profile_scroll = 0;
        s.changed = None;
        s.chosen_at = s.selected;
    }
    s.chosen = Some(id);
    match s.store.conversation(id, CONVERSATION_LIMIT) {
        Ok(c) => {
            if same
                && let Some(before) = &s.conversation
                && let Some(what) = crate::ui::changed::what_changed(before, &c, s.now)
            {
                s.changed = Some(what);
            }
            s.conversation = Some(c);
        }
        Err(e) => return report(s, e),
    }
    match s.store.profile(id) {
        Ok(p) => s.profile = p,
        Err(e) => return report(s, e),
    }
    crate::ui::answers::load_requests(s);
    load_ledger(s);
    relayout(s);
    open_at_match(s, id);
}

/// Lays the conversation out again for the current conversation width.
pub(crate) fn relayout<D: Reads>(s: &mut State<D>) {
    let p = layout(s.width, s.height, s.focus, s.show_profile);
    let w = p
        .conversation
        .map(|r| Panes::inner(r).width)
        .unwrap_or(s.width.saturating_sub(2));
    let shape = conversation::Shape {
        show_quotes: s.show_quotes,
        terms: search_terms(s),
    };
    let laid = match &s.conversation {
        Some(c) => conversation::lay_out(c, w as usize, &s.theme, &s.tz, &shape),
        None => Default::default(),
    };
    (s.conv_lines, s.conv_anchors, s.conv_matches) = (laid.lines, laid.anchors, laid.matches);
    let h = list_height(s);
    if s.selected >= s.list_top + h {
        s.list_top = s.selected + 1 - h;
    }
    s.conv_scroll = s.conv_scroll.min(conv_max_scroll(s));
    // The message a search went to stays highlighted (r answers it) while it is in view.
    let found = s
        .match_at
        .and_then(|i| s.conv_matches.get(i))
        .map(|m| m.1)
        .filter(|id| Some(*id) == s.selected_message);
    select_message(s);
    if let Some(id) = found
        && s.conv_anchors.iter().any(|(_, m)| *m == id)
    {
        s.selected_message = Some(id);
    }
}

/// The search's words and phrases, lower-cased (none without a search).
fn search_terms<D: Reads>(s: &State<D>) -> Vec<String> {
    s.search
        .as_deref()
        .and_then(|t| t.parse::<rapport_core::query::Query>().ok())
        .map(|q| q.text_terms().iter().map(|t| t.to_lowercase()).collect())
        .unwrap_or_default()
}

/// A candidate found by a search opens at the first line matching it, once per candidate
/// and search (a refresh leaves the recruiter's scrolling alone).
fn open_at_match<D: Reads>(s: &mut State<D>, candidate: i64) {
    let Some(search) = s.search.clone() else {
        s.matched_for = None;
        return;
    };
    let key = (candidate, search);
    if s.matched_for.as_ref() == Some(&key) {
        return;
    }
    s.matched_for = Some(key);
    s.match_at = None;
    if !s.conv_matches.is_empty() {
        go_to_match(s, 0);
    }
}

/// Scrolls the `i`th matching line into view (two lines below the top) and highlights its
/// message, so `r` answers the message found.
fn go_to_match<D: Reads>(s: &mut State<D>, i: usize) {
    let Some(&(line, id)) = s.conv_matches.get(i) else {
        return;
    };
    s.match_at = Some(i);
    s.selected_message = Some(id);
    // The conversation's height once it is open (at 80 columns it is not on screen yet).
    let p = layout(s.width, s.height, Focus::Conversation, false);
    let h = p
        .conversation
        .map(|r| Panes::inner(r).height as usize)
        .unwrap_or(10)
        .max(1);
    let len = s.conv_lines.len();
    let max = len.saturating_sub(h);
    s.conv_scroll = len.saturating_sub(h + line.saturating_sub(2)).min(max);
}

/// `n`: the next line matching the search, round to the first after the last.
fn next_match<D: Reads>(s: &mut State<D>) {
    let n = s.conv_matches.len();
    if n == 0 {
        s.notice = Some(match s.search {
            Some(_) => "no line of this conversation matches the search".into(),
            None => "no search: / searches, then n goes from match to match".into(),
        });
        return;
    }
    let i = s.match_at.map_or(0, |i| (i + 1) % n);
    go_to_match(s, i);
    s.notice = Some(format!("match {} of {n}", i + 1));
}

/// The selected message is the newest one whose header is in view or above it.
fn select_message<D: Reads>(s: &mut State<D>) {
    let end = s.conv_lines.len().saturating_sub(s.conv_scroll);
    s.selected_message = s
        .conv_anchors
        .iter()
        .rev()
        .find(|(line, _)| *line < end)
        .map(|(_, id)| *id);
}
