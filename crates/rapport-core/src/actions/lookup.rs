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
