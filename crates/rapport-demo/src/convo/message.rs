//! Writing one message: ids, MIME shape, the CV attachment, and the raw bytes.

use super::thread::{K, Pending, Snap, Thread};
use super::{Client, Sim};
use crate::clock::{self, TEAM_TZ};
use crate::corpus::{self, ROLES};
use crate::heavy;
use crate::mime::{self, Attachment, Cte, WordEnc};
use crate::render::{self, Decor, Envelope, Style};
use crate::{DOMAIN, RECRUITERS, SHARED_ADDRESS, SHARED_NAME};

fn our_display(rec: usize) -> String {
    format!("{} ({SHARED_NAME})", RECRUITERS[rec].name)
}

fn rec_addr(rec: usize) -> String {
    format!("{}@{DOMAIN}", RECRUITERS[rec].local)
}

fn strip_controls(s: &str) -> String {
    // Drop escape sequences the way a careful client would echo the subject back.
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            match chars.peek() {
                Some('[') => {
                    chars.next();
                    while let Some(&n) = chars.peek() {
                        chars.next();
                        if n.is_ascii_alphabetic() {
                            break;
                        }
                    }
                }
                Some(']') => {
                    for n in chars.by_ref() {
                        if n == '\x07' {
                            break;
                        }
                    }
                }
                _ => {}
            }
        } else if !c.is_control() {
            out.push(c);
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Sim<'_> {
    fn our_message_id(&mut self) -> String {
        self.g.ours += 1;
        format!("<demo.{}.{}@{DOMAIN}>", self.g.ours, self.rng.hex(4))
    }

    fn cand_message_id(&mut self, domain: &str) -> String {
        self.g.theirs += 1;
        let n = self.g.theirs;
        let r = &mut self.rng;
        match self.c.client {
            Client::Gmail => {
                let host = if domain == "gmail.example" {
                    "mail.gmail.example"
                } else {
                    domain
                };
                format!("<CA{}{n:x}+{}@{host}>", r.alnum(12), r.alnum(18))
            }
            Client::Outlook => format!("<{}{n}.{}@{domain}>", r.alnum(20).to_uppercase(), r.hex(8)),
            Client::Apple => format!(
                "<{}-{}-{}-{:012X}@{domain}>",
                r.hex(8).to_uppercase(),
                r.hex(4).to_uppercase(),
                r.hex(4).to_uppercase(),
                n
            ),
            Client::Thunderbird => format!("<{}-{}-{n:08x}@{domain}>", r.hex(8), r.hex(4)),
            Client::Proton => format!("<{}{n}@{domain}>", r.alnum(32)),
            Client::Webmail => format!("<trinity-{}-{}-{n}@{domain}>", r.hex(8), r.hex(4)),
        }
    }

    /// The MIME shape: the team's webmail, or the candidate's client.
    fn style(&mut self, th: &Thread, inbound: bool, automated: bool) -> Style {
        let plain = |cte| Style::Plain {
            cte,
            latin1: false,
            flowed: false,
        };
        if automated {
            return plain(Cte::Raw);
        }
        if !inbound {
            if th.own_addr {
                return Style::Alt {
                    text_cte: Cte::Qp,
                    html_cte: Cte::Qp,
                };
            }
            return match self.rng.weighted(&[60, 28, 12]) {
                0 => plain(Cte::Raw),
                1 => Style::Alt {
                    text_cte: Cte::Qp,
                    html_cte: Cte::Qp,
                },
                _ => plain(Cte::Qp),
            };
        }
        match self.c.client {
            Client::Gmail => Style::Alt {
                text_cte: Cte::Qp,
                html_cte: Cte::Qp,
            },
            Client::Outlook => Style::Html { cte: Cte::Qp },
            Client::Apple => plain(Cte::Qp),
            Client::Thunderbird => Style::Plain {
                cte: Cte::Raw,
                latin1: false,
                flowed: true,
            },
            Client::Proton => Style::Alt {
                text_cte: Cte::Raw,
                html_cte: Cte::Base64,
            },
            Client::Webmail => Style::Plain {
                cte: Cte::Qp,
                latin1: true,
                flowed: false,
            },
        }
    }

    fn cv(&mut self, th: &Thread) -> Attachment {
        let c = self.c;
        let cap = |s: &str| {
            let mut ch = s.chars();
            ch.next()
                .map_or(String::new(), |f| f.to_uppercase().chain(ch).collect())
        };
        let (fa, la) = (cap(&c.id.first_ascii), cap(&c.id.last_ascii));
        let filename = if c.id.lang == "de" && !c.id.full.is_ascii() && self.rng.chance(0.5) {
            let words =
                mime::encoded_words(&format!("Lebenslauf {}.pdf", c.id.full), WordEnc::Utf8Q);
            words.replace("\r\n ", "")
        } else if c.id.lang == "de" {
            format!("Lebenslauf_{fa}_{la}.pdf")
        } else {
            format!("CV_{fa}_{la}.pdf")
        };
        Attachment {
            filename,
            mime: "application/pdf",
            data: corpus::fake_cv_pdf(&format!("{fa} {la}"), ROLES[th.role].title),
        }
    }

    /// Writes message `k` at `t` into the thread.
    pub(super) fn emit(&mut self, th: &mut Thread, k: K, t: i64) {
        self.budget = self.budget.saturating_sub(1);
        self.produced += 1;
        let inbound = k.inbound();
        let automated = k == K::AutoReply;
        let (note, spring) = self.advance(th, k, t);
        let (template, auto_prefix) = self.template(th, k, spring);

        let c = self.c;
        let rec = &RECRUITERS[th.rec];
        let cand_addr = self
            .to_override
            .clone()
            .unwrap_or_else(|| c.addrs[self.addr].clone());
        let cand_domain = cand_addr
            .rsplit('@')
            .next()
            .unwrap_or("example")
            .to_string();
        let mut text = self.write_text(th, template, note, &cand_domain);
        if !inbound {
            text.push_str(&format!(
                "\n\n{},\n{}\n\n-- \n{}\n{} · Northwind Recruiting\n{} · https://{DOMAIN}",
                rec.signoff, rec.first, rec.name, rec.title, rec.phone
            ));
        }
        self.log_contacts(th, k, t);

        // Subject.
        let parent = if k.starts_thread() {
            None
        } else {
            th.last().cloned()
        };
        let base = if inbound || !th.base.bytes().any(|b| b < 0x20) {
            th.base.clone()
        } else {
            strip_controls(&th.base)
        };
        let subject = if k.starts_thread() {
            base
        } else if automated {
            let replied_to = th.pending.last().map_or(&th.base, |p| &p.snap.subject);
            format!("{auto_prefix}{replied_to}")
        } else {
            let prefix = match (inbound, c.client) {
                (true, Client::Outlook) => "RE: ",
                (true, Client::Webmail) if c.id.lang == "de" => "AW: ",
                _ => "Re: ",
            };
            format!("{prefix}{base}")
        };

        // Addresses.
        let enc = if inbound { c.enc } else { WordEnc::Utf8B };
        let our_name = our_display(th.rec);
        let r_addr = rec_addr(th.rec);
        let headers = &self.g.headers;
        let rec_mb = headers.recruiters[th.rec].clone();
        let our_from = if th.own_addr {
            rec_mb.clone()
        } else {
            headers.personas[th.rec].clone()
        };
        let shared_mb = headers.shared.clone();
        let (cand_from, cand_to) = match &self.to_override {
            Some(a) => (
                mime::mailbox(&c.id.full, a, c.enc),
                mime::mailbox(&c.id.full, a, WordEnc::Utf8B),
            ),
            None => (
                c.from_headers[self.addr].clone(),
                c.to_headers[self.addr].clone(),
            ),
        };
        let (from, from_name, from_addr, sender, to, cc) = if inbound {
            let from = cand_from;
            let (to, cc) = match &parent {
                _ if th.own_addr => (rec_mb, Some(shared_mb)),
                Some(p) if !p.inbound => (p.from_header.clone(), None),
                _ if k == K::Application && self.rng.chance(0.5) => {
                    (SHARED_ADDRESS.to_string(), None)
                }
                _ if k == K::Application => (shared_mb, None),
                _ => (our_from, None),
            };
            (from, c.id.full.clone(), cand_addr.clone(), None, to, cc)
        } else {
            let to = cand_to;
            if th.own_addr {
                (
                    our_from,
                    rec.name.to_string(),
                    r_addr,
                    None,
                    to,
                    Some(shared_mb),
                )
            } else {
                let sender = Some(rec_mb);
                (
                    our_from,
                    our_name,
                    SHARED_ADDRESS.to_string(),
                    sender,
                    to,
                    None,
                )
            }
        };
        let message_id = if inbound {
            self.cand_message_id(&cand_domain)
        } else {
            self.our_message_id()
        };
        let (in_reply_to, references) = match &parent {
            Some(p) => (Some(p.id.clone()), th.chain()),
            None => (None, Vec::new()),
        };

        // Trace and client headers.
        let mut extra: Vec<(&'static str, String)> = Vec::new();
        if inbound {
            let relay = self.rng.range(1, 254);
            let queue = self.rng.hex(10).to_uppercase();
            let received_at = clock::rfc5322(t + self.rng.range(1, 9), TEAM_TZ);
            extra.push((
                "Received",
                format!(
                    "from mail.{cand_domain} (mail.{cand_domain} [198.51.100.{relay}])\r\n\tby mx1.{DOMAIN} (Postfix) with ESMTPS id {queue}\r\n\tfor <{SHARED_ADDRESS}>; {received_at}"
                ),
            ));
            match c.client {
                Client::Outlook => extra.push(("X-Mailer", "Microsoft Outlook 16.0".into())),
                Client::Apple => extra.push(("X-Mailer", "Apple Mail (2.3774.600.62)".into())),
                Client::Thunderbird => extra.push(("User-Agent", "Mozilla Thunderbird".into())),
                Client::Webmail => extra.push(("X-Mailer", "Webmail Interface".into())),
                Client::Gmail | Client::Proton => {}
            }
        } else if th.own_addr {
            extra.push(("X-Mailer", "Apple Mail (2.3774.600.62)".into()));
        } else {
            extra.push(("User-Agent", "Roundcube Webmail/1.6.9".into()));
        }
        if automated {
            extra.push(("Auto-Submitted", "auto-replied".into()));
            extra.push(("X-Auto-Response-Suppress", "All".into()));
        }
        let env = Envelope {
            date: clock::rfc5322(t, if inbound { c.id.tz } else { TEAM_TZ }),
            from: from.clone(),
            sender,
            to,
            cc,
            subject: mime::unstructured(&subject, enc),
            message_id: message_id.clone(),
            in_reply_to,
            references,
            extra,
        };

        // Body.
        let style = self.style(th, inbound, automated);
        let quote = self.quote(parent.as_ref(), inbound, automated);
        let decor = if inbound {
            let outlook = c.client == Client::Outlook;
            Decor {
                bold: outlook.then(|| c.id.full.clone()),
                link: (outlook || self.rng.chance(0.3)).then(|| {
                    (
                        format!("https://www.linkedin.example/in/{}", c.slug),
                        format!("{} on LinkedIn", c.id.full),
                    )
                }),
                autolink: None,
                tracker: outlook,
            }
        } else {
            Decor {
                bold: Some(rec.name.to_string()),
                link: None,
                autolink: Some(format!("https://{DOMAIN}")),
                tracker: false,
            }
        };
        let mut attachments = if matches!(k, K::SendCv | K::Application) {
            vec![self.cv(th)]
        } else {
            Vec::new()
        };
        let history = if self.g.realistic {
            if let Some(a) = attachments.pop() {
                let person = format!("{} {}", c.id.first_ascii, c.id.last_ascii);
                attachments.push(heavy::cv(&mut self.sizes, a.filename, &person));
            }
            let html = matches!(style, Style::Html { .. } | Style::Alt { .. });
            if !automated {
                attachments.extend(heavy::extras(&mut self.sizes, inbound, html));
            }
            render::plain_with_quote(&text, quote.as_ref())
        } else {
            String::new()
        };
        let boundary_prefix = match (inbound, c.client) {
            (false, _) => "=_nw",
            (true, Client::Gmail) => "000000000000",
            (true, Client::Apple) => "Apple-Mail=_",
            (true, Client::Outlook) => "_000_",
            _ => "------------",
        };
        let boundary = format!("{boundary_prefix}{}", self.rng.hex(20));
        let bytes = render::render(
            &env,
            style,
            &text,
            quote.as_ref(),
            &decor,
            &attachments,
            &boundary,
        );
        th.pending.push(Pending {
            t,
            automated,
            bytes,
            snap: Snap {
                kind: k,
                t,
                inbound,
                id: message_id,
                text,
                history,
                from_name,
                from_addr,
                from_header: from,
                subject,
            },
        });
    }
}
