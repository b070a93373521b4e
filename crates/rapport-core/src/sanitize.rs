//! Making untrusted text safe to draw on a terminal.
//!
//! Everything a candidate wrote (subjects, names, bodies) ends up on the user's terminal, so it
//! must not be able to move the cursor, change colours, set the window title, write to the
//! clipboard (OSC 52), smuggle hyperlinks (OSC 8), switch character sets, or reorder what is
//! shown with bidi overrides ("Trojan Source"). This module removes:
//!
//! - whole escape sequences, not only the ESC byte: CSI (`ESC [` … final byte), OSC
//!   (`ESC ]` … BEL or ST), DCS / SOS / PM / APC (`ESC P`, `ESC X`, `ESC ^`, `ESC _` … ST),
//!   other `ESC` sequences (`ESC` + intermediates 0x20–0x2F + one final 0x30–0x7E), and the
//!   8-bit C1 forms (U+009B CSI, U+009D OSC, U+0090 DCS, U+0098 SOS, U+009E PM, U+009F APC).
//!   An unterminated string sequence (OSC, DCS, …) swallows everything up to the end of the
//!   input, or up to the next ESC, which starts a new sequence as it would in a terminal;
//! - every other C0 control (U+0000–U+001F except `\n`, and `\r` / `\t`, which are converted),
//!   DEL and the C1 controls (U+0080–U+009F);
//! - bidi controls and other invisible format characters (see [`is_invisible`]).
//!
//! [`sanitize_text`] keeps line structure (for bodies); [`sanitize_line`] flattens to one line
//! (subjects, names, addresses). Both have a fast path for clean printable ASCII.

/// Sanitizes multi-line text (a message body) for display.
///
/// Keeps `\n`, turns `\r\n` and lone `\r` (and U+2028 / U+2029) into `\n`, expands `\t` to the
/// next multiple of 4 columns, removes escape sequences, controls and invisible format
/// characters, strips trailing whitespace on every line and collapses runs of more than two
/// blank lines into two.
pub fn sanitize_text(s: &str) -> String {
    if is_clean_text(s) {
        return s.to_owned();
    }
    let mut out = TextSink {
        out: String::with_capacity(s.len()),
        line_start: 0,
        col: 0,
        blank_run: 0,
    };
    scan(s, |tok| out.push(tok));
    out.finish()
}

/// Sanitizes a single-line field (subject, display name, address) for display.
///
/// Same removals as [`sanitize_text`], but every line break, tab or other whitespace run becomes
/// a single space, and the result is trimmed.
pub fn sanitize_line(s: &str) -> String {
    if is_clean_line(s) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    scan(s, |tok| match tok {
        Tok::Newline | Tok::Tab => pending_space = true,
        Tok::Char(c) if c.is_whitespace() => pending_space = true,
        Tok::Char(c) => {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        }
    });
    out
}

