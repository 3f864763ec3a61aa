/**
 * Crawler traps stop at crawl.maxPagesPerPattern: URL patterns blank numbers, dates and
 * hash-like ids (whole segments and query values only, so a CMS's article file names stay
 * distinct), and an endless calendar on a loopback server stops at the limit with one warning
 * naming the pattern, the skipped URLs saying why, and report.json crawlLimits recording it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './helpers/http-server.ts';
import { parseConfig } from '../src/config/load.ts';
import { auditSite, type AuditSiteResult } from '../src/run/audit-site.ts';
import { urlPattern } from '../src/gather/url-pattern.ts';

const pattern = (u: string) => urlPattern(new URL(u));

describe('URL patterns', () => {
  it('blank numbers, dates and ids in whole segments and query values', () => {
    expect(pattern('http://a.test/cal/2026/12/04')).toBe('http://a.test/cal/{n}/{n}/{n}');
    expect(pattern('http://a.test/cal/2026-12-04.html')).toBe('http://a.test/cal/{n}.html');
    expect(pattern('http://a.test/s/3f2a9b8c7d6e5f40/list')).toBe('http://a.test/s/{hash}/list');
    expect(pattern('http://a.test/a/550e8400-e29b-41d4-a716-446655440000.html')).toBe('http://a.test/a/{hash}.html');
    expect(pattern('http://a.test/cal.html?view=week&month=2026-12')).toBe('http://a.test/cal.html?month={n}&view=week');
  });
  it('leave named paths and article file names alone', () => {
    expect(pattern('http://a.test/xwdt/gzdt/202612/t20261204_123.html')).toBe('http://a.test/xwdt/gzdt/{n}/t20261204_123.html');
    for (const u of ['http://a.test/', 'http://a.test/index_12.html', 'http://a.test/col/col1234/index.html', 'http://a.test/about/deadbeef/', 'http://a.test/list?type=news'])
      expect(pattern(u), u).toBeUndefined();
  });
  it('the limit is validated in the config', () => {
    expect(parseConfig({}).crawl.maxPagesPerPattern).toBe(500);
    expect(() => parseConfig({ crawl: { maxPagesPerPattern: 0 } })).toThrow(/crawl\.maxPagesPerPattern/);
    expect(() => parseConfig({ crawl: { maxPagesPerPattern: 'many' } })).toThrow(/crawl\.maxPagesPerPattern/);
  });
});

let srv: TestServer;
let run: AuditSiteResult;
const warnings: string[] = [];

/** /cal/Y/M/D: every day links to the next day, the next month and the next year, without end. */
const day = (path: string) => {
  const [y, m, d] = path.split('/').slice(2).map(Number);
  const at = (yy: number, mm: number, dd: number) => `/cal/${yy}/${String(mm).padStart(2, '0')}/${String(dd).padStart(2, '0')}`;
  return `<html><title>${y}年${m}月${d}日 日程</title><a href="${at(y, m, (d % 28) + 1)}">后一天</a><a href="${at(y, (m % 12) + 1, d)}">下个月</a><a href="${at(y + 1, m, d)}">明年</a></html>`;
};

beforeAll(async () => {
  srv = await startServer({
    '/': '<html><title>日历陷阱</title><a href="/cal/2026/12/04">日程</a><a href="/about.html">关于</a></html>',
    '/about.html': '<html><title>关于</title></html>',
    '/cal/*': (req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(day(req.url!));
    },
  });
  const config = parseConfig({ crawl: { maxPagesPerPattern: 30, retries: 0, robots: false, sitemap: false }, ipv6: { enabled: false }, browser: { enabled: false } });
  run = await auditSite({ startUrl: srv.url + '/', config, db: null, outDir: null, onWarning: (m) => warnings.push(m) });
}, 60_000);
afterAll(() => srv?.close());

describe('an endless calendar', () => {
  const PATTERN = () => `${srv.url}/cal/{n}/{n}/{n}`;
  it('stops at maxPagesPerPattern pages of its pattern; the rest of the site is crawled', () => {
    const cal = run.artifacts.pages.filter((p) => p.url.includes('/cal/'));
    expect(cal).toHaveLength(30);
    expect(run.artifacts.pages.some((p) => p.url.endsWith('/about.html'))).toBe(true);
    // Distinct calendar URLs ever asked for (the spider-view check asks some pages again).
    expect([...srv.requests.keys()].filter((k) => / \/cal\//.test(k))).toHaveLength(30);
  });
  it('says so once, naming the pattern; each URL kept out says why', () => {
    const w = warnings.filter((m) => m.includes('maxPagesPerPattern'));
    expect(w).toHaveLength(1);
    expect(w[0]).toContain(`同类地址 ${PATTERN()} 的页面超过 30 个，其余未抓取`);
    const skipped = run.artifacts.targets.filter((t) => t.url.includes('/cal/') && t.state === 'skipped');
    expect(skipped.length).toBeGreaterThan(0);
    for (const t of skipped) expect(t.skipReason).toBe(`同类地址 ${PATTERN()} 的页面超过 30 个，未抓取 (more than 30 pages of the URL pattern ${PATTERN()}: not crawled)`);
    expect(w[0]).toContain(`${skipped.length} URL(s)`);
  });
  it('report.json records the limit with its pattern and count', () => {
    const limits = run.report.crawlLimits!;
    expect(limits).toEqual([expect.objectContaining({ limit: 'maxPagesPerPattern', value: 30, pattern: PATTERN() })]);
    expect(limits[0].skipped).toBe(run.artifacts.targets.filter((t) => t.url.includes('/cal/') && t.state === 'skipped').length);
    expect(run.report.links.find((l) => l.url === limits[0].example)).toMatchObject({ state: 'skipped' });
  });
});
