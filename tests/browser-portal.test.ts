/**
 * The browser audits end to end on the sample portal, in real headless Chromium (one audit run
 * for the file, Lighthouse once): the portal is reached by its name through a test DNS server,
 * so the browser must resolve names as the crawl did (--host-resolver-rules). Every planted
 * accessibility violation is found with the right axe rule and none on the clean page; the
 * 适老化 plants are found; markers written by scripts are in the rendered text; screenshots and
 * the Lighthouse JSON lie beside the report and the HTML report links them; a configured page
 * that hangs fails alone.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import accessibility from '../audits/accessibility.ts';
import ageFriendly from '../audits/age-friendly.ts';
import lighthouse from '../audits/lighthouse.ts';
import { parseConfig } from '../src/config/load.ts';
import { plantsOf } from '../src/sample-portal/manifest.ts';
import { startSamplePortal, type SamplePortal } from '../src/sample-portal/server.ts';
import { auditSite, type AuditSiteResult } from '../src/run/audit-site.ts';
import { startDnsServer, type TestDns } from './helpers/dns-server.ts';
import { startServer, type TestServer } from './helpers/http-server.ts';

const HOST = 'hyj.example.gov.cn';

let portal: SamplePortal;
let dns: TestDns;
let hangSite: TestServer;
const hung: http.ServerResponse[] = [];
let out: string;
let res: AuditSiteResult;
let origin: string;

const path = (u: string) => new URL(u).pathname + new URL(u).search;

beforeAll(async () => {
  portal = await startSamplePortal({ host: '127.0.0.1' });
  dns = await startDnsServer({ [HOST]: { A: ['127.0.0.1'] } });
  hangSite = await startServer({ '/hang.html': (_req, r) => void hung.push(r) });
  out = mkdtempSync(join(tmpdir(), 'zc-browser-'));
  origin = `http://${HOST}:${portal.port}`;
  const m = portal.manifest;
  const plantPages = [...new Set(m.plants.filter((p) => p.area === 'accessibility' || p.area === 'age-friendly').map((p) => p.path))];
  const config = parseConfig({
    today: m.today,
    dnsServer: dns.server,
    ipv6: { enabled: false },
    crawl: { timeoutMs: 10_000 },
    browser: {
      pool: 3,
      pageTimeoutMs: 8_000,
      maxPages: 6,
      itemsPerColumn: 0,
      urls: [...plantPages, ...m.identity.jsOnlyPages, m.plants.find((p) => p.id === 'script-hidden-links')!.path, `${hangSite.url}/hang.html`],
      lighthouse: { enabled: true, formFactor: 'desktop', timeoutMs: 45_000 },
    },
  });
  res = await auditSite({ startUrl: origin + '/', config, db: null, outDir: out, audits: [accessibility, ageFriendly, lighthouse] });
}, 60_000);

afterAll(async () => {
  for (const r of hung) r.destroy();
  await hangSite?.close();
  await dns?.close();
  await portal?.close();
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('browser audits on the sample portal', () => {
  it('opened the pages by name, resolved as the crawl resolved them', () => {
    const b = res.artifacts.browser!;
    expect(b.hostRules).toContain(`MAP ${HOST} 127.0.0.1`);
    expect(b.hostRules).toContain('MAP * ~NOTFOUND');
    const home = b.pages.find((p) => p.reasons.includes('home'))!;
    expect(home.error).toBeUndefined();
    expect(home.finalUrl).toBe(origin + '/');
    expect(home.axe).toBeDefined();
  });

  it('finds every planted accessibility violation with the right axe rule', () => {
    const plants = plantsOf(portal.manifest, { area: 'accessibility', nearMiss: false });
    expect(plants.length).toBeGreaterThanOrEqual(4);
    for (const plant of plants) {
      const hit = res.report.findings.find(
        (f) => f.audit === 'accessibility' && f.rule === plant.axeRule && (path(f.url) === plant.path || ((f.evidence.pages as string[] | undefined) ?? []).some((u) => path(u) === plant.path)),
      );
      expect(hit, `${plant.id}: ${plant.axeRule} on ${plant.path}`).toBeDefined();
      expect(hit!.refs.some((r) => r.doc.startsWith('GB/T 37668-2019'))).toBe(true);
      expect(hit!.evidence.selector).toBeTruthy();
      expect(hit!.evidence.snippet).toBeTruthy();
    }
  });

  it('finds nothing on the clean page', () => {
    const [clean] = plantsOf(portal.manifest, { kind: 'a11y-clean' });
    const page = res.artifacts.browser!.pages.find((p) => path(p.url) === clean.path)!;
    expect(page.axe).toBeDefined();
    expect(page.axe!.violations).toEqual([]);
    expect(res.report.findings.filter((f) => f.audit === 'accessibility' && !f.rule.startsWith('needs-review/') && path(f.url) === clean.path)).toEqual([]);
  });

  it('finds the 适老化 plants: the pop-up and the floating ad', () => {
    for (const plant of plantsOf(portal.manifest, { area: 'age-friendly' })) {
      const rule = plant.kind === 'popup' ? 'popup-on-load' : 'floating-layer';
      const hit = res.report.findings.find((f) => f.audit === 'age-friendly' && f.rule === rule && path(f.url) === plant.path);
      expect(hit, `${plant.id} on ${plant.path}`).toBeDefined();
      expect(String(hit!.evidence.snippet)).toContain(plant.evidence!.replace(/"/g, '"'));
    }
  });

  it('has markers written by scripts in the rendered text (not in the crawled HTML text)', () => {
    const js = portal.manifest.identity.jsOnlyPages[0];
    const r = res.artifacts.browser!.rendered.find((x) => path(x.url) === js)!;
    expect(r.footerText).toMatch(/网站标识码：3500000025/);
    const crawled = res.artifacts.pages.find((p) => path(p.url) === js);
    if (crawled) expect(crawled.footerText).not.toMatch(/网站标识码：3500000025/);
  });

  it('sees the links a script wrote off screen (暗链) in the rendered DOM, and none on the clean page', () => {
    const plant = portal.manifest.plants.find((p) => p.id === 'script-hidden-links')!;
    const page = res.artifacts.browser!.rendered.find((r) => r.url === origin + plant.path)!;
    expect(page.concealedLinks?.map((l) => [new URL(l.url).hostname, l.how])).toEqual(['tyzx-a', 'lygl-b', 'jkys-c', 'qczj-d', 'cjxw-e'].map((h) => [`www.${h}.example`, 'off-screen']));
    const clean = portal.manifest.plants.find((p) => p.id === 'a11y-clean')!.path;
    const cleanPage = res.artifacts.browser!.rendered.find((r) => r.url === origin + clean);
    expect(cleanPage).toBeDefined();
    expect(cleanPage!.concealedLinks).toBeUndefined();
  });

  it('a configured page that hangs fails alone (timeout), the others are audited', () => {
    const b = res.artifacts.browser!;
    const hang = b.pages.find((p) => p.url.endsWith('/hang.html'))!;
    expect(hang.errorKind).toBe('timeout');
    expect(b.pages.filter((p) => p.axe).length).toBe(b.pages.length - 1);
    expect(res.report.findings.some((f) => f.rule === 'page-not-audited' && f.url.endsWith('/hang.html'))).toBe(true);
  });

  it('keeps a screenshot of each page with violations beside the report, linked from it', () => {
    const b = res.artifacts.browser!;
    const withViolations = b.pages.filter((p) => p.axe?.violations.length);
    expect(withViolations.length).toBeGreaterThan(0);
    const html = readFileSync(res.files!.html, 'utf8');
    for (const p of withViolations) {
      expect(p.screenshot).toMatch(/^screenshots\/.+\.png$/);
      const file = join(out, p.screenshot!);
      expect(existsSync(file)).toBe(true);
      expect(readFileSync(file).subarray(1, 4).toString()).toBe('PNG');
      expect(html).toContain(`href="${p.screenshot}"`);
    }
  });

  it('ran Lighthouse once, on the homepage: four scores, the raw JSON beside the report', () => {
    const runs = res.artifacts.browser!.lighthouse;
    expect(runs).toHaveLength(1);
    const [lh] = runs;
    expect(lh.error).toBeUndefined();
    expect(Object.keys(lh.scores).sort()).toEqual(['accessibility', 'best-practices', 'performance', 'seo']);
    expect(lh.report).toMatch(/^lighthouse\/.+\.json$/);
    const raw = JSON.parse(readFileSync(join(out, lh.report!), 'utf8'));
    expect(raw.lighthouseVersion).toMatch(/^12\./);
    const a = res.report.audits.find((x) => x.id === 'lighthouse')!;
    expect(a.status).toBe('ran');
  });
});
