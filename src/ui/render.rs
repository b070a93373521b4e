//! `render(&State<D>, &mut Frame)`: draws the state, reads nothing else.

use crate::ui::action::{Bound, Context};
use crate::ui::layout::{Panes, layout};
use crate::ui::reads::Reads;
use crate::ui::state::{Focus, Mode, State, SyncStatus};
use crate::ui::text::{fit, truncate, width, wrap_hanging};
use rapport_core::responses::report::Level;
use rapport_core::timefmt::{duration, long_date, short_date};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

pub fn render<D: Reads>(s: &State<D>, f: &mut Frame) {
    let area = f.area();
    let p = layout(area.width, area.height, s.focus, s.show_profile);
    if p.too_small {
        let msg = format!(
            "rapport needs at least {}x{}; this terminal is {}x{}. Enlarge it (q quits).",
            crate::ui::layout::MIN_WIDTH,
            crate::ui::layout::MIN_HEIGHT,
            area.width,
            area.height
        );
        f.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }), area);
        return;
    }
    if let Some(v) = s.reports.as_deref() {
        crate::ui::render_reports::render(s, v, f, area);
    } else if let Some(v) = s.shares.as_deref() {
        crate::ui::render_share::render(s, v, f, area);
    } else {
        panes(s, f, &p);
    }
    if let Mode::Help { scroll } = s.mode {
        crate::ui::help::render_help(s, f, area, scroll);
    }
    if let Mode::Preview {
        title,
        lines,
        scroll,
    } = &s.mode
    {
        crate::ui::help::render_preview(s, f, area, title, lines, *scroll);
    }
    if let Mode::Form(form) = &s.mode {
        crate::ui::render_form::render(s, f, area, form);
    }
}

fn panes<D: Reads>(s: &State<D>, f: &mut Frame, p: &Panes) {
    title_bar(s, f, p.title);
    if let Some(r) = p.inbox {
        inbox(s, f, r);
    }
    if let Some(r) = p.conversation {
        conversation(s, f, r);
    }
    if let Some(r) = p.profile {
        profile(s, f, r);
    }
    status_bar(s, f, p.status);
}

pub(crate) fn pane<'a, D: Reads>(s: &State<D>, title: String, focused: bool) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(s.theme.border(focused))
        .title(Span::styled(
            title,
            if focused {
                s.theme.title()
            } else {
                s.theme.heading()
            },
        ))
}

/// The sync state in a few words.
pub fn sync_text<D: Reads>(s: &State<D>) -> Option<(String, Style)> {
    let t = &s.theme;
    Some(match &s.sync {
        SyncStatus::Off => return None,
        SyncStatus::Connecting => ("connecting…".into(), t.dim()),
        SyncStatus::Syncing {
            folder,
            done,
            total,
        } => (format!("syncing {folder} {done}/{total}"), t.warn()),
        SyncStatus::UpToDate { .. } => ("up to date".into(), t.dim()),
        SyncStatus::Offline { reason, retry_at } => (
            format!(
                "offline: {reason} · retry in {}s",
                (retry_at - s.now).max(0)
            ),
            t.danger(),
        ),
        SyncStatus::Stopped { reason } => (format!("sync stopped: {reason}"), t.danger()),
        SyncStatus::Standby { holder } => (format!("sync by {holder}"), t.dim()),
    })
}

