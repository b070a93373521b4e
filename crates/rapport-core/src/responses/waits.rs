//! Waits: how long a candidate waited for us. A wait starts at their oldest human message we
//! have not answered and stops at our next response: an outbound message (sent, not merely
//! queued) or a logged contact where we talked. It also stops, without a response, when a
//! recruiter marks it done (no reply needed) or the candidate opts out of all contact; reports
//! count those apart. Automated mail (auto-replies, bounces, lists) neither starts nor stops
//! one. The first wait of a candidate (from their first message) is their first response
//! time.

pub use crate::store::{EndKind, Inbound, Response, Wait};

/// All waits of one candidate, oldest first. Order of arrival does not matter: events are
/// taken by time (then id), so mail synced late lands where it belongs.
pub fn compute(inbound: &[Inbound], responses: &[Response]) -> Vec<Wait> {
    let mut ins = inbound.to_vec();
    ins.sort_by_key(|m| (m.at, m.message));
    let mut outs: Vec<&Response> = responses.iter().collect();
    // At the same second an answer comes before closing without one.
    let rank = |k: EndKind| match k {
        EndKind::Mail => 0,
        EndKind::Talked => 1,
        EndKind::Done => 2,
        EndKind::OptedOut => 3,
    };
    outs.sort_by_key(|r| (r.at, rank(r.kind), r.id));
    let mut waits: Vec<Wait> = Vec::new();
    let mut open: Option<Wait> = None;
    let mut o = outs.into_iter().peekable();
    for (n, m) in ins.iter().enumerate() {
        // Responses before this message close the open wait (the first one does) and are
        // otherwise answers to nothing we track.
        while let Some(r) = o.next_if(|r| r.at < m.at) {
            if let Some(mut w) = open.take() {
                w.end = Some(r.clone());
                waits.push(w);
            }
        }
        if open.is_none() {
            open = Some(Wait {
                start_message: m.message,
                started_at: m.at,
                first: n == 0,
                end: None,
            });
        }
    }
    // A response at the same second as the last message still answers it.
    if let Some(mut w) = open.take() {
        w.end = o.find(|r| r.at >= w.started_at).cloned();
        waits.push(w);
    }
    waits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn i(message: i64, at: i64) -> Inbound {
        Inbound { message, at }
    }
    fn mail(id: i64, at: i64, by: &str) -> Response {
        Response {
            at,
            kind: EndKind::Mail,
            id,
            by: Some(by.into()),
        }
    }

    #[test]
    fn a_reply_closes_the_wait_from_the_oldest_unanswered_message() {
        let w = compute(
            &[i(1, 100), i(2, 150), i(3, 400)],
            &[mail(10, 300, "alice")],
        );
        assert_eq!(w.len(), 2);
        assert_eq!((w[0].started_at, w[0].first), (100, true));
        assert_eq!(w[0].end.as_ref().unwrap().at, 300);
        assert_eq!(w[0].end.as_ref().unwrap().by.as_deref(), Some("alice"));
        assert_eq!(
            (w[1].started_at, w[1].first, &w[1].end),
            (400, false, &None)
        );
    }

    #[test]
    fn we_wrote_first_then_their_reply_starts_the_first_wait() {
        let w = compute(&[i(2, 200)], &[mail(1, 100, "bilal"), mail(3, 500, "chen")]);
        assert_eq!(w.len(), 1);
        assert!(w[0].first);
        assert_eq!(w[0].end.as_ref().unwrap().by.as_deref(), Some("chen"));
    }

    #[test]
    fn arrival_order_does_not_matter() {
        let a = compute(
            &[i(3, 400), i(1, 100)],
            &[mail(10, 300, "a"), mail(11, 500, "b")],
        );
        let b = compute(
            &[i(1, 100), i(3, 400)],
            &[mail(11, 500, "b"), mail(10, 300, "a")],
        );
        assert_eq!(a, b);
        assert_eq!(a.len(), 2);
    }

    #[test]
    fn a_response_in_the_same_second_answers() {
        let w = compute(&[i(1, 100)], &[mail(10, 100, "a")]);
        assert!(w[0].end.is_some());
    }

    #[test]
    fn done_closes_the_open_wait_and_the_next_message_opens_another() {
        let done = Response {
            at: 200,
            kind: EndKind::Done,
            id: 1,
            by: Some("Alice".into()),
        };
        let w = compute(&[i(1, 100), i(2, 300)], &[done]);
        assert_eq!(w.len(), 2);
        let end = w[0].end.as_ref().unwrap();
        assert_eq!((end.at, end.kind), (200, EndKind::Done));
        assert_eq!((w[1].started_at, &w[1].end), (300, &None));
    }

    #[test]
    fn an_answer_in_the_same_second_as_done_is_the_end() {
        let done = Response {
            at: 200,
            kind: EndKind::Done,
            id: 1,
            by: Some("Alice".into()),
        };
        let w = compute(&[i(1, 100)], &[done, mail(9, 200, "bob")]);
        assert_eq!(w[0].end.as_ref().unwrap().kind, EndKind::Mail);
    }

    #[test]
    fn no_inbound_no_waits() {
        assert!(compute(&[], &[mail(10, 100, "a")]).is_empty());
    }
}
