//! A candidate query (`core::query`) as SQL over `candidates c`: one condition per term, each
//! an indexed lookup by candidate (or one full-text search), with every value a parameter.
//! The query arrives parsed and bound (`query::Filter`); nothing here reads text.

use crate::query::{Assignee, Expr, Filter, Term, Waiting};
use rusqlite::types::Value;

/// Numbered parameters (`?1`, `?2`, …) collected while SQL is written.
pub(super) struct Params {
    pub(super) values: Vec<Value>,
}

impl Params {
    pub(super) fn new() -> Params {
        Params { values: Vec::new() }
    }

    /// Adds a value and returns its placeholder.
    pub(super) fn push(&mut self, v: impl Into<Value>) -> String {
        self.values.push(v.into());
        format!("?{}", self.values.len())
    }
}

/// The candidates a searched inbox query finds, in inbox order, kept for as long as nothing
/// changed: counting them, reading a page of them and finding one among them (what a search
/// keystroke and the moves after it ask) evaluate the query once, not once each.
pub(crate) struct Matches {
    /// The WHERE clause and its parameters.
    pub(super) query: (String, Vec<Value>),
    /// What the answer depends on besides the query: other connections' commits (`PRAGMA
    /// data_version`), this connection's own changes, and the second (snoozes end).
    pub(super) state: (i64, u64, i64),
    pub(super) ids: std::sync::Arc<Vec<i64>>,
}

/// The condition `f` puts on `candidates c`.
pub(super) fn condition(f: &Filter, p: &mut Params) -> String {
    expr(&f.query.expr, f, p)
}

fn expr(e: &Expr, f: &Filter, p: &mut Params) -> String {
    match e {
        Expr::And(v) => join(v, " AND ", f, p),
        Expr::Or(v) => join(v, " OR ", f, p),
        Expr::Not(e) => format!("NOT ({})", expr(e, f, p)),
        Expr::Term(t) => term(t, f, p),
    }
}

fn join(v: &[Expr], op: &str, f: &Filter, p: &mut Params) -> String {
    let parts: Vec<String> = v.iter().map(|e| format!("({})", expr(e, f, p))).collect();
    parts.join(op)
}

/// A LIKE pattern matching `text` anywhere (its own `%` and `_` are dropped, as the plain
/// search always did).
fn contains(text: &str) -> String {
    format!("%{}%", text.to_lowercase().replace(['%', '_'], ""))
}

/// A value compared whole, or as a glob when it holds `*` (any case, as ASCII).
fn matches(column: &str, value: &str, p: &mut Params) -> String {
    if value.contains('*') {
        format!("lower({column}) GLOB {}", p.push(value.to_lowercase()))
    } else {
        format!("{column} = {} COLLATE NOCASE", p.push(value.to_string()))
    }
}

/// Mail, name or address: the plain search's three places. A message's candidate is read
/// from the small index of v11 (the planner would read each hit's row of mail).
fn text(fts: String, like: String, p: &mut Params) -> String {
    let (fts, like) = (p.push(fts), p.push(like));
    format!(
        "c.id IN (SELECT m.candidate_id FROM messages_fts f
                  JOIN messages m INDEXED BY messages_id_candidate ON m.id = f.rowid
                  WHERE messages_fts MATCH {fts} AND m.candidate_id IS NOT NULL)
         OR lower(c.name) LIKE {like}
         OR c.id IN (SELECT candidate_id FROM candidate_addresses WHERE address LIKE {like})"
    )
}

fn yes_no(b: bool, cond: &str) -> String {
    if b {
        cond.to_string()
    } else {
        format!("NOT ({cond})")
    }
}

