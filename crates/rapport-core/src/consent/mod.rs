//! Consent: opt-out detection, answers to the question mail, and the policy that enforces a candidate's wishes.

pub mod answers;
pub mod optout;
pub mod policy;
