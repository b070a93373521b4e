//! The inbox search (`/`) in the query language (`core::query`), and saved views (`[views]`
//! in the config, bound to keys as `view:NAME` in the keymap). Plain words search as before;
//! fields narrow by what we know. A query that cannot be read leaves the list as it was and
//! says why in the status line, naming the term. A search that finds nobody in the current
//! filter says how many it finds among all candidates.

use crate::ui::reads::Reads;
use crate::ui::state::{Mode, State};
use rapport_core::query::{Query, QueryError};
use rapport_core::store::{AssigneeFilter, InboxFilter};

/// The query language in the help overlay (first line: the heading).
pub const HELP: &str = "\
Search (/): words, \"phrases\" and fields
Words find their mail, name and address. Fields:
interest:rust  channel:email (allowed)  due:yes|no (contact now)
assigned:me|none|NAME  waiting:>24h|<2d|yes|no  over:target
opted-out:yes|no  lang:de  tz:Europe/*  snoozed:yes|no
Side by side all hold; a or b: either; -term: not; (...) groups.";

/// A saved view: its name and query, as the config has them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    pub name: String,
    pub query: String,
}

/// Opens the prompt on the current search.
pub fn open<D: Reads>(s: &mut State<D>) {
    s.search_error = None;
    s.notice = None;
    s.mode = Mode::Search {
        input: s.search.clone().unwrap_or_default(),
        previous: s.search.clone(),
    };
}

/// The prompt's text changed: the list follows it while it reads as a query.
pub fn edited<D: Reads>(s: &mut State<D>, change: impl FnOnce(&mut String)) {
    if let Mode::Search { input, .. } = &mut s.mode {
        change(input);
        let text = input.clone();
        let _ = set(s, Some(text));
    }
}

/// Enter: keeps the search, unless it cannot be read (the prompt stays open with the error).
pub fn submit<D: Reads>(s: &mut State<D>) {
    if let Mode::Search { input, .. } = &s.mode {
        let text = input.trim().to_string();
        if set(s, Some(text)) {
            s.mode = Mode::Normal;
        }
    }
}

/// Esc: the search from before the prompt opened.
pub fn cancel<D: Reads>(s: &mut State<D>) {
    if let Mode::Search { previous, .. } = &s.mode {
        let previous = previous.clone();
        s.mode = Mode::Normal;
        let _ = set(s, previous);
    }
}

/// Clears the search.
pub fn clear<D: Reads>(s: &mut State<D>) {
    let _ = set(s, None);
}

/// Shows the saved view bound to the key: its query over all candidates.
pub fn view<D: Reads>(s: &mut State<D>, slot: u16) {
    let Some(name) = s.keymap.view_name(slot).map(str::to_string) else {
        return;
    };
    let Some(v) = s.views.iter().find(|v| v.name == name).cloned() else {
        s.notice = Some(format!("no view {name:?} in the config ([views])"));
        return;
    };
    s.mode = Mode::Normal;
    s.filter = InboxFilter::All;
    s.assignee_filter = AssigneeFilter::Anyone;
    if set(s, Some(v.query.clone())) && s.total > 0 {
        s.notice = Some(format!("view {}: {}", v.name, v.query));
    }
}

/// Applies `text` as the search when it reads as a query (blank clears it) and returns true;
/// otherwise keeps the list as it is, records the error and returns false.
pub fn set<D: Reads>(s: &mut State<D>, text: Option<String>) -> bool {
    let text = text.filter(|t| !t.trim().is_empty());
    if let Some(t) = &text
        && let Err(e) = t.parse::<Query>()
    {
        s.search_error = Some(describe(&e));
        return false;
    }
    s.search_error = None;
    s.notice = None;
    s.search = text;
    s.chosen = None;
    s.selected = 0;
    s.list_top = 0;
    crate::ui::update::reload_list(s);
    if s.search.is_some() && s.total == 0 {
        s.notice = Some(elsewhere(s));
    }
    true
}

fn describe(e: &QueryError) -> String {
    e.to_string()
}

/// "no match in Awaiting reply; 3 in all candidates".
fn elsewhere<D: Reads>(s: &State<D>) -> String {
    let narrowed = s.filter != InboxFilter::All || s.assignee_filter != AssigneeFilter::Anyone;
    if !narrowed {
        return "no candidate matches the search".into();
    }
    let mut all = s.query();
    all.filter = InboxFilter::All;
    all.assignee = AssigneeFilter::Anyone;
    let here = format!(
        "{}{}",
        s.filter.label(),
        crate::ui::render_team::owner_suffix(s)
    );
    match s.store.inbox_count(&all) {
        Ok(0) | Err(_) => format!("no match in {here}, nor in all candidates"),
        Ok(n) => format!("no match in {here}; {n} in all candidates"),
    }
}

/// The help overlay's list of saved views: keys, name and query.
pub fn help_lines<D: Reads>(s: &State<D>) -> Vec<(String, String)> {
    s.views
        .iter()
        .map(|v| {
            let keys = s.keymap.keys_for_view(&v.name).join(", ");
            (keys, format!("view {}: {}", v.name, v.query))
        })
        .collect()
}
