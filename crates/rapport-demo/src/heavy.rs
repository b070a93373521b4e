//! Realistic message sizes, for benchmarks ([`super::DemoConfig::realistic`]): real mailboxes
//! average about 19 KB a message, not the 2 KB of bare conversation text. What makes up the
//! difference: replies quoting the whole history below them, HTML alternatives, signature
//! logos, CVs as PDF or DOCX of a few hundred KB, and now and then a portfolio of megabytes.
//!
//! File contents are pseudo-random bytes behind the right magic numbers (compressed streams
//! look random too). Everything comes from its own random stream, so the ordinary demo stays
//! byte-identical whether or not this exists.

use super::mime::Attachment;
use super::rng::Rng;

/// Quoted history is cut here (clients and people trim very long threads too).
pub const HISTORY_CAP: usize = 24 * 1024;

/// How likely a reply quotes its parent when the writer's own habit said no: most clients
/// quote by default.
pub const EXTRA_QUOTE: f64 = 0.8;

fn fill(r: &mut Rng, out: &mut Vec<u8>, n: usize) {
    let end = out.len() + n;
    while out.len() + 8 <= end {
        out.extend_from_slice(&r.next_u64().to_le_bytes());
    }
    while out.len() < end {
        out.push(r.next_u64() as u8);
    }
}

/// A PDF whose page text names the file's subject, padded with a compressed-looking stream
/// to `size` bytes.
pub fn pdf(r: &mut Rng, title: &str, size: usize) -> Vec<u8> {
    let head = format!(
        "%PDF-1.7\n%\u{e2}\u{e3}\u{cf}\u{d3}\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >> endobj\n4 0 obj << /Length 0 /Title ({title}) /Filter /FlateDecode >> stream\n"
    );
    let tail = b"\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    let mut out = Vec::with_capacity(size.max(head.len() + tail.len()));
    out.extend_from_slice(head.as_bytes());
    fill(r, &mut out, size.saturating_sub(head.len() + tail.len()));
    out.extend_from_slice(tail);
    out
}

/// A DOCX (a zip) of `size` bytes.
pub fn docx(r: &mut Rng, size: usize) -> Vec<u8> {
    let head = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml";
    let mut out = Vec::with_capacity(size.max(head.len()));
    out.extend_from_slice(head);
    fill(r, &mut out, size.saturating_sub(head.len()));
    out
}

/// A PNG (a signature logo or a screenshot) of `size` bytes.
pub fn png(r: &mut Rng, size: usize) -> Vec<u8> {
    let head = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";
    let mut out = Vec::with_capacity(size.max(head.len()));
    out.extend_from_slice(head);
    fill(r, &mut out, size.saturating_sub(head.len()));
    out
}

/// A CV as candidates send them: mostly PDF, some Word; 30 to 180 KB.
pub fn cv(r: &mut Rng, pdf_name: String, person: &str) -> Attachment {
    let size = r.range(30_000, 180_000) as usize;
    let word = r.chance(0.3);
    if let Some(stem) = pdf_name.strip_suffix(".pdf").filter(|_| word) {
        Attachment {
            filename: format!("{stem}.docx"),
            mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            data: docx(r, size),
        }
    } else {
        Attachment {
            filename: pdf_name,
            mime: "application/pdf",
            data: pdf(r, &format!("{person} - Curriculum Vitae"), size),
        }
    }
}

/// What else a message carries besides its text and a CV: a signature logo, and rarely a
/// large file (a portfolio, certificates, a job description deck).
pub fn extras(r: &mut Rng, inbound: bool, html: bool) -> Vec<Attachment> {
    let mut out = Vec::new();
    // Logos ride along with HTML signatures (Outlook and the team's webmail attach them).
    if html && r.chance(if inbound { 0.35 } else { 0.6 }) {
        let size = r.range(3_000, 14_000) as usize;
        out.push(Attachment {
            filename: "image001.png".into(),
            mime: "image/png",
            data: png(r, size),
        });
    }
    if r.chance(0.001) {
        let size = r.range(1_000_000, 3_000_000) as usize;
        let (filename, title) = if inbound {
            ("Portfolio.pdf", "Portfolio")
        } else {
            ("Role overview.pdf", "Role overview")
        };
        out.push(Attachment {
            filename: filename.into(),
            mime: "application/pdf",
            data: pdf(r, title, size),
        });
    } else if r.chance(0.008) {
        let size = r.range(60_000, 300_000) as usize;
        out.push(Attachment {
            filename: if inbound {
                "certificate.pdf".into()
            } else {
                "Job description.pdf".into()
            },
            mime: "application/pdf",
            data: pdf(r, "Attachment", size),
        });
    }
    out
}

/// Cuts quoted history at a line boundary below [`HISTORY_CAP`].
pub fn cap_history(text: &str) -> &str {
    if text.len() <= HISTORY_CAP {
        return text;
    }
    let mut end = HISTORY_CAP;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    match text[..end].rfind('\n') {
        Some(i) => &text[..i],
        None => &text[..end],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_have_their_size_and_magic() {
        let mut r = Rng::new(1);
        let p = pdf(&mut r, "X", 50_000);
        assert_eq!(p.len(), 50_000);
        assert!(p.starts_with(b"%PDF-1.7") && p.ends_with(b"%%EOF\n"));
        assert!(docx(&mut r, 1000).starts_with(b"PK\x03\x04"));
        assert_eq!(png(&mut r, 3).len(), 16, "never shorter than the header");
    }

    #[test]
    fn history_is_cut_at_a_line() {
        let long = "line of quoted text\n".repeat(5000);
        let cut = cap_history(&long);
        assert!(cut.len() <= HISTORY_CAP && cut.ends_with("text"));
        assert_eq!(cap_history("short"), "short");
    }
}
