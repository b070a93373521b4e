//! Snippets for replies: text files in a folder, with placeholders such as `{first_name}` and
//! `{recruiter}`. A first line `tags: rust, remote` ties a snippet to interests, and snippets
//! matching the candidate's interests are offered first.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub name: String,
    pub tags: Vec<String>,
    pub body: String,
}

/// Where the snippets are: `templates_dir` from the config, else `templates` beside the
/// config file, else (no config: the demo) `templates` in the data dir.
pub fn dir(cfg: Option<&crate::config::Config>, data_dir: &Path) -> (PathBuf, Origin) {
    match cfg {
        Some(c) => (
            c.templates_dir
                .clone()
                .unwrap_or_else(|| c.path.parent().unwrap_or(Path::new(".")).join("templates")),
            Origin::User,
        ),
        None => (data_dir.join("templates"), Origin::DataDir),
    }
}

/// Whose folder the snippets come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The user's own (beside the config): links are followed, as dotfile managers use them.
    User,
    /// The data dir, which colleagues write too: a link (to the user's private files) or a
    /// FIFO is skipped with a warning rather than read.
    DataDir,
}

/// Reads every `*.txt` / `*.md` file of `dir`, sorted by name. A missing folder has none.
pub fn load(dir: &Path, origin: Origin) -> std::io::Result<Vec<Template>> {
    let mut out = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e),
    };
    for e in entries {
        let p = e?.path();
        if !p.extension().is_some_and(|x| x == "txt" || x == "md") {
            continue;
        }
        // The question mail's own files (`mail_out::ask`) are not snippets.
        if p.file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.rsplit_once('.'))
            .is_some_and(|(stem, _)| super::ask::is_ask_file(stem))
        {
            continue;
        }
        let text = match origin {
            Origin::User => std::fs::read_to_string(&p)?,
            Origin::DataDir => match crate::shared_dir::read(&p) {
                Ok(b) => String::from_utf8_lossy(&b).into_owned(),
                Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => {
                    tracing::warn!("skipping the snippet: {e}");
                    continue;
                }
                Err(e) => return Err(e),
            },
        };
        let name = p
            .file_stem()
            .map(|s| s.to_string_lossy().replace(['_', '-'], " "))
            .unwrap_or_default();
        out.push(parse(&name, &text));
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

pub fn parse(name: &str, text: &str) -> Template {
    let (tags, body) = match text.split_once('\n') {
        Some((first, rest)) if first.to_ascii_lowercase().starts_with("tags:") => (
            first[5..]
                .split(',')
                .map(|t| t.trim().to_lowercase())
                .filter(|t| !t.is_empty())
                .collect(),
            rest.trim_start_matches('\n').to_string(),
        ),
        _ => (Vec::new(), text.to_string()),
    };
    Template {
        name: name.to_string(),
        tags,
        body,
    }
}

/// Templates matching any of `interests` first (most matches first), then the rest.
pub fn ranked<'a>(all: &'a [Template], interests: &[String]) -> Vec<&'a Template> {
    let score = |t: &Template| {
        t.tags
            .iter()
            .filter(|x| interests.iter().any(|i| i.eq_ignore_ascii_case(x)))
            .count()
    };
    let mut v: Vec<&Template> = all.iter().collect();
    v.sort_by_key(|t| std::cmp::Reverse(score(t)));
    v
}

/// Values for the placeholders. They are single lines with control characters removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vars {
    pub name: String,
    pub recruiter: String,
    pub team: String,
}

/// Fills `{first_name}`, `{last_name}`, `{name}`, `{recruiter}`, `{recruiter_first_name}` and
/// `{team}`; other braces are left as written.
pub fn render(t: &Template, v: &Vars) -> String {
    let clean = crate::sanitize::sanitize_line;
    let name = clean(&v.name);
    let mut words = name.split_whitespace();
    let first = words.next().unwrap_or("").to_string();
    let last = name
        .split_whitespace()
        .skip(1)
        .collect::<Vec<_>>()
        .join(" ");
    let recruiter = clean(&v.recruiter);
    let recruiter_first = recruiter
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_string();
    t.body
        .replace("{first_name}", &first)
        .replace("{last_name}", &last)
        .replace("{name}", &name)
        .replace("{recruiter_first_name}", &recruiter_first)
        .replace("{recruiter}", &recruiter)
        .replace("{team}", &clean(&v.team))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_fill_and_tags_rank() {
        let a = parse(
            "intro",
            "Hi {first_name},\n\n{recruiter} from {team} here. {unknown}\n",
        );
        let b = parse(
            "rust roles",
            "tags: rust, remote\nHi {first_name}, a Rust role!\n",
        );
        let v = Vars {
            name: "José Álvarez\r\nBcc: x@y".into(),
            recruiter: "Alice Moreau".into(),
            team: "Northwind".into(),
        };
        assert_eq!(
            render(&a, &v),
            "Hi José,\n\nAlice Moreau from Northwind here. {unknown}\n"
        );
        assert_eq!(b.tags, vec!["rust", "remote"]);
        let all = vec![a.clone(), b.clone()];
        assert_eq!(ranked(&all, &["rust".into()])[0].name, "rust roles");
        assert_eq!(ranked(&all, &[])[0].name, "intro");
        // A name cannot smuggle a line break into the text.
        assert!(!render(&parse("x", "{name}"), &v).contains('\n'));
    }

    #[test]
    fn a_folder_of_files_loads_sorted() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("b_follow-up.txt"), "tags: ml\nFollowing up").unwrap();
        std::fs::write(d.path().join("a_intro.txt"), "Hello").unwrap();
        std::fs::write(d.path().join("ignored.json"), "{}").unwrap();
        let t = load(d.path(), Origin::User).unwrap();
        assert_eq!(
            t.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
            vec!["a intro", "b follow up"]
        );
        assert!(
            load(&d.path().join("missing"), Origin::User)
                .unwrap()
                .is_empty()
        );
        // In the data dir, a link a colleague put there is skipped, not read.
        std::os::unix::fs::symlink(d.path().join("a_intro.txt"), d.path().join("c_link.txt"))
            .unwrap();
        assert_eq!(load(d.path(), Origin::User).unwrap().len(), 3);
        assert_eq!(load(d.path(), Origin::DataDir).unwrap().len(), 2);
    }
}
