/**
 * The league table of a tag (`zhaocuo report --tag 福建省`) and the dashboard's sites view, over
 * one real SQLite file with registered sites audited for real on loopback: five small sites
 * tagged 福建省 (one fixed between two runs, two tied on score where one has an overdue 找错
 * ticket, one with a 严重表述错误 — a veto item — and the best score, one never audited), one
 * tagged 广东省 (audited without a report folder), and a site that is not registered whose only
 * run failed. The ranking, the columns, the HTML (hostile names escaped, no sideways scroll at
 * 390 px in Chromium) and the xlsx read back with exceljs; a tag without sites names the known
 * tags. The sites view in the same Chromium: league order, sorting by a column both ways,
 * filtering by a tag, the link to each site's report, 390 px.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ExcelJS from 'exceljs';
import puppeteer, { type Browser } from 'puppeteer-core';
import { startServer, type TestServer } from './helpers/http-server.ts';
import { startServer as startZhaocuo, type RunningServer } from '../src/server/serve.ts';
import { createToken } from '../src/server/tokens.ts';
import { beginRun, failRun } from '../src/store/runs.ts';
import { parseConfig } from '../src/config/load.ts';
import { main } from '../src/cli/index.ts';
import { auditSite } from '../src/run/audit-site.ts';
import { listRegistered, upsertSites } from '../src/sites/registry.ts';
import type { SiteEntry } from '../src/sites/schema.ts';
import { openDb, type DB } from '../src/store/db.ts';
import { ticketContext } from '../src/tickets/context.ts';
import { createTicket } from '../src/tickets/service.ts';
import { listTickets } from '../src/tickets/store.ts';
import { leagueOf, leagueSheetName, LEAGUE_COLUMNS } from '../src/report/league.ts';
import { formatLocal } from '../src/tickets/zoned.ts';

const CHROME = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const HOSTILE_SPONSOR = '<img src=x onerror="window.__pwned=1">丁市人民政府办公室';
const doc = (title: string, body = '') => `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;
/** A small portal: a dated news item (the homepage counts as updated), and `broken` dead links on the homepage. */
function portal(broken: number, extra = ''): Record<string, string> {
  const dead = Array.from({ length: broken }, (_, i) => `<a href="/gone-${i}.html">旧链接${i}</a>`).join('');
  return {
    '/': doc('首页', `<ul><li><a href="/news.html">关于召开渔业工作会议的通知</a><span>2026-11-19</span></li></ul>${dead}${extra}`),
    '/news.html': doc('通知', '<p>2026-11-19 发布</p><p>会议定于下周召开。</p>'),
  };
}

let dir: string;
let dbPath: string;
let db: DB;
const servers: TestServer[] = [];
const url: Record<string, string> = {};
let fixable: Record<string, string>;
let browser: Browser;
let zc: RunningServer;
let adminToken: string;
const serverLog: string[] = [];
let failedOrigin: string;

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const w1 = process.stdout.write.bind(process.stdout);
  const w2 = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
  try {
    const code = await main(['node', 'zhaocuo', ...args]);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = w1;
    process.stderr.write = w2;
    process.exitCode = undefined;
  }
}

