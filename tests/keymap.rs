use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
use rapport::ui::action::*;
use rapport::ui::keymap::*;

const USER: &str = "~/.config/rapport/keymap.toml";

fn ev(code: KeyCode, mods: KeyModifiers, kind: KeyEventKind) -> KeyEvent {
    KeyEvent {
        code,
        modifiers: mods,
        kind,
        state: KeyEventState::NONE,
    }
}

fn press(code: KeyCode) -> KeyEvent {
    ev(code, KeyModifiers::NONE, KeyEventKind::Press)
}

fn ch(c: char) -> KeyEvent {
    press(KeyCode::Char(c))
}

fn ctrl(c: char) -> KeyEvent {
    ev(KeyCode::Char(c), KeyModifiers::CONTROL, KeyEventKind::Press)
}

fn with_user(src: &str) -> Keymap {
    Keymap::from_sources(DEFAULT_KEYMAP, Some((USER, src))).unwrap()
}

fn user_err(src: &str) -> KeymapError {
    Keymap::from_sources(DEFAULT_KEYMAP, Some((USER, src))).unwrap_err()
}

// ---------------------------------------------------------------- defaults

#[test]
fn defaults_parse_and_bind_every_action() {
    let map = Keymap::defaults();
    assert_eq!(map, Keymap::load(None).unwrap());
    for &b in Bound::ALL {
        assert!(
            Context::ALL.iter().any(|&c| !map.keys_for(c, b).is_empty()),
            "{} is not bound anywhere",
            b.name()
        );
        assert!(
            map.help()
                .iter()
                .any(|(_, actions)| actions.iter().any(|(a, _)| *a == b)),
            "{} missing from help",
            b.name()
        );
    }
}

#[test]
fn vim_and_arrow_keys_move_in_the_inbox() {
    let map = Keymap::defaults();
    let inbox = Context::Inbox;
    assert_eq!(map.resolve(inbox, &ch('j')), Some(Bound::Next));
    assert_eq!(map.resolve(inbox, &press(KeyCode::Down)), Some(Bound::Next));
    assert_eq!(map.resolve(inbox, &ch('k')), Some(Bound::Prev));
    assert_eq!(map.resolve(inbox, &press(KeyCode::Up)), Some(Bound::Prev));
    assert_eq!(
        map.resolve(inbox, &press(KeyCode::Enter)),
        Some(Bound::Open)
    );
    assert_eq!(
        map.resolve(inbox, &press(KeyCode::Right)),
        Some(Bound::Open)
    );
    assert_eq!(map.resolve(inbox, &ch('l')), Some(Bound::LogContact));
    assert_eq!(
        map.resolve(inbox, &press(KeyCode::PageDown)),
        Some(Bound::PageDown)
    );
    assert_eq!(
        map.resolve(inbox, &press(KeyCode::Esc)),
        Some(Bound::ClearSearch)
    );
    assert_eq!(map.keys_for(inbox, Bound::Next), ["j", "down"]);
    assert_eq!(map.keys_for(inbox, Bound::PageDown), ["ctrl-d", "pgdown"]);
}

#[test]
fn conversation_and_help_bindings() {
    let map = Keymap::defaults();
    let conv = Context::Conversation;
    for back in [
        ch('h'),
        press(KeyCode::Esc),
        press(KeyCode::Left),
        press(KeyCode::Backspace),
    ] {
        assert_eq!(map.resolve(conv, &back), Some(Bound::Back));
    }
    assert_eq!(map.resolve(conv, &ch('j')), Some(Bound::Next));
    // In help, q and ? close the overlay instead of quitting / reopening help.
    assert_eq!(map.resolve(Context::Help, &ch('q')), Some(Bound::Back));
    assert_eq!(map.resolve(Context::Help, &ch('?')), Some(Bound::Back));
    assert_eq!(map.resolve(Context::Help, &ctrl('c')), Some(Bound::Quit));
}