/// True for invisible format characters that are removed: bidi embeddings, overrides and
/// isolates (U+202A–U+202E, U+2066–U+2069), directional marks (U+200E, U+200F, U+061C),
/// zero-width characters (U+200B–U+200D, U+2060–U+2064, U+FEFF), the soft hyphen, the
/// Mongolian vowel separator, interlinear annotation controls (U+FFF9–U+FFFB), deprecated
/// format characters (U+206A–U+206F), tag characters (U+E0000–U+E007F), and the Hangul
/// fillers (U+115F, U+1160, U+3164, U+FFA0): blank characters terminals draw at widths that
/// disagree with their declared one, so a name made of them shifts the conversation's border
/// (and makes a sender look nameless).
pub fn is_invisible(c: char) -> bool {
    // Most text is below the first of them: answer that with one comparison.
    if (c as u32) < 0xAD {
        return false;
    }
    matches!(
        c,
        '\u{00AD}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{3164}'
            | '\u{FFA0}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

/// What the scanner hands to a sink once escapes and controls are gone.
#[derive(Clone, Copy)]
enum Tok {
    /// Any kept character (never a control, never `\n`).
    Char(char),
    Newline,
    Tab,
}

const ESC: char = '\u{1b}';
const BEL: char = '\u{07}';
/// 8-bit String Terminator.
const ST8: char = '\u{9c}';

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// Walks `s`, dropping escape sequences and unwanted characters, and emits what remains.
#[inline]
fn scan(s: &str, mut emit: impl FnMut(Tok)) {
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if (' '..='~').contains(&c) {
            emit(Tok::Char(c));
            continue;
        }
        match c {
            '\n' | '\u{2028}' | '\u{2029}' => emit(Tok::Newline),
            '\r' => {
                if it.peek() == Some(&'\n') {
                    it.next();
                }
                emit(Tok::Newline);
            }
            '\t' => emit(Tok::Tab),
            ESC => {
                // An escape may end a string sequence and start another one; loop instead of
                // recursing so that `ESC ] ESC ] ESC ] …` cannot grow the stack.
                while skip_escape(&mut it) {}
            }
            '\u{9b}' => skip_csi(&mut it),
            '\u{9d}' => {
                if skip_string(&mut it, true) {
                    while skip_escape(&mut it) {}
                }
            }
            '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => {
                if skip_string(&mut it, false) {
                    while skip_escape(&mut it) {}
                }
            }
            c if c.is_control() => {} // other C0, DEL, other C1
            c if is_invisible(c) => {}
            c => emit(Tok::Char(c)),
        }
    }
}

/// Skips what follows an ESC (already consumed). Returns true when it stopped on another ESC
/// (already consumed) that begins a new sequence the caller must skip too.
fn skip_escape(it: &mut Chars<'_>) -> bool {
    let Some(&next) = it.peek() else {
        return false;
    };
    match next {
        '[' => {
            it.next();
            skip_csi(it);
            false
        }
        ']' => {
            it.next();
            skip_string(it, true)
        }
        'P' | 'X' | '^' | '_' => {
            it.next();
            skip_string(it, false)
        }
        ' '..='/' => {
            // nF: intermediates then one final byte (e.g. `ESC ( 0`, DEC line drawing).
            while matches!(it.peek(), Some(' '..='/')) {
                it.next();
            }
            if matches!(it.peek(), Some('0'..='~')) {
                it.next();
            }
            false
        }
        '0'..='~' => {
            // Two-byte sequence (`ESC c` reset, `ESC 7`, `ESC =`, …).
            it.next();
            false
        }
        // ESC before anything else (control, non-ASCII, DEL): drop just the ESC; the next
        // character is handled by the main loop (a second ESC starts its own sequence there).
        _ => false,
    }
}

/// Skips a CSI body after `ESC [` or U+009B: parameter bytes 0x30–0x3F, intermediate bytes
/// 0x20–0x2F, then one final byte 0x40–0x7E. Stops early on anything else (the leftover is
/// ordinary text, harmless once the introducer is gone).
fn skip_csi(it: &mut Chars<'_>) {
    while matches!(it.peek(), Some(' '..='?')) {
        it.next();
    }
    if matches!(it.peek(), Some('@'..='~')) {
        it.next();
    }
}

/// Skips a control string (OSC when `bel_ends`, else DCS / SOS / PM / APC) up to its
/// terminator: ST (`ESC \` or U+009C), or BEL for OSC. An ESC not followed by `\` ends the
/// string too (as in terminals) and true is returned so the caller handles the new sequence.
/// Without a terminator everything to the end of the input is swallowed.
fn skip_string(it: &mut Chars<'_>, bel_ends: bool) -> bool {
    while let Some(c) = it.next() {
        match c {
            ST8 => return false,
            BEL if bel_ends => return false,
            ESC => {
                if it.peek() == Some(&'\\') {
                    it.next();
                    return false;
                }
                return true;
            }
            _ => {}
        }
    }
    false
}

/// Builds multi-line output: tab expansion, trailing-whitespace stripping, blank-line limit.
struct TextSink {
    out: String,
    /// Byte index in `out` where the current line starts.
    line_start: usize,
    /// Characters on the current line so far (for tab stops).
    col: usize,
    /// Consecutive blank lines just emitted.
    blank_run: usize,
}

