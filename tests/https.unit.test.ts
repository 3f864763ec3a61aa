/**
 * A site whose HTTPS certificate is invalid (self-signed, made with openssl for this test): the
 * crawl goes on and the https audit reports it; a link to another site with such a certificate
 * is a broken link that says why. Real TLS servers on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config/load.ts';
import { auditSite, type AuditSiteResult } from '../src/run/audit-site.ts';
import httpsAudit from '../audits/https.ts';
import links from '../audits/links.ts';

let site: https.Server;
let other: https.Server;
let res: AuditSiteResult;
let origin: string;
let otherOrigin: string;
let plain: http.Server;
let plainOrigin: string;

function listen(s: https.Server, host: string): Promise<number> {
  return new Promise((r) => s.listen(0, host, () => r((s.address() as AddressInfo).port)));
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'zc-tls-'));
  // A self-signed certificate for localhost and 127.0.0.1 (no CA vouches for it).
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '30', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
  const tls = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  plain = http.createServer((_q, r) => void r.writeHead(200, { 'content-type': 'application/javascript' }).end('1'));
  plainOrigin = `http://127.0.0.1:${await new Promise<number>((r) => plain.listen(0, '127.0.0.1', () => r((plain.address() as AddressInfo).port)))}`;
  other = https.createServer(tls, (_q, r) => void r.writeHead(200, { 'content-type': 'text/html' }).end('<title>other</title>'));
  otherOrigin = `https://127.0.0.1:${await listen(other, '127.0.0.1')}`;
  site = https.createServer(tls, (q, r) => {
    r.writeHead(q.url === '/' || q.url === '/a.html' ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    r.end(q.url === '/' ? `<title>首页</title><a href="/a.html">a</a><a href="${otherOrigin}/">其他网站</a><script src="${plainOrigin}/stat.js"></script>` : `<title>a</title><img src="${plainOrigin}/logo.png" alt="标志"><script src="${plainOrigin}/stat.js"></script>`);
  });
  origin = `https://localhost:${await listen(site, '127.0.0.1')}`;
  const config = parseConfig({ today: '2026-11-20', ipv6: { enabled: false }, browser: { enabled: false } });
  res = await auditSite({ startUrl: origin + '/', config, db: null, outDir: null, audits: [httpsAudit, links] });
}, 30_000);

afterAll(() => {
  site?.close();
  other?.close();
  plain?.close();
});

describe('an invalid HTTPS certificate', () => {
  it("on the site's own host: reported, and the crawl goes on", () => {
    expect(res.artifacts.pages.map((p) => new URL(p.url).pathname).sort()).toEqual(['/', '/a.html']);
    const f = res.result.findings.filter((x) => x.audit === 'https' && x.rule === 'tls-invalid');
    expect(f.map((x) => [x.rule, x.severity, x.evidence.code])).toEqual([['tls-invalid', 'high', 'DEPTH_ZERO_SELF_SIGNED_CERT']]);
    expect(f[0].message).toContain('自签名');
    expect(f[0].refs.some((r) => r.source === 'seed' && r.item === '27')).toBe(true);
  });

  it('on another site: a broken link that says why', () => {
    const f = res.result.findings.find((x) => x.audit === 'links' && String(x.evidence.target).startsWith(otherOrigin));
    expect(f).toBeDefined();
    expect(String(f!.evidence.error)).toMatch(/自签名.*DEPTH_ZERO_SELF_SIGNED_CERT/);
  });
});

describe('mixed content', () => {
  it('a script loaded over HTTP by two HTTPS pages is one finding listing both; an image is lower', () => {
    const f = res.result.findings.filter((x) => x.audit === 'https' && x.rule === 'mixed-content');
    expect(f.map((x) => [x.evidence.target, x.severity, x.evidence.pageCount])).toEqual([
      [`${plainOrigin}/stat.js`, 'medium', 2],
      [`${plainOrigin}/logo.png`, 'low', 1],
    ]);
  });
});
