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
}
