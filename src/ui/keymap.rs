//! Key bindings: parses `keymap.toml` (the compiled-in defaults plus an optional user file that
//! overrides only the keys it names) and resolves crossterm key events to [`Bound`] actions.
//!
//! Key syntax: a single printable character (`j`, `G`, `?`), a named key (`enter`, `pgdown`,
//! `f5`, ...), optionally prefixed by modifiers (`ctrl-`, `alt-`, `shift-`); names and modifiers
//! are case-insensitive. Keys written two ways are equal once parsed (`pgdown` == `pagedown`,
//! `space` == `" "`, `shift-g` == `G`, `ctrl-D` == `ctrl-d`, `shift-tab` == `backtab`).

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::Path;

use crossterm::event::{KeyEvent, KeyEventKind};
use toml::de::{DeTable, DeValue};

use crate::ui::action::{Bound, Context};
pub use crate::ui::key::{Key, format_key, parse_key};

/// The built-in bindings (`keymap.toml` at the repository root).
pub const DEFAULT_KEYMAP: &str = include_str!("../../keymap.toml");

/// The file name used in error messages about the built-in bindings.
pub const DEFAULT_KEYMAP_NAME: &str = "<built-in keymap.toml>";

/// The action name that unbinds a key.
const UNBIND: &str = "none";

/// A problem in a keymap file, with the file, 1-based line (0 when there is no line, e.g. an
/// unreadable file) and the offending text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeymapError {
    pub file: String,
    pub line: usize,
    pub text: String,
    pub message: String,
}

impl fmt::Display for KeymapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        }
    }
}

impl std::error::Error for KeymapError {}

/// One binding in a section, in file order. `action == None` means explicitly unbound.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    key: Key,
    action: Option<Bound>,
}

/// One context of the help overlay: each action bound there, with its formatted keys.
pub type HelpSection = (Context, Vec<(Bound, Vec<String>)>);

/// Key bindings per [`Context`], resolved with fallback to [`Context::Global`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    sections: HashMap<Context, Vec<Entry>>,
    /// The saved views keys are bound to (`view:NAME`); `Bound::View(i)` is `views[i]`.
    views: Vec<ViewSlot>,
}

/// A view named in a keymap file, and where, so that a name the config does not define is
/// reported on its line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ViewSlot {
    name: String,
    file: String,
    line: usize,
}

/// The action prefix binding a key to a saved view: `V = "view:rust-due"`.
const VIEW_PREFIX: &str = "view:";

impl Default for Keymap {
    fn default() -> Keymap {
        Keymap::defaults()
    }
}

impl Keymap {
    /// The built-in bindings.
    pub fn defaults() -> Keymap {
        Keymap::from_sources(DEFAULT_KEYMAP, None).expect("the built-in keymap.toml is valid")
    }

    /// The built-in bindings overridden by `user_file` if given and it exists. A missing file is
    /// fine; an unreadable or invalid one is an error.
    pub fn load(user_file: Option<&Path>) -> Result<Keymap, KeymapError> {
        let Some(path) = user_file else {
            return Keymap::from_sources(DEFAULT_KEYMAP, None);
        };
        let name = display_path(path);
        match std::fs::read_to_string(path) {
            Ok(src) => Keymap::from_sources(DEFAULT_KEYMAP, Some((&name, &src))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Keymap::from_sources(DEFAULT_KEYMAP, None)
            }
            Err(e) => Err(KeymapError {
                file: name,
                line: 0,
                text: String::new(),
                message: format!("cannot read the keymap: {e}"),
            }),
        }
    }

    /// Bindings from `default_src`, overridden by `user` (file name for messages, contents).
    pub fn from_sources(
        default_src: &str,
        user: Option<(&str, &str)>,
    ) -> Result<Keymap, KeymapError> {
        let mut map = Keymap {
            sections: HashMap::new(),
            views: Vec::new(),
        };
        map.apply(DEFAULT_KEYMAP_NAME, default_src)?;
        if let Some((name, src)) = user {
            map.apply(name, src)?;
        }
        Ok(map)
    }

