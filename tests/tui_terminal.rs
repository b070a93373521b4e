//! Runs the real binary in a real terminal (tmux, 80x24): the inbox appears, `q` quits with
//! exit code 0, and the terminal is restored (main screen, cursor visible, cooked mode).

mod common;

use common::terminal::Terminal;

use std::path::Path;
use std::time::{Duration, Instant};

/// Presses `q` and waits until rapport has exited with status 0.
fn quit_ok(t: &Terminal) {
    t.keys(&["q"]);
    t.wait_for("rapport exited with 0", 10);
}

/// From a conversation: `q` goes back to the inbox (as in mutt), the second quits.
fn back_and_quit(t: &Terminal) {
    t.keys(&["q"]);
    t.wait_for("Awaiting reply (", 10);
    std::thread::sleep(Duration::from_millis(300));
    quit_ok(t);
}

fn start(dir: &Path, term: &str) -> Terminal {
    start_with(dir, term, "")
}

fn start_with(dir: &Path, term: &str, env: &str) -> Terminal {
    let bin = env!("CARGO_BIN_EXE_rapport");
    // Generate first so the terminal part of the test does not wait on it.
    let st = common::rapport_bin()
        .args(["demo", "--no-tui", "--data-dir"])
        .arg(dir.join("data"))
        .status()
        .unwrap();
    assert!(st.success());
    let script = format!(
        "{} {env} {bin} demo --data-dir {}; echo \"rapport exited with $?\"; \
         stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ' '; echo; sleep 120",
        common::clock_env(),
        dir.join("data").display()
    );
    Terminal::with_term(dir, term, &script)
}

#[test]
fn inbox_opens_and_q_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let tmux = start(dir.path(), "xterm-256color");
    let screen = tmux.wait_for("Awaiting reply", 30);
    assert!(screen.contains("rapport"), "title bar missing:\n{screen}");
    assert_eq!(
        tmux.tmux(&["display", "-p", "-t", "t", "#{alternate_on}"])
            .trim(),
        "1"
    );

    tmux.keys(&["q"]);
    let screen = tmux.wait_for("rapport exited with", 10);
    assert!(screen.contains("rapport exited with 0"), "{screen}");
    // Back on the main screen, with the cursor shown and the terminal in cooked mode again.
    assert_eq!(
        tmux.tmux(&["display", "-p", "-t", "t", "#{alternate_on} #{cursor_flag}"])
            .trim(),
        "0 1"
    );
    let modes = tmux.wait_for("icanon", 5);
    assert!(
        modes.contains("icanon echo") && !modes.contains("-icanon"),
        "terminal left in raw mode:\n{modes}"
    );
    assert!(
        !modes.contains("Awaiting reply"),
        "the inbox was left on the main screen:\n{modes}"
    );
}

#[test]
fn help_overlay_lists_the_keymap_and_search_narrows_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let tmux = start(dir.path(), "tmux-256color");
    tmux.wait_for("Awaiting reply", 30);
    tmux.keys(&["?"]);
    // Drawn from the keymap (the screen may be caught mid-draw: wait for the line).
    let help = tmux.wait_for("Next item", 5);
    assert!(help.contains("Help · esc closes"), "{help}");
    tmux.keys(&["Escape"]);
    // Wait for the overlay to close: keys sent right after ESC would read as alt-keys.
    let start = Instant::now();
    while tmux.screen().contains("Help · esc closes") {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "esc did not close the help"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    tmux.keys(&["2", "/", "unsubscribe", "Enter"]);
    let s = tmux.wait_for("search: unsubscribe", 5);
    assert!(s.contains("All ("), "{s}");
    quit_ok(&tmux);
}

