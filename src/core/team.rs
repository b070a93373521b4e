//! The recruiters a candidate can be assigned to, from the `[[team]]` section of the config.

use crate::core::config::{Config, Member};

/// The name a member is shown and recorded under (as `cli::people::actor` does).
pub fn display_name(m: &Member) -> String {
    if m.name.is_empty() {
        m.address.clone()
    } else {
        m.name.clone()
    }
}

/// The recruiters' display names, in config order, without duplicates.
pub fn member_names(cfg: Option<&Config>) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for m in cfg.map(|c| c.team.as_slice()).unwrap_or_default() {
        let n = display_name(m);
        if !v.contains(&n) {
            v.push(n);
        }
    }
    v
}

/// Whom `who` names: "me", a member's name, OS user or address (any case). Without a team in
/// the config any name is taken as written.
pub fn resolve(who: &str, cfg: Option<&Config>, me: &str) -> Result<String, String> {
    let who = who.trim();
    if who.is_empty() {
        return Err("name a recruiter (or \"me\")".into());
    }
    if who.eq_ignore_ascii_case("me") {
        return Ok(me.to_string());
    }
    let team = cfg.map(|c| c.team.as_slice()).unwrap_or_default();
    if team.is_empty() || who == me {
        return Ok(who.to_string());
    }
    team.iter()
        .find(|m| {
            m.name.eq_ignore_ascii_case(who)
                || m.address.eq_ignore_ascii_case(who)
                || m.user.as_deref().is_some_and(|u| u == who)
        })
        .map(display_name)
        .ok_or_else(|| {
            format!(
                "{who:?} is not in the team ([[team]] in {}): {}",
                cfg.map(|c| c.path.display().to_string())
                    .unwrap_or_default(),
                member_names(cfg).join(", ")
            )
        })
}