async function audit(name: string, today: string, withReport = true) {
  // The interaction and 办事服务 audits off: a two-page portal has no message board or services,
  // which would veto every site; these sites differ by broken links and wording only.
  const config = parseConfig({
    // as the scheduler runs a registered site: under its registered name
    today, site: { name: listRegistered(db).find((x) => x.url === url[name])!.name }, browser: { enabled: false }, crawl: { robots: false, sitemap: false }, ipv6: { enabled: false },
    audits: { interaction: { enabled: false }, 'service-guides': { enabled: false } },
  });
  const r = await auditSite({ startUrl: url[name], config, db: dbPath, outDir: withReport ? join(dir, 'runs', name, today) : null });
  expect(r.runId).not.toBeNull();
  return r;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zc-league-'));
  dbPath = join(dir, 'zhaocuo.db');
  fixable = portal(2);
  const routes: Record<string, Record<string, string>> = {
    甲局: fixable,
    乙局: portal(1),
    丙局: portal(1),
    丁局: portal(0, '<p>台湾政府发布消息</p>'),
    粤局: portal(0),
  };
  for (const [name, r] of Object.entries(routes)) {
    const s = await startServer(r);
    servers.push(s);
    url[name] = s.url + '/';
  }
  url['戊局'] = 'http://127.0.0.1:9/'; // registered, never audited
  db = openDb(dbPath);
  const fj = { province: '福建省' };
  const entries: SiteEntry[] = [
    { url: url['甲局'], name: '福建省甲局', sponsor: '福建省甲局', tags: { ...fj, department: '甲局' }, config: {}, enabled: true },
    { url: url['乙局'], name: '福建省乙局', sponsor: '福建省乙局', tags: fj, config: {}, enabled: true },
    { url: url['丙局'], name: '福建省丙局', tags: { ...fj, city: '福州市' }, config: {}, enabled: true },
    { url: url['丁局'], name: '丁市<script>alert(1)</script>门户', sponsor: HOSTILE_SPONSOR, tags: { ...fj, city: '丁市' }, config: {}, enabled: true },
    { url: url['戊局'], name: '福建省戊局', sponsor: '福建省戊局', tags: fj, config: {}, enabled: true },
    { url: url['粤局'], name: '广东省粤局', tags: { province: '广东省' }, config: {}, enabled: true },
  ];
  upsertSites(db, entries);
  // 甲局: two runs, its dead links fixed in between.
  await audit('甲局', '2026-11-19');
  delete fixable['/gone-0.html'];
  fixable['/gone-0.html'] = doc('恢复', '<p>已恢复</p>');
  fixable['/gone-1.html'] = doc('恢复', '<p>已恢复</p>');
  await audit('甲局', '2026-11-20');
  for (const n of ['乙局', '丙局', '丁局']) await audit(n, '2026-11-20');
  await audit('粤局', '2026-11-20', false); // --out none: the dashboard renders its report from the store
  // A site nobody registered, whose only run failed.
  failedOrigin = 'http://127.0.0.3:9';
  failRun(db, beginRun(db, failedOrigin, failedOrigin + '/', '2026-11-20'), '无法连接：ECONNREFUSED');
  // 丙局: a ticket imported from the national platform in February, never answered: long overdue.
  createTicket(db, ticketContext(parseConfig({})), { source: 'import', category: '信息不更新', description: '栏目长期未更新', pageUrl: url['丙局'] + 'news.html', receivedAt: new Date('2026-02-13T02:00:00Z') }, { name: '导入' });
  adminToken = createToken(db, { name: '李四', role: 'admin' }).token;
  zc = await startZhaocuo({ db: dbPath, config: parseConfig({}), host: '127.0.0.1', port: 0, notify: false, log: (l) => serverLog.push(l) });
  browser = await puppeteer.launch({
    executablePath: CHROME,
    headless: true,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1 , EXCLUDE ::1'],
  });
}, 300_000); // six real audits and a browser launch, on a machine that may be loaded