impl TextSink {
    #[inline]
    fn push(&mut self, tok: Tok) {
        match tok {
            Tok::Char(c) => {
                self.out.push(c);
                self.col += 1;
            }
            Tok::Tab => {
                let n = 4 - self.col % 4;
                for _ in 0..n {
                    self.out.push(' ');
                }
                self.col += n;
            }
            Tok::Newline => {
                self.trim_line_end();
                if self.out.len() == self.line_start {
                    self.blank_run += 1;
                } else {
                    self.blank_run = 0;
                }
                if self.blank_run <= 2 {
                    self.out.push('\n');
                }
                self.line_start = self.out.len();
                self.col = 0;
            }
        }
    }

    fn trim_line_end(&mut self) {
        let line = &self.out[self.line_start..];
        let kept = line.trim_end().len();
        self.out.truncate(self.line_start + kept);
    }

    fn finish(mut self) -> String {
        self.trim_line_end();
        self.out
    }
}

/// Fast check: printable ASCII and `\n` only, no trailing spaces, no run of 3+ newlines.
fn is_clean_text(s: &str) -> bool {
    let b = s.as_bytes();
    let mut newlines = 0usize;
    let mut prev = b'\n';
    for &c in b {
        if c == b'\n' {
            if prev == b' ' {
                return false;
            }
            newlines += 1;
            if newlines >= 3 {
                return false;
            }
        } else if (0x20..0x7f).contains(&c) {
            newlines = 0;
        } else {
            return false;
        }
        prev = c;
    }
    prev != b' '
}

