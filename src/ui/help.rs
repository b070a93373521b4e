//! The overlays that scroll: the help (keys from the keymap, the symbols' legend, the query
//! language, the Reports view's definitions) and an attachment read as text. Both are laid
//! out here for a width, so `update` knows how far they scroll (`max_scroll`) and `render`
//! draws the same lines; text wraps at word boundaries, never cut.

use crate::ui::action::{Bound, Context};
use crate::ui::reads::Reads;
use crate::ui::state::{Mode, State};
use crate::ui::text::{fit, width, wrap};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// Shown in the help overlay when it is opened from the Reports view (and in the README).
/// One paragraph a line; wrapped to the overlay's width.
pub const REPORT_DEFINITIONS: &str = "\
Wait: from the candidate's oldest message we have not answered to our next response: mail we sent (from rapport or any client filing to Sent) or a logged contact where we talked. Auto-replies, bounces and list mail neither start nor stop a wait; a voicemail does not stop one.
First response: the wait that starts at the candidate's first message.
Reply time: every wait we answered. Done (d, no reply needed) and an opt-out of all contact close a wait without a reply: counted apart.
Waiting now: open waits, by age, not snoozed.
Business hours: the team's working days and hours in its time zone, without holidays ([reports] in the config). Median and p90 are nearest rank. Credit goes to the recruiter who responded (who sent from rapport, or the Sender/From of mail from other clients; a call: who logged it).
Target: over it is marked !, near it (75%) ~. Weeks are ISO weeks of when the wait started.
Periods: this month and last month are calendar months in the team's time zone; the others count days back from now.";

/// Width of the keys column in the help.
const KEYS_W: usize = 22;

/// Where the help goes on a screen of `area`.
pub fn help_rect(area: Rect) -> Rect {
    let w = area.width.saturating_sub(8).min(76);
    let h = area.height.saturating_sub(4);
    Rect::new((area.width - w) / 2, 2, w, h)
}

/// Where an attachment's text goes.
pub fn preview_rect(area: Rect) -> Rect {
    let w = area.width.saturating_sub(4).min(100);
    let h = area.height.saturating_sub(2);
    Rect::new((area.width - w) / 2, 1, w, h)
}

/// Clears a popup's rectangle, and a wide character (CJK, emoji) just left of it whose second
/// half the popup's border would cover: a terminal would otherwise lose the border there.
pub fn clear_popup(f: &mut Frame, r: Rect) {
    f.render_widget(Clear, r);
    if r.x == 0 {
        return;
    }
    let buf = f.buffer_mut();
    for y in r.top()..r.bottom() {
        let cell = &mut buf[(r.x - 1, y)];
        if width(cell.symbol()) > 1 {
            cell.set_symbol(" ");
        }
    }
}

/// `text` wrapped to `w` cells, the first line after `first`, the others after as many
/// spaces: a hanging indent.
fn hanging(first: &str, text: &str, w: usize) -> Vec<String> {
    let indent = width(first);
    let pieces = wrap(text, w.saturating_sub(indent).max(8));
    pieces
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            if i == 0 {
                format!("{first}{p}")
            } else {
                format!("{}{p}", " ".repeat(indent))
            }
        })
        .collect()
}

/// Pushes `key`'s column and its description, wrapped under the description's column.
fn entry(out: &mut Vec<Line<'static>>, key_style: Style, keys: &str, text: &str, w: usize) {
    let k = fit(keys, KEYS_W);
    let room = w.saturating_sub(KEYS_W + 3).max(8);
    for (i, part) in wrap(text, room).into_iter().enumerate() {
        let head = if i == 0 {
            format!("  {k} ")
        } else {
            " ".repeat(KEYS_W + 3)
        };
        out.push(Line::from(vec![
            Span::styled(head, key_style),
            Span::raw(part),
        ]));
    }
}

