//! The health check behind `rapport doctor`: the data dir, who may change what, the
//! configuration, and whether the IMAP and SMTP servers answer and accept us. Each check is
//! handed to the caller as it completes (the network ones take a while), each failure saying
//! what to fix.

use crate::config::Config;
use crate::mail_in::imap::connect::{Endpoint, ImapError, connect};
use crate::mail_in::imap::sync::resolve_folders;
use crate::store::Store;
use std::net::ToSocketAddrs;
use std::path::Path;

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    Fail,
    /// Not run (the reason says why).
    Skip,
}

/// One check: its name (`data`, `imap.tls`, …), how it came out, and what it found or what
/// to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: String,
    pub status: Status,
    pub text: String,
}

struct Checks<'a> {
    failed: bool,
    seen: &'a mut dyn FnMut(&Check),
}

impl Checks<'_> {
    fn say(&mut self, name: &str, status: Status, text: &str) {
        (self.seen)(&Check {
            name: name.to_string(),
            status,
            text: text.to_string(),
        });
    }
    fn ok(&mut self, check: &str, what: impl AsRef<str>) {
        self.say(check, Status::Ok, what.as_ref());
    }
    fn fail(&mut self, check: &str, what: impl AsRef<str>) {
        self.failed = true;
        self.say(check, Status::Fail, what.as_ref());
    }
    fn skip(&mut self, check: &str, why: impl AsRef<str>) {
        self.say(check, Status::Skip, why.as_ref());
    }
}

/// An erasure whose old bytes are still on disk (a colleague's session held an old snapshot):
/// doctor tries to finish it, and says what is left when it cannot.
fn erasure(r: &mut Checks, s: &Store) {
    let since = match s.pending_erasure() {
        Ok(Some(at)) => at,
        Ok(None) => return r.ok("erasure", "no erasure is waiting to be completed on disk"),
        Err(e) => return r.fail("erasure", e.to_string()),
    };
    match s.finish_pending_erasure(std::time::Duration::from_secs(2)) {
        Ok(None) => r.ok(
            "erasure",
            format!(
                "the erasure of {} is now complete on disk",
                crate::timefmt::rfc3339(since)
            ),
        ),
        Ok(Some(left)) => r.fail(
            "erasure",
            format!(
                "the erasure of {} is not complete on disk: {left}",
                crate::timefmt::rfc3339(since)
            ),
        ),
        Err(e) => r.fail("erasure", e.to_string()),
    }
}

/// Runs every check, handing each to `seen` as it completes; true when none failed.
pub fn run(config_path: &Path, data_dir: &Path, seen: &mut dyn FnMut(&Check)) -> bool {
    let mut r = Checks {
        failed: false,
        seen,
    };
    match Store::open_in(data_dir) {
        Ok(s) => {
            r.ok(
                "data",
                format!(
                    "{} (schema v{})",
                    s.path().display(),
                    s.schema_version().unwrap_or(0)
                ),
            );
            erasure(&mut r, &s);
        }
        Err(e) => r.fail("data", e.to_string()),
    }
    // Ownership and modes: a team's data dir is group-shared; nobody else may read it.
    for f in crate::shared_dir::check(data_dir) {
        match (f.ok, f.fix) {
            (true, _) => r.ok("access", f.what),
            (false, Some(fix)) => r.fail("access", format!("{}; fix: {fix}", f.what)),
            (false, None) => r.fail("access", f.what),
        }
    }
    // Whoever can change these can make rapport run commands as this user (password_command,
    // the editor) or put words in their mail.
    let loaded = Config::load(config_path).ok();
    let (templates, origin) = crate::mail_out::templates::dir(loaded.as_ref(), data_dir);
    let mut paths = vec![
        (config_path.to_owned(), "the config", true),
        (crate::paths::keymap_file(), "the keymap", true),
    ];
    // The data dir's own snippets (the demo's, without a config) are the team's by design.
    if origin == crate::mail_out::templates::Origin::User {
        paths.push((templates.clone(), "the snippets folder", true));
        for e in std::fs::read_dir(&templates)
            .into_iter()
            .flatten()
            .flatten()
        {
            paths.push((e.path(), "the snippet", false));
        }
    }
    let mut own = Vec::new();
    // Each path, and the folder holding it (whoever can write that can replace the file).
    for (path, what, with_folder) in paths {
        let dir = path
            .parent()
            .filter(|d| with_folder && !d.as_os_str().is_empty());
        let found = dir
            .and_then(|d| crate::shared_dir::check_own(d, "the folder"))
            .into_iter()
            .chain(crate::shared_dir::check_own(&path, what));
        for f in found {
            if !own.contains(&f) {
                own.push(f);
            }
        }
    }
    for f in &own {
        r.fail(
            "owner",
            format!("{}; fix: {}", f.what, f.fix.as_deref().unwrap_or("")),
        );
    }
    if own.is_empty() {
        r.ok(
            "owner",
            "the config, the keymap and the snippets can be changed by you alone",
        );
    }
    let cfg = if !config_path.exists() {
        r.fail(
            "config",
            format!(
                "{} does not exist: copy config.example.toml there",
                config_path.display()
            ),
        );
        None
    } else {
        match Config::load(config_path) {
            Ok(c) => {
                r.ok(
                    "config",
                    format!(
                        "{} (shared box {})",
                        config_path.display(),
                        c.shared_address()
                    ),
                );
                Some(c)
            }
            Err(e) => {
                r.fail("config", e.to_string());
                None
            }
        }
    };
    let Some(cfg) = cfg else {
        r.skip("imap", "no usable configuration");
        return !r.failed;
    };
    imap_checks(&cfg, &mut r);
    smtp_checks(&cfg, &mut r);
    !r.failed
}

