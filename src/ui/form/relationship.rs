//! Opening the relationship forms from the selected candidate, and turning them into the
//! write (a core use case) they ask for when submitted.

use crate::ui::form::{Field, Form, Purpose};
use crate::ui::reads::Reads;
use crate::ui::state::{Mode, State};
use crate::ui::write::Write;
use rapport_core::actions::{contact, optout, preferences};
use rapport_core::model::{Channel, Direction, Frequency, Outcome, Preferences};
use rapport_core::timefmt::short_date;
use rapport_core::values::{LegalBasis, OptOutScope};

const CHANNELS: [Channel; 4] = [
    Channel::Email,
    Channel::Phone,
    Channel::Sms,
    Channel::Linkedin,
];
const NONE_AT_ALL: &str = "none at all";

fn frequency_options() -> Vec<String> {
    std::iter::once("not recorded".to_string())
        .chain(Frequency::ALL.iter().map(|f| f.label().to_string()))
        .collect()
}

/// The candidate's newest inbound message in the loaded conversation (a source for "the
/// candidate said so").
fn their_latest<D: Reads>(s: &State<D>) -> Option<(i64, i64)> {
    s.conversation
        .as_ref()?
        .messages
        .iter()
        .rev()
        .find(|m| m.direction == Direction::Inbound && !m.automated)
        .map(|m| (m.id, m.date))
}

pub fn open_preferences<D: Reads>(s: &mut State<D>) {
    let Some(p) = &s.profile else { return };
    let prefs = p.preferences.clone().unwrap_or_default();
    let latest = their_latest(s);
    let mut sources = vec!["a recruiter's note".to_string()];
    if let Some((_, at)) = latest {
        sources.push(format!(
            "the candidate said so (their message of {})",
            short_date(at, s.now, &s.tz)
        ));
    }
    let mut fields = preference_fields(s, &prefs);
    fields.extend([
        Field::choice("Source", sources, 0),
        Field::choice(
            "Legal basis",
            LegalBasis::ALL
                .iter()
                .map(|b| b.label().to_string())
                .collect(),
            0,
        ),
        Field::text("Note", "", "why, in a few words"),
    ]);
    let mut form = Form::new(
        &format!("Preferences of {}", p.name),
        Purpose::Preferences {
            candidate: p.id,
            their_message: latest.map(|(id, _)| id),
        },
        fields,
    );
    form.intro
        .push("Every change is kept in the candidate's history (H shows it).".into());
    s.mode = Mode::Form(form);
}

/// The preferences form filled with their answer to the question mail (`prefs`: what it
/// proposes over what we hold); saving accepts the answer as edited, citing their message.
pub fn open_answer<D: Reads>(s: &mut State<D>, prefs: Preferences) {
    let Some(p) = &s.profile else { return };
    let fields = preference_fields(s, &prefs);
    let mut form = Form::new(
        &format!("Their answer, {}", p.name),
        Purpose::Answer { candidate: p.id },
        fields,
    );
    form.intro.push(
        "What they answered, over what we held: change what was read wrong. Enter saves it with their message as the source; esc goes back to the banner."
            .into(),
    );
    s.mode = Mode::Form(form);
}

/// The fields of a preference (channels, preferred, frequency, interests, language, zone).
fn preference_fields<D: Reads>(s: &State<D>, prefs: &Preferences) -> Vec<Field> {
    let mut options: Vec<String> = CHANNELS.iter().map(|c| c.as_str().to_string()).collect();
    options.push(NONE_AT_ALL.into());
    let mut checked: Vec<bool> = CHANNELS
        .iter()
        .map(|c| prefs.channels.contains(c))
        .collect();
    checked.push(prefs.no_channel);
    let preferred = prefs
        .preferred
        .and_then(|c| CHANNELS.iter().position(|x| *x == c))
        .map(|i| i + 1)
        .unwrap_or(0);
    let freq = prefs
        .frequency
        .and_then(|f| Frequency::ALL.iter().position(|x| *x == f))
        .map(|i| i + 1)
        .unwrap_or(0);
    let vocab = if s.interest_vocabulary.is_empty() {
        String::new()
    } else {
        format!("e.g. {}", s.interest_vocabulary.join(", "))
    };
    vec![
        Field::multi("Channels", options, checked),
        Field::choice(
            "Preferred",
            std::iter::once("-".to_string())
                .chain(CHANNELS.iter().map(|c| c.as_str().to_string()))
                .collect(),
            preferred,
        ),
        Field::choice("Frequency", frequency_options(), freq),
        Field::text("Interests", &prefs.interests.join(", "), &vocab),
        Field::text(
            "Language",
            prefs.language.as_deref().unwrap_or(""),
            "e.g. en, de",
        ),
        Field::text(
            "Time zone",
            prefs.timezone.as_deref().unwrap_or(""),
            "e.g. Europe/Berlin",
        ),
    ]
}

