//! `rapport serve`: the candidate's preference page and the one-click unsubscribe, over HTTP
//! (TLS is the reverse proxy's). A thin front end: it turns tokens, forms and POSTs into the
//! core's `candidate_page` use cases and their answers into HTML.
//!
//! Routes: `GET /p/TOKEN` the page; `POST /p/TOKEN` saves it (CSRF token); `GET /u/TOKEN` the
//! page with the unsubscribe first (a GET never changes anything: scanners follow links);
//! `POST /u/TOKEN` the RFC 8058 one-click unsubscribe; `GET /style.css`. Anything else, an
//! unknown token or a bad form is a plain 404/400 and records nothing; floods get 429.

pub mod html;
pub mod i18n;
pub mod limit;
pub mod serve;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use hmac::{Hmac, KeyInit, Mac};
use rapport_core::actions::candidate_page::{self, Choices};
use rapport_core::model::Channel;
use rapport_core::store::Store;
use rapport_core::values::OptOutScope;
use sha2::Sha256;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// How a token in a URL names a candidate (`None`: it does not, or no longer does).
pub trait Links: Send + Sync + 'static {
    fn candidate(&self, store: &Store, token: &str, now: i64) -> Option<i64>;
}

/// What the server knows.
pub struct App {
    pub store: Mutex<Store>,
    pub links: Box<dyn Links>,
    /// Interests offered on the page (`interests` in the config).
    pub interests: Vec<String>,
    /// What the one-click unsubscribe records.
    pub unsubscribe_scope: OptOutScope,
    pub limiter: limit::Limiter,
    /// Signs CSRF tokens; new at each start (an open form then asks to reload).
    pub csrf_key: [u8; 32],
    /// Read the client's address from `X-Forwarded-For` when the peer is this machine (the
    /// reverse proxy).
    pub behind_proxy: bool,
}

impl App {
    pub fn new(store: Store, links: Box<dyn Links>, interests: Vec<String>) -> App {
        App {
            store: Mutex::new(store),
            links,
            interests,
            unsubscribe_scope: OptOutScope::Channel(Channel::Email),
            limiter: limit::Limiter::default(),
            csrf_key: random_key(),
            behind_proxy: true,
        }
    }

    fn csrf(&self, token: &str) -> String {
        let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.csrf_key).expect("any key");
        m.update(b"rapport-csrf:");
        m.update(token.as_bytes());
        hex(&m.finalize().into_bytes()[..16])
    }

    fn csrf_ok(&self, token: &str, given: &str) -> bool {
        let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.csrf_key).expect("any key");
        m.update(b"rapport-csrf:");
        m.update(token.as_bytes());
        match unhex(given) {
            Some(b) if b.len() == 16 => m.verify_truncated_left(&b).is_ok(),
            _ => false,
        }
    }
}

fn random_key() -> [u8; 32] {
    use std::io::Read;
    let mut k = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut k))
        .expect("/dev/urandom is readable");
    k
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || s.len() > 64 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The router, for `serve` and for tests (which drive it without a socket).
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/style.css", get(style))
        .route("/p/{token}", get(show_page).post(save_page))
        .route("/u/{token}", get(show_unsubscribe).post(one_click))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .with_state(app)
}

/// The client's address: the peer, or the last `X-Forwarded-For` hop when the peer is the
/// local reverse proxy.
fn client(app: &App, req: &Request) -> IpAddr {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    if app.behind_proxy && peer.is_loopback() {
        let fwd = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse().ok());
        if let Some(ip) = fwd {
            return ip;
        }
    }
    peer
}

