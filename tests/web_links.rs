//! The candidate links from the command line (#18): a message sent in the demo carries an
//! unsubscribe address whose token names the candidate; `rapport web rotate-key` signs new
//! links with a new key while the old ones keep working; `rapport web revoke EMAIL` ends
//! every link made for the person. The key file sits beside the database, private.

mod common;

use common::ANCHOR;
use common::runner::Rapport;
use rapport_core::actions::links;
use rapport_core::store::Store;
use rapport_core::web::WebSettings;
use serde_json::Value;

/// The token of the unsubscribe address in the newest message of the demo's outgoing folder.
fn sent_token(r: &Rapport) -> String {
    let mut emls: Vec<_> = std::fs::read_dir(r.data.join("outgoing"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    emls.sort_by_key(|p| std::fs::metadata(p).unwrap().modified().unwrap());
    let raw = std::fs::read_to_string(emls.last().unwrap()).unwrap();
    let header = raw
        .replace("\r\n ", " ")
        .lines()
        .find(|l| l.starts_with("List-Unsubscribe:"))
        .unwrap_or_else(|| panic!("no List-Unsubscribe:\n{raw}"))
        .to_string();
    // No [web] in the demo: the mailto only.
    assert!(!header.contains("https://"), "{header}");
    assert!(!raw.contains("List-Unsubscribe-Post"), "{raw}");
    header
        .split("+u-")
        .nth(1)
        .and_then(|t| t.split('@').next())
        .unwrap()
        .to_string()
}

fn verify(r: &Rapport, token: &str) -> Result<i64, rapport_core::web::token::Invalid> {
    let store = Store::open_in(&r.data).unwrap();
    links::verify_mail(&store, &WebSettings::default(), token, ANCHOR + 60)
}

#[test]
fn links_verify_until_revoked_and_survive_a_key_rotation() {
    let r = Rapport::demo();
    let waiting: Value = r.json(&["candidates", "--awaiting", "--json"]);
    let addr = waiting
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["opted_out"] == false)
        .map(|c| c["address"].as_str().unwrap().to_string())
        .find(|a| {
            let show = r.json(&["show", a, "--json"]);
            show["preferences"].is_null() || show["preferences"]["frequency"].is_null()
        })
        .expect("a waiting demo candidate without a frequency");
    let id = r.json(&["show", &addr, "--json"])["id"].as_i64().unwrap();
    r.ok(&[
        "reply",
        &addr,
        "--body-file",
        &r.body("Thanks, let's talk tomorrow.\n"),
    ]);
    let first = sent_token(&r);
    assert_eq!(verify(&r, &first), Ok(id));

    // The key file: beside the database, readable by its owner only.
    let key = r.data.join("rapport-links.key");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );

    let out = r.ok(&["web", "rotate-key"]);
    assert!(
        out.contains("link key version 2 signs from now on"),
        "{out}"
    );
    assert!(out.contains("version 1 verifies until 2027-02-18"), "{out}");
    assert_eq!(
        verify(&r, &first),
        Ok(id),
        "the old link works during the grace period"
    );
    r.ok(&[
        "reply",
        &addr,
        "--body-file",
        &r.body("And one more thing.\n"),
    ]);
    let second = sent_token(&r);
    assert_ne!(second, first, "new links are signed with the new key");
    assert_eq!(verify(&r, &second), Ok(id));

    let out = r.ok(&["web", "revoke", &addr]);
    assert!(out.contains("revoked the links of"), "{out}");
    for t in [&first, &second] {
        assert!(verify(&r, t).is_err(), "revoked: {t}");
    }
    let audit = r.ok(&["audit", "--candidate", &addr]);
    assert!(audit.contains("revoke-links"), "{audit}");
    let e = r.fail(&["web", "revoke", "nobody@nowhere.example"]);
    assert!(e.contains("nobody@nowhere.example"), "{e}");
}
