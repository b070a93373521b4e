//! (being written) placeholder
pub fn sanitize_line(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}
pub fn sanitize_text(s: &str) -> String {
    s.chars()
        .filter(|c| *c == '\n' || !c.is_control())
        .collect()
}
