//! `rapport web`: the candidate links' key and revocation (the server comes later).

use anyhow::Context as _;
use clap::Subcommand;
use rapport_core::actions::session::Session;
use rapport_core::actions::{Acting, links};
use rapport_core::store::Store;
use rapport_core::timefmt::rfc3339;
use std::process::ExitCode;

#[derive(Subcommand, Debug)]
pub enum WebCmd {
    /// Sign new links with a new key; links made with the current one keep working for
    /// [web] key_grace_days more (default 90), and keys retired longer ago are dropped
    RotateKey,
    /// Every preference-page and unsubscribe link sent to this person stops working (the next
    /// message carries new ones)
    Revoke {
        /// Any of the candidate's addresses
        email: String,
    },
}

pub fn run(session: &Session, store: &mut Store, cmd: WebCmd) -> anyhow::Result<ExitCode> {
    let web = session.web();
    match cmd {
        WebCmd::RotateKey => {
            let now = rapport_core::store::now();
            let ring = links::rotate_link_key(&session.data_dir, &web, now)
                .context("the link key was not rotated")?;
            store.record_action(
                &session.actor,
                "rotate-link-key",
                None,
                &format!(
                    "link key version {} signs from now on",
                    ring.current().version
                ),
            )?;
            let older: Vec<String> = ring
                .keys()
                .iter()
                .filter_map(|k| {
                    let until = k.retired?.saturating_add(web.grace_secs());
                    Some(format!(
                        "version {} verifies until {}",
                        k.version,
                        rfc3339(until)
                    ))
                })
                .collect();
            println!(
                "link key version {} signs from now on ({}); keys in {}",
                ring.current().version,
                if older.is_empty() {
                    "no older key".to_string()
                } else {
                    older.join(", ")
                },
                rapport_core::web::token::key_path(&session.data_dir).display()
            );
            Ok(ExitCode::SUCCESS)
        }
        WebCmd::Revoke { email } => {
            let c = super::people::candidate(store, &email)?;
            let n = links::revoke_links(store, c, &Acting::now(&session.actor))?;
            println!(
                "revoked the links of {email}{}: the next message to them carries new ones",
                if n > 1 {
                    format!(" (and of the {} candidates merged into them)", n - 1)
                } else {
                    String::new()
                }
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
