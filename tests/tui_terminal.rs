//! Runs the real binary in a real terminal (tmux, 80x24): the inbox appears, `q` quits with
//! exit code 0, and the terminal is restored (main screen, cursor visible, cooked mode).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    socket: std::path::PathBuf,
}

impl Tmux {
    fn cmd(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux is installed (scripts/test.sh installs it)");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
    fn screen(&self) -> String {
        self.cmd(&["capture-pane", "-p", "-t", "t"])
    }
    fn wait_for(&self, needle: &str, secs: u64) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(needle) {
                return s;
            }
            if start.elapsed() > Duration::from_secs(secs) {
                panic!("{needle:?} did not appear within {secs}s; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}

fn start(dir: &Path, term: &str) -> Tmux {
    start_with(dir, term, "")
}

fn start_with(dir: &Path, term: &str, env: &str) -> Tmux {
    let bin = env!("CARGO_BIN_EXE_rapport");
    // Generate first so the terminal part of the test does not wait on it.
    let st = Command::new(bin)
        .args(["demo", "--no-tui", "--data-dir"])
        .arg(dir.join("data"))
        .status()
        .unwrap();
    assert!(st.success());
    let tmux = Tmux {
        socket: dir.join("tmux.sock"),
    };
    let script = format!(
        "{env} {bin} demo --data-dir {}; echo \"rapport exited with $?\"; \
         stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ' '; echo; sleep 120",
        dir.join("data").display()
    );
    tmux.cmd(&[
        "-f",
        "/dev/null",
        "new-session",
        "-d",
        "-s",
        "t",
        "-x",
        "80",
        "-y",
        "24",
        "-e",
        &format!("TERM={term}"),
        "sh",
        "-c",
        &script,
    ]);
    tmux
}

#[test]
fn inbox_opens_and_q_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let tmux = start(dir.path(), "xterm-256color");
    let screen = tmux.wait_for("Awaiting reply", 30);
    assert!(screen.contains("rapport"), "title bar missing:\n{screen}");
    assert_eq!(
        tmux.cmd(&["display", "-p", "-t", "t", "#{alternate_on}"])
            .trim(),
        "1"
    );

    tmux.cmd(&["send-keys", "-t", "t", "q"]);
    let screen = tmux.wait_for("rapport exited with", 10);
    assert!(screen.contains("rapport exited with 0"), "{screen}");
    // Back on the main screen, with the cursor shown and the terminal in cooked mode again.
    assert_eq!(
        tmux.cmd(&["display", "-p", "-t", "t", "#{alternate_on} #{cursor_flag}"])
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
    tmux.cmd(&["send-keys", "-t", "t", "?"]);
    // Drawn from the keymap (the screen may be caught mid-draw: wait for the line).
    let help = tmux.wait_for("Next item", 5);
    assert!(help.contains("Help · esc closes"), "{help}");
    tmux.cmd(&["send-keys", "-t", "t", "Escape"]);
    // Wait for the overlay to close: keys sent right after ESC would read as alt-keys.
    let start = Instant::now();
    while tmux.screen().contains("Help · esc closes") {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "esc did not close the help"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    tmux.cmd(&["send-keys", "-t", "t", "2", "/", "unsubscribe", "Enter"]);
    let s = tmux.wait_for("search: unsubscribe", 5);
    assert!(s.contains("All ("), "{s}");
    tmux.cmd(&["send-keys", "-t", "t", "q"]);
    tmux.wait_for("rapport exited with 0", 10);
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
        tmux.cmd(&["display", "-p", "-t", "t", "#{alternate_on} #{cursor_flag}"])
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
    tmux.cmd(&["send-keys", "-t", "t", "r"]);
    // The demo has snippets: the picker comes first; no snippet.
    tmux.wait_for("Start from a snippet?", 10);
    tmux.cmd(&["send-keys", "-t", "t", "Enter"]);
    let s = tmux.wait_for("queued", 10);
    assert!(
        s.contains("Awaiting reply"),
        "the inbox is drawn again after the editor:\n{s}"
    );
    assert_eq!(
        tmux.cmd(&["display", "-p", "-t", "t", "#{alternate_on}"])
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
    tmux.cmd(&["send-keys", "-t", "t", "q"]);
    let screen = tmux.wait_for("rapport exited with", 10);
    assert!(screen.contains("rapport exited with 0"), "{screen}");
    assert_eq!(
        tmux.cmd(&["display", "-p", "-t", "t", "#{alternate_on} #{cursor_flag}"])
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
    let raw = tmux.cmd(&["capture-pane", "-e", "-p", "-t", "t"]);
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
    tmux.cmd(&["send-keys", "-t", "t", "q"]);
    tmux.wait_for("rapport exited with 0", 10);
}

#[test]
fn reports_view_opens_with_r_and_enter_opens_a_waiting_candidate() {
    let dir = tempfile::tempdir().unwrap();
    let tmux = start(dir.path(), "linux");
    tmux.wait_for("Awaiting reply", 30);
    tmux.cmd(&["send-keys", "-t", "t", "R"]);
    let s = tmux.wait_for("Response times per recruiter", 10);
    assert!(s.contains("over target"), "{s}");
    assert!(s.contains("Reply times"), "{s}");
    tmux.cmd(&["send-keys", "-t", "t", "b"]);
    tmux.wait_for("calendar time", 5);
    tmux.cmd(&["send-keys", "-t", "t", "Enter"]);
    // The conversation of the longest-waiting candidate, focused (◀ heads their messages).
    let s = tmux.wait_for("◀", 10);
    assert!(!s.contains("Response times per"), "{s}");
    tmux.cmd(&["send-keys", "-t", "t", "q"]);
    tmux.wait_for("rapport exited with 0", 10);
}

#[test]
fn a_change_made_by_another_process_shows_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let tmux = start(dir.path(), "xterm-256color");
    tmux.wait_for("Awaiting reply", 30);
    let bin = env!("CARGO_BIN_EXE_rapport");
    let data = dir.path().join("data");
    let out = Command::new(bin)
        .args(["candidates", "--awaiting", "--json", "--data-dir"])
        .arg(&data)
        .output()
        .unwrap();
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let email = list[0]["address"].as_str().unwrap().to_string();
    // A colleague renames the candidate at the top of the list from the command line.
    let renamed = Instant::now();
    let st = Command::new(bin)
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
}
