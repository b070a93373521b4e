//! Finding the candidate an address belongs to, with the reason when there is none: an
//! address erased on request says so, with the date, instead of "no candidate".

use crate::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    #[error(
        "{address} was erased on request on {date}; rapport keeps nothing about them and sends them nothing"
    )]
    Erased { address: String, date: String },
    #[error("no candidate has the address {0}")]
    Unknown(String),
    #[error("no candidate has the name or address {0:?}")]
    UnknownName(String),
    /// A name several candidates answer to: each of them, to pick one by address.
    #[error("{name:?} could be {} candidates; give one of their addresses: {}", candidates.len(), list(candidates))]
    Ambiguous {
        name: String,
        candidates: Vec<Match>,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The candidate behind `address`.
pub fn candidate(store: &Store, address: &str) -> Result<i64, LookupError> {
    if let Some(c) = store.candidate_by_address(address)? {
        return Ok(c);
    }
    let address = address.trim().to_lowercase();
    match store.suppressed_since(&address)? {
        Some(at) => Err(LookupError::Erased {
            address,
            date: crate::timefmt::rfc3339(at).chars().take(10).collect(),
        }),
        None => Err(LookupError::Unknown(address)),
    }
}

/// A candidate a name could mean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub id: i64,
    pub name: String,
    /// Their first address.
    pub address: String,
}

fn list(m: &[Match]) -> String {
    m.iter()
        .map(|m| format!("{} <{}>", m.name, m.address))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The candidate behind an address or a name (`rapport show`, `rapport search --candidate`).
/// A name is matched whole first, any case ("hannah smith"), then as a part of one
/// ("hannah"); when it fits several candidates the error lists them.
pub fn candidate_by_name_or_address(store: &Store, who: &str) -> Result<i64, LookupError> {
    if let Some(c) = store.candidate_by_address(who)? {
        return Ok(c);
    }
    if who.contains('@') {
        return candidate(store, who);
    }
    let fold = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let needle = fold(who);
    if needle.is_empty() {
        return Err(LookupError::UnknownName(who.to_string()));
    }
    let all = store.candidate_names()?;
    let pick = |keep: &dyn Fn(&str) -> bool| -> Vec<Match> {
        all.iter()
            .filter(|(_, name, _)| keep(&fold(name)))
            .map(|(id, name, address)| Match {
                id: *id,
                name: name.clone(),
                address: address.clone(),
            })
            .collect()
    };
    let mut found = pick(&|n| n == needle);
    if found.is_empty() {
        found = pick(&|n| n.contains(&needle));
    }
    match found.len() {
        0 => Err(LookupError::UnknownName(who.trim().to_string())),
        1 => Ok(found[0].id),
        _ => Err(LookupError::Ambiguous {
            name: who.trim().to_string(),
            candidates: found,
        }),
    }
}

/// A candidate's own (inbound) message given by its Message-ID: the evidence that they said
/// something themselves.
pub fn their_message(store: &Store, candidate: i64, message_id: &str) -> crate::error::Result<i64> {
    use crate::error::Error;
    use crate::model::Direction;
    match store.message_by_message_id(message_id)? {
        Some((id, Some(c), Direction::Inbound)) if c == candidate => Ok(id),
        Some(_) => Err(Error::Invalid(format!(
            "message {message_id} is not an inbound message from this candidate"
        ))),
        None => Err(Error::NotFound(format!(
            "no message has the Message-ID {message_id}"
        ))),
    }
}
