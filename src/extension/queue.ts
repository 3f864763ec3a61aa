/**
 * The outbox: nothing a staff member reports is lost.
 *
 * A report is written to storage.local first, then sent. The server's answer decides:
 *  - 2xx: filed; the item moves to the "recently filed" list with its ticket number (its
 *    screenshot is dropped).
 *  - no answer (offline, refused, timeout), 408/425/429 or 5xx: kept as pending and sent again
 *    later with exponential backoff (30 s, 1 min, 2 min … capped at 30 min, ±20 %), woken by
 *    an alarm — alarms and storage survive the service worker's sleep and browser restarts.
 *  - any other 4xx (bad token, invalid input, too large, origin not allowed): kept as rejected
 *    with the server's message for the user to edit or send again; never retried on its own.
 *
 * Exactly once: every report carries a client key (its id) that the server's intake dedupes
 * on (per token), so a report whose answer was lost and that is sent again files no second
 * ticket; inside one worker, an item being sent is not sent again concurrently; writes to the
 * list are serialised.
 */
import { browser } from 'wxt/browser';
import type { IntakeInput } from '../server/inputs.ts';
import { checkIntake, newClientKey, toIntake, type Draft } from './draft.ts';
import { loadSettings, type Settings } from './settings.ts';

export const OUTBOX_KEY = 'outbox';
export const SENT_KEY = 'outboxSent';
export const OUTBOX_ALARM = 'zhaocuo-outbox';
const KEEP_SENT = 20;

export type OutboxStatus = 'pending' | 'rejected';

export interface OutboxItem {
  /** Also the idempotency key sent as clientKey. */
  id: string;
  draft: Draft;
  createdAt: number;
  attempts: number;
  status: OutboxStatus;
  /** When a pending item is sent next (ms since epoch). */
  nextAttemptAt: number | null;
  lastAttemptAt?: number;
  /** HTTP status of the last answer (0: no answer). */
  lastStatus?: number;
  lastError?: string;
  details?: string[];
}

export interface SentItem {
  id: string;
  ticketNumber: string;
  ticketId: number | null;
  serverUrl: string;
  pageUrl: string;
  category: string;
  description: string;
  sentAt: number;
  /** True when the server answered with the ticket filed by an earlier send of the same report. */
  replayed: boolean;
}

export type SubmitOutcome =
  | { state: 'sent'; id: string; ticketNumber: string; ticketId: number | null; replayed: boolean }
  | { state: 'queued'; id: string; error: string; nextAttemptAt: number; waiting: number }
  | { state: 'rejected'; id: string; status: number; error: string; details: string[] };

/** What one POST came to. */
export type SendResult =
  | { kind: 'ok'; status: number; ticketNumber: string; ticketId: number | null; replayed: boolean }
  | { kind: 'retry'; status: number; error: string }
  | { kind: 'rejected'; status: number; error: string; details: string[] };

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal }) => Promise<Response>;

export interface OutboxOptions {
  fetch?: FetchLike;
  now?: () => number;
  random?: () => number;
  settings?: () => Promise<Settings>;
  /** Per request, ms (default 30 s: a screenshot on a slow line). */
  timeoutMs?: number;
}

const BASE_MS = 30_000;
const CAP_MS = 30 * 60_000;
/** Statuses worth trying again later. */
const RETRY_4XX = new Set([408, 425, 429]);

