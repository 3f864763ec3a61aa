import { toPostgresDdl } from './postgres-ddl.ts';

/**
 * Schema migrations, applied in order, on SQLite (PRAGMA user_version records how far a file is)
 * and on PostgreSQL (the zhaocuo_schema table does), from this one list: a step is SQLite DDL in
 * the portable subset src/store/postgres-ddl.ts translates (INTEGER, REAL, BLOB, INTEGER PRIMARY
 * KEY, WITHOUT ROWID; the rest is standard SQL both run as written). A step that must also fix
 * rows only an older SQLite file can hold (PostgreSQL stores start at this version's schema) puts
 * that in `sqliteBackfill`. Append new steps at the end; never edit a step that has shipped.
 * tests/store.test.ts checks both databases end with the same tables and columns.
 */
export type Migration = string | { sql: string; sqliteBackfill: string };

/** The SQL of one step for `dialect`. */
export function migrationSql(m: Migration, dialect: 'sqlite' | 'postgres'): string {
  const sql = typeof m === 'string' ? m : m.sql;
  if (dialect === 'postgres') return toPostgresDdl(sql);
  return typeof m === 'string' ? m : `${m.sql}\n${m.sqliteBackfill}`;
}

export const MIGRATIONS: Migration[] = [
  // 1: runs and what they found
  `
  CREATE TABLE sites (
    id INTEGER PRIMARY KEY,
    origin TEXT NOT NULL UNIQUE,
    name TEXT,
    created_at TEXT NOT NULL
  );
  CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id),
    start_url TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'failed')),
    error TEXT,
    today TEXT NOT NULL,
    summary_json TEXT,
    report_dir TEXT
  );
  CREATE INDEX runs_site ON runs(site_id, id);
  CREATE TABLE pages (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    final_url TEXT,
    status INTEGER,
    depth INTEGER,
    title TEXT,
    charset TEXT,
    timing_ms INTEGER,
    bytes INTEGER,
    published_at TEXT,
    PRIMARY KEY (run_id, url)
  ) WITHOUT ROWID;
  CREATE TABLE links (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    state TEXT NOT NULL,
    status INTEGER,
    error TEXT,
    final_url TEXT,
    internal INTEGER NOT NULL,
    is_page INTEGER NOT NULL,
    kinds TEXT,
    referrers INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, url)
  ) WITHOUT ROWID;
  CREATE TABLE edges (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    from_url TEXT NOT NULL,
    to_url TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT
  );
  CREATE INDEX edges_to ON edges(run_id, to_url);
  CREATE TABLE findings (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    audit TEXT NOT NULL,
    rule TEXT NOT NULL,
    severity TEXT NOT NULL,
    url TEXT NOT NULL,
    message TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    division TEXT,
    refs_json TEXT NOT NULL,
    evidence_json TEXT NOT NULL,
    deduction REAL,
    PRIMARY KEY (run_id, id)
  );
  CREATE INDEX findings_fp ON findings(fingerprint, run_id);
  CREATE TABLE audit_data (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    audit TEXT NOT NULL,
    status TEXT NOT NULL,
    data_json TEXT,
    PRIMARY KEY (run_id, audit)
  );
  `,
  // availability probes of a homepage (zhaocuo probe): one row per probe and family
  `
  CREATE TABLE probes (
    id INTEGER PRIMARY KEY,
    origin TEXT NOT NULL,
    url TEXT NOT NULL,
    at TEXT NOT NULL,
    family INTEGER NOT NULL CHECK (family IN (4, 6)),
    address TEXT,
    status INTEGER,
    load_ms INTEGER,
    error TEXT
  );
  CREATE INDEX probes_origin_at ON probes(origin, at);
  `,
  // 找错 tickets: tickets, their history and screenshots, API tokens and sessions, the webhook outbox
  `
  CREATE TABLE tickets (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    site_id INTEGER REFERENCES sites(id),
    page_url TEXT,
    category TEXT NOT NULL,
    description TEXT NOT NULL,
    evidence_json TEXT NOT NULL DEFAULT '{}',
    source TEXT NOT NULL CHECK (source IN ('audit', 'extension', 'import', 'manual')),
    reporter TEXT,
    reporter_token_id INTEGER,
    division TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('待处理', '处理中', '已整改', '已答复', '不予处理')),
    reject_reason TEXT,
    received_at TEXT NOT NULL,
    due_at TEXT,
    due_error TEXT,
    closed_at TEXT,
    reply TEXT,
    replied_at TEXT,
    external_id TEXT,
    fingerprint TEXT,
    audit TEXT,
    severity TEXT,
    first_run_id INTEGER,
    last_seen_run_id INTEGER,
    verified_run_id INTEGER,
    verified_at TEXT,
    reopen_count INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE UNIQUE INDEX tickets_fingerprint ON tickets(site_id, fingerprint) WHERE fingerprint IS NOT NULL;
  CREATE UNIQUE INDEX tickets_external ON tickets(source, external_id) WHERE external_id IS NOT NULL;
  CREATE INDEX tickets_open_due ON tickets(closed_at, due_at);
  CREATE INDEX tickets_division ON tickets(division, status);
  CREATE TABLE ticket_numbers (year INTEGER PRIMARY KEY, last INTEGER NOT NULL);
  CREATE TABLE ticket_history (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    field TEXT,
    old_value TEXT,
    new_value TEXT,
    note TEXT,
    run_id INTEGER
  );
  CREATE INDEX ticket_history_ticket ON ticket_history(ticket_id, id);
  CREATE TABLE ticket_blobs (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    mime TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX ticket_blobs_ticket ON ticket_blobs(ticket_id, kind);
  CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('reporter', 'handler', 'admin')),
    division TEXT,
    token_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
  );
  CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    token_id INTEGER NOT NULL REFERENCES api_tokens(id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
  );
  CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER REFERENCES tickets(id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    target TEXT NOT NULL,
    dedupe_key TEXT NOT NULL UNIQUE,
    body_json TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT
  );
  CREATE INDEX outbox_pending ON outbox(status, next_attempt_at);
  `,
  // 4: what a report rebuilt from the store needs and the first schema left out. Why an audit
  // was skipped or failed (its status is audit_data.status: ran / skipped / failed); NULL for
  // an audit that ran, and for the runs stored before this step (reason unknown). The redirect
  // hops of each link target, as a JSON array of URLs before final_url, NULL when there were
  // none (or, for older runs, not recorded). A page's hops are those of its own link target
  // (same run_id and url, the same request), so pages do not repeat them.
  `
  ALTER TABLE audit_data ADD COLUMN reason TEXT;
  ALTER TABLE links ADD COLUMN redirects_json TEXT;
  `,
  // 5: the page cache of incremental re-audits (src/store/page-cache.ts): per site and final page
  // URL, the validators (ETag, Last-Modified) the server sent, a hash of the body, the parsed page
  // as gzip'd JSON, the parser version that wrote it, and the last run that saw the page.
  `
  CREATE TABLE page_cache (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    body_hash TEXT NOT NULL,
    format TEXT NOT NULL,
    seen_run INTEGER NOT NULL,
    artifact BLOB NOT NULL,
    UNIQUE (site_id, url)
  );
  `,
  // 6: the sites registry (zhaocuo sites), the scheduler's state per site (the slot it serves,
  // attempts, when to retry) and the locks that keep one site from being audited twice at once.
  // A lock is held by one process (owner, host, pid) and kept fresh by its heartbeat; a lock
  // whose heartbeat stopped, or whose process on this host is gone, may be taken over.
  `
  CREATE TABLE site_registry (
    site_id INTEGER PRIMARY KEY REFERENCES sites(id),
    start_url TEXT NOT NULL,
    name TEXT NOT NULL,
    sponsor TEXT,
    schedule TEXT,
    tags_json TEXT NOT NULL DEFAULT '{}',
    config_json TEXT NOT NULL DEFAULT '{}',
    enabled INTEGER NOT NULL DEFAULT 1,
    added_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE site_schedule (
    site_id INTEGER PRIMARY KEY REFERENCES sites(id),
    slot_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    status TEXT CHECK (status IN ('running', 'complete', 'failed')),
    next_attempt_at TEXT,
    last_error TEXT,
    last_run_id INTEGER,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE site_locks (
    site_id INTEGER PRIMARY KEY REFERENCES sites(id),
    owner TEXT NOT NULL,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    acquired_at TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL
  );
  `,
  // 7: who runs a run, so one left 'running' by a killed process can be told and marked failed
  // (src/store/stale-runs.ts): its process (pid, host) and the heartbeat it refreshes while it
  // works. NULL for the runs stored before this step (their start time stands in for the heartbeat).
  `
  ALTER TABLE runs ADD COLUMN pid INTEGER;
  ALTER TABLE runs ADD COLUMN host TEXT;
  ALTER TABLE runs ADD COLUMN heartbeat_at TEXT;
  CREATE INDEX runs_running ON runs(status) WHERE status = 'running';
  `,
  // 8: the order a run stored its findings, edges and audit outcomes in, as a column: the store
  // read them back in rowid order, which PostgreSQL has no notion of. Rows of older runs take
  // their rowid, which keeps their order.
  {
    sql: `
  ALTER TABLE findings ADD COLUMN seq INTEGER;
  ALTER TABLE edges ADD COLUMN seq INTEGER;
  ALTER TABLE audit_data ADD COLUMN seq INTEGER;
  `,
    sqliteBackfill: `
  UPDATE findings SET seq = rowid;
  UPDATE edges SET seq = rowid;
  UPDATE audit_data SET seq = rowid;
  `,
  },
  // 9: a run stored complete whose tickets are not filed yet: set in the run's own transaction,
  // cleared when filing ends (src/tickets/from-audit.ts), so a store that goes away in between
  // leaves a mark the next pass over the site finishes by, not tickets silently missing.
  `
  ALTER TABLE runs ADD COLUMN tickets_pending INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX runs_tickets_pending ON runs(site_id) WHERE tickets_pending = 1;
  `,
];
