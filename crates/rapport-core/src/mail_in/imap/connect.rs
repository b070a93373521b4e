//! Opening an authenticated IMAP session: implicit TLS, STARTTLS (never falling back to
//! plaintext) or plaintext on loopback only; LOGIN, AUTHENTICATE PLAIN or XOAUTH2.

use crate::config::{Auth, Security, Server, is_loopback};
use crate::credentials::{self, CredentialError, Secret};
use crate::tls;
use rustls::pki_types::ServerName;
use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Connect and read timeouts: a dead network is noticed, a slow server is not cut off.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(16);
pub const IO_TIMEOUT: Duration = Duration::from_secs(90);

/// A connection, with or without TLS.
#[derive(Debug)]
enum Stream {
    Plain(TcpStream),
    Tls(Box<rustls::StreamOwned<rustls::ClientConnection, TcpStream>>),
}

/// A connection the imap crate reads through, shared with the bulk fetch (`super::bulk`):
/// the crate keeps its stream private, and its response reader re-parses a FETCH response
/// from its start after every line, which made it the most expensive part of a first sync.
/// Only one side uses it at a time: the bulk fetch runs between the crate's commands.
#[derive(Debug, Clone)]
pub struct Conn(Arc<Mutex<Stream>>);

impl Conn {
    fn new(s: Stream) -> Conn {
        Conn(Arc::new(Mutex::new(s)))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Stream> {
        // A panic while holding the lock leaves the stream as it was: keep using it.
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Stream {
    fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(s) => s,
            Stream::Tls(s) => s.get_ref(),
        }
    }
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match &mut *self.lock() {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut *self.lock() {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match &mut *self.lock() {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

impl imap::extensions::idle::SetReadTimeout for Conn {
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> imap::Result<()> {
        self.lock()
            .tcp()
            .set_read_timeout(timeout)
            .map_err(imap::Error::Io)
    }
}

pub type Session = imap::Session<Conn>;

#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    #[error("cannot connect to {host}:{port}: {reason}")]
    Connect {
        host: String,
        port: u16,
        reason: String,
    },
    #[error("{0}")]
    Tls(String),
    #[error("{host} did not accept STARTTLS ({reason}); not continuing without encryption")]
    StartTls { host: String, reason: String },
    #[error("login to {host} as {user} failed: {reason}")]
    Auth {
        host: String,
        user: String,
        reason: String,
    },
    #[error("{0}")]
    Credentials(#[from] CredentialError),
    #[error("security = \"none\" is only allowed for loopback hosts, not {0}")]
    Plaintext(String),
    #[error("IMAP error: {0}")]
    Protocol(String),
}

impl ImapError {
    /// Errors that retrying will not fix (a wrong password, an untrusted certificate).
    pub fn is_permanent(&self) -> bool {
        matches!(
            self,
            ImapError::Tls(_)
                | ImapError::StartTls { .. }
                | ImapError::Auth { .. }
                | ImapError::Credentials(_)
                | ImapError::Plaintext(_)
        )
    }
}

impl From<imap::Error> for ImapError {
    fn from(e: imap::Error) -> Self {
        ImapError::Protocol(describe(&e))
    }
}

/// An I/O error in words. rustls reports a connection dropped without a TLS goodbye (a
/// server crash, a cut line) with a link into its manual, which tells a status bar nothing.
pub fn io_words(e: &io::Error) -> String {
    let text = e.to_string();
    match e.kind() {
        io::ErrorKind::UnexpectedEof if text.contains("close_notify") => {
            "the server closed the connection".into()
        }
        _ => text,
    }
}

/// An imap error in words, without echoing anything we sent.
pub fn describe(e: &imap::Error) -> String {
    match e {
        imap::Error::Io(io) => io_words(io),
        imap::Error::No(n) => format!(
            "the server said NO: {}",
            crate::sanitize::sanitize_line(&n.information)
        ),
        imap::Error::Bad(b) => format!(
            "the server said BAD: {}",
            crate::sanitize::sanitize_line(&b.information)
        ),
        imap::Error::Bye(b) => format!(
            "the server closed the session: {}",
            crate::sanitize::sanitize_line(&b.information)
        ),
        imap::Error::ConnectionLost => "the connection was lost".into(),
        imap::Error::Validate(_) => "a value contains characters IMAP cannot send".into(),
        other => format!("{other}"),
    }
}

/// Everything needed to open a session, with the secret already resolved (asking a password
/// command once per run, not once per reconnect).
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: String,
    pub auth: Auth,
    pub ca_file: Option<PathBuf>,
    pub secret: Secret,
}

impl Endpoint {
    /// From the `[imap]` section; runs the password or token command.
    pub fn from_config(s: &Server) -> Result<Endpoint, ImapError> {
        let secret = match s.auth {
            Auth::Xoauth2 => credentials::from_command(
                "imap.oauth2_token_command",
                s.oauth2_token_command.as_deref().unwrap_or_default(),
            )?,
            _ => credentials::password(
                "imap",
                s.password_command.as_deref(),
                s.password_env.as_deref(),
            )?,
        };
        let security = *s.security.get_ref();
        Ok(Endpoint {
            host: s.host.get_ref().clone(),
            port: s
                .port
                .unwrap_or(if security == Security::Tls { 993 } else { 143 }),
            security,
            username: s.username.clone(),
            auth: s.auth,
            ca_file: s.ca_file.as_ref().map(|c| c.get_ref().clone()),
            secret,
        })
    }
}

fn tcp(host: &str, port: u16) -> Result<TcpStream, ImapError> {
    let err = |reason: String| ImapError::Connect {
        host: host.into(),
        port,
        reason,
    };
    let addrs: Vec<_> = (host, port)
        .to_socket_addrs()
        .map_err(|e| err(format!("cannot resolve the name ({e})")))?
        .collect();
    let mut last = String::from("no address");
    for a in addrs {
        match TcpStream::connect_timeout(&a, CONNECT_TIMEOUT) {
            Ok(s) => {
                s.set_read_timeout(Some(IO_TIMEOUT))
                    .map_err(|e| err(e.to_string()))?;
                s.set_write_timeout(Some(IO_TIMEOUT))
                    .map_err(|e| err(e.to_string()))?;
                let _ = s.set_nodelay(true);
                return Ok(s);
            }
            Err(e) => last = e.to_string(),
        }
    }
    Err(err(last))
}

fn wrap_tls(host: &str, tcp: TcpStream, ca: Option<&std::path::Path>) -> Result<Conn, ImapError> {
    let config = tls::client_config(ca).map_err(|e| ImapError::Tls(e.to_string()))?;
    let name = ServerName::try_from(host.to_string())
        .map_err(|e| ImapError::Tls(format!("{host}: {e}")))?;
    let conn = rustls::ClientConnection::new(Arc::clone(&config), name)
        .map_err(|e| ImapError::Tls(e.to_string()))?;
    let mut stream = rustls::StreamOwned::new(conn, tcp);
    // Complete the handshake now, so certificate problems surface as such.
    while stream.conn.is_handshaking() {
        stream
            .conn
            .complete_io(&mut stream.sock)
            .map_err(|e| ImapError::Tls(tls::explain(&e, host)))?;
    }
    tracing::debug!(
        "TLS with {host}: {:?}, {:?}",
        stream.conn.protocol_version(),
        stream.conn.negotiated_cipher_suite().map(|s| s.suite())
    );
    Ok(Conn::new(Stream::Tls(Box::new(stream))))
}

/// Reads one CRLF-terminated line byte by byte (before TLS starts, nothing may be over-read).
fn read_line(s: &mut TcpStream) -> io::Result<String> {
    let mut line = Vec::new();
    let mut b = [0u8; 1];
    while !line.ends_with(b"\r\n") {
        if s.read(&mut b)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed",
            ));
        }
        line.push(b[0]);
        if line.len() > 8192 {
            return Err(io::Error::other("line too long"));
        }
    }
    Ok(String::from_utf8_lossy(&line).into_owned())
}

fn starttls(ep: &Endpoint, mut s: TcpStream) -> Result<Conn, ImapError> {
    let fail = |reason: String| ImapError::StartTls {
        host: ep.host.clone(),
        reason,
    };
    let greeting = read_line(&mut s).map_err(|e| fail(e.to_string()))?;
    if !greeting.starts_with("* OK") {
        return Err(fail(format!(
            "unexpected greeting {:?}",
            greeting.trim_end()
        )));
    }
    s.write_all(b"r0 STARTTLS\r\n")
        .map_err(|e| fail(e.to_string()))?;
    loop {
        let line = read_line(&mut s).map_err(|e| fail(e.to_string()))?;
        if line.starts_with("r0 OK") {
            break;
        }
        if line.starts_with("r0 ") {
            return Err(fail(crate::sanitize::sanitize_line(line.trim_end())));
        }
    }
    wrap_tls(&ep.host, s, ep.ca_file.as_deref())
}

struct Plain<'a>(&'a str, &'a str);
impl imap::Authenticator for Plain<'_> {
    type Response = Vec<u8>;
    fn process(&self, _: &[u8]) -> Vec<u8> {
        format!("\0{}\0{}", self.0, self.1).into_bytes()
    }
}

