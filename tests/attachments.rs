//! Attachments (#17 item 6): listed with ids, saved on demand to a download folder under a
//! sanitised name that never replaces a file or leaves the folder, from the stored message
//! (the demo, imported mail) or from the server (synced mail).

mod common;

use common::message::Mail;
use common::runner::Rapport;
use std::path::Path;

/// The address of a demo candidate who sent a PDF, with that attachment's id and name.
fn demo_cv(r: &Rapport) -> (String, String, String) {
    let from: String = r
        .db()
        .query_row(
            "SELECT from_addr FROM messages WHERE direction = 'inbound'
               AND attachments LIKE '%application/pdf%' ORDER BY id LIMIT 1",
            [],
            |row| row.get(0),
        )
        .unwrap();
    let list = r.json(&["attachments", &from, "--json"]);
    let pdf = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["type"] == "application/pdf")
        .unwrap()
        .clone();
    (
        from,
        pdf["id"].as_str().unwrap().to_string(),
        pdf["name"].as_str().unwrap().to_string(),
    )
}

#[test]
fn a_demo_cv_is_listed_and_saved_without_overwriting() {
    let r = Rapport::demo();
    let (from, id, name) = demo_cv(&r);
    assert!(name.ends_with(".pdf"), "{name}");
    let text = r.ok(&["attachments", &from]);
    assert!(
        text.contains(&id) && text.contains(&name) && text.contains("application/pdf"),
        "{text}"
    );
    let dl = r.dir.path().join("Downloads");
    // Nothing is written before the recruiter asks.
    assert!(!dl.exists());
    let to = dl.to_str().unwrap();
    let first = r.ok(&["attachment", "save", &id, "--to", to]);
    let second = r.ok(&["attachment", "save", &id, "--to", to]);
    let (first, second) = (Path::new(first.trim()), Path::new(second.trim()));
    assert_eq!(first, dl.join(&name));
    let stem = name.trim_end_matches(".pdf");
    assert_eq!(second, dl.join(format!("{stem} (1).pdf")));
    let bytes = std::fs::read(first).unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "a PDF, decoded");
    assert_eq!(std::fs::read(second).unwrap(), bytes);
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(first).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "saved for its owner only");
}

#[test]
fn a_demo_cv_reads_as_text_without_saving() {
    let r = Rapport::demo();
    let (_, id, _) = demo_cv(&r);
    let text = r.ok(&["attachment", "show", &id]);
    assert!(text.contains("Curriculum Vitae"), "{text}");
    let e = r.err(&["attachment", "show", "999999.1"]);
    assert!(e.contains("no message"), "{e}");
}

#[test]
fn the_download_folder_comes_from_the_config() {
    let r = Rapport::demo();
    let (_, id, name) = demo_cv(&r);
    let dl = r.dir.path().join("cfg-downloads");
    std::fs::write(
        &r.config,
        format!(
            "[identity]\nteam = \"Demo\"\naddress = \"talent@demo.example\"\n\n[attachments]\ndownload_dir = \"{}\"\n",
            dl.display()
        ),
    )
    .unwrap();
    let out = r.ok(&["attachment", "save", &id]);
    assert_eq!(Path::new(out.trim()), dl.join(&name));
}

#[test]
fn unknown_ids_are_refused_in_one_line() {
    let r = Rapport::demo();
    let e = r.err(&["attachment", "save", "nonsense", "--to", "/tmp"]);
    assert!(e.contains("not an attachment id"), "{e}");
    let e = r.err(&["attachment", "save", "999999.1", "--to", "/tmp"]);
    assert!(e.contains("no message 999999"), "{e}");
}

