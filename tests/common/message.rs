//! The one test-message builder: a plain-text message with the headers a test cares about,
//! as raw RFC 5322 bytes (CRLF).
//!
//! `Mail::default()` is Jane writing "Hello" to the team on 2 Nov 2026 without a Message-ID;
//! `Mail::new(from, to, id, date)` sets the four things most tests vary.

#[derive(Debug, Clone)]
pub struct Mail {
    pub from: String,
    pub to: String,
    pub cc: String,
    pub subject: String,
    /// Without the angle brackets; none means no Message-ID header.
    pub id: Option<String>,
    /// References as written (`<a@x> <b@x>`); the last one is also In-Reply-To.
    pub refs: String,
    /// The Date header's text.
    pub date: String,
    pub body: String,
    /// More header lines, each ending in CRLF.
    pub headers: String,
}

impl Default for Mail {
    fn default() -> Self {
        Mail {
            from: "Jane Doe <jane@mail.example>".into(),
            to: "talent@team.example".into(),
            cc: String::new(),
            subject: "Hello".into(),
            id: None,
            refs: String::new(),
            date: "Mon, 02 Nov 2026 10:00:00 +0000".into(),
            body: "Hi there".into(),
            headers: String::new(),
        }
    }
}

/// A Date header's text for unix time `t` (UTC).
pub fn rfc2822(t: i64) -> String {
    jiff::Timestamp::from_second(t)
        .unwrap()
        .strftime("%a, %d %b %Y %H:%M:%S +0000")
        .to_string()
}

impl Mail {
    pub fn new(from: &str, to: &str, id: &str, date: i64) -> Mail {
        Mail::default()
            .from(from)
            .to(to)
            .id(id)
            .date(&rfc2822(date))
    }
    pub fn from(mut self, s: &str) -> Mail {
        self.from = s.into();
        self
    }
    pub fn to(mut self, s: &str) -> Mail {
        self.to = s.into();
        self
    }
    pub fn cc(mut self, s: &str) -> Mail {
        self.cc = s.into();
        self
    }
    pub fn subject(mut self, s: &str) -> Mail {
        self.subject = s.into();
        self
    }
    pub fn id(mut self, s: &str) -> Mail {
        self.id = Some(s.into());
        self
    }
    pub fn refs(mut self, s: &str) -> Mail {
        self.refs = s.into();
        self
    }
    /// The Date header's text.
    pub fn date(mut self, s: &str) -> Mail {
        self.date = s.into();
        self
    }
    pub fn body(mut self, s: &str) -> Mail {
        self.body = s.into();
        self
    }
    /// An extra header line (without CRLF).
    pub fn header(mut self, h: &str) -> Mail {
        self.headers += h;
        self.headers += "\r\n";
        self
    }
    /// Extra header lines as written, each ending in CRLF.
    pub fn headers(mut self, lines: &str) -> Mail {
        self.headers += lines;
        self
    }
    pub fn raw(&self) -> Vec<u8> {
        let mut s = format!(
            "From: {}\r\nTo: {}\r\nSubject: {}\r\nDate: {}\r\n",
            self.from, self.to, self.subject, self.date
        );
        if let Some(id) = &self.id {
            s += &format!("Message-ID: <{id}>\r\n");
        }
        if !self.cc.is_empty() {
            s += &format!("Cc: {}\r\n", self.cc);
        }
        if !self.refs.is_empty() {
            s += &format!(
                "References: {}\r\nIn-Reply-To: {}\r\n",
                self.refs,
                self.refs.split_whitespace().last().unwrap()
            );
        }
        s += &self.headers;
        s += "Content-Type: text/plain; charset=utf-8\r\n\r\n";
        s += &self.body;
        s += "\r\n";
        s.into_bytes()
    }
}

/// The raw bytes of `m`.
pub fn raw(m: &Mail) -> Vec<u8> {
    m.raw()
}

impl Mail {
    /// The message as multipart/mixed: its text, then each `(name, type, bytes)` as a base64
    /// attachment (the name written as given, quotes escaped).
    pub fn with_files(&self, files: &[(&str, &str, &[u8])]) -> Vec<u8> {
        let text = String::from_utf8(self.raw()).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        let head = head.replace(
            "Content-Type: text/plain; charset=utf-8",
            "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"files\"",
        );
        let mut s = format!(
            "{head}\r\n\r\n--files\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}"
        );
        for (name, mime, bytes) in files {
            let name = name.replace('\\', "\\\\").replace('"', "\\\"");
            s += &format!(
                "--files\r\nContent-Type: {mime}; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}",
                base64_lines(bytes)
            );
        }
        s += "--files--\r\n";
        s.into_bytes()
    }
}

/// Base64 in lines of 76 characters, each ending in CRLF.
pub fn base64_lines(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + bytes.len() / 38 + 4);
    for (i, c) in bytes.chunks(3).enumerate() {
        if i > 0 && i % 19 == 0 {
            out.push_str("\r\n");
        }
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for k in 0..4 {
            if k <= c.len() {
                out.push(A[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out.push_str("\r\n");
    out
}

/// A one-page PDF CV saying `text`, padded to about `size` bytes with an unused stream (as
/// fonts and images pad real ones); readable by any PDF reader.
pub fn cv_pdf(text: &str, size: usize) -> Vec<u8> {
    let content = format!("BT /F1 12 Tf 72 720 Td ({text}) Tj ET");
    let pad: Vec<u8> = (0..size.saturating_sub(600))
        .map(|i| b'A' + (i * 7 % 26) as u8)
        .collect();
    let mut objs: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_vec(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()).into_bytes(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ];
    let mut padding = format!("<< /Length {} >>\nstream\n", pad.len()).into_bytes();
    padding.extend_from_slice(&pad);
    padding.extend_from_slice(b"\nendstream");
    objs.push(padding);
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objs.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(o);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objs.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A DOCX CV whose paragraphs are `paragraphs` (XML-escaped here).
pub fn cv_docx(paragraphs: &[&str]) -> Vec<u8> {
    use std::io::Write as _;
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let body: String = paragraphs
        .iter()
        .map(|p| format!("<w:p><w:r><w:t>{}</w:t></w:r></w:p>", esc(p)))
        .collect();
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    w.start_file("[Content_Types].xml", opts).unwrap();
    w.write_all(b"<?xml version=\"1.0\"?><Types/>").unwrap();
    w.start_file("word/document.xml", opts).unwrap();
    w.write_all(xml.as_bytes()).unwrap();
    w.finish().unwrap().into_inner()
}