    /// The action `ev` triggers in `ctx`: the binding in `ctx`, else the one in `[global]`.
    /// Release events resolve to nothing; a key unbound with "none" in `ctx` does not fall
    /// through to `[global]`.
    pub fn resolve(&self, ctx: Context, ev: &KeyEvent) -> Option<Bound> {
        if ev.kind == KeyEventKind::Release {
            return None;
        }
        let key = Key::from_event(ev);
        match self.lookup(ctx, &key) {
            Some(action) => action,
            None if ctx != Context::Global => self.lookup(Context::Global, &key).flatten(),
            None => None,
        }
    }

    /// The keys that trigger `action` in `ctx` (its own bindings, then the `[global]` ones it
    /// does not override), formatted, in file order.
    pub fn keys_for(&self, ctx: Context, action: Bound) -> Vec<String> {
        let own = self.section(ctx);
        let mut keys: Vec<String> = own
            .iter()
            .filter(|e| e.action == Some(action))
            .map(|e| format_key(&e.key))
            .collect();
        if ctx != Context::Global {
            keys.extend(
                self.section(Context::Global)
                    .iter()
                    .filter(|e| e.action == Some(action))
                    .filter(|e| !own.iter().any(|o| o.key == e.key))
                    .map(|e| format_key(&e.key)),
            );
        }
        keys
    }

    /// For the help overlay: per context (in [`Context::ALL`] order, skipping empty ones), each
    /// action bound in that section (in [`Bound::ALL`] order) with its keys in file order.
    pub fn help(&self) -> Vec<HelpSection> {
        Context::ALL
            .into_iter()
            .filter_map(|ctx| {
                let entries = self.section(ctx);
                let actions: Vec<(Bound, Vec<String>)> = Bound::ALL
                    .iter()
                    .filter_map(|&b| {
                        let keys: Vec<String> = entries
                            .iter()
                            .filter(|e| e.action == Some(b))
                            .map(|e| format_key(&e.key))
                            .collect();
                        (!keys.is_empty()).then_some((b, keys))
                    })
                    .collect();
                (!actions.is_empty()).then_some((ctx, actions))
            })
            .collect()
    }

    /// The name of the view in `slot` (see [`Bound::View`]).
    pub fn view_name(&self, slot: u16) -> Option<&str> {
        self.views.get(slot as usize).map(|v| v.name.as_str())
    }

    /// The keys bound to the view `name` (any section), formatted, in file order.
    pub fn keys_for_view(&self, name: &str) -> Vec<String> {
        let mut keys = Vec::new();
        for ctx in Context::ALL {
            for e in self.section(ctx) {
                if let Some(Bound::View(i)) = e.action
                    && self.view_name(i) == Some(name)
                {
                    let k = format_key(&e.key);
                    if !keys.contains(&k) {
                        keys.push(k);
                    }
                }
            }
        }
        keys
    }

    /// Every view a key is bound to must be one the config defines (`known`): the first that
    /// is not is an error on its line.
    pub fn check_views(&self, known: &[String]) -> Result<(), KeymapError> {
        let bound = |i: usize| {
            self.sections
                .values()
                .flatten()
                .any(|e| e.action == Some(Bound::View(i as u16)))
        };
        for (i, v) in self.views.iter().enumerate() {
            if !known.contains(&v.name) && bound(i) {
                return Err(KeymapError {
                    file: v.file.clone(),
                    line: v.line,
                    text: format!("{VIEW_PREFIX}{}", v.name),
                    message: format!(
                        "unknown view {:?}: the config's [views] {}",
                        v.name,
                        if known.is_empty() {
                            "defines none (add e.g. rust-due = \"interest:rust due:yes\")"
                                .to_string()
                        } else {
                            format!("define {}", known.join(", "))
                        }
                    ),
                });
            }
        }
        Ok(())
    }

    /// The slot of view `name`, added when new.
    fn view_slot(&mut self, name: &str, file: &str, line: usize) -> Option<u16> {
        if let Some(i) = self.views.iter().position(|v| v.name == name) {
            return u16::try_from(i).ok();
        }
        let i = u16::try_from(self.views.len()).ok()?;
        self.views.push(ViewSlot {
            name: name.to_string(),
            file: file.to_string(),
            line,
        });
        Some(i)
    }

