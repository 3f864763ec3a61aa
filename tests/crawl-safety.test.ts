/**
 * Crawl safety against loopback servers: a page's redirect is checked against the run's scope
 * like any link (verified once, never crawled; not contacted with --no-external); link-local
 * and cloud metadata addresses are never connected to, whether written in the URL or answered
 * by the DNS; redirects to file:, javascript:, data: are reported, never followed; a timeout
 * says so in words. Every socket's connection attempt is recorded (diagnostics channel), so
 * "never contacted" is checked on what the process really tried, not on what it reported.
 */
import dc from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './helpers/http-server.ts';
import { startDnsServer, type TestDns } from './helpers/dns-server.ts';
import { parseConfig } from '../src/config/load.ts';
import { auditSite, type AuditSiteResult } from '../src/run/audit-site.ts';
import { isBlockedAddress } from '../src/gather/address-guard.ts';
import { NameResolver } from '../src/gather/dns.ts';
import { Fetcher } from '../src/gather/http.ts';

const attempts: string[] = [];
const onSocket = ({ socket }: { socket: Socket }) => socket.on('connectionAttempt', (ip: string) => attempts.push(ip));

let site: TestServer;
let other: TestServer;
let dns: TestDns;
let withExternal: AuditSiteResult;
let noExternal: AuditSiteResult;
let otherRequests: Map<string, number>;

const redirect = (to: () => string) => (_req: unknown, res: import('node:http').ServerResponse) => {
  res.writeHead(302, { location: to() });
  res.end();
};

beforeAll(async () => {
  dc.subscribe('net.client.socket', onSocket as (m: unknown) => void);
  dns = await startDnsServer({
    'metadata.safety.test': { A: ['169.254.169.254'] },
    'mapped.safety.test': { AAAA: ['::ffff:a9fe:a9fe'] },
    'linklocal6.safety.test': { AAAA: ['fe80::1'] },
    'aliyun.safety.test': { A: ['100.100.100.200'] },
  });
  other = await startServer({
    '/landing.html': '<html><title>别的网站</title><a href="/deeper.html">更深</a></html>',
    '/deeper.html': '<html><title>不该抓取</title></html>',
  });
  site = await startServer({
    '/': `<html><head><title>安全测试首页</title></head><body>
      <a href="/to-other.html">去别的网站</a><a href="/to-other-again.html">又去别的网站</a>
      <a href="/to-excluded.html">去排除的路径</a><a href="/img-to-other.png">图片</a>
      <a href="/to-metadata.html">元数据</a><a href="/to-metadata-decimal.html">元数据十进制</a>
      <a href="/to-metadata-name.html">元数据域名</a><a href="/to-mapped.html">映射地址</a>
      <a href="/to-linklocal6.html">IPv6 链路本地</a><a href="/to-aliyun.html">阿里云元数据</a>
      <a href="http://169.254.169.254/latest/meta-data/">直接链接元数据</a>
      <a href="/to-file.html">file</a><a href="/to-js.html">js</a><a href="/to-data.html">data</a>
      <a href="/hang.html">挂起</a><a href="/inside.html">站内</a></body></html>`,
    '/inside.html': '<html><title>站内页面</title></html>',
    '/to-other.html': redirect(() => `${other.url}/landing.html`),
    '/to-other-again.html': redirect(() => `${other.url}/landing.html`),
    '/img-to-other.png': redirect(() => `${other.url}/landing.html`),
    '/to-excluded.html': redirect(() => `${site.url}/private/secret.html`),
    '/private/secret.html': '<html><title>不该请求</title></html>',
    '/to-metadata.html': redirect(() => 'http://169.254.169.254/latest/meta-data/iam/'),
    '/to-metadata-decimal.html': redirect(() => 'http://2852039166/latest/meta-data/'),
    '/to-metadata-name.html': redirect(() => 'http://metadata.safety.test/latest/'),
    '/to-mapped.html': redirect(() => 'http://mapped.safety.test/'),
    '/to-linklocal6.html': redirect(() => 'http://linklocal6.safety.test/'),
    '/to-aliyun.html': redirect(() => 'http://aliyun.safety.test/latest/meta-data/'),
    '/to-file.html': redirect(() => 'file:///etc/passwd'),
    '/to-js.html': redirect(() => 'javascript:alert(1)'),
    '/to-data.html': redirect(() => 'data:text/html,<script>alert(1)</script>'),
    '/hang.html': () => undefined,
  });
  const config = (external: boolean) =>
    parseConfig({
      dnsServer: dns.server,
      site: { exclude: ['/private/'] },
      crawl: { timeoutMs: 2500, retries: 0, checkExternal: external, robots: false, sitemap: false },
      ipv6: { enabled: false },
      browser: { enabled: false },
    });
  const opts = { db: null, outDir: null, audits: undefined } as const;
  withExternal = await auditSite({ ...opts, startUrl: site.url + '/', config: config(true) });
  otherRequests = new Map(other.requests);
  other.requests.clear();
  noExternal = await auditSite({ ...opts, startUrl: site.url + '/', config: config(false) });
}, 30_000);

afterAll(async () => {
  dc.unsubscribe('net.client.socket', onSocket as (m: unknown) => void);
  await Promise.all([site?.close(), other?.close(), dns?.close()]);
});

const target = (r: AuditSiteResult, path: string) => r.artifacts.targets.find((t) => t.url === site.url + path);