#[test]
fn context_falls_back_to_global() {
    let map = Keymap::defaults();
    // q quits from the inbox; in a conversation or profile it goes back, as in mutt and aerc.
    assert_eq!(map.resolve(Context::Inbox, &ch('q')), Some(Bound::Quit));
    assert_eq!(
        map.resolve(Context::Conversation, &ch('q')),
        Some(Bound::Back)
    );
    assert_eq!(map.resolve(Context::Profile, &ch('q')), Some(Bound::Back));
    for ctx in [Context::Inbox, Context::Conversation, Context::Profile] {
        assert_eq!(map.resolve(ctx, &ch('?')), Some(Bound::Help));
        assert_eq!(map.resolve(ctx, &ch('/')), Some(Bound::Search));
        assert_eq!(map.resolve(ctx, &ctrl('c')), Some(Bound::Quit));
    }
    assert_eq!(map.resolve(Context::Global, &ch('j')), None);
    assert_eq!(map.resolve(Context::Inbox, &ch('y')), None);
    assert_eq!(map.keys_for(Context::Inbox, Bound::Quit), ["q", "ctrl-c"]);
    // A global key overridden by the context is not listed for it.
    assert_eq!(map.keys_for(Context::Help, Bound::Quit), ["ctrl-c"]);
    assert_eq!(map.keys_for(Context::Help, Bound::Back), ["esc", "q", "?"]);
}

#[test]
fn shifted_g_goes_to_bottom() {
    let map = Keymap::defaults();
    let inbox = Context::Inbox;
    // Terminals report G as 'G', with or without SHIFT; kitty-style as 'g' + SHIFT.
    assert_eq!(map.resolve(inbox, &ch('G')), Some(Bound::Bottom));
    let shift = KeyModifiers::SHIFT;
    let g_shift = ev(KeyCode::Char('G'), shift, KeyEventKind::Press);
    assert_eq!(map.resolve(inbox, &g_shift), Some(Bound::Bottom));
    let g_kitty = ev(KeyCode::Char('g'), shift, KeyEventKind::Press);
    assert_eq!(map.resolve(inbox, &g_kitty), Some(Bound::Bottom));
    assert_eq!(map.resolve(inbox, &ch('g')), Some(Bound::Top));
    // '?' usually arrives with SHIFT.
    let question = ev(KeyCode::Char('?'), shift, KeyEventKind::Press);
    assert_eq!(map.resolve(inbox, &question), Some(Bound::Help));
    // Shift-tab arrives as BackTab + SHIFT.
    let backtab = ev(KeyCode::BackTab, shift, KeyEventKind::Press);
    assert_eq!(map.resolve(inbox, &backtab), Some(Bound::FocusPrev));
    assert_eq!(map.keys_for(inbox, Bound::Bottom), ["G", "end"]);
}

#[test]
fn ctrl_d_pages_down() {
    let map = Keymap::defaults();
    assert_eq!(
        map.resolve(Context::Inbox, &ctrl('d')),
        Some(Bound::PageDown)
    );
    assert_eq!(map.resolve(Context::Inbox, &ctrl('u')), Some(Bound::PageUp));
    let caps = ev(
        KeyCode::Char('D'),
        KeyModifiers::CONTROL | KeyModifiers::SHIFT,
        KeyEventKind::Press,
    );
    assert_eq!(
        map.resolve(Context::Conversation, &caps),
        Some(Bound::PageDown)
    );
    // Plain d is not ctrl-d: it is "done".
    assert_eq!(map.resolve(Context::Inbox, &ch('d')), Some(Bound::Done));
}

#[test]
fn release_events_are_ignored_repeats_are_not() {
    let map = Keymap::defaults();
    let release = ev(
        KeyCode::Char('j'),
        KeyModifiers::NONE,
        KeyEventKind::Release,
    );
    assert_eq!(map.resolve(Context::Inbox, &release), None);
    let repeat = ev(KeyCode::Char('j'), KeyModifiers::NONE, KeyEventKind::Repeat);
    assert_eq!(map.resolve(Context::Inbox, &repeat), Some(Bound::Next));
}