#[test]
fn hostile_names_are_saved_inside_the_folder() {
    let d = tempfile::tempdir().unwrap();
    let md = d.path().join("Mail");
    let mail = Mail::default()
        .from("Mallory <mallory@x.example>")
        .id("m1@x.example")
        .body("See attached.")
        .with_files(&[
            ("../../x", "application/pdf", b"%PDF-1.4 one"),
            ("/etc/passwd", "text/plain", b"two"),
            ("\u{1b}[2J..", "application/octet-stream", b"three"),
            ("", "application/pdf", b"four"),
        ]);
    rapport_core::mail_in::maildir::write_folder(&md, "i", &[mail]).unwrap();
    let r = Rapport::with_config("", String::new()).pinned();
    std::fs::remove_file(&r.config).unwrap();
    r.ok(&["import-maildir", md.to_str().unwrap()]);
    let list = r.json(&["attachments", "mallory@x.example", "--json"]);
    let ids: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 4, "{list}");
    let dl = d.path().join("dl");
    let mut saved = Vec::new();
    for id in &ids {
        let out = r.ok(&["attachment", "save", id, "--to", dl.to_str().unwrap()]);
        saved.push(Path::new(out.trim()).to_path_buf());
    }
    for p in &saved {
        assert_eq!(p.parent(), Some(dl.as_path()), "{}", p.display());
        let name = p.file_name().unwrap().to_str().unwrap();
        assert!(
            !name.starts_with('.') && !name.chars().any(char::is_control),
            "{name:?}"
        );
    }
    assert_eq!(std::fs::read(&saved[0]).unwrap(), b"%PDF-1.4 one");
    assert_eq!(std::fs::read_dir(&dl).unwrap().count(), 4);
    assert!(!d.path().join("x").exists());
}

// --- The TUI: s saves, V opens, v reads as text, all off the UI thread (`Command::Attachment`).

use common::{demo_state, key, screen};
use rapport::ui::action::{Action, Bound};
use rapport::ui::attachments::{Answer, Job, Settings, execute, execute_with};
use rapport::ui::state::{Command, Focus, Mode, State};
use rapport_core::actions::attachments::AttachmentId;

