/**
 * The dashboard in real headless Chromium (puppeteer-core, system Chromium): log in with a
 * token, file a ticket with a screenshot (its description carries a <script> that must stay
 * text), change its status, reply, and see the overdue list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { parseConfig } from '../src/config/load.ts';
import { startServer, type RunningServer } from '../src/server/serve.ts';
import { createToken } from '../src/server/tokens.ts';
import { openDb } from '../src/store/db.ts';
import { ticketContext } from '../src/tickets/context.ts';
import { createTicket } from '../src/tickets/service.ts';

const CHROME = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const dir = mkdtempSync(join(tmpdir(), 'zc-dash-'));
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const EVIL = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">“海洋”写成“海羊”';

let srv: RunningServer;
let browser: Browser;
let page: Page;
let handlerToken: string;
let overdueNumber: string;
const serverLog: string[] = [];
const config = parseConfig({ divisions: { default: '办公室', prefixes: { '/zwgk/': '法规处' } } });

beforeAll(async () => {
  const dbFile = join(dir, 'dash.db');
  const db = openDb(dbFile);
  handlerToken = createToken(db, { name: '张三', role: 'handler', division: '法规处' }).token;
  // received Fri 2026-02-13 → due Tue 2026-02-24 17:30: long overdue
  overdueNumber = createTicket(db, ticketContext(config), { source: 'import', category: '信息不更新', description: '通知公告栏目半年未更新', pageUrl: 'https://hyj.example.gov.cn/zwgk/tzgg/', receivedAt: new Date('2026-02-13T02:00:00Z') }, { name: '导入' }).ticket.number;
  db.close();
  writeFileSync(join(dir, 'shot.png'), PNG);
  srv = await startServer({ db: dbFile, config, host: '127.0.0.1', port: 0, notify: false, log: (l) => serverLog.push(l) });
  browser = await puppeteer.launch({
    executablePath: CHROME,
    headless: true,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1 , EXCLUDE ::1'],
  });
  page = await browser.newPage();
  page.setDefaultTimeout(10_000);
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await srv?.close();
});

async function submit(selector: string) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
}
const text = (sel: string) => page.$eval(sel, (e) => (e as HTMLElement).innerText);

describe('the dashboard in Chromium', () => {
  it('asks for a token, then shows the tickets of the division', async () => {
    await page.goto(srv.url + '/tickets');
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.type('input[name=token]', 'zc_wrongwrongwrongwrongwrongwrong');
    await submit('form[action="/login"] button');
    expect(await text('.error')).toMatch(/令牌无效/);
    await page.type('input[name=token]', handlerToken);
    await submit('form[action="/login"] button');
    expect(new URL(page.url()).pathname).toBe('/tickets');
    expect(await text('header')).toMatch(/张三（法规处）/);
    expect(await text('#tickets')).toContain(overdueNumber);
    const cookies = await browser.cookies();
    expect(cookies.find((c) => c.name === 'zc_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  });

  let number: string;
  it('files a ticket with a screenshot; the <script> in its description stays text', async () => {
    await page.goto(srv.url + '/tickets/new');
    await page.type('input[name=pageUrl]', 'https://hyj.example.gov.cn/zwgk/tzgg/202603/t1.html');
    await page.select('select[name=category]', '错别字');
    await page.type('textarea[name=description]', EVIL);
    await page.type('input[name=selector]', '#content p:nth-child(2)');
    const file = await page.$('input[type=file]');
    await file!.uploadFile(join(dir, 'shot.png'));
    await submit('#new-ticket button[type=submit]');
    number = (await text('h1')).split(' ')[0];
    expect(number).toMatch(/^ZC-\d{4}-\d{6}$/);
    expect(await text('#description')).toBe(EVIL);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.$('#description script, #description img')).toBeNull();
    const img = await page.waitForSelector('img.shot');
    await page.waitForFunction((el) => (el as HTMLImageElement).complete, {}, img);
    expect(await img!.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(1);
    expect(await text('dl.grid')).toMatch(/法规处/);
  });

  it('changes the status, refuses 已答复 without a reply, then replies and closes', async () => {
    await page.select('#status-form select[name=status]', '处理中');
    await submit('#status-form button');
    expect(await text('h1')).toContain('处理中');
    expect(await text('.ok')).toMatch(/状态已更新/);
    await page.select('#status-form select[name=status]', '已答复');
    await submit('#status-form button');
    expect(await text('.error')).toMatch(/^改为“已答复”需要答复内容/);
    expect(await text('h1')).toContain('处理中');
    // The reply form: 同时标记为已答复 is not ticked, and it asks whether the problem was fixed.
    expect(await page.$eval('#reply-form input[name=close]', (e) => (e as HTMLInputElement).checked)).toBe(false);
    expect(await text('#reply-form fieldset')).toContain('问题是否已整改');
    await page.type('#reply-form textarea[name=text]', '已更正错别字，感谢您的指正。');
    // Not answered: the browser keeps the form (a required choice), nothing is sent.
    expect(await page.$eval('#reply-form', (f) => (f as HTMLFormElement).checkValidity())).toBe(false);
    // 尚未整改 + 办结: refused, and says what to do instead.
    await page.click('#reply-form input[name=fixed][value=no]');
    await page.click('#reply-form input[name=close]');
    await submit('#reply-form button');
    expect(await text('.error')).toMatch(/问题尚未整改，不能标记为“已答复”办结/);
    expect(await text('h1')).toContain('处理中');
    // 已整改 + 办结: 处理中 → 已整改 → 已答复.
    await page.type('#reply-form textarea[name=text]', '已更正错别字，感谢您的指正。');
    await page.click('#reply-form input[name=fixed][value=yes]');
    await page.click('#reply-form input[name=close]');
    await submit('#reply-form button');
    expect(await text('h1')).toContain('已答复');
    expect(await text('.ok')).toMatch(/工单已办结/);
    const history = await text('#history');
    expect(history).toMatch(/张三（法规处）/);
    expect(history).toMatch(/状态：待处理 → 处理中/);
    expect(history).toMatch(/状态：处理中 → 已整改/);
    expect(history).toMatch(/状态：已整改 → 已答复/);
    // A closed ticket: the status field preselects nothing (no reopening by a stray 保存).
    expect(await page.$eval('#status-form select[name=status]', (e) => (e as HTMLSelectElement).value)).toBe('');
    expect(await page.$eval('#status-form', (f) => (f as HTMLFormElement).checkValidity())).toBe(false);
  });

  it('shows the overdue tickets', async () => {
    await page.goto(srv.url + '/tickets');
    await page.click('input[name=overdue]');
    await submit('form.filters button[type=submit]');
    expect(page.url()).toContain('overdue=1');
    const rows = await page.$$eval('#tickets tbody tr', (trs) => trs.map((tr) => (tr as HTMLElement).innerText));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(overdueNumber);
    expect(rows[0]).toContain('已超期');
    expect(rows[0]).toContain('2026-02-24 17:30');
    expect(await text('.cards')).toMatch(/1\s*已超期/);
  });

  it('names the zone and shows no raw ISO time: 北京时间 in the header and the time columns', async () => {
    await page.goto(srv.url + '/tickets');
    expect(await text('header')).toContain('时间均为北京时间');
    expect(await text('#tickets thead')).toMatch(/受理时间（北京时间）[\s\S]*办理时限（北京时间）/);
    expect(await text('#tickets thead')).toContain('级别');
    for (const path of ['/tickets', `/tickets/${encodeURIComponent(overdueNumber)}`, '/runs', '/stats']) {
      await page.goto(srv.url + path);
      expect(await text('body'), path).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    }
    await page.goto(srv.url + `/tickets/${encodeURIComponent(overdueNumber)}`);
    // received 2026-02-13T02:00Z = 10:00 in Beijing
    expect(await text('dl.grid')).toContain('2026-02-13 10:00 北京时间');
  });

  it('is usable 390 px wide: nothing runs off the right edge, the ticket list stacks', async () => {
    await page.setViewport({ width: 390, height: 844, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
    try {
      for (const path of ['/tickets', `/tickets/${encodeURIComponent(overdueNumber)}`, '/tickets/new', '/runs', '/stats']) {
        await page.goto(srv.url + path);
        const w = await page.evaluate(() => document.scrollingElement!.scrollWidth);
        expect(w, path).toBeLessThanOrEqual(390);
      }
      await page.goto(srv.url + '/tickets');
      const cell = await page.$eval('#tickets tbody tr td:nth-child(3)', (td) => ({ display: getComputedStyle(td).display, label: getComputedStyle(td, '::before').content }));
      expect(cell).toEqual({ display: 'block', label: '"问题类型："' });
    } finally {
      await page.setViewport({ width: 1280, height: 900 });
    }
  });

  it('转办 offers the configured divisions only, asks for confirmation, and says where the ticket went', async () => {
    await page.goto(srv.url + `/tickets/${encodeURIComponent(overdueNumber)}`);
    // A select of the configured divisions (not a text box); the ticket's own division is not offered.
    expect(await page.$('#division-form input[name=division]')).toBeNull();
    const options = await page.$$eval('#division-form select[name=division] option', (os) => os.map((o) => ({ v: (o as HTMLOptionElement).value, sel: (o as HTMLOptionElement).selected })));
    expect(options).toEqual([{ v: '', sel: true }, { v: '办公室', sel: false }]);
    await page.select('#division-form select[name=division]', '办公室');
    await page.type('#division-form textarea[name=note]', '属办公室栏目');
    await submit('#division-form button');
    // Step 2: what will happen; nothing changed yet.
    expect(await text('#confirm-division')).toMatch(new RegExp(`将工单 ${overdueNumber}（信息不更新）从 法规处 转办至 办公室`));
    expect(await text('#confirm-division')).toContain('转办后您将无法再查看或办理该工单');
    const other = await browser.newPage();
    await other.goto(srv.url + `/tickets/${encodeURIComponent(overdueNumber)}`);
    expect(await other.$eval('dl.grid', (e) => (e as HTMLElement).innerText)).toContain('法规处');
    await other.close();
    await submit('#confirm-division button');
    // The handler of 法规处 no longer sees it: the list says where it went.
    expect(new URL(page.url()).pathname).toBe(`/tickets/${encodeURIComponent(overdueNumber)}/division`);
    expect(await text('.ok')).toBe(`工单 ${overdueNumber} 已转办至办公室。`);
    expect(await text('#tickets')).not.toContain(overdueNumber);
  });

  it('the server logged no errors on the way', () => {
    expect(serverLog.filter((l) => l.startsWith('error'))).toEqual([]);
  });

  it('logs out', async () => {
    await submit('header form button');
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.goto(srv.url + '/tickets');
    expect(new URL(page.url()).pathname).toBe('/login');
  });
});