describe('redirects of in-site pages are checked against the scope', () => {
  it('an off-site target is verified once (HEAD), never crawled', () => {
    const t = target(withExternal, '/to-other.html')!;
    expect(t).toMatchObject({ state: 'ok', finalUrl: `${other.url}/landing.html`, isPage: false });
    expect(t.redirects).toEqual([site.url + '/to-other.html']);
    expect(target(withExternal, '/to-other-again.html')).toMatchObject({ state: 'ok' });
    expect(target(withExternal, '/img-to-other.png')).toMatchObject({ state: 'ok' });
    // Three redirects lead there: one HEAD, no GET, and nothing it links to is requested.
    expect(otherRequests.get('HEAD /landing.html')).toBe(1);
    expect(otherRequests.get('GET /landing.html')).toBeUndefined();
    expect(otherRequests.get('GET /deeper.html')).toBeUndefined();
    expect(withExternal.artifacts.pages.some((p) => p.url.startsWith(other.url))).toBe(false);
  });

  it('with --no-external the other site is not contacted at all', () => {
    expect(other.requests.size).toBe(0);
    for (const path of ['/to-other.html', '/img-to-other.png']) {
      expect(target(noExternal, path)).toMatchObject({ state: 'skipped' });
      expect(target(noExternal, path)!.skipReason).toContain(`重定向到其他网站（${other.url}/landing.html）`);
    }
  });

  it('an in-site redirect to an excluded path is not requested', () => {
    expect(site.count('GET', '/private/secret.html')).toBe(0);
    expect(site.count('HEAD', '/private/secret.html')).toBe(0);
    expect(target(withExternal, '/to-excluded.html')).toMatchObject({ state: 'skipped' });
    expect(target(withExternal, '/to-excluded.html')!.skipReason).toMatch(/被 exclude 规则 \/private\/ 排除/);
  });

  it('loopback stays allowed: the site itself was crawled', () => {
    expect(target(withExternal, '/inside.html')).toMatchObject({ state: 'ok', isPage: true });
    expect(attempts.some((a) => a === '127.0.0.1')).toBe(true);
  });
});

describe('link-local and cloud metadata addresses are never contacted', () => {
  it('no socket ever tried one', () => {
    expect(attempts.length).toBeGreaterThan(0);
    expect(attempts.filter(isBlockedAddress)).toEqual([]);
    // Nor any other address than loopback: this test sends no traffic off the machine.
    expect(attempts.filter((a) => a !== '127.0.0.1' && a !== '::1')).toEqual([]);
  });

  it('redirects to them, as literals or by DNS answer, are broken links that say why', () => {
    for (const path of ['/to-metadata.html', '/to-metadata-decimal.html', '/to-metadata-name.html', '/to-mapped.html', '/to-linklocal6.html', '/to-aliyun.html']) {
      const t = target(withExternal, path)!;
      expect(t.state, path).toBe('broken');
      expect(t.error, path).toMatch(/属于链路本地或云元数据地址，不予访问$/);
      // With --no-external they are other sites, not checked at all.
      expect(target(noExternal, path), path).toMatchObject({ state: 'skipped' });
    }
    expect(withExternal.artifacts.targets.find((t) => t.url === 'http://169.254.169.254/latest/meta-data/')).toMatchObject({ state: 'broken' });
  });

  it('the address test covers the embedded forms and leaves loopback and private networks alone', () => {
    for (const a of ['169.254.169.254', '169.254.0.23', '100.100.100.200', '0.0.0.0', 'fe80::1', 'fe80::1%eth0', 'fd00:ec2::254', '::ffff:169.254.169.254', '::ffff:a9fe:a9fe', '64:ff9b::a9fe:a9fe', '2002:a9fe:a9fe::1', '224.0.0.1', 'ff02::1', '::'])
      expect(isBlockedAddress(a), a).toBe(true);
    for (const a of ['127.0.0.1', '::1', '10.1.2.3', '192.168.1.1', '172.16.0.1', '100.64.0.1', 'fd12::1', '2001:db8::1', '::ffff:127.0.0.1'])
      expect(isBlockedAddress(a), a).toBe(false);
  });

  it('a Fetcher asked directly for a metadata URL answers at once without a request', async () => {
    const f = new Fetcher({ crawl: parseConfig({}).crawl, resolver: new NameResolver(dns.server) });
    try {
      const before = attempts.length;
      const r = await f.follow('http://[fe80::a9fe:a9fe]/latest/');
      const n = await f.follow('http://metadata.safety.test/');
      expect([r.errorCode, n.errorCode]).toEqual(['EADDRBLOCKED', 'EADDRBLOCKED']);
      expect(attempts.length).toBe(before);
    } finally {
      await f.close();
    }
  });
});

describe('redirects to other schemes and timeouts', () => {
  it('file:, javascript: and data: redirects are reported, never followed', () => {
    for (const [path, scheme] of [['/to-file.html', 'file:'], ['/to-js.html', 'javascript:'], ['/to-data.html', 'data:']]) {
      const t = target(withExternal, path)!;
      expect(t.state, path).toBe('broken');
      expect(t.error, path).toContain(`重定向到 ${scheme} 地址，不予跟随`);
    }
  });

  it('a timeout says how long was waited, in words', () => {
    const t = target(withExternal, '/hang.html')!;
    expect(t.error).toBe('在 2.5 秒内无应答');
    const json = JSON.stringify(withExternal.report);
    expect(json).not.toMatch(/\b23: |operation was aborted/);
  });
});
