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
  /** 1 while a complete run's tickets are not filed yet (migration 9). */
  tickets_pending: Generated<number>;
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

export interface ProbesTable {
  id: Generated<number>;
  origin: string;
  url: string;
  at: string;
  family: number;
  address: string | null;
  status: number | null;
  load_ms: number | null;
  error: string | null;
}

export interface TicketsTable {
  id: Generated<number>;
  number: string;
  site_id: number | null;
  page_url: string | null;
  category: string;
  description: string;
  evidence_json: Generated<string>;
  source: string;
  reporter: string | null;
  reporter_token_id: number | null;
  division: string;
  status: string;
  reject_reason: string | null;
  received_at: string;
  due_at: string | null;
  due_error: string | null;
  closed_at: string | null;
  reply: string | null;
  replied_at: string | null;
  external_id: string | null;
  fingerprint: string | null;
  audit: string | null;
  severity: string | null;
  first_run_id: number | null;
  last_seen_run_id: number | null;
  verified_run_id: number | null;
  verified_at: string | null;
  reopen_count: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface TicketNumbersTable {
  year: number;
  last: number;
}

export interface TicketHistoryTable {
  id: Generated<number>;
  ticket_id: number;
  at: string;
  actor: string;
  action: string;
  field: string | null;
  old_value: string | null;
  new_value: string | null;
  note: string | null;
  run_id: number | null;
}

export interface TicketBlobsTable {
  id: Generated<number>;
  ticket_id: number;
  kind: string;
  mime: string;
  sha256: string;
  size: number;
  bytes: Buffer;
  created_at: string;
}

export interface ApiTokensTable {
  id: Generated<number>;
  name: string;
  role: string;
  division: string | null;
  token_hash: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface SessionsTable {
  id_hash: string;
  token_id: number;
  csrf: string;
  created_at: string;
  expires_at: string;
}

export interface OutboxTable {
  id: Generated<number>;
  ticket_id: number | null;
  event: string;
  target: string;
  dedupe_key: string;
  body_json: string;
  status: 'pending' | 'sent' | 'dead';
  attempts: Generated<number>;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface SiteRegistryTable {
  site_id: number;
  start_url: string;
  name: string;
  sponsor: string | null;
  schedule: string | null;
  tags_json: Generated<string>;
  config_json: Generated<string>;
  enabled: Generated<number>;
  added_at: string;
  updated_at: string;
}

export interface SiteScheduleTable {
  site_id: number;
  slot_at: string | null;
  attempts: Generated<number>;
  status: 'running' | 'complete' | 'failed' | null;
  next_attempt_at: string | null;
  last_error: string | null;
  last_run_id: number | null;
  updated_at: string;
}

export interface SiteLocksTable {
  site_id: number;
  owner: string;
  host: string;
  pid: number;
  acquired_at: string;
  heartbeat_at: string;
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
  probes: ProbesTable;
  tickets: TicketsTable;
  ticket_numbers: TicketNumbersTable;
  ticket_history: TicketHistoryTable;
  ticket_blobs: TicketBlobsTable;
  api_tokens: ApiTokensTable;
  sessions: SessionsTable;
  outbox: OutboxTable;
  site_registry: SiteRegistryTable;
  site_schedule: SiteScheduleTable;
  site_locks: SiteLocksTable;
}
