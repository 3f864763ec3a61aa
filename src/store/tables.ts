/**
 * The store's tables as Kysely sees them, for typed queries on either database. They follow the
 * migrations in src/store/migrations.ts (the schema's one description); add a table or column
 * here when a migration adds it. Booleans are INTEGER 0/1 and JSON is TEXT on both databases.
 */
import type { Generated } from 'kysely';

export interface SitesTable {
  id: Generated<number>;
  origin: string;
  name: string | null;
  created_at: string;
}

export interface RunsTable {
  id: Generated<number>;
  site_id: number;
  start_url: string;
  started_at: string;
  finished_at: string | null;
  status: 'running' | 'complete' | 'failed';
  error: string | null;
  today: string;
  summary_json: string | null;
  report_dir: string | null;
  /** The process that runs it and its last sign of life (migration 8); NULL for runs stored before. */
  pid: number | null;
  host: string | null;
  heartbeat_at: string | null;
}

export interface PagesTable {
  run_id: number;
  url: string;
  final_url: string | null;
  status: number | null;
  depth: number | null;
  title: string | null;
  charset: string | null;
  timing_ms: number | null;
  bytes: number | null;
  published_at: string | null;
}

export interface LinksTable {
  run_id: number;
  url: string;
  state: string;
  status: number | null;
  error: string | null;
  final_url: string | null;
  internal: number;
  is_page: number;
  kinds: string | null;
  referrers: Generated<number>;
  redirects_json: string | null;
}

export interface EdgesTable {
  run_id: number;
  from_url: string;
  to_url: string;
  kind: string;
  text: string | null;
  /** The order the run stored them in (migration 8); NULL never for rows written since. */
  seq: number | null;
}

export interface FindingsTable {
  run_id: number;
  id: string;
  audit: string;
  rule: string;
  severity: string;
  url: string;
  message: string;
  fingerprint: string;
  division: string | null;
  refs_json: string;
  evidence_json: string;
  deduction: number | null;
  seq: number | null;
}

export interface AuditDataTable {
  run_id: number;
  audit: string;
  status: string;
  reason: string | null;
  data_json: string | null;
  seq: number | null;
}

export interface PageCacheTable {
  id: Generated<number>;
  site_id: number;
  url: string;
  etag: string | null;
  last_modified: string | null;
  body_hash: string;
  format: string;
  seen_run: number;
  artifact: Buffer;
}

export interface Tables {
  sites: SitesTable;
  runs: RunsTable;
  pages: PagesTable;
  links: LinksTable;
  edges: EdgesTable;
  findings: FindingsTable;
  audit_data: AuditDataTable;
  page_cache: PageCacheTable;
}