#[test]
fn a_crash_still_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let tmux = start_with(
        dir.path(),
        "screen-256color",
        "RUST_BACKTRACE=0 RAPPORT_TEST_PANIC=1",
    );
    let screen = tmux.wait_for("rapport exited with", 30);
    assert!(screen.contains("rapport exited with 101"), "{screen}");
    assert!(
        screen.contains("crashing on purpose"),
        "the panic message is readable:\n{screen}"
    );
    assert_eq!(
        tmux.tmux(&["display", "-p", "-t", "t", "#{alternate_on} #{cursor_flag}"])
            .trim(),
        "0 1"
    );
    let modes = tmux.wait_for("icanon", 5);
    assert!(
        modes.contains("icanon echo") && !modes.contains("-icanon"),
        "terminal left in raw mode:\n{modes}"
    );
}

#[test]
fn replying_in_an_external_editor_hands_the_terminal_over_and_back() {
    let dir = tempfile::tempdir().unwrap();
    // An "editor" that writes a line of its own, like a recruiter would.
    let editor = dir.path().join("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nprintf 'Hello from the editor\\n' > \"$1.new\"\ncat \"$1\" | sed '1,/^$/!d' > \"$1.head\"\n\
         { cat \"$1.head\"; cat \"$1.new\"; sed '1,/^$/d' \"$1\"; } > \"$1.out\" && mv \"$1.out\" \"$1\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let tmux = start_with(
        dir.path(),
        "xterm-256color",
        &format!("EDITOR={}", editor.display()),
    );
    tmux.wait_for("Awaiting reply", 30);
    tmux.keys(&["r"]);
    // The demo has snippets: the picker comes first; no snippet.
    tmux.wait_for("Start from a snippet?", 10);
    tmux.keys(&["Enter"]);
    // After the editor, the review: Enter sends.
    tmux.wait_for("Review before sending", 10);
    tmux.keys(&["Enter"]);
    let s = tmux.wait_for("queued", 10);
    assert!(
        s.contains("Awaiting reply"),
        "the inbox is drawn again after the editor:\n{s}"
    );
    assert_eq!(
        tmux.tmux(&["display", "-p", "-t", "t", "#{alternate_on}"])
            .trim(),
        "1"
    );
    // The demo's outbox delivers to its folder of .eml files.
    let outgoing = dir.path().join("data/outgoing");
    let start = Instant::now();
    let eml = loop {
        if let Some(f) = std::fs::read_dir(&outgoing)
            .ok()
            .and_then(|mut d| d.find_map(|e| e.ok()))
        {
            break f.path();
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no .eml was written"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let sent = std::fs::read_to_string(eml).unwrap();
    assert!(
        sent.contains("Hello from the editor") && sent.contains("Subject: Re: "),
        "{sent}"
    );
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("rapport exited with", 10);
    assert!(screen.contains("rapport exited with 0"), "{screen}");
    assert_eq!(
        tmux.tmux(&["display", "-p", "-t", "t", "#{alternate_on} #{cursor_flag}"])
            .trim(),
        "0 1"
    );
}

#[test]
fn no_color_draws_without_colour_codes() {
    let dir = tempfile::tempdir().unwrap();
    let tmux = start_with(dir.path(), "xterm-256color", "NO_COLOR=1");
    tmux.wait_for("Awaiting reply", 30);
    // With escape sequences: only attributes (bold, reverse, dim) may appear, never colours.
    let raw = tmux.tmux(&["capture-pane", "-e", "-p", "-t", "t"]);
    for code in ["[3", "[9", ";3", "38;", "48;"] {
        let colour = raw.match_indices(code).any(|(i, _)| {
            let rest = &raw[i + code.len()..];
            code.contains("38;")
                || code.contains("48;")
                || rest.starts_with(|c: char| c.is_ascii_digit() && c != '9')
        });
        assert!(
            !colour,
            "colour code {code:?} drawn under NO_COLOR:\n{raw:?}"
        );
    }
    assert!(
        raw.contains("\u{1b}[7m") || raw.contains(";7m"),
        "the selection is still shown (reverse video)"
    );
    quit_ok(&tmux);
}

#[test]
fn reports_view_opens_with_r_and_enter_opens_a_waiting_candidate() {
    let dir = tempfile::tempdir().unwrap();
    let tmux = start(dir.path(), "linux");
    tmux.wait_for("Awaiting reply", 30);
    tmux.keys(&["R"]);
    // A capture can land in the middle of a redraw: wait for each pane rather than assume
    // the rest is there once the first one shows.
    tmux.wait_for("Response times per recruiter", 10);
    tmux.wait_for("over target", 10);
    tmux.wait_for("Reply times", 10);
    tmux.keys(&["b"]);
    tmux.wait_for("calendar time", 5);
    tmux.keys(&["Enter"]);
    // The conversation of the longest-waiting candidate, focused (◀ heads their messages).
    let s = tmux.wait_for("◀", 10);
    assert!(!s.contains("Response times per"), "{s}");
    // q from the candidate goes back to the Reports view, q there to the inbox.
    tmux.keys(&["q"]);
    tmux.wait_for("Response times per recruiter", 10);
    back_and_quit(&tmux);
}

#[test]
fn a_change_made_by_another_process_shows_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let tmux = start(dir.path(), "xterm-256color");
    tmux.wait_for("Awaiting reply", 30);
    let data = dir.path().join("data");
    let out = common::rapport_bin()
        .args(["candidates", "--awaiting", "--json", "--data-dir"])
        .arg(&data)
        .output()
        .unwrap();
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let email = list[0]["address"].as_str().unwrap().to_string();
    // A colleague renames the candidate at the top of the list from the command line.
    let renamed = Instant::now();
    let st = common::rapport_bin()
        .args(["rename", &email, "Zed Livechange", "--data-dir"])
        .arg(&data)
        .status()
        .unwrap();
    assert!(st.success());
    tmux.wait_for("Zed Livechange", 10);
    println!(
        "the open inbox showed the change after {:.2}s",
        renamed.elapsed().as_secs_f64()
    );
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("rapport exited with", 10);
    assert!(screen.contains("rapport exited with 0"), "{screen}");
}

/// Starts rapport on the demo in `data` as tmux session `name` (80x24) on the server `tmux`.
fn session(tmux: &Terminal, name: &str, term: &str, env: &str, data: &Path) {
    let bin = env!("CARGO_BIN_EXE_rapport");
    let script = format!(
        "{} {env} {bin} demo --data-dir {}; echo \"rapport exited with $?\"; sleep 120",
        common::clock_env(),
        data.display()
    );
    tmux.new_session(name, term, &script);
}

#[test]
fn linux_console_gets_only_the_16_base_colours_and_a_small_terminal_is_told() {
    let dir = tempfile::tempdir().unwrap();
    let tmux = start(dir.path(), "linux");
    tmux.wait_for("Awaiting reply", 30);
    // Colours as tmux stored them: every indexed colour is one of the 16 base colours (the
    // linux console maps those; indexes 16-255 and true colour would come out wrong).
    let raw = tmux.tmux(&["capture-pane", "-e", "-p", "-t", "t"]);
    assert!(raw.contains("\u{1b}["), "drawn with attributes: {raw:?}");
    for code in ["38;2;", "48;2;"] {
        assert!(
            !raw.contains(code),
            "true colour drawn on TERM=linux:\n{raw:?}"
        );
    }
    let mut indexes = Vec::new();
    for code in ["38;5;", "48;5;"] {
        for (i, _) in raw.match_indices(code) {
            let n: String = raw[i + code.len()..]
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            indexes.push(n.parse::<u8>().unwrap());
        }
    }
    assert!(!indexes.is_empty(), "the inbox is drawn in colour: {raw:?}");
    assert!(indexes.iter().all(|n| *n < 16), "{indexes:?}");
    // Below 80x24 it says so instead of drawing, and draws again when it is large enough.
    tmux.tmux(&["resize-window", "-t", "t", "-x", "70", "-y", "20"]);
    let small = tmux.wait_for("rapport needs at least 80x24", 10);
    assert!(small.contains("this terminal is 70x20"), "{small}");
    assert!(!small.contains("Awaiting reply"), "{small}");
    tmux.tmux(&["resize-window", "-t", "t", "-x", "80", "-y", "24"]);
    tmux.wait_for("Awaiting reply", 10);
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("rapport exited with", 10);
    assert!(screen.contains("rapport exited with 0"), "{screen}");
}

#[test]
fn two_recruiters_see_each_other_on_a_candidate() {
    // Two recruiters are two OS users (an actor is never taken from $USER).
    if !common::team::users_or_skip() {
        return;
    }
    let (dir, data) = common::team::shared_data_dir();
    let (alice, bob) = (common::team::MEMBERS[0], common::team::MEMBERS[1]);
    assert!(
        common::rapport_bin()
            .args(["demo", "--no-tui", "--data-dir"])
            .arg(&data)
            .status()
            .unwrap()
            .success()
    );
    let tmux = Terminal::server(dir.path());
    // No external editor: the built-in one keeps the draft on screen.
    session(
        &tmux,
        "a",
        "screen-256color",
        &format!("runuser -u {alice} -- env EDITOR= VISUAL="),
        &data,
    );
    session(
        &tmux,
        "b",
        "xterm-256color",
        &format!("runuser -u {bob} -- env EDITOR= VISUAL="),
        &data,
    );
    tmux.wait_in("a", "Awaiting reply", 30);
    tmux.wait_in("b", "Awaiting reply", 30);
    // Alice opens the first candidate and starts a reply (no snippet).
    tmux.tmux(&["send-keys", "-t", "a", "Enter"]);
    tmux.tmux(&["send-keys", "-t", "a", "r"]);
    tmux.wait_in("a", "Start from a snippet?", 10);
    tmux.tmux(&["send-keys", "-t", "a", "Enter"]);
    tmux.wait_in("a", "Writing", 10);
    // Bob's inbox marks the candidate, and opening it says who is replying.
    tmux.wait_in("b", &format!("✎ {alice}"), 10);
    tmux.tmux(&["send-keys", "-t", "b", "Enter"]);
    tmux.wait_in(
        "b",
        &format!("{alice} is replying — check before you answer"),
        10,
    );
    // A third recruiter's command line hears of it too.
    let first: serde_json::Value = serde_json::from_slice(
        &common::rapport_bin()
            .args(["candidates", "--awaiting", "--json", "--data-dir"])
            .arg(&data)
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let body = dir.path().join("body.txt");
    std::fs::write(&body, "Hello\n").unwrap();
    let out = common::rapport_bin()
        .args([
            "reply",
            first[0]["address"].as_str().unwrap(),
            "--body-file",
        ])
        .arg(&body)
        .arg("--data-dir")
        .arg(&data)
        .env("USER", "carol")
        .env("RAPPORT_CONFIG", dir.path().join("none.toml"))
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "note: {alice} is replying this candidate right now"
        )),
        "{err}"
    );
    // Alice keeps her draft and goes back: Bob sees her viewing, then gone when she quits.
    tmux.tmux(&["send-keys", "-t", "a", "Escape"]);
    tmux.wait_in("b", &format!("{alice} is viewing"), 10);
    // q goes back from the conversation, the second quits.
    tmux.tmux(&["send-keys", "-t", "a", "q"]);
    tmux.wait_in("a", "Awaiting reply (", 10);
    std::thread::sleep(Duration::from_millis(300));
    tmux.tmux(&["send-keys", "-t", "a", "q"]);
    tmux.wait_in("a", "rapport exited with 0", 10);
    let start = Instant::now();
    while tmux.screen_of("b").contains(&format!("{alice} is")) {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "alice's presence outlived her session"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // Bob reads the conversation: q goes back, the second quits.
    tmux.tmux(&["send-keys", "-t", "b", "q"]);
    tmux.wait_in("b", "Awaiting reply (", 10);
    std::thread::sleep(Duration::from_millis(300));
    tmux.tmux(&["send-keys", "-t", "b", "q"]);
    tmux.wait_in("b", "rapport exited with 0", 10);
}