/// The help's lines for an inside width of `w` cells.
pub fn help_lines<D: Reads>(s: &State<D>, w: usize) -> Vec<Line<'static>> {
    let t = &s.theme;
    let mut lines = Vec::new();
    let para = |lines: &mut Vec<Line<'static>>, first: &str, text: &str| {
        for l in hanging(first, text, w) {
            lines.push(Line::raw(l));
        }
    };
    if s.reports.is_some() {
        lines.push(Line::styled("Response times: definitions", t.heading()));
        for l in REPORT_DEFINITIONS.lines() {
            para(&mut lines, "  ", l);
        }
        lines.push(Line::raw(""));
    }
    for l in wrap(
        "Keys (from keymap.toml; override in ~/.config/rapport/keymap.toml)",
        w,
    ) {
        lines.push(Line::styled(l, t.dim()));
    }
    lines.push(Line::raw(""));
    for (ctx, actions) in s.keymap.help() {
        lines.push(Line::styled(format!("[{}]", ctx.name()), t.heading()));
        for (b, keys) in actions {
            entry(&mut lines, t.key(), &keys.join(", "), b.description(), w);
        }
        lines.push(Line::raw(""));
    }
    let k = |ctx: Context, b: Bound| {
        s.keymap
            .keys_for(ctx, b)
            .first()
            .cloned()
            .unwrap_or_else(|| b.name().to_string())
    };
    lines.push(Line::styled("Inbox symbols", t.heading()));
    let inbox: Vec<(&str, String)> = vec![
        (
            "←",
            "they wrote last and wait for us (time waited on the right)".into(),
        ),
        (
            "→",
            "we answered; date of the last activity on the right".into(),
        ),
        (
            "◷",
            "not to be contacted yet: from the date on the right (\"if asked\": only when they write; \"never\")".into(),
        ),
        (
            "⚠",
            format!(
                "they asked us to stop: {} records the opt-out, {} dismisses it (writing waits until then)",
                k(Context::Inbox, Bound::AcceptOptOut),
                k(Context::Inbox, Bound::DismissOptOut)
            ),
        ),
        ("⊘", "opted out: no mail will be sent".into()),
        (
            "⊗",
            "erased on request earlier: do not re-add without their consent".into(),
        ),
        ("z", "snoozed: out of awaiting reply until the date".into()),
        ("⏰", "back from a snooze and still waiting for us".into()),
        (
            "*",
            format!(
                "marked ({}, or {} for the whole list): {}, {}, {} and {} act on all",
                k(Context::Inbox, Bound::Mark),
                k(Context::Inbox, Bound::MarkAll),
                k(Context::Inbox, Bound::Assign),
                k(Context::Inbox, Bound::Snooze),
                k(Context::Inbox, Bound::Done),
                k(Context::Inbox, Bound::Note)
            ),
        ),
        (
            "✎ ◉",
            "before the text: a colleague is replying (✎) or has them open (◉)".into(),
        ),
        (
            "! ~",
            "before the wait on the right: over the response-time target (!), near it (~, 75%)"
                .into(),
        ),
    ];
    for (sym, text) in &inbox {
        let pad = 4usize.saturating_sub(width(sym));
        para(&mut lines, &format!("  {sym}{} ", " ".repeat(pad)), text);
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Conversation symbols", t.heading()));
    let conv: Vec<(&str, String)> = vec![
        ("◀", "from the candidate".into()),
        ("▶", "from us (indented), with its delivery state".into()),
        ("── #2", "a new thread and its subject".into()),
        ("◆", "a logged call, meeting or message".into()),
        ("✓", "done, no reply needed".into()),
        ("✎", "an internal note (never sent)".into()),
        (
            "📎",
            format!(
                "an attachment: {} saves, {} opens, {} reads it as text",
                k(Context::Conversation, Bound::SaveAttachment),
                k(Context::Conversation, Bound::OpenAttachment),
                k(Context::Conversation, Bound::PreviewAttachment)
            ),
        ),
        (
            "[…]",
            format!(
                "quoted lines folded: {} shows or folds them",
                k(Context::Conversation, Bound::ToggleQuotes)
            ),
        ),
        (
            "»",
            format!(
                "a line matching the search: {} goes to the next one",
                k(Context::Conversation, Bound::NextMatch)
            ),
        ),
    ];
    for (sym, text) in &conv {
        let pad = 6usize.saturating_sub(width(sym));
        para(&mut lines, &format!("  {sym}{} ", " ".repeat(pad)), text);
    }
    lines.push(Line::raw(""));
    for (i, l) in crate::ui::search::HELP.lines().enumerate() {
        if i == 0 {
            lines.push(Line::styled(l.to_string(), t.heading()));
        } else {
            para(&mut lines, "  ", l);
        }
    }
    let views = crate::ui::search::help_lines(s);
    if !views.is_empty() {
        lines.push(Line::raw(""));
        for l in wrap(
            "Saved views ([views] in the config; bind keys as \"view:NAME\")",
            w,
        ) {
            lines.push(Line::styled(l, t.heading()));
        }
        for (keys, text) in views {
            entry(
                &mut lines,
                t.key(),
                if keys.is_empty() { "-" } else { &keys },
                &text,
                w,
            );
        }
    }
    lines
}

/// An attachment's text wrapped to `w` cells.
fn preview_lines(lines: &[String], w: usize) -> Vec<Line<'static>> {
    lines
        .iter()
        .flat_map(|l| wrap(l, w.max(1)))
        .map(Line::raw)
        .collect()
}

/// How far the open overlay scrolls on this screen: its last line at the bottom.
pub fn max_scroll<D: Reads>(s: &State<D>) -> u16 {
    let area = Rect::new(0, 0, s.width, s.height);
    let (r, n) = match &s.mode {
        Mode::Help { .. } => {
            let r = help_rect(area);
            (r, help_lines(s, r.width.saturating_sub(2) as usize).len())
        }
        Mode::Preview { lines, .. } => {
            let r = preview_rect(area);
            (
                r,
                preview_lines(lines, r.width.saturating_sub(2) as usize).len(),
            )
        }
        _ => return 0,
    };
    n.saturating_sub(r.height.saturating_sub(2) as usize)
        .min(u16::MAX as usize) as u16
}

fn overlay<D: Reads>(
    s: &State<D>,
    f: &mut Frame,
    r: Rect,
    title: String,
    lines: Vec<Line<'static>>,
    scroll: u16,
) {
    clear_popup(f, r);
    let inner_h = r.height.saturating_sub(2) as usize;
    let max = lines.len().saturating_sub(inner_h) as u16;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(s.theme.border(true))
        .title(Span::styled(title, s.theme.title()));
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((scroll.min(max), 0)),
        r,
    );
}

pub fn render_help<D: Reads>(s: &State<D>, f: &mut Frame, area: Rect, scroll: u16) {
    let r = help_rect(area);
    let lines = help_lines(s, r.width.saturating_sub(2) as usize);
    overlay(s, f, r, " Help · esc closes ".into(), lines, scroll);
}

/// An attachment read as text, over the panes (wrapped, scrolled like help).
pub fn render_preview<D: Reads>(
    s: &State<D>,
    f: &mut Frame,
    area: Rect,
    title: &str,
    lines: &[String],
    scroll: u16,
) {
    let r = preview_rect(area);
    let inner_w = r.width.saturating_sub(2) as usize;
    let head = crate::ui::text::truncate(&format!(" {title} · text only · esc closes "), inner_w);
    overlay(s, f, r, head, preview_lines(lines, inner_w), scroll);
}