/// Rate limits and security headers on every answer.
async fn guard(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let ip = client(&app, &req);
    let mut res = if app.limiter.admit(ip, Instant::now()) {
        next.run(req).await
    } else {
        (StatusCode::TOO_MANY_REQUESTS, "Too many requests\n").into_response()
    };
    let st = res.status();
    if st == StatusCode::NOT_FOUND || st == StatusCode::BAD_REQUEST || st == StatusCode::FORBIDDEN {
        app.limiter.failed(ip);
    }
    let h = res.headers_mut();
    for (k, v) in [
        (
            "content-security-policy",
            "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
        ("referrer-policy", "no-referrer"),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("cache-control", "no-store"),
        ("cross-origin-opener-policy", "same-origin"),
    ] {
        h.insert(k, HeaderValue::from_static(v));
    }
    res
}

async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "Not found\n").into_response()
}

async fn style() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        html::CSS,
    )
        .into_response()
}

/// Runs a store call off the async threads.
async fn with_store<T: Send + 'static>(
    app: &Arc<App>,
    f: impl FnOnce(&mut Store, &App) -> T + Send + 'static,
) -> T {
    let app = app.clone();
    tokio::task::spawn_blocking(move || {
        let mut s = app.store.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut s, &app)
    })
    .await
    .expect("the store task does not panic")
}

fn language(headers: &HeaderMap, theirs: Option<&str>) -> &'static i18n::Texts {
    let browser = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(i18n::from_accept_language);
    i18n::texts(theirs.or(browser))
}

fn date(t: i64) -> String {
    rapport_core::timefmt::rfc3339(t)[..10].to_string()
}

/// The page (or 404), with an optional notice.
async fn render(
    app: &Arc<App>,
    token: String,
    headers: &HeaderMap,
    unsubscribe_first: bool,
    notice: Option<fn(&i18n::Texts) -> &'static str>,
) -> Response {
    let now = rapport_core::store::now();
    let tok = token.clone();
    let page = with_store(app, move |s, app| {
        let c = app.links.candidate(s, &tok, now)?;
        candidate_page::page(s, c, &app.interests).ok()
    })
    .await;
    let Some(page) = page else {
        return not_found().await;
    };
    let t = language(headers, page.language.as_deref());
    let csrf = app.csrf(&token);
    let v = html::View {
        t,
        token: &token,
        csrf: &csrf,
        notice: notice.map(|n| n(t)),
        unsubscribe_first,
        date: &date,
    };
    axum::response::Html(html::page(&v, &page).into_string()).into_response()
}

#[derive(serde::Deserialize)]
struct Shown {
    saved: Option<String>,
    done: Option<String>,
}

async fn show_page(
    State(app): State<Arc<App>>,
    Path(token): Path<String>,
    axum::extract::Query(q): axum::extract::Query<Shown>,
    headers: HeaderMap,
) -> Response {
    let notice: Option<fn(&i18n::Texts) -> &'static str> = if q.saved.is_some() {
        Some(|t| t.saved)
    } else if q.done.is_some() {
        Some(|t| t.unsubscribed)
    } else {
        None
    };
    render(&app, token, &headers, false, notice).await
}

async fn show_unsubscribe(
    State(app): State<Arc<App>>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    render(&app, token, &headers, true, None).await
}

/// Reads a form body (at most 32 KB) into its fields.
async fn form(body: Body) -> Option<Vec<(String, String)>> {
    let bytes = to_bytes(body, 32 * 1024).await.ok()?;
    Some(form_urlencoded::parse(&bytes).into_owned().collect())
}

