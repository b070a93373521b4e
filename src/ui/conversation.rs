//! Lays a conversation out as lines for a given width: emails (inbound and outbound marked
//! apart by symbol, colour and indent), thread headings, logged contacts between them.

use crate::ui::text::{truncate, width, wrap};
use crate::ui::theme::Theme;
use jiff::tz::TimeZone;
use rapport_core::responses::timeline::{TimelineItem, timeline};
use rapport_core::store::Conversation;
use rapport_core::timefmt::long_date;
use rapport_core::values::{OutboxState, SentCopyState};
use rapport_core::{model::Direction, store::MessageView};
use ratatui::text::{Line, Span};

/// Quoted blocks longer than this collapse to one line.
const QUOTE_KEEP: usize = 3;
/// Outbound mail is indented, like the right side of a chat.
const OUT_INDENT: &str = "    ";

/// How a conversation is laid out, besides its width: folded or shown quotes, and the words
/// a search looks for (their lines are marked "»").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shape {
    pub show_quotes: bool,
    /// Lower-cased words and phrases.
    pub terms: Vec<String>,
}

/// A conversation laid out: its lines, the line of each message's header, and the lines
/// matching the search with their message.
#[derive(Debug, Default)]
pub struct Laid {
    pub lines: Vec<Line<'static>>,
    pub anchors: Vec<(usize, i64)>,
    pub matches: Vec<(usize, i64)>,
}

pub fn lines(conv: &Conversation, w: usize, theme: &Theme, tz: &TimeZone) -> Vec<Line<'static>> {
    lay_out(conv, w, theme, tz, &Shape::default()).lines
}

/// The lines, and the line of each message's header (to know which message is selected).
pub fn lines_with_anchors(
    conv: &Conversation,
    w: usize,
    theme: &Theme,
    tz: &TimeZone,
) -> (Vec<Line<'static>>, Vec<(usize, i64)>) {
    let l = lay_out(conv, w, theme, tz, &Shape::default());
    (l.lines, l.anchors)
}

pub fn lay_out(conv: &Conversation, w: usize, theme: &Theme, tz: &TimeZone, shape: &Shape) -> Laid {
    let mut matches = Vec::new();
    let mut anchors = Vec::new();
    let w = w.max(20);
    let mut out: Vec<Line<'static>> = Vec::new();
    if conv.older_omitted > 0 {
        out.push(Line::styled(
            format!("… {} older messages not shown", conv.older_omitted),
            theme.dim(),
        ));
    }
    if conv.messages.is_empty() && conv.contacts.is_empty() {
        out.push(Line::styled("No messages yet.", theme.dim()));
    }
    for item in timeline(conv) {
        match item {
            TimelineItem::Message {
                msg,
                thread_no,
                thread_starts,
            } => {
                if thread_starts {
                    let subject = rapport_core::store::base_subject(&msg.subject);
                    let head = format!(
                        "── #{thread_no} {} ",
                        truncate(&subject, w.saturating_sub(10))
                    );
                    let fill = "─".repeat(w.saturating_sub(width(&head)));
                    out.push(Line::styled(format!("{head}{fill}"), theme.dim()));
                }
                anchors.push((out.len(), msg.id));
                message(&mut out, &mut matches, msg, w, theme, tz, shape);
            }
            TimelineItem::Contact(c) => {
                let e = &c.entry;
                let arrow = if e.direction == Direction::Outbound {
                    "→"
                } else {
                    "←"
                };
                let head = format!(
                    "◆ {} {} · {} · {} · {}",
                    e.channel.as_str(),
                    arrow,
                    e.outcome.as_str(),
                    e.recorded_by,
                    long_date(e.at, tz)
                );
                out.push(Line::styled(truncate(&head, w), theme.contact()));
                for l in e.note.lines() {
                    for piece in wrap(&format!("  {l}"), w) {
                        out.push(Line::raw(piece));
                    }
                }
                out.push(Line::raw(""));
            }
            TimelineItem::Done(d) => {
                let head = format!(
                    "✓ done, no reply needed · {} · {}",
                    d.actor,
                    long_date(d.at, tz)
                );
                out.push(Line::styled(truncate(&head, w), theme.contact()));
                for l in d.note.lines() {
                    for piece in wrap(&format!("  {l}"), w) {
                        out.push(Line::raw(piece));
                    }
                }
                out.push(Line::raw(""));
            }
            TimelineItem::Note(n) => {
                let head = format!(
                    "✎ note · {} · {} (internal, never sent)",
                    n.author,
                    long_date(n.at, tz)
                );
                out.push(Line::styled(truncate(&head, w), theme.warn()));
                for l in n.text.lines() {
                    for piece in wrap(&format!("  {l}"), w) {
                        out.push(Line::raw(piece));
                    }
                }
                out.push(Line::raw(""));
            }
        }
    }
    Laid {
        lines: out,
        anchors,
        matches,
    }
}

