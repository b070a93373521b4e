//! Versioned schema. Migrations only ever append; a database newer than this binary is refused.

use rusqlite_migration::{M, Migrations};

/// v1: the mail itself (folders, messages, threads, candidates and their addresses, search).
const V1_MAIL: &str = r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

-- IMAP sync state per folder (RFC 4549).
CREATE TABLE folders (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL DEFAULT 'other',
  uidvalidity INTEGER,
  uidnext INTEGER,
  highestmodseq INTEGER,
  last_sync_at INTEGER
);

-- The shared box and the recruiters: their mail is outbound and they are never candidates.
CREATE TABLE team_members (
  address TEXT PRIMARY KEY,
  name TEXT NOT NULL DEFAULT '',
  shared INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- One row per person. The inbox columns are a summary maintained on every write, so the
-- list never has to scan messages.
CREATE TABLE candidates (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  message_count INTEGER NOT NULL DEFAULT 0,
  last_message_at INTEGER,
  last_inbound_at INTEGER,
  last_outbound_at INTEGER,
  waiting_since INTEGER,
  last_snippet TEXT NOT NULL DEFAULT '',
  last_direction TEXT,
  opted_out INTEGER NOT NULL DEFAULT 0,
  inbox_rank INTEGER NOT NULL DEFAULT 10000000000,
  -- Set when merged into another candidate (the merge can be undone).
  merged_into INTEGER REFERENCES candidates(id) ON DELETE SET NULL,
  -- Mail arrived from an address erased on request earlier.
  suppressed INTEGER NOT NULL DEFAULT 0,
  -- When we may next contact them (see core::policy): NULL any time, a unix time, -1 only
  -- when they write first, -2 never.
  next_contact INTEGER,
  -- An inbound message that reads as a request to stop contact, not yet acted on.
  optout_request INTEGER REFERENCES messages(id) ON DELETE SET NULL
);
CREATE INDEX candidates_rank ON candidates(inbox_rank, id);
CREATE INDEX candidates_opted_out ON candidates(opted_out, inbox_rank, id);

CREATE TABLE candidate_addresses (
  address TEXT PRIMARY KEY,
  candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
  name TEXT NOT NULL DEFAULT '',
  first_seen INTEGER NOT NULL
);
CREATE INDEX candidate_addresses_candidate ON candidate_addresses(candidate_id);

CREATE TABLE threads (
  id INTEGER PRIMARY KEY,
  subject TEXT NOT NULL DEFAULT ''
);

-- JWZ containers: every Message-ID seen or referenced, mapped to its thread. Ids referenced
-- but never received are placeholders; a message linking two threads merges them.
CREATE TABLE thread_ids (
  message_id TEXT PRIMARY KEY,
  thread_id INTEGER NOT NULL REFERENCES threads(id)
) WITHOUT ROWID;
CREATE INDEX thread_ids_thread ON thread_ids(thread_id);

CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  message_id TEXT NOT NULL,
  -- message_id, or message_id#hash when a different message reuses an id.
  dedup_key TEXT NOT NULL UNIQUE,
  content_hash TEXT NOT NULL,
  thread_id INTEGER NOT NULL REFERENCES threads(id),
  parent_message_id TEXT,
  candidate_id INTEGER REFERENCES candidates(id) ON DELETE SET NULL,
  direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  from_addr TEXT NOT NULL DEFAULT '',
  from_name TEXT NOT NULL DEFAULT '',
  sender TEXT NOT NULL DEFAULT '',
  recruiter TEXT,
  to_addrs TEXT NOT NULL DEFAULT '',
  cc_addrs TEXT NOT NULL DEFAULT '',
  subject TEXT NOT NULL DEFAULT '',
  date INTEGER NOT NULL,
  date_missing INTEGER NOT NULL DEFAULT 0,
  ingested_at INTEGER NOT NULL,
  in_reply_to TEXT NOT NULL DEFAULT '',
  refs TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL DEFAULT '',
  body_was_html INTEGER NOT NULL DEFAULT 0,
  snippet TEXT NOT NULL DEFAULT '',
  attachments TEXT NOT NULL DEFAULT '[]',
  automated INTEGER NOT NULL DEFAULT 0,
  headers TEXT NOT NULL DEFAULT '[]',
  problems TEXT NOT NULL DEFAULT '',
  -- The evidence when the message reads as a request to stop contact.
  optout_evidence TEXT,
  -- 'imap' (removed when expunged from every folder), 'import' (Maildir, demo) or 'outbox'.
  origin TEXT NOT NULL DEFAULT 'import'
);
CREATE INDEX messages_candidate_date ON messages(candidate_id, date);
CREATE INDEX messages_thread ON messages(thread_id);
CREATE INDEX messages_message_id ON messages(message_id);

