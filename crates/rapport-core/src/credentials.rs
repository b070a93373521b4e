//! Passwords and tokens come from a command or the environment, never from the config file,
//! and never reach logs, error messages or the database: `Secret` has no Display and a
//! redacted Debug.

use std::process::{Command, Stdio};

/// A password or token. Its value is only reachable through `expose`.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: String) -> Secret {
        Secret(s)
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    #[error("{key}: the command `{command}` failed: {reason}")]
    Command {
        key: String,
        command: String,
        reason: String,
    },
    #[error("{key}: the environment variable {var} is not set")]
    MissingEnv { key: String, var: String },
    #[error("{key}: no password source (set password_command or password_env)")]
    NoSource { key: String },
}

/// Runs `command` through the shell and returns the first line of its output. Its stderr is
/// passed through (a pinentry or agent prompt may need it); its output is never logged.
pub fn from_command(key: &str, command: &str) -> Result<Secret, CredentialError> {
    let out = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::inherit())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| CredentialError::Command {
            key: key.into(),
            command: command.into(),
            reason: e.to_string(),
        })?;
    if !out.status.success() {
        return Err(CredentialError::Command {
            key: key.into(),
            command: command.into(),
            reason: format!("it exited with {}", out.status),
        });
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .next()
        .unwrap_or("")
        .trim_end_matches('\r')
        .to_string();
    if line.is_empty() {
        return Err(CredentialError::Command {
            key: key.into(),
            command: command.into(),
            reason: "it printed nothing".into(),
        });
    }
    Ok(Secret(line))
}

pub fn from_env(key: &str, var: &str) -> Result<Secret, CredentialError> {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => Ok(Secret(v)),
        _ => Err(CredentialError::MissingEnv {
            key: key.into(),
            var: var.into(),
        }),
    }
}

/// The password for a server section: its `password_command`, else its `password_env`.
pub fn password(
    section: &str,
    command: Option<&str>,
    env: Option<&str>,
) -> Result<Secret, CredentialError> {
    match (command, env) {
        (Some(c), _) => from_command(&format!("{section}.password_command"), c),
        (None, Some(v)) => from_env(&format!("{section}.password_env"), v),
        (None, None) => Err(CredentialError::NoSource {
            key: section.into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_line_of_the_command_is_the_secret() {
        let s = from_command("imap.password_command", "printf 'hunter2\\nsecond line\\n'").unwrap();
        assert_eq!(s.expose(), "hunter2");
        assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
    }

    #[test]
    fn a_failing_command_is_named_without_output() {
        let e = from_command("imap.password_command", "echo $((6*7))x; exit 3").unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("imap.password_command") && msg.contains("exit"),
            "{msg}"
        );
        assert!(!msg.contains("42x"), "{msg}");
    }

    #[test]
    fn missing_env_is_named() {
        let e = from_env("smtp.password_env", "RAPPORT_SURELY_UNSET_VAR").unwrap_err();
        assert!(e.to_string().contains("RAPPORT_SURELY_UNSET_VAR"));
    }
}
