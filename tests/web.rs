//! The candidate's web page (`rapport serve`), driven through its router with real signed
//! links in a real data dir: what a candidate sees and can change, and what an attacker or a
//! link scanner cannot.

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode};
use rapport::web::serve::Signed;
use rapport::web::{App, router};
use rapport_core::actions::{Acting, identity, links};
use rapport_core::model::Frequency;
use rapport_core::store::Store;
use rapport_core::values::{ChangeSource, DataRequestKind, LegalBasis, OptOutScope};
use rapport_core::web::WebSettings;
use std::sync::Arc;
use tower::ServiceExt;

const T0: i64 = 1_790_000_000;

struct Site {
    _dir: tempfile::TempDir,
    app: Arc<App>,
    ada: i64,
    token: String,
}

fn site() -> Site {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    let ada = identity::add(
        &mut store,
        "ada@example.org",
        "Ada Lovelace",
        "met at RustFest",
        &Acting::new("bilal", T0),
    )
    .unwrap();
    let token = links::token_for(&mut store, ada, "bilal", T0)
        .unwrap()
        .url();
    let web = WebSettings {
        base_url: Some("https://talent.example.com".into()),
        links: true,
        ..WebSettings::default()
    };
    let app = Arc::new(App::new(
        store,
        Box::new(Signed(web)),
        vec!["rust".into(), "ml".into()],
    ));
    Site {
        _dir: dir,
        app,
        ada,
        token,
    }
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn call(s: &Site, method: &str, uri: &str, body: &str) -> Answer {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body.to_string()))
        .unwrap();
    let res = router(s.app.clone()).oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body =
        String::from_utf8(to_bytes(res.into_body(), 1 << 20).await.unwrap().to_vec()).unwrap();
    Answer {
        status,
        headers,
        body,
    }
}

fn with_store<T>(s: &Site, f: impl FnOnce(&mut Store) -> T) -> T {
    f(&mut s.app.store.lock().unwrap())
}

fn ledger_len(s: &Site) -> usize {
    with_store(s, |st| st.ledger(s.ada).unwrap().len())
}

