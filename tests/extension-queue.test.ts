/**
 * The outbox (src/extension/queue.ts) over WXT's fake browser (storage.local, alarms) against a
 * real `zhaocuo serve` on loopback with a temp SQLite db: a report goes out at once when the
 * server answers; offline, 5xx and 429 keep it with exponential backoff on an alarm; a new
 * Outbox over the same storage (a restarted worker or browser) sends it; a lost answer does not
 * file a second ticket (the clientKey); 4xx keeps it for editing and never retries on its own.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { parseConfig } from '../src/config/load.ts';
import type { Draft } from '../src/extension/draft.ts';
import { backoffMs, isRetryable, Outbox, OUTBOX_ALARM, type FetchLike } from '../src/extension/queue.ts';
import { DEFAULT_SETTINGS, type Settings } from '../src/extension/settings.ts';
import { startServer, type RunningServer } from '../src/server/serve.ts';
import { createToken } from '../src/server/tokens.ts';
import { openDb } from '../src/store/db.ts';

const dir = mkdtempSync(join(tmpdir(), 'zc-ext-queue-'));
let srv: RunningServer;
let token: string;
let down: string; // a closed port: connection refused
let flaky: http.Server;
let flakyUrl: string;
let flakyStatus = 503;

const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

beforeAll(async () => {
  const dbFile = join(dir, 'q.db');
  const db = openDb(dbFile);
  token = createToken(db, { name: '张三', role: 'reporter' }).token;
  db.close();
  srv = await startServer({ db: dbFile, config: parseConfig({}), host: '127.0.0.1', port: 0, notify: false, log: () => {} });
  // A port that was just free: nothing listens there.
  const probe = http.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  down = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise<void>((r) => probe.close(() => r()));
  flaky = http.createServer((req, res) => {
    req.resume();
    res.writeHead(flakyStatus, { 'content-type': 'application/json', ...(flakyStatus === 429 ? { 'retry-after': '1' } : {}) });
    res.end(JSON.stringify({ error: flakyStatus === 429 ? 'slow down' : 'database is locked' }));
  });
  await new Promise<void>((r) => flaky.listen(0, '127.0.0.1', r));
  flakyUrl = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await srv?.close();
  await new Promise<void>((r) => (flaky ? flaky.close(() => r()) : r()));
});
beforeEach(() => fakeBrowser.reset());

function draft(over: Partial<Draft> = {}): Draft {
  return {
    pageUrl: 'https://hyj.example.gov.cn/zwgk/1.html', pageTitle: '通知公告', selector: 'div.list > a[href="/zwgk/1.html"]', snippet: '联系人手机 13812345678',
    screenshot: PNG, includeScreenshot: true, category: '错别字', description: '“海洋”写成了“海羊”', viewport: '1280×720 @1x', browser: 'Chrome 156', ...over,
  };
}

/** A clock the test moves, settings the test changes, and the fetch the test may break. */
function rig(o: { server?: () => string; token?: () => string; fetch?: FetchLike } = {}) {
  const clock = { now: 1_800_000_000_000 };
  const settings = (): Promise<Settings> => Promise.resolve({ ...DEFAULT_SETTINGS, serverUrl: o.server?.() ?? srv.url, token: o.token?.() ?? token, name: '张三' });
  const outbox = () => new Outbox({ now: () => clock.now, random: () => 0.5, settings, fetch: o.fetch, timeoutMs: 5000 });
  return { clock, outbox };
}

const ticketsWithKey = (key: string) => srv.db.prepare("SELECT number, evidence_json FROM tickets WHERE source = 'extension' AND external_id LIKE ?").all(`%:${key}`) as { number: string; evidence_json: string }[];

describe('backoff', () => {
  it('doubles from 30 s, caps at 30 min, jitters ±20 %', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => backoffMs(n, mid))).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_800_000, 1_800_000, 1_800_000]);
    expect(backoffMs(1, () => 0)).toBe(24_000);
    expect(backoffMs(1, () => 1)).toBe(36_000);
  });
  it('retries no answer, 5xx, 408, 425 and 429; nothing else', () => {
    expect([0, 500, 502, 503, 504, 408, 425, 429].every(isRetryable)).toBe(true);
    expect([400, 401, 403, 404, 409, 413, 415, 422].some(isRetryable)).toBe(false);
  });
});