-- Raw source of mail with no other copy (imports, the demo, the outbox), kept apart so
-- message rows stay small. Synced mail is fetched again by folder and UID when needed.
CREATE TABLE message_raw (
  message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
  raw BLOB NOT NULL
);

-- Where a message lives on the server (a message may be in INBOX and Sent).
CREATE TABLE message_locations (
  folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
  uid INTEGER NOT NULL,
  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  flags TEXT NOT NULL DEFAULT '',
  modseq INTEGER,
  PRIMARY KEY (folder_id, uid)
);
CREATE INDEX message_locations_message ON message_locations(message_id);

-- columnsize = 0: no per-row size table to write on every insert (ranking computes sizes for
-- the few hits instead), a few per cent of ingest.
CREATE VIRTUAL TABLE messages_fts USING fts5(
  subject, body, sender,
  content = 'messages', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2', columnsize = 0
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts(rowid, subject, body, sender)
  VALUES (new.id, new.subject, new.body, new.sender);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, subject, body, sender)
  VALUES ('delete', old.id, old.subject, old.body, old.sender);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF subject, body, sender ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, subject, body, sender)
  VALUES ('delete', old.id, old.subject, old.body, old.sender);
  INSERT INTO messages_fts(rowid, subject, body, sender)
  VALUES (new.id, new.subject, new.body, new.sender);
END;
"#;

/// v2: what candidates told us and what we did: preferences, interests, the consent ledger,
/// contact log, opt-outs and suppression, outbox, drafts and the audit log.
const V2_RELATIONSHIPS: &str = r#"
CREATE TABLE preferences (
  candidate_id INTEGER PRIMARY KEY REFERENCES candidates(id) ON DELETE CASCADE,
  channels TEXT NOT NULL DEFAULT '',
  preferred TEXT,
  frequency TEXT,
  language TEXT,
  timezone TEXT,
  -- The candidate wants no contact on any channel.
  no_channel INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL
);

CREATE TABLE interests (
  candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY (candidate_id, tag)
) WITHOUT ROWID;

