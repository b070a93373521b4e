//! `rapport write-burst` (hidden): many mixed writes from one process through the same store
//! calls the commands use (contact log, preferences, opt-outs, renames), so a test can run
//! several busy writers at once without paying a process start per write. Any error stops it
//! with a non-zero exit.

use clap::Args;
use rapport_core::model::{Channel, ContactEntry, Direction, Outcome};
use rapport_core::store::{ChangeMeta, InboxFilter, InboxQuery, Store};
use rapport_core::values::{ChangeSource, LegalBasis, OptOutScope};
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct BurstArgs {
    /// How many writes
    #[arg(long, default_value_t = 500)]
    count: usize,
    /// Marks every write (notes, reasons, names) so they can be counted afterwards
    #[arg(long)]
    tag: String,
}

pub fn run(store: &mut Store, a: BurstArgs, who: &str) -> anyhow::Result<ExitCode> {
    let q = InboxQuery {
        keep: None,
        filter: InboxFilter::All,
        search: None,
        assignee: Default::default(),
    };
    let n = store.inbox_count(&q)?;
    let ids: Vec<i64> = store.inbox_page(&q, 0, n)?.iter().map(|r| r.id).collect();
    anyhow::ensure!(!ids.is_empty(), "no candidates to write to");
    for i in 0..a.count {
        // Neighbouring writers share candidates, so they contend for the same rows.
        let c = ids[(i * 7 + a.tag.len()) % ids.len()];
        let mark = format!("{}-{i}", a.tag);
        let meta = ChangeMeta {
            actor: who.into(),
            at: rapport_core::store::now(),
            source: ChangeSource::Recruiter,
            source_message_id: None,
            legal_basis: Some(LegalBasis::LegitimateInterest),
            note: mark.clone(),
        };
        match i % 4 {
            0 => {
                store.log_contact(
                    c,
                    &ContactEntry {
                        channel: Channel::Phone,
                        direction: Direction::Outbound,
                        outcome: Outcome::Voicemail,
                        at: meta.at,
                        note: mark,
                        recorded_by: who.into(),
                    },
                )?;
            }
            1 => {
                let mut p = store.preferences(c)?.unwrap_or_default();
                p.language = Some(mark);
                store.set_preferences(c, &p, &meta)?;
            }
            2 => {
                store.record_opt_out(c, &OptOutScope::Topic(mark.clone()), &mark, &meta)?;
            }
            _ => store.rename(c, &format!("Renamed {mark}").parse()?, who)?,
        }
    }
    println!("{} writes", a.count);
    Ok(ExitCode::SUCCESS)
}