#[test]
fn help_lists_actions_in_bound_order() {
    let map = Keymap::defaults();
    let help = map.help();
    let contexts: Vec<Context> = help.iter().map(|(c, _)| *c).collect();
    assert_eq!(contexts, Context::ALL);
    for (_, actions) in &help {
        let pos = |b: &Bound| Bound::ALL.iter().position(|x| x == b).unwrap();
        assert!(actions.windows(2).all(|w| pos(&w[0].0) < pos(&w[1].0)));
        assert!(actions.iter().all(|(_, keys)| !keys.is_empty()));
    }
    let inbox = &help.iter().find(|(c, _)| *c == Context::Inbox).unwrap().1;
    assert_eq!(
        inbox[0],
        (Bound::Next, vec!["j".to_string(), "down".to_string()])
    );
}

// ---------------------------------------------------------------- overrides

#[test]
fn override_adds_a_key_and_keeps_the_defaults() {
    let map = with_user("[inbox]\ny = \"filter\"\n");
    let defaults = Keymap::defaults();
    assert_eq!(map.resolve(Context::Inbox, &ch('y')), Some(Bound::Filter));
    assert_eq!(map.resolve(Context::Conversation, &ch('y')), None);
    assert_eq!(map.keys_for(Context::Inbox, Bound::Filter), ["y", "f"]);
    for ctx in Context::ALL {
        for &b in Bound::ALL {
            if (ctx, b) != (Context::Inbox, Bound::Filter) {
                assert_eq!(map.keys_for(ctx, b), defaults.keys_for(ctx, b));
            }
        }
    }
}

#[test]
fn override_rebinds_only_in_its_section() {
    let map = with_user("[inbox]\nj = \"prev\"\n");
    assert_eq!(map.resolve(Context::Inbox, &ch('j')), Some(Bound::Prev));
    assert_eq!(
        map.resolve(Context::Conversation, &ch('j')),
        Some(Bound::Next)
    );
    assert_eq!(
        map.resolve(Context::Inbox, &press(KeyCode::Down)),
        Some(Bound::Next)
    );
    // A rebound key keeps its place in file order.
    assert_eq!(map.keys_for(Context::Inbox, Bound::Prev), ["j", "k", "up"]);
    assert_eq!(map.keys_for(Context::Inbox, Bound::Next), ["down"]);
}

#[test]
fn override_with_another_spelling_replaces_the_default() {
    let map = with_user("[inbox]\npagedown = \"bottom\"\nshift-g = \"top\"\n");
    assert_eq!(
        map.resolve(Context::Inbox, &press(KeyCode::PageDown)),
        Some(Bound::Bottom)
    );
    assert_eq!(map.resolve(Context::Inbox, &ch('G')), Some(Bound::Top));
    assert_eq!(map.keys_for(Context::Inbox, Bound::PageDown), ["ctrl-d"]);
}

#[test]
fn none_unbinds_without_falling_back_to_global() {
    let map = with_user("[inbox]\nj = \"none\"\nq = \"none\"\n[global]\n\"/\" = \"none\"\n");
    assert_eq!(map.resolve(Context::Inbox, &ch('j')), None);
    assert_eq!(map.resolve(Context::Inbox, &ch('k')), Some(Bound::Prev));
    // q is global; unbinding it in the inbox blocks the fallback there only.
    assert_eq!(map.resolve(Context::Inbox, &ch('q')), None);
    assert_eq!(map.resolve(Context::Reports, &ch('q')), Some(Bound::Back));
    assert_eq!(map.resolve(Context::Global, &ch('q')), Some(Bound::Quit));
    assert_eq!(map.resolve(Context::Inbox, &ch('/')), None);
    assert_eq!(map.keys_for(Context::Inbox, Bound::Next), ["down"]);
    assert_eq!(map.keys_for(Context::Inbox, Bound::Quit), ["ctrl-c"]);
    assert!(
        map.keys_for(Context::Conversation, Bound::Search)
            .is_empty()
    );
}

