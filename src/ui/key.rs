//! One key, as keymap.toml writes it and as the terminal reports it: parsing, normalising
//! (keys written two ways are equal once parsed) and formatting for help.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::fmt;

/// A key with its modifiers, normalized so that equal keys compare equal however they were
/// written or reported by the terminal.
///
/// Normalization: for characters, SHIFT is folded into the character (`shift-g` is `G`, and `?`
/// reported with SHIFT is plain `?`); with CONTROL, letters are lowercased (`ctrl-D` is
/// `ctrl-d`); `shift-tab` is `backtab`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    code: KeyCode,
    mods: KeyModifiers,
}

impl Key {
    /// A key from a crossterm code and modifiers, normalized.
    pub fn new(code: KeyCode, mods: KeyModifiers) -> Key {
        let mut code = code;
        let mut mods = mods;
        match code {
            KeyCode::Char(c) => {
                let mut c = c;
                if mods.contains(KeyModifiers::SHIFT) {
                    c = single_uppercase(c);
                    mods.remove(KeyModifiers::SHIFT);
                }
                if mods.contains(KeyModifiers::CONTROL) {
                    c = c.to_ascii_lowercase();
                }
                code = KeyCode::Char(c);
            }
            KeyCode::Tab if mods.contains(KeyModifiers::SHIFT) => {
                code = KeyCode::BackTab;
                mods.remove(KeyModifiers::SHIFT);
            }
            KeyCode::BackTab => mods.remove(KeyModifiers::SHIFT),
            _ => {}
        }
        Key { code, mods }
    }

    /// The key a crossterm key event reports (its kind is not looked at).
    pub fn from_event(ev: &KeyEvent) -> Key {
        Key::new(ev.code, ev.modifiers)
    }

    pub fn code(&self) -> KeyCode {
        self.code
    }

    pub fn mods(&self) -> KeyModifiers {
        self.mods
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_key(self))
    }
}

impl std::str::FromStr for Key {
    type Err = String;
    fn from_str(s: &str) -> Result<Key, String> {
        parse_key(s)
    }
}

/// The uppercase form of `c` if it is a single character, else `c`.
fn single_uppercase(c: char) -> char {
    let mut up = c.to_uppercase();
    match (up.next(), up.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// Named keys: (canonical name, aliases, code). The canonical name is what [`format_key`] writes.
const NAMED: &[(&str, &[&str], KeyCode)] = &[
    ("enter", &["return"], KeyCode::Enter),
    ("esc", &["escape"], KeyCode::Esc),
    ("tab", &[], KeyCode::Tab),
    ("backtab", &[], KeyCode::BackTab),
    ("backspace", &[], KeyCode::Backspace),
    ("delete", &["del"], KeyCode::Delete),
    ("insert", &["ins"], KeyCode::Insert),
    ("up", &[], KeyCode::Up),
    ("down", &[], KeyCode::Down),
    ("left", &[], KeyCode::Left),
    ("right", &[], KeyCode::Right),
    ("home", &[], KeyCode::Home),
    ("end", &[], KeyCode::End),
    ("pgup", &["pageup"], KeyCode::PageUp),
    ("pgdown", &["pagedown", "pgdn"], KeyCode::PageDown),
    ("space", &[], KeyCode::Char(' ')),
];

fn named_code(name: &str) -> Option<KeyCode> {
    if let Some((_, _, code)) = NAMED
        .iter()
        .find(|(n, aliases, _)| *n == name || aliases.contains(&name))
    {
        return Some(*code);
    }
    let digits = name.strip_prefix('f')?;
    if digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u8 = digits.parse().ok()?;
    (1..=12).contains(&n).then_some(KeyCode::F(n))
}

/// Parse a key as written in keymap.toml (`j`, `G`, `?`, `ctrl-d`, `pgdown`, `shift-tab`, ...).
pub fn parse_key(s: &str) -> Result<Key, String> {
    if s.is_empty() {
        return Err("empty key".to_string());
    }
    let mut rest = s;
    let mut mods = KeyModifiers::NONE;
    // A remainder of one character is the key itself, so `ctrl--` is ctrl and `-`.
    while rest.chars().count() > 1 {
        let Some((prefix, tail)) = rest.split_once('-') else {
            break;
        };
        let m = match prefix.to_ascii_lowercase().as_str() {
            "ctrl" | "control" => KeyModifiers::CONTROL,
            "alt" | "meta" => KeyModifiers::ALT,
            "shift" => KeyModifiers::SHIFT,
            _ => break,
        };
        if mods.contains(m) {
            return Err(format!("modifier {prefix}- given twice"));
        }
        mods |= m;
        rest = tail;
    }
    if rest.is_empty() {
        return Err("missing key after the modifier".to_string());
    }
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (Some(c), None) => {
            if c.is_control() {
                return Err("not a printable character".to_string());
            }
            if mods.contains(KeyModifiers::SHIFT) && !c.is_alphabetic() {
                return Err(format!(
                    "shift- only goes with letters and named keys; write the shifted character itself instead of shift-{c}"
                ));
            }
            KeyCode::Char(c)
        }
        _ => named_code(&rest.to_ascii_lowercase()).ok_or_else(|| {
            format!(
                "unknown key name {rest:?} (a single character, or one of: {}, f1 .. f12)",
                NAMED
                    .iter()
                    .map(|(n, ..)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?,
    };
    Ok(Key::new(code, mods))
}

/// A key the way keymap.toml writes it and help shows it: `ctrl-d`, `G`, `?`, `enter`, `down`.
pub fn format_key(key: &Key) -> String {
    let mut out = String::new();
    for (m, prefix) in [
        (KeyModifiers::CONTROL, "ctrl-"),
        (KeyModifiers::ALT, "alt-"),
        (KeyModifiers::SHIFT, "shift-"),
        (KeyModifiers::SUPER, "super-"),
        (KeyModifiers::HYPER, "hyper-"),
        (KeyModifiers::META, "meta-"),
    ] {
        if key.mods.contains(m) {
            out.push_str(prefix);
        }
    }
    if let Some((name, ..)) = NAMED.iter().find(|(_, _, code)| *code == key.code) {
        out.push_str(name);
        return out;
    }
    match key.code {
        KeyCode::Char(c) => out.push(c),
        KeyCode::F(n) => out.push_str(&format!("f{n}")),
        other => out.push_str(&format!("{other:?}").to_ascii_lowercase()),
    }
    out
}
