//! What is read from a message's text before it is stored: the inbox snippet, the text the
//! search index reads, and a candidate's request to stop contact. Computed here, once, so the
//! store only writes values (and a sync can do it off the writer's thread).

use crate::model::ParsedMessage;
use crate::store::{AnswerRead, Prepared, StopRequest};
use std::collections::HashSet;

impl Prepared {
    /// `team`: the team's addresses; mail from them is ours, never a request to stop.
    pub fn of(p: &ParsedMessage, team: &HashSet<String>) -> Prepared {
        let inbound = !p.from.as_ref().is_some_and(|m| team.contains(&m.address));
        Prepared {
            snippet: crate::mail_in::parse::snippet(&p.body, 160),
            search_text: crate::mail_in::parse::searchable_text(&p.body),
            optout: if inbound { stop_request(p) } else { None },
            unsubscribe_token: if inbound {
                unsubscribe_token(p, team)
            } else {
                None
            },
            answer: if inbound { answer(p) } else { None },
        }
    }
}

/// The request to stop in an inbound message, with the scope it asks for.
fn stop_request(p: &ParsedMessage) -> Option<StopRequest> {
    let found = crate::consent::optout::detect(&p.subject, &p.body, p.automated)?;
    Some(StopRequest {
        scope: found.opt_out_scope(),
        evidence: found.evidence,
    })
}

/// A reply read as an answer to the question mail: only a reply (or a message quoting the
/// questions) is read, and only one that proposes something.
fn answer(p: &ParsedMessage) -> Option<AnswerRead> {
    if p.automated {
        return None;
    }
    let quotes = crate::consent::answers::quotes_questions(&p.body);
    if !quotes && p.in_reply_to.is_empty() && p.references.is_empty() {
        return None;
    }
    let proposal = crate::consent::answers::read(&p.body);
    (!proposal.is_empty()).then_some(AnswerRead {
        proposal,
        quotes_questions: quotes,
    })
}

/// The token of a mail sent to the unsubscribe address: in To or Cc, or (Bcc, a forward) in
/// the address the server delivered it to.
fn unsubscribe_token(p: &ParsedMessage, team: &HashSet<String>) -> Option<String> {
    let delivered = p
        .headers
        .iter()
        .filter(|(k, _)| {
            k.eq_ignore_ascii_case("Delivered-To") || k.eq_ignore_ascii_case("X-Original-To")
        })
        .map(|(_, v)| v.as_str());
    let addressed = p.to.iter().chain(&p.cc).map(|m| m.address.as_str());
    crate::web::unsubscribe::token_in(addressed.chain(delivered), team)
}
