/**
 * npm run bench:fleet — distributed mode on one machine. Serves 200 generated small sites of
 * different sizes on loopback (tests/helpers/tiny-sites.ts; one shared "external" site they all link to), registers them in
 * a fresh SQLite store with a slot that is due now, and audits them all:
 *   - through Redis (BullMQ) with 1, 2 and 4 `zhaocuo worker` processes (--concurrency C each);
 *   - with the embedded scheduler (`zhaocuo schedule --once --max-parallel C`), no Redis;
 *   - with 2 workers, one SIGKILLed when half the sites are done: every site must still end
 *     with exactly one complete run.
 * Audits are `--no-browser` (browser.enabled false): 200 sites × Chromium would not fit in a
 * reasonable time on 2 cores; without the IPv6 pass, the search probe and the spider view
 * (fixed seconds per site); the figures are for the crawl, link checks, audits, store and report.
 * Prints sites/hour, pages/s, peak RSS per worker and the scaling against 1 worker.
 * `--db postgres` (or `sqlite,postgres`: each run on each) puts the store in a PostgreSQL this
 * bench starts (tests/helpers/postgres-server.ts: loopback, fsync off) instead of a SQLite file.
 *   npm run bench:fleet -- --sites 200 --concurrency 2 --workers 1,2,4 [--db sqlite,postgres]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { startExternal, startTinySite, type TinySite } from '../tests/helpers/tiny-sites.ts';
import { openDb, type DB } from '../src/store/db.ts';
import { upsertSites } from '../src/sites/registry.ts';
import type { SiteEntry } from '../src/sites/schema.ts';
import { DEFAULT_POLICY } from '../src/sites/due.ts';
import { INTERRUPTED } from '../src/sites/lock.ts';
import { enqueueDue, siteQueue } from '../src/distributed/queue.ts';
import { KEY_PREFIX } from '../src/distributed/worker.ts';
import { startRedis } from '../tests/helpers/redis-server.ts';
import { startPostgres, type LocalPostgres } from '../tests/helpers/postgres-server.ts';
import { raw } from '../src/store/store.ts';
import { sql } from 'kysely';
import { BIN, ensureCliBuilt } from './cli-built.ts';

const { values } = parseArgs({
  options: {
    sites: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '2' },
    workers: { type: 'string', default: '1,2,4' },
    'skip-embedded': { type: 'boolean', default: false },
    'skip-kill': { type: 'boolean', default: false },
    db: { type: 'string', default: 'sqlite' },
  },
});
type StoreKind = 'sqlite' | 'postgres';
const STORES = values.db!.split(',').map((k) => k.trim()) as StoreKind[];
for (const k of STORES) if (k !== 'sqlite' && k !== 'postgres') throw new Error(`--db takes sqlite, postgres or both (sqlite,postgres), not ${k}`);
const STORE_NAME: Record<StoreKind, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };
const SITES = Number(values.sites);
const C = Number(values.concurrency);
ensureCliBuilt();
const SIZES = [10, 20, 40, 80]; // HTML pages per site
const dir = mkdtempSync(join(tmpdir(), 'zhaocuo-bench-fleet-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The search-box probe and the as-a-search-engine fetches cost seconds per site whatever its
// size (tries of search URLs, spider user agents): on 10-page loopback sites they would be most
// of the time measured, so they are off here, as the browser and IPv6 passes are.
writeFileSync(
  join(dir, 'zhaocuo.config.json'),
  JSON.stringify({ today: '2026-11-20', crawl: { robots: false }, browser: { enabled: false }, ipv6: { enabled: false }, audits: { search: { enabled: false }, integrity: { options: { spiderCheck: false } } } }),
);

console.log(`serving ${SITES} small sites (${SIZES.join('/')} pages) …`);
const external = await startExternal();
const portals: TinySite[] = [];
for (let i = 0; i < SITES; i++) portals.push(await startTinySite(i + 1, SIZES[i % SIZES.length], external.url));
const redis = await startRedis();
const pg: LocalPostgres | null = STORES.includes('postgres') ? await startPostgres() : null;
const children = new Set<ChildProcess>();
process.on('exit', () => { for (const c of children) c.kill('SIGKILL'); });

let dbNo = 0;
/** A fresh store (a SQLite file or a PostgreSQL database) with every portal registered and due now (a daily slot an hour ago, Beijing time). */
async function freshStore(name: string, kind: StoreKind): Promise<{ db: DB; file: string; url: string }> {
  const file = kind === 'postgres' ? await pg!.createDatabase(`${name.replace(/-/g, '_')}_${dbNo + 1}`) : join(dir, `${name}.db`);
  const db = openDb(file);
  const bj = new Date(Date.now() - 3600_000 + 8 * 3600_000);
  const cron = `${bj.getUTCMinutes()} ${bj.getUTCHours()} * * *`;
  const entries: SiteEntry[] = portals.map((p, i) => ({ url: p.url + '/', name: `站点${i + 1}`, schedule: cron, tags: {}, config: {}, enabled: true }));
  upsertSites(db, entries, new Date(Date.now() - 2 * 3600_000));
  return { db, file, url: `${redis.url}/${++dbNo}` };
}

