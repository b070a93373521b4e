//! `rapport serve` as a team runs it: the real binary on a free local port, stopped when the
//! test ends (pass or fail); and a bare HTTP/1.1 POST to it, as a mail provider sends the
//! RFC 8058 one-click unsubscribe.
#![allow(dead_code)]

use super::runner::Rapport;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// A local port nobody listens on now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running `rapport serve`, killed on drop.
pub struct Served {
    child: Child,
    pub port: u16,
}

impl Served {
    /// Starts `rapport serve` for `r` on 127.0.0.1:`port` with `env` (such as `RAPPORT_NOW`)
    /// and waits until it accepts connections.
    pub fn start(r: &Rapport, port: u16, env: &[(&str, &str)]) -> Served {
        let child = r
            .command(&["serve", "--listen", &format!("127.0.0.1:{port}")])
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut s = Served { child, port };
        let until = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(st) = s.child.try_wait().unwrap() {
                panic!("rapport serve ended before listening: {st}");
            }
            assert!(
                Instant::now() < until,
                "rapport serve did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        s
    }

    /// POSTs the form-encoded `body` to `path`: the status code and the response's text.
    pub fn post_form(&self, path: &str, body: &str) -> (u16, String) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        write!(
            s,
            "POST {path} HTTP/1.1\r\nHost: localhost:{}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            self.port,
            body.len()
        )
        .unwrap();
        let mut answer = Vec::new();
        s.read_to_end(&mut answer).unwrap();
        let text = String::from_utf8_lossy(&answer).into_owned();
        let status = text
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("not an HTTP answer: {text:?}"));
        let body = text
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        (status, body)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
