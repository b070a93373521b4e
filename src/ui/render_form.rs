//! Drawing a form or confirmation as a centred dialog.

use crate::ui::form::{FieldKind, Form};
use crate::ui::reads::Reads;
use crate::ui::state::State;
use crate::ui::text::{truncate, width};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

const LABEL: usize = 12;

pub fn render<D: Reads>(s: &State<D>, f: &mut Frame, area: Rect, form: &Form) {
    let t = &s.theme;
    let w = area.width.saturating_sub(4).min(76);
    let inner_w = w.saturating_sub(2) as usize;
    // Wrapped, not cut: a warning must be readable whole at 80 columns.
    let mut lines: Vec<Line> = form
        .intro
        .iter()
        .flat_map(|l| crate::ui::text::wrap(l, inner_w))
        .map(|l| Line::styled(l, t.dim()))
        .collect();
    if !form.intro.is_empty() {
        lines.push(Line::raw(""));
    }
    for (i, field) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let label = Span::styled(
            format!("{:<LABEL$}", truncate(&field.label, LABEL - 1)),
            if focused { t.key() } else { t.dim() },
        );
        let mut spans = vec![Span::raw(if focused { "▸ " } else { "  " }), label];
        match &field.kind {
            // The snippet picker lists every snippet, and previews the one chosen.
            FieldKind::Choice { options, selected }
                if matches!(
                    form.purpose,
                    crate::ui::form::Purpose::PickTemplate { .. }
                        | crate::ui::form::Purpose::SharePick { .. }
                ) =>
            {
                lines.push(Line::from(spans));
                picker(
                    s,
                    &mut lines,
                    form,
                    options,
                    *selected,
                    inner_w,
                    area.height,
                );
                continue;
            }
            // The attachment chooser lists them all, the chosen one marked.
            FieldKind::Choice { options, selected }
                if matches!(
                    form.purpose,
                    crate::ui::form::Purpose::PickAttachment { .. }
                ) =>
            {
                for (i, o) in options.iter().enumerate() {
                    let mark = if i == *selected { "▸ " } else { "  " };
                    let line = format!("  {mark}{}", truncate(o, inner_w.saturating_sub(4)));
                    lines.push(if i == *selected {
                        Line::styled(line, t.selected())
                    } else {
                        Line::raw(line)
                    });
                }
                continue;
            }
            FieldKind::Choice { options, selected } => {
                let v = options.get(*selected).cloned().unwrap_or_default();
                let room = inner_w.saturating_sub(LABEL + 6);
                let text = format!("‹ {} ›", truncate(&v, room));
                spans.push(Span::styled(
                    text,
                    if focused { t.selected() } else { t.heading() },
                ));
            }
            FieldKind::Multi {
                options,
                checked,
                cursor,
            } => {
                for (j, (o, c)) in options.iter().zip(checked).enumerate() {
                    let mark = if *c { "[x]" } else { "[ ]" };
                    let style = if focused && j == *cursor {
                        t.selected()
                    } else {
                        t.heading()
                    };
                    spans.push(Span::styled(format!("{mark} {o}"), style));
                    spans.push(Span::raw(" "));
                }
            }
            FieldKind::Text { value, hint } => {
                let room = inner_w.saturating_sub(LABEL + 3);
                if value.is_empty() && !focused {
                    spans.push(Span::styled(truncate(hint, room), t.dim()));
                } else {
                    // Show the end of long text, where the cursor is.
                    let mut shown = value.clone();
                    while width(&shown) + 1 > room && !shown.is_empty() {
                        shown.remove(0);
                    }
                    spans.push(Span::styled(shown, t.heading()));
                    if focused {
                        spans.push(Span::styled("▏", t.key()));
                        if value.is_empty() && !hint.is_empty() {
                            spans.push(Span::styled(
                                format!(" {}", truncate(hint, room.saturating_sub(2))),
                                t.dim(),
                            ));
                        }
                    }
                }
            }
        }
        lines.push(Line::from(spans));
    }
    if let Some(e) = &form.error {
        lines.push(Line::raw(""));
        lines.extend(
            crate::ui::text::wrap(&format!("✗ {e}"), inner_w)
                .into_iter()
                .map(|l| Line::styled(l, t.danger())),
        );
    }
    lines.push(Line::raw(""));
    let k = |b| {
        s.keymap
            .keys_for(crate::ui::action::Context::Form, b)
            .first()
            .cloned()
            .unwrap_or_default()
    };
    use crate::ui::action::Bound;
    let keys = match &form.purpose {
        crate::ui::form::Purpose::ShareCancel { .. } => format!(
            "y or {} cancels the share · n or {} keeps it going",
            k(Bound::Submit),
            k(Bound::Cancel)
        ),
        crate::ui::form::Purpose::ShareConfirm { .. } => format!(
            "{} creates it if the number is right · {} goes back: nothing is created",
            k(Bound::Submit),
            k(Bound::Cancel)
        ),
        crate::ui::form::Purpose::SharePick { .. } => format!(
            "{}/{} choose · {} goes on to subject, audience and pace · {} cancel",
            k(Bound::PrevField),
            k(Bound::NextField),
            k(Bound::Submit),
            k(Bound::Cancel)
        ),
        crate::ui::form::Purpose::ShareSpec { .. } => format!(
            "{} next field · {} previews it (nothing is sent yet) · {} cancel",
            k(Bound::NextField),
            k(Bound::Submit),
            k(Bound::Cancel)
        ),
        crate::ui::form::Purpose::PickAttachment { wanted, .. } => {
            use crate::ui::attachments::Wanted;
            // The arrows when they are bound: a list reads up and down.
            let prefer = |b, name: &str| {
                let keys = s.keymap.keys_for(crate::ui::action::Context::Form, b);
                if keys.iter().any(|k| k == name) {
                    name.to_string()
                } else {
                    k(b)
                }
            };
            format!(
                "{}/{} choose · {} {} · {} cancel",
                prefer(Bound::NextField, "down"),
                prefer(Bound::PrevField, "up"),
                k(Bound::Submit),
                match wanted {
                    Wanted::Save => "saves",
                    Wanted::Open => "opens",
                    Wanted::Preview => "reads",
                },
                k(Bound::Cancel)
            )
        }
        _ => format!(
            "{} next field · {}/{} choose · {} tick · {} save · {} cancel",
            k(Bound::NextField),
            k(Bound::PrevOption),
            k(Bound::NextOption),
            k(Bound::Toggle),
            k(Bound::Submit),
            k(Bound::Cancel)
        ),
    };
    lines.extend(
        crate::ui::text::wrap(&keys, inner_w)
            .into_iter()
            .map(|l| Line::styled(l, t.dim())),
    );
    let h = (lines.len() as u16 + 2).min(area.height.saturating_sub(2));
    let r = Rect::new(
        (area.width.saturating_sub(w)) / 2,
        (area.height.saturating_sub(h)) / 2,
        w,
        h,
    );
    crate::ui::help::clear_popup(f, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border(true))
        .title(Span::styled(
            format!(" {} ", truncate(&form.title, inner_w.saturating_sub(2))),
            t.title(),
        ));
    f.render_widget(Paragraph::new(lines).block(block), r);
}

