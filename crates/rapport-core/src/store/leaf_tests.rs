//! The store is a leaf: it writes and reads values, and imports none of the computations that
//! decide them (policy, opt-out detection, waits, parsing, sanitising). Those belong to its
//! callers; a use here would be a layering mistake the compiler cannot see.

#[test]
fn the_store_imports_no_policy_detection_waits_parsing_or_sanitising() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store");
    let forbidden = [
        "crate::consent",
        "crate::responses",
        "crate::mail_in",
        "crate::mail_out",
        "crate::sanitize",
        "crate::actions",
    ];
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().is_some_and(|n| n == "leaf_tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for f in forbidden {
                if code.contains(f) {
                    found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(found.is_empty(), "the store uses:\n{}", found.join("\n"));
}

/// The store moves to worker threads (an erasure off the UI thread): what it keeps between
/// queries must not tie it to one.
#[test]
fn a_store_can_move_to_another_thread() {
    fn send<T: Send>() {}
    send::<super::Store>();
}
