/**
 * Schema migrations, applied in order; PRAGMA user_version records how far a database is.
 * Append new steps at the end; never edit a step that has shipped.
 */
export const MIGRATIONS: string[] = [
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
];
