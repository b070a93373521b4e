//! Evaluates `core::optout::detect` on the labelled sets in `tests/fixtures/optout/`.
//!
//! `eval.tsv` is the development set; `holdout.tsv` (every 4th message of the original
//! collection, split off before the detector was written) is only looked at for the final
//! numbers. Both are printed: confusion matrix, precision and recall overall and per language,
//! and every misclassified row. The assertion is on the union of both sets.
//!
//! `fresh.tsv` was written after the detector was frozen, with phrasings chosen not to match
//! the rules' examples, as an out-of-sample check (the holdout was split off before the
//! detector existed, but the rule author had read all of it). Its first run scored precision
//! 0.893 / recall 0.806; the gaps it showed were fixed afterwards, so it is no longer
//! out-of-sample. It is reported, not asserted. See `fixtures/optout/README.md`.
//!
//! Run with `cargo test --test optout_eval -- --nocapture` to see the report.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rapport_core::consent::optout::{OptOutRequest, Scope, detect};

const EVAL: &str = include_str!("fixtures/optout/eval.tsv");
const HOLDOUT: &str = include_str!("fixtures/optout/holdout.tsv");
const FRESH: &str = include_str!("fixtures/optout/fresh.tsv");

#[derive(Debug)]
struct Row {
    line: usize,
    label: bool,
    automated: bool,
    lang: String,
    /// Expected scope for positives: "all", "phone", "topic"; "-" for negatives.
    scope: String,
    subject: String,
    body: String,
}

/// Undoes the TSV escaping: `\n`, `\t` and `\\`.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('\\') => out.push('\\'),
            Some(other) => panic!("unknown escape \\{other} in {s:?}"),
            None => panic!("dangling backslash in {s:?}"),
        }
    }
    out
}

fn parse(name: &str, text: &str) -> Vec<Row> {
    let mut lines = text.lines().enumerate();
    let (_, header) = lines.next().expect("header");
    let cols: Vec<&str> = header.split('\t').collect();
    let col = |n: &str| {
        cols.iter()
            .position(|c| *c == n)
            .unwrap_or_else(|| panic!("{name}: no column {n}"))
    };
    let (label, automated, lang, scope, subject, body) = (
        col("label"),
        col("automated"),
        col("lang"),
        col("scope"),
        col("subject"),
        col("body"),
    );
    let mut rows = Vec::new();
    for (i, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), cols.len(), "{name}:{}: wrong column count", i + 1);
        let flag = |v: &str| match v {
            "0" => false,
            "1" => true,
            _ => panic!("{name}:{}: bad flag {v:?}", i + 1),
        };
        rows.push(Row {
            line: i + 1,
            label: flag(f[label]),
            automated: flag(f[automated]),
            lang: f[lang].to_owned(),
            scope: f[scope].to_owned(),
            subject: unescape(f[subject]),
            body: unescape(f[body]),
        });
    }
    rows
}

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    tn: usize,
    fn_: usize,
}

impl Counts {
    fn add(&mut self, label: bool, predicted: bool) {
        match (label, predicted) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (false, false) => self.tn += 1,
            (true, false) => self.fn_ += 1,
        }
    }
    fn merge(&mut self, o: Counts) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.tn += o.tn;
        self.fn_ += o.fn_;
    }
    fn precision(&self) -> Option<f64> {
        let d = self.tp + self.fp;
        (d > 0).then(|| self.tp as f64 / d as f64)
    }
    fn recall(&self) -> Option<f64> {
        let d = self.tp + self.fn_;
        (d > 0).then(|| self.tp as f64 / d as f64)
    }
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "  n/a".to_owned(), |v| format!("{:5.3}", v))
}

fn scope_kind(s: &Option<Scope>) -> &'static str {
    match s {
        None => "all",
        Some(Scope::Channel("phone")) => "phone",
        Some(Scope::Channel(_)) => "channel",
        Some(Scope::Topic(_)) => "topic",
    }
}

fn snippet(s: &str, n: usize) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c == '\n' { '⏎' } else { c })
        .take(n)
        .collect();
    if s.chars().count() > n {
        format!("{flat}…")
    } else {
        flat
    }
}

