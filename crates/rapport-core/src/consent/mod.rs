//! Consent: opt-out detection and the policy that enforces a candidate's wishes.

pub mod optout;
pub mod policy;