/// Whether process `pid` has ended (gone, or a zombie nobody has reaped yet).
fn ended(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(s) => s
            .rsplit_once(") ")
            .is_some_and(|(_, rest)| rest.starts_with('Z')),
    }
}

/// Who holds the sync lease of `data`, as `rapport status --json` says ("pid@host").
fn lease_holder(data: &Path, config: &Path) -> Option<String> {
    let out = common::rapport_bin()
        .arg("--data-dir")
        .arg(data)
        .arg("--config")
        .arg(config)
        .args(["status", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    v["sync_lease"]["holder"].as_str().map(str::to_owned)
}

/// Issue 13: an inbox whose terminal disappears without a SIGHUP (ignored here, as `nohup` or
/// a careless wrapper would) used to spin on the CPU in crossterm's reader and hold the sync
/// lease for ever. It must end within seconds and release the lease at once (the lease here
/// lasts a minute, so only a release frees it in time).
#[test]
fn an_inbox_whose_terminal_is_gone_ends_and_releases_the_sync_lease() {
    let servers = common::mail::MailServers::start();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        servers.config("tls", &format!("ca_file = \"{}\"", servers.ca().display())),
    )
    .unwrap();
    let pid_file = dir.path().join("pid");
    let script = format!(
        "trap '' HUP; echo $$ > {pid}; exec env {clock} RAPPORT_SYNC_LEASE_SECS=60 {pw}={secret} \
         {bin} --data-dir {data} --config {config}",
        pid = pid_file.display(),
        clock = common::clock_env(),
        pw = common::mail::PASSWORD_ENV,
        secret = servers.password(),
        bin = env!("CARGO_BIN_EXE_rapport"),
        data = data.display(),
        config = config.display(),
    );
    let tmux = Terminal::with_term(dir.path(), "xterm-256color", &script);
    tmux.wait_for("Awaiting reply", 30);
    common::team::wait_for("the pid file", Duration::from_secs(10), || {
        std::fs::read_to_string(&pid_file).is_ok_and(|p| p.trim().parse::<i32>().is_ok())
    });
    let pid: i32 = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    common::team::wait_for(
        "the inbox takes the sync lease",
        Duration::from_secs(30),
        || lease_holder(&data, &config).is_some_and(|h| h.starts_with(&format!("{pid}@"))),
    );
    // The terminal goes away; the SIGHUP that comes with it is ignored.
    tmux.tmux(&["kill-server"]);
    let took = common::team::wait_for("the inbox ends", Duration::from_secs(10), || ended(pid));
    println!(
        "the inbox ended {:.1}s after its terminal",
        took.as_secs_f64()
    );
    common::team::wait_for("the sync lease is released", Duration::from_secs(5), || {
        lease_holder(&data, &config).is_none()
    });
}

#[test]
fn a_draft_swapped_for_a_link_while_editing_never_reaches_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let private = dir.path().join("private.txt");
    std::fs::write(&private, "TOPSECRET-7f3a\n").unwrap();
    std::fs::set_permissions(
        &private,
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();
    // An "editor" that, while editing, puts a link to a private file in the draft's place.
    let editor = dir.path().join("editor.sh");
    std::fs::write(
        &editor,
        format!(
            "#!/bin/sh\nrm -f \"$1\" && ln -s {} \"$1\"\n",
            private.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let tmux = start_with(
        dir.path(),
        "xterm-256color",
        &format!("EDITOR={}", editor.display()),
    );
    tmux.wait_for("Awaiting reply", 30);
    tmux.keys(&["r"]);
    tmux.wait_for("Start from a snippet?", 10);
    tmux.keys(&["Enter"]);
    tmux.wait_for("the editor failed", 10);
    quit_ok(&tmux);
    let data = dir.path().join("data");
    for f in std::fs::read_dir(&data).unwrap() {
        let p = f.unwrap().path();
        if p.is_file() {
            let bytes = std::fs::read(&p).unwrap();
            assert!(
                !bytes.windows(14).any(|w| w == b"TOPSECRET-7f3a"),
                "the private file reached {}",
                p.display()
            );
        }
    }
    assert!(!data.join("outgoing").exists(), "something was sent");
    assert_eq!(
        std::fs::read_to_string(&private).unwrap(),
        "TOPSECRET-7f3a\n"
    );
}

/// The runner executes the writes the keys ask for: a rename on the UI thread, an erasure
/// (with its VACUUM) on a thread of its own, each answered on the status line.
#[test]
fn a_rename_and_an_erasure_typed_in_the_inbox_are_carried_out() {
    let dir = tempfile::tempdir().unwrap();
    let tmux = start(dir.path(), "xterm-256color");
    tmux.wait_for("Awaiting reply", 30);
    let data = dir.path().join("data");
    let cli = |args: &[&str]| {
        common::rapport_bin()
            .args(args)
            .arg("--data-dir")
            .arg(&data)
            .output()
            .unwrap()
    };
    let list: serde_json::Value =
        serde_json::from_slice(&cli(&["candidates", "--awaiting", "--json"]).stdout).unwrap();
    let email = list[0]["address"].as_str().unwrap().to_string();
    tmux.keys(&["n"]);
    tmux.keys(&["C-u"]);
    for _ in 0..60 {
        tmux.keys(&["BSpace"]);
    }
    tmux.keys(&["Zed Keyboard", "Enter"]);
    tmux.wait_for("name saved", 10);
    let shown = cli(&["show", &email, "--json"]);
    assert!(
        String::from_utf8_lossy(&shown.stdout).contains("Zed Keyboard"),
        "{}",
        String::from_utf8_lossy(&shown.stderr)
    );
    tmux.keys(&["X"]);
    tmux.wait_for("Confirm", 10);
    tmux.keys(&[&email, "Enter"]);
    tmux.wait_for("erased (", 20);
    let gone = cli(&["show", &email]);
    assert!(!gone.status.success());
    assert!(
        String::from_utf8_lossy(&gone.stderr).contains("erased on request"),
        "{}",
        String::from_utf8_lossy(&gone.stderr)
    );
    quit_ok(&tmux);
}

#[test]
fn a_colleagues_call_leaves_the_open_conversation_in_place_with_a_banner() {
    let dir = tempfile::tempdir().unwrap();
    let tmux = start(dir.path(), "xterm-256color");
    tmux.wait_for("Awaiting reply", 30);
    let data = dir.path().join("data");
    let out = common::rapport_bin()
        .args(["candidates", "--awaiting", "--json", "--data-dir"])
        .arg(&data)
        .output()
        .unwrap();
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let email = list[0]["address"].as_str().unwrap().to_string();
    let name: String = list[0]["name"].as_str().unwrap().chars().take(6).collect();
    // Session A reads the candidate at the top of "Awaiting reply".
    tmux.keys(&["Enter"]);
    let before = tmux.wait_for(&format!("┌ {name}"), 10);
    // Session B (a colleague on the command line) logs a call with them: the wait is answered.
    let st = common::rapport_bin()
        .args([
            "log-contact",
            &email,
            "--channel",
            "phone",
            "--outcome",
            "talked",
            "--data-dir",
        ])
        .arg(&data)
        .status()
        .unwrap();
    assert!(st.success());
    let after = tmux.wait_for("logged by", 10);
    // Still the same candidate: the pane's title is unchanged.
    let title = |s: &str| {
        s.lines()
            .find(|l| l.contains('┌'))
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(title(&before), title(&after), "{before}\n---\n{after}");
    assert!(after.contains(&format!("┌ {name}")), "{after}");
    back_and_quit(&tmux);
}

#[test]
fn the_demo_is_used_as_its_team_not_as_the_os_login() {
    let dir = tempfile::tempdir().unwrap();
    let tmux = start(dir.path(), "xterm-256color");
    tmux.wait_for("Awaiting reply", 30);
    // A note is signed by who acts.
    tmux.keys(&["N"]);
    tmux.wait_for("Internal note", 10);
    tmux.type_text("Called, will write back");
    tmux.keys(&["C-s"]);
    tmux.keys(&["Enter"]);
    let s = tmux.wait_for("✎ note", 10);
    assert!(s.contains("✎ note · Alice Moreau"), "{s}");
    let login = rapport_core::shared_dir::os_user();
    assert!(!s.contains(&format!("✎ note · {login}")), "{s}");
    tmux.keys(&["q", "q"]);
    tmux.wait_for("rapport exited with", 10);
}

/// The Share view in the real binary: W, n, the tagged snippet, the form as it comes, the
/// preview (computed off the UI thread), the number typed: the share is in `rapport shares`.
#[test]
fn a_share_created_in_the_share_view_is_listed_by_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let tmux = start(dir.path(), "xterm-256color");
    tmux.wait_for("Awaiting reply", 30);
    tmux.keys(&["W"]);
    tmux.wait_for("No shares yet", 10);
    tmux.keys(&["n"]);
    tmux.wait_for("Share a snippet", 10);
    tmux.keys(&["Enter"]);
    tmux.wait_for("previews it", 10);
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("will receive it", 30);
    let n: usize = screen
        .lines()
        .find_map(|l| {
            let (before, _) = l.split_once(" will receive it")?;
            // After the pane's border.
            before
                .rsplit(|c: char| !c.is_ascii_digit())
                .next()?
                .parse()
                .ok()
        })
        .unwrap_or_else(|| panic!("the number of recipients: {screen}"));
    assert!(n > 0, "{screen}");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Create the share?", 10);
    tmux.type_text(&n.to_string());
    tmux.keys(&["Enter"]);
    tmux.wait_for("created:", 20);
    let out = common::rapport_bin()
        .args(["shares", "--json", "--data-dir"])
        .arg(dir.path().join("data"))
        .output()
        .unwrap();
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    // Every previewed recipient is planned, or already released by the worker below.
    let counted = ["planned", "queued", "sent"]
        .iter()
        .map(|k| list[0][k].as_u64().unwrap())
        .sum::<u64>();
    assert_eq!(counted, n as u64, "{list}");
    assert_eq!(list[0]["state"], "active");
    // The open inbox's outbox worker releases it (those whose working hours it is, at the
    // pace set) and delivers it: here into the demo's outgoing folder.
    let outgoing = dir.path().join("data").join("outgoing");
    let shared = |d: &Path| -> usize {
        std::fs::read_dir(d)
            .map(|rd| {
                rd.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
                    .filter(|m| m.contains("Message-ID: <share1."))
                    .count()
            })
            .unwrap_or(0)
    };
    let start = Instant::now();
    while shared(&outgoing) == 0 && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(200));
    }
    let sent = shared(&outgoing);
    assert!(sent > 0 && sent <= n, "{sent} of {n} delivered");
    tmux.wait_for("sent", 10);
    // q goes back to the list, again to the inbox, and a third time quits.
    tmux.keys(&["q"]);
    tmux.wait_for("Shares · 1", 10);
    tmux.keys(&["q"]);
    tmux.wait_for("Awaiting reply (", 10);
    std::thread::sleep(Duration::from_millis(300));
    quit_ok(&tmux);
}
