//! `rapport report` and `rapport waiting`: response times for team leads, as a table, CSV or
//! JSON. CSV and JSON carry the same fields (README, "Response times").

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use rapport_core::responses::report::{self, Clock, Level, Period, Report, Row};
use rapport_core::store::Store;
use rapport_core::timefmt::{duration, hours, parse_duration, parse_since, parse_until, rfc3339};
use serde_json::{Value, json};
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum By {
    Recruiter,
    Week,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClockArg {
    Business,
    Calendar,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Start of the period: a duration back from now ("30d", "12w"), a date, "this-month",
    /// "last-month" (calendar months in the team's time zone) or "all"
    #[arg(long, default_value = "30d")]
    pub since: String,
    /// End of the period (a date includes that day) [default: now]
    #[arg(long)]
    pub until: Option<String>,
    #[arg(long, value_enum, default_value_t = By::Recruiter)]
    pub by: By,
    /// Count business hours of the team's schedule or calendar time [default: the target's
    /// clock, `[reports] target_clock`, business unless set: as the Reports view]
    #[arg(long, value_enum, conflicts_with = "business_hours")]
    pub clock: Option<ClockArg>,
    /// The same as --clock business
    #[arg(long)]
    pub business_hours: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Args, Debug)]
pub struct WaitingArgs {
    /// Only candidates waiting at least this long ("24h", "2d"), counted like the target
    #[arg(long)]
    pub over: Option<String>,
    #[arg(long)]
    pub json: bool,
}

/// The columns of CSV and the keys of each JSON object, in order.
pub const FIELDS: [&str; 12] = [
    "group",
    "clock",
    "period_start",
    "period_end",
    "first_response_count",
    "first_response_median_secs",
    "first_response_p90_secs",
    "reply_count",
    "reply_median_secs",
    "reply_p90_secs",
    "closed_done_count",
    "closed_opted_out_count",
];

fn fields(r: &Report, row: &Row) -> Vec<Value> {
    let opt = |v: Option<i64>| v.map(Value::from).unwrap_or(Value::Null);
    vec![
        row.group.clone().into(),
        r.clock.as_str().into(),
        rfc3339(r.since).into(),
        rfc3339(r.until).into(),
        row.first_response.count.into(),
        opt(row.first_response.median),
        opt(row.first_response.p90),
        row.reply.count.into(),
        opt(row.reply.median),
        opt(row.reply.p90),
        row.closed_done.into(),
        row.closed_opted_out.into(),
    ]
}

/// Sanitized and padded to `width` terminal columns (wide characters count double).
fn pad(s: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let s = rapport_core::sanitize::sanitize_line(s);
    let w = s.width();
    if w >= width {
        s
    } else {
        format!("{s}{}", " ".repeat(width - w))
    }
}

