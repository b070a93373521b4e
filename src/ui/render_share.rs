//! Draws the Share view: the shares with their progress, one share's progress and report,
//! and a new share's preview. Reads state only. Everything a candidate wrote (names,
//! addresses, the sample's text) is sanitised before it is drawn.

use crate::ui::action::{Bound, Context};
use crate::ui::layout::Panes;
use crate::ui::reads::Reads;
use crate::ui::share::{Planned, Screen, SharesView};
use crate::ui::state::State;
use crate::ui::text::{truncate, wrap};
use jiff::tz::TimeZone;
use rapport_core::actions::share::Report;
use rapport_core::sanitize::sanitize_line;
use rapport_core::timefmt::{long_date, short_date};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// From this width the preview shows the people beside the summary and sample.
pub const WIDE: u16 = 120;

/// How a line of the preview is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Heading,
    Plain,
    Dim,
    Warn,
}

fn style<D: Reads>(s: &State<D>, k: Kind) -> Style {
    match k {
        Kind::Heading => s.theme.heading(),
        Kind::Plain => Style::new(),
        Kind::Dim => s.theme.dim(),
        Kind::Warn => s.theme.warn(),
    }
}

pub fn render<D: Reads>(s: &State<D>, v: &SharesView, f: &mut Frame, area: Rect) {
    let [title, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    title_bar(s, v, f, title);
    status_line(s, v, f, status);
    match &v.screen {
        Screen::List => list(s, v, f, body),
        Screen::Detail { id, report, scroll } => {
            let lines = match report {
                Some(r) => detail_lines(s, r, body.width.saturating_sub(2) as usize),
                None => vec![Line::styled(
                    format!("Share {id} is not there (any more)."),
                    s.theme.dim(),
                )],
            };
            f.render_widget(
                crate::ui::render::pane(s, format!(" Share {id} "), true),
                body,
            );
            f.render_widget(
                Paragraph::new(lines).scroll((*scroll, 0)),
                Panes::inner(body),
            );
        }
        Screen::Computing { subject } => {
            let text = format!(
                "Computing who receives “{}”… it reads every candidate. Esc goes back.",
                sanitize_line(subject)
            );
            let lines: Vec<Line> = wrap(&text, body.width.saturating_sub(4) as usize)
                .into_iter()
                .map(Line::raw)
                .collect();
            f.render_widget(crate::ui::render::pane(s, " New share ".into(), true), body);
            f.render_widget(Paragraph::new(lines), Panes::inner(body));
        }
        Screen::Preview { planned, scroll } => preview(s, planned, *scroll, f, body),
    }
}

fn title_bar<D: Reads>(s: &State<D>, v: &SharesView, f: &mut Frame, r: Rect) {
    let text = match &v.screen {
        Screen::List => format!("· Shares · {} ", v.list.len()),
        Screen::Detail { id, .. } => format!("· Shares · share {id} "),
        Screen::Computing { .. } => "· Shares · new share: computing the preview… ".into(),
        Screen::Preview { .. } => "· Shares · new share: preview (nothing is sent yet) ".into(),
    };
    let line = Line::from(vec![
        Span::styled(" rapport ", s.theme.title()),
        Span::raw(truncate(&text, (r.width as usize).saturating_sub(9))),
    ]);
    f.render_widget(Paragraph::new(line), r);
}

/// The keys of the screen shown (a notice takes the line when there is one).
fn status_line<D: Reads>(s: &State<D>, v: &SharesView, f: &mut Frame, r: Rect) {
    if s.notice.is_some() || !matches!(s.mode, crate::ui::state::Mode::Normal) {
        crate::ui::render::status_bar(s, f, r);
        return;
    }
    let k = |b: Bound| s.keymap.keys_for(Context::Shares, b).first().cloned();
    let wanted: Vec<(Bound, String)> = match &v.screen {
        Screen::List => vec![
            (Bound::Open, "open".into()),
            (Bound::NewShare, "new share".into()),
            (Bound::PauseShare, "pause/resume".into()),
            (Bound::CancelShare, "cancel".into()),
            (Bound::Back, "back".into()),
            (Bound::Help, "help".into()),
        ],
        Screen::Detail { .. } => vec![
            (Bound::PauseShare, "pause/resume".into()),
            (Bound::CancelShare, "cancel".into()),
            (Bound::Next, "scroll".into()),
            (Bound::Back, "back".into()),
            (Bound::Help, "help".into()),
        ],
        Screen::Computing { .. } => vec![(Bound::Back, "back".into())],
        Screen::Preview { planned, .. } => vec![
            (
                Bound::Open,
                format!("confirm (type {})", planned.preview.planned.len()),
            ),
            (Bound::Next, "scroll".into()),
            (Bound::PageDown, "page".into()),
            (Bound::Back, "back: nothing is created".into()),
        ],
    };
    let mut spans = Vec::new();
    let mut used = 0;
    for (b, label) in wanted {
        let key = match b {
            Bound::Help => s
                .keymap
                .keys_for(Context::Global, b)
                .first()
                .cloned()
                .or_else(|| k(b)),
            _ => k(b),
        };
        let Some(key) = key else { continue };
        let w = crate::ui::text::width(&key) + crate::ui::text::width(&label) + 3;
        if used + w > r.width as usize {
            continue;
        }
        used += w;
        spans.push(Span::styled(key, s.theme.key()));
        spans.push(Span::raw(format!(" {label}  ")));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), r);
}

