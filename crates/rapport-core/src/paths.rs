//! Where rapport keeps its data and looks for its configuration (XDG, with overrides).

use std::path::PathBuf;

/// The data dir: `--data-dir`, else `RAPPORT_DATA_DIR` (clap fills both into `explicit`),
/// else `$XDG_DATA_HOME/rapport` (usually ~/.local/share/rapport).
pub fn data_dir(explicit: Option<PathBuf>) -> PathBuf {
    if let Some(p) = explicit {
        return p;
    }
    directories::ProjectDirs::from("", "", "rapport")
        .map(|d| d.data_dir().to_owned())
        .unwrap_or_else(|| PathBuf::from(".rapport"))
}

/// `$XDG_CONFIG_HOME/rapport` (usually ~/.config/rapport).
pub fn config_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "rapport")
        .map(|d| d.config_dir().to_owned())
        .unwrap_or_else(|| PathBuf::from(".rapport"))
}

/// The config file: `--config`, else `RAPPORT_CONFIG`, else `config.toml` in the config dir.
pub fn config_file(explicit: Option<PathBuf>) -> PathBuf {
    explicit.unwrap_or_else(|| config_dir().join("config.toml"))
}

/// The user's home directory (`$HOME`), where a user's own files go by default (an export).
pub fn home_dir() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|d| d.home_dir().to_owned())
}

/// The user's keymap overrides.
pub fn keymap_file() -> PathBuf {
    config_dir().join("keymap.toml")
}

/// The demo's own Maildir inside its data dir (written by `rapport-demo`, read by erasure).
pub const DEMO_MAILDIR: &str = "demo-maildir";
/// The folder of the demo's data dir where its sent mail lands as .eml files.
pub const DEMO_OUTGOING: &str = "outgoing";
