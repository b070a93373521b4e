//! The recruiters a candidate can be assigned to: the `[[team]]` section of the config, or,
//! without one (the demo, an imported Maildir), the recruiters stored in the database.

pub mod until;

use crate::config::{Config, Member};
use crate::store::Store;

/// The name a member is shown and recorded under (as `cli::people::actor` does).
pub fn display_name(m: &Member) -> String {
    if m.name.is_empty() {
        m.address.clone()
    } else {
        m.name.clone()
    }
}

/// The recruiters: the config's, else the database's (never the shared box).
pub fn members(cfg: Option<&Config>, store: &Store) -> Vec<Member> {
    if let Some(c) = cfg.filter(|c| !c.team.is_empty()) {
        return c.team.clone();
    }
    store
        .team()
        .unwrap_or_default()
        .into_iter()
        .filter(|m| !m.shared)
        .map(|m| Member {
            address: m.address,
            name: m.name,
            user: None,
        })
        .collect()
}

/// Their display names, in order, without duplicates.
pub fn names(members: &[Member]) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for m in members {
        let n = display_name(m);
        if !v.contains(&n) {
            v.push(n);
        }
    }
    v
}

/// Whom `who` names: "me", or a member's name, OS user or address (any case). With no
/// members known any name is taken as written.
pub fn resolve(who: &str, members: &[Member], me: &str) -> Result<String, String> {
    let who = who.trim();
    if who.is_empty() {
        return Err("name a recruiter (or \"me\")".into());
    }
    if who.eq_ignore_ascii_case("me") {
        return Ok(me.to_string());
    }
    if members.is_empty() || who == me {
        return Ok(who.to_string());
    }
    members
        .iter()
        .find(|m| {
            m.name.eq_ignore_ascii_case(who)
                || m.address.eq_ignore_ascii_case(who)
                || m.user.as_deref().is_some_and(|u| u == who)
        })
        .map(display_name)
        .ok_or_else(|| {
            format!(
                "{who:?} is not in the team ([[team]] in the config): {}",
                names(members).join(", ")
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(name: &str, address: &str, user: Option<&str>) -> Member {
        Member {
            address: address.into(),
            name: name.into(),
            user: user.map(String::from),
        }
    }

    #[test]
    fn names_users_and_addresses_resolve_to_the_display_name() {
        let team = [
            m("Alice Moreau", "alice@t.example", Some("alice")),
            m("", "bob@t.example", None),
        ];
        assert_eq!(resolve("alice", &team, "Bob"), Ok("Alice Moreau".into()));
        assert_eq!(
            resolve("ALICE MOREAU", &team, "x"),
            Ok("Alice Moreau".into())
        );
        assert_eq!(
            resolve("bob@t.example", &team, "x"),
            Ok("bob@t.example".into())
        );
        assert_eq!(resolve("me", &team, "Bob"), Ok("Bob".into()));
        let e = resolve("carol", &team, "x").unwrap_err();
        assert!(
            e.contains("\"carol\"") && e.contains("Alice Moreau, bob@t.example"),
            "{e}"
        );
        assert_eq!(resolve("carol", &[], "x"), Ok("carol".into()));
    }
}