/// Fast check: printable ASCII with single inner spaces only.
fn is_clean_line(s: &str) -> bool {
    let b = s.as_bytes();
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    let mut prev = 0u8;
    for &c in b {
        if !(0x20..0x7f).contains(&c) || (c == b' ' && prev == b' ') {
            return false;
        }
        prev = c;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No character that could drive a terminal survives.
    fn assert_inert(s: &str) {
        for c in s.chars() {
            assert!(
                c == '\n' || !(c.is_control() || is_invisible(c)),
                "control {c:?} left in {s:?}"
            );
        }
    }

    #[test]
    fn plain_ascii_is_unchanged() {
        let s = "Hello Anna,\nthanks for the call.\n\nBest,\nBob";
        assert_eq!(sanitize_text(s), s);
        assert_eq!(
            sanitize_line("Re: Senior Rust role"),
            "Re: Senior Rust role"
        );
        assert_eq!(sanitize_text(""), "");
        assert_eq!(sanitize_line(""), "");
    }

    #[test]
    fn non_ascii_text_is_untouched() {
        for s in [
            "Grüße aus Köln, ä ö ü ß",
            "李雷 和 韩梅梅",
            "Party 🎉 time 👍🏽",
            "مرحبا بالعالم",
            "Привет, мир",
            "שלום",
            "e\u{301}", // combining accent stays
        ] {
            assert_eq!(sanitize_text(s), s);
            assert_eq!(sanitize_line(s), s);
        }
    }

    #[test]
    fn sgr_colour_is_removed_whole() {
        assert_eq!(sanitize_text("\x1b[31mred\x1b[0m"), "red");
        assert_eq!(sanitize_line("\x1b[31mred\x1b[0m"), "red");
        assert_eq!(sanitize_text("a\x1b[38;2;255;0;0mb\x1b[m"), "ab");
        assert_eq!(sanitize_text("x\x1b[?25ly\x1b[2J\x1b[Hz"), "xyz");
        // Intermediate byte before the final byte.
        assert_eq!(sanitize_text("a\x1b[1 qb"), "ab");
    }

    #[test]
    fn osc8_hyperlink_keeps_only_the_label() {
        let s = "see \x1b]8;;https://evil.example/x\x1b\\my CV\x1b]8;;\x1b\\ please";
        assert_eq!(sanitize_text(s), "see my CV please");
        let bel = "see \x1b]8;;https://evil.example/x\x07my CV\x1b]8;;\x07 please";
        assert_eq!(sanitize_line(bel), "see my CV please");
    }

    #[test]
    fn osc52_clipboard_write_is_removed() {
        let s = "hi\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07there";
        let out = sanitize_text(s);
        assert_eq!(out, "hithere");
        assert!(!out.contains("52;"));
        assert!(!out.contains("Y3Vy"));
    }

    #[test]
    fn title_osc_terminated_by_bel() {
        assert_eq!(sanitize_line("\x1b]0;pwned title\x07Subject"), "Subject");
        assert_eq!(sanitize_line("\x1b]2;t\x1b\\Subject"), "Subject");
    }

    #[test]
    fn unterminated_osc_swallows_to_end() {
        assert_eq!(sanitize_text("keep\x1b]0;never ends\nmore"), "keep");
    }

    #[test]
    fn esc_inside_string_starts_a_new_sequence() {
        assert_eq!(sanitize_text("a\x1b]0;t\x1b[31mb"), "ab");
        // Deep nesting does not recurse.
        let evil = "\x1b]".repeat(100_000) + "\x07x";
        assert_eq!(sanitize_text(&evil), "x");
    }

    #[test]
    fn dcs_sos_pm_apc_are_removed() {
        assert_eq!(sanitize_text("a\x1bPq#0;2;0;0;0#1!7~\x1b\\b"), "ab");
        assert_eq!(sanitize_text("a\x1bX sos \x1b\\b"), "ab");
        assert_eq!(sanitize_text("a\x1b^ pm \x1b\\b"), "ab");
        assert_eq!(sanitize_text("a\x1b_Gf=100;AAAA\x1b\\b"), "ab");
        // BEL does not end a DCS; the string runs to ST.
        assert_eq!(sanitize_text("a\x1bPx\x07y\x1b\\b"), "ab");
    }

    #[test]
    fn c1_eight_bit_forms_are_removed() {
        assert_eq!(sanitize_text("a\u{9b}31mred\u{9b}0mb"), "aredb");
        assert_eq!(sanitize_text("a\u{9d}0;title\u{7}b"), "ab");
        assert_eq!(sanitize_text("a\u{9d}52;c;AAAA\u{9c}b"), "ab");
        assert_eq!(sanitize_text("a\u{90}payload\u{9c}b"), "ab");
        assert_eq!(
            sanitize_text("a\u{98}x\u{9c}b\u{9e}y\u{9c}c\u{9f}z\u{9c}d"),
            "abcd"
        );
        assert_eq!(sanitize_text("a\u{85}b\u{80}c\u{9f}"), "abc");
    }

    #[test]
    fn other_escapes_are_removed() {
        assert_eq!(sanitize_text("a\x1bcb"), "ab"); // full reset
        assert_eq!(sanitize_text("a\x1b7b\x1b8"), "ab"); // save/restore cursor
        assert_eq!(sanitize_text("a\x1b(0lqqk\x1b(Bb"), "alqqkb"); // DEC graphics
        assert_eq!(sanitize_text("a\x1b#8b"), "ab");
        assert_eq!(sanitize_text("trailing\x1b"), "trailing");
        assert_eq!(sanitize_text("a\x1b\x1b[1mb"), "ab");
        assert_eq!(sanitize_text("a\x1bäb"), "aäb");
    }

    #[test]
    fn c0_controls_and_del_are_removed() {
        assert_eq!(
            sanitize_text("a\0b\x07c\x08d\x0be\x0cf\x7fg\x1fh"),
            "abcdefgh"
        );
        assert_eq!(sanitize_line("nul\0byte"), "nulbyte");
    }

    #[test]
    fn newlines_and_tabs() {
        assert_eq!(sanitize_text("a\r\nb\rc\nd"), "a\nb\nc\nd");
        assert_eq!(sanitize_text("a\u{2028}b\u{2029}c"), "a\nb\nc");
        assert_eq!(sanitize_text("\tx"), "    x");
        assert_eq!(sanitize_text("ab\tx"), "ab  x");
        assert_eq!(sanitize_text("abcd\tx"), "abcd    x");
        assert_eq!(sanitize_text("a\n\tb"), "a\n    b");
        assert_eq!(sanitize_line(" a\r\n\tb  c\u{2028}d\n"), "a b c d");
        assert_eq!(sanitize_line("\u{a0} x \u{3000}"), "x");
    }

    #[test]
    fn trailing_whitespace_and_blank_lines() {
        assert_eq!(sanitize_text("a  \nb\t\nc "), "a\nb\nc");
        assert_eq!(sanitize_text("a\n\n\n\n\n\nb"), "a\n\n\nb");
        assert_eq!(sanitize_text("a\n \n\t\n  \n\nb"), "a\n\n\nb");
        assert_eq!(sanitize_text("a\n\nb"), "a\n\nb");
        assert_eq!(sanitize_text("a\n\n\nb"), "a\n\n\nb");
        assert_eq!(sanitize_text("a\r\n\r\n\r\n\r\n\r\nb"), "a\n\n\nb");
        // Lines that are blank only after removals count as blank.
        assert_eq!(sanitize_text("a\n\x1b[0m\n\u{200b}\n\n\nb"), "a\n\n\nb");
        assert_eq!(sanitize_text("end\n"), "end\n");
    }

    #[test]
    fn trojan_source_bidi_is_removed() {
        let s = "access_level != \"user\u{202E} \u{2066}// Check if admin\u{2069} \u{2066}\"";
        let out = sanitize_text(s);
        assert_eq!(out, "access_level != \"user // Check if admin \"");
        for c in [
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}',
        ] {
            assert_eq!(sanitize_line(&format!("a{c}b")), "ab", "{c:?}");
        }
        // A filename that would display as "invoice_fdp.exe" reversed.
        assert_eq!(sanitize_line("invoice\u{202E}fdp.exe"), "invoicefdp.exe");
    }

    #[test]
    fn zero_width_and_format_characters_are_removed() {
        for c in [
            '\u{200B}',
            '\u{200C}',
            '\u{200D}',
            '\u{2060}',
            '\u{2061}',
            '\u{2064}',
            '\u{FEFF}',
            '\u{00AD}',
            '\u{180E}',
            '\u{FFF9}',
            '\u{FFFA}',
            '\u{FFFB}',
            '\u{E0001}',
            '\u{E0041}',
            '\u{E007F}',
        ] {
            assert_eq!(sanitize_text(&format!("pay{c}pal")), "paypal", "{c:?}");
        }
        assert_eq!(sanitize_line("\u{feff}Subject"), "Subject");
    }

    #[test]
    fn everything_removed_gives_empty() {
        assert_eq!(sanitize_line("\x1b[31m\u{200b}\x07 \t"), "");
        assert_eq!(sanitize_text("\x1b]0;x\x07"), "");
    }

    #[test]
    fn output_is_always_inert() {
        // Every char in 0..0x300 plus a few specials, in all pairs around an ESC.
        let mut s = String::new();
        for i in 0u32..0x300 {
            if let Some(c) = char::from_u32(i) {
                s.push(c);
                s.push(ESC);
                s.push(c);
                s.push('\u{9b}');
            }
        }
        assert_inert(&sanitize_text(&s));
        assert_inert(&sanitize_line(&s));
        assert!(!sanitize_line(&s).contains('\n'));
    }

    #[test]
    fn fast_paths_agree_with_slow_path() {
        // Strings the fast path accepts must be fixed points of the full algorithm.
        for s in ["a", "a b", "a\nb", "a\n\nb", "x y\nz", "\na", "a\n"] {
            assert!(is_clean_text(s));
            let mut sink = TextSink {
                out: String::new(),
                line_start: 0,
                col: 0,
                blank_run: 0,
            };
            scan(s, |t| sink.push(t));
            assert_eq!(sink.finish(), s);
        }
        for s in ["a ", "a \nb", "a\n\n\nb", "\n\n\na", "a\tb", "a\rb"] {
            assert!(!is_clean_text(s), "{s:?}");
        }
        for s in [" a", "a ", "a  b", "a\nb"] {
            assert!(!is_clean_line(s), "{s:?}");
        }
    }
}