afterAll(async () => {
  await browser?.close();
  await zc?.close();
  db?.close();
  for (const s of servers) await s.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const runsOf = (name: string) => db.prepare("SELECT r.id, r.finished_at AS at FROM runs r JOIN sites s ON s.id = r.site_id WHERE s.origin = ? AND r.status = 'complete' ORDER BY r.id").all(new URL(url[name]).origin) as { id: number; at: string }[];
const verdictOf = (runId: number) => JSON.parse((db.prepare("SELECT data_json FROM audit_data WHERE run_id = ? AND audit = 'verdict'").get(runId) as { data_json: string }).data_json) as { score: number; verdict: string; vetoes: { item: string; hit: boolean }[] };

describe('the league table of a tag', () => {
  it('the audits gave what the ranking is about', () => {
    const score = (n: string) => verdictOf(runsOf(n).at(-1)!.id).score;
    // one dead homepage link costs a point: 乙局 and 丙局 tie; 甲局 lost two before its fix
    expect(score('乙局')).toBe(score('丙局'));
    expect(score('甲局')).toBe(score('乙局') + 1);
    expect(verdictOf(runsOf('甲局')[0].id).score).toBe(score('甲局') - 2);
    expect(score('丁局')).toBe(score('甲局'));
    expect(verdictOf(runsOf('丁局')[0].id).vetoes.filter((v) => v.hit).map((v) => v.item)).toEqual(['严重问题']);
    expect(verdictOf(runsOf('乙局')[0].id).vetoes.filter((v) => v.hit)).toEqual([]);
  });

  it('ranks by score, ties by fewer overdue tickets, the veto site last and flagged, the unaudited one unranked', () => {
    const l = leagueOf(db, '福建省');
    expect(l.rows.map((r) => [r.rank, r.name, r.verdict])).toEqual([
      [1, '福建省甲局', '合格'],
      [2, '福建省乙局', '合格'],
      [3, '福建省丙局', '合格'],
      [4, '丁市<script>alert(1)</script>门户', '单项否决'],
      [null, '福建省戊局', '未检查'],
    ]);
    expect(l.counts).toEqual({ sites: 5, ranked: 4, vetoed: 1, unchecked: 1 });
    const [jia, yi, bing, ding, wu] = l.rows;
    expect(jia).toMatchObject({ score: verdictOf(runsOf('甲局')[1].id).score, broken: 0, overdue: 0, sponsor: '福建省甲局', vetoes: [] });
    expect(yi).toMatchObject({ broken: 1, overdue: 0 });
    expect(bing).toMatchObject({ broken: 1, overdue: 1, sponsor: '' });
    expect(ding).toMatchObject({ vetoes: ['严重问题'], broken: 0, overdue: 0 });
    expect(wu).toMatchObject({ score: null, broken: null, lastCheck: '', runId: null });
    // 上次检查: the newest complete run's end, Beijing time
    expect(jia.lastCheck).toBe(formatLocal(runsOf('甲局')[1].at, 'Asia/Shanghai'));
    expect(jia.runId).toBe(runsOf('甲局')[1].id);
    // overdue as the ticket list counts it
    const overdue = listTickets(db, { site: new URL(url['丙局']).origin, overdue: true }, { now: new Date(), timezone: 'Asia/Shanghai' }).total;
    expect(overdue).toBe(1);
  });

  it('a city tag ranks its sites only; a tag no site carries names the known tags', () => {
    expect(leagueOf(db, '福州市').rows.map((r) => r.name)).toEqual(['福建省丙局']);
    expect(() => leagueOf(db, '浙江省')).toThrow(/没有带标签“浙江省”的已登记网站。已有的标签：福建省、广东省、丁市、福州市、甲局/);
  });

  it('zhaocuo report --tag writes league.html and league.xlsx; the xlsx reads back', async () => {
    const out = join(dir, 'league');
    const r = await cli('report', '--tag', '福建省', '--db', dbPath, '-o', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/福建省：5 个网站，参与排名 4 个，单项否决 1 个，未检查 1 个/);
    expect(r.out).toMatch(/1 {2}福建省甲局/);
    expect(existsSync(join(out, 'league.html'))).toBe(true);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(out, 'league.xlsx'));
    const ws = wb.getWorksheet(leagueSheetName('福建省'))!;
    expect(ws).toBeDefined();
    const rows: unknown[][] = [];
    ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows[0]).toEqual(LEAGUE_COLUMNS.map((c) => c.header));
    expect(rows[0]).toEqual(['排名', '网站名称', '主办单位', '得分', '结论', '单项否决项', '断链数', '逾期工单', '上次检查（北京时间）']);
    const l = leagueOf(db, '福建省');
    expect(rows.slice(1).map((x) => [x[0], x[1], x[3], x[4], x[5], x[6], x[7]])).toEqual(
      l.rows.map((x) => [x.rank ?? '', x.name, x.score ?? '', x.verdict, x.vetoes.join('、'), x.broken ?? '', x.overdue]),
    );
    // header row frozen, filters on, the veto verdict in red (the house style)
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.autoFilter).toBeTruthy();
    expect(ws.getRow(5).getCell(5).font?.color?.argb).toBe('FFB91C1C');
    expect(String(ws.getRow(5).getCell(3).value)).toBe(HOSTILE_SPONSOR);
  });

  it('the HTML escapes the names and fits a 390 px phone in Chromium', async () => {
    const file = join(dir, 'league', 'league.html');
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('<script>alert(1)');
    expect(text).toContain('丁市&lt;script&gt;alert(1)&lt;/script&gt;门户');
    expect(text).not.toContain('<img src=x');
    const page = await browser.newPage();
    try {
      for (const width of [390, 1280]) {
        await page.setViewport({ width, height: 800 });
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
        const fit = await page.evaluate(() => ({ scroll: document.scrollingElement!.scrollWidth, inner: window.innerWidth }));
        expect(fit.scroll, `width ${width}`).toBeLessThanOrEqual(fit.inner);
      }
      // at 390 px a row is a card: every cell labelled by its column
      await page.setViewport({ width: 390, height: 800 });
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      const card = (sel: string) =>
        page.$eval(sel, (tr) => ({
          thead: getComputedStyle(document.querySelector('#league thead')!).display,
          cells: [...tr.querySelectorAll('td')].map((td) => ({ label: getComputedStyle(td, '::before').content, text: (td as HTMLElement).innerText, left: td.getBoundingClientRect().left })),
        }));
      const first = await card('#league tbody tr');
      expect(first.thead).toBe('none');
      expect(first.cells.map((c) => c.label)).toEqual(LEAGUE_COLUMNS.map((c) => JSON.stringify(`${c.header}：`)));
      expect(new Set(first.cells.map((c) => Math.round(c.left))).size).toBe(1); // one under the other
      expect(first.cells.slice(0, 2).map((c) => c.text)).toEqual(['1', '福建省甲局']);
      const ding = await card('#league tbody tr.veto');
      expect(ding.cells[1].text).toBe('丁市<script>alert(1)</script>门户');
      expect(ding.cells[5].text).toBe('严重问题');
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    } finally {
      await page.close();
    }
  }, 90_000); // Chromium takes seconds a page on a loaded machine

  it('bad uses say what to fix', async () => {
    const none = await cli('report', '--tag', '浙江省', '--db', dbPath, '-o', join(dir, 'x'));
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/^zhaocuo: 没有带标签“浙江省”的已登记网站。已有的标签：福建省/);
    expect(existsSync(join(dir, 'x'))).toBe(false);
    const both = await cli('report', '--tag', '福建省', '--site', url['甲局'], '--db', dbPath);
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/--tag 与 --site/);
    const pdf = await cli('report', '--tag', '福建省', '--format', 'pdf', '--db', dbPath);
    expect(pdf.code).toBe(2);
    expect(pdf.err).toMatch(/html,xlsx,json/);
  });
});

