//! Draws the Reports view: the response-time table (per recruiter and per week), the
//! distribution of reply times, the weekly trend of the median, and who is over or near the
//! target. Reads state only.

use crate::ui::reads::Reads;
use crate::ui::reports::ReportsView;
use crate::ui::state::State;
use crate::ui::text::{fit, truncate, width};
use rapport_core::responses::report::{BUCKETS, Clock, Level, Report, Row};
use rapport_core::timefmt::{duration, hours, short_date};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Axis, Bar, BarChart, BarGroup, Block, Chart, Dataset, GraphType, Paragraph,
};

/// From this width the per-recruiter and per-week tables both show, beside the charts.
const WIDE: u16 = 120;

pub fn render<D: Reads>(s: &State<D>, v: &ReportsView, f: &mut Frame, area: Rect) {
    let [title, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    title_bar(s, v, f, title);
    crate::ui::render::status_bar(s, f, status);
    let Some(r) = &v.report else {
        f.render_widget(Paragraph::new("No report yet.").style(s.theme.dim()), body);
        return;
    };
    if area.width >= WIDE {
        let sla_h = (body.height / 3).max(6);
        let [top, sla] =
            Layout::vertical([Constraint::Min(0), Constraint::Length(sla_h)]).areas(body);
        let [tables, charts] =
            Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(top);
        let rec_h = (r.by_recruiter.len() as u16 + 4).min(tables.height / 2);
        let [rec, weeks] =
            Layout::vertical([Constraint::Length(rec_h), Constraint::Min(0)]).areas(tables);
        table(s, r, &r.by_recruiter, "per recruiter", f, rec);
        table(s, r, &r.by_week, "per week", f, weeks);
        let [dist, trend_r] =
            Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(charts);
        distribution(s, r, f, dist);
        trend(s, r, f, trend_r);
        sla_list(s, v, f, sla);
    } else {
        let rows = if v.by_week {
            &r.by_week
        } else {
            &r.by_recruiter
        };
        let table_h = (rows.len() as u16 + 4).clamp(5, 9);
        let [t, charts, sla] = Layout::vertical([
            Constraint::Length(table_h),
            Constraint::Length(7),
            Constraint::Min(3),
        ])
        .areas(body);
        let label = if v.by_week {
            "per week"
        } else {
            "per recruiter"
        };
        table(s, r, rows, label, f, t);
        let [dist, trend_r] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(charts);
        distribution(s, r, f, dist);
        trend(s, r, f, trend_r);
        sla_list(s, v, f, sla);
    }
}

fn block<'a, D: Reads>(s: &State<D>, title: String) -> Block<'a> {
    crate::ui::render::pane(s, title, false)
}

/// A duration in the report's clock: business time in hours, calendar time in days.
fn dur(clock: Clock, secs: Option<i64>) -> String {
    match (clock, secs) {
        (_, None) => "-".into(),
        (Clock::Business, Some(t)) => hours(t),
        (Clock::Calendar, Some(t)) => duration(t),
    }
}

fn title_bar<D: Reads>(s: &State<D>, v: &ReportsView, f: &mut Frame, r: Rect) {
    let clock = match v.clock {
        Clock::Business => "business hours",
        Clock::Calendar => "calendar time",
    };
    let text = format!(
        "· Reports · {} · {clock} · target {} ",
        v.period.label(),
        s.target.describe()
    );
    let line = Line::from(vec![
        Span::styled(" rapport ", s.theme.title()),
        Span::raw(truncate(&text, (r.width as usize).saturating_sub(9))),
    ]);
    f.render_widget(Paragraph::new(line), r);
}

fn table<D: Reads>(s: &State<D>, r: &Report, rows: &[Row], label: &str, f: &mut Frame, area: Rect) {
    // Waits closed without a reply are not replies: counted apart, in the title.
    let mut closed = format!("· {} closed as done ", r.total.closed_done);
    if r.total.closed_opted_out > 0 {
        closed.push_str(&format!("· {} by opt-out ", r.total.closed_opted_out));
    }
    f.render_widget(block(s, format!(" Response times {label} {closed}")), area);
    let inner = crate::ui::layout::Panes::inner(area);
    let w = inner.width as usize;
    // Six numbers of up to 8 columns each; the group name gets the rest.
    let num = 8;
    let group_w = w.saturating_sub(6 * (num + 1) + 2).clamp(8, 24);
    let cell = |t: String| format!(" {t:>num$}");
    let head = Line::styled(
        format!(
            "{}{}{}{}  {}{}{}",
            fit("", group_w),
            cell("first".into()),
            cell("median".into()),
            cell("p90".into()),
            cell("replies".into()),
            cell("median".into()),
            cell("p90".into())
        ),
        s.theme.dim(),
    );
    let line = |row: &Row| {
        format!(
            "{}{}{}{}  {}{}{}",
            fit(&row.group, group_w),
            cell(row.first_response.count.to_string()),
            cell(dur(r.clock, row.first_response.median)),
            cell(dur(r.clock, row.first_response.p90)),
            cell(row.reply.count.to_string()),
            cell(dur(r.clock, row.reply.median)),
            cell(dur(r.clock, row.reply.p90))
        )
    };
    let room = (inner.height as usize).saturating_sub(2);
    // The latest weeks matter most: when they do not all fit, the oldest are left out.
    let shown = &rows[rows.len().saturating_sub(room)..];
    let mut lines = vec![head];
    lines.extend(shown.iter().map(|row| Line::raw(line(row))));
    lines.push(Line::styled(line(&r.total), s.theme.heading()));
    f.render_widget(Paragraph::new(lines), inner);
}

fn distribution<D: Reads>(s: &State<D>, r: &Report, f: &mut Frame, area: Rect) {
    let inner_w = area.width.saturating_sub(2);
    let bar_w = (inner_w.saturating_sub(5) / 6).clamp(3, 9);
    let bars: Vec<Bar> = BUCKETS
        .iter()
        .zip(r.distribution)
        .map(|((label, _), n)| {
            Bar::default()
                .value(n as u64)
                .label(Line::from(*label))
                .style(s.theme.inbound())
                .value_style(s.theme.title())
        })
        .collect();
    let chart = BarChart::default()
        .block(block(s, " Reply times ".into()))
        .data(BarGroup::default().bars(&bars))
        .bar_width(bar_w)
        .bar_gap(1);
    f.render_widget(chart, area);
}

fn trend<D: Reads>(s: &State<D>, r: &Report, f: &mut Frame, area: Rect) {
    let points: Vec<(f64, f64)> = r
        .by_week
        .iter()
        .enumerate()
        .filter_map(|(i, w)| w.reply.median.map(|m| (i as f64, m as f64 / 3600.0)))
        .collect();
    let max = points.iter().map(|p| p.1).fold(1.0, f64::max).ceil();
    let n = r.by_week.len().max(2) as f64 - 1.0;
    let first = r
        .by_week
        .first()
        .map(|w| w.group.clone())
        .unwrap_or_default();
    let last = r
        .by_week
        .last()
        .map(|w| w.group.clone())
        .unwrap_or_default();
    let data = [Dataset::default()
        .marker(Marker::Braille)
        .graph_type(GraphType::Line)
        .style(s.theme.warn())
        .data(&points)];
    let chart = Chart::new(data.to_vec())
        .block(block(s, " Weekly median reply (h) ".into()))
        .x_axis(
            Axis::default()
                .bounds([0.0, n])
                .labels([Line::from(first), Line::from(last)])
                .style(s.theme.dim()),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, max])
                .labels([Line::from("0"), Line::from(format!("{max:.0}"))])
                .style(s.theme.dim()),
        );
    f.render_widget(chart, area);
}

