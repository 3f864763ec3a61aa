/**
 * Bidi controls from a page (a title with U+202E) cannot reorder what people read: the HTML
 * report, the dashboard and the extension's panel show each as a visible [U+202E] marker; the
 * data (report.json) keeps the text as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHTML } from 'linkedom';
import { startServer as startSite, type TestServer } from './helpers/http-server.ts';
import { parseConfig } from '../src/config/load.ts';
import { auditSite, type AuditSiteResult } from '../src/run/audit-site.ts';
import { BIDI_CONTROLS, showBidiControls } from '../src/report/bidi.ts';
import { esc } from '../src/report/escape.ts';
import { startServer, type RunningServer } from '../src/server/serve.ts';
import { createToken } from '../src/server/tokens.ts';
import { openDb } from '../src/store/db.ts';
import { ticketContext } from '../src/tickets/context.ts';
import { createTicket } from '../src/tickets/service.ts';
import { h } from '../src/extension/ui/dom.ts';

const ALL = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C'];
const TITLE = '通知公告\u202Egpj.exe';
const RAW = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/;
const dir = mkdtempSync(join(tmpdir(), 'zc-bidi-'));
const config = parseConfig({ today: '2026-12-04', ipv6: { enabled: false }, browser: { enabled: false }, crawl: { retries: 0 } });
let site: TestServer;
let res: AuditSiteResult;
let srv: RunningServer;
let admin: string;
let ticketNumber: string;

beforeAll(async () => {
  site = await startSite({
    '/': `<html lang="zh-CN"><head><title>${TITLE}</title></head><body><a href="/a.html">栏目\u2067甲\u2069</a><a href="/gone.html">失效\u202E链接</a></body></html>`,
    '/a.html': '<html><title>甲\u200F</title></html>',
  });
  const dbFile = join(dir, 'z.db');
  res = await auditSite({ startUrl: site.url + '/', config, db: dbFile, outDir: join(dir, 'report') });
  const db = openDb(dbFile);
  admin = createToken(db, { name: '管理员', role: 'admin' }).token;
  // As the extension files it: the page's document.title and a reporter's text.
  ticketNumber = createTicket(db, ticketContext(config), { source: 'import', category: '错别字', description: '标题里有\u202E反转\u202C字符', pageUrl: site.url + '/', evidence: { pageTitle: TITLE, selector: '#t\u202Eitle' }, receivedAt: new Date('2026-12-01T02:00:00Z') }, { name: '导入' }).ticket.number;
  db.close();
  srv = await startServer({ db: dbFile, config, host: '127.0.0.1', port: 0, notify: false, cwd: dir, log: () => {} });
}, 60_000);
afterAll(async () => {
  await srv?.close();
  await site?.close();
});

describe('the marker', () => {
  it('every override, embedding, isolate and mark becomes [U+XXXX]; other text is untouched', () => {
    for (const c of ALL) expect(showBidiControls(`a${c}b`)).toBe(`a[U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]b`);
    expect(showBidiControls('中文 English עברית')).toBe('中文 English עברית');
    expect(ALL.join('').replace(BIDI_CONTROLS, '')).toBe('');
  });
  it('esc: escaped and marked, in text and attributes', () => {
    expect(esc('<b>\u202Ex')).toBe('&lt;b&gt;[U+202E]x');
  });
});

describe('an audited page whose title holds U+202E', () => {
  it('the HTML report shows the title with the marker and holds no raw bidi control', () => {
    const page = readFileSync(res.files!.html, 'utf8');
    expect(page).not.toMatch(RAW);
    expect(page).toContain('通知公告[U+202E]gpj.exe');
    expect(page).toContain('失效[U+202E]链接');
  });
  it('report.json keeps the title as the page had it (data, not display)', () => {
    const json = JSON.parse(readFileSync(res.files!.json, 'utf8')) as { pages?: { url: string; title: string }[] };
    expect(res.artifacts.pages.find((p) => p.url === site.url + '/')?.title).toBe(TITLE);
    expect(JSON.stringify(json)).toContain('\u202E');
  });
  it('the dashboard (tickets, a ticket, runs, the stored report) holds no raw bidi control', async () => {
    const login = await fetch(srv.url + '/login', { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${admin}&next=/tickets` });
    expect(login.status).toBe(303);
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    const get = async (path: string) => {
      const r = await fetch(srv.url + path, { headers: { cookie } });
      expect(r.status, path).toBe(200);
      return r.text();
    };
    const ticket = await get(`/tickets/${ticketNumber}`);
    expect(ticket).toContain('标题里有[U+202E]反转[U+202C]字符');
    expect(ticket).toContain('通知公告[U+202E]gpj.exe');
    expect(ticket).not.toMatch(RAW);
    for (const path of ['/tickets', '/runs', `/runs/${res.runId}/report`]) expect(await get(path), path).not.toMatch(RAW);
  });
});

describe('the extension panel', () => {
  it('text children and the attributes people read show the marker; a form value stays exact', () => {
    const { document } = parseHTML('<!doctype html><html><body></body></html>');
    const el = h(document, 'p', { title: TITLE, 'data-x': TITLE }, '链接文字\u2067甲', h(document, 'input', { value: TITLE }));
    expect(el.textContent).toBe('链接文字[U+2067]甲');
    expect(el.getAttribute('title')).toBe('通知公告[U+202E]gpj.exe');
    expect(el.getAttribute('data-x')).toBe(TITLE);
    expect((el.querySelector('input') as HTMLInputElement).value).toBe(TITLE);
  });
});
