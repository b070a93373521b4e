//! What the search index reads of a message body: its own words, without the lines it quotes
//! ("> ..."). Replies carry the whole conversation quoted below them (three quarters of the
//! text in a realistic mailbox), and the quoted messages are in the mailbox themselves:
//! indexing them again made every search return the whole thread and cost most of a first
//! sync's indexing. Unquoted history (Outlook's "-----Original Message-----") stays in.

/// The body without quoted lines; the whole body when nothing else would be left (a forward
/// quoted in full), so no message loses its words to search.
pub fn searchable_text(body: &str) -> String {
    let mut out = String::with_capacity(body.len() / 2);
    for line in body.lines() {
        if line.trim_start().starts_with('>') {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    if out.chars().any(char::is_alphanumeric) {
        out
    } else {
        body.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::searchable_text;

    #[test]
    fn quoted_lines_are_left_out_and_interleaved_answers_kept() {
        let body = "Yes, Tuesday works.\n\nOn Mon, Ana wrote:\n> Could we talk?\n>> older\n  > indented quote\nAnd bring the CV.\n";
        assert_eq!(
            searchable_text(body),
            "Yes, Tuesday works.\n\nOn Mon, Ana wrote:\nAnd bring the CV.\n"
        );
    }

    #[test]
    fn a_message_that_is_all_quote_keeps_its_words() {
        let body = "> forwarded: the role in Lisbon\n> pays well\n";
        assert_eq!(searchable_text(body), body);
        assert_eq!(searchable_text(""), "");
    }
}
