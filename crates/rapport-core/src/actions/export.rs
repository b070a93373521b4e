//! The data-rights export: everything held about a person, as one JSON document a person
//! can read (times in RFC 3339, lists as JSON arrays, no internal bookkeeping columns), and a
//! plain-text summary of it that can be sent to them as it is.

use crate::error::{Error, Result};
use crate::store::Store;
use crate::timefmt::rfc3339;
use serde_json::{Map, Value};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Columns that are rapport's own bookkeeping, not data about the person: ranks, keys for
/// folding copies, keyed hashes, the search index's text, derived summaries.
const INTERNAL: &[&str] = &[
    "inbox_rank",
    "dedup_key",
    "search_text",
    "next_contact",
    "last_snippet",
    "index_state",
    // The secret their links are signed over, and the token read from a mail to the
    // unsubscribe address: keys, not data about them (the mail itself is exported).
    "link_nonce",
    "unsubscribe_token",
];

/// Columns holding lists written as text, split into arrays.
const LISTS: &[&str] = &["envelope_to", "topics", "channels"];

fn is_time(column: &str) -> bool {
    matches!(column, "at" | "date" | "since" | "until" | "first_seen")
        || column.ends_with("_at")
        || column.ends_with("_since")
}

fn readable_value(column: &str, v: Value) -> Value {
    match v {
        Value::Number(n) if is_time(column) => match n.as_i64() {
            Some(t) => Value::String(rfc3339(t)),
            None => Value::Number(n),
        },
        Value::String(t) if t.starts_with('[') || t.starts_with('{') => {
            serde_json::from_str(&t).unwrap_or(Value::String(t))
        }
        Value::String(t) if LISTS.contains(&column) => Value::Array(
            t.split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(|x| Value::String(x.to_string()))
                .collect(),
        ),
        v => v,
    }
}

/// The store's rows made readable: internal columns dropped, times and lists converted.
fn readable(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(k, _)| {
                    !INTERNAL.contains(&k.as_str()) && !k.ends_with("hash") && k != "key"
                })
                .map(|(k, v)| {
                    let v = match v {
                        Value::Array(_) | Value::Object(_) => readable(v),
                        v => readable_value(&k, v),
                    };
                    (k, v)
                })
                .collect::<Map<_, _>>(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(readable).collect()),
        v => v,
    }
}

/// The export of `candidate` (with every record merged into it), pretty-printed.
pub fn document(store: &Store, candidate: i64) -> Result<String> {
    let mut v = readable(store.export(candidate)?);
    // Version 2: RFC 3339 times, lists as arrays, no internal columns.
    v["format"] = Value::String("rapport-export-2".into());
    serde_json::to_string_pretty(&v)
        .map_err(|e| Error::Invalid(format!("cannot write the export as JSON: {e}")))
}

fn rows<'a>(doc: &'a Value, table: &str) -> impl Iterator<Item = &'a Map<String, Value>> {
    doc[table]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
}

fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(text).collect::<Vec<_>>().join(", "),
        v => v.to_string(),
    }
}