describe('outbox', () => {
  it('sends at once when the server answers: a ticket with selector, masked snippet and screenshot; nothing waits', async () => {
    const { outbox } = rig();
    const ob = outbox();
    const r = await ob.submit(draft());
    expect(r.state).toBe('sent');
    if (r.state !== 'sent') return;
    expect(r.ticketNumber).toMatch(/^ZC-\d{4}-\d{6}$/);
    expect(r.replayed).toBe(false);
    const rows = ticketsWithKey(r.id);
    expect(rows).toHaveLength(1);
    const ev = JSON.parse(rows[0].evidence_json);
    expect(ev).toMatchObject({ selector: 'div.list > a[href="/zwgk/1.html"]', snippet: '联系人手机 138****5678', viewport: '1280×720 @1x', browser: 'Chrome 156' });
    const shot = srv.db.prepare("SELECT b.mime FROM ticket_blobs b JOIN tickets t ON t.id = b.ticket_id WHERE t.number = ?").get(r.ticketNumber) as { mime: string };
    expect(shot.mime).toBe('image/png');
    expect(await ob.list()).toEqual([]);
    expect((await ob.sent())[0]).toMatchObject({ id: r.id, ticketNumber: r.ticketNumber, serverUrl: srv.url });
    expect(await fakeBrowser.alarms.get(OUTBOX_ALARM)).toBeUndefined();
  });

  it('offline: kept, retried on the alarm with backoff, sent once when the server is back', async () => {
    let server = down;
    const { clock, outbox } = rig({ server: () => server });
    const ob = outbox();
    const r = await ob.submit(draft({ description: '离线时报告的问题' }));
    expect(r.state).toBe('queued');
    if (r.state !== 'queued') return;
    expect(r.error).toMatch(/^无法连接服务器/);
    expect(r.nextAttemptAt).toBe(clock.now + 30_000);
    expect((await fakeBrowser.alarms.get(OUTBOX_ALARM))?.scheduledTime).toBe(clock.now + 30_000);
    let [item] = await ob.list();
    expect(item).toMatchObject({ id: r.id, status: 'pending', attempts: 1, lastStatus: 0 });

    // The background's listener; an alarm before the item is due sends nothing.
    fakeBrowser.alarms.onAlarm.addListener((a) => ob.onAlarm(a));
    clock.now += 10_000;
    await fakeBrowser.alarms.onAlarm.trigger({ name: OUTBOX_ALARM, scheduledTime: clock.now });
    expect((await ob.list())[0].attempts).toBe(1);

    // Due, still offline: the next wait doubles.
    clock.now += 20_000;
    await fakeBrowser.alarms.onAlarm.trigger({ name: OUTBOX_ALARM, scheduledTime: clock.now });
    [item] = await ob.list();
    expect(item.attempts).toBe(2);
    expect(item.nextAttemptAt).toBe(clock.now + 60_000);
    expect((await fakeBrowser.alarms.get(OUTBOX_ALARM))?.scheduledTime).toBe(clock.now + 60_000);

    // The server is back; the alarm fires.
    server = srv.url;
    clock.now += 60_000;
    await fakeBrowser.alarms.onAlarm.trigger({ name: OUTBOX_ALARM, scheduledTime: clock.now });
    expect(await ob.list()).toEqual([]);
    expect(ticketsWithKey(r.id)).toHaveLength(1);
    expect(await fakeBrowser.alarms.get(OUTBOX_ALARM)).toBeUndefined();
    // Another alarm or flush finds nothing to send.
    await ob.flush({ all: true });
    expect(ticketsWithKey(r.id)).toHaveLength(1);
  });

  it('5xx and 429 are kept and retried; the server message is shown', async () => {
    let server = flakyUrl;
    const { clock, outbox } = rig({ server: () => server });
    const ob = outbox();
    flakyStatus = 503;
    const r = await ob.submit(draft());
    expect(r).toMatchObject({ state: 'queued', error: 'database is locked' });
    expect((await ob.list())[0]).toMatchObject({ lastStatus: 503, status: 'pending' });
    flakyStatus = 429;
    clock.now += 30_000;
    await ob.flush();
    expect((await ob.list())[0]).toMatchObject({ lastStatus: 429, status: 'pending', attempts: 2 });
    server = srv.url;
    clock.now += 60_000;
    expect(await ob.flush()).toEqual({ sent: 1, failed: 0, rejected: 0 });
    expect(ticketsWithKey(r.id)).toHaveLength(1);
  });

  it('survives a restart: a new Outbox over the same storage sends what the old one kept', async () => {
    let server = down;
    const { outbox } = rig({ server: () => server });
    const before = outbox();
    const a = await before.submit(draft({ description: '重启前 1' }));
    const b = await before.submit(draft({ description: '重启前 2' }));
    expect([a.state, b.state]).toEqual(['queued', 'queued']);
    expect(await before.list()).toHaveLength(2);

    // The browser restarts: nothing in memory survives, storage does.
    server = srv.url;
    const after = outbox();
    expect((await after.list()).map((i) => i.draft.description)).toEqual(['重启前 1', '重启前 2']);
    expect(await after.resume()).toEqual({ sent: 2, failed: 0, rejected: 0 });
    expect(ticketsWithKey(a.id)).toHaveLength(1);
    expect(ticketsWithKey(b.id)).toHaveLength(1);
    expect((await after.sent()).map((s) => s.id).sort()).toEqual([a.id, b.id].sort());
    expect(await after.resume()).toEqual({ sent: 0, failed: 0, rejected: 0 });
  });

  it('exactly once: the answer lost after the server filed the ticket, the resend gets the same ticket', async () => {
    let lose = true;
    const losing: FetchLike = async (url, init) => {
      const res = await fetch(url, init);
      if (lose) {
        lose = false;
        await res.arrayBuffer();
        throw new TypeError('network error (connection reset)');
      }
      return res;
    };
    const { clock, outbox } = rig({ fetch: losing });
    const ob = outbox();
    const r = await ob.submit(draft({ description: '回应丢失' }));
    expect(r.state).toBe('queued');
    expect(ticketsWithKey(r.id)).toHaveLength(1); // the server has it already
    clock.now += 30_000;
    const res = await ob.sendOne(r.id);
    expect(res).toMatchObject({ state: 'sent', replayed: true });
    expect(ticketsWithKey(r.id)).toHaveLength(1);
    if (res.state === 'sent') expect(res.ticketNumber).toBe(ticketsWithKey(r.id)[0].number);
  });

  it('two flushes at once send an item once', async () => {
    let server = down;
    const { outbox } = rig({ server: () => server });
    const ob = outbox();
    const r = await ob.submit(draft({ description: '并发发送' }));
    server = srv.url;
    await Promise.all([ob.flush({ all: true }), ob.flush({ all: true }), ob.sendOne(r.id)]);
    expect(ticketsWithKey(r.id)).toHaveLength(1);
    expect(await ob.list()).toEqual([]);
  });

  it('4xx (bad token) is kept for the user, never retried on its own; sent again after the fix', async () => {
    let tok = 'zc_' + 'x'.repeat(43);
    const { clock, outbox } = rig({ token: () => tok });
    const ob = outbox();
    const r = await ob.submit(draft({ description: '令牌错误' }));
    expect(r).toMatchObject({ state: 'rejected', status: 401, error: '令牌无效或已被吊销，请向管理员重新申请（unknown or revoked token）' });
    expect((await ob.list())[0]).toMatchObject({ status: 'rejected', nextAttemptAt: null, lastStatus: 401 });
    expect(await fakeBrowser.alarms.get(OUTBOX_ALARM)).toBeUndefined();
    clock.now += 3_600_000;
    expect(await ob.flush({ all: true })).toEqual({ sent: 0, failed: 0, rejected: 0 });
    expect(ticketsWithKey(r.id)).toHaveLength(0);

    tok = token;
    const again = await ob.retry(r.id);
    expect(again.state).toBe('sent');
    expect(ticketsWithKey(r.id)).toHaveLength(1);
  });

  it('invalid input is refused before sending, with the server schema’s words, and edited under the same key', async () => {
    const { outbox } = rig();
    const ob = outbox();
    const r = await ob.submit(draft({ description: '   ', pageUrl: 'ftp://x' }));
    expect(r.state).toBe('rejected');
    if (r.state !== 'rejected') return;
    expect(r.status).toBe(400);
    expect(r.details).toEqual(['description：不能为空（must not be empty）']);
    expect(ticketsWithKey(r.id)).toHaveLength(0);
    const [kept] = await ob.list();
    expect(kept).toMatchObject({ id: r.id, status: 'rejected' });

    // Edited (the form keeps the id) and submitted again: one report, one ticket.
    const fixed = await ob.submit({ ...kept.draft, id: r.id, description: '改好的描述' });
    expect(fixed).toMatchObject({ state: 'sent', id: r.id });
    expect(ticketsWithKey(r.id)).toHaveLength(1);
    expect(await ob.list()).toEqual([]);
  });

  it('a server refusing the body (413 screenshot too large) is kept with its message', async () => {
    const big = 'data:image/png;base64,' + Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(3.2 * 1024 * 1024)]).toString('base64');
    const { outbox } = rig();
    const ob = outbox();
    const r = await ob.submit(draft({ screenshot: big }));
    expect(r).toMatchObject({ state: 'rejected', status: 413 });
    // Without the screenshot it goes through.
    const kept = (await ob.list())[0];
    const again = await ob.submit({ ...kept.draft, id: kept.id, includeScreenshot: false });
    expect(again.state).toBe('sent');
  });
});