fn choices(fields: &[(String, String)]) -> Option<Choices> {
    fn all<'a>(fields: &'a [(String, String)], k: &'a str) -> impl Iterator<Item = &'a str> {
        fields
            .iter()
            .filter(move |(n, _)| n == k)
            .map(|(_, v)| v.as_str())
    }
    let one = |k: &'static str| all(fields, k).next();
    let channel = |v: &str| {
        candidate_page::CHANNELS
            .iter()
            .copied()
            .find(|c| c.as_str() == v)
    };
    let mut channels = Vec::new();
    for v in all(fields, "channel") {
        channels.push(channel(v)?);
    }
    let preferred = match one("preferred").unwrap_or("") {
        "" => None,
        v => Some(channel(v)?),
    };
    let frequency = match one("frequency") {
        None | Some("") => None,
        Some(v) => Some(
            html::FREQUENCIES
                .iter()
                .copied()
                .find(|f| f.as_str() == v)?,
        ),
    };
    let language = match one("language") {
        None | Some("") => None,
        Some(v) => Some(i18n::LANGUAGES.iter().find(|(c, _)| *c == v)?.0.to_string()),
    };
    let clip = |v: &str| v.chars().take(100).collect::<String>();
    Some(Choices {
        contact: one("contact") != Some("no"),
        channels,
        preferred,
        frequency,
        interests: all(fields, "interest").take(50).map(clip).collect(),
        not_topics: all(fields, "not_topic").take(50).map(clip).collect(),
        language,
        note: one("note").unwrap_or("").chars().take(2000).collect(),
        want_copy: one("want_copy") == Some("yes"),
        want_erasure: one("want_erasure") == Some("yes"),
    })
}

async fn save_page(
    State(app): State<Arc<App>>,
    Path(token): Path<String>,
    req: Request,
) -> Response {
    let Some(fields) = form(req.into_body()).await else {
        return (StatusCode::BAD_REQUEST, "Bad request\n").into_response();
    };
    let csrf = fields
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    if !app.csrf_ok(&token, csrf) {
        // An old form (the server restarted) or a forged one: nothing is recorded.
        return (
            StatusCode::FORBIDDEN,
            "This form has expired: please reload the page and choose again.\n",
        )
            .into_response();
    }
    let Some(c) = choices(&fields) else {
        return (StatusCode::BAD_REQUEST, "Bad request\n").into_response();
    };
    let now = rapport_core::store::now();
    let tok = token.clone();
    let saved = with_store(&app, move |s, app| {
        let cand = app.links.candidate(s, &tok, now)?;
        Some(candidate_page::save(s, cand, c, now))
    })
    .await;
    match saved {
        None => not_found().await,
        Some(Ok(_)) => Redirect::to(&format!("/p/{token}?saved=1")).into_response(),
        Some(Err(e)) => {
            tracing::warn!("preference page: saving failed: {e}");
            (StatusCode::BAD_REQUEST, format!("Not saved: {e}\n")).into_response()
        }
    }
}

/// RFC 8058: a POST whose body says `List-Unsubscribe=One-Click` (form-encoded or multipart).
async fn one_click(
    State(app): State<Arc<App>>,
    Path(token): Path<String>,
    headers: HeaderMap,
    req: Request,
) -> Response {
    let Ok(body) = to_bytes(req.into_body(), 32 * 1024).await else {
        return (StatusCode::BAD_REQUEST, "Bad request\n").into_response();
    };
    let text = String::from_utf8_lossy(&body);
    let one_click = text.contains("List-Unsubscribe=One-Click")
        || (text.contains("name=\"List-Unsubscribe\"") && text.contains("One-Click"));
    if !one_click {
        return (StatusCode::BAD_REQUEST, "Bad request\n").into_response();
    }
    let now = rapport_core::store::now();
    let tok = token.clone();
    let done = with_store(&app, move |s, app| {
        let cand = app.links.candidate(s, &tok, now)?;
        let done = candidate_page::one_click(s, cand, app.unsubscribe_scope.clone(), now);
        let lang = s.preferences(cand).ok().flatten().and_then(|p| p.language);
        Some((done, lang))
    })
    .await;
    match done {
        None => not_found().await,
        Some((Ok(_), lang)) => {
            // 200 and a short page, no redirect (RFC 8058): a mail provider reads the status,
            // a person reads the page and can go on to their preferences.
            let t = language(&headers, lang.as_deref());
            let back = format!("/p/{token}");
            axum::response::Html(
                html::message(t, t.unsubscribed, Some((&back, t.title))).into_string(),
            )
            .into_response()
        }
        Some((Err(e), _)) => {
            tracing::warn!("one-click unsubscribe failed: {e}");
            (StatusCode::INTERNAL_SERVER_ERROR, "Please try again\n").into_response()
        }
    }
}
