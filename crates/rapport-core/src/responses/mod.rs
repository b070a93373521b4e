//! Responses: waits, business hours, timelines and response-time reports.

pub mod hours;
pub mod report;
pub mod timeline;
pub mod waits;
