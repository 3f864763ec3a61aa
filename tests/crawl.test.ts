/**
 * The crawl gatherer against a real loopback server built to misbehave: legacy encodings,
 * a server that hangs, 429 with Retry-After, HEAD refused, bot walls, oversized and
 * compressed-bomb bodies, calendar traps, robots.txt, sitemap orphans, malformed HTML.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import zlib from 'node:zlib';
import { startServer, type TestServer } from './helpers/http-server.ts';
import { parseConfig } from '../src/config/load.ts';
import { auditSite, type AuditSiteResult } from '../src/run/audit-site.ts';
import { StartUrlError } from '../src/gather/crawl.ts';

const gbk = (s: string) => {
  // Encode through the table Node's GB18030 decoder gives us (test-only, small strings).
  const map = new Map<string, number[]>();
  const dec = new TextDecoder('gb18030');
  for (let a = 0x81; a <= 0xfe; a++) for (let b = 0x40; b <= 0xfe; b++) {
    if (b === 0x7f) continue;
    const ch = dec.decode(Uint8Array.from([a, b]));
    if (ch.length === 1 && !map.has(ch)) map.set(ch, [a, b]);
  }
  const bytes: number[] = [];
  for (const ch of s) bytes.push(...(ch.charCodeAt(0) < 128 ? [ch.charCodeAt(0)] : map.get(ch) ?? [0x3f]));
  return Buffer.from(bytes);
};

let srv: TestServer;
let res: AuditSiteResult;
let retried = false;
const big = '<p>' + '政府网站'.repeat(300_000) + '</p>';
const bomb = zlib.gzipSync(Buffer.alloc(40 * 1024 * 1024, 0x20));

beforeAll(async () => {
  srv = await startServer({
    '/': `<!doctype html><html lang="zh-CN"><head><title>测试首页</title></head><body>
      <nav><a href="/gbk-header.html">GBK 头</a><a href="/gbk-meta.html">GBK meta</a><a href="/gbk-sniff.html">GBK 嗅探</a><a href="/utf8-stray.html">混入 GBK</a></nav>
      <a href="/hang.html">挂起</a><a href="/busy.html">429</a><a href="/files/report.pdf">附件</a><a href="/bot.html">拦截</a>
      <a href="/big.html">大页面</a><a href="/bomb.html">压缩炸弹</a><a href="/cal?m=1">日历</a><a href="/private/x.html">私有</a>
      <a href="/malformed.html">残缺</a><a href="/anchors.html#exists">锚点</a><a href="/anchors.html#missing">缺锚点</a>
      <a href="/anchors.html#:~:text=hello">文本指令</a><a href="/chain1">链</a><a href="/loop1">循环</a><a href="/badloc">坏重定向</a>
      <a href="mailto:x@example.gov.cn">邮件</a><a href="javascript:void(0)">脚本</a></body></html>`,
    '/robots.txt': { headers: { 'content-type': 'text/plain' }, body: 'User-agent: *\nDisallow: /private/\nSitemap: /sitemap.xml\n' },
    '/sitemap.xml': (_req, r) => {
      r.writeHead(200, { 'content-type': 'application/xml' });
      r.end(`<?xml version="1.0"?><urlset><url><loc>${srv.url}/orphan.html</loc></url><url><loc>${srv.url}/</loc></url></urlset>`);
    },
    '/orphan.html': '<html><title>孤立页面</title>只在站点地图</html>',
    '/gbk-header.html': { headers: { 'content-type': 'text/html; charset=gbk' }, body: gbk('<html><title>海洋与渔业局旧版栏目</title><body>通知公告</body></html>') },
    '/gbk-meta.html': { headers: { 'content-type': 'text/html' }, body: gbk('<html><head><meta charset="gb2312"><title>政策文件旧版</title></head><body>政策</body></html>') },
    '/gbk-sniff.html': { headers: { 'content-type': 'text/html' }, body: gbk('<html><head><title>无声明的旧页面</title></head><body>办事指南</body></html>') },
    // A UTF-8 template with one GBK-encoded name pasted in: UTF-8 with U+FFFD, not all GB18030.
    '/utf8-stray.html': { headers: { 'content-type': 'text/html; charset=utf-8' }, body: Buffer.concat([Buffer.from('<html><head><title>示例省海洋与渔业局 通知公告</title></head><body>' + '<p>关于开展政府网站检查工作的通知。</p>'.repeat(10) + '联系人：'), gbk('张三'), Buffer.from('</body></html>')]) },
    '/hang.html': () => undefined, // never answers
    '/busy.html': (_req, r) => {
      if (!retried) {
        retried = true;
        r.writeHead(429, { 'retry-after': '1' });
        return void r.end();
      }
      r.writeHead(200, { 'content-type': 'text/html' });
      r.end('<html><title>稍后</title></html>');
    },
    '/files/report.pdf': (req, r) => {
      if (req.method === 'HEAD') return void r.writeHead(405).end();
      r.writeHead(200, { 'content-type': 'application/pdf' });
      r.end('%PDF-1.4');
    },
    '/bot.html': { status: 403, body: '访问被拦截' },
    '/big.html': `<html><title>大页面</title><body>${big}<a href="/after-cap.html">x</a></body></html>`,
    '/bomb.html': { headers: { 'content-encoding': 'gzip' }, body: bomb },
    '/malformed.html': '<html><title>残缺</title><body><div><p>未闭合<a href="/ok-from-malformed.html">链接</a></div></div></span><table><tr><td>x',
    '/ok-from-malformed.html': '<html><title>好</title></html>',
    '/anchors.html': '<html><title>锚点</title><h2 id="exists">有</h2></html>',
    '/chain1': { status: 301, headers: { location: '/chain2' } },
    '/chain2': { status: 302, headers: { location: '/chain3' } },
    '/chain3': { status: 301, headers: { location: '/anchors.html' } },
    '/loop1': { status: 302, headers: { location: '/loop2' } },
    '/loop2': { status: 302, headers: { location: '/loop1' } },
    '/badloc': { status: 302, headers: { location: 'http://[bad' } },
    ...Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`/cal?m=${i + 1}`, `<html><title>日历 ${i + 1}</title><a href="/cal?m=${i + 2}">下月</a></html>`])),
  });
  // The crawl alone: the IPv6 and browser passes have their own tests.
  // The integrity audit's spider views fetch pages again on purpose (as Baiduspider, as a search
  // visitor); this file counts the crawl's own requests.
  const config = parseConfig({
    today: '2026-11-20',
    ipv6: { enabled: false },
    browser: { enabled: false },
    crawl: { timeoutMs: 1500, retries: 1, maxBodyBytes: 1024 * 1024, maxQueryVariants: 5 },
    audits: { integrity: { options: { spiderCheck: false } } },
  });
  res = await auditSite({ startUrl: srv.url + '/', config, db: null, outDir: null });
}, 30_000);

afterAll(() => srv?.close());

const page = (path: string) => res.artifacts.pages.find((p) => p.url === srv.url + path);
const target = (path: string) => res.artifacts.targets.find((t) => t.url === srv.url + path);
const findings = (rule: string) => res.result.findings.filter((f) => f.rule === rule);

describe('decoding', () => {
  it('reads GBK pages declared in the header, in <meta>, and undeclared (sniffed)', () => {
    expect(page('/gbk-header.html')).toMatchObject({ title: '海洋与渔业局旧版栏目', charsetSource: 'header' });
    expect(page('/gbk-meta.html')).toMatchObject({ title: '政策文件旧版', charset: 'gb18030', charsetSource: 'meta' });
    expect(page('/gbk-sniff.html')).toMatchObject({ title: '无声明的旧页面', charset: 'gb18030', charsetSource: 'sniff' });
    expect(page('/utf8-stray.html')).toMatchObject({ title: '示例省海洋与渔业局 通知公告', charset: 'utf-8', charsetSource: 'header' });
    expect(page('/utf8-stray.html')!.text).toContain('\uFFFD');
  });
  it('survives malformed HTML and still follows its links', () => {
    expect(page('/malformed.html')?.title).toContain('残缺');
    expect(page('/ok-from-malformed.html')).toBeDefined();
  });
});

describe('hostile servers', () => {
  it('a server that hangs is a broken link with a timeout, and the run finishes', () => {
    expect(target('/hang.html')).toMatchObject({ state: 'broken' });
    expect(target('/hang.html')?.error).toMatch(/^在 [\d.]+ 秒内无应答$/);
  });
  it('caps the body of a huge page and of a compression bomb', () => {
    expect(page('/big.html')?.error).toMatch(/truncated/);
    expect(page('/bomb.html')?.error).toMatch(/truncated/);
    expect(page('/bomb.html')!.text.length).toBeLessThanOrEqual(200_000);
  });
  it('waits for Retry-After on 429 and then succeeds', () => {
    expect(target('/busy.html')).toMatchObject({ state: 'ok', status: 200 });
    expect(srv.count('GET', '/busy.html')).toBe(2);
  });
  it('falls back to GET when HEAD is refused', () => {
    expect(target('/files/report.pdf')).toMatchObject({ state: 'ok', status: 200 });
    expect(srv.count('HEAD', '/files/report.pdf')).toBe(1);
    expect(srv.count('GET', '/files/report.pdf')).toBe(1);
  });
  it('reports bot walls as blocked, not broken', () => {
    expect(target('/bot.html')).toMatchObject({ state: 'blocked', status: 403 });
    expect(findings('blocked-link').map((f) => f.evidence.target)).toContain(srv.url + '/bot.html');
    expect(findings('broken-link').map((f) => f.evidence.target)).not.toContain(srv.url + '/bot.html');
  });
  it('stops an endless calendar-style URL space', () => {
    const cal = res.artifacts.pages.filter((p) => p.url.includes('/cal?'));
    expect(cal.length).toBe(5);
    expect(target('/cal?m=6')?.skipReason).toMatch(/查询参数变体/);
  });
  it('reports an invalid redirect Location as broken', () => {
    expect(target('/badloc')?.state).toBe('broken');
  });
});

describe('scope, robots and sitemap', () => {
  it('honours robots.txt: a disallowed page is skipped and never requested', () => {
    expect(target('/private/x.html')).toMatchObject({ state: 'skipped', skipReason: 'robots.txt 不允许抓取' });
    expect(srv.count('GET', '/private/x.html')).toBe(0);
    expect(res.artifacts.robots.disallowedUrls).toContain(srv.url + '/private/x.html');
  });
  it('crawls pages only the sitemap lists, with no link depth', () => {
    expect(page('/orphan.html')).toMatchObject({ depth: null, fromSitemap: true, title: '孤立页面' });
  });
  it('lists mailto: and javascript: links as skipped, with the reason, never requested', () => {
    const skipped = res.artifacts.targets.filter((t) => t.url.startsWith('mailto:') || t.url.startsWith('javascript:'));
    expect(skipped.map((t) => [t.url, t.state])).toEqual([['mailto:x@example.gov.cn', 'skipped'], ['javascript:void(0)', 'skipped']]);
    expect(skipped.every((t) => t.skipReason && !t.status)).toBe(true);
  });
  it('records link depth: homepage 1, its links 2, theirs 3', () => {
    expect(page('/')?.depth).toBe(1);
    expect(page('/gbk-header.html')?.depth).toBe(2);
    expect(page('/ok-from-malformed.html')?.depth).toBe(3);
    expect(page('/cal?m=2')?.depth).toBe(3);
  });
});

describe('links audit', () => {
  it('a redirect loop is broken; a 3-hop chain is reported as a chain', () => {
    expect(findings('redirect-loop').map((f) => f.evidence.target)).toEqual([srv.url + '/loop1']);
    expect(findings('redirect-chain').map((f) => f.evidence.target)).toEqual([srv.url + '/chain1']);
  });
  it('a missing anchor is broken; an existing one and a text directive are not', () => {
    expect(findings('missing-anchor').map((f) => f.evidence.target)).toEqual([srv.url + '/anchors.html#missing']);
  });
  it('homepage broken links carry the homepage deduction', () => {
    const hang = findings('broken-link').find((f) => f.evidence.target === srv.url + '/hang.html');
    expect(hang).toMatchObject({ severity: 'high', deduction: 1, url: srv.url + '/' });
    expect(hang!.refs.some((r) => r.source === 'inspection')).toBe(true);
  });
});

describe('each URL is fetched at most once', () => {
  it('no URL was requested twice with the same method (the 429 retry aside)', () => {
    const twice = [...srv.requests].filter(([k, n]) => n > 1 && k !== 'GET /busy.html');
    expect(twice).toEqual([]);
  });
});

describe('bad start URLs', () => {
  it('an unreachable site is a clear error', async () => {
    const config = parseConfig({ crawl: { timeoutMs: 1000, retries: 0 } });
    await expect(auditSite({ startUrl: 'http://127.0.0.1:9/', config, db: null, outDir: null })).rejects.toThrow(StartUrlError);
    await expect(auditSite({ startUrl: 'http://127.0.0.2:59999/', config, db: null, outDir: null })).rejects.toThrow(/连接被拒绝/);
  });
});
