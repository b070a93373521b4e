//! A candidate in a real browser (Debian's headless Chromium, driven over WebDriver by
//! chromedriver): the link comes out of a mail rapport really sent through Postfix to
//! Dovecot; the page is served by the real `rapport serve`; what they choose lands in their
//! ledger, and the one-click button stops our email.
//!
//! Needs the Debian packages chromium and chromium-driver (scripts/test.sh installs them).
//! Without them the test says so and passes, except under `CI=true`, where it fails.

mod common;

use common::mail::MailServers;
use common::runner::Rapport;
use fantoccini::{ClientBuilder, Locator};
use rapport_core::mail_in::parse::parse_message;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const JANE: &str = "jane@example.test";

fn chromedriver() -> Option<PathBuf> {
    let found = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists());
    if found.is_none() {
        assert!(
            !common::team::ci(),
            "chromedriver is not installed (Debian packages chromium and chromium-driver; scripts/test.sh installs them)"
        );
        eprintln!(
            "skipped: chromedriver is not installed (apt-get install chromium chromium-driver)"
        );
    }
    found
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child process killed when the test ends, pass or fail.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_for_port(port: u16, what: &str) {
    let until = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < until,
            "{what} did not start on port {port}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The first `http://…/p/TOKEN` in the text.
fn page_link(text: &str, base: &str) -> String {
    let at = text
        .find(&format!("{base}/p/"))
        .unwrap_or_else(|| panic!("no preference link in:\n{text}"));
    text[at..]
        .split(|c: char| c.is_whitespace() || c == '>' || c == '"')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_candidate_chooses_their_wishes_and_unsubscribes_in_a_real_browser() {
    let Some(driver) = chromedriver() else {
        return;
    };
    let s = MailServers::start();
    let port = free_port();
    let base = format!("http://localhost:{port}");
    let r = Rapport::with_servers(
        &s,
        &format!("interests = [\"rust\", \"ml\"]\n\n[web]\nbase_url = \"{base}\"\n"),
    );
    r.sync();
    r.ok(&[
        "send",
        JANE,
        "--subject",
        "Good to meet you",
        "--body-file",
        &r.body("Hi Jane,\n\ngood to meet you at the meetup.\n"),
        "--how",
        "met at the Rust meetup",
        "--name",
        "Jane Doe",
    ]);
    s.wait_count(JANE, "INBOX", 1);
    let raw = s.raw_messages(JANE, "INBOX").remove(0);
    let mail = parse_message(&raw);
    let link = page_link(&mail.body, &base);
    let unsubscribe = {
        let text = String::from_utf8_lossy(&raw).replace("\r\n ", " ");
        let at = text.find(&format!("<{base}/u/")).expect("a one-click URL") + 1;
        text[at..].split('>').next().unwrap().to_string()
    };

    let server = Running(
        r.command(&["serve", "--listen", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap(),
    );
    wait_for_port(port, "rapport serve");
    let dport = free_port();
    let _driver = Running(
        Command::new(&driver)
            .arg(format!("--port={dport}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for_port(dport, "chromedriver");
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--lang=en-US"],
        }),
    );
    let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://localhost:{dport}"))
        .await
        .expect("chromedriver session");

    // The page from the mail: they choose every three months, Rust, German, and write a note.
    c.goto(&link).await.unwrap();
    let h1 = c
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(h1, "How you would like to hear from us");
    let source = c.source().await.unwrap();
    assert!(!source.contains(JANE), "the page shows no address");
    c.find(Locator::Css("input[name=frequency][value=quarterly]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Css("input[name=interest][value=rust]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Css("select[name=language] option[value=de]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Css("textarea[name=note]"))
        .await
        .unwrap()
        .send_keys("Only remote roles, please")
        .await
        .unwrap();
    c.find(Locator::Css("form[action^='/p/'] button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let notice = c
        .wait()
        .for_element(Locator::Css("p.notice"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // Saved, and the page now speaks the language they chose.
    assert!(notice.starts_with("Gespeichert"), "{notice}");

    let profile = r.json(&["show", JANE, "--json"]).to_string();
    assert!(profile.contains("\"frequency\":\"quarterly\""), "{profile}");
    // Their ledger says it was their own choice, in their words.
    let history = r.ok(&["prefs", JANE, "--history"]);
    assert!(
        history.contains("frequency")
            && history.contains("the candidate, on their preference page"),
        "{history}"
    );
    assert!(history.contains("Only remote roles, please"), "{history}");

    // The unsubscribe link: opening it changes nothing; the button stops our email.
    c.goto(&unsubscribe).await.unwrap();
    let before = r.json(&["show", JANE, "--json"]).to_string();
    assert!(!before.contains("channel:email"), "a GET records nothing");
    c.find(Locator::Css("form[action^='/u/'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let done = c
        .wait()
        .for_element(Locator::Css("p[role=status]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // In the language they chose.
    assert!(done.contains("keine E-Mails mehr"), "{done}");
    let after = r.json(&["show", JANE, "--json"]).to_string();
    assert!(after.contains("channel:email"), "{after}");
    let refused = r.fail(&[
        "send",
        JANE,
        "--subject",
        "One more thing",
        "--body-file",
        &r.body("Hello again\n"),
    ]);
    assert!(refused.contains("opted out"), "{refused}");
    c.close().await.unwrap();
    drop(server);
}