fn term(t: &Term, f: &Filter, p: &mut Params) -> String {
    match t {
        Term::Word(w) => {
            let fts = super::fts_query(w).unwrap_or_else(|| "\"\"".into());
            text(fts, contains(w), p)
        }
        Term::Phrase(ph) => {
            let words: Vec<String> = ph
                .split_whitespace()
                .map(|w| w.replace('"', ""))
                .filter(|w| !w.is_empty())
                .collect();
            text(format!("\"{}\"", words.join(" ")), contains(ph), p)
        }
        Term::Interest(tag) => format!(
            "EXISTS (SELECT 1 FROM interests i WHERE i.candidate_id = c.id AND {})",
            matches("i.tag", tag, p)
        ),
        Term::Channel(ch) => {
            // The wishes' rule (`consent::policy`): no channel at all, a list that leaves this
            // one out, an opt-out of everything or of this channel, or a request to stop that
            // nobody has recorded or dismissed yet refuses it.
            let listed = p.push(format!(",{},", ch.as_str()));
            let scope = p.push(format!("channel:{}", ch.as_str()));
            format!(
                "NOT EXISTS (SELECT 1 FROM preferences pr WHERE pr.candidate_id = c.id
                   AND (pr.no_channel = 1
                        OR (pr.channels <> '' AND instr(',' || pr.channels || ',', {listed}) = 0)))
                 AND NOT EXISTS (SELECT 1 FROM opt_outs o WHERE o.candidate_id = c.id
                   AND o.revoked_at IS NULL AND o.scope IN ('all', {scope}))
                 AND c.optout_request IS NULL"
            )
        }
        Term::Due(b) => {
            let now = p.push(f.now);
            yes_no(
                *b,
                &format!(
                    "c.next_contact IS NULL OR (c.next_contact > 0 AND c.next_contact <= {now})"
                ),
            )
        }
        Term::Assigned(Assignee::Nobody) => {
            "NOT EXISTS (SELECT 1 FROM assignments x WHERE x.candidate_id = c.id)".into()
        }
        Term::Assigned(Assignee::Me) => format!(
            "EXISTS (SELECT 1 FROM assignments x WHERE x.candidate_id = c.id AND x.assignee = {})",
            p.push(f.me.clone())
        ),
        Term::Assigned(Assignee::Named(n)) => {
            let whole = p.push(n.to_lowercase());
            let first = p.push(format!("{} %", n.to_lowercase().replace(['%', '_'], "")));
            format!(
                "EXISTS (SELECT 1 FROM assignments x WHERE x.candidate_id = c.id
                   AND (lower(x.assignee) = {whole} OR lower(x.assignee) LIKE {first}))"
            )
        }
        Term::Waiting(Waiting::Is(b)) => yes_no(*b, "c.waiting_since IS NOT NULL"),
        Term::Waiting(Waiting::Longer(s)) => format!(
            "c.waiting_since IS NOT NULL AND c.waiting_since < {}",
            p.push(f.now.saturating_sub(*s))
        ),
        Term::Waiting(Waiting::Shorter(s)) => format!(
            "c.waiting_since IS NOT NULL AND c.waiting_since > {}",
            p.push(f.now.saturating_sub(*s))
        ),
        Term::OverTarget => match f.over_target_since {
            Some(t) => format!(
                "c.waiting_since IS NOT NULL AND c.waiting_since <= {}",
                p.push(t)
            ),
            None => "0".into(),
        },
        Term::OptedOut(b) => yes_no(*b, "c.opted_out = 1"),
        Term::Lang(l) => {
            let cond = if l.contains('*') {
                matches("pr.language", l, p)
            } else {
                // "de" is German wherever: "de-AT" and "de_CH" too.
                let whole = p.push(l.to_lowercase());
                let code = l.to_lowercase().replace(['%', '_', '\\'], "");
                let region = p.push(format!("{code}\\_%"));
                format!(
                    "(lower(pr.language) = {whole} OR replace(lower(pr.language), '-', '_') LIKE {region} ESCAPE '\\')"
                )
            };
            format!("EXISTS (SELECT 1 FROM preferences pr WHERE pr.candidate_id = c.id AND {cond})")
        }
        Term::Tz(z) => format!(
            "EXISTS (SELECT 1 FROM preferences pr WHERE pr.candidate_id = c.id AND {})",
            matches("pr.timezone", z, p)
        ),
        // The inbox's own rule (`teamwork::SNOOZED`), judged at the filter's instant.
        Term::Snoozed(b) => {
            debug_assert!(super::teamwork::SNOOZED.contains("rapport_now()"));
            let now = p.push(f.now);
            yes_no(*b, &super::teamwork::SNOOZED.replace("rapport_now()", &now))
        }
    }
}