    fn section(&self, ctx: Context) -> &[Entry] {
        self.sections.get(&ctx).map(Vec::as_slice).unwrap_or(&[])
    }

    /// `Some(binding)` if `ctx` mentions `key` (the binding may be `None`: unbound).
    fn lookup(&self, ctx: Context, key: &Key) -> Option<Option<Bound>> {
        self.section(ctx)
            .iter()
            .find(|e| e.key == *key)
            .map(|e| e.action)
    }

    /// Parse one file and apply its bindings on top of the current ones: each key it names is
    /// rebound in place (keeping its position) or appended.
    fn apply(&mut self, file: &str, src: &str) -> Result<(), KeymapError> {
        let parsed = parse_file(file, src)?;
        for (ctx, bindings) in parsed {
            let bindings: Vec<(Key, Option<Bound>)> = bindings
                .into_iter()
                .map(|(key, action)| {
                    let action = match action {
                        Binding::Bound(b) => Some(b),
                        Binding::None => None,
                        Binding::View(name, line) => {
                            self.view_slot(&name, file, line).map(Bound::View)
                        }
                    };
                    (key, action)
                })
                .collect();
            let entries = self.sections.entry(ctx).or_default();
            for (key, action) in bindings {
                match entries.iter_mut().find(|e| e.key == key) {
                    Some(e) => e.action = action,
                    None => entries.push(Entry { key, action }),
                }
            }
        }
        Ok(())
    }
}

/// A path for messages, with the home directory written as `~`.
fn display_path(path: &Path) -> String {
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty())
        && let Ok(rest) = path.strip_prefix(&home)
    {
        return Path::new("~").join(rest).display().to_string();
    }
    path.display().to_string()
}