-- Every change to preferences, interests, consent and opt-outs: who, when, from what to
-- what, on which legal basis, and the candidate's message it came from.
CREATE TABLE ledger (
  id INTEGER PRIMARY KEY,
  candidate_id INTEGER REFERENCES candidates(id) ON DELETE SET NULL,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  source TEXT NOT NULL DEFAULT 'recruiter',
  source_message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
  field TEXT NOT NULL,
  old_value TEXT,
  new_value TEXT,
  legal_basis TEXT,
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ledger_candidate ON ledger(candidate_id, at);

CREATE TABLE contact_log (
  id INTEGER PRIMARY KEY,
  candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
  channel TEXT NOT NULL,
  direction TEXT NOT NULL,
  outcome TEXT NOT NULL,
  at INTEGER NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  recorded_by TEXT NOT NULL,
  recorded_at INTEGER NOT NULL
);
CREATE INDEX contact_log_candidate ON contact_log(candidate_id, at);

CREATE TABLE opt_outs (
  id INTEGER PRIMARY KEY,
  candidate_id INTEGER REFERENCES candidates(id) ON DELETE SET NULL,
  scope TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL,
  source_message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
  recorded_by TEXT NOT NULL,
  at INTEGER NOT NULL,
  revoked_at INTEGER,
  revoked_by TEXT,
  revoke_source_message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL
);
CREATE INDEX opt_outs_candidate ON opt_outs(candidate_id);

-- Hashed addresses of erased people: an opt-out that survives erasure.
CREATE TABLE suppressions (
  address_hash TEXT PRIMARY KEY,
  at INTEGER NOT NULL,
  reason TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

-- Merges, with what moved, so that each can be undone.
CREATE TABLE merges (
  id INTEGER PRIMARY KEY,
  target_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
  source_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
  moved TEXT NOT NULL,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  undone_at INTEGER
);

CREATE TABLE drafts (
  id INTEGER PRIMARY KEY,
  candidate_id INTEGER REFERENCES candidates(id) ON DELETE CASCADE,
  in_reply_to INTEGER REFERENCES messages(id) ON DELETE SET NULL,
  text TEXT NOT NULL,
  author TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

-- Written before any network I/O; SMTP delivery and the Sent copy are separate states.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  candidate_id INTEGER REFERENCES candidates(id) ON DELETE SET NULL,
  message_id TEXT NOT NULL UNIQUE,
  raw BLOB NOT NULL,
  envelope_from TEXT NOT NULL,
  envelope_to TEXT NOT NULL,
  -- Interests the message is about (a topic opt-out cancels it).
  topics TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL DEFAULT 'queued',
  sent_copy_state TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  last_error TEXT,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX outbox_state ON outbox(state, next_attempt_at);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  candidate_id INTEGER REFERENCES candidates(id) ON DELETE SET NULL,
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_candidate ON audit_log(candidate_id, at);
"#;

/// v3: waits, for response-time reports. Derived from messages and contacts, rewritten per
/// candidate on every change (see store::waits).
const V3_WAITS: &str = r#"
CREATE TABLE waits (
  id INTEGER PRIMARY KEY,
  candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
  started_at INTEGER NOT NULL,
  start_message INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  -- Started by the candidate's first message: a first response time.
  first INTEGER NOT NULL DEFAULT 0,
  -- NULL while the candidate is still waiting.
  ended_at INTEGER,
  -- 'mail' (an outbound message id) or 'talked' (a contact_log id).
  ended_by TEXT,
  end_id INTEGER,
  -- The credited recruiter: an address, or the name of who queued it in rapport.
  responder TEXT
);
CREATE INDEX waits_candidate ON waits(candidate_id);
CREATE INDEX waits_started ON waits(started_at);
CREATE INDEX waits_open ON waits(started_at) WHERE ended_at IS NULL;
"#;

/// Several recruiters on one box: the lease that lets exactly one process sync, and the audit
/// log read by time.
const V4_SHARED: &str = r#"
-- One row per lease ('imap': the IMAP sync and IDLE). The holder renews it; another process
-- takes it over once it expired. Times are unix milliseconds.
CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  -- pid@host of the holding process.
  holder TEXT NOT NULL,
  -- The acting user of that process (display name or OS user).
  actor TEXT NOT NULL,
  -- 'inbox' (a TUI session), 'watch' (`rapport sync --watch`) or 'sync' (one `rapport sync`).
  kind TEXT NOT NULL,
  acquired_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX audit_log_at ON audit_log(at);
"#;

/// Teamwork on one shared box: who owns a candidate, snoozes, internal notes and who is
/// looking at whom right now.
const V5_TEAMWORK: &str = r#"
-- The recruiter (display name, as recorded in `actor` columns) a candidate is assigned to.
CREATE TABLE assignments (
  candidate_id INTEGER PRIMARY KEY REFERENCES candidates(id) ON DELETE CASCADE,
  assignee TEXT NOT NULL,
  assigned_by TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX assignments_assignee ON assignments(assignee);

-- Out of "awaiting reply" until `until` (or until they write after `at`).
CREATE TABLE snoozes (
  candidate_id INTEGER PRIMARY KEY REFERENCES candidates(id) ON DELETE CASCADE,
  until INTEGER NOT NULL,
  snoozed_by TEXT NOT NULL,
  at INTEGER NOT NULL
);

-- Internal notes about a candidate: never sent, but personal data (exported, erased).
CREATE TABLE notes (
  id INTEGER PRIMARY KEY,
  candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
  author TEXT NOT NULL,
  text TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX notes_candidate ON notes(candidate_id, at);

-- Notes (and the export and erase) follow merges through merged_into: keep that a lookup.
-- Partial: most candidates were never merged, and ingest then never touches the index.
CREATE INDEX IF NOT EXISTS candidates_merged_into ON candidates(merged_into)
  WHERE merged_into IS NOT NULL;

-- One row per open rapport session (pid@host): what it has open. Stale after a while
-- without a heartbeat; removed on exit.
CREATE TABLE presence (
  session TEXT PRIMARY KEY,
  user TEXT NOT NULL,
  name TEXT NOT NULL,
  candidate_id INTEGER REFERENCES candidates(id) ON DELETE CASCADE,
  activity TEXT NOT NULL CHECK (activity IN ('viewing', 'replying')),
  since INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL
) WITHOUT ROWID;
"#;

/// v6: the search index can be deferred during a first load of many messages (meta key
/// `search_index_deferred` present): the triggers skip, and one rebuild indexes everything at
/// the end (see `Store::complete_search_index`). Per-row index writes were half of an initial
/// sync; one pass over the table costs a fraction of that.
const V6_DEFERRED_SEARCH_INDEX: &str = r#"
DROP TRIGGER messages_fts_insert;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_update;
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'search_index_deferred') BEGIN
  INSERT INTO messages_fts(rowid, subject, body, sender)
  VALUES (new.id, new.subject, new.body, new.sender);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'search_index_deferred') BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, subject, body, sender)
  VALUES ('delete', old.id, old.subject, old.body, old.sender);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF subject, body, sender ON messages
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'search_index_deferred') BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, subject, body, sender)
  VALUES ('delete', old.id, old.subject, old.body, old.sender);
  INSERT INTO messages_fts(rowid, subject, body, sender)
  VALUES (new.id, new.subject, new.body, new.sender);
