//! The people use cases through both front ends: the TUI's keys only ask for a write (a
//! command), nothing is written until the runner executes it, and the command line and the
//! keyboard leave the same ledger, audit and records behind.

mod common;

use common::*;
use rapport::ui::action::{Action, Bound};
use rapport::ui::state::{Command, Mode, State};
use rapport::ui::update::update;
use rapport::ui::write::{Finished, Write, settle};
use rapport_core::store::Store;
use std::path::Path;

/// One key, without executing what it asks for.
fn press(s: &mut State, b: Bound) -> Vec<Command> {
    update(s, Action::Key(b))
}

/// One key, its writes executed as the runner does.
fn key(s: &mut State, b: Bound) {
    let out = press(s, b);
    settle(s, out);
}

fn type_text(s: &mut State, text: &str) {
    for c in text.chars() {
        update(s, Action::FormInput(c));
    }
}

fn focus_field(s: &mut State, label: &str) {
    for _ in 0..20 {
        if let Mode::Form(f) = &s.mode
            && f.fields[f.focus].label == label
        {
            return;
        }
        press(s, Bound::NextField);
    }
    panic!("no field {label}");
}

fn writes(out: &[Command]) -> Vec<&Write> {
    out.iter()
        .filter_map(|c| match c {
            Command::Write(w) => Some(w),
            _ => None,
        })
        .collect()
}

/// Every row of the audit log: (actor, action, candidate, detail).
type Audit = Vec<(String, String, Option<i64>, String)>;

