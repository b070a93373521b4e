//! Writes a generated demo mailbox of about N messages (INBOX + Sent) as a Maildir, for the
//! sync benchmark (`scripts/bench/sync.sh`).
//!
//!     cargo run --release --example gen_maildir -- OUT_DIR N
//!
//! INBOX goes to OUT_DIR/cur, Sent to OUT_DIR/.Sent/cur (Maildir++), every message marked seen.
//! The mailbox is deterministic: a fixed seed and a fixed anchor date (override the anchor,
//! in Unix seconds, with RAPPORT_BENCH_ANCHOR). Messages have realistic sizes (quoted history,
//! HTML parts, logos, CVs, a few large files: about 19 KB on average, see
//! `DemoConfig::realistic`); RAPPORT_BENCH_COMPACT=1 writes the compact demo's 2 KB messages
//! instead. Prints "inbox sent bytes" on stdout.

use rapport_core::mail_in::maildir::write_folder;
use rapport_demo::{DemoConfig, generate};
use std::path::PathBuf;
use std::process::ExitCode;

/// The same anchor as benches/perf.rs.
const ANCHOR: i64 = 1_795_186_800;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (out, n) = match args.as_slice() {
        [out, n] => match n.replace(['_', ','], "").parse::<usize>() {
            Ok(n) if n > 0 => (PathBuf::from(out), n),
            _ => return usage(),
        },
        _ => return usage(),
    };
    let anchor = std::env::var("RAPPORT_BENCH_ANCHOR")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(ANCHOR);
    let candidates = (n / 10).max(1);
    let cfg = if std::env::var_os("RAPPORT_BENCH_COMPACT").is_some() {
        DemoConfig::scaled(anchor, candidates, n)
    } else {
        DemoConfig::realistic(anchor, candidates, n)
    };
    let mb = generate(&cfg);
    if let Err(e) = write_folder(&out, "in", &mb.inbox)
        .and_then(|()| write_folder(&out.join(".Sent"), "sent", &mb.sent))
    {
        eprintln!("gen_maildir: cannot write {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    let bytes: usize = mb.inbox.iter().chain(mb.sent.iter()).map(Vec::len).sum();
    println!("{} {} {}", mb.inbox.len(), mb.sent.len(), bytes);
    ExitCode::SUCCESS
}

fn usage() -> ExitCode {
    eprintln!("usage: gen_maildir OUT_DIR N   (N: about how many messages, INBOX + Sent)");
    ExitCode::from(2)
}