/// "queued", "sent", "failed: reason" … for mail written in rapport.
fn delivery_text(d: &rapport_core::store::Delivery, tz: &TimeZone) -> String {
    let err = d.last_error.as_deref().unwrap_or("");
    match d.state {
        OutboxState::Queued if d.attempts > 0 => {
            let at = d
                .next_attempt_at
                .map(|t| rapport_core::timefmt::long_date(t, tz))
                .unwrap_or_default();
            format!("[failed: {err} · retry {at}]")
        }
        OutboxState::Queued => "[queued]".into(),
        OutboxState::Sending => "[sending…]".into(),
        OutboxState::Sent if d.sent_copy_state == SentCopyState::Pending => {
            "[sent · Sent copy pending]".into()
        }
        OutboxState::Sent => "[sent]".into(),
        OutboxState::Failed => format!("[failed: {err}]"),
        OutboxState::Unknown => format!(
            "[may have been sent at {}: the server did not confirm it twice; `rapport outbox retry` sends it again, `mark-sent` records it as sent]",
            d.data_at
                .map(|t| rapport_core::timefmt::long_date(t, tz))
                .unwrap_or_default()
        ),
        OutboxState::Cancelled => format!("[not sent: {err}]"),
    }
}

/// Whether `line` holds one of the (lower-cased) search terms.
fn matches_terms(line: &str, terms: &[String]) -> bool {
    if terms.is_empty() {
        return false;
    }
    let l = line.to_lowercase();
    terms.iter().any(|t| l.contains(t.as_str()))
}

fn message(
    out: &mut Vec<Line<'static>>,
    matches: &mut Vec<(usize, i64)>,
    m: &MessageView,
    w: usize,
    theme: &Theme,
    tz: &TimeZone,
    shape: &Shape,
) {
    let outbound = m.direction == Direction::Outbound;
    let indent = if outbound { OUT_INDENT } else { "" };
    let (mark, style) = if outbound {
        ("▶", theme.outbound())
    } else {
        ("◀", theme.inbound())
    };
    let who = if m.from_name.is_empty() {
        m.from_addr.clone()
    } else {
        m.from_name.clone()
    };
    let date = long_date(m.date, tz);
    let auto = if m.automated {
        " [auto]".to_string()
    } else {
        String::new()
    };
    let status = m
        .delivery
        .as_ref()
        .map(|d| format!(" {}", delivery_text(d, tz)))
        .unwrap_or_default();
    let left = format!("{indent}{mark} {who}{auto}{status}");
    let room = w.saturating_sub(width(&date) + 1);
    let left = truncate(&left, room);
    let pad = " ".repeat(w.saturating_sub(width(&left) + width(&date)));
    out.push(Line::from(vec![
        Span::styled(left, style),
        Span::raw(pad),
        Span::styled(date, theme.dim()),
    ]));
    let to = if outbound {
        format!("{indent}  to {}", m.to)
    } else {
        format!("  <{}>", m.from_addr)
    };
    out.push(Line::styled(truncate(&to, w), theme.dim()));
    let body_w = w.saturating_sub(indent.len() + 2);
    let terms = &shape.terms;
    // A line of the body, wrapped; one holding a searched word is marked "»".
    let text =
        |out: &mut Vec<Line<'static>>, matches: &mut Vec<(usize, i64)>, l: &str, quoted: bool| {
            let hit = matches_terms(l, terms);
            if hit {
                matches.push((out.len(), m.id));
            }
            for (i, piece) in wrap(l, body_w).into_iter().enumerate() {
                let lead = if hit && i == 0 { "» " } else { "  " };
                let line = format!("{indent}{lead}{piece}");
                out.push(match (hit, quoted) {
                    (true, _) => Line::styled(line, theme.key()),
                    (false, true) => Line::styled(line, theme.dim()),
                    (false, false) => Line::raw(line),
                });
            }
        };
    let mut quoted: Vec<&str> = Vec::new();
    let flush =
        |out: &mut Vec<Line<'static>>, matches: &mut Vec<(usize, i64)>, quoted: &mut Vec<&str>| {
            if quoted.len() > QUOTE_KEEP && !shape.show_quotes {
                let hits = quoted.iter().filter(|q| matches_terms(q, terms)).count();
                let found = match hits {
                    0 => String::new(),
                    n => format!(", {n} matching the search"),
                };
                if hits > 0 {
                    matches.push((out.len(), m.id));
                }
                out.push(Line::styled(
                    format!("{indent}  [… {} quoted lines{found}]", quoted.len()),
                    theme.dim(),
                ));
            } else {
                for q in quoted.iter() {
                    text(out, matches, q, true);
                }
            }
            quoted.clear();
        };
    let body = m.body.trim_end();
    let mut lines = body.lines();
    for l in lines.by_ref() {
        // A signature collapses to one line ("-- " lost its space to sanitizing).
        if l == "--" || l == "-- " {
            break;
        }
        if l.starts_with('>') {
            quoted.push(l);
            continue;
        }
        flush(out, matches, &mut quoted);
        text(out, matches, l, false);
    }
    flush(out, matches, &mut quoted);
    let signature: Vec<&str> = lines.map(str::trim).filter(|l| !l.is_empty()).collect();
    if !signature.is_empty() {
        out.push(Line::styled(
            truncate(&format!("{indent}  -- {}", signature.join(" · ")), w),
            theme.dim(),
        ));
    }
    for a in &m.attachments {
        out.push(Line::styled(
            truncate(
                &format!("{indent}  📎 {} ({}, {})", a.name, a.mime, size(a.size)),
                w,
            ),
            theme.dim(),
        ));
    }
    out.push(Line::raw(""));
}

/// A size as people read it: "830 B", "120 KB", "4.8 MB".
pub fn size(b: u64) -> String {
    if b < 1024 {
        format!("{b} B")
    } else if b < 1024 * 1024 {
        format!("{} KB", b / 1024)
    } else {
        format!("{:.1} MB", b as f64 / 1_048_576.0)
    }
}