pub fn open_log_contact<D: Reads>(s: &mut State<D>) {
    let Some(p) = &s.profile else { return };
    let now = jiff::Timestamp::from_second(s.now)
        .map(|t| {
            t.to_zoned_datetime(s.tz.clone())
                .strftime("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default();
    let form = Form::new(
        &format!("Log a contact with {}", p.name),
        Purpose::LogContact { candidate: p.id },
        vec![
            Field::choice(
                "Channel",
                ["phone", "meeting", "linkedin", "sms", "email"]
                    .map(String::from)
                    .to_vec(),
                0,
            ),
            Field::choice(
                "Direction",
                vec!["we contacted them".into(), "they contacted us".into()],
                0,
            ),
            Field::choice(
                "Outcome",
                vec![
                    "talked".into(),
                    "voicemail".into(),
                    "no answer".into(),
                    "message delivered".into(),
                ],
                0,
            ),
            Field::text("When", &now, "YYYY-MM-DD HH:MM"),
            Field::text("Note", "", "what was said"),
        ],
    );
    s.mode = Mode::Form(form);
}

/// The opt-out form; from the banner it starts with the candidate's message as the source.
pub fn open_opt_out<D: Reads>(s: &mut State<D>, from_banner: bool) {
    let Some(p) = &s.profile else { return };
    let mut scopes = vec![OptOutScope::All];
    scopes.extend(CHANNELS.iter().map(|c| OptOutScope::Channel(*c)));
    if let Some(pr) = &p.preferences {
        scopes.extend(pr.interests.iter().map(|t| OptOutScope::Topic(t.clone())));
    }
    // A request read from their message starts the form at the scope ingest stored with it.
    let asked = p.optout_request.as_ref().map(|(_, r)| r.scope.clone());
    if let Some(a) = &asked
        && !scopes.contains(a)
    {
        scopes.push(a.clone());
    }
    let selected = asked
        .as_ref()
        .and_then(|a| scopes.iter().position(|x| x == a))
        .unwrap_or(0);
    let labels: Vec<String> = scopes
        .iter()
        .map(|sc| match sc {
            OptOutScope::All => "everything".to_string(),
            OptOutScope::Channel(c) => format!("only {c}"),
            OptOutScope::Topic(t) => format!("only the topic {t}"),
        })
        .collect();
    let banner = p.optout_request.clone();
    let latest = their_latest(s);
    let message = if from_banner {
        banner.as_ref().map(|(id, _)| *id)
    } else {
        latest.map(|(id, _)| id)
    };
    let mut sources = vec!["a recruiter's note of a call".to_string()];
    if message.is_some() {
        sources.push("the candidate's message".into());
    }
    let reason = if from_banner {
        banner.map(|(_, r)| r.evidence).unwrap_or_default()
    } else {
        String::new()
    };
    let mut form = Form::new(
        &format!("Opt-out for {}", p.name),
        Purpose::OptOut {
            candidate: p.id,
            message,
            scopes,
        },
        vec![
            Field::choice("Scope", labels, selected),
            Field::text("Reason", &reason, "what they asked"),
            Field::choice(
                "Source",
                sources,
                if from_banner && message.is_some() {
                    1
                } else {
                    0
                },
            ),
        ],
    );
    form.intro
        .push("Takes effect at once: covered mail is refused and queued mail cancelled.".into());
    if asked.is_some() {
        form.intro
            .push("The scope is what their message asked for (the banner).".into());
    }
    s.mode = Mode::Form(form);
}

pub fn open_rename<D: Reads>(s: &mut State<D>) {
    let Some(p) = &s.profile else { return };
    s.mode = Mode::Form(Form::new(
        "Edit the name",
        Purpose::Rename { candidate: p.id },
        vec![Field::text("Name", &p.name, "")],
    ));
}

pub fn open_new_candidate<D: Reads>(s: &mut State<D>) {
    let mut form = Form::new(
        "A new candidate",
        Purpose::NewCandidate,
        vec![
            Field::text("Address", "", "name@example.org"),
            Field::text("Name", "", "as they introduced themselves"),
            Field::text("How", "", "how we got the address: met at …"),
        ],
    );
    form.intro
        .push("How we got the address goes into their history.".into());
    s.mode = Mode::Form(form);
}

pub fn open_split<D: Reads>(s: &mut State<D>) {
    let Some(p) = &s.profile else { return };
    if p.addresses.len() < 2 {
        s.notice = Some(format!("{} has only one address; nothing to split", p.name));
        return;
    }
    let mut form = Form::new(
        "Split an address off",
        Purpose::Split {
            candidate: p.id,
            addresses: p.addresses.clone(),
        },
        vec![Field::choice(
            "Address",
            p.addresses.clone(),
            p.addresses.len() - 1,
        )],
    );
    form.intro
        .push("The address and its mail become a candidate of their own.".into());
    s.mode = Mode::Form(form);
}

pub fn open_erase<D: Reads>(s: &mut State<D>) {
    let Some(p) = &s.profile else { return };
    let address = p.addresses.first().cloned().unwrap_or_default();
    let mut form = Form::new(
        &format!("Erase {}", p.name),
        Purpose::Erase {
            candidate: p.id,
            address: address.clone(),
        },
        vec![Field::text("Confirm", "", &format!("type {address}"))],
    );
    form.intro = vec![
        format!(
            "Deletes everything about {}: {} messages, preferences, history, contacts.",
            p.name, p.message_count
        ),
        "Only keyed hashes of their addresses remain, so they are not contacted again.".into(),
        "This cannot be undone. Type the address to confirm.".into(),
    ];
    s.mode = Mode::Form(form);
}

/// Where an export goes unless the recruiter says otherwise: their home dir, never the data
/// dir (shared with colleagues); nothing when there is no home dir outside it.
fn default_export_path<D: Reads>(s: &State<D>, candidate: i64) -> Option<std::path::PathBuf> {
    let home = rapport_core::paths::home_dir()?;
    let inside = |dir: &std::path::Path| {
        let canon = |p: &std::path::Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.into());
        canon(&home).starts_with(canon(dir))
    };
    if s.data_dir.as_deref().is_some_and(inside) {
        return None;
    }
    Some(home.join(format!("rapport-export-{candidate}.json")))
}

pub fn open_export<D: Reads>(s: &mut State<D>) {
    let Some(p) = &s.profile else { return };
    let path = default_export_path(s, p.id)
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let mut form = Form::new(
        &format!("Export {}", p.name),
        Purpose::Export { candidate: p.id },
        vec![Field::text(
            "File",
            &path,
            "a full path, e.g. ~/export.json",
        )],
    );
    form.intro = vec![
        "Everything held about them, as one JSON document (personal data).".into(),
        "Written to a new file only you can read; an existing file is left alone.".into(),
    ];
    s.mode = Mode::Form(form);
}

/// The export form's path: a full path, `~/` for the home dir.
fn export_path(typed: &str) -> Result<std::path::PathBuf, String> {
    let typed = typed.trim();
    let path = match typed.strip_prefix("~/") {
        Some(rest) => rapport_core::paths::home_dir()
            .ok_or("there is no home directory: give a full path")?
            .join(rest),
        None => std::path::PathBuf::from(typed),
    };
    if typed.is_empty() || !path.is_absolute() || path.file_name().is_none() {
        return Err("give a full path for the file (/… or ~/…)".into());
    }
    Ok(path)
}

/// `m` marks the selected candidate; `m` on another asks to merge the marked one into it.
pub fn merge_key<D: Reads>(s: &mut State<D>) {
    let Some(p) = &s.profile else { return };
    match s.merge_mark.clone() {
        None => {
            s.merge_mark = Some((p.id, p.name.clone()));
            s.notice = Some(format!(
                "{} marked: select the candidate to merge into and press m again (m on this one cancels)",
                p.name
            ));
        }
        Some((id, _)) if id == p.id => {
            s.merge_mark = None;
            s.notice = Some("merge cancelled".into());
        }
        Some((source, source_name)) => {
            let mut form = Form::new(
                "Merge candidates",
                Purpose::Merge {
                    target: p.id,
                    source,
                },
                Vec::new(),
            );
            form.intro = vec![
                format!("Merge {source_name} into {}?", p.name),
                "Addresses, mail, contacts and opt-outs move; the newer preferences win.".into(),
                "Enter merges, esc cancels. U undoes a merge later.".into(),
            ];
            s.mode = Mode::Form(form);
        }
    }
}

/// The preference fields as typed (validated by the caller through the core).
fn form_preferences(form: &Form) -> Preferences {
    let ticked = form.ticked("Channels");
    let no_channel = ticked.iter().any(|t| t == NONE_AT_ALL);
    let channels: Vec<Channel> = ticked.iter().filter_map(|t| t.parse().ok()).collect();
    let preferred = match form.choice("Preferred") {
        0 => None,
        i => CHANNELS.get(i - 1).copied(),
    };
    let frequency = match form.choice("Frequency") {
        0 => None,
        i => Frequency::ALL.get(i - 1).copied(),
    };
    Preferences {
        channels,
        preferred,
        frequency,
        interests: form
            .text("Interests")
            .split(',')
            .map(String::from)
            .collect(),
        language: Some(form.text("Language")),
        timezone: Some(form.text("Time zone")),
        no_channel,
    }
}

/// A submitted form as the write it asks for, checked first with the core's validators so
/// a refusal shows in the form. Nothing is written here: the runner executes the write.
pub fn submit<D: Reads>(s: &State<D>, form: &Form) -> Result<Write, String> {
    let now = rapport_core::store::now();
    let invalid = |e: rapport_core::error::Error| e.to_string();
    match &form.purpose {
        Purpose::Answer { candidate } => Ok(Write::AcceptEditedAnswer {
            candidate: *candidate,
            preferences: preferences::validate(form_preferences(form)).map_err(invalid)?,
        }),
        Purpose::AskConfirm { candidate } => {
            crate::ui::answers::submit_confirm(s, form, *candidate)
        }
        Purpose::Preferences {
            candidate,
            their_message,
        } => {
            let preferences = preferences::validate(form_preferences(form)).map_err(invalid)?;
            let source = match (form.choice("Source"), their_message) {
                (1, Some(m)) => preferences::Source::Candidate(*m),
                _ => preferences::Source::Recruiter,
            };
            let basis = if form.choice("Legal basis") == 0 {
                preferences::Basis::Consent
            } else {
                preferences::Basis::LegitimateInterest
            };
            Ok(Write::SetPreferences {
                candidate: *candidate,
                change: preferences::Change {
                    preferences,
                    source,
                    basis,
                    note: form.text("Note"),
                },
            })
        }
        Purpose::LogContact { candidate } => {
            let channel = [
                Channel::Phone,
                Channel::Meeting,
                Channel::Linkedin,
                Channel::Sms,
                Channel::Email,
            ][form.choice("Channel").min(4)];
            let direction = if form.choice("Direction") == 0 {
                Direction::Outbound
            } else {
                Direction::Inbound
            };
            let outcome = [
                Outcome::Talked,
                Outcome::Voicemail,
                Outcome::NoAnswer,
                Outcome::Delivered,
            ][form.choice("Outcome").min(3)];
            let at = rapport_core::timefmt::parse_time(&form.text("When"), &s.tz, now)?;
            let c = contact::Contact {
                channel,
                direction,
                outcome,
                at,
                note: form.text("Note"),
            };
            contact::validate(&c, now).map_err(invalid)?;
            Ok(Write::LogContact {
                candidate: *candidate,
                contact: c,
            })
        }
        Purpose::OptOut {
            candidate,
            message,
            scopes,
        } => {
            let scope = scopes
                .get(form.choice("Scope"))
                .cloned()
                .unwrap_or(OptOutScope::All);
            let reason = form.text("Reason");
            if reason.trim().is_empty() {
                return Err("give a reason (what they asked)".into());
            }
            let source = match (form.choice("Source"), message) {
                (1, Some(m)) => optout::Source::Message(*m),
                _ => optout::Source::CallNote,
            };
            Ok(Write::RecordOptOut {
                candidate: *candidate,
                scope,
                reason,
                source,
            })
        }
        Purpose::NewCandidate => Ok(Write::AddCandidate {
            address: form.text("Address"),
            name: form.text("Name"),
            how: form.text("How"),
        }),
        Purpose::Rename { candidate } => Ok(Write::Rename {
            candidate: *candidate,
            name: form.text("Name"),
        }),
        Purpose::Split {
            candidate,
            addresses,
        } => Ok(Write::Split {
            candidate: *candidate,
            address: addresses
                .get(form.choice("Address"))
                .cloned()
                .unwrap_or_default(),
        }),
        Purpose::Erase { candidate, address } => {
            if form.text("Confirm") != *address {
                return Err(format!("type {address} exactly to confirm"));
            }
            Ok(Write::Erase {
                candidate: *candidate,
                on_server: s.erase_on_server,
            })
        }
        Purpose::Export { candidate } => Ok(Write::Export {
            candidate: *candidate,
            path: export_path(&form.text("File"))?,
        }),
        Purpose::Assign { .. } | Purpose::Snooze { .. } => crate::ui::teamwork::submit(s, form),
        Purpose::Review
        | Purpose::SendConfirm
        | Purpose::PickTemplate { .. }
        | Purpose::PickAttachment { .. }
        | Purpose::WriteAnyway { .. } => Err("handled by the compose flow".into()),
        Purpose::SharePick { .. }
        | Purpose::ShareSpec { .. }
        | Purpose::ShareConfirm { .. }
        | Purpose::ShareCancel { .. } => Err("handled by the Share view".into()),
        Purpose::Merge { target, source } => Ok(Write::Merge {
            target: *target,
            source: *source,
        }),
    }
}
