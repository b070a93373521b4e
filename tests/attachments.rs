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