/// Runs one set; returns its overall counts and writes the report.
fn run(name: &str, rows: &[Row], out: &mut String) -> Counts {
    let mut all = Counts::default();
    let mut by_lang: BTreeMap<&str, Counts> = BTreeMap::new();
    let mut wrong = Vec::new();
    let mut notes = Vec::new();
    for r in rows {
        let got: Option<OptOutRequest> = detect(&r.subject, &r.body, r.automated);
        all.add(r.label, got.is_some());
        by_lang
            .entry(&r.lang)
            .or_default()
            .add(r.label, got.is_some());
        if r.label != got.is_some() {
            wrong.push((r, got));
            continue;
        }
        if let Some(g) = &got {
            if g.language != r.lang {
                notes.push(format!(
                    "  line {:3} [{}] language detected as {:?}",
                    r.line, r.lang, g.language
                ));
            }
            if scope_kind(&g.scope) != r.scope {
                notes.push(format!(
                    "  line {:3} [{}] scope {:?}, expected {}",
                    r.line, r.lang, g.scope, r.scope
                ));
            }
            assert!(
                !g.evidence.is_empty() && g.evidence.chars().count() <= 121,
                "line {}: bad evidence {:?}",
                r.line,
                g.evidence
            );
        }
    }
    let pos = rows.iter().filter(|r| r.label).count();
    let auto = rows.iter().filter(|r| r.automated).count();
    writeln!(
        out,
        "\n=== {name}: {} messages ({pos} positive, {} negative, {auto} automated)",
        rows.len(),
        rows.len() - pos
    )
    .unwrap();
    writeln!(out, "                 predicted stop   predicted not").unwrap();
    writeln!(out, "  asks to stop   {:14}   {:13}", all.tp, all.fn_).unwrap();
    writeln!(out, "  does not       {:14}   {:13}", all.fp, all.tn).unwrap();
    writeln!(
        out,
        "  overall  precision {}  recall {}",
        pct(all.precision()),
        pct(all.recall())
    )
    .unwrap();
    for (lang, c) in &by_lang {
        writeln!(
            out,
            "  {lang:7}  precision {}  recall {}   (tp {} fp {} tn {} fn {})",
            pct(c.precision()),
            pct(c.recall()),
            c.tp,
            c.fp,
            c.tn,
            c.fn_
        )
        .unwrap();
    }
    if wrong.is_empty() {
        writeln!(out, "  no misclassified rows").unwrap();
    } else {
        writeln!(out, "  misclassified:").unwrap();
    }
    for (r, got) in &wrong {
        let what = if r.label {
            "MISSED".to_owned()
        } else {
            format!(
                "FALSE ALARM on {:?}",
                got.as_ref().map(|g| g.evidence.as_str()).unwrap_or("")
            )
        };
        writeln!(
            out,
            "  line {:3} [{}] {what}\n           {} | {}",
            r.line,
            r.lang,
            snippet(&r.subject, 50),
            snippet(&r.body, 140)
        )
        .unwrap();
    }
    if !notes.is_empty() {
        writeln!(
            out,
            "  correct detections with a different language or scope:"
        )
        .unwrap();
        for n in &notes {
            writeln!(out, "{n}").unwrap();
        }
    }
    all
}

#[test]
fn optout_precision_and_recall() {
    let eval = parse("eval.tsv", EVAL);
    let holdout = parse("holdout.tsv", HOLDOUT);
    assert!(eval.len() + holdout.len() >= 200);

    let mut report = String::new();
    let e = run("eval.tsv", &eval, &mut report);
    let h = run("holdout.tsv", &holdout, &mut report);
    let mut u = e;
    u.merge(h);
    writeln!(
        report,
        "\n=== union: precision {}  recall {}  (tp {} fp {} tn {} fn {})",
        pct(u.precision()),
        pct(u.recall()),
        u.tp,
        u.fp,
        u.tn,
        u.fn_
    )
    .unwrap();

    let fresh = parse("fresh.tsv", FRESH);
    run("fresh.tsv (reported only)", &fresh, &mut report);

    // Rough cost per message (unoptimised in debug builds; see the release bench note).
    let all: Vec<&Row> = eval.iter().chain(&holdout).collect();
    let rounds = 20;
    let start = std::time::Instant::now();
    let mut hits = 0usize;
    for _ in 0..rounds {
        for r in &all {
            hits += usize::from(detect(&r.subject, &r.body, r.automated).is_some());
        }
    }
    let per = start.elapsed() / (rounds * all.len()) as u32;
    writeln!(
        report,
        "=== {:?} per message ({} hits over {rounds} rounds)",
        per, hits
    )
    .unwrap();
    println!("{report}");

    let (p, r) = (u.precision().unwrap_or(0.0), u.recall().unwrap_or(0.0));
    assert!(r >= 0.95, "recall {r:.3} < 0.95 on eval ∪ holdout");
    assert!(p >= 0.90, "precision {p:.3} < 0.90 on eval ∪ holdout");
}

#[test]
fn automated_messages_are_never_opt_outs() {
    for r in parse("eval.tsv", EVAL)
        .iter()
        .chain(&parse("holdout.tsv", HOLDOUT))
    {
        if r.automated {
            assert_eq!(detect(&r.subject, &r.body, true), None, "line {}", r.line);
        }
    }
}