/** Delay before attempt n+1 after n failed attempts: 30 s · 2^(n−1), capped at 30 min, ±20 %. */
export function backoffMs(failedAttempts: number, random: () => number = Math.random): number {
  const n = Math.max(1, failedAttempts);
  const base = Math.min(CAP_MS, BASE_MS * 2 ** (n - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

export function isRetryable(status: number): boolean {
  return status === 0 || status >= 500 || RETRY_4XX.has(status);
}

/** POSTs a body to the intake endpoint and classifies the answer. Never throws. */
export async function postIntake(settings: Pick<Settings, 'serverUrl' | 'token'>, body: IntakeInput, fetchImpl: FetchLike, timeoutMs = 30_000): Promise<SendResult> {
  if (!settings.serverUrl || !settings.token) return { kind: 'rejected', status: 0, error: '设置中没有填写服务器地址或令牌（no server URL or token in the settings）', details: [] };
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  let res: Response;
  try {
    res = await fetchImpl(`${settings.serverUrl}/api/intake`, {
      method: 'POST',
      headers: { authorization: `Bearer ${settings.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: ctl.signal,
    });
  } catch (err) {
    const e = err as Error;
    return { kind: 'retry', status: 0, error: e.name === 'AbortError' ? `服务器在 ${Math.round(timeoutMs / 1000)} 秒内没有应答（no answer）` : `无法连接服务器（server not reachable: ${e.message}）` };
  } finally {
    clearTimeout(timer);
  }
  let json: Record<string, unknown> = {};
  try {
    json = (await res.json()) as Record<string, unknown>;
  } catch {
    /* not JSON: a proxy's error page */
  }
  if (res.ok) {
    const number = typeof json.number === 'string' ? json.number : '';
    if (!number) return { kind: 'retry', status: res.status, error: '服务器的回应中没有工单编号（the answer has no ticket number）' };
    return { kind: 'ok', status: res.status, ticketNumber: number, ticketId: typeof json.id === 'number' ? json.id : null, replayed: res.status === 200 };
  }
  const error = typeof json.error === 'string' ? json.error : `HTTP ${res.status}`;
  if (isRetryable(res.status)) return { kind: 'retry', status: res.status, error };
  return { kind: 'rejected', status: res.status, error, details: Array.isArray(json.details) ? json.details.map(String) : [] };
}

export class Outbox {
  private readonly fetch: FetchLike;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly settings: () => Promise<Settings>;
  private readonly timeoutMs: number;
  /** Serialises read-modify-write of the lists. */
  private lock: Promise<unknown> = Promise.resolve();
  /** Items being sent by this worker. */
  private readonly inFlight = new Set<string>();

  constructor(o: OutboxOptions = {}) {
    this.fetch = o.fetch ?? ((url, init) => globalThis.fetch(url, init));
    this.now = o.now ?? Date.now;
    this.random = o.random ?? Math.random;
    this.settings = o.settings ?? loadSettings;
    this.timeoutMs = o.timeoutMs ?? 30_000;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  async list(): Promise<OutboxItem[]> {
    const got = (await browser.storage.local.get(OUTBOX_KEY)) as Record<string, OutboxItem[] | undefined>;
    return got[OUTBOX_KEY] ?? [];
  }

  async sent(): Promise<SentItem[]> {
    const got = (await browser.storage.local.get(SENT_KEY)) as Record<string, SentItem[] | undefined>;
    return got[SENT_KEY] ?? [];
  }

  async get(id: string): Promise<OutboxItem | null> {
    return (await this.list()).find((i) => i.id === id) ?? null;
  }

  private async write(items: OutboxItem[]): Promise<void> {
    await browser.storage.local.set({ [OUTBOX_KEY]: items });
  }

  private update(id: string, fn: (item: OutboxItem | undefined, items: OutboxItem[]) => OutboxItem[]): Promise<OutboxItem[]> {
    return this.exclusive(async () => {
      const items = await this.list();
      const next = fn(items.find((i) => i.id === id), items);
      await this.write(next);
      return next;
    });
  }

  /**
   * Files a draft: stored first, then sent once right away. A draft with an id (edited after a
   * refusal) keeps its id, so it stays one report.
   */
  async submit(draft: Draft): Promise<SubmitOutcome> {
    const id = draft.id ?? newClientKey();
    const body = toIntake({ ...draft, id }, id);
    const problems = checkIntake(body);
    if (problems.length) {
      // Refused before sending, as the server would; kept for editing like a 400.
      await this.store({ ...draft, id }, 'rejected', { lastStatus: 400, lastError: 'invalid report', details: problems });
      return { state: 'rejected', id, status: 400, error: '报告内容有误（invalid report）', details: problems };
    }
    await this.store({ ...draft, id }, 'pending', {});
    return this.sendOne(id);
  }

  private async store(draft: Draft & { id: string }, status: OutboxStatus, extra: Partial<OutboxItem>): Promise<void> {
    await this.update(draft.id, (existing, items) => {
      const item: OutboxItem = {
        id: draft.id,
        draft,
        createdAt: existing?.createdAt ?? this.now(),
        attempts: existing?.attempts ?? 0,
        status,
        nextAttemptAt: status === 'pending' ? this.now() : null,
        ...extra,
      };
      if (status === 'pending') {
        delete item.details;
        delete item.lastError;
      }
      return existing ? items.map((i) => (i.id === draft.id ? item : i)) : [...items, item];
    });
  }

  /** Sends one stored item now (whatever its schedule) and records the outcome. */
  async sendOne(id: string): Promise<SubmitOutcome> {
    if (this.inFlight.has(id)) {
      const item = await this.get(id);
      return { state: 'queued', id, error: '正在发送（being sent）', nextAttemptAt: item?.nextAttemptAt ?? this.now(), waiting: (await this.list()).filter((i) => i.status === 'pending').length };
    }
    const item = await this.get(id);
    if (!item) throw new Error(`no report ${id} in the outbox`);
    this.inFlight.add(id);
    try {
      const settings = await this.settings();
      const result = await postIntake(settings, toIntake(item.draft, id), this.fetch, this.timeoutMs);
      return await this.record(id, result, settings.serverUrl);
    } finally {
      this.inFlight.delete(id);
    }
  }

  private async record(id: string, r: SendResult, serverUrl: string): Promise<SubmitOutcome> {
    const at = this.now();
    if (r.kind === 'ok') {
      let sentItem: SentItem | undefined;
      await this.update(id, (item, items) => {
        if (item) {
          sentItem = {
            id, ticketNumber: r.ticketNumber, ticketId: r.ticketId, serverUrl, pageUrl: item.draft.pageUrl, category: item.draft.category,
            description: item.draft.description.slice(0, 200), sentAt: at, replayed: r.replayed,
          };
        }
        return items.filter((i) => i.id !== id);
      });
      if (sentItem) {
        const s = sentItem;
        await this.exclusive(async () => {
          const list = (await this.sent()).filter((x) => x.id !== s.id);
          await browser.storage.local.set({ [SENT_KEY]: [s, ...list].slice(0, KEEP_SENT) });
        });
      }
      await this.arm();
      return { state: 'sent', id, ticketNumber: r.ticketNumber, ticketId: r.ticketId, replayed: r.replayed };
    }
    if (r.kind === 'retry') {
      let next = at;
      const items = await this.update(id, (item, all) =>
        all.map((i) => {
          if (i.id !== id) return i;
          const attempts = i.attempts + 1;
          next = at + backoffMs(attempts, this.random);
          return { ...i, attempts, status: 'pending' as const, lastAttemptAt: at, lastStatus: r.status, lastError: r.error, nextAttemptAt: next };
        }),
      );
      await this.arm();
      return { state: 'queued', id, error: r.error, nextAttemptAt: next, waiting: items.filter((i) => i.status === 'pending').length };
    }
    await this.update(id, (item, all) =>
      all.map((i) => (i.id === id ? { ...i, attempts: i.attempts + 1, status: 'rejected' as const, lastAttemptAt: at, lastStatus: r.status, lastError: r.error, details: r.details, nextAttemptAt: null } : i)),
    );
    await this.arm();
    return { state: 'rejected', id, status: r.status, error: r.error, details: r.details };
  }

  /** Sends every pending item that is due (all pending ones with `all`), oldest first. */
  async flush(o: { all?: boolean } = {}): Promise<{ sent: number; failed: number; rejected: number }> {
    const now = this.now();
    const due = (await this.list())
      .filter((i) => i.status === 'pending' && (o.all || (i.nextAttemptAt ?? 0) <= now))
      .sort((a, b) => a.createdAt - b.createdAt);
    const out = { sent: 0, failed: 0, rejected: 0 };
    for (const item of due) {
      const r = await this.sendOne(item.id);
      if (r.state === 'sent') out.sent++;
      else if (r.state === 'rejected') out.rejected++;
      else {
        out.failed++;
        // The server is down: the rest would fail too; they keep their own schedule.
        if (!o.all) break;
      }
    }
    await this.arm();
    return out;
  }

  /** A rejected item sent again as it is (the user fixed the token or the server config). */
  async retry(id: string): Promise<SubmitOutcome> {
    await this.update(id, (item, all) => all.map((i) => (i.id === id ? { ...i, status: 'pending' as const, nextAttemptAt: this.now() } : i)));
    return this.sendOne(id);
  }

  async remove(id: string): Promise<boolean> {
    let removed = false;
    await this.update(id, (item, all) => {
      removed = Boolean(item);
      return all.filter((i) => i.id !== id);
    });
    await this.arm();
    return removed;
  }

  /** The alarm at the earliest pending item's time (none when nothing waits). */
  async arm(): Promise<void> {
    const pending = (await this.list()).filter((i) => i.status === 'pending' && i.nextAttemptAt !== null);
    if (!pending.length) {
      await browser.alarms.clear(OUTBOX_ALARM);
      return;
    }
    const when = Math.max(this.now() + 1000, Math.min(...pending.map((i) => i.nextAttemptAt!)));
    await browser.alarms.create(OUTBOX_ALARM, { when });
  }

  /**
   * After the browser (re)started or the extension was installed or updated: everything that
   * waits is tried now (the network has likely changed), then the alarm is re-armed.
   */
  async resume(): Promise<{ sent: number; failed: number; rejected: number }> {
    return this.flush({ all: true });
  }

  /** The alarms.onAlarm listener. */
  async onAlarm(alarm: { name: string }): Promise<void> {
    if (alarm.name === OUTBOX_ALARM) await this.flush();
  }
}