struct XOauth2<'a>(&'a str, &'a str);
impl imap::Authenticator for XOauth2<'_> {
    type Response = Vec<u8>;
    fn process(&self, _: &[u8]) -> Vec<u8> {
        format!("user={}\x01auth=Bearer {}\x01\x01", self.0, self.1).into_bytes()
    }
}

fn check_plaintext(ep: &Endpoint) -> Result<(), ImapError> {
    if ep.security == Security::None && !is_loopback(&ep.host) {
        return Err(ImapError::Plaintext(ep.host.clone()));
    }
    Ok(())
}

/// Connects, secures and logs in.
pub fn connect(ep: &Endpoint) -> Result<Session, ImapError> {
    link(ep).map(|l| l.session)
}

/// A logged-in session and a second handle on its connection, for the bulk fetch.
pub struct Link {
    pub session: Session,
    pub wire: Conn,
}

/// Like `connect`, keeping a handle on the connection.
pub fn link(ep: &Endpoint) -> Result<Link, ImapError> {
    check_plaintext(ep)?;
    let s = tcp(&ep.host, ep.port)?;
    let conn = match ep.security {
        Security::Tls => wrap_tls(&ep.host, s, ep.ca_file.as_deref())?,
        Security::Starttls => starttls(ep, s)?,
        Security::None => Conn::new(Stream::Plain(s)),
    };
    let wire = conn.clone();
    let mut client = imap::Client::new(conn);
    if ep.security != Security::Starttls {
        client.read_greeting()?;
    }
    let auth_err = |e: imap::Error| ImapError::Auth {
        host: ep.host.clone(),
        user: ep.username.clone(),
        reason: describe(&e),
    };
    let pass = ep.secret.expose();
    let session = match ep.auth {
        Auth::Login => client
            .login(&ep.username, pass)
            .map_err(|(e, _)| auth_err(e))?,
        Auth::Plain => client
            .authenticate("PLAIN", &Plain(&ep.username, pass))
            .map_err(|(e, _)| auth_err(e))?,
        Auth::Xoauth2 => client
            .authenticate("XOAUTH2", &XOauth2(&ep.username, pass))
            .map_err(|(e, _)| auth_err(e))?,
    };
    Ok(Link { session, wire })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader};
    use std::net::TcpListener;

    /// A fake server that greets, then refuses STARTTLS.
    fn refusing_server() -> u16 {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        std::thread::spawn(move || {
            let (mut s, _) = l.accept().unwrap();
            s.write_all(b"* OK fake IMAP ready\r\n").unwrap();
            let mut r = BufReader::new(s.try_clone().unwrap());
            let mut line = String::new();
            r.read_line(&mut line).unwrap();
            assert!(line.contains("STARTTLS"), "{line}");
            s.write_all(b"r0 BAD STARTTLS not supported\r\n").unwrap();
            // Anything sent after this would be a plaintext login attempt.
            line.clear();
            let n = r.read_line(&mut line).unwrap_or(0);
            assert_eq!(n, 0, "the client kept talking in plaintext: {line:?}");
        });
        port
    }

    #[test]
    fn starttls_refused_never_falls_back_to_plaintext() {
        let port = refusing_server();
        let ep = Endpoint {
            host: "127.0.0.1".into(),
            port,
            security: Security::Starttls,
            username: "u".into(),
            auth: Auth::Login,
            ca_file: None,
            secret: Secret::new("pw-not-sent".into()),
        };
        let err = connect(&ep).unwrap_err();
        assert!(matches!(err, ImapError::StartTls { .. }), "{err}");
        let msg = err.to_string();
        assert!(
            msg.contains("not continuing without encryption") && !msg.contains("pw-not-sent"),
            "{msg}"
        );
    }

    #[test]
    fn plaintext_is_refused_for_remote_hosts() {
        let ep = Endpoint {
            host: "192.0.2.1".into(),
            port: 1,
            security: Security::None,
            username: "u".into(),
            auth: Auth::Login,
            ca_file: None,
            secret: Secret::new("x".into()),
        };
        // Refused before any connection is attempted.
        assert!(matches!(check_plaintext(&ep), Err(ImapError::Plaintext(_))));
    }
}
