/**
 * All Chinese where a user reads, on the dashboard (issue 14): the ticket list and ticket pages
 * of a real audit of the sample portal (tickets filed by the run) and of an extension report,
 * opened in headless Chromium. The visible text names checks and rules in Chinese (rule ids only
 * in the small grey 「规则」 field), holds no audit ids, English severities or English fragments,
 * gives every time in Beijing time with the zone named, shows evidence as 标签：值 fields (never
 * JSON), and fits a 390 px phone without running off the right edge. One browser for the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { buildReportFixture, type ReportFixture } from './report-fixture.ts';
import { leaks, overflow, pageText } from './helpers/visible-text.ts';
import { findBrowser } from '../src/gather/browser/find.ts';
import { BASE_ARGS, headlessMode } from '../src/gather/browser/flags.ts';
import { parseConfig } from '../src/config/load.ts';
import { startServer, type RunningServer } from '../src/server/serve.ts';
import { createToken } from '../src/server/tokens.ts';
import { ticketContext } from '../src/tickets/context.ts';
import { createTicket } from '../src/tickets/service.ts';
import { listTickets } from '../src/tickets/store.ts';
import type { Ticket } from '../src/tickets/model.ts';

let fx: ReportFixture;
let srv: RunningServer;
let browser: Browser;
let page: Page;
let tickets: Ticket[];
let extensionNumber: string;
const serverLog: string[] = [];

beforeAll(async () => {
  fx = await buildReportFixture({ ipv6: true, runs: 1 });
  const config = parseConfig({ divisions: { default: '办公室', prefixes: { '/zwgk/': '法规处', '/bsfw/': '审批处' } } });
  const admin = createToken(fx.db, { name: '李四', role: 'admin' }).token;
  extensionNumber = createTicket(
    fx.db,
    ticketContext(config),
    {
      source: 'extension',
      category: '错别字',
      description: '“海洋”写成了“海羊”',
      pageUrl: `${fx.origin}/xwdt/`,
      reporter: '王五',
      evidence: { selector: '#content > p:nth-of-type(2)', snippet: '<p>示例省海羊与渔业局</p>', pageTitle: '新闻动态', selectedText: '海羊', viewport: '1280×720 @1x', browser: 'Chrome 131' },
      receivedAt: new Date('2026-11-20T01:30:00Z'),
    },
    { name: '王五' },
  ).ticket.number;
  tickets = listTickets(fx.db, { limit: 500 }, { now: new Date(), timezone: 'Asia/Shanghai' }).items;
  srv = await startServer({ db: fx.db, config, host: '127.0.0.1', port: 0, notify: false, log: (l) => serverLog.push(l) });
  browser = await puppeteer.launch({ executablePath: findBrowser(), headless: headlessMode(findBrowser()), args: [...BASE_ARGS] });
  page = await browser.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(srv.url + '/login');
  await page.type('input[name=token]', admin);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('form[action="/login"] button')]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await srv?.close();
  await fx?.close();
});

const ruleIds = () => fx.runs[0].report.findings.map((f) => f.rule);
const ticketOf = (pred: (t: Ticket) => boolean) => {
  const t = tickets.find(pred);
  if (!t) throw new Error('no such ticket in the fixture');
  return t;
};

async function open(path: string): Promise<{ text: string; ruleFields: string[] }> {
  const res = await page.goto(srv.url + path, { waitUntil: 'load' });
  expect(res!.status(), path).toBe(200);
  return pageText(page);
}

describe('the dashboard ticket pages, as a person reads them', () => {
  it('the fixture filed audit tickets of several checks', () => {
    const audits = new Set(tickets.map((t) => t.audit).filter(Boolean));
    expect(audits.size).toBeGreaterThanOrEqual(3);
    expect(audits.has('links')).toBe(true);
  });

  it('the ticket list: Chinese, no ids or English fragments, times in Beijing time with the zone', async () => {
    const { text } = await open('/tickets?open=1');
    expect(text).toContain('工单');
    expect(text).toContain('未办结');
    expect(text).toMatch(/受理时间（北京时间）/);
    expect(text).toMatch(/办理时限（北京时间）/);
    expect(text).toMatch(/否决|严重/);
    expect(text).toContain(extensionNumber);
    expect(leaks(text, ruleIds())).toEqual([]);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    expect(text).not.toMatch(/\{"|":\s*"/);
    expect(text).not.toMatch(/\b(audit|extension|import|manual|pending|open)\b/);
  });

  it('an audit ticket of a broken link: check and rule in Chinese, the id only in 规则, evidence as fields', async () => {
    const t = ticketOf((x) => x.audit === 'links' && x.evidence.rule === 'broken-link' && Array.isArray(x.evidence.pages));
    const { text, ruleFields } = await open(`/tickets/${encodeURIComponent(t.number)}`);
    expect(text).toContain('检查项：链接可用性');
    expect(text).toContain('问题名称：链接不可用');
    expect(ruleFields).toEqual(['规则 broken-link']);
    expect(text).toMatch(/问题链接：http/);
    expect(text).toMatch(/引用页面：/);
    expect(text).toMatch(/受理时间\s*\d{4}-\d{2}-\d{2} \d{2}:\d{2} 北京时间/);
    expect(text).toMatch(/办理时限\s*\d{4}-\d{2}-\d{2} \d{2}:\d{2} 北京时间/);
    expect(text).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}\s+自动检查（运行 #1）/); // the history, its column named 时间（北京时间）
    expect(text).toContain('时间（北京时间）');
    expect(leaks(text, ruleIds())).toEqual([]);
    expect(text).not.toMatch(/\{"|":\s*"|\["/);
    expect(text).not.toMatch(/\b(findingId|refs|severity|fingerprint)\b/);
    // Fields, not a JSON dump: each a 标签：值 line of the evidence block.
    const labels = await page.$$eval('#evidence .ev-k', (ks) => ks.map((k) => (k as HTMLElement).innerText));
    expect(labels).toEqual(expect.arrayContaining(['检查项：', '问题名称：', '问题链接：']));
  });

  it('every audit ticket page reads the same way', async () => {
    const seen = new Set<string>();
    for (const t of tickets.filter((x) => x.source === 'audit')) {
      if (seen.has(String(t.evidence.rule))) continue;
      seen.add(String(t.evidence.rule));
      const { text, ruleFields } = await open(`/tickets/${encodeURIComponent(t.number)}`);
      expect(leaks(text, ruleIds()), t.number).toEqual([]);
      expect(text, t.number).not.toMatch(/\{"|":\s*"|\["/);
      expect(text, t.number).toMatch(/问题名称：[\u4e00-\u9fff]/);
      expect(ruleFields, t.number).toEqual([`规则 ${t.evidence.rule}`]);
    }
    expect(seen.size).toBeGreaterThanOrEqual(5);
  });

  it('an extension ticket: what the reporter saw, as fields', async () => {
    const { text, ruleFields } = await open(`/tickets/${encodeURIComponent(extensionNumber)}`);
    expect(ruleFields).toEqual([]);
    expect(text).toMatch(/来源\s*浏览器插件/);
    expect(text).toContain('元素位置：#content > p:nth-of-type(2)');
    expect(text).toContain('页面片段：<p>示例省海羊与渔业局</p>');
    expect(text).toContain('选中的文字：海羊');
    expect(text).toContain('浏览器窗口：1280×720 @1x');
    expect(text).toContain('浏览器：Chrome 131');
    expect(text).toContain('受理时间\n2026-11-20 09:30 北京时间');
    expect(leaks(text, ruleIds())).toEqual([]);
  });

  it('fits a 390 px phone: the list stacks into labelled cards, nothing runs off the right edge', async () => {
    await page.setViewport({ width: 390, height: 844, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
    try {
      const broken = ticketOf((x) => x.audit === 'links' && Array.isArray(x.evidence.pages));
      const longest = tickets.reduce((a, b) => (JSON.stringify(b.evidence).length > JSON.stringify(a.evidence).length ? b : a));
      for (const path of ['/tickets', `/tickets/${encodeURIComponent(broken.number)}`, `/tickets/${encodeURIComponent(longest.number)}`, `/tickets/${encodeURIComponent(extensionNumber)}`]) {
        await page.goto(srv.url + path, { waitUntil: 'load' });
        await page.evaluate(() => {
          for (const d of document.querySelectorAll('details')) d.open = true;
        });
        const f = await overflow(page, 390);
        expect(f.over, path).toEqual([]);
        expect(f.scrollWidth, path).toBeLessThanOrEqual(390);
      }
      await page.goto(srv.url + '/tickets', { waitUntil: 'load' });
      const row = await page.$eval('#tickets tbody tr', (tr) =>
        [...tr.querySelectorAll('td')].map((td) => ({ display: getComputedStyle(td).display, label: getComputedStyle(td, '::before').content, width: td.getBoundingClientRect().width })),
      );
      expect(row.length).toBe(9);
      for (const c of row) {
        expect(c.display).toBe('block');
        expect(c.width).toBeGreaterThan(300);
      }
      // The zone is named on the phone too, where the header row is hidden: in each card's labels.
      expect(row.map((c) => c.label)).toEqual(expect.arrayContaining(['"受理时间（北京时间）："', '"办理时限（北京时间）："', '"级别："']));
    } finally {
      await page.setViewport({ width: 1280, height: 900 });
    }
  });

  it('the server logged no errors on the way', () => {
    expect(serverLog.filter((l) => /error/i.test(l))).toEqual([]);
  });
});