/// The export as plain text for the person themselves: who we think they are, what they told
/// us and when, the history of every change, the mail and contacts, our notes about them.
pub fn summary(store: &Store, candidate: i64) -> Result<String> {
    let doc: Value = serde_json::from_str(&document(store, candidate)?)
        .map_err(|e| Error::Invalid(e.to_string()))?;
    let mut out = String::new();
    let line = |s: String, out: &mut String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(
        format!(
            "What we hold about you (as of {})",
            text(&doc["exported_at"])
        ),
        &mut out,
    );
    line(String::new(), &mut out);
    for c in rows(&doc, "candidates") {
        line(format!("Name: {}", text(&c["name"])), &mut out);
    }
    for a in rows(&doc, "candidate_addresses") {
        line(
            format!(
                "Address: {} (first seen {})",
                text(&a["address"]),
                text(&a["first_seen"])
            ),
            &mut out,
        );
    }
    let section = |title: &str, items: Vec<String>, out: &mut String| {
        out.push_str(&format!("\n{title}\n"));
        if items.is_empty() {
            out.push_str("  (none)\n");
        }
        for i in items {
            out.push_str(&format!("  - {i}\n"));
        }
    };
    let prefs = rows(&doc, "preferences")
        .flat_map(|p| {
            p.iter()
                .filter(|(k, v)| !v.is_null() && !k.ends_with("id") && !is_time(k))
                .map(|(k, v)| format!("{k}: {}", text(v)))
                .collect::<Vec<_>>()
        })
        .chain(rows(&doc, "interests").map(|i| format!("interest: {}", text(&i["tag"]))))
        .collect();
    section("Your preferences", prefs, &mut out);
    let opt_outs = rows(&doc, "opt_outs")
        .map(|o| {
            format!(
                "{}: opted out of {} ({}){}",
                text(&o["at"]),
                text(&o["scope"]),
                text(&o["reason"]),
                if o["revoked_at"].is_null() {
                    String::new()
                } else {
                    format!(", ended {}", text(&o["revoked_at"]))
                }
            )
        })
        .collect();
    section("Your opt-outs", opt_outs, &mut out);
    let history = rows(&doc, "ledger")
        .map(|e| {
            format!(
                "{}: {} {} → {} (by {}, source {}{}){}",
                text(&e["at"]),
                text(&e["field"]),
                text(&e["old_value"]).if_empty("-"),
                text(&e["new_value"]).if_empty("-"),
                text(&e["actor"]),
                text(&e["source"]),
                match text(&e["legal_basis"]) {
                    b if b.is_empty() => String::new(),
                    b => format!(", legal basis {b}"),
                },
                match text(&e["note"]) {
                    n if n.is_empty() => String::new(),
                    n => format!(": {n}"),
                }
            )
        })
        .collect();
    section("Every change to what we hold, and why", history, &mut out);
    let mail = rows(&doc, "messages")
        .map(|m| {
            format!(
                "{} {} “{}”",
                text(&m["date"]),
                if text(&m["direction"]) == "outbound" {
                    "we wrote:"
                } else {
                    "you wrote:"
                },
                text(&m["subject"])
            )
        })
        .collect();
    section("Mail", mail, &mut out);
    let contacts = rows(&doc, "contact_log")
        .map(|c| {
            format!(
                "{}: {} {} ({})",
                text(&c["at"]),
                text(&c["channel"]),
                text(&c["outcome"]),
                text(&c["note"])
            )
        })
        .collect();
    section("Calls, meetings and other contacts", contacts, &mut out);
    let notes = rows(&doc, "notes")
        .map(|n| {
            format!(
                "{} {}: {}",
                text(&n["at"]),
                text(&n["author"]),
                text(&n["text"])
            )
        })
        .collect();
    section("Our internal notes about you", notes, &mut out);
    let requests = rows(&doc, "data_requests")
        .map(|r| {
            format!(
                "{}: you asked for {} ({}){}",
                text(&r["at"]),
                if text(&r["kind"]) == "copy" {
                    "a copy of your data"
                } else {
                    "your data to be erased"
                },
                text(&r["via"]),
                match text(&r["resolved_at"]) {
                    t if t.is_empty() => format!(", due by {}", text(&r["due_at"])),
                    t => format!(", answered {t}"),
                }
            )
        })
        .collect();
    section("Your requests about your data", requests, &mut out);
    out.push_str(
        "\nThe attached JSON file holds all of it, including the full text of every message.\n",
    );
    Ok(out)
}

trait IfEmpty {
    fn if_empty(self, other: &str) -> String;
}

impl IfEmpty for String {
    fn if_empty(self, other: &str) -> String {
        if self.is_empty() {
            other.to_string()
        } else {
            self
        }
    }
}

/// Writes the export for the candidate (as [`export_to`]) and settles their open requests for
/// a copy of their data, audited as `who`'s. Returns the summary's path.
pub fn export_for_them(
    store: &mut Store,
    candidate: i64,
    path: &Path,
    who: &super::Acting,
) -> Result<PathBuf> {
    let txt = export_to(store, candidate, path)?;
    store.resolve_data_requests(
        candidate,
        crate::values::DataRequestKind::Copy,
        who.at,
        &who.actor,
        &format!("exported to {}", path.display()),
    )?;
    Ok(txt)
}

/// Writes the JSON document to `path` and the plain-text summary beside it (`.txt`), both
/// new private files; returns the summary's path.
pub fn export_to(store: &Store, candidate: i64, path: &Path) -> Result<PathBuf> {
    let txt = path.with_extension("txt");
    if txt == path {
        return Err(Error::Invalid(format!(
            "{} ends in .txt: name the JSON file (the summary goes beside it as .txt)",
            path.display()
        )));
    }
    // Both or neither: a summary that could not be written must not leave the JSON alone.
    if std::fs::symlink_metadata(&txt).is_ok() {
        return Err(Error::Invalid(format!(
            "{} already exists: an export is written only to new files (choose another name)",
            txt.display()
        )));
    }
    write(path, &document(store, candidate)?)?;
    write(&txt, &summary(store, candidate)?)?;
    Ok(txt)
}

