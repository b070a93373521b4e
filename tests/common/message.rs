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