fn title_bar<D: Reads>(s: &State<D>, f: &mut Frame, r: Rect) {
    let right = format!(
        " {}{} · {} ",
        s.filter.label(),
        crate::ui::render_team::owner_suffix(s),
        s.total
    );
    let mut left = vec![Span::styled(" rapport ", s.theme.title())];
    let mut rest = format!("· {} ", s.title);
    if let Some(q) = &s.search {
        rest.push_str(&format!("· search: {q} "));
    }
    let sync = sync_text(s);
    // Mail arrived from someone erased on request: the team must know (`rapport erased-mail`).
    let erased = (s.erased_arrivals > 0).then(|| format!("⊗ {} from erased ", s.erased_arrivals));
    // Candidates asked for a copy or the erasure of their data: a task with a legal clock.
    let requests = crate::ui::answers::requests_notice(s);
    let avail = (r.width as usize).saturating_sub(
        9 + width(&right)
            + erased.as_ref().map_or(0, |e| width(e))
            + requests.as_ref().map_or(0, |e| width(e)),
    );
    let sync_w = sync
        .as_ref()
        .map(|(t, _)| width(t) + 3)
        .unwrap_or(0)
        .min(avail / 2);
    left.push(Span::raw(truncate(&rest, avail.saturating_sub(sync_w))));
    let mut spans = left;
    if let Some(e) = erased {
        spans.push(Span::styled(e, s.theme.danger()));
    }
    if let Some(e) = requests {
        spans.push(Span::styled(e, s.theme.warn()));
    }
    if let Some((text, style)) = sync {
        spans.push(Span::raw("· "));
        spans.push(Span::styled(
            truncate(&text, sync_w.saturating_sub(3)),
            style,
        ));
        spans.push(Span::raw(" "));
    }
    let used: usize = spans.iter().map(|sp| width(&sp.content)).sum();
    let pad = (r.width as usize).saturating_sub(used + width(&right));
    spans.push(Span::raw(" ".repeat(pad)));
    spans.push(Span::styled(right, s.theme.heading()));
    f.render_widget(Paragraph::new(Line::from(spans)), r);
}