/// "sent 3 · queued 1 · planned 30 · skipped 160 · failed 0", with what else there is.
pub fn progress(r: &Report) -> String {
    let mut p = format!(
        "sent {} · queued {} · planned {} · skipped {} · failed {}",
        r.sent, r.queued, r.planned, r.skipped, r.failed
    );
    if r.unknown > 0 {
        p.push_str(&format!(" · may have been sent {}", r.unknown));
    }
    if r.cancelled > 0 {
        p.push_str(&format!(" · {}", r.cancelled_text()));
    }
    p
}

fn list<D: Reads>(s: &State<D>, v: &SharesView, f: &mut Frame, area: Rect) {
    f.render_widget(crate::ui::render::pane(s, " Shares ".into(), true), area);
    let inner = Panes::inner(area);
    let w = inner.width as usize;
    if v.list.is_empty() {
        let k = s
            .keymap
            .keys_for(Context::Shares, Bound::NewShare)
            .first()
            .cloned()
            .unwrap_or_else(|| "new-share".into());
        let text = format!(
            "No shares yet. {k} shares a tagged snippet with the candidates who asked for its topics: first you see who receives it, who does not and why; nothing is created until you confirm."
        );
        let lines: Vec<Line> = wrap(&text, w)
            .into_iter()
            .map(|l| Line::styled(l, s.theme.dim()))
            .collect();
        f.render_widget(Paragraph::new(lines), inner);
        return;
    }
    // Two lines a share; the selected one stays in view.
    let fits = (inner.height as usize / 2).max(1);
    let top = v.selected.saturating_sub(fits - 1);
    let mut lines = Vec::new();
    for (i, r) in v.list.iter().enumerate().skip(top).take(fits) {
        let sel = i == v.selected;
        let mark = if sel { "▸" } else { " " };
        let head = format!(
            "{mark}{:>4} {:<9} {} · {} · by {}, {}",
            r.share.id,
            r.share.state,
            sanitize_line(&r.share.subject),
            sanitize_line(&r.share.template),
            sanitize_line(&r.share.created_by),
            short_date(r.share.created_at, s.now, &s.tz)
        );
        let body = format!("{:>16}{}", "", progress(r));
        let st = if sel {
            s.theme.selected()
        } else {
            Style::new()
        };
        lines.push(Line::styled(truncate(&head, w), st));
        lines.push(Line::styled(truncate(&body, w), s.theme.dim()));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

/// One share: what it is, its progress, and what followed it.
fn detail_lines<D: Reads>(s: &State<D>, r: &Report, w: usize) -> Vec<Line<'static>> {
    let t = &s.theme;
    let mut out: Vec<Line<'static>> = Vec::new();
    let para = |out: &mut Vec<Line<'static>>, text: &str, st: Style| {
        for l in wrap(text, w) {
            out.push(Line::styled(l, st));
        }
    };
    let sh = &r.share;
    para(
        &mut out,
        &format!(
            "“{}” ({}), by {} on {}",
            sanitize_line(&sh.subject),
            sh.state,
            sanitize_line(&sh.created_by),
            long_date(sh.created_at, &s.tz)
        ),
        t.heading(),
    );
    para(
        &mut out,
        &format!(
            "Snippet {} · tags {} · {} an hour, {} a day, in working hours",
            sanitize_line(&sh.template),
            sanitize_line(&sh.tags.join(", ")),
            sh.per_hour,
            sh.per_day
        ),
        Style::new(),
    );
    let audience = if sh.query.trim().is_empty() {
        "interests overlapping the tags".to_string()
    } else {
        sanitize_line(&sh.query)
    };
    para(&mut out, &format!("Audience: {audience}"), Style::new());
    out.push(Line::raw(""));
    out.push(Line::styled("Progress", t.heading()));
    let total = r.planned + r.queued + r.sent + r.failed + r.unknown + r.cancelled;
    let bar_w = w.saturating_sub(24).clamp(10, 40);
    let done = (r.sent * bar_w).checked_div(total).unwrap_or(0);
    out.push(Line::raw(format!(
        "  {}{} {} of {} sent",
        "█".repeat(done),
        "░".repeat(bar_w - done),
        r.sent,
        total
    )));
    para(&mut out, &format!("  {}", progress(r)), Style::new());
    if r.unknown > 0 {
        para(
            &mut out,
            &format!(
                "  {} may have been sent (cut off while the server was taking it): not sent again; `rapport outbox` lists them, `outbox mark-sent ID` or `outbox retry ID` decides",
                r.unknown
            ),
            t.warn(),
        );
    }
    if !r.skipped_by.is_empty() {
        out.push(Line::raw(""));
        out.push(Line::styled("Left out, by reason", t.heading()));
        for (k, n) in &r.skipped_by {
            out.push(Line::raw(format!("  {n:>5}  {}", sanitize_line(k))));
        }
    }
    out.push(Line::raw(""));
    out.push(Line::styled("What followed (within 14 days)", t.heading()));
    para(
        &mut out,
        &format!(
            "  replies {} ({:.0}%) · opt-outs {} · preference changes {}",
            r.replies,
            r.reply_rate * 100.0,
            r.opt_outs,
            r.preference_changes
        ),
        Style::new(),
    );
    if !r.by_interest.is_empty() {
        out.push(Line::styled("  by interest:", t.dim()));
        for (tag, (d, rep)) in &r.by_interest {
            out.push(Line::raw(format!(
                "    {}: {d} delivered, {rep} replied",
                sanitize_line(tag)
            )));
        }
    }
    out
}

