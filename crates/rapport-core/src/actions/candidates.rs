//! Finding candidates by a query (`core::query`): the query bound to who asks and when, so
//! `assigned:me` and `over:target` mean the same in the inbox, on the command line and in a
//! saved view.

use crate::query::{Filter, Query, QueryError};
use crate::responses::hours::Schedule;
use crate::responses::report::Target;
use crate::store::{InboxFilter, InboxQuery, InboxRow, Result, Store};

/// `query` as `me` runs it at `now`, against the team's target.
pub fn filter(query: Query, me: &str, schedule: &Schedule, target: Target, now: i64) -> Filter {
    let over_target_since = if query.mentions_over_target() {
        target.over_since(schedule, now)
    } else {
        None
    };
    Filter {
        query,
        me: me.to_string(),
        now,
        over_target_since,
    }
}

/// The query typed in `text` (`None` when blank), bound as [`filter`] does.
pub fn parse(
    text: &str,
    me: &str,
    schedule: &Schedule,
    target: Target,
    now: i64,
) -> std::result::Result<Option<Filter>, QueryError> {
    Ok(Query::parse_optional(text)?.map(|q| filter(q, me, schedule, target, now)))
}

/// Every candidate `search` finds in `view`, in inbox order.
pub fn matching(store: &Store, view: InboxFilter, search: Option<Filter>) -> Result<Vec<InboxRow>> {
    let q = InboxQuery {
        keep: None,
        filter: view,
        search,
        assignee: Default::default(),
    };
    let n = store.inbox_count(&q)?;
    store.inbox_page(&q, 0, n)
}
