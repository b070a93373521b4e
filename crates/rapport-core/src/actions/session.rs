//! Opening a session: what every action needs to know about who acts and how mail leaves,
//! worked out once from the configuration and the data dir. The CLI and the TUI build one
//! [`Session`] and hand it (or its parts) to the use cases.

use crate::config::Config;
use crate::mail_in::imap::connect::{Endpoint, ImapError};
use crate::mail_out::compose::Sender;
use crate::mail_out::delivery::{Deliverer, Transport};
use crate::mail_out::templates::{self, Template};
use crate::store::{Store, StoreError, TeamMember};
use std::path::{Path, PathBuf};

/// Why a session cannot send, or cannot reach the server: each names the missing piece.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("no configuration: rapport cannot send (see config.example.toml)")]
    NoConfig,
    #[error("{}: there is no [smtp] section, so rapport cannot send", .0.display())]
    NoSmtp(PathBuf),
    #[error("no shared address is known: write a configuration")]
    NoSharedAddress,
    #[error(transparent)]
    Credential(#[from] crate::credentials::CredentialError),
    #[error(transparent)]
    Smtp(#[from] crate::mail_out::smtp::SmtpSetupError),
    #[error(transparent)]
    Imap(#[from] ImapError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot read the snippets in {}: {source}", path.display())]
    Templates {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Who acts, with which configuration, over which data dir.
#[derive(Debug, Clone)]
pub struct Session {
    pub config: Option<Config>,
    pub data_dir: PathBuf,
    /// The acting recruiter: their `[[team]]` name (or address) when the config knows their
    /// OS user, else the OS user.
    pub actor: String,
}

/// The acting recruiter for `cfg` (see [`Session::actor`]).
pub fn actor(cfg: Option<&Config>) -> String {
    let user = crate::shared_dir::os_user();
    cfg.and_then(|c| {
        c.team
            .iter()
            .find(|m| m.user.as_deref() == Some(user.as_str()))
    })
    .map(|m| {
        if m.name.is_empty() {
            m.address.clone()
        } else {
            m.name.clone()
        }
    })
    .unwrap_or(user)
}

/// The team as the store needs it: the shared box and every recruiter.
pub fn team_of(cfg: &Config) -> Vec<TeamMember> {
    let mut v = vec![TeamMember {
        address: cfg.shared_address(),
        name: cfg.identity.team.clone(),
        shared: true,
    }];
    for m in &cfg.team {
        v.push(TeamMember {
            address: m.address.trim().to_lowercase(),
            name: m.name.clone(),
            shared: false,
        });
    }
    v
}

impl Session {
    pub fn open(config: Option<Config>, data_dir: &Path) -> Session {
        Session {
            actor: actor(config.as_ref()),
            config,
            data_dir: data_dir.to_owned(),
        }
    }

    pub fn config(&self) -> Option<&Config> {
        self.config.as_ref()
    }

    /// The team from the configuration (none without one).
    pub fn team(&self) -> Vec<TeamMember> {
        self.config.as_ref().map(team_of).unwrap_or_default()
    }

    /// Writes the configuration's team and title into the store, so that reading mail knows
    /// which addresses are ours. Without a configuration the store keeps what it has.
    pub fn apply_team(&self, store: &mut Store) -> Result<(), StoreError> {
        if let Some(c) = &self.config {
            store.set_team(&team_of(c))?;
            store.set_meta("title", &c.identity.team)?;
        }
        Ok(())
    }

    /// The From identity: the shared box with this recruiter's name. Without a configuration
    /// the shared address the store knows (the demo's).
    pub fn identity(&self, store: &Store) -> Result<Sender, SetupError> {
        if let Some(c) = &self.config {
            return Ok(Sender {
                team: c.identity.team.clone(),
                shared_address: c.shared_address(),
                recruiter_name: self.actor.clone(),
                web: c.web(),
            });
        }
        let shared = store
            .team()?
            .into_iter()
            .find(|m| m.shared)
            .ok_or(SetupError::NoSharedAddress)?;
        Ok(Sender {
            team: shared.name,
            shared_address: shared.address,
            recruiter_name: self.actor.clone(),
            web: self.web(),
        })
    }

    /// The `[web]` settings (defaults without a configuration: no links, the unsubscribe
    /// address only).
    pub fn web(&self) -> crate::web::WebSettings {
        self.config.as_ref().map(Config::web).unwrap_or_default()
    }

    /// How this data dir sends: the demo's .eml folder, or SMTP from the config with the Sent
    /// copy over IMAP. May run a password command; SMTP needs a Tokio runtime entered.
    pub fn deliverer(&self, store: &Store) -> Result<Deliverer, SetupError> {
        if store.meta("demo")?.as_deref() == Some("1") {
            return Ok(Deliverer {
                transport: Transport::File(self.data_dir.join(crate::paths::DEMO_OUTGOING)),
                sent: None,
                sent_folders: vec![],
            });
        }
        let cfg = self.config.as_ref().ok_or(SetupError::NoConfig)?;
        let smtp = cfg
            .smtp
            .as_ref()
            .ok_or_else(|| SetupError::NoSmtp(cfg.path.clone()))?;
        let secret = crate::mail_out::smtp::secret(smtp.get_ref())?;
        let transport = crate::mail_out::smtp::submission(smtp.get_ref(), &secret)?;
        let sent = self.imap()?;
        let sent_folders = cfg
            .imap
            .as_ref()
            .map(|i| i.get_ref().folders.clone())
            .unwrap_or_default();
        Ok(Deliverer {
            transport: Transport::Smtp(transport),
            sent,
            sent_folders,
        })
    }

    /// The IMAP server, when the configuration has one (its password is resolved now).
    pub fn imap(&self) -> Result<Option<Endpoint>, ImapError> {
        match self.config.as_ref().and_then(|c| c.imap.as_ref()) {
            Some(i) => Ok(Some(Endpoint::from_config(i.get_ref())?)),
            None => Ok(None),
        }
    }

    /// The largest message the server takes.
    pub fn max_message_size(&self) -> u64 {
        self.config
            .as_ref()
            .map(Config::max_message_size)
            .unwrap_or(crate::config::DEFAULT_MAX_MESSAGE_SIZE)
    }

    /// Where the size limit comes from, for a refusal.
    pub fn size_source(&self) -> String {
        match self
            .config
            .as_ref()
            .and_then(|c| c.smtp.as_ref().map(|s| (c, s)))
        {
            Some((c, s)) if s.get_ref().max_message_size.is_some() => {
                format!("smtp.max_message_size in {}", c.path.display())
            }
            _ => "rapport's default; set [smtp] max_message_size to change it".into(),
        }
    }

    /// The snippets (templates) this session offers.
    pub fn templates(&self) -> Result<Vec<Template>, SetupError> {
        let (dir, origin) = templates::dir(self.config.as_ref(), &self.data_dir);
        templates::load(&dir, origin).map_err(|source| SetupError::Templates { path: dir, source })
    }
}