function spawnZ(args: string[]): { proc: ChildProcess; out: () => string; exited: Promise<number | null> } {
  // The bin itself, as users run it (its #! line sets malloc's thresholds).
  const proc = spawn(BIN, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(proc);
  let out = '';
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => proc.once('exit', (c) => (children.delete(proc), r(c))));
  return { proc, out: () => out, exited };
}

function peakRssMb(pid: number): number {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+)/);
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

interface Figures {
  label: string;
  seconds: number;
  sites: number;
  pages: number;
  peakMb: number[];
  extra?: string;
}

/** Sites with a complete run, and the store's own wall time (first start to last finish). */
function measure(db: DB): { sites: number; pages: number; seconds: number; multi: number } {
  const r = db.get(raw<{ sites: number; t0: string; t1: string }>(db, sql`SELECT count(DISTINCT site_id) AS sites, min(started_at) AS t0, max(finished_at) AS t1 FROM runs WHERE status = 'complete'`))!;
  const pages = db.get(raw<{ n: number }>(db, sql`SELECT count(*) AS n FROM pages WHERE run_id IN (SELECT id FROM runs WHERE status = 'complete')`))!.n;
  const multi = db.get(raw<{ n: number }>(db, sql`SELECT count(*) AS n FROM (SELECT site_id FROM runs WHERE status = 'complete' GROUP BY site_id HAVING count(*) > 1) m`))!.n;
  return { sites: Number(r.sites), pages: Number(pages), seconds: r.t0 ? (Date.parse(r.t1) - Date.parse(r.t0)) / 1000 : 0, multi: Number(multi) };
}

async function waitAllComplete(db: DB, onProgress?: (done: number) => void): Promise<void> {
  for (let last = -1; ; ) {
    const done = measure(db).sites;
    if (done !== last) onProgress?.(done);
    last = done;
    if (done >= SITES) return;
    await sleep(500);
  }
}

async function enqueueAll(db: DB, url: string): Promise<number> {
  const conn = new Redis(url, { maxRetriesPerRequest: null });
  const q = siteQueue(conn, KEY_PREFIX);
  const out = await enqueueDue(db, q, new Date(), DEFAULT_POLICY);
  await q.close();
  conn.disconnect();
  return out.filter((e) => e.added).length;
}

async function startWorkers(url: string, file: string, n: number, extra: string[] = []) {
  const ws = Array.from({ length: n }, () => spawnZ(['worker', '--redis', url, '--db', file, '--concurrency', String(C), ...extra]));
  for (const w of ws) while (!/已连接/.test(w.out())) {
    if (w.proc.exitCode !== null) throw new Error(`worker exited: ${w.out()}`);
    await sleep(100);
  }
  return ws;
}

async function fleet(n: number, kind: StoreKind): Promise<Figures> {
  const s = await freshStore(`workers-${n}`, kind);
  const ws = await startWorkers(s.url, s.file, n);
  const added = await enqueueAll(s.db, s.url);
  if (added !== SITES) throw new Error(`enqueued ${added} of ${SITES}`);
  await waitAllComplete(s.db);
  const peakMb = ws.map((w) => peakRssMb(w.proc.pid!));
  for (const w of ws) w.proc.kill('SIGTERM');
  await Promise.all(ws.map((w) => w.exited));
  const m = measure(s.db);
  s.db.close();
  return { label: `${n} worker${n > 1 ? 's' : ''} × ${C}${STORES.length > 1 || kind !== 'sqlite' ? `, ${STORE_NAME[kind]}` : ''}`, seconds: m.seconds, sites: m.sites, pages: m.pages, peakMb };
}

async function embedded(kind: StoreKind): Promise<Figures> {
  const s = await freshStore('embedded', kind);
  const z = spawnZ(['schedule', '--once', '--db', s.file, '--max-parallel', String(C)]);
  let peak = 0;
  const t = setInterval(() => (peak = Math.max(peak, peakRssMb(z.proc.pid!))), 500);
  await z.exited;
  clearInterval(t);
  const m = measure(s.db);
  s.db.close();
  return { label: `embedded schedule --max-parallel ${C}${STORES.length > 1 || kind !== 'sqlite' ? `, ${STORE_NAME[kind]}` : ''}`, seconds: m.seconds, sites: m.sites, pages: m.pages, peakMb: [peak] };
}