END;
"#;

/// v7, for a faster first load:
/// - The per-candidate index covers what a candidate's summary and waits read (date,
///   direction, automated, recruiter, message id). Those columns sit after the body in a row,
///   so reading them meant walking each message's overflow pages: a fifth of a first sync's
///   writer at 50,000 messages. It replaces the narrower index of the same prefix.
/// - The search index reads `search_text`, the body without its quoted lines
///   (`parse::searchable_text`), instead of the whole body: three quarters of the text was
///   quotes of other messages. The hook fills it for existing mail and rebuilds the index.
/// - A deferred search index is caught up in steps during the load (see `search_index`): the
///   triggers keep the rows up to the `search_indexed_upto` mark in step and skip the rest. A
///   v6 deferral (`search_index_deferred`) indexed nothing: the rebuild here completes it.
const V7_FIRST_LOAD: &str = r#"
DROP INDEX messages_candidate_date;
CREATE INDEX messages_candidate_events
  ON messages(candidate_id, date, direction, automated, recruiter, message_id);

DROP TRIGGER messages_fts_insert;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_update;
DROP TABLE messages_fts;
ALTER TABLE messages ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
CREATE VIRTUAL TABLE messages_fts USING fts5(
  subject, search_text, sender,
  content = 'messages', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2', columnsize = 0
);
CREATE VIEW search_index_bound AS SELECT CASE
  WHEN EXISTS (SELECT 1 FROM meta WHERE key = 'search_index_deferred') THEN -1
  ELSE coalesce(
    (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'search_indexed_upto'),
    9223372036854775807)
  END AS bound;
"#;

/// Created by v7's hook, once the existing mail has its `search_text`.
const V7_TRIGGERS: &str = r#"
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
WHEN new.id <= (SELECT bound FROM search_index_bound) BEGIN
  INSERT INTO messages_fts(rowid, subject, search_text, sender)
  VALUES (new.id, new.subject, new.search_text, new.sender);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