fn sla_list<D: Reads>(s: &State<D>, v: &ReportsView, f: &mut Frame, area: Rect) {
    let r = v.report.as_ref();
    let over = v.sla.iter().filter(|w| w.level == Level::Over).count();
    let near = v.sla.len() - over;
    let waiting = r.map(|r| r.waiting.len()).unwrap_or(0);
    let title = format!(
        " Waiting now: {waiting} · {over} over target · {near} near · candidate, assigned to "
    );
    f.render_widget(block(s, title), area);
    let inner = crate::ui::layout::Panes::inner(area);
    if v.sla.is_empty() {
        f.render_widget(
            Paragraph::new("Nobody is over or near the target.").style(s.theme.dim()),
            inner,
        );
        return;
    }
    let h = inner.height as usize;
    let top = v.selected.saturating_sub(h.saturating_sub(1));
    let w = inner.width as usize;
    let name_w = (w / 4).clamp(10, 28);
    // Whose they are: the assignee column is as wide as its longest name (at most 16).
    let who_w = v
        .sla
        .iter()
        .map(|wt| wt.assigned_to.as_deref().map_or(1, width))
        .max()
        .unwrap_or(1)
        .clamp(8, 16);
    let lines: Vec<Line> = v
        .sla
        .iter()
        .enumerate()
        .skip(top)
        .take(h)
        .map(|(i, wt)| {
            let (mark, style) = match wt.level {
                Level::Over => ("! ", s.theme.danger()),
                _ => ("~ ", s.theme.warn()),
            };
            let waited = match s.target.clock {
                Clock::Business => format!("{:>7} bus.", hours(wt.business_secs)),
                Clock::Calendar => format!("{:>7}", duration(wt.calendar_secs)),
            };
            let rest = format!(
                " {} {} since {}",
                fit(&wt.name, name_w),
                fit(wt.assigned_to.as_deref().unwrap_or("-"), who_w),
                short_date(wt.since, s.now, &s.tz)
            );
            let addr_w = w.saturating_sub(2 + width(&waited) + width(&rest) + 2);
            let mut spans = vec![
                Span::styled(mark, style),
                Span::styled(waited, style),
                Span::raw(rest),
            ];
            if addr_w > 6 {
                spans.push(Span::styled(
                    format!("  {}", truncate(&wt.address, addr_w)),
                    s.theme.dim(),
                ));
            }
            let line = Line::from(spans);
            if i == v.selected {
                line.style(s.theme.selected())
            } else {
                line
            }
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}
