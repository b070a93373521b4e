//! (being written) placeholder
use crate::core::model::ParsedMessage;
pub fn snippet(body: &str, max: usize) -> String {
    body.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(max)
        .collect()
}
pub fn parse_message(_raw: &[u8]) -> ParsedMessage {
    ParsedMessage::default()
}