#[test]
fn empty_user_file_is_the_defaults() {
    assert_eq!(with_user(""), Keymap::defaults());
    assert_eq!(with_user("# nothing\n[inbox]\n"), Keymap::defaults());
}

#[test]
fn load_reads_the_user_file_and_tolerates_a_missing_one() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("keymap.toml");
    assert_eq!(Keymap::load(Some(&missing)).unwrap(), Keymap::defaults());

    std::fs::write(&missing, "[help]\nx = \"back\"\n").unwrap();
    let map = Keymap::load(Some(&missing)).unwrap();
    assert_eq!(map.resolve(Context::Help, &ch('x')), Some(Bound::Back));

    std::fs::write(&missing, "[help]\n\nx = \"bak\"\n").unwrap();
    let err = Keymap::load(Some(&missing)).unwrap_err();
    assert!(err.file.ends_with("keymap.toml"), "{}", err.file);
    assert_eq!((err.line, err.text.as_str()), (3, "bak"));
}

#[test]
fn load_reports_an_unreadable_file() {
    let dir = tempfile::tempdir().unwrap();
    // A directory cannot be read as a file.
    let err = Keymap::load(Some(dir.path())).unwrap_err();
    assert_eq!(err.line, 0);
    assert!(err.to_string().contains("cannot read"), "{err}");
}

// ---------------------------------------------------------------- errors

fn assert_err(err: &KeymapError, line: usize, text: &str, message_part: &str) {
    assert_eq!(err.file, USER, "{err}");
    assert_eq!(err.line, line, "{err}");
    assert_eq!(err.text, text, "{err}");
    assert!(err.message.contains(message_part), "{err}");
    assert_eq!(err.to_string(), format!("{USER}:{line}: {}", err.message));
}

#[test]
fn error_unknown_action() {
    let src = "# mine\n[inbox]\nj = \"next\"\n\nx = \"replay\"\n";
    let err = user_err(src);
    assert_err(&err, 5, "replay", "unknown action \"replay\" in [inbox]");
    assert!(
        err.message.contains("known actions: next, prev, page-down"),
        "{err}"
    );
    assert!(
        err.to_string().starts_with(
            "~/.config/rapport/keymap.toml:5: unknown action \"replay\" in [inbox] (known actions: next, prev,"
        ),
        "{err}"
    );
}

#[test]
fn error_malformed_keys() {
    for (key, src_key) in [
        ("ctrl-", "\"ctrl-\""),
        ("foo", "foo"),
        ("ctrl-shift-", "\"ctrl-shift-\""),
        ("", "\"\""),
        ("shift-1", "\"shift-1\""),
        ("f13", "f13"),
    ] {
        let src = format!("[global]\nq = \"quit\"\n\n[conversation]\n{src_key} = \"back\"\n");
        let err = user_err(&src);
        assert_err(&err, 5, key, "invalid key");
        assert!(err.message.contains("[conversation]"), "{err}");
    }
}

#[test]
fn error_unknown_section() {
    let err = user_err("[inbox]\nj = \"next\"\n[inbx]\nk = \"prev\"\n");
    assert_err(&err, 3, "inbx", "unknown section [inbx]");
    assert!(
        err.message
            .contains("global, inbox, conversation, profile, help")
    );
}

#[test]
fn error_binding_outside_a_section() {
    let err = user_err("# top\nj = \"next\"\n");
    assert_err(&err, 2, "j", "outside any section");
}

#[test]
fn error_value_not_a_string() {
    let err = user_err("[inbox]\nj = \"next\"\nk = 3\n");
    assert_err(&err, 3, "3", "not an integer");
    let err = user_err("[profile]\n\nj = [\"next\", \"prev\"]\n");
    assert_err(
        &err,
        3,
        "[\"next\", \"prev\"]",
        "must be an action name in quotes",
    );
    let err = user_err("[inbox]\nj = true\n");
    assert_err(&err, 2, "true", "not a boolean");
    // An unquoted key with a dot makes a nested table.
    let err = user_err("[inbox]\n\n\nctrl.d = \"next\"\n");
    assert_err(
        &err,
        4,
        "ctrl.d = \"next\"",
        "quote keys that contain a dot",
    );
    let err = user_err("[inbox]\nj = \"next\"\n[inbox.more]\nk = \"prev\"\n");
    assert_err(&err, 3, "[inbox.more]", "[inbox] cannot contain a table");
}

