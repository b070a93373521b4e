//! Large mail read in part. A first sync reads only the first bytes of a large message, which
//! hold its headers and its text, and the server's description of its parts (IMAP
//! BODYSTRUCTURE) for the attachments: in a realistic mailbox one message in thirteen carries
//! nearly three quarters of the bytes, all of it attachments rapport lists but never stores.
//!
//! The parts the server describes are read with the same rules as a whole message
//! (`body::is_listed`, `body::attachment_name`): each becomes a small MIME part of its
//! own headers, and mailparse decodes its parameters as it would in the message.

use super::body::{attachment_name, is_listed, labelled_name};
use crate::model::Attachment;
use crate::sanitize::sanitize_line;
use mailparse::{ParsedMail, parse_mail};

/// A leaf part (not multipart) as the server describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Leaf {
    /// "type/subtype" as sent (any case).
    pub mime: String,
    /// Content-Type parameters, as in the message (RFC 2231 forms included).
    pub params: Vec<(String, String)>,
    /// Content-Disposition and its parameters, when the part has one.
    pub disposition: Option<(String, Vec<(String, String)>)>,
    /// Content-Transfer-Encoding, e.g. "BASE64".
    pub encoding: String,
    /// Size of the part's body as encoded in the message.
    pub octets: u64,
    /// The Subject header of an attached message (message/rfc822), undecoded.
    pub subject: Option<String>,
    /// Its number in the message, as `BODY[section]` names it ("2", "1.2").
    pub section: String,
}

impl Leaf {
    /// The part's header block (and, for an attached message, a body of its subject).
    fn as_part(&self) -> Vec<u8> {
        let mut s = format!("Content-Type: {}", self.mime);
        push_params(&mut s, &self.params);
        if let Some((kind, params)) = &self.disposition {
            s.push_str("\r\nContent-Disposition: ");
            s.push_str(kind);
            push_params(&mut s, params);
        }
        s.push_str("\r\n\r\n");
        if let Some(subject) = &self.subject {
            s.push_str("Subject: ");
            s.push_str(subject);
            s.push_str("\r\n\r\n");
        }
        s.into_bytes()
    }

