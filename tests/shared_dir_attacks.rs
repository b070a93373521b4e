//! No attacks between members of the team sharing a data dir: a colleague who replaces one of
//! rapport's files with a link to the victim's own files (or with a FIFO) gets nothing: rapport
//! refuses it, names it, and leaves the target's content and mode alone. Drafts for the
//! external editor never come back from a swapped file. `rapport doctor` reports what lets a
//! colleague act as the user.

mod common;

use common::attack::*;
use common::team::*;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

const NO_CONFIG: [&str; 2] = ["--config", "/nonexistent"];

/// The victim (a member, or ourselves without root) and the colleague planting links.
fn victim_and_colleague() -> (Option<&'static str>, Option<&'static str>) {
    if users().is_ok() {
        (Some(MEMBERS[0]), Some(MEMBERS[1]))
    } else {
        (None, None)
    }
}

/// A shared data dir holding the demo, made by the victim.
fn demo_box() -> (tempfile::TempDir, std::path::PathBuf) {
    let (tmp, data) = shared_data_dir();
    let (victim, _) = victim_and_colleague();
    ok(
        rapport_as(victim, &data, &["demo", "--no-tui", "--data-dir"])
            .arg(&data)
            .output()
            .unwrap(),
        "demo",
    );
    (tmp, data)
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_log_replaced_by_a_link_to_the_victims_file_is_neither_written_nor_chmodded() {
    let (tmp, data) = demo_box();
    let (victim, colleague) = victim_and_colleague();
    let target = victim_file(tmp.path(), victim);
    let log = data.join("rapport.log");
    plant_link(&log, &target, colleague);
    let o = rapport_as(victim, &data, &["candidates", "--json"])
        .args(NO_CONFIG)
        .env("RAPPORT_LOG", "debug")
        .output()
        .unwrap();
    // The command still works, without a log, and says why.
    ok(o.clone(), "candidates with a linked log");
    assert!(
        stderr(&o).contains(&format!("{} is a symbolic link", log.display())),
        "{}",
        stderr(&o)
    );
    assert_untouched(&target);
    assert!(std::fs::symlink_metadata(&log).unwrap().is_symlink());
}

#[test]
fn a_fifo_in_place_of_the_log_does_not_hang_rapport() {
    let (_tmp, data) = demo_box();
    let (victim, colleague) = victim_and_colleague();
    plant_fifo(&data.join("rapport.log"), colleague);
    let mut c = rapport_as(victim, &data, &["candidates", "--json"]);
    c.args(NO_CONFIG);
    let o = output_within(c, Duration::from_secs(30));
    ok(o.clone(), "candidates with a FIFO for a log");
    assert!(stderr(&o).contains("is a FIFO"), "{}", stderr(&o));
}

#[test]
fn an_outbox_lock_replaced_by_a_link_is_refused_and_the_target_untouched() {
    let (tmp, data) = demo_box();
    let (victim, colleague) = victim_and_colleague();
    let target = victim_file(tmp.path(), victim);
    let lock = data.join("rapport.outbox-lock");
    plant_link(&lock, &target, colleague);
    let o = rapport_as(victim, &data, &["outbox", "flush"])
        .args(NO_CONFIG)
        .output()
        .unwrap();
    let err = stderr(&o);
    assert!(
        !o.status.success(),
        "flush went ahead through a linked lock"
    );
    assert!(
        err.contains(&format!("{} is a symbolic link", lock.display()))
            && err.contains("remove it"),
        "{err}"
    );
    assert_untouched(&target);
    // Once the link is gone, the lock is made again, the dir's way.
    std::fs::remove_file(&lock).unwrap();
    ok(
        rapport_as(victim, &data, &["outbox", "flush"])
            .args(NO_CONFIG)
            .output()
            .unwrap(),
        "flush",
    );
    let m = std::fs::symlink_metadata(&lock).unwrap();
    assert!(m.is_file());
    assert_eq!(m.permissions().mode() & 0o777, 0o660);
}

#[test]
fn a_database_replaced_by_a_link_is_refused_and_the_target_untouched() {
    let (tmp, data) = demo_box();
    let (victim, colleague) = victim_and_colleague();
    let target = victim_file(tmp.path(), victim);
    for f in ["rapport.db", "rapport.db-wal"] {
        let db = data.join(f);
        let saved = tmp.path().join("saved");
        let _ = std::fs::rename(&db, &saved);
        plant_link(&db, &target, colleague);
        let o = rapport_as(victim, &data, &["candidates"])
            .args(NO_CONFIG)
            .output()
            .unwrap();
        let err = stderr(&o);
        assert!(!o.status.success(), "rapport opened a linked {f}");
        assert!(
            err.contains(&format!("{} is a symbolic link", db.display())),
            "{err}"
        );
        assert_untouched(&target);
        std::fs::remove_file(&db).unwrap();
        let _ = std::fs::rename(&saved, &db);
    }
}

#[test]
fn a_data_dir_reached_through_the_users_own_link_still_opens() {
    let tmp = tempfile::tempdir().unwrap();
    let real = tmp.path().join("real");
    demo_into(&real);
    let via = tmp.path().join("via");
    std::os::unix::fs::symlink(&real, &via).unwrap();
    ok(
        rapport_as(None, &via, &["candidates", "--json"])
            .args(NO_CONFIG)
            .output()
            .unwrap(),
        "candidates through a linked data dir",
    );
}

#[test]
fn a_fifo_in_place_of_the_database_is_refused_without_hanging() {
    let (tmp, data) = shared_data_dir();
    let _ = tmp;
    plant_fifo(&data.join("rapport.db"), None);
    let mut c = rapport_as(None, &data, &["candidates"]);
    c.args(NO_CONFIG);
    let o = output_within(c, Duration::from_secs(30));
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("rapport.db is a FIFO, not a regular file"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_demos_outgoing_folder_replaced_by_a_link_gets_no_mail() {
    let tmp = tempfile::tempdir().unwrap();
    let elsewhere = tmp.path().join("victim-dir");
    std::fs::create_dir(&elsewhere).unwrap();
    let outgoing = tmp.path().join("outgoing");
    std::os::unix::fs::symlink(&elsewhere, &outgoing).unwrap();
    let err =
        rapport_core::mail_out::eml_folder::write_eml(&outgoing, b"Subject: hi\r\n\r\nhello\r\n")
            .unwrap_err()
            .to_string();
    assert!(err.contains("is a symbolic link"), "{err}");
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
}

#[test]
fn a_message_file_linked_into_a_maildir_is_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    let target = victim_file(tmp.path(), None);
    let cur = tmp.path().join("md/cur");
    std::fs::create_dir_all(&cur).unwrap();
    let planted = cur.join("1.x:2,S");
    std::os::unix::fs::symlink(&target, &planted).unwrap();
    let Err(err) = rapport_core::mail_in::maildir::read_message(&planted) else {
        panic!("a linked message was read");
    };
    let err = err.to_string();
    assert!(err.contains("is a symbolic link"), "{err}");
}

/// An "editor" script: runs `body` with the draft's path as $1.
fn editor_script(dir: &Path, body: &str) -> String {
    let p = dir.join("editor.sh");
    std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&p, PermissionsExt::from_mode(0o755)).unwrap();
    p.display().to_string()
}

#[test]
fn a_draft_swapped_for_a_link_while_editing_is_not_read_back() {
    use rapport::ui::editor_draft::DraftFile;
    let tmp = tempfile::tempdir().unwrap();
    let target = victim_file(tmp.path(), None);
    // While "editing", the draft's path becomes a link to the private file.
    let editor = editor_script(
        tmp.path(),
        &format!("rm -f \"$1\" && ln -s {} \"$1\"", target.display()),
    );
    let mut d = DraftFile::create("To: a@example.test\n\nhello\n").unwrap();
    d.run_editor(&editor).unwrap();
    let err = d.read_back().unwrap_err();
    assert!(err.contains("replaced by a symbolic link"), "{err}");
    assert!(!err.contains(SECRET.trim()));
    assert_untouched(&target);
}

#[test]
fn a_draft_is_private_read_through_its_handle_and_survives_a_rename_save() {
    use rapport::ui::editor_draft::DraftFile;
    use std::os::unix::fs::MetadataExt;
    let tmp = tempfile::tempdir().unwrap();
    // The draft's folder is the user's alone, outside any data dir.
    let runtime = tmp.path().join("runtime");
    std::fs::create_dir(&runtime).unwrap();
    std::fs::set_permissions(&runtime, PermissionsExt::from_mode(0o700)).unwrap();
    let mut d = DraftFile::create_in(&runtime, "hello\n").unwrap();
    assert!(d.dir().starts_with(&runtime), "{}", d.dir().display());
    assert_eq!(std::fs::metadata(d.dir()).unwrap().mode() & 0o777, 0o700);
    assert_eq!(std::fs::metadata(d.path()).unwrap().mode() & 0o777, 0o600);
    // Written in place (the handle sees it).
    d.run_editor(&editor_script(tmp.path(), "printf 'in place\\n' > \"$1\""))
        .unwrap();
    assert_eq!(d.read_back().unwrap(), "in place\n");
    // Saved to a new file renamed over the draft, as vim with backupcopy=no does.
    d.run_editor(&editor_script(
        tmp.path(),
        "printf 'renamed\\n' > \"$1.new\" && mv \"$1.new\" \"$1\"",
    ))
    .unwrap();
    assert_eq!(d.read_back().unwrap(), "renamed\n");
    let dir = d.dir().to_owned();
    drop(d);
    assert!(!dir.exists(), "the draft's folder outlived it");
}

#[test]
fn doctor_reports_a_group_writable_config_and_a_data_dir_without_the_sticky_bit() {
    let (tmp, data) = shared_data_dir();
    demo_into(&data);
    let conf_dir = tmp.path().join("conf");
    std::fs::create_dir(&conf_dir).unwrap();
    std::fs::set_permissions(&conf_dir, PermissionsExt::from_mode(0o700)).unwrap();
    let config = conf_dir.join("config.toml");
    // No servers: doctor then has nothing to reach.
    std::fs::write(
        &config,
        "[identity]\nteam = \"Northwind\"\naddress = \"talent@northwind.example\"\n",
    )
    .unwrap();
    let doctor = || {
        let o = rapport_as(None, &data, &["doctor"])
            .arg("--config")
            .arg(&config)
            .env("XDG_CONFIG_HOME", tmp.path().join("xdg"))
            .output()
            .unwrap();
        String::from_utf8(o.stdout).unwrap()
    };
    std::fs::set_permissions(&config, PermissionsExt::from_mode(0o600)).unwrap();
    let out = doctor();
    assert!(
        out.lines()
            .any(|l| l.starts_with("ok") && l.contains("owner")),
        "{out}"
    );
    assert!(!out.contains("sticky"), "{out}");
    // A colleague could put a password_command of theirs in it.
    std::fs::set_permissions(&config, PermissionsExt::from_mode(0o660)).unwrap();
    let out = doctor();
    assert!(
        out.lines().any(|l| l.starts_with("FAIL")
            && l.contains("owner")
            && l.contains("the config")
            && l.contains(&format!("fix: chmod go-w {}", config.display()))),
        "{out}"
    );
    // Or replace it, through its folder.
    std::fs::set_permissions(&config, PermissionsExt::from_mode(0o600)).unwrap();
    std::fs::set_permissions(&conf_dir, PermissionsExt::from_mode(0o770)).unwrap();
    let out = doctor();
    assert!(
        out.contains(&format!("fix: chmod go-w {}", conf_dir.display())),
        "{out}"
    );
    // A link planted in the data dir is named, with the command that removes it.
    let log = data.join("rapport.log");
    plant_link(&log, Path::new("/etc/passwd"), None);
    let out = doctor();
    assert!(
        out.lines().any(|l| l.starts_with("FAIL")
            && l.contains("links or special files")
            && l.ends_with(&format!("fix: rm {}", log.display()))),
        "{out}"
    );
    // Without the sticky bit, colleagues can swap each other's files.
    std::fs::set_permissions(&data, PermissionsExt::from_mode(0o2770)).unwrap();
    let out = doctor();
    assert!(
        out.lines().any(|l| l.starts_with("FAIL")
            && l.contains("has no sticky bit")
            && l.ends_with(&format!("fix: chmod 3770 {}", data.display()))),
        "{out}"
    );
}
