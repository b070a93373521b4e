//! Width-aware text helpers: columns are display cells, so CJK names and emoji keep lists
//! aligned.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cuts `s` to at most `w` cells, ending with "…" when cut, and pads it to exactly `w`.
pub fn fit(s: &str, w: usize) -> String {
    let mut out = truncate(s, w);
    let pad = w.saturating_sub(width(&out));
    out.extend(std::iter::repeat_n(' ', pad));
    out
}

/// Cuts `s` to at most `w` cells, ending with "…" when cut.
pub fn truncate(s: &str, w: usize) -> String {
    if width(s) <= w {
        return s.to_string();
    }
    if w == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw > w - 1 {
            break;
        }
        out.push(c);
        used += cw;
    }
    out.push('…');
    out
}

/// Word-wraps one line of text to `w` cells; words longer than a line are split.
pub fn wrap(line: &str, w: usize) -> Vec<String> {
    let w = w.max(1);
    if width(line) <= w {
        return vec![line.to_string()];
    }
    let indent: String = line.chars().take_while(|c| *c == ' ').collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut cur_w = 0;
    for word in line.split(' ').filter(|w| !w.is_empty()) {
        let ww = width(word);
        let sep = usize::from(cur_w > 0);
        if cur_w + sep + ww <= w {
            if sep == 1 {
                cur.push(' ');
            }
            cur.push_str(word);
            cur_w += sep + ww;
            continue;
        }
        if cur_w > 0 {
            out.push(std::mem::take(&mut cur));
            cur_w = 0;
        }
        if ww <= w {
            cur.push_str(word);
            cur_w = ww;
        } else {
            for c in word.chars() {
                let cw = c.width().unwrap_or(0);
                if cur_w + cw > w {
                    out.push(std::mem::take(&mut cur));
                    cur_w = 0;
                }
                cur.push(c);
                cur_w += cw;
            }
        }
    }
    if !cur.is_empty() || out.is_empty() {
        out.push(cur);
    }
    if !indent.is_empty() && indent.len() < w / 2 {
        for l in out.iter_mut().skip(1) {
            l.insert_str(0, &indent);
        }
    }
    out
}

/// Word-wraps `s` to `w` cells, the lines after the first indented by `hang` spaces and
/// wrapped to fit with them (a value under its label, a reason under its heading); words
/// longer than a line are split. Never cuts: every word of `s` is on one of the lines.
pub fn wrap_hanging(s: &str, w: usize, hang: usize) -> Vec<String> {
    let w = w.max(1);
    let hang = if hang < w / 2 { hang } else { 0 };
    let lead: String = s.chars().take_while(|c| *c == ' ').collect();
    let mut out: Vec<String> = Vec::new();
    let mut cur = lead.clone();
    let mut cur_w = width(&lead);
    let room = |out: &Vec<String>| if out.is_empty() { w } else { w - hang };
    let new_line = |out: &mut Vec<String>, cur: &mut String, cur_w: &mut usize| {
        out.push(std::mem::take(cur));
        cur.extend(std::iter::repeat_n(' ', hang));
        *cur_w = 0;
    };
    for word in s.split(' ').filter(|w| !w.is_empty()) {
        let ww = width(word);
        let sep = usize::from(cur_w > width(&lead) || (!out.is_empty() && cur_w > 0));
        if cur_w + sep + ww <= room(&out) {
            if sep == 1 {
                cur.push(' ');
            }
            cur.push_str(word);
            cur_w += sep + ww;
            continue;
        }
        if cur_w > 0 && cur.trim() != "" {
            new_line(&mut out, &mut cur, &mut cur_w);
        }
        for c in word.chars() {
            let cw = c.width().unwrap_or(0);
            if cur_w + cw > room(&out) && cur_w > 0 {
                new_line(&mut out, &mut cur, &mut cur_w);
            }
            cur.push(c);
            cur_w += cw;
        }
    }
    if cur.trim() != "" || out.is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_counts_cells_not_chars() {
        assert_eq!(fit("李雷", 6), "李雷  ");
        assert_eq!(width(&fit("李雷李雷李雷", 7)), 7);
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("🎉 party", 10), "🎉 party  ");
    }

    #[test]
    fn wrap_breaks_on_words_and_splits_long_ones() {
        assert_eq!(wrap("hello world again", 11), vec!["hello world", "again"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 10), vec![""]);
    }

    #[test]
    fn hanging_lines_are_indented_and_still_fit() {
        assert_eq!(
            wrap_hanging("Waiting for our reply: 8d 15h (61h business)", 20, 2),
            vec!["Waiting for our", "  reply: 8d 15h (61h", "  business)"]
        );
        assert_eq!(wrap_hanging("short", 20, 2), vec!["short"]);
        assert_eq!(wrap_hanging("  by x: y", 20, 4), vec!["  by x: y"]);
        assert_eq!(wrap_hanging("abcdefgh", 4, 1), vec!["abcd", " efg", " h"]);
        for l in wrap_hanging(
            "a fairly long sentence with an overlong-word-here ok",
            12,
            3,
        ) {
            assert!(width(&l) <= 12, "{l:?}");
        }
    }
}