/// 1-based line of byte `offset` in `src`.
fn line_of(src: &str, offset: usize) -> usize {
    let offset = offset.min(src.len());
    src.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The (trimmed) text of the line containing byte `offset`.
fn line_text(src: &str, offset: usize) -> String {
    let offset = offset.min(src.len());
    let start = src[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = src[offset..].find('\n').map_or(src.len(), |i| offset + i);
    src[start..end].trim().to_string()
}

/// The source text of `span`, or the whole line if the span is empty or out of range.
fn span_text(src: &str, span: &Range<usize>) -> String {
    match src.get(span.clone()) {
        Some(t) if !t.trim().is_empty() => t.trim().to_string(),
        _ => line_text(src, span.start),
    }
}

/// What a key is bound to in a file, before views get their slots.
enum Binding {
    Bound(Bound),
    /// A saved view by name, and the line naming it.
    View(String, usize),
    /// "none": unbound.
    None,
}

type ParsedFile = Vec<(Context, Vec<(Key, Binding)>)>;

/// Parse and validate one keymap file; bindings per section in file order.
fn parse_file(file: &str, src: &str) -> Result<ParsedFile, KeymapError> {
    let err = |span: &Range<usize>, text: String, message: String| KeymapError {
        file: file.to_string(),
        line: line_of(src, span.start),
        text,
        message,
    };

    let doc = DeTable::parse(src).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let message = e.message().lines().next().unwrap_or("").trim().to_string();
        let text = line_text(src, span.start);
        let hint = syntax_hint(&text, &message);
        err(&span, text, format!("invalid TOML: {message}{hint}"))
    })?;

    // The map is sorted by name; sort by position to keep file order.
    let mut sections: Vec<_> = doc.get_ref().iter().collect();
    sections.sort_by_key(|(k, _)| k.span().start);

    let mut out = Vec::new();
    for (name, value) in sections {
        let name_span = name.span();
        let Some(table) = value.get_ref().as_table() else {
            return Err(err(
                &name_span,
                name.get_ref().to_string(),
                format!(
                    "{:?} is outside any section; put bindings under a section header such as [inbox] (sections: {})",
                    name.get_ref().as_ref(),
                    section_names()
                ),
            ));
        };
        let Some(ctx) = Context::from_name(name.get_ref()) else {
            return Err(err(
                &name_span,
                name.get_ref().to_string(),
                format!(
                    "unknown section [{}] (known sections: {})",
                    name.get_ref(),
                    section_names()
                ),
            ));
        };

        let mut entries: Vec<_> = table.iter().collect();
        entries.sort_by_key(|(k, _)| k.span().start);

        let mut bindings: Vec<(Key, Binding, &str, usize)> = Vec::new();
        for (key_s, val) in entries {
            let key_span = key_s.span();
            let key_text: &str = key_s.get_ref();
            let val_span = val.span();
            if val.get_ref().is_table() {
                // `[inbox.x]` or an unquoted dotted key such as `ctrl.d = "next"`.
                return Err(err(
                    &key_span,
                    line_text(src, key_span.start),
                    format!(
                        "[{}] cannot contain a table; quote keys that contain a dot, e.g. \".\" = \"next\"",
                        ctx.name()
                    ),
                ));
            }
            let key = parse_key(key_text).map_err(|m| {
                err(
                    &key_span,
                    key_text.to_string(),
                    format!("invalid key {key_text:?} in [{}]: {m}", ctx.name()),
                )
            })?;
            let action_name = match val.get_ref() {
                DeValue::String(s) => s.as_ref(),
                other => {
                    return Err(err(
                        &val_span,
                        span_text(src, &val_span),
                        format!(
                            "the binding for {key_text:?} in [{}] must be an action name in quotes, not {} {}",
                            ctx.name(),
                            article(other.type_str()),
                            other.type_str()
                        ),
                    ));
                }
            };
            let line = line_of(src, key_span.start);
            let action = if action_name == UNBIND {
                Binding::None
            } else if let Some(view) = action_name.strip_prefix(VIEW_PREFIX) {
                if view.trim().is_empty() {
                    return Err(err(
                        &val_span,
                        action_name.to_string(),
                        format!(
                            "\"{VIEW_PREFIX}\" in [{}] needs the name of a view from the config's [views], e.g. \"{VIEW_PREFIX}rust-due\"",
                            ctx.name()
                        ),
                    ));
                }
                Binding::View(view.trim().to_string(), line)
            } else {
                Binding::Bound(Bound::from_name(action_name).ok_or_else(|| {
                    err(
                        &val_span,
                        action_name.to_string(),
                        format!(
                            "unknown action {action_name:?} in [{}] (known actions: {}; \"{VIEW_PREFIX}NAME\" for a saved view; or \"{UNBIND}\" to unbind the key)",
                            ctx.name(),
                            Bound::ALL
                                .iter()
                                .map(|b| b.name())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )
                })?)
            };

            if let Some((_, _, first, first_line)) = bindings.iter().find(|(k, ..)| *k == key) {
                return Err(err(
                    &key_span,
                    key_text.to_string(),
                    format!(
                        "{key_text:?} in [{}] is the same key as {first:?} on line {first_line}; bind it once",
                        ctx.name()
                    ),
                ));
            }
            bindings.push((key, action, key_text, line));
        }
        out.push((ctx, bindings.into_iter().map(|(k, a, ..)| (k, a)).collect()));
    }
    Ok(out)
}

/// A hint for the usual mistakes behind a TOML syntax error on the line `text`.
fn syntax_hint(text: &str, message: &str) -> &'static str {
    if message.contains("unquoted key") {
        return " (quote keys that are not letters, digits, - or _, e.g. \"?\" = \"help\")";
    }
    if let Some((_, value)) = text.split_once('=') {
        let value = value.trim_start();
        if value.starts_with(|c: char| c.is_ascii_alphabetic())
            && !value.starts_with("true")
            && !value.starts_with("false")
        {
            return " (quote the action name, e.g. j = \"next\")";
        }
    }
    ""
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

fn section_names() -> String {
    Context::ALL
        .iter()
        .map(|c| c.name())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEventState, KeyModifiers};

    fn press(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent {
            code,
            modifiers: mods,
            kind: KeyEventKind::Press,
            state: KeyEventState::NONE,
        }
    }

    fn k(s: &str) -> Key {
        parse_key(s).unwrap()
    }

    #[test]
    fn defaults_parse() {
        let map = Keymap::defaults();
        assert!(!map.section(Context::Inbox).is_empty());
    }

    #[test]
    fn every_action_is_bound_by_default() {
        let map = Keymap::defaults();
        for &b in Bound::ALL {
            let bound = Context::ALL.iter().any(|&c| !map.keys_for(c, b).is_empty());
            assert!(bound, "{} is not bound anywhere", b.name());
        }
    }

    #[test]
    fn spellings_normalize() {
        assert_eq!(k("pgdown"), k("pagedown"));
        assert_eq!(k("PgDown"), k("pagedown"));
        assert_eq!(k("space"), k(" "));
        assert_eq!(k("Ctrl-D"), k("ctrl-d"));
        assert_eq!(k("ctrl-D"), k("ctrl-d"));
        assert_eq!(k("shift-g"), k("G"));
        assert_eq!(k("shift-tab"), k("backtab"));
        assert_eq!(k("esc"), k("Escape"));
        assert_ne!(k("g"), k("G"));
        assert_ne!(k("alt-g"), k("alt-G"));
        assert_eq!(
            k("ctrl--"),
            Key::new(KeyCode::Char('-'), KeyModifiers::CONTROL)
        );
        assert_eq!(k("-"), Key::new(KeyCode::Char('-'), KeyModifiers::NONE));
        assert_eq!(k("F5"), Key::new(KeyCode::F(5), KeyModifiers::NONE));
        assert_eq!(
            k("ctrl-alt-up"),
            Key::new(KeyCode::Up, KeyModifiers::CONTROL | KeyModifiers::ALT)
        );
        assert_eq!(k("shift-up"), Key::new(KeyCode::Up, KeyModifiers::SHIFT));
    }

    #[test]
    fn malformed_keys() {
        for bad in [
            "",
            "ctrl-",
            "alt-",
            "ctrl-shift-",
            "foo",
            "f0",
            "f13",
            "f01",
            "ctrl-ctrl-x",
            "shift-1",
            "\t",
        ] {
            assert!(parse_key(bad).is_err(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn format_round_trips() {
        for s in [
            "j",
            "G",
            "?",
            "/",
            "1",
            "-",
            "ctrl-d",
            "enter",
            "esc",
            "down",
            "pgdown",
            "pgup",
            "space",
            "backtab",
            "f12",
            "alt-x",
            "ctrl-alt-up",
            "shift-up",
        ] {
            assert_eq!(format_key(&k(s)), s);
            assert_eq!(k(&format_key(&k(s))), k(s));
        }
        assert_eq!(format_key(&k("PageDown")), "pgdown");
        assert_eq!(format_key(&k(" ")), "space");
        assert_eq!(format_key(&k("shift-g")), "G");
        assert_eq!(format_key(&k("Ctrl-D")), "ctrl-d");
    }

    #[test]
    fn events_normalize() {
        let shifted = Key::from_event(&press(KeyCode::Char('G'), KeyModifiers::SHIFT));
        assert_eq!(shifted, k("G"));
        let kitty = Key::from_event(&press(KeyCode::Char('g'), KeyModifiers::SHIFT));
        assert_eq!(kitty, k("G"));
        let q = Key::from_event(&press(KeyCode::Char('?'), KeyModifiers::SHIFT));
        assert_eq!(q, k("?"));
        let bt = Key::from_event(&press(KeyCode::BackTab, KeyModifiers::SHIFT));
        assert_eq!(bt, k("backtab"));
        let cd = Key::from_event(&press(
            KeyCode::Char('D'),
            KeyModifiers::CONTROL | KeyModifiers::SHIFT,
        ));
        assert_eq!(cd, k("ctrl-d"));
    }

    #[test]
    fn line_helpers() {
        let src = "a\nbb\n  ccc  \n";
        assert_eq!(line_of(src, 0), 1);
        assert_eq!(line_of(src, 2), 2);
        assert_eq!(line_of(src, 7), 3);
        assert_eq!(line_text(src, 7), "ccc");
        assert_eq!(line_of(src, 999), 4);
    }

    #[test]
    fn file_order_is_kept() {
        let map = Keymap::from_sources("[inbox]\nz = \"next\"\na = \"next\"\nm = \"next\"\n", None)
            .unwrap();
        assert_eq!(map.keys_for(Context::Inbox, Bound::Next), ["z", "a", "m"]);
    }
}