fn reach(r: &mut Checks, section: &str, host: &str, port: u16) -> bool {
    match (host, port).to_socket_addrs() {
        Ok(addrs) => {
            let addrs: Vec<_> = addrs.collect();
            r.ok(
                &format!("{section}.dns"),
                format!(
                    "{host} → {}",
                    addrs
                        .iter()
                        .map(|a| a.ip().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            match addrs.iter().find_map(|a| {
                std::net::TcpStream::connect_timeout(a, std::time::Duration::from_secs(10)).ok()
            }) {
                Some(_) => {
                    r.ok(
                        &format!("{section}.tcp"),
                        format!("{host}:{port} accepts connections"),
                    );
                    true
                }
                None => {
                    r.fail(&format!("{section}.tcp"), format!("cannot connect to {host}:{port}: check the host, the port and the firewall"));
                    false
                }
            }
        }
        Err(e) => {
            r.fail(
                &format!("{section}.dns"),
                format!("cannot resolve {host}: {e}"),
            );
            false
        }
    }
}

fn imap_checks(cfg: &Config, r: &mut Checks) {
    let Some(imap) = &cfg.imap else {
        r.skip("imap", "no [imap] section: nothing to sync");
        return;
    };
    let ep = match Endpoint::from_config(imap.get_ref()) {
        Ok(ep) => ep,
        Err(e) => return r.fail("imap.auth", e.to_string()),
    };
    if !reach(r, "imap", &ep.host, ep.port) {
        return;
    }
    match connect(&ep) {
        Ok(mut s) => {
            r.ok(
                "imap.tls",
                format!("{:?}: certificate verified", ep.security).to_lowercase(),
            );
            r.ok("imap.login", format!("logged in as {}", ep.username));
            match resolve_folders(&mut s, &imap.get_ref().folders) {
                Ok(folders) => {
                    let mut missing = Vec::new();
                    for f in &folders {
                        if s.examine(&f.name).is_err() {
                            missing.push(f.name.clone());
                        }
                    }
                    if missing.is_empty() {
                        let names: Vec<String> = folders
                            .iter()
                            .map(|f| format!("{} ({})", f.name, f.role))
                            .collect();
                        if folders.iter().any(|f| f.role == "sent") {
                            r.ok("folders", names.join(", "));
                        } else {
                            r.fail(
                                "folders",
                                format!(
                                    "{}; no Sent folder found: set imap.folders to include it",
                                    names.join(", ")
                                ),
                            );
                        }
                    } else {
                        r.fail(
                            "folders",
                            format!("{} cannot be opened: fix imap.folders", missing.join(", ")),
                        );
                    }
                }
                Err(e) => r.fail("folders", e.to_string()),
            }
            let _ = s.logout();
        }
        Err(e @ (ImapError::Tls(_) | ImapError::StartTls { .. } | ImapError::Plaintext(_))) => {
            r.fail("imap.tls", e.to_string());
            r.skip("imap.login", "TLS failed");
        }
        Err(e @ ImapError::Auth { .. }) => {
            r.ok("imap.tls", "certificate verified");
            r.fail(
                "imap.login",
                format!("{e}: check imap.username and the password source"),
            );
        }
        Err(e) => r.fail("imap", e.to_string()),
    }
}

fn smtp_checks(cfg: &Config, r: &mut Checks) {
    let Some(smtp) = &cfg.smtp else {
        r.skip("smtp", "no [smtp] section: replies cannot be sent");
        return;
    };
    let s = smtp.get_ref();
    let secret = match crate::mail_out::smtp::secret(s) {
        Ok(sec) => sec,
        Err(e) => return r.fail("smtp.auth", e.to_string()),
    };
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return r.fail("smtp", e.to_string()),
    };
    // lettre's connection pool needs the runtime while it is built and dropped.
    let _rt_guard = rt.enter();
    let transport = match crate::mail_out::smtp::submission(s, &secret) {
        Ok(t) => t,
        Err(e) => return r.fail("smtp", e.to_string()),
    };
    let port = s.port.unwrap_or(match s.security.get_ref() {
        crate::config::Security::Tls => 465,
        crate::config::Security::Starttls => 587,
        crate::config::Security::None => 25,
    });
    if !reach(r, "smtp", s.host.get_ref(), port) {
        return;
    }
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return r.fail("smtp", e.to_string()),
    };
    match rt.block_on(crate::mail_out::smtp::check(&transport)) {
        Ok(()) => r.ok(
            "smtp.login",
            format!("TLS verified, logged in as {}", s.username),
        ),
        Err(e) => r.fail("smtp.login", e),
    }
}