fn inbox<D: Reads>(s: &State<D>, f: &mut Frame, r: Rect) {
    let focused = s.focus == Focus::Inbox;
    let marked = match s.marked.len() {
        0 => String::new(),
        n => format!("· {n} marked "),
    };
    let title = format!(
        " {}{} ({}) {marked}",
        s.filter.label(),
        crate::ui::render_team::owner_suffix(s),
        s.total
    );
    f.render_widget(pane(s, title, focused), r);
    let inner = Panes::inner(r);
    let w = inner.width as usize;
    if s.total == 0 {
        let msg = if s.search.is_some() {
            "No candidate matches the search. Esc clears it."
        } else {
            "Nobody here. Press f to change the filter."
        };
        f.render_widget(
            Paragraph::new(msg)
                .style(s.theme.dim())
                .wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    let visible = s.list_top..(s.list_top + inner.height as usize).min(s.total);
    let row_at = |i: usize| i.checked_sub(s.window_start).and_then(|j| s.rows.get(j));
    // The right column is as wide as its widest text on screen ("Thu 17:10", "3 Mar 2025"):
    // a date is never cut.
    let rights: Vec<Option<(String, Style)>> = visible
        .clone()
        .map(|i| row_at(i).map(|row| right_column(s, row)))
        .collect();
    let right_w = rights
        .iter()
        .flatten()
        .map(|(t, _)| width(t))
        .max()
        .unwrap_or(0)
        .max(8);
    let name_w = (w / 3).clamp(10, 24);
    let snippet_w = w.saturating_sub(2 + name_w + 1 + right_w + 1);
    let mut lines = Vec::new();
    for (i, right) in visible.zip(rights) {
        let (Some(row), Some((right, right_style))) = (row_at(i), right) else {
            lines.push(Line::raw(""));
            continue;
        };
        let later = row.next_contact.is_some_and(|n| n < 0 || n > s.now);
        let marker = if s.marked.contains(&row.id) {
            Span::styled("* ", s.theme.key())
        } else if let Some(m) = crate::ui::render_team::row_marker(s, row)
            && !row.opted_out
            && !row.suppressed
        {
            m
        } else if row.opted_out {
            Span::styled("⊘ ", s.theme.danger())
        } else if row.suppressed {
            Span::styled("⊗ ", s.theme.danger())
        } else if row.optout_request {
            Span::styled("⚠ ", s.theme.danger())
        } else if row.waiting_since.is_some() {
            Span::styled("← ", s.theme.inbound())
        } else if later {
            Span::styled("◷ ", s.theme.dim())
        } else {
            Span::styled("→ ", s.theme.dim())
        };
        let right = Span::styled(format!("{right:>right_w$}"), right_style);
        let mut spans = vec![
            marker,
            Span::styled(fit(&row.name, name_w), s.theme.heading()),
            Span::raw(" "),
        ];
        if snippet_w > 0 {
            // A colleague on this candidate shows first, in the snippet's place.
            let mut left = snippet_w;
            if let Some((p, style)) = crate::ui::render_team::row_presence(s, row) {
                let p = truncate(&p, left);
                left -= width(&p);
                spans.push(Span::styled(p, style));
            }
            spans.push(Span::styled(fit(&row.snippet, left), s.theme.dim()));
            spans.push(Span::raw(" "));
        }
        spans.push(right);
        let mut line = Line::from(spans);
        if i == s.selected {
            line = line.style(s.theme.selected());
        }
        lines.push(line);
    }
    f.render_widget(Paragraph::new(lines), inner);
}

/// The inbox row's right column: how long they have waited (marked against the target),
/// when we may contact them next, or the date of the last activity.
fn right_column<D: Reads>(s: &State<D>, row: &rapport_core::store::InboxRow) -> (String, Style) {
    let later = row.next_contact.is_some_and(|n| n < 0 || n > s.now);
    match (row.waiting_since, row.last_activity) {
        (None, _) if later => (
            match row.next_contact {
                Some(-1) => "if asked".to_string(),
                Some(-2) => "never".to_string(),
                Some(t) => short_date(t, s.now, &s.tz),
                None => String::new(),
            },
            s.theme.dim(),
        ),
        (Some(w), _) => {
            // Against the target: "!" over, "~" near (so it reads without colour too).
            let level = s.target.level(s.now - w, s.business.between(w, s.now));
            let (mark, style) = match level {
                Level::Over => ('!', s.theme.danger()),
                Level::Near => ('~', s.theme.warn()),
                Level::Ok => (' ', s.theme.inbound()),
            };
            (format!("{mark}{:>7}", duration(s.now - w)), style)
        }
        (None, Some(at)) => (short_date(at, s.now, &s.tz), s.theme.dim()),
        (None, None) => (String::new(), s.theme.dim()),
    }
}

fn conversation<D: Reads>(s: &State<D>, f: &mut Frame, r: Rect) {
    let focused = s.focus == Focus::Conversation || matches!(s.mode, Mode::Compose(_));
    let title = match &s.profile {
        Some(p) => format!(" {} ", p.name),
        None => " Conversation ".into(),
    };
    let mut block = pane(s, title, focused);
    if s.conv_scroll > 0 {
        block = block.title_bottom(Span::styled(
            format!(" ↑ {} lines up ", s.conv_scroll),
            s.theme.dim(),
        ));
    }
    f.render_widget(block, r);
    let mut inner = Panes::inner(r);
    if let Some(p) = &s.profile {
        let w = inner.width as usize;
        let mut banner: Vec<Line> = crate::ui::render_team::banner(s, p.id, w);
        if let Some(c) = &s.changed {
            banner.insert(
                0,
                Line::styled(truncate(&format!("↻ {c}"), w), s.theme.warn()),
            );
        }
        if let Some((_, rapport_core::store::StopRequest { evidence, .. })) = &p.optout_request {
            let k = |b| {
                s.keymap
                    .keys_for(s.context(), b)
                    .first()
                    .cloned()
                    .unwrap_or_default()
            };
            banner.push(Line::styled(
                truncate(&format!("⚠ Asked to stop: “{evidence}”"), w),
                s.theme.danger(),
            ));
            banner.push(Line::styled(
                truncate(
                    &format!(
                        "  {} records the opt-out · {} not an opt-out",
                        k(Bound::AcceptOptOut),
                        k(Bound::DismissOptOut)
                    ),
                    w,
                ),
                s.theme.warn(),
            ));
        }
        if let Some((said, keys)) = crate::ui::answers::banner(s, p) {
            for l in wrap_hanging(&said, w, 2) {
                banner.push(Line::styled(l, s.theme.warn()));
            }
            banner.push(Line::styled(truncate(&keys, w), s.theme.warn()));
        }
        if p.suppressed {
            banner.push(Line::styled(
                truncate(
                    "⊗ Erased on request earlier: do not re-add without their consent",
                    w,
                ),
                s.theme.danger(),
            ));
        }
        if p.opted_out() {
            banner.push(Line::styled(
                truncate("⊘ Opted out: mail to them is refused", w),
                s.theme.danger(),
            ));
        }
        if !banner.is_empty() {
            let n = banner.len() as u16;
            f.render_widget(
                Paragraph::new(banner),
                Rect {
                    height: n.min(inner.height),
                    ..inner
                },
            );
            inner.y += n;
            inner.height = inner.height.saturating_sub(n);
        }
    }
    if let Mode::Compose(ta) = &s.mode {
        // The built-in editor takes the conversation's place.
        let hint = s
            .keymap
            .keys_for(Context::Compose, Bound::Submit)
            .first()
            .cloned()
            .unwrap_or_default();
        let cancel = s
            .keymap
            .keys_for(Context::Compose, Bound::Cancel)
            .first()
            .cloned()
            .unwrap_or_default();
        let head = Line::styled(
            if s.note_for.is_some() {
                format!("Internal note (never sent) · {hint} saves · {cancel} discards")
            } else {
                format!("Writing · {hint} sends · {cancel} keeps the draft")
            },
            s.theme.warn(),
        );
        f.render_widget(Paragraph::new(head), Rect { height: 1, ..inner });
        let area = Rect {
            y: inner.y + 1,
            height: inner.height.saturating_sub(1),
            ..inner
        };
        f.render_widget(&**ta, area);
        return;
    }
    let h = inner.height as usize;
    let total = s.conv_lines.len();
    let end = total.saturating_sub(s.conv_scroll);
    let start = end.saturating_sub(h);
    let selected_line = s
        .conv_anchors
        .iter()
        .find(|(_, id)| Some(*id) == s.selected_message)
        .map(|(l, _)| *l);
    let lines: Vec<Line> = s.conv_lines[start..end]
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if focused && Some(start + i) == selected_line {
                l.clone().patch_style(s.theme.selected())
            } else {
                l.clone()
            }
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}

fn profile_lines<D: Reads>(s: &State<D>, w: usize) -> Vec<Line<'static>> {
    let Some(p) = &s.profile else {
        return vec![Line::styled("No candidate selected.", s.theme.dim())];
    };
    let t = &s.theme;
    // Every line wraps at word boundaries instead of being cut (a narrow pane beside the
    // conversation included): a value under its label, the rest under their first word.
    let mut out: Vec<Line<'static>> = Vec::new();
    let kv = |out: &mut Vec<Line<'static>>, k: &str, v: String| {
        let room = w.saturating_sub(13);
        if room < 12 {
            // Too narrow for a column: the label, then the value on lines of its own.
            out.push(Line::styled(k.to_string(), t.dim()));
            for l in wrap_hanging(&format!("  {v}"), w, 2) {
                out.push(Line::raw(l));
            }
            return;
        }
        for (i, l) in crate::ui::text::wrap(&v, room).into_iter().enumerate() {
            let label = if i == 0 { k } else { "" };
            out.push(Line::from(vec![
                Span::styled(format!("{label:<13}"), t.dim()),
                Span::raw(l),
            ]));
        }
    };
    let para = |out: &mut Vec<Line<'static>>, text: &str, style: Style| {
        for l in wrap_hanging(text, w, 2) {
            out.push(Line::styled(l, style));
        }
    };
    para(&mut out, &p.name, t.heading());
    for a in &p.addresses {
        para(&mut out, a, Style::default());
    }
    out.push(Line::raw(""));
    let before = out.len();
    if let Some((said, keys)) = crate::ui::answers::banner(s, p) {
        para(&mut out, &said, t.warn());
        para(&mut out, &keys, t.warn());
    }
    for r in &s.data_requests {
        para(
            &mut out,
            &crate::ui::answers::request_line(s, r),
            t.danger(),
        );
    }
    if out.len() > before {
        out.push(Line::raw(""));
    }
    let active: Vec<_> = p
        .opt_outs
        .iter()
        .filter(|o| o.revoked_at.is_none())
        .collect();
    if active.is_empty() {
        kv(&mut out, "Opt-out", "none recorded".into());
    }
    for o in active {
        para(
            &mut out,
            &format!(
                "⊘ OPTED OUT ({}) since {}",
                o.scope,
                short_date(o.at, s.now, &s.tz)
            ),
            t.danger(),
        );
        para(
            &mut out,
            &format!("  by {}: {}", o.recorded_by, o.reason),
            Style::default(),
        );
    }
    match p.waiting_since {
        Some(since) => {
            let business = s.business.between(since, s.now);
            let (note, style) = match s.target.level(s.now - since, business) {
                Level::Over => (", over target", t.danger()),
                Level::Near => (", near target", t.warn()),
                Level::Ok => ("", t.warn()),
            };
            para(
                &mut out,
                &format!(
                    "Waiting for our reply: {} ({} business{note})",
                    duration(s.now - since),
                    rapport_core::timefmt::hours(business)
                ),
                style,
            )
        }
        None => kv(&mut out, "Waiting", "no".into()),
    }
    let next = match p.next_contact {
        None => "any time".to_string(),
        Some(-1) => "only when they write".to_string(),
        Some(-2) => "never".to_string(),
        Some(t) if t <= s.now => "any time".to_string(),
        Some(t) => format!("from {}", short_date(t, s.now, &s.tz)),
    };
    kv(&mut out, "Next contact", next);
    kv(&mut out, "Messages", p.message_count.to_string());
    let when = |at: Option<i64>| {
        at.map(|a| short_date(a, s.now, &s.tz))
            .unwrap_or_else(|| "never".into())
    };
    kv(&mut out, "From them", when(p.last_inbound_at));
    kv(&mut out, "Contacted", when(p.last_contact_at));
    if let Some(who) = s
        .selected_row()
        .filter(|r| r.id == p.id)
        .and_then(|r| r.assigned_to.clone())
    {
        kv(&mut out, "Assigned to", who);
    }
    out.push(Line::raw(""));
    out.push(Line::styled("Preferences", t.heading()));
    match &p.preferences {
        None => out.push(Line::styled("  none recorded", t.dim())),
        Some(pr) => {
            let channels = if pr.no_channel {
                "none at all".to_string()
            } else if pr.channels.is_empty() {
                "not recorded".to_string()
            } else {
                pr.channels
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let preferred = pr
                .preferred
                .map(|c| format!(" (prefers {})", c.as_str()))
                .unwrap_or_default();
            kv(&mut out, "Channels", format!("{channels}{preferred}"));
            kv(
                &mut out,
                "Frequency",
                pr.frequency
                    .map(|f| f.label().to_string())
                    .unwrap_or_else(|| "not recorded".into()),
            );
            kv(
                &mut out,
                "Interests",
                if pr.interests.is_empty() {
                    "none".into()
                } else {
                    pr.interests.join(", ")
                },
            );
            let lang = [pr.language.clone(), pr.timezone.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ");
            if !lang.is_empty() {
                kv(&mut out, "Language", lang);
            }
        }
    }
    if s.show_history {
        out.push(Line::raw(""));
        out.push(Line::styled("History (newest last)", t.heading()));
        if s.ledger.is_empty() {
            out.push(Line::styled("  nothing recorded", t.dim()));
        }
        for e in &s.ledger {
            let who = e.source.who(&e.actor);
            para(
                &mut out,
                &format!(
                    "{} {}: {} → {}",
                    short_date(e.at, s.now, &s.tz),
                    e.field,
                    e.old_value.as_deref().unwrap_or("-"),
                    e.new_value.as_deref().unwrap_or("-")
                ),
                Style::default(),
            );
            let basis = e.legal_basis.map(|b| format!(" · {b}")).unwrap_or_default();
            let note = if e.note.is_empty() {
                String::new()
            } else {
                format!(" · {}", e.note)
            };
            para(&mut out, &format!("  by {who}{basis}{note}"), t.dim());
        }
    }
    out.push(Line::raw(""));
    out.push(Line::styled("Contact log", t.heading()));
    if p.recent_contacts.is_empty() {
        out.push(Line::styled("  nothing logged", t.dim()));
    }
    for c in &p.recent_contacts {
        let e = &c.entry;
        para(
            &mut out,
            &format!(
                "◆ {} {} · {}",
                e.channel.as_str(),
                e.outcome.as_str(),
                long_date(e.at, &s.tz)
            ),
            t.contact(),
        );
        if !e.note.is_empty() {
            para(
                &mut out,
                &format!("  {} ({})", e.note, e.recorded_by),
                Style::default(),
            );
        }
    }
    out
}

fn profile<D: Reads>(s: &State<D>, f: &mut Frame, r: Rect) {
    let focused = s.focus == Focus::Profile;
    f.render_widget(pane(s, " Profile ".into(), focused), r);
    let inner = Panes::inner(r);
    let lines = profile_lines(s, inner.width as usize);
    f.render_widget(Paragraph::new(lines).scroll((s.profile_scroll, 0)), inner);
}

pub(crate) fn status_bar<D: Reads>(s: &State<D>, f: &mut Frame, r: Rect) {
    if let Mode::Search { input, .. } = &s.mode {
        // A query that cannot be read says why (the list stays as it was); a search that
        // finds nobody here says how many it finds among all candidates.
        let after = match s.search_error.as_ref().or(s.notice.as_ref()) {
            Some(m) => Span::styled(format!("  {m}"), s.theme.warn()),
            None => Span::styled("  enter keep · esc cancel", s.theme.dim()),
        };
        let line = Line::from(vec![
            Span::styled("/", s.theme.key()),
            Span::raw(input.clone()),
            Span::styled("▏", s.theme.key()),
            after,
        ]);
        f.render_widget(Paragraph::new(line), r);
        return;
    }
    if let Some(n) = &s.notice {
        // Wrapped at word boundaries: a long notice grows upwards over the panes (at most
        // four lines), never cut mid-word.
        let mut lines = crate::ui::text::wrap(n, r.width as usize);
        lines.truncate(4);
        let h = (lines.len() as u16).min(r.y + 1);
        let area = Rect {
            y: r.y + 1 - h,
            height: h,
            ..r
        };
        crate::ui::help::clear_popup(f, area);
        f.render_widget(
            Paragraph::new(lines.into_iter().map(Line::raw).collect::<Vec<_>>())
                .style(s.theme.warn()),
            area,
        );
        return;
    }
    let ctx = s.context();
    let hint = |b: Bound, label: &str| -> Option<Vec<Span<'static>>> {
        let keys = s.keymap.keys_for(ctx, b);
        let k = keys.first()?;
        Some(vec![
            Span::styled(k.clone(), s.theme.key()),
            Span::raw(format!(" {label}  ")),
        ])
    };
    let wanted: &[(Bound, &str)] = match ctx {
        Context::Inbox => &[
            (Bound::Next, "next"),
            (Bound::Open, "open"),
            (Bound::Search, "search"),
            (Bound::Filter, "filter"),
            (Bound::Help, "help"),
            (Bound::Quit, "quit"),
            (Bound::EditPreferences, "prefs"),
            (Bound::LogContact, "log"),
            (Bound::OptOut, "opt-out"),
            (Bound::ToggleProfile, "profile"),
        ],
        Context::Profile => &[
            (Bound::Next, "scroll"),
            (Bound::Back, "back"),
            (Bound::ToggleProfile, "conversation"),
            (Bound::Help, "help"),
        ],
        Context::Conversation => &[
            (Bound::Prev, "older"),
            (Bound::Next, "newer"),
            (Bound::Back, "back"),
            (Bound::Help, "help"),
            (Bound::Reply, "reply"),
            (Bound::EditPreferences, "prefs"),
            (Bound::LogContact, "log"),
            (Bound::OptOut, "opt-out"),
        ],
        Context::Reports => &[
            (Bound::Period, "period"),
            (Bound::ToggleClock, "business/calendar"),
            (Bound::ToggleGroup, "recruiter/week"),
            (Bound::Open, "open"),
            (Bound::Help, "definitions"),
            (Bound::Back, "back"),
        ],
        Context::Shares => &[
            (Bound::Open, "open"),
            (Bound::NewShare, "new share"),
            (Bound::PauseShare, "pause/resume"),
            (Bound::CancelShare, "cancel"),
            (Bound::Back, "back"),
        ],
        Context::Form => &[
            (Bound::Submit, "save"),
            (Bound::Cancel, "cancel"),
            (Bound::NextField, "next field"),
        ],
        _ => &[(Bound::Back, "close"), (Bound::Next, "scroll")],
    };
    let mut spans: Vec<Span> = Vec::new();
    let mut used = 0;
    for (b, label) in wanted {
        if let Some(h) = hint(*b, label) {
            let w: usize = h.iter().map(|sp| width(&sp.content)).sum();
            if used + w > r.width as usize {
                continue;
            }
            used += w;
            spans.extend(h);
        }
    }
    f.render_widget(Paragraph::new(Line::from(spans)).style(Style::new()), r);
}