async function killOne(kind: StoreKind): Promise<Figures & { ok: boolean }> {
  const s = await freshStore('kill', kind);
  const ws = await startWorkers(s.url, s.file, 2, ['--stalled-after', '5']);
  await enqueueAll(s.db, s.url);
  let killed = false;
  await waitAllComplete(s.db, (done) => {
    if (!killed && done >= SITES / 2) {
      killed = true;
      ws[0].proc.kill('SIGKILL');
      console.log(`  SIGKILLed worker pid ${ws[0].proc.pid} with ${done}/${SITES} sites done`);
    }
  });
  const peakMb = [peakRssMb(ws[1].proc.pid!)];
  ws[1].proc.kill('SIGTERM');
  await Promise.all(ws.map((w) => w.exited));
  const m = measure(s.db);
  const interrupted = Number(s.db.get(raw<{ n: number }>(s.db, sql`SELECT count(*) AS n FROM runs WHERE status = 'failed' AND error = ${INTERRUPTED}`))!.n);
  const otherFailed = Number(s.db.get(raw<{ n: number }>(s.db, sql`SELECT count(*) AS n FROM runs WHERE status = 'failed' AND (error IS NULL OR error <> ${INTERRUPTED})`))!.n);
  s.db.close();
  const ok = m.sites === SITES && m.multi === 0;
  return { label: `2 workers, one SIGKILLed halfway${STORES.length > 1 || kind !== 'sqlite' ? `, ${STORE_NAME[kind]}` : ''}`, seconds: m.seconds, sites: m.sites, pages: m.pages, peakMb, ok, extra: `${interrupted} half runs marked interrupted, ${otherFailed} other failed runs, ${m.multi} sites with more than one complete run → ${ok ? 'every site exactly one complete run' : 'NOT every site exactly one complete run'}` };
}

const results: Figures[] = [];
console.log(`${cpus().length} cores, load average ${loadavg()[0].toFixed(1)}; ${SITES} sites, --no-browser, concurrency ${C} per worker, store ${STORES.map((k) => STORE_NAME[k]).join(' and ')}`);
for (const n of values.workers!.split(',').map(Number)) {
  for (const kind of STORES) {
    const f = await fleet(n, kind);
    results.push(f);
    console.log(`  ${f.label}: ${f.seconds.toFixed(1)} s (load ${loadavg()[0].toFixed(1)})`);
  }
}
for (const kind of STORES) if (!values['skip-embedded']) results.push(await embedded(kind));
let kill: (Figures & { ok: boolean }) | undefined;
for (const kind of STORES) {
  if (values['skip-kill']) break;
  const k = await killOne(kind);
  results.push(k);
  if (!kill || !k.ok) kill = k;
}

const base = results[0];
console.log('\n| run | wall (s) | sites | sites/hour | pages | pages/s | peak RSS per worker (MB) | vs 1 worker |');
console.log('|---|---|---|---|---|---|---|---|');
for (const f of results) {
  const sph = (f.sites / f.seconds) * 3600;
  console.log(`| ${f.label} | ${f.seconds.toFixed(1)} | ${f.sites} | ${Math.round(sph).toLocaleString('en')} | ${f.pages.toLocaleString('en')} | ${(f.pages / f.seconds).toFixed(0)} | ${f.peakMb.join(', ')} | ${(base.seconds / f.seconds).toFixed(2)}× |`);
}
for (const f of results) if (f.extra) console.log(`\n${f.label}: ${f.extra}`);
const best = results.filter((f) => !f.extra).reduce((a, b) => (a.sites / a.seconds > b.sites / b.seconds ? a : b));
const sph = (best.sites / best.seconds) * 3600;
const avgPages = best.pages / best.sites;
console.log(`\nBest rate on this machine: ${best.label}, ${Math.round(sph)} sites/hour (${avgPages.toFixed(0)} pages a site), ${(best.pages / best.seconds).toFixed(0)} pages/s.`);
for (const hours of [4, 8]) console.log(`  14,000 sites in ${hours} h at that rate: ${Math.ceil(14000 / (sph * hours))} machine(s) like this one (loopback sites of this size).`);
console.log(`load average at the end: ${loadavg()[0].toFixed(1)}`);

await Promise.all([...portals.map((p) => p.close()), external.close()]);
await redis.close();
await pg?.close();
rmSync(dir, { recursive: true, force: true });
process.exit(kill && !kill.ok ? 1 : 0);