WHEN old.id <= (SELECT bound FROM search_index_bound) BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, subject, search_text, sender)
  VALUES ('delete', old.id, old.subject, old.search_text, old.sender);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF subject, search_text, sender ON messages
WHEN old.id <= (SELECT bound FROM search_index_bound) BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, subject, search_text, sender)
  VALUES ('delete', old.id, old.subject, old.search_text, old.sender);
  INSERT INTO messages_fts(rowid, subject, search_text, sender)
  VALUES (new.id, new.subject, new.search_text, new.sender);
END;
"#;

/// Fills `search_text` of the mail stored before v7 (in steps, so memory stays bounded),
/// indexes everything and creates the triggers.
fn v7_hook(tx: &rusqlite::Transaction) -> rusqlite_migration::HookResult {
    let mut last = 0i64;
    loop {
        let rows: Vec<(i64, String)> = tx
            .prepare("SELECT id, body FROM messages WHERE id > ?1 ORDER BY id LIMIT 2000")?
            .query_map([last], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let Some(&(end, _)) = rows.last() else { break };
        let mut update = tx.prepare_cached("UPDATE messages SET search_text = ?2 WHERE id = ?1")?;
        for (id, body) in &rows {
            update.execute(rusqlite::params![id, v7_searchable_text(body)])?;
        }
        last = end;
    }
    tx.execute_batch(
        "INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');
         DELETE FROM meta WHERE key = 'search_index_deferred';",
    )?;
    tx.execute_batch(V7_TRIGGERS)?;
    Ok(())
}

/// `parse::searchable_text` as it was when v7 shipped, frozen here: a migration must give the
/// same result whenever it runs, whatever ingest does later (ingest may change its rule; the
/// mail it stores from then on follows the new one).
fn v7_searchable_text(body: &str) -> String {
    let mut out = String::with_capacity(body.len() / 2);
    for line in body.lines() {
        if line.trim_start().starts_with('>') {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    if out.chars().any(char::is_alphanumeric) {
        out
    } else {
        body.to_string()
    }
}

/// Erasure that stays complete: where mail about erased people sits on the server (so a sync
/// never fetches it again), never its content; erasures whose bytes may still be on disk.
const V8_SUPPRESSED_MAIL: &str = r#"
CREATE TABLE suppressed_mail (
  id INTEGER PRIMARY KEY,
  folder_id INTEGER REFERENCES folders(id) ON DELETE CASCADE,
  uid INTEGER,
  -- Keyed hash of the Message-ID: recognises a second import of the same message.
  dedup TEXT,
  address_hash TEXT NOT NULL,
  at INTEGER NOT NULL,
  -- 1: it came in after the erasure, and the team is told; 0: held on the server at erasure.
  arrived INTEGER NOT NULL,
  acknowledged_at INTEGER,
  acknowledged_by TEXT
);
CREATE UNIQUE INDEX suppressed_mail_location ON suppressed_mail(folder_id, uid) WHERE uid IS NOT NULL;
CREATE UNIQUE INDEX suppressed_mail_dedup ON suppressed_mail(dedup) WHERE dedup IS NOT NULL;
"#;

/// At most one extra copy: when a message was handed to the server, and how often it was
/// sent again automatically after an unknown outcome.
const V9_OUTBOX_DATA_PHASE: &str = r#"
ALTER TABLE outbox ADD COLUMN data_at INTEGER;
ALTER TABLE outbox ADD COLUMN unknown_resends INTEGER NOT NULL DEFAULT 0;
"#;

/// The scope of a candidate's request to stop, detected once at ingest and stored beside its
/// evidence, so accepting the request records what they asked for without reading their
/// message again. Requests stored before had only the evidence: they read as "all" (the
/// safe reading; the opt-out form can record a narrower scope by hand). Plain SQL: a migration
/// never runs today's detection rules.
const V10_OPTOUT_SCOPE: &str = r#"
ALTER TABLE messages ADD COLUMN optout_scope TEXT;
UPDATE messages SET optout_scope = 'all' WHERE optout_evidence IS NOT NULL;
"#;

/// "Done, no reply needed", and waits that end without a reply. A recruiter's done mark closes
/// the candidate's open wait (`ended_by = 'done'`); an opt-out of all contact closes the wait
/// open when it was recorded (`'opted-out'`). Reports count both apart from replies.
///
/// Waits are derived rows, rewritten by today's rules whenever a candidate changes; this
/// migration only closes, in plain SQL, the waits still open at an opt-out of all contact
/// recorded after they began (the candidates that must leave "Awaiting reply" now), and takes
/// those candidates out of it. A later message of theirs opens a new wait as usual.
const V11_DONE_AND_OPTED_OUT_WAITS: &str = r#"
CREATE TABLE done_marks (
  id INTEGER PRIMARY KEY,
  candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  -- The recruiter credited (display name, as in other `actor` columns).
  actor TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX done_marks_candidate ON done_marks(candidate_id, at);

CREATE TEMP TABLE v11_closing AS
  SELECT w.id AS wait_id, w.candidate_id AS candidate_id,
    (SELECT o.id FROM opt_outs o WHERE o.candidate_id = w.candidate_id AND o.scope = 'all'
       AND o.at >= w.started_at ORDER BY o.at, o.id LIMIT 1) AS opt_out_id
  FROM waits w WHERE w.ended_at IS NULL;
DELETE FROM v11_closing WHERE opt_out_id IS NULL;
UPDATE waits SET
  ended_at = (SELECT o.at FROM opt_outs o JOIN v11_closing v ON v.opt_out_id = o.id
              WHERE v.wait_id = waits.id),
  ended_by = 'opted-out',
  end_id = (SELECT v.opt_out_id FROM v11_closing v WHERE v.wait_id = waits.id),
  responder = (SELECT o.recorded_by FROM opt_outs o JOIN v11_closing v ON v.opt_out_id = o.id
               WHERE v.wait_id = waits.id)
WHERE id IN (SELECT wait_id FROM v11_closing);
UPDATE candidates SET
  waiting_since = NULL,
  inbox_rank = 10000000000 - coalesce(last_message_at, 0)
WHERE id IN (SELECT candidate_id FROM v11_closing) AND merged_into IS NULL;
-- Never contacted again: "next contact" says so.
UPDATE candidates SET next_contact = -2
WHERE id IN (SELECT candidate_id FROM opt_outs WHERE scope = 'all' AND revoked_at IS NULL);
DROP TABLE v11_closing;
"#;

/// v12, for candidate queries (`store::filter`): the candidate of each message, by message
/// id, in an index of its own. A word of a query finds thousands of messages in the search
/// index; looking up each one's candidate in the table reads a page of mail per hit (60 ms
/// for the 15,000 hits of a common word at 100,000 messages), in this index a few pages in
/// all (15 ms).
const V12_QUERY_MESSAGE_CANDIDATE: &str = r#"
CREATE INDEX messages_id_candidate ON messages(id, candidate_id);
"#;

/// v13, links to the candidate's own pages (#18): a secret per candidate that their link tokens are
/// signed over (NULL until the first link is made; revoking their links replaces it, and an
/// erased candidate's row goes with it), and mail sent to the unsubscribe address: the token
/// read from the address at ingest, and when the opt-out it asked for was settled.
const V13_CANDIDATE_LINKS: &str = r#"
ALTER TABLE candidates ADD COLUMN link_nonce TEXT;
ALTER TABLE messages ADD COLUMN unsubscribe_token TEXT;
ALTER TABLE messages ADD COLUMN unsubscribe_settled_at INTEGER;
CREATE INDEX messages_unsubscribe_pending ON messages(id)
  WHERE unsubscribe_token IS NOT NULL AND unsubscribe_settled_at IS NULL;
"#;

/// v14, the candidate's own requests about their data (a copy, or erasure), made on their
/// preference page: a task for the team with a due date (GDPR: one month), never acted on
/// without a recruiter. Also their notes to the team from that page.
const V14_DATA_REQUESTS: &str = r#"
CREATE TABLE data_requests (
  id INTEGER PRIMARY KEY,
  candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
  -- 'copy' | 'erasure'
  kind TEXT NOT NULL,
  -- Where they asked: 'preference-page'.
  via TEXT NOT NULL,
  at INTEGER NOT NULL,
  due_at INTEGER NOT NULL,
  resolved_at INTEGER,
  resolved_by TEXT,
  -- How it was settled ('exported', 'erased', or a recruiter's words).
  resolution TEXT
);
CREATE INDEX data_requests_open ON data_requests(resolved_at, due_at);
CREATE INDEX data_requests_candidate ON data_requests(candidate_id);
"#;

/// v15, asking by mail (#18 item 4): the question mails we sent ("How would you like to hear
/// from us?"), by their Message-ID, so that a reply to one is read as an answer; what an
/// answer proposes (JSON, as `consent::answers` read it at ingest) on the message; and the
/// candidate's answer waiting for a recruiter (the "They answered" banner), as
/// `optout_request` is for a request to stop.
const V15_PREFERENCE_ASKS: &str = r#"
CREATE TABLE preference_asks (
  message_id TEXT PRIMARY KEY,
  candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
  language TEXT NOT NULL,
  asked_by TEXT NOT NULL,
  at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX preference_asks_candidate ON preference_asks(candidate_id);
ALTER TABLE messages ADD COLUMN answer_proposal TEXT;
ALTER TABLE candidates ADD COLUMN answer_request INTEGER REFERENCES messages(id) ON DELETE SET NULL;
CREATE INDEX candidates_answer_request ON candidates(answer_request) WHERE answer_request IS NOT NULL;
"#;

/// v16, shares (#19): content sent one by one to the candidates who asked for its topic, at
/// their pace. A share is the content and its pace (no personal data); its items are the
/// candidates it was planned for, released into the outbox one by one, or skipped and why.
const V16_SHARES: &str = r#"
CREATE TABLE shares (
  id INTEGER PRIMARY KEY,
  template TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  -- The content's interest tags, comma-separated.
  tags TEXT NOT NULL DEFAULT '',
  query TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  -- 'active' | 'paused' | 'cancelled'
  state TEXT NOT NULL DEFAULT 'active',
  per_hour INTEGER NOT NULL,
  per_day INTEGER NOT NULL,
  -- Makes each item's Message-ID unique to this data dir (exactly once on a re-release).
  nonce TEXT NOT NULL
);
CREATE TABLE share_items (
  id INTEGER PRIMARY KEY,
  share_id INTEGER NOT NULL REFERENCES shares(id) ON DELETE CASCADE,
  candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
  -- 'planned' | 'queued' | 'skipped' | 'cancelled'
  state TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  outbox_id INTEGER,
  released_at INTEGER,
  UNIQUE(share_id, candidate_id)
);
CREATE INDEX share_items_state ON share_items(share_id, state);
CREATE INDEX share_items_candidate ON share_items(candidate_id);
"#;

pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(V1_MAIL),
        M::up(V2_RELATIONSHIPS),
        M::up(V3_WAITS),
        M::up(V4_SHARED),
        M::up(V5_TEAMWORK),
        M::up(V6_DEFERRED_SEARCH_INDEX),
        M::up_with_hook(V7_FIRST_LOAD, v7_hook),
        M::up(V8_SUPPRESSED_MAIL),
        M::up(V9_OUTBOX_DATA_PHASE),
        M::up(V10_OPTOUT_SCOPE),
        M::up(V11_DONE_AND_OPTED_OUT_WAITS),
        M::up(V12_QUERY_MESSAGE_CANDIDATE),
        M::up(V13_CANDIDATE_LINKS),
        M::up(V14_DATA_REQUESTS),
        M::up(V15_PREFERENCE_ASKS),
        M::up(V16_SHARES),
    ])
}

/// The schema version this binary writes.
pub const LATEST: usize = 16;