/// The demo open at the first message carrying a PDF, highlighted in its conversation.
fn demo_at_cv() -> (tempfile::TempDir, State, AttachmentId) {
    let (d, mut s) = demo_state(100, 30);
    let (candidate, message): (i64, i64) = rusqlite::Connection::open(d.path().join("rapport.db"))
        .unwrap()
        .query_row(
            "SELECT candidate_id, id FROM messages WHERE direction = 'inbound'
               AND attachments LIKE '%application/pdf%' ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    key(&mut s, Bound::FilterAll);
    for _ in 0..s.total {
        if s.selected_row().map(|r| r.id) == Some(candidate) {
            break;
        }
        key(&mut s, Bound::Next);
    }
    key(&mut s, Bound::Open);
    assert_eq!(s.focus, Focus::Conversation);
    for _ in 0..100 {
        if s.selected_message == Some(message) {
            break;
        }
        key(&mut s, Bound::PrevMessage);
    }
    assert_eq!(s.selected_message, Some(message));
    (d, s, AttachmentId { message, index: 1 })
}

fn settings(dir: &Path, open: Option<&str>) -> Settings {
    Settings {
        config: rapport_core::config::Attachments {
            download_dir: Some(dir.to_path_buf()),
            open_command: open.map(str::to_string),
        },
        imap: None,
    }
}

/// Presses `b`, which must ask for exactly one attachment job, and carries it out as the
/// runner does; the answer goes back to `update`.
fn run_job(s: &mut State, b: Bound, settings: &Settings) -> Job {
    let out = key(s, b);
    let [Command::Attachment(job)] = out.as_slice() else {
        panic!("one attachment job: {out:?}");
    };
    let answer = execute(&s.store, settings, job);
    key_answer(s, answer);
    job.clone()
}

fn key_answer(s: &mut State, answer: Result<Answer, String>) {
    rapport::ui::update::update(s, Action::Attachment(answer));
}

#[test]
fn the_conversation_lists_each_attachment_with_type_and_size() {
    let (_d, s, _) = demo_at_cv();
    let text = screen(&s);
    assert!(
        text.contains(".pdf (application/pdf,"),
        "name, type and size: {text}"
    );
}

#[test]
fn s_saves_the_highlighted_messages_attachment_and_says_where() {
    let (d, mut s, id) = demo_at_cv();
    let dl = d.path().join("dl");
    let job = run_job(&mut s, Bound::SaveAttachment, &settings(&dl, None));
    assert_eq!(job, Job::Save(vec![id]));
    let notice = s.notice.clone().unwrap();
    assert!(
        notice.starts_with("saved ") && notice.contains(&dl.display().to_string()),
        "{notice}"
    );
    let saved: Vec<_> = std::fs::read_dir(&dl).unwrap().collect();
    assert_eq!(saved.len(), 1);
    // Again: a second file, the first untouched.
    run_job(&mut s, Bound::SaveAttachment, &settings(&dl, None));
    assert!(
        s.notice.as_deref().unwrap().contains(" (1).pdf"),
        "{:?}",
        s.notice
    );
    assert_eq!(std::fs::read_dir(&dl).unwrap().count(), 2);
}

#[test]
fn v_reads_the_cv_as_text_in_an_overlay_and_esc_closes_it() {
    let (d, mut s, id) = demo_at_cv();
    let dl = d.path().join("dl");
    let job = run_job(&mut s, Bound::PreviewAttachment, &settings(&dl, None));
    assert_eq!(job, Job::Preview(id));
    assert!(matches!(s.mode, Mode::Preview { .. }), "{:?}", s.notice);
    let text = screen(&s);
    assert!(
        text.contains("Curriculum Vitae") && text.contains("text only"),
        "{text}"
    );
    assert!(!dl.exists(), "reading is not saving");
    key(&mut s, Bound::Next);
    key(&mut s, Bound::Back);
    assert_eq!(s.mode, Mode::Normal);
    assert_eq!(s.focus, Focus::Conversation);
}

#[test]
fn shift_v_opens_the_saved_file_with_the_configured_command() {
    let (d, mut s, _) = demo_at_cv();
    let dl = d.path().join("dl");
    let copy = d.path().join("opened.pdf");
    let open = format!("cp %s {}", copy.display());
    run_job(&mut s, Bound::OpenAttachment, &settings(&dl, Some(&open)));
    let notice = s.notice.clone().unwrap();
    assert!(notice.contains("opened it with cp"), "{notice}");
    for _ in 0..100 {
        if copy.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(std::fs::read(&copy).unwrap().starts_with(b"%PDF-"));
}

#[test]
fn a_message_without_attachments_says_so_and_asks_nothing() {
    let (_d, mut s, _) = demo_at_cv();
    let without = s
        .conversation
        .as_ref()
        .unwrap()
        .messages
        .iter()
        .find(|m| m.attachments.is_empty())
        .map(|m| m.id);
    let Some(without) = without else {
        return;
    };
    for _ in 0..100 {
        if s.selected_message == Some(without) {
            break;
        }
        let b = if s.selected_message < Some(without) {
            Bound::NextMessage
        } else {
            Bound::PrevMessage
        };
        key(&mut s, b);
    }
    assert!(key(&mut s, Bound::SaveAttachment).is_empty());
    assert!(
        s.notice.as_deref().unwrap().contains("no attachments"),
        "{:?}",
        s.notice
    );
}

// --- Synced mail: delivered through the real Postfix to Dovecot, fetched back by folder, UID
// and part.

use common::mail::MailServers;
use common::message::{cv_docx, cv_pdf};

#[test]
fn a_cv_delivered_to_the_server_is_listed_saved_from_the_server_and_previewed() {
    let s = MailServers::start();
    // Large enough that the sync reads only its first bytes and the server's description.
    let pdf = cv_pdf("Ana Lopez - Rust engineer - Curriculum Vitae", 120_000);
    let docx = cv_docx(&["Ana Lopez", "Rust & Go, 8 years", "Berlin"]);
    let mail = Mail::default()
        .from("Ana Lopez <ana@example.test>")
        .to("talent@example.test")
        .id("ana-cv@example.test")
        .subject("My CV")
        .body("Hello, my CV is attached.")
        .with_files(&[
            ("Ana Lopez CV.pdf", "application/pdf", &pdf),
            (
                "Ana Lopez CV.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                &docx,
            ),
            ("../../x", "text/plain", b"not outside"),
        ]);
    s.deliver(
        "ana@example.test",
        "talent@example.test",
        std::str::from_utf8(&mail).unwrap(),
    );
    s.wait_count("talent@example.test", "INBOX", 1);
    let r = Rapport::with_servers(&s, "");
    r.sync();
    let stored_raw: i64 = r
        .db()
        .query_row("SELECT count(*) FROM message_raw", [], |row| row.get(0))
        .unwrap();
    assert_eq!(
        stored_raw, 0,
        "synced mail keeps no copy: it comes from the server"
    );

    let list = r.json(&["attachments", "ana@example.test", "--json"]);
    let list = list.as_array().unwrap();
    let names: Vec<&str> = list.iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Ana Lopez CV.pdf", "Ana Lopez CV.docx", "x"]);
    let ids: Vec<String> = list
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect();

    let dl = r.dir.path().join("dl");
    let to = dl.to_str().unwrap();
    let save =
        |id: &str| std::path::PathBuf::from(r.ok(&["attachment", "save", id, "--to", to]).trim());
    let p = save(&ids[0]);
    assert_eq!(p, dl.join("Ana Lopez CV.pdf"));
    assert_eq!(std::fs::read(&p).unwrap(), pdf, "the PDF, byte for byte");
    assert_eq!(save(&ids[0]), dl.join("Ana Lopez CV (1).pdf"));
    let p = save(&ids[1]);
    assert_eq!(std::fs::read(&p).unwrap(), docx, "the DOCX, byte for byte");
    assert_eq!(save(&ids[2]), dl.join("x"));
    assert!(!r.dir.path().join("x").exists());

    let text = r.ok(&["attachment", "show", &ids[0]]);
    assert!(text.contains("Rust engineer - Curriculum Vitae"), "{text}");
    let text = r.ok(&["attachment", "show", &ids[1]]);
    assert!(
        text.contains("Ana Lopez\nRust & Go, 8 years\nBerlin"),
        "{text}"
    );

    // Fetched with BODY.PEEK: the message is still unread for the rest of the team.
    let flags = s.doveadm(&[
        "fetch",
        "-u",
        "talent@example.test",
        "flags",
        "mailbox",
        "INBOX",
    ]);
    assert!(!flags.contains("\\Seen"), "{flags}");

    // The inbox's fetch (on the runner's thread) reports how far it got as it goes.
    let cfg = rapport_core::config::Config::load(&r.config).unwrap();
    let mut imap = cfg.imap.unwrap().into_inner();
    imap.password_env = None;
    imap.password_command = Some(format!("printf %s '{}'", r.password));
    let tui = Settings {
        config: rapport_core::config::Attachments {
            download_dir: Some(dl.clone()),
            open_command: None,
        },
        imap: Some(imap),
    };
    let store = rapport_core::store::Store::open_in(&r.data).unwrap();
    let id: AttachmentId = ids[0].parse().unwrap();
    let mut heard = Vec::new();
    let answer = execute_with(&store, &tui, &Job::Save(vec![id]), &mut |p| heard.push(p));
    let Ok(Answer::Saved(paths)) = answer else {
        panic!("{answer:?}")
    };
    assert_eq!(std::fs::read(&paths[0]).unwrap(), pdf);
    assert_eq!(heard[0].total, 0, "connecting first: {heard:?}");
    let last = heard.last().unwrap();
    assert!(
        heard.len() >= 3 && last.received == last.total && last.total > pdf.len() as u64,
        "a report every 128 KB of the part as sent (base64), up to all of it: {heard:?}"
    );
    assert!(heard.windows(2).all(|w| w[0].received <= w[1].received));
    assert!(heard.iter().all(|p| p.name == "Ana Lopez CV.pdf"));
    let mut shown = common::demo_state(80, 24).1;
    rapport::ui::attachments::progress(&mut shown, heard[1].clone());
    let notice = shown.notice.clone().unwrap();
    assert!(
        notice.starts_with("fetching Ana Lopez CV.pdf from the mail server: ")
            && notice.contains("% (128 KB of "),
        "{notice}"
    );

    s.stop_imap();
    let e = r.err(&["attachment", "save", &ids[0], "--to", to]);
    assert!(e.contains("offline"), "{e}");
    // The inbox says the same in its status line.
    let answer = execute_with(&store, &tui, &Job::Preview(id), &mut |_| {});
    key_answer(&mut shown, answer);
    let notice = shown.notice.clone().unwrap();
    assert!(
        notice.starts_with("cannot fetch Ana Lopez CV.pdf from the mail server (are you offline?)"),
        "{notice}"
    );
}

#[test]
fn attachments_takes_a_name_as_show_does() {
    let r = Rapport::demo();
    let (from, id, _) = demo_cv(&r);
    let name: String = r
        .db()
        .query_row(
            "SELECT c.name FROM candidates c JOIN candidate_addresses a ON a.candidate_id = c.id
              WHERE a.address = ?1",
            [&from],
            |row| row.get(0),
        )
        .unwrap();
    let by_name = r.json(&["attachments", &name, "--json"]);
    let by_address = r.json(&["attachments", &from, "--json"]);
    assert_eq!(by_name, by_address);
    assert!(by_name.to_string().contains(&id));
}