/// The preview's summary: how many receive it, totals by reason, the schedule and the
/// sample, wrapped to `w` cells.
pub fn preview_head(p: &Planned, w: usize, tz: &TimeZone) -> Vec<(String, Kind)> {
    let mut out = Vec::new();
    let mut para = |text: &str, k: Kind| {
        for l in wrap(text, w) {
            out.push((l, k));
        }
    };
    let pr = &p.preview;
    let sp = &p.spec;
    para(
        &format!(
            "{} will receive it; {} left out",
            pr.planned.len(),
            pr.skipped.len()
        ),
        Kind::Heading,
    );
    para(
        &format!(
            "Snippet {} [{}] · subject “{}”",
            sanitize_line(&sp.template.name),
            sanitize_line(&sp.template.tags.join(", ")),
            sanitize_line(&sp.subject)
        ),
        Kind::Plain,
    );
    let audience = match &sp.query {
        Some(q) => sanitize_line(q),
        None => "interests overlapping the tags".into(),
    };
    para(&format!("Audience: {audience}"), Kind::Plain);
    match (pr.first_release, pr.last_release) {
        (Some(a), Some(b)) => para(
            &format!(
                "Schedule: from {} to about {} ({} an hour, {} a day, {})",
                long_date(a, tz),
                long_date(b, tz),
                sp.pace.per_hour,
                sp.pace.per_day,
                pr.window()
            ),
            Kind::Plain,
        ),
        _ => para(
            "Nobody would receive it: nothing can be created.",
            Kind::Warn,
        ),
    }
    let totals = pr.totals();
    if !totals.is_empty() {
        para("", Kind::Plain);
        para("Left out, by reason", Kind::Heading);
        for (k, n) in totals {
            para(&format!("  {n:>5}  {k}"), Kind::Plain);
        }
    }
    if let Some(e) = pr.erased_note() {
        para(&format!("  {e}"), Kind::Plain);
    }
    if let Some(sample) = &pr.sample {
        para("", Kind::Plain);
        para("Sample (the first recipient's message)", Kind::Heading);
        for l in sample.lines() {
            let l = sanitize_line(l);
            for piece in wrap(&l, w.saturating_sub(2).max(8)) {
                out.push((format!("│ {piece}").trim_end().to_string(), Kind::Dim));
            }
        }
    }
    out.push((String::new(), Kind::Plain));
    out
}

