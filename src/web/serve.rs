//! Running the server: the data dir's store, the signed links, the config's interests and
//! `[web]` settings, until Ctrl-C or SIGTERM.

use super::{App, Links, router};
use anyhow::Context;
use rapport_core::actions::session::Session;
use rapport_core::model::Channel;
use rapport_core::store::Store;
use rapport_core::values::OptOutScope;
use rapport_core::web::WebSettings;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

/// Tokens signed with the data dir's link keys (`core::actions::links`).
pub struct Signed(pub WebSettings);

impl Links for Signed {
    fn candidate(&self, store: &Store, token: &str, now: i64) -> Option<i64> {
        rapport_core::actions::links::verify(store, &self.0, token, now).ok()
    }
}

/// `rapport serve [--listen ADDR]`.
pub fn run(session: &Session, store: Store, listen: Option<String>) -> anyhow::Result<ExitCode> {
    let web = session.config().map(|c| c.web()).unwrap_or_default();
    let addr = listen.unwrap_or_else(|| web.listen.clone());
    let addr: SocketAddr = addr
        .parse()
        .with_context(|| format!("--listen {addr:?} is not an address such as 127.0.0.1:8425"))?;
    if web.link_base().is_none() {
        eprintln!(
            "rapport serve: no [web] base_url in the config (or links = false): mail we send carries no link to this server"
        );
    }
    let interests = session
        .config()
        .map(|c| c.interests.clone())
        .unwrap_or_default();
    // One-click carries no message, so it stops all email whatever the scope setting.
    let mut app = App::new(store, Box::new(Signed(web.clone())), interests);
    app.unsubscribe_scope = OptOutScope::Channel(Channel::Email);
    let app = Arc::new(app);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        eprintln!(
            "rapport serve: listening on http://{}{}",
            listener.local_addr()?,
            web.link_base()
                .map(|b| format!(" (links in mail: {b})"))
                .unwrap_or_default()
        );
        let service = router(app).into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, service)
            .with_graceful_shutdown(stopped())
            .await?;
        eprintln!("rapport serve: stopped");
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

async fn stopped() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("a SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}