describe('the dashboard’s sites view', () => {
  let page: import('puppeteer-core').Page;
  const cells = (key: string) => page.$$eval(`#sites tbody td[data-label="${key}"]`, (tds) => tds.map((td) => (td as HTMLElement).innerText.trim()));
  const names = () => page.$$eval('#sites tbody tr', (trs) => trs.map((tr) => (tr.querySelector('td[data-label="网站名称"] b') as HTMLElement).innerText));
  async function go(selector: string) {
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
  }

  beforeAll(async () => {
    page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(zc.url + '/sites');
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.type('input[name=token]', adminToken);
    await go('form[action="/login"] button');
  }, 60_000);
  afterAll(() => page?.close());

  it('lists every registered site and every site with runs, in the league order', async () => {
    expect(new URL(page.url()).pathname).toBe('/sites');
    const n = await names();
    // 甲局 and 粤局 tie (same score, no overdue ticket): both first
    expect(n.slice(0, 5)).toEqual(['福建省甲局', '广东省粤局', '福建省乙局', '福建省丙局', '丁市<script>alert(1)</script>门户']);
    expect(new Set(n.slice(5))).toEqual(new Set(['福建省戊局', '127.0.0.3:9']));
    expect((await cells('排名')).slice(0, 5)).toEqual(['1', '1', '3', '4', '5']);
    expect((await cells('结论')).slice(0, 5)).toEqual(['合格', '合格', '合格', '合格', '单项否决']);
    expect(await cells('逾期工单')).toEqual(['0', '0', '0', '1', '0', '0', '0']);
    // the open tickets as the store has them (the audits filed tickets for the dead links)
    const open = (name: string) => (db.prepare('SELECT count(*) AS n FROM tickets t JOIN sites s ON s.id = t.site_id WHERE s.origin = ? AND t.closed_at IS NULL').get(new URL(url[name]).origin) as { n: number }).n;
    expect((await cells('未办结工单')).slice(0, 4)).toEqual(['甲局', '粤局', '乙局', '丙局'].map((x) => String(open(x))));
    const row = (i: number) => page.$$eval('#sites tbody tr', (trs, i) => (trs[i] as HTMLElement).innerText, i);
    // 甲局: score up by two points since its first run (the dead links fixed)
    expect(await page.$eval('#sites tbody tr:first-child td[data-label="趋势"]', (td) => (td as HTMLElement).innerText.trim())).toBe('↑ +2');
    expect(await page.$eval('#sites tbody tr:first-child td[data-label="上次检查（北京时间）"] time', (t) => t.textContent)).toBe(formatLocal(runsOf('甲局')[1].at, 'Asia/Shanghai'));
    expect((await cells('趋势'))[2]).toBe('—'); // 乙局 has one run
    const failed = await row(6).then(async (t) => (t.includes('127.0.0.3:9') ? t : row(5)));
    expect(failed).toMatch(/未登记/);
    expect(failed).toMatch(/之后的运行 #\d+ 失败/);
    expect(failed).toMatch(/未检查/);
    // the hostile name and sponsor are text
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.$('#sites tbody script, #sites tbody img')).toBeNull();
    expect(await page.$eval('header', (h) => (h as HTMLElement).innerText)).toContain('网站');
  }, 60_000);

  it('sorts by a column, and the other way round on a second click', async () => {
    const scores = async () => (await cells('得分')).map((x) => (x === '—' ? null : Number(x)));
    await go('#sites th[data-key="score"] a');
    expect(new URL(page.url()).searchParams.get('sort')).toBe('score');
    const desc = await scores();
    const shown = desc.filter((x): x is number => x !== null);
    expect(shown).toEqual([...shown].sort((a, b) => b - a));
    expect(desc.slice(shown.length)).toEqual([null, null]); // sites without a score last
    expect(await page.$eval('#sites th[data-key="score"]', (th) => th.getAttribute('aria-sort'))).toBe('descending');
    await go('#sites th[data-key="score"] a');
    expect(new URL(page.url()).searchParams.get('dir')).toBe('asc');
    const asc = await scores();
    expect(asc.filter((x) => x !== null)).toEqual([...shown].sort((a, b) => a - b));
    expect(asc.slice(-2)).toEqual([null, null]);
    await go('#sites th[data-key="name"] a');
    const n = await names();
    expect(n).toEqual([...n].sort(new Intl.Collator('zh-CN').compare));
  }, 60_000);

  it('filters by a tag (the ranks are the league table’s), keeping the sort', async () => {
    await page.goto(zc.url + '/sites');
    const chips = await page.$$eval('#tags a', (as) => as.map((a) => (a as HTMLElement).innerText));
    expect(chips).toEqual(['全部', '福建省', '广东省', '丁市', '福州市', '甲局']);
    await go('#tags a:nth-child(2)');
    expect(new URL(page.url()).searchParams.get('tag')).toBe('福建省');
    const league = leagueOf(db, '福建省').rows;
    expect(await names()).toEqual(league.map((r) => r.name));
    expect(await cells('排名')).toEqual(league.map((r) => String(r.rank ?? '—')));
    expect(await page.$eval('#tags a.on', (a) => (a as HTMLElement).innerText)).toBe('福建省');
    await go('#sites th[data-key="overdue"] a');
    expect(new URL(page.url()).searchParams.get('tag')).toBe('福建省');
    expect((await names())[0]).toBe('福建省丙局');
    await go('#tags a:nth-child(5)');
    expect(await names()).toEqual(['福建省丙局']);
    expect(new URL(page.url()).searchParams.get('sort')).toBe('overdue');
  }, 60_000);

  it('one click opens the site’s newest report: its own file, or rendered from the store', async () => {
    await page.goto(zc.url + '/sites');
    await go('#sites tbody tr:first-child a.report');
    expect(new URL(page.url()).pathname).toBe(`/runs/${runsOf('甲局')[1].id}/report`);
    expect(await page.title()).toContain('福建省甲局');
    expect(await page.$eval('#verdict .verdict', (e) => (e as HTMLElement).innerText)).toMatch(new RegExp(`合格\\s+${verdictOf(runsOf('甲局')[1].id).score} 分`));
    await page.goto(zc.url + '/sites');
    await go('#sites tbody tr:nth-child(2) a.report');
    expect(new URL(page.url()).pathname).toBe(`/runs/${runsOf('粤局')[0].id}/report`);
    expect(await page.title()).toContain('广东省粤局');
    expect(await page.$eval('#verdict .verdict', (e) => (e as HTMLElement).innerText)).toMatch(/合格/);
  }, 60_000);

  it('fits a 390 px phone: nothing runs off the page', async () => {
    await page.setViewport({ width: 390, height: 844 });
    for (const path of ['/sites', '/sites?tag=%E7%A6%8F%E5%BB%BA%E7%9C%81', '/sites?sort=score']) {
      await page.goto(zc.url + path);
      const fit = await page.evaluate(() => ({ scroll: document.scrollingElement!.scrollWidth, inner: window.innerWidth }));
      expect(fit.scroll, path).toBeLessThanOrEqual(fit.inner);
    }
    // the headers are still there to sort by: a row of chips above the cards
    expect(await page.$eval('#sites thead', (t) => getComputedStyle(t).display)).toBe('block');
    await go('#sites th[data-key="name"] a');
    expect(new URL(page.url()).searchParams.get('sort')).toBe('name');
    await page.setViewport({ width: 1280, height: 900 });
  }, 60_000);

  it('a bad sort column is a clear error; /api/sites gives the same standings', async () => {
    const res = await page.goto(zc.url + '/sites?sort=bogus');
    expect(res!.status()).toBe(400);
    expect(await page.$eval('main', (m) => (m as HTMLElement).innerText)).toMatch(/排序列无效，应为 rank、name/);
    const api = await fetch(zc.url + '/api/sites?tag=' + encodeURIComponent('福建省'), { headers: { authorization: `Bearer ${adminToken}` } });
    expect(api.status).toBe(200);
    const body = (await api.json()) as { tags: string[]; items: { name: string; rank: number | null; verdict: string; trend: { trend: string; delta: number } | null; reportUrl: string | null }[] };
    expect(body.items.map((i) => [i.rank, i.name, i.verdict])).toEqual(leagueOf(db, '福建省').rows.map((r) => [r.rank, r.name, r.verdict]));
    expect(body.items[0].trend).toEqual({ trend: 'up', delta: 2 });
    expect(body.items[0].reportUrl).toBe(`/api/runs/${runsOf('甲局')[1].id}/report`);
    expect(body.tags).toContain('广东省');
    expect((await fetch(zc.url + '/api/sites?sort=bogus', { headers: { authorization: `Bearer ${adminToken}` } })).status).toBe(400);
    expect(serverLog.filter((l) => l.startsWith('error'))).toEqual([]);
  }, 60_000);
});