    /// `f` on the part as mailparse reads it; `None` when it cannot.
    fn read<T>(&self, f: impl FnOnce(&ParsedMail<'_>) -> T) -> Option<T> {
        parse_mail(&self.as_part()).ok().map(|p| f(&p))
    }

    /// The decoded size, estimated from the encoded one.
    fn size(&self) -> u64 {
        if self.encoding.eq_ignore_ascii_case("base64") {
            // Lines of 76 characters and CRLF, as encoders write them.
            let chars = self.octets - self.octets / 78 * 2;
            chars / 4 * 3 + (chars % 4).saturating_sub(1)
        } else {
            self.octets
        }
    }
}

/// `; key="value"` for each parameter; RFC 2231 values (`key*`) stay unquoted, as sent.
fn push_params(s: &mut String, params: &[(String, String)]) {
    for (k, v) in params {
        let k: String = k
            .chars()
            .filter(|c| c.is_ascii_graphic() && *c != ';')
            .collect();
        let v: String = v.chars().filter(|c| !c.is_control()).collect();
        if k.ends_with('*') && !v.contains([' ', ';', '"', '\\']) {
            s.push_str(&format!("; {k}={v}"));
        } else {
            s.push_str(&format!(
                "; {k}=\"{}\"",
                v.replace('\\', "\\\\").replace('"', "\\\"")
            ));
        }
    }
}

impl Leaf {
    /// Whether the part is listed as an attachment (see [`attachments`]).
    pub fn is_listed(&self) -> bool {
        self.read(is_listed) == Some(true)
    }
}

/// The attachments of a message known by its parts: what reading the whole message lists,
/// sizes estimated.
pub fn attachments(leaves: &[Leaf]) -> Vec<Attachment> {
    leaves
        .iter()
        .filter_map(|leaf| {
            leaf.read(|p| {
                is_listed(p).then(|| Attachment {
                    name: labelled_name(&p.ctype.mimetype, attachment_name(p)),
                    mime: sanitize_line(&p.ctype.mimetype).to_lowercase(),
                    size: leaf.size(),
                })
            })
            .flatten()
        })
        .collect()
}

/// Whether `prefix`, the first bytes of a message with these `leaves`, holds all of its text:
/// the part the cut falls in, and every part after it, are attachments (or not text). When
/// the prefix and the description disagree, it does not.
pub fn prefix_has_text(prefix: &[u8], leaves: &[Leaf]) -> bool {
    let Ok(mail) = parse_mail(prefix) else {
        return false;
    };
    let seen: Vec<&ParsedMail> = mail
        .parts()
        .filter(|p| !p.ctype.mimetype.starts_with("multipart/"))
        .collect();
    let Some(cut) = seen.len().checked_sub(1) else {
        return false;
    };
    if seen.len() > leaves.len() {
        return false;
    }
    for (p, leaf) in seen.iter().zip(leaves) {
        if !p.ctype.mimetype.eq_ignore_ascii_case(&leaf.mime) {
            return false;
        }
    }
    leaves[cut..]
        .iter()
        .all(|leaf| leaf.read(is_listed) == Some(true))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(mime: &str, disposition: Option<(&str, &str)>, encoding: &str, octets: u64) -> Leaf {
        Leaf {
            mime: mime.into(),
            params: Vec::new(),
            disposition: disposition.map(|(kind, file)| {
                (
                    kind.to_string(),
                    vec![("filename".to_string(), file.to_string())],
                )
            }),
            encoding: encoding.into(),
            octets,
            subject: None,
            section: String::new(),
        }
    }

    /// Text, then a CV and a letter; the cut falls inside the CV.
    fn cv_mail() -> (Vec<u8>, Vec<Leaf>) {
        let prefix = b"From: a@example.com\r\nSubject: CV\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nHello, my CV.\r\n--b1\r\nContent-Type: application/pdf; name=\"cv.pdf\"\r\nContent-Disposition: attachment; filename=\"cv.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\nJVBERi0x".to_vec();
        let leaves = vec![
            leaf("TEXT/PLAIN", None, "7BIT", 15),
            leaf(
                "application/pdf",
                Some(("attachment", "cv.pdf")),
                "BASE64",
                78_000,
            ),
            leaf(
                "application/msword",
                Some(("attachment", "Anschreiben für Sie.doc")),
                "BASE64",
                7_800,
            ),
        ];
        (prefix, leaves)
    }

    #[test]
    fn attachments_are_read_from_the_description_with_estimated_sizes() {
        let (_, leaves) = cv_mail();
        let a = attachments(&leaves);
        assert_eq!(a.len(), 2, "{a:?}");
        assert_eq!(
            (a[0].name.as_str(), a[0].mime.as_str()),
            ("cv.pdf", "application/pdf")
        );
        // 78,000 encoded bytes in lines of 76 + CRLF: 76,000 characters, 57,000 bytes.
        assert_eq!(a[0].size, 57_000);
        assert_eq!(a[1].name, "Anschreiben für Sie.doc");
    }

    #[test]
    fn an_attached_message_is_named_by_its_subject() {
        let mut m = leaf("message/rfc822", None, "7bit", 500);
        m.subject = Some("=?utf-8?q?Fw=3A_Offer?=".into());
        let a = attachments(&[m]);
        assert_eq!(a[0].name, "Fw: Offer.eml");
    }

    #[test]
    fn rfc2231_names_decode_as_in_the_message() {
        let mut l = leaf("application/pdf", None, "base64", 100);
        l.disposition = Some((
            "attachment".into(),
            vec![("filename*".into(), "utf-8''J%C3%BCrgen.pdf".into())],
        ));
        assert_eq!(attachments(&[l])[0].name, "Jürgen.pdf");
    }

    #[test]
    fn the_text_is_in_the_prefix_when_only_attachments_follow_the_cut() {
        let (prefix, leaves) = cv_mail();
        assert!(prefix_has_text(&prefix, &leaves));
    }

    #[test]
    fn text_after_the_cut_or_a_disagreeing_description_needs_the_whole_message() {
        let (prefix, mut leaves) = cv_mail();
        // A text part after the attachments (a list footer, a reply below a forward).
        leaves.push(leaf("text/plain", None, "7bit", 40));
        assert!(!prefix_has_text(&prefix, &leaves));
        // The cut inside the text itself.
        let at = prefix.windows(5).position(|w| w == b"my CV").unwrap();
        let cut_text = &prefix[..at];
        let (_, leaves) = cv_mail();
        assert!(!prefix_has_text(cut_text, &leaves));
        // Types that do not match what the prefix shows.
        let mut wrong = leaves.clone();
        wrong[0].mime = "text/html".into();
        assert!(!prefix_has_text(&prefix, &wrong));
        // A single-part message cut in its text.
        let single = b"Subject: long\r\n\r\nWords words words";
        assert!(!prefix_has_text(
            single,
            &[leaf("text/plain", None, "7bit", 90_000)]
        ));
    }
}