#[test]
fn error_same_key_two_spellings() {
    let err = user_err("[inbox]\npgdown = \"next\"\nj = \"next\"\npagedown = \"prev\"\n");
    assert_err(&err, 4, "pagedown", "same key as \"pgdown\" on line 2");
    let err = user_err("[help]\nG = \"top\"\nshift-g = \"top\"\n");
    assert_err(&err, 3, "shift-g", "same key as \"G\" on line 2");
    let err = user_err("[help]\nspace = \"top\"\n\" \" = \"top\"\n");
    assert_err(&err, 3, " ", "same key as \"space\"");
    let err = user_err("[help]\nctrl-d = \"top\"\nCtrl-D = \"top\"\n");
    assert_err(&err, 3, "Ctrl-D", "same key");
    // The same key in two different sections is fine.
    with_user("[inbox]\npgdown = \"next\"\n[conversation]\npagedown = \"next\"\n");
}

#[test]
fn error_literal_duplicate_key_is_a_toml_error() {
    let err = user_err("[inbox]\nj = \"next\"\nk = \"prev\"\nj = \"prev\"\n");
    assert_err(&err, 4, "j = \"prev\"", "invalid TOML");
}

#[test]
fn error_toml_syntax() {
    let err = user_err("[inbox]\nj = \"next\"\nk = \"prev\n");
    assert_err(&err, 3, "k = \"prev", "invalid TOML");
    let err = user_err("[inbox\nj = \"next\"\n");
    assert_err(&err, 1, "[inbox", "invalid TOML");
    let err = user_err("[inbox]\n\n? = \"help\"\n");
    assert_err(&err, 3, "? = \"help\"", "invalid TOML");
    assert!(err.message.contains("quote keys"), "{err}");
    let err = user_err("[inbox]\nj = next\n");
    assert_err(&err, 2, "j = next", "quote the action name");
    let err = user_err("[inbox]\nj = \"next\"\n[inbox]\nk = \"prev\"\n");
    assert_err(&err, 3, "[inbox]", "invalid TOML");
}

#[test]
fn errors_in_the_defaults_name_the_built_in_file() {
    let err = Keymap::from_sources("[inbox]\nj = \"nxt\"\n", None).unwrap_err();
    assert_eq!(err.file, DEFAULT_KEYMAP_NAME);
    assert_eq!(err.line, 2);
}

// ---------------------------------------------------------------- key syntax

#[test]
fn key_syntax() {
    let key = |s: &str| parse_key(s).unwrap();
    assert_eq!(key("pgdown"), key("pagedown"));
    assert_eq!(key("space"), key(" "));
    assert_eq!(key("Ctrl-D"), key("ctrl-d"));
    assert_eq!(key("CTRL-d"), key("ctrl-D"));
    assert_eq!(key("shift-g"), key("G"));
    assert_eq!(key("ENTER"), key("enter"));
    assert_ne!(key("g"), key("G"));
    assert_eq!(format_key(&key("G")), "G");
    assert_eq!(format_key(&key("Ctrl-D")), "ctrl-d");
    assert_eq!(format_key(&key("pagedown")), "pgdown");
    assert_eq!(format_key(&key("down")), "down");
    assert_eq!(format_key(&key("shift-tab")), "backtab");
    assert_eq!(format_key(&key("alt-enter")), "alt-enter");
    assert_eq!(format_key(&key("f1")), "f1");
    for bad in [
        "",
        "ctrl-",
        "ctrl-shift-",
        "foo",
        "shift-?",
        "ctrl-alt-ctrl-x",
    ] {
        assert!(parse_key(bad).is_err(), "{bad:?}");
    }
}