/// The `i`th line of the people list (see `share::preview_people`).
fn person_line(p: &Planned, i: usize) -> (String, Kind) {
    let pr = &p.preview;
    let m = pr.skipped.len();
    let who =
        |name: &str, address: &str| format!("{} <{}>", sanitize_line(name), sanitize_line(address));
    if i == 0 {
        return (format!("Left out ({m}), and why"), Kind::Heading);
    }
    if let Some((c, why)) = pr.skipped.get(i - 1) {
        return (
            format!(
                "  {}: {}",
                who(&c.name, &c.address),
                sanitize_line(&why.to_string())
            ),
            Kind::Plain,
        );
    }
    match i - 1 - m {
        0 => (String::new(), Kind::Plain),
        1 => (
            format!("Receiving it ({})", pr.planned.len()),
            Kind::Heading,
        ),
        j => match pr.planned.get(j - 2) {
            Some(c) => (format!("  {}", who(&c.name, &c.address)), Kind::Plain),
            None => (String::new(), Kind::Plain),
        },
    }
}

/// The width the summary is wrapped to, for a preview drawn `width` cells wide.
pub fn head_width(width: u16) -> usize {
    if width >= WIDE {
        (width as usize * 45 / 100).saturating_sub(2)
    } else {
        (width as usize).saturating_sub(2)
    }
}

fn preview<D: Reads>(s: &State<D>, p: &Planned, scroll: usize, f: &mut Frame, area: Rect) {
    let draw = |f: &mut Frame, r: Rect, title: &str, lines: Vec<(String, Kind)>| {
        f.render_widget(crate::ui::render::pane(s, title.to_string(), true), r);
        let inner = Panes::inner(r);
        let w = inner.width as usize;
        let lines: Vec<Line> = lines
            .into_iter()
            .map(|(l, k)| Line::styled(truncate(&l, w), style(s, k)))
            .collect();
        f.render_widget(Paragraph::new(lines), inner);
    };
    let head = preview_head(p, head_width(area.width), &s.tz);
    let people = crate::ui::share::preview_people(p);
    let h = area.height.saturating_sub(2) as usize;
    if area.width >= WIDE {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)])
                .areas(area);
        let top_l = scroll.min(head.len().saturating_sub(h));
        let top_r = scroll.min(people.saturating_sub(h));
        draw(
            f,
            left,
            " Preview ",
            head.into_iter().skip(top_l).take(h).collect(),
        );
        draw(
            f,
            right,
            " Who receives it, and who does not ",
            (top_r..(top_r + h).min(people))
                .map(|i| person_line(p, i))
                .collect(),
        );
    } else {
        let n = head.len();
        let lines: Vec<(String, Kind)> = (scroll..(scroll + h).min(n + people))
            .map(|i| {
                if i < n {
                    head[i].clone()
                } else {
                    person_line(p, i - n)
                }
            })
            .collect();
        draw(f, area, " Preview: nothing is sent yet ", lines);
    }
}
