//! Turns a composed message (envelope, text, quote, attachments) into raw RFC 5322 bytes
//! in the shape a particular mail client would produce.

use super::mime::{self, Attachment, Cte, TextPart};

/// Header values, already encoded.
pub struct Envelope {
    pub date: String,
    pub from: String,
    pub sender: Option<String>,
    pub to: String,
    pub cc: Option<String>,
    pub subject: String,
    /// With angle brackets.
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub extra: Vec<(&'static str, String)>,
}

/// The MIME shape of the body.
#[derive(Debug, Clone, Copy)]
pub enum Style {
    Plain {
        cte: Cte,
        latin1: bool,
        flowed: bool,
    },
    /// HTML only, as Outlook or a newsletter-ish signature tool sends it.
    Html { cte: Cte },
    /// multipart/alternative with a text and an HTML part.
    Alt { text_cte: Cte, html_cte: Cte },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteKind {
    /// "On ..., X wrote:" followed by "> " lines.
    Standard,
    /// Apple Mail quotes the attribution line too.
    Apple,
    /// Outlook's "From: / Sent: / To: / Subject:" block, unquoted below a rule.
    Outlook,
}

pub struct Quote {
    pub kind: QuoteKind,
    /// One line, or for Outlook several "Label: value" lines.
    pub attribution: String,
    pub text: String,
}

/// Extra touches for HTML bodies.
#[derive(Default)]
pub struct Decor {
    /// Bolded wherever it appears (the sender's name in the signature).
    pub bold: Option<String>,
    /// A link appended after the text: (url, label).
    pub link: Option<(String, String)>,
    /// Plain URLs in the text to turn into links.
    pub autolink: Option<String>,
    /// A tracking pixel at the end.
    pub tracker: bool,
}

fn quote_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 20 + 8);
    for line in text.lines() {
        if line.is_empty() {
            out.push_str(">\n");
        } else {
            out.push_str("> ");
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The plain-text body: own text plus the quote.
pub fn plain_with_quote(text: &str, quote: Option<&Quote>) -> String {
    let Some(q) = quote else {
        return format!("{text}\n");
    };
    match q.kind {
        QuoteKind::Standard => format!("{text}\n\n{}\n{}", q.attribution, quote_lines(&q.text)),
        QuoteKind::Apple => format!("{text}\n\n> {}\n>\n{}", q.attribution, quote_lines(&q.text)),
        QuoteKind::Outlook => format!(
            "{text}\n\n________________________________\n{}\n\n{}\n",
            q.attribution, q.text
        ),
    }
}

fn html_body(text: &str, quote: Option<&Quote>, decor: &Decor, outlook: bool) -> String {
    let open = if outlook {
        "<p class=\"MsoNormal\">"
    } else {
        "<p>"
    };
    let mut own = mime::paragraphs_html(text, open);
    if let Some(b) = &decor.bold {
        let escaped = mime::html_escape(b);
        own = own.replace(&escaped, &format!("<b>{escaped}</b>"));
    }
    if let Some(url) = &decor.autolink {
        let label = url.trim_start_matches("https://");
        own = own.replace(url.as_str(), &format!("<a href=\"{url}\">{label}</a>"));
    }
    let mut html = String::with_capacity(own.len() * 2 + 512);
    html.push_str("<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\n</head>\n<body>\n");
    if outlook {
        html.push_str("<div class=\"WordSection1\">\n");
    } else {
        html.push_str("<div dir=\"ltr\" style=\"font-family:Arial,Helvetica,sans-serif\">\n");
    }
    html.push_str(&own);
    if let Some((url, label)) = &decor.link {
        html.push_str(&format!(
            "<p><a href=\"{url}\">{}</a></p>\n",
            mime::html_escape(label)
        ));
    }
    html.push_str("</div>\n");
    if let Some(q) = quote {
        match q.kind {
            QuoteKind::Outlook => {
                html.push_str("<hr style=\"display:inline-block;width:98%\" tabindex=\"-1\">\n<div id=\"divRplyFwdMsg\" dir=\"ltr\">");
                for line in q.attribution.lines() {
                    match line.split_once(": ") {
                        Some((label, value)) => html.push_str(&format!(
                            "<b>{label}:</b> {}<br>\n",
                            mime::html_escape(value)
                        )),
                        None => html.push_str(&format!("{}<br>\n", mime::html_escape(line))),
                    }
                }
                html.push_str("</div>\n");
                html.push_str(&mime::paragraphs_html(&q.text, "<p>"));
            }
            _ => {
                html.push_str(&format!(
                    "<br>\n<div class=\"gmail_quote\">\n<div dir=\"ltr\" class=\"gmail_attr\">{}<br></div>\n<blockquote class=\"gmail_quote\" style=\"margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex\">\n{}</blockquote>\n</div>\n",
                    mime::html_escape(&q.attribution),
                    mime::paragraphs_html(&q.text, "<p>")
                ));
            }
        }
    }
    if decor.tracker {
        html.push_str("<img src=\"https://tracker.example/pixel.gif\" width=\"1\" height=\"1\" alt=\"\" style=\"display:none\">\n");
    }
    html.push_str("</body>\n</html>\n");
    html
}

fn header(out: &mut Vec<u8>, name: &str, value: &str) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    out.extend_from_slice(value.as_bytes());
    out.extend_from_slice(b"\r\n");
}

/// The whole message.
pub fn render(
    env: &Envelope,
    style: Style,
    text: &str,
    quote: Option<&Quote>,
    decor: &Decor,
    attachments: &[Attachment],
    boundary: &str,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 3 + 1024);
    for (name, value) in &env.extra {
        if name.starts_with("Received") || *name == "Return-Path" || *name == "Delivered-To" {
            header(&mut out, name, value);
        }
    }
    header(&mut out, "Date", &env.date);
    header(&mut out, "From", &env.from);
    if let Some(s) = &env.sender {
        header(&mut out, "Sender", s);
    }
    header(&mut out, "To", &env.to);
    if let Some(cc) = &env.cc {
        header(&mut out, "Cc", cc);
    }
    header(&mut out, "Subject", &env.subject);
    header(&mut out, "Message-ID", &env.message_id);
    if let Some(irt) = &env.in_reply_to {
        header(&mut out, "In-Reply-To", irt);
    }
    if !env.references.is_empty() {
        header(&mut out, "References", &env.references.join("\r\n "));
    }
    for (name, value) in &env.extra {
        if !(name.starts_with("Received") || *name == "Return-Path" || *name == "Delivered-To") {
            header(&mut out, name, value);
        }
    }
    let plain = plain_with_quote(text, quote);
    let parts: Vec<TextPart> = match style {
        Style::Plain {
            cte,
            latin1,
            flowed,
        } => vec![TextPart {
            subtype: "plain",
            text: plain,
            latin1,
            cte,
            flowed,
        }],
        Style::Html { cte } => vec![TextPart::html(html_body(text, quote, decor, true), cte)],
        Style::Alt { text_cte, html_cte } => vec![
            TextPart::plain(plain, text_cte),
            TextPart::html(html_body(text, quote, decor, false), html_cte),
        ],
    };
    mime::write_body(&mut out, &parts, attachments, boundary);
    out
}