fn csrf(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    page[at..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn the_page_shows_their_wishes_and_nothing_else_with_strict_headers() {
    let s = site();
    let a = call(&s, "GET", &format!("/p/{}", s.token), "").await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(
        a.body.contains("How you would like to hear from us"),
        "{}",
        a.body
    );
    assert!(
        a.body.contains("value=\"rust\""),
        "the team's interests are offered"
    );
    assert!(!a.body.contains("ada@example.org") && !a.body.contains("Lovelace"));
    assert!(!a.body.contains("<script"), "no script");
    let csp = a.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"));
    assert_eq!(a.headers["referrer-policy"], "no-referrer");
    // A German browser gets the page in German.
    let req = Request::builder()
        .uri(format!("/p/{}", s.token))
        .header("accept-language", "de-AT,de;q=0.9,en;q=0.5")
        .body(Body::empty())
        .unwrap();
    let res = router(s.app.clone()).oneshot(req).await.unwrap();
    let body = to_bytes(res.into_body(), 1 << 20).await.unwrap();
    assert!(String::from_utf8_lossy(&body).contains("Wie Sie von uns hören möchten"));
}

#[tokio::test]
async fn saving_records_their_own_choice_and_a_forged_form_records_nothing() {
    let s = site();
    let page = call(&s, "GET", &format!("/p/{}", s.token), "").await.body;
    let form = "contact=yes&channel=email&frequency=quarterly&interest=rust&not_topic=ml&language=fr&note=Remote+only%2C+please&want_copy=yes";
    // Without the page's CSRF token: refused, nothing recorded.
    let forged = call(&s, "POST", &format!("/p/{}", s.token), form).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(ledger_len(&s), 1, "only the address entry from adding Ada");
    let ok = call(
        &s,
        "POST",
        &format!("/p/{}", s.token),
        &format!("{form}&csrf={}", csrf(&page)),
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(
        ok.headers["location"].to_str().unwrap(),
        format!("/p/{}?saved=1", s.token)
    );
    let (prefs, ledger, outs, requests) = with_store(&s, |st| {
        (
            st.preferences(s.ada).unwrap().unwrap(),
            st.ledger(s.ada).unwrap(),
            st.profile(s.ada).unwrap().unwrap().opt_outs,
            st.open_data_requests().unwrap(),
        )
    });
    assert_eq!(prefs.frequency, Some(Frequency::Quarterly));
    assert_eq!(prefs.interests, vec!["rust"]);
    assert_eq!(prefs.language.as_deref(), Some("fr"));
    assert!(
        outs.iter()
            .any(|o| o.scope == OptOutScope::Topic("ml".into()))
    );
    let theirs: Vec<_> = ledger
        .iter()
        .filter(|e| e.source == ChangeSource::PreferencePage)
        .collect();
    assert!(theirs.len() >= 4, "{ledger:?}");
    assert!(
        theirs
            .iter()
            .filter(|e| e.field != "opt-out")
            .all(|e| e.legal_basis == Some(LegalBasis::OwnChoice))
    );
    assert!(ledger.iter().any(
        |e| e.field == "note-to-team" && e.new_value.as_deref() == Some("Remote only, please")
    ));
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].kind, DataRequestKind::Copy);
    // The page now says so, in their language, and shows the open request.
    let after = call(&s, "GET", &format!("/p/{}?saved=1", s.token), "")
        .await
        .body;
    assert!(after.contains("Enregistré"), "{after}");
    assert!(after.contains("une copie de vos données"), "{after}");
}

#[tokio::test]
async fn a_get_of_the_unsubscribe_link_changes_nothing_and_the_one_click_post_is_idempotent() {
    let s = site();
    let before = ledger_len(&s);
    let scan = call(&s, "GET", &format!("/u/{}", s.token), "").await;
    assert_eq!(scan.status, StatusCode::OK);
    assert!(scan.body.contains("Unsubscribe from email"));
    assert_eq!(
        ledger_len(&s),
        before,
        "a link scanner's GET records nothing"
    );
    for _ in 0..2 {
        let a = call(
            &s,
            "POST",
            &format!("/u/{}", s.token),
            "List-Unsubscribe=One-Click",
        )
        .await;
        assert_eq!(a.status, StatusCode::OK);
        assert!(a.body.contains("you will get no more email"), "{}", a.body);
    }
    let outs = with_store(&s, |st| st.profile(s.ada).unwrap().unwrap().opt_outs);
    assert_eq!(outs.len(), 1, "one opt-out however often they click");
    assert_eq!(outs[0].scope.to_string(), "channel:email");
    // A POST without the RFC 8058 body is not an unsubscribe.
    let other = call(&s, "POST", &format!("/u/{}", s.token), "x=1").await;
    assert_eq!(other.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn bad_tokens_get_404_then_429_and_an_erased_persons_link_stops_working() {
    let s = site();
    let before = ledger_len(&s);
    let mut forged = s.token.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == 'A' { 'B' } else { 'A' });
    let a = call(
        &s,
        "POST",
        &format!("/u/{forged}"),
        "List-Unsubscribe=One-Click",
    )
    .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(
        ledger_len(&s),
        before,
        "nothing recorded for a forged token"
    );
    let mut statuses = Vec::new();
    for i in 0..25 {
        statuses.push(call(&s, "GET", &format!("/p/guess{i}"), "").await.status);
    }
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    // Erasure ends the link (checked on a fresh server: this one now refuses the tester).
    let s = site();
    with_store(&s, |st| {
        st.erase(s.ada, "bilal", "asked").unwrap();
    });
    let a = call(&s, "GET", &format!("/p/{}", s.token), "").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_export_settles_a_request_for_a_copy() {
    let s = site();
    let page = call(&s, "GET", &format!("/p/{}", s.token), "").await.body;
    call(
        &s,
        "POST",
        &format!("/p/{}", s.token),
        &format!("contact=yes&want_copy=yes&csrf={}", csrf(&page)),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    with_store(&s, |st| {
        assert_eq!(st.open_data_requests().unwrap().len(), 1);
        rapport_core::actions::export::export_for_them(
            st,
            s.ada,
            &dir.path().join("ada.json"),
            &Acting::new("bilal", T0 + 60),
        )
        .unwrap();
        assert!(st.open_data_requests().unwrap().is_empty());
        let r = st.data_requests_of(s.ada).unwrap();
        assert_eq!(r[0].resolved_by.as_deref(), Some("bilal"));
    });
}