/// The snippet picker: every snippet on a line (the chosen one marked), then the first lines
/// of the chosen one's text, wrapped.
fn picker<D: Reads>(
    s: &State<D>,
    lines: &mut Vec<Line<'static>>,
    form: &Form,
    options: &[String],
    selected: usize,
    inner_w: usize,
    height: u16,
) {
    let t = &s.theme;
    // Room for the list and the preview on this screen (borders, intro, keys line).
    let room = (height as usize)
        .saturating_sub(form.intro.len() * 2 + 10)
        .max(6);
    let list_room = (room / 2).max(3).min(options.len());
    let top = selected.saturating_sub(list_room.saturating_sub(1));
    for (i, o) in options.iter().enumerate().skip(top).take(list_room) {
        let mark = if i == selected { "▸ " } else { "  " };
        let line = format!("    {mark}{}", truncate(o, inner_w.saturating_sub(6)));
        lines.push(if i == selected {
            Line::styled(line, t.selected())
        } else {
            Line::raw(line)
        });
    }
    // The reply picker's first option is "(no snippet)"; the share picker has none.
    let (names, first) = match &form.purpose {
        crate::ui::form::Purpose::PickTemplate { names, .. } => (names, 1),
        crate::ui::form::Purpose::SharePick { names } => (names, 0),
        _ => return,
    };
    if options.len() > list_room {
        lines.push(Line::styled(
            format!("    ({} snippets)", names.len()),
            t.dim(),
        ));
    }
    let body = selected
        .checked_sub(first)
        .and_then(|j| names.get(j))
        .and_then(|n| s.templates.iter().find(|t| &t.name == n))
        .map(|t| t.body.as_str());
    lines.push(Line::raw(""));
    let Some(body) = body else {
        lines.push(Line::styled("  An empty message.", t.dim()));
        return;
    };
    let preview: Vec<String> = body
        .lines()
        .flat_map(|l| {
            crate::ui::text::wrap(
                &rapport_core::sanitize::sanitize_line(l),
                inner_w.saturating_sub(4),
            )
        })
        .collect();
    let shown = room.saturating_sub(list_room + 2).max(3);
    for l in preview.iter().take(shown) {
        lines.push(Line::styled(format!("  │ {l}"), t.dim()));
    }
    if preview.len() > shown {
        lines.push(Line::styled(
            format!("  │ … {} more", preview.len() - shown),
            t.dim(),
        ));
    }
}