/// Writes the document to a new file only this user can read (it is personal data): an
/// existing file is never overwritten and a symbolic link never followed (`O_CREAT|O_EXCL`
/// refuses both, a dangling link included), so the export cannot be redirected into someone
/// else's file. A write that fails half way removes what it wrote.
pub fn write(path: &Path, doc: &str) -> Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    let io = |source| Error::Io {
        what: "cannot write the export to",
        path: path.to_owned(),
        source,
    };
    let mut f = match o.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
            return Err(Error::Invalid(if link {
                format!(
                    "{} is a symbolic link: an export is written only to a new file, never through a link",
                    path.display()
                )
            } else {
                format!(
                    "{} already exists: an export is written only to a new file (choose another name)",
                    path.display()
                )
            }));
        }
        Err(e) => return Err(io(e)),
    };
    f.write_all(doc.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| {
            let _ = std::fs::remove_file(path);
            io(e)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::fixture::Fixture;

    #[test]
    fn exports_their_mail_to_a_private_file() {
        let f = Fixture::new();
        let ada = f.candidate("ada@example.org");
        let doc = document(&f.store, ada).unwrap();
        assert!(doc.contains("Please don't call me"));
        assert!(
            !doc.contains("Interested."),
            "another candidate's mail is not theirs"
        );
        let path = f._dir.path().join("ada.json");
        write(&path, &doc).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), doc);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn never_overwrites_a_file() {
        let f = Fixture::new();
        let doc = document(&f.store, f.candidate("ada@example.org")).unwrap();
        let path = f._dir.path().join("taken.json");
        std::fs::write(&path, "mine").unwrap();
        let e = write(&path, &doc).unwrap_err().to_string();
        assert!(e.contains("already exists"), "{e}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine");
    }

    #[cfg(unix)]
    #[test]
    fn never_writes_through_a_link() {
        let f = Fixture::new();
        let doc = document(&f.store, f.candidate("ada@example.org")).unwrap();
        let dir = f._dir.path();
        // A link to someone's file, and a dangling one that would create a file elsewhere.
        std::fs::write(dir.join("theirs"), "theirs").unwrap();
        std::os::unix::fs::symlink(dir.join("theirs"), dir.join("to-theirs.json")).unwrap();
        std::os::unix::fs::symlink(dir.join("elsewhere"), dir.join("dangling.json")).unwrap();
        for link in ["to-theirs.json", "dangling.json"] {
            let e = write(&dir.join(link), &doc).unwrap_err().to_string();
            assert!(e.contains("symbolic link"), "{e}");
        }
        assert_eq!(
            std::fs::read_to_string(dir.join("theirs")).unwrap(),
            "theirs"
        );
        assert!(!dir.join("elsewhere").exists());
    }

    #[test]
    fn the_export_is_readable_and_its_summary_can_be_sent_as_it_is() {
        let f = Fixture::new();
        let ada = f.candidate("ada@example.org");
        let doc: serde_json::Value =
            serde_json::from_str(&document(&f.store, ada).unwrap()).unwrap();
        let m = &doc["messages"][0];
        // Times in RFC 3339, no internal columns.
        assert!(m["date"].as_str().unwrap().ends_with('Z'), "{m}");
        for internal in ["dedup_key", "content_hash", "search_text"] {
            assert!(m.get(internal).is_none(), "{internal} in {m}");
        }
        assert!(doc["candidates"][0].get("inbox_rank").is_none());
        let text = summary(&f.store, ada).unwrap();
        assert!(text.starts_with("What we hold about you (as of "), "{text}");
        assert!(
            text.contains("Address: ada@example.org (first seen 20"),
            "{text}"
        );
        assert!(text.contains("you wrote: “Re: Hello”"), "{text}");
        let path = f._dir.path().join("ada.json");
        let txt = export_to(&f.store, ada, &path).unwrap();
        assert_eq!(txt, f._dir.path().join("ada.txt"));
        // The same summary, apart from its first line's "as of" time.
        let body = |t: &str| t.lines().skip(1).collect::<Vec<_>>().join("\n");
        assert_eq!(body(&std::fs::read_to_string(&txt).unwrap()), body(&text));
        // Again: both already exist, nothing is overwritten.
        assert!(export_to(&f.store, ada, &path).is_err());
    }
}