fn audit(dir: &Path) -> Audit {
    let c = rusqlite::Connection::open(Store::open_in(dir).unwrap().path()).unwrap();
    let mut st = c
        .prepare("SELECT actor, action, candidate_id, detail FROM audit_log ORDER BY id")
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// The candidate's ledger without the times: (field, old, new, source, basis, note, actor).
type Ledger = Vec<(
    String,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    String,
    String,
)>;

fn ledger(dir: &Path, email: &str) -> Ledger {
    let store = Store::open_in(dir).unwrap();
    let c = store.candidate_by_address(email).unwrap().unwrap();
    store
        .ledger(c)
        .unwrap()
        .into_iter()
        .map(|e| {
            (
                e.field,
                e.old_value,
                e.new_value,
                e.source.to_string(),
                e.legal_basis.map(|b| b.to_string()),
                e.note,
                e.actor,
            )
        })
        .collect()
}

/// The same demo twice: one for the keyboard (its state), one for the command line.
struct Twins {
    tui_dir: tempfile::TempDir,
    s: State,
    cli_dir: tempfile::TempDir,
}

fn twins() -> Twins {
    let (tui_dir, store) = demo_store();
    let mut s = state_over(store, 80, 24);
    // Both front ends act as the same recruiter (the CLI's is the OS user without a config).
    s.actor = rapport_core::shared_dir::os_user();
    let (cli_dir, store) = demo_store();
    drop(store);
    key(&mut s, Bound::FilterAll);
    Twins {
        tui_dir,
        s,
        cli_dir,
    }
}

impl Twins {
    fn cli(&self, args: &[&str]) {
        let o = rapport_bin()
            .args(args)
            .env("RAPPORT_DATA_DIR", self.cli_dir.path())
            .env("RAPPORT_CONFIG", self.cli_dir.path().join("no-config.toml"))
            .env("TZ", "UTC")
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }

    /// Selects the first candidate `pick` accepts; returns their first address.
    fn select(&mut self, pick: impl Fn(&rapport_core::store::Profile) -> bool) -> String {
        for _ in 0..self.s.total {
            if let Some(p) = &self.s.profile
                && pick(p)
            {
                return p.addresses[0].clone();
            }
            key(&mut self.s, Bound::Next);
        }
        panic!("no such candidate in the demo");
    }

    /// The same audit entries; a snooze's end is compared apart (each front end reads its
    /// own clock for "3d").
    fn same_audit(&self) {
        let strip = |a: Audit| -> Audit {
            a.into_iter()
                .map(|(who, action, c, detail)| {
                    let detail = if action == "snooze" {
                        String::new()
                    } else {
                        detail
                    };
                    (who, action, c, detail)
                })
                .collect()
        };
        let tui = strip(audit(self.tui_dir.path()));
        assert!(
            tui.iter().any(|(who, ..)| *who == self.s.actor),
            "the keyboard's changes are audited: {tui:?}"
        );
        assert_eq!(tui, strip(audit(self.cli_dir.path())));
    }

    fn same_ledger(&self, email: &str) {
        let (t, c) = (
            ledger(self.tui_dir.path(), email),
            ledger(self.cli_dir.path(), email),
        );
        assert!(!t.is_empty(), "something was recorded");
        assert_eq!(t, c);
    }
}

// --- The keys ask; nothing is written before the runner executes ------------------------

#[test]
fn a_submitted_form_is_a_write_command_and_the_store_is_untouched_until_it_runs() {
    let (_d, mut s) = demo_state(80, 24);
    key(&mut s, Bound::FilterAll);
    let c = s.profile.clone().unwrap();
    let ledger_before = s.store.ledger(c.id).unwrap();
    key(&mut s, Bound::OptOut);
    focus_field(&mut s, "Reason");
    type_text(&mut s, "asked on the phone");
    let out = press(&mut s, Bound::Submit);
    assert_eq!(
        writes(&out),
        vec![&Write::RecordOptOut {
            candidate: c.id,
            scope: rapport_core::values::OptOutScope::All,
            reason: "asked on the phone".into(),
            source: rapport_core::actions::optout::Source::CallNote,
        }]
    );
    assert_eq!(
        s.store.ledger(c.id).unwrap(),
        ledger_before,
        "not yet written"
    );
    assert!(
        matches!(s.mode, Mode::Form(_)),
        "open until the write is done"
    );
    settle(&mut s, out);
    assert_eq!(s.mode, Mode::Normal);
    assert_eq!(s.notice.as_deref(), Some("opt-out recorded (all)"));
    assert!(s.store.profile(c.id).unwrap().unwrap().opted_out());
}

#[test]
fn keys_outside_forms_ask_for_their_use_case() {
    let (_d, mut s) = demo_state(80, 24);
    key(&mut s, Bound::FilterAll);
    let c = s.profile.as_ref().unwrap().id;
    assert_eq!(
        writes(&press(&mut s, Bound::UndoMerge)),
        vec![&Write::UndoMerge { candidate: c }]
    );
    // Without a waiting request the banner keys ask for nothing.
    let i = s.rows.iter().position(|r| !r.optout_request).unwrap();
    for _ in 0..i {
        key(&mut s, Bound::Next);
    }
    assert!(writes(&press(&mut s, Bound::AcceptOptOut)).is_empty());
    assert!(s.notice.as_deref().unwrap().contains("no opt-out request"));
    assert!(writes(&press(&mut s, Bound::DismissOptOut)).is_empty());
    // With one, each asks for its use case.
    key(&mut s, Bound::Top);
    let i = s.rows.iter().position(|r| r.optout_request).unwrap();
    for _ in 0..i {
        key(&mut s, Bound::Next);
    }
    let c = s.profile.as_ref().unwrap().id;
    assert_eq!(
        writes(&press(&mut s, Bound::AcceptOptOut)),
        vec![&Write::AcceptOptOut { candidate: c }]
    );
    assert_eq!(
        writes(&press(&mut s, Bound::DismissOptOut)),
        vec![&Write::DismissOptOut { candidate: c }]
    );
}

#[test]
fn a_form_the_validator_refuses_asks_for_nothing() {
    let (_d, mut s) = demo_state(80, 24);
    key(&mut s, Bound::EditPreferences);
    focus_field(&mut s, "Time zone");
    for _ in 0..40 {
        update(&mut s, Action::FormBackspace);
    }
    type_text(&mut s, "Mars/Olympus");
    let out = press(&mut s, Bound::Submit);
    assert!(writes(&out).is_empty());
    let Mode::Form(f) = &s.mode else {
        panic!("the form stays open")
    };
    assert!(f.error.as_deref().unwrap().contains("unknown time zone"));
}

#[test]
fn a_write_refused_by_the_store_shows_in_the_form_that_asked() {
    let (_d, mut s) = demo_state(80, 24);
    key(&mut s, Bound::Rename);
    for _ in 0..80 {
        update(&mut s, Action::FormBackspace);
    }
    let out = press(&mut s, Bound::Submit);
    let [Write::Rename { candidate, .. }] = writes(&out)[..] else {
        panic!("rename asks for a write")
    };
    let candidate = *candidate;
    let refused = Finished {
        write: Write::Rename {
            candidate,
            name: String::new(),
        },
        result: Err("a name cannot be empty".into()),
    };
    update(&mut s, Action::Done(Box::new(refused)));
    let Mode::Form(f) = &s.mode else {
        panic!("the form stays open")
    };
    assert_eq!(f.error.as_deref(), Some("a name cannot be empty"));
}

#[test]
fn erase_asks_for_the_erasure_and_the_answer_queues_the_server_copies() {
    let (_d, mut s) = demo_state(80, 24);
    s.erase_on_server = true;
    let p = s.profile.clone().unwrap();
    key(&mut s, Bound::Erase);
    type_text(&mut s, &p.addresses[0]);
    let out = press(&mut s, Bound::Submit);
    assert_eq!(
        writes(&out),
        vec![&Write::Erase {
            candidate: p.id,
            on_server: true
        }]
    );
    assert!(s.store.profile(p.id).unwrap().is_some(), "not yet erased");
    // Enter again while it runs asks for nothing more.
    assert!(writes(&press(&mut s, Bound::Submit)).is_empty());
    // The demo's mail has no server copies; a deferred answer asks for the deletion.
    let dir = tempfile::tempdir().unwrap();
    let w = writes(&out)[0].clone();
    let f = rapport::ui::write::execute(&mut s.store, dir.path(), "alice", w);
    let mut f2 = f.clone();
    if let Ok(rapport::ui::write::Outcome::Erased(o)) = &mut f2.result {
        o.server = rapport_core::actions::erase::Server::Deferred(vec![("INBOX".into(), 7)]);
    }
    let then = update(&mut s, Action::Done(Box::new(f2)));
    assert_eq!(
        then,
        vec![Command::EraseOnServer(vec![("INBOX".into(), 7)])]
    );
    assert!(s.notice.as_deref().unwrap().starts_with("erased ("));
    assert!(!s.slow_write, "done: the next erasure can be asked for");
    // The server's answer is audited through a write too.
    let out = update(&mut s, Action::ServerErased(Ok(vec![("INBOX".into(), 1)])));
    assert!(matches!(
        writes(&out)[..],
        [Write::RecordServerErase { .. }]
    ));
}

/// Empties the focused text field of the open form.
fn clear_field(s: &mut State) {
    for _ in 0..400 {
        update(s, Action::FormBackspace);
    }
}

/// The open form's error, if the form is open.
fn form_error(s: &State) -> Option<String> {
    match &s.mode {
        Mode::Form(f) => f.error.clone(),
        _ => None,
    }
}

#[test]
fn export_asks_where_then_writes_a_new_private_file_through_the_runner() {
    let (_d, mut s) = demo_state(80, 24);
    let c = s.profile.as_ref().unwrap().id;
    key(&mut s, Bound::Export);
    let Mode::Form(f) = &s.mode else {
        panic!("export asks where")
    };
    // By default in the home dir, named after the candidate; never in the (shared) data dir.
    let home = rapport_core::paths::home_dir().unwrap();
    assert_eq!(
        f.text("File"),
        home.join(format!("rapport-export-{c}.json"))
            .display()
            .to_string()
    );
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("export.json");
    clear_field(&mut s);
    type_text(&mut s, &path.display().to_string());
    let asked = press(&mut s, Bound::Submit);
    assert_eq!(
        writes(&asked),
        vec![&Write::Export {
            candidate: c,
            path: path.clone()
        }]
    );
    assert!(
        !path.exists(),
        "nothing is written before the runner runs it"
    );
    settle(&mut s, asked);
    assert_eq!(s.mode, Mode::Normal);
    assert_eq!(
        s.notice,
        Some(format!("wrote {} and its summary .txt", path.display()))
    );
    assert!(path.with_extension("txt").exists(), "the summary beside it");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(doc["candidates"][0]["id"], c);
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn export_from_the_keyboard_refuses_an_existing_file_a_link_and_a_relative_path() {
    let (_d, mut s) = demo_state(80, 24);
    let out = tempfile::tempdir().unwrap();
    let taken = out.path().join("taken.json");
    std::fs::write(&taken, "mine").unwrap();
    let theirs = out.path().join("theirs.txt");
    std::fs::write(&theirs, "theirs").unwrap();
    let link = out.path().join("link.json");
    std::os::unix::fs::symlink(&theirs, &link).unwrap();
    let dangling = out.path().join("dangling.json");
    std::os::unix::fs::symlink(out.path().join("elsewhere.json"), &dangling).unwrap();
    key(&mut s, Bound::Export);
    for (path, says) in [
        (&taken, "already exists"),
        (&link, "symbolic link"),
        (&dangling, "symbolic link"),
    ] {
        clear_field(&mut s);
        type_text(&mut s, &path.display().to_string());
        key(&mut s, Bound::Submit);
        let e = form_error(&s).expect("the form stays open with the reason");
        assert!(e.contains(says), "{}: {e}", path.display());
    }
    assert_eq!(std::fs::read_to_string(&taken).unwrap(), "mine");
    assert_eq!(std::fs::read_to_string(&theirs).unwrap(), "theirs");
    assert!(!out.path().join("elsewhere.json").exists());
    // A relative path would land wherever rapport was started: it is not asked for at all.
    clear_field(&mut s);
    type_text(&mut s, "export.json");
    assert!(writes(&press(&mut s, Bound::Submit)).is_empty());
    assert!(form_error(&s).unwrap().contains("full path"));
    key(&mut s, Bound::Cancel);
    assert_eq!(s.mode, Mode::Normal);
}

/// Selects the first listed candidate whose message was read as asking to stop.
fn select_request(s: &mut State) -> i64 {
    key(s, Bound::Top);
    let i = s.rows.iter().position(|r| r.optout_request).unwrap();
    for _ in 0..i {
        key(s, Bound::Next);
    }
    s.profile.as_ref().unwrap().id
}

/// Stores `scope` as what the waiting request of `candidate` asks for, as ingest stores what
/// it read (the demo's requests all read as "all").
fn set_request_scope(dir: &Path, candidate: i64, scope: &str) {
    let c = rusqlite::Connection::open(dir.join(rapport_core::store::DB_FILE)).unwrap();
    let n = c
        .execute(
            "UPDATE messages SET optout_scope = ?2
             WHERE id = (SELECT optout_request FROM candidates WHERE id = ?1)",
            (candidate, scope),
        )
        .unwrap();
    assert_eq!(n, 1, "candidate {candidate} has a waiting request");
}

/// The scope the open opt-out form would record.
fn scope_asked(s: &mut State) -> rapport_core::values::OptOutScope {
    focus_field(s, "Reason");
    type_text(s, "their words");
    let out = press(s, Bound::Submit);
    let [Write::RecordOptOut { scope, .. }] = writes(&out)[..] else {
        panic!("the opt-out form asks for an opt-out: {out:?}")
    };
    let scope = scope.clone();
    press(s, Bound::Cancel);
    scope
}

#[test]
fn the_opt_out_form_starts_at_the_scope_their_message_asked_for() {
    use rapport_core::model::Channel;
    use rapport_core::values::OptOutScope;
    let (d, mut s) = demo_state(80, 24);
    key(&mut s, Bound::FilterAll);
    // Without a request it starts at everything.
    let i = s.rows.iter().position(|r| !r.optout_request).unwrap();
    for _ in 0..i {
        key(&mut s, Bound::Next);
    }
    key(&mut s, Bound::OptOut);
    assert_eq!(scope_asked(&mut s), OptOutScope::All);
    let c = select_request(&mut s);
    for (stored, asked) in [
        ("channel:phone", OptOutScope::Channel(Channel::Phone)),
        // A topic they have no recorded interest in is offered all the same.
        ("topic:crypto", OptOutScope::Topic("crypto".into())),
        ("all", OptOutScope::All),
    ] {
        set_request_scope(d.path(), c, stored);
        act(&mut s, Action::DataChanged);
        assert_eq!(s.profile.as_ref().unwrap().id, c);
        key(&mut s, Bound::OptOut);
        let Mode::Form(f) = &s.mode else {
            panic!("the opt-out form opens")
        };
        assert!(
            f.intro
                .iter()
                .any(|l| l.contains("what their message asked"))
        );
        assert_eq!(scope_asked(&mut s), asked, "stored {stored}");
        assert_eq!(s.mode, Mode::Normal);
    }
}

// --- The command line and the keyboard reach the same result ---------------------------

#[test]
fn preferences_from_the_form_and_from_prefs_are_recorded_alike() {
    let mut t = twins();
    let email = t.select(|p| p.preferences.is_none() && !p.opted_out());
    let s = &mut t.s;
    key(s, Bound::EditPreferences);
    key(s, Bound::Toggle); // email
    key(s, Bound::NextOption);
    key(s, Bound::Toggle); // phone
    focus_field(s, "Preferred");
    key(s, Bound::NextOption); // email
    focus_field(s, "Frequency");
    for _ in 0..3 {
        key(s, Bound::NextOption); // monthly
    }
    focus_field(s, "Interests");
    type_text(s, "Rust");
    focus_field(s, "Time zone");
    type_text(s, "Europe/Berlin");
    focus_field(s, "Note");
    type_text(s, "said on a call");
    key(s, Bound::Submit);
    assert_eq!(s.notice.as_deref(), Some("preferences saved"));
    t.cli(&[
        "prefs",
        &email,
        "--channel",
        "email",
        "--channel",
        "phone",
        "--preferred",
        "email",
        "--frequency",
        "monthly",
        "--interest",
        "Rust",
        "--timezone",
        "Europe/Berlin",
        "--note",
        "said on a call",
    ]);
    t.same_ledger(&email);
    t.same_audit();
}

#[test]
fn an_opt_out_from_the_form_and_from_opt_out_is_recorded_alike() {
    let mut t = twins();
    let email = t.select(|p| !p.opted_out() && p.optout_request.is_none());
    key(&mut t.s, Bound::OptOut);
    key(&mut t.s, Bound::NextOption); // only email
    focus_field(&mut t.s, "Reason");
    type_text(&mut t.s, "no more mail please");
    key(&mut t.s, Bound::Submit);
    assert_eq!(
        t.s.notice.as_deref(),
        Some("opt-out recorded (channel:email)")
    );
    t.cli(&[
        "opt-out",
        &email,
        "--scope",
        "email",
        "--reason",
        "no more mail please",
    ]);
    t.same_ledger(&email);
    t.same_audit();
}

#[test]
fn a_contact_logged_from_the_form_and_from_log_contact_is_alike() {
    let mut t = twins();
    let email = t.select(|p| !p.opted_out());
    key(&mut t.s, Bound::LogContact);
    focus_field(&mut t.s, "When");
    for _ in 0..40 {
        update(&mut t.s, Action::FormBackspace);
    }
    type_text(&mut t.s, "2026-11-19 10:00");
    focus_field(&mut t.s, "Note");
    type_text(&mut t.s, "good chat");
    key(&mut t.s, Bound::Submit);
    assert_eq!(t.s.notice.as_deref(), Some("logged: phone talked"));
    t.cli(&[
        "log-contact",
        &email,
        "--channel",
        "phone",
        "--outcome",
        "talked",
        "--at",
        "2026-11-19T10:00:00Z",
        "--note",
        "good chat",
    ]);
    t.same_audit();
    let contacts = |dir: &Path| {
        let st = Store::open_in(dir).unwrap();
        let c = st.candidate_by_address(&email).unwrap().unwrap();
        let p = st.profile(c).unwrap().unwrap();
        (p.last_contact_at, format!("{:?}", p.recent_contacts))
    };
    assert_eq!(contacts(t.tui_dir.path()), contacts(t.cli_dir.path()));
}

#[test]
fn assign_snooze_and_note_from_keys_and_commands_are_audited_alike() {
    let mut t = twins();
    let email = t.select(|p| !p.opted_out());
    let me = t.s.actor.clone();
    key(&mut t.s, Bound::Assign);
    key(&mut t.s, Bound::Submit); // "me" is offered first
    assert_eq!(t.s.notice, Some(format!("assigned to {me}")));
    key(&mut t.s, Bound::Snooze);
    type_text(&mut t.s, "3d");
    key(&mut t.s, Bound::Submit);
    key(&mut t.s, Bound::Note);
    type_in_editor(&mut t.s, "Prefers calls after 5pm");
    key(&mut t.s, Bound::Submit);
    assert_eq!(t.s.mode, Mode::Normal);
    assert_eq!(
        t.s.notice.as_deref(),
        Some("note saved (internal, never sent)")
    );
    t.cli(&["assign", &email, "me"]);
    t.cli(&["snooze", &email, "3d"]);
    t.cli(&["note", &email, "Prefers calls after 5pm"]);
    t.same_audit();
}

#[test]
fn rename_merge_and_undo_from_keys_and_commands_are_alike() {
    let mut t = twins();
    let first = t.select(|p| !p.opted_out());
    key(&mut t.s, Bound::Rename);
    for _ in 0..80 {
        update(&mut t.s, Action::FormBackspace);
    }
    type_text(&mut t.s, "Ada Renamed");
    key(&mut t.s, Bound::Submit);
    assert_eq!(t.s.notice.as_deref(), Some("name saved"));
    key(&mut t.s, Bound::Merge);
    key(&mut t.s, Bound::Next);
    let second = t.s.profile.as_ref().unwrap().addresses[0].clone();
    key(&mut t.s, Bound::Merge);
    key(&mut t.s, Bound::Submit);
    assert!(t.s.notice.as_deref().unwrap().starts_with("merged"));
    key(&mut t.s, Bound::UndoMerge);
    assert_eq!(t.s.notice.as_deref(), Some("merge undone"));
    t.cli(&["rename", &first, "Ada Renamed"]);
    t.cli(&["merge", &second, &first]);
    t.cli(&["unmerge", &second]);
    t.same_audit();
}

/// The two front ends had drifted: the form refused a contact in the future, `log-contact`
/// logged it. The one validator refuses it from both.
#[test]
fn a_contact_in_the_future_is_refused_from_the_form_and_from_log_contact() {
    let mut t = twins();
    let email = t.select(|p| !p.opted_out());
    key(&mut t.s, Bound::LogContact);
    focus_field(&mut t.s, "When");
    for _ in 0..40 {
        update(&mut t.s, Action::FormBackspace);
    }
    // Two days ahead of each front end's clock (the keyboard's is this process's).
    let ahead = jiff::Timestamp::from_second(rapport_core::store::now() + 2 * 86_400).unwrap();
    type_text(&mut t.s, &ahead.strftime("%Y-%m-%d %H:%M").to_string());
    let out = press(&mut t.s, Bound::Submit);
    assert!(writes(&out).is_empty());
    let Mode::Form(f) = &t.s.mode else {
        panic!("the form stays open")
    };
    assert!(f.error.as_deref().unwrap().contains("future"));
    let o = rapport_bin()
        .args([
            "log-contact",
            &email,
            "--channel",
            "phone",
            "--outcome",
            "talked",
        ])
        .args(["--at", "2026-11-22T15:00:00Z"])
        .env("RAPPORT_DATA_DIR", t.cli_dir.path())
        .env("RAPPORT_CONFIG", t.cli_dir.path().join("no-config.toml"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("cannot be in the future"), "{e}");
    let store = Store::open_in(t.cli_dir.path()).unwrap();
    let c = store.candidate_by_address(&email).unwrap().unwrap();
    let p = store.profile(c).unwrap().unwrap();
    assert!(
        p.recent_contacts
            .iter()
            .all(|c| c.entry.at < 32_000_000_000)
    );
}

#[test]
fn splitting_an_address_off_from_keys_and_from_split_is_alike() {
    let mut t = twins();
    let first = t.select(|p| !p.opted_out() && p.addresses.len() == 1);
    key(&mut t.s, Bound::Merge);
    key(&mut t.s, Bound::Next);
    let second = t.s.profile.as_ref().unwrap().addresses[0].clone();
    key(&mut t.s, Bound::Merge);
    key(&mut t.s, Bound::Submit);
    key(&mut t.s, Bound::Split);
    let Mode::Form(f) = &t.s.mode else {
        panic!("two addresses now: the split form opens")
    };
    let rapport::ui::form::FieldKind::Choice { options, selected } = &f.fields[0].kind else {
        panic!("the address is a choice")
    };
    let address = options[*selected].clone();
    key(&mut t.s, Bound::Submit);
    assert_eq!(
        t.s.notice,
        Some(format!("{address} is now a candidate of its own"))
    );
    t.cli(&["merge", &second, &first]);
    t.cli(&["split", &address]);
    t.same_audit();
}

/// The opt-outs recorded for `email`, without their times.
fn opt_outs(dir: &Path, email: &str) -> Vec<(String, String, String, String)> {
    let store = Store::open_in(dir).unwrap();
    let c = store.candidate_by_address(email).unwrap().unwrap();
    let p = store.profile(c).unwrap().unwrap();
    p.opt_outs
        .into_iter()
        .map(|o| {
            (
                o.scope.to_string(),
                o.reason,
                o.source.to_string(),
                o.recorded_by,
            )
        })
        .collect()
}

/// Whether a request read from their mail still waits on `email`.
fn request_waits(dir: &Path, email: &str) -> bool {
    let store = Store::open_in(dir).unwrap();
    let c = store.candidate_by_address(email).unwrap().unwrap();
    store.profile(c).unwrap().unwrap().optout_request.is_some()
}

#[test]
fn accepting_and_dismissing_a_request_from_the_banner_and_from_the_cli_are_alike() {
    let mut t = twins();
    let accepted = t.select(|p| p.optout_request.is_some());
    let c = t.s.profile.as_ref().unwrap().id;
    // What ingest read from their message, in both data dirs: only phone calls.
    set_request_scope(t.tui_dir.path(), c, "channel:phone");
    set_request_scope(t.cli_dir.path(), c, "channel:phone");
    act(&mut t.s, Action::DataChanged);
    let before = opt_outs(t.tui_dir.path(), &accepted);
    key(&mut t.s, Bound::AcceptOptOut);
    assert_eq!(
        t.s.notice.as_deref(),
        Some("opt-out recorded from their message: no more mail will be sent")
    );
    t.cli(&["accept-opt-out", &accepted]);
    let recorded = opt_outs(t.tui_dir.path(), &accepted);
    assert_eq!(recorded.len(), before.len() + 1);
    assert_eq!(recorded.last().unwrap().0, "channel:phone");
    assert_eq!(recorded, opt_outs(t.cli_dir.path(), &accepted));
    t.same_ledger(&accepted);

    key(&mut t.s, Bound::Next);
    let dismissed = t.select(|p| p.optout_request.is_some());
    assert_ne!(dismissed, accepted);
    let before = opt_outs(t.tui_dir.path(), &dismissed);
    key(&mut t.s, Bound::DismissOptOut);
    assert_eq!(
        t.s.notice.as_deref(),
        Some("banner dismissed: not an opt-out")
    );
    t.cli(&["dismiss-opt-out", &dismissed]);
    for dir in [t.tui_dir.path(), t.cli_dir.path()] {
        assert!(!request_waits(dir, &accepted) && !request_waits(dir, &dismissed));
        assert_eq!(opt_outs(dir, &dismissed), before, "nothing recorded");
    }
    assert_eq!(
        ledger(t.tui_dir.path(), &dismissed),
        ledger(t.cli_dir.path(), &dismissed)
    );
    t.same_audit();
}

/// Both front ends export from one data dir (two demos differ in when their rows were
/// written), so the documents differ only in `exported_at`.
#[test]
fn an_export_from_the_keyboard_and_from_export_is_the_same_document() {
    let mut t = twins();
    let email = t.select(|p| p.opted_out() || !p.opt_outs.is_empty());
    let out = tempfile::tempdir().unwrap();
    let (tui, cli) = (out.path().join("tui.json"), out.path().join("cli.json"));
    key(&mut t.s, Bound::Export);
    clear_field(&mut t.s);
    type_text(&mut t.s, &tui.display().to_string());
    key(&mut t.s, Bound::Submit);
    assert_eq!(
        t.s.notice,
        Some(format!("wrote {} and its summary .txt", tui.display()))
    );
    let o = rapport_bin()
        .args(["export", &email, "-o", cli.to_str().unwrap()])
        .env("RAPPORT_DATA_DIR", t.tui_dir.path())
        .env("RAPPORT_CONFIG", t.tui_dir.path().join("no-config.toml"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The same document but for when each was made.
    let read = |p: &Path| {
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
        assert!(v["exported_at"].is_string());
        v["exported_at"] = serde_json::Value::Null;
        v
    };
    let doc = read(&tui);
    assert!(!doc["messages"].as_array().unwrap().is_empty());
    assert!(!doc["opt_outs"].as_array().unwrap().is_empty());
    assert_eq!(doc, read(&cli));
    use std::os::unix::fs::PermissionsExt;
    for p in [&tui, &cli] {
        let mode = std::fs::metadata(p).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{}", p.display());
    }
}

#[test]
fn a_candidate_met_elsewhere_is_added_alike_from_the_keys_and_add_candidate() {
    let mut t = twins();
    key(&mut t.s, Bound::NewCandidate);
    type_text(&mut t.s, "Cleo.Park@Example.org");
    focus_field(&mut t.s, "Name");
    type_text(&mut t.s, "Cleo Park");
    focus_field(&mut t.s, "How");
    type_text(&mut t.s, "met at the Rust meetup");
    key(&mut t.s, Bound::Submit);
    assert_eq!(t.s.mode, Mode::Normal, "{:?}", form_error(&t.s));
    assert_eq!(
        t.s.notice.as_deref(),
        Some("added cleo.park@example.org; c writes to them")
    );
    // Selected at once, so c writes to them.
    assert_eq!(t.s.profile.as_ref().unwrap().name, "Cleo Park");
    t.cli(&[
        "add-candidate",
        "cleo.park@example.org",
        "--how",
        "met at the Rust meetup",
        "--name",
        "Cleo Park",
    ]);
    t.same_audit();
    t.same_ledger("cleo.park@example.org");
    // Without saying how, the form refuses and names the field's purpose.
    key(&mut t.s, Bound::NewCandidate);
    type_text(&mut t.s, "dan@example.org");
    key(&mut t.s, Bound::Submit);
    assert!(
        form_error(&t.s)
            .unwrap_or_default()
            .contains("say how you got the address"),
        "{:?}",
        t.s.mode
    );
}
