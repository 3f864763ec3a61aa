/**
 * Stored runs of the sample portal for the report tests: the portal (seed defects: broken links,
 * personal data, stale and blank columns, incomplete 办事指南, an unanswered message …) served
 * through a switchboard that can fix or break single URLs between runs, audited three nights
 * running into a temp SQLite file:
 *  - run 1 (2026-11-18): as generated, plus a 政策解读 item whose title is hostile markup and a
 *    mobile number;
 *  - run 2 (2026-11-19): the broken internal link and the broken image fixed;
 *  - run 3 (2026-11-20): a working attachment now 404.
 * With `ipv6`, the portal answers on 127.0.0.1 and ::1 under hyj.example.gov.cn from a loopback
 * DNS server, so the IPv6 audit has rates to report. Browser audits are off (their own tests).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePortal, withOrigin, type Portal } from '../src/sample-portal/generate.ts';
import { createPortalHandler, startExternalSite, type ExternalSite } from '../src/sample-portal/server.ts';
import { startDnsServer, type TestDns } from '../src/sample-portal/dns.ts';
import { makePng } from '../src/sample-portal/assets.ts';
import { parseConfig } from '../src/config/load.ts';
import { auditSite, type AuditSiteResult } from '../src/run/audit-site.ts';
import { openDb, type DB } from '../src/store/db.ts';

export const HOST = 'hyj.example.gov.cn';
export const SITE_NAME = '示例省海洋与渔业局';
export const DAYS = ['2026-11-18', '2026-11-19', '2026-11-20'] as const;
/** The title planted on a 政策解读 item: markup that must stay inert, a number that must be masked. */
export const HOSTILE_TITLE = '图解：<img src=x onerror=alert(3)><script>alert(4)</script>渔业政策 联系人 13812345678';
export const HOSTILE_MOBILE = '13812345678';

type Override = { status: number; type: string; body: Buffer } | ((origin: string) => { status: number; type: string; body: Buffer });

export interface ReportFixture {
  dir: string;
  dbPath: string;
  db: DB;
  origin: string;
  portal: Portal;
  runs: AuditSiteResult[];
  /** Paths of the switchboard's changes. */
  fixedTargets: string[];
  brokenTarget: string;
  hostilePath: string;
  close(): Promise<void>;
}

function listen(s: http.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    s.once('error', reject);
    s.listen({ host, port, ipv6Only: host === '::1' }, () => resolve((s.address() as AddressInfo).port));
  });
}

export async function buildReportFixture(o: { ipv6?: boolean; runs?: number } = {}): Promise<ReportFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'zc-report-'));
  const external: ExternalSite = await startExternalSite();
  const portal = generatePortal({ pages: 200, today: DAYS[2], external: external.url });
  const overrides = new Map<string, Override>();
  let origin = '';
  const handler = createPortalHandler(portal, new Map(), () => origin);
  const serve: http.RequestListener = (req, res) => {
    const path = (req.url ?? '/').split('#')[0];
    const o = overrides.get(path);
    if (!o) return handler(req, res);
    const r = typeof o === 'function' ? o(origin) : o;
    res.writeHead(r.status, { 'content-type': r.type, 'content-length': String(r.body.length) });
    res.end(req.method === 'HEAD' ? undefined : r.body);
  };
  const servers: http.Server[] = [];
  let dns: TestDns | undefined;
  const s4 = http.createServer(serve);
  servers.push(s4);
  const port = await listen(s4, '127.0.0.1', 0);
  if (o.ipv6) {
    const s6 = http.createServer(serve);
    servers.push(s6);
    await listen(s6, '::1', port);
    dns = await startDnsServer({
      [HOST]: { A: ['127.0.0.1'], AAAA: ['::1'] },
      'example.gov.cn': { NS: ['ns1.example.gov.cn'] },
      'ns1.example.gov.cn': { A: ['127.0.0.1'], AAAA: ['::1'] },
    });
    origin = `http://${HOST}:${port}`;
  } else {
    origin = `http://127.0.0.1:${port}`;
  }

  // A 政策解读 item (a page with a publish date) retitled with hostile markup.
  const item = portal.manifest.pages.find((p) => p.kind === 'article' && p.column === 'zcjd' && p.encoding === 'utf-8')!;
  overrides.set(item.path, (orig) => {
    const res = withOrigin(portal.resources.get(item.path)!, orig);
    const esc = HOSTILE_TITLE.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const body = Buffer.from(res.body.toString('utf8').replace(/<title>[^<]*<\/title>/, `<title>${esc}</title>`), 'utf8');
    return { status: 200, type: 'text/html; charset=utf-8', body };
  });

  const plant = (id: string) => portal.manifest.plants.find((p) => p.id === id)!;
  const fixedTargets = [plant('broken-internal-link').target!, plant('broken-image').target!];
  const attachment = plant('working-attachment');
  const brokenTarget = new URL(attachment.target!, 'http://x' + attachment.path).pathname;

  const dbPath = join(dir, 'zhaocuo.db');
  const db = openDb(dbPath);
  const runs: AuditSiteResult[] = [];
  const n = o.runs ?? 3;
  for (let i = 0; i < n; i++) {
    if (i === 1) {
      overrides.set(fixedTargets[0], { status: 200, type: 'text/html; charset=utf-8', body: Buffer.from('<html lang="zh-CN"><head><title>已恢复的页面</title></head><body><p>页面已恢复。</p></body></html>') });
      overrides.set(fixedTargets[1], { status: 200, type: 'image/png', body: makePng(4, 4, [200, 30, 30]) });
    }
    if (i === 2) overrides.set(brokenTarget, { status: 404, type: 'text/html', body: Buffer.from('<html><title>404</title></html>') });
    const config = parseConfig({
      today: DAYS[i],
      site: { name: SITE_NAME },
      browser: { enabled: false },
      ipv6: o.ipv6 ? { enabled: true, probes: 2, probeIntervalMs: 0 } : { enabled: false },
      ...(dns ? { dnsServer: dns.server } : {}),
      divisions: { default: '办公室', prefixes: { '/zwgk/': '法规处', '/bsfw/': '审批处' } },
    });
    runs.push(await auditSite({ startUrl: origin + '/', config, db, outDir: join(dir, `run-${i + 1}`) }));
  }
  return {
    dir, dbPath, db, origin, portal, runs, fixedTargets, brokenTarget, hostilePath: item.path,
    async close() {
      db.close();
      await Promise.all(servers.map((s) => new Promise<void>((r) => { s.close(() => r()); s.closeAllConnections(); })));
      await dns?.close();
      await external.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