fn csv_cell(v: &Value) -> String {
    let s = match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

pub fn report(
    store: &Store,
    cfg: Option<&rapport_core::config::Config>,
    a: ReportArgs,
) -> anyhow::Result<ExitCode> {
    let (schedule, target) = report::settings(cfg, store);
    let now = rapport_core::store::now();
    let month = |back| report::Period::month(&schedule.tz, now, back);
    let since = match a.since.trim() {
        "all" => None,
        "this-month" => month(0).since,
        "last-month" => month(1).since,
        s => Some(
            parse_since(s, &schedule.tz, now)
                .map_err(anyhow::Error::msg)
                .context("--since")?,
        ),
    };
    let until = match &a.until {
        None if a.since.trim() == "last-month" => month(1).until,
        Some(u) => parse_until(u, &schedule.tz, now)
            .map_err(anyhow::Error::msg)
            .context("--until")?,
        None => now,
    };
    if since.is_some_and(|s| s >= until) {
        anyhow::bail!("--since must be before --until");
    }
    // The Reports view's clock: the target's unless asked otherwise.
    let clock = match (a.clock, a.business_hours) {
        (Some(ClockArg::Calendar), _) => Clock::Calendar,
        (Some(ClockArg::Business), _) | (None, true) => Clock::Business,
        (None, false) => target.clock,
    };
    let r = report::from_store(store, &schedule, target, clock, Period { since, until })?;
    let mut rows: Vec<&Row> = match a.by {
        By::Recruiter => r.by_recruiter.iter().collect(),
        By::Week => r.by_week.iter().collect(),
    };
    rows.push(&r.total);
    match a.format {
        Format::Json => {
            let v: Vec<Value> = rows
                .iter()
                .map(|row| {
                    Value::Object(
                        FIELDS
                            .iter()
                            .map(|k| k.to_string())
                            .zip(fields(&r, row))
                            .collect(),
                    )
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&v)?);
        }
        Format::Csv => {
            println!("{}", FIELDS.join(","));
            for row in rows {
                let cells: Vec<String> = fields(&r, row).iter().map(csv_cell).collect();
                println!("{}", cells.join(","));
            }
        }
        Format::Table => print_table(&r, &rows, a.by, target),
    }
    Ok(ExitCode::SUCCESS)
}

fn print_table(r: &Report, rows: &[&Row], by: By, target: report::Target) {
    let fmt = match r.clock {
        Clock::Calendar => duration,
        Clock::Business => hours,
    };
    let d = |v: Option<i64>| v.map(fmt).unwrap_or_else(|| "-".into());
    println!(
        "Response times, {} to {} ({} time)",
        rfc3339(r.since),
        rfc3339(r.until),
        r.clock.as_str()
    );
    let head = match by {
        By::Recruiter => "recruiter",
        By::Week => "week",
    };
    println!(
        "{head:<24} {:>6} {:>9} {:>9}   {:>6} {:>9} {:>9}   {:>5}",
        "first", "median", "p90", "reply", "median", "p90", "done"
    );
    for row in rows {
        println!(
            "{} {:>6} {:>9} {:>9}   {:>6} {:>9} {:>9}   {:>5}",
            pad(&row.group, 24),
            row.first_response.count,
            d(row.first_response.median),
            d(row.first_response.p90),
            row.reply.count,
            d(row.reply.median),
            d(row.reply.p90),
            row.closed_done
        );
    }
    println!(
        "closed without a reply: {} as done (no reply needed), {} by an opt-out of all contact",
        r.total.closed_done, r.total.closed_opted_out
    );
    let dist: Vec<String> = report::BUCKETS
        .iter()
        .zip(r.distribution)
        .map(|((label, _), n)| format!("{label}: {n}"))
        .collect();
    println!("reply times: {}", dist.join("  "));
    let over = r.waiting.iter().filter(|w| w.level == Level::Over).count();
    let near = r.waiting.iter().filter(|w| w.level == Level::Near).count();
    println!(
        "waiting now: {} ({over} over the target of {}, {near} near it)",
        r.waiting.len(),
        target.describe()
    );
}

pub fn waiting(
    store: &Store,
    cfg: Option<&rapport_core::config::Config>,
    a: WaitingArgs,
) -> anyhow::Result<ExitCode> {
    let (schedule, target) = report::settings(cfg, store);
    let over = match &a.over {
        Some(s) => Some(parse_duration(s).with_context(|| {
            format!("--over {s:?} is not a duration like \"24h\", \"2d\" or \"90m\"")
        })?),
        None => None,
    };
    let now = rapport_core::store::now();
    let r = report::from_store(
        store,
        &schedule,
        target,
        target.clock,
        Period {
            since: Some(now),
            until: now,
        },
    )?;
    let counted = |w: &report::Waiting| match target.clock {
        Clock::Business => w.business_secs,
        Clock::Calendar => w.calendar_secs,
    };
    let list: Vec<&report::Waiting> = r
        .waiting
        .iter()
        .filter(|w| over.is_none_or(|o| counted(w) >= o))
        .collect();
    if a.json {
        let v: Vec<Value> = list
            .iter()
            .map(|w| {
                json!({
                    "candidate": w.name,
                    "address": w.address,
                    "waiting_since": rfc3339(w.since),
                    "waited_secs": w.calendar_secs,
                    "business_secs": w.business_secs,
                    "level": w.level,
                    "target_secs": target.secs,
                    "target_clock": target.clock.as_str(),
                    "assigned_to": w.assigned_to,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(ExitCode::SUCCESS);
    }
    if list.is_empty() {
        println!(
            "nobody is waiting{}",
            if over.is_some() { " that long" } else { "" }
        );
    }
    for w in list {
        let mark = match w.level {
            Level::Over => "! over",
            Level::Near => "~ near",
            Level::Ok => "",
        };
        println!(
            "{:>8} {:>10}  {} {} {mark}",
            duration(w.calendar_secs),
            format!("{}b", hours(w.business_secs)),
            pad(&w.name, 28),
            pad(&w.address, 40),
        );
    }
    Ok(ExitCode::SUCCESS)
}
