/**
 * The runner on the sample portal: every planted link defect and its near miss, the GBK
 * section, robots, the sitemap orphan, exact link depths, one request per URL, the stored
 * run and the report contract. Browser and IPv6 passes have their own test files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSamplePortal, type SamplePortal } from '../src/sample-portal/server.ts';
import { parseConfig } from '../src/config/load.ts';
import { auditSite, type AuditSiteResult } from '../src/run/audit-site.ts';
import { ALL_AUDITS } from '../audits/index.ts';
import { reportJsonSchema, reportSchema } from '../src/report/schema.ts';
import { openDb } from '../src/store/db.ts';
import { listRuns, runFindings } from '../src/store/runs.ts';

let portal: SamplePortal;
let res: AuditSiteResult;
let dir: string;
const TODAY = '2026-11-20';

beforeAll(async () => {
  portal = await startSamplePortal({ pages: 200, today: TODAY, host: '127.0.0.1' });
  dir = mkdtempSync(join(tmpdir(), 'zhaocuo-sample-'));
  const config = parseConfig({ today: TODAY, ipv6: { enabled: false }, browser: { enabled: false }, site: { name: '示例省海洋与渔业局' } });
  const audits = ALL_AUDITS.filter((a) => !['ipv6', 'accessibility', 'age-friendly', 'lighthouse'].includes(a.meta.id));
  res = await auditSite({ startUrl: portal.url + '/', config, db: join(dir, 'z.db'), outDir: join(dir, 'report'), audits });
}, 60_000);

afterAll(() => portal?.close());

const abs = (p: string) => (p.startsWith('http') ? p : portal.url + p);
const linkFindings = () => res.result.findings.filter((f) => f.audit === 'links');
const targetOf = (f: { evidence: Record<string, unknown> }) => String(f.evidence.target);

describe('planted link defects and their near misses', () => {
  const plants = () => portal.manifest.plants.filter((p) => p.area === 'links' && p.target);

  it('every planted broken link is a finding on the page that has it', () => {
    const broken = plants().filter((p) => p.expectedState === 'broken');
    expect(broken.length).toBeGreaterThanOrEqual(7);
    for (const p of broken) {
      const f = linkFindings().find((x) => targetOf(x) === abs(p.target!) && x.rule !== 'blocked-link');
      expect(f, p.id).toBeDefined();
      expect((f!.evidence.pages as string[]).includes(abs(p.path)), p.id).toBe(true);
    }
  });

  it('no near miss is reported as broken', () => {
    for (const p of plants().filter((x) => x.expectedState === 'ok')) {
      const bad = linkFindings().filter((x) => targetOf(x) === abs(p.target!) && ['broken-link', 'missing-anchor', 'redirect-loop'].includes(x.rule));
      expect(bad, p.id).toEqual([]);
    }
  });

  it('soft 404: only the planted "not found" page is one, no real page of the portal', () => {
    const soft = linkFindings().filter((f) => /软 404/.test(String(f.evidence.error)));
    expect(soft.map((f) => targetOf(f))).toEqual(plants().filter((p) => p.kind === 'soft-404').map((p) => abs(p.target!)));
  });

  it('bot protection is blocked, not broken', () => {
    const p = plants().find((x) => x.expectedState === 'blocked')!;
    expect(linkFindings().find((x) => targetOf(x) === p.target)?.rule).toBe('blocked-link');
  });

  it('the 3-hop redirect chain and the loop', () => {
    const chain = portal.manifest.plants.find((x) => x.id === 'redirect-chain')!;
    expect(linkFindings().find((x) => x.rule === 'redirect-chain' && targetOf(x) === abs(chain.target!))).toBeDefined();
    const loop = portal.manifest.plants.find((x) => x.id === 'redirect-loop')!;
    expect(linkFindings().find((x) => x.rule === 'redirect-loop' && targetOf(x) === abs(loop.target!))).toBeDefined();
  });

  it('names its rule and the deduction', () => {
    for (const f of linkFindings()) expect(f.refs.length).toBeGreaterThan(0);
    const data = res.result.data.links as { deduction: { total: number }; otherBroken: number };
    expect(data.otherBroken).toBeGreaterThanOrEqual(6);
    expect(data.deduction.total).toBeCloseTo(data.otherBroken * 0.1 + (res.result.data.links as { homepageBroken: number }).homepageBroken, 5);
  });
});

describe('crawl on the portal', () => {
  it('reads the GBK legacy section, however its charset is declared', () => {
    for (const p of portal.manifest.plants.filter((x) => x.area === 'encoding')) {
      const page = res.artifacts.pages.find((x) => x.url === abs(p.path));
      expect(page?.text, p.id).toContain(p.evidence!);
    }
  });

  it('gives every manifest page its exact link depth (二级, 三级 …), the orphan none', () => {
    const byUrl = new Map(res.artifacts.pages.map((p) => [p.url, p]));
    let checked = 0;
    for (const m of portal.manifest.pages) {
      const page = byUrl.get(abs(m.path === '/' ? '/' : m.path));
      expect(page, m.path).toBeDefined();
      expect(page!.depth, m.path).toBe(m.depth);
      checked++;
    }
    expect(checked).toBe(portal.manifest.htmlPageCount);
  });

  it('never requests a robots-disallowed page, and requests every URL at most once', () => {
    expect(portal.requests.get('GET /private/secret.html') ?? 0).toBe(0);
    const twice = [...portal.requests].filter(([, n]) => n > 1);
    expect(twice).toEqual([]);
    const ext = [...portal.external.requests].filter(([k, n]) => n > 1 && !k.includes('slow429'));
    expect(ext).toEqual([]);
  });

  it('survives the endless calendar', () => {
    const cal = res.artifacts.pages.filter((p) => p.url.includes('/calendar.html?'));
    expect(cal.length).toBeGreaterThan(0);
    expect(cal.length).toBeLessThanOrEqual(50);
  });
});

describe('store and report', () => {
  it('keeps the run, its pages and findings in SQLite', () => {
    const db = openDb(join(dir, 'z.db'));
    const [run] = listRuns(db);
    expect(run).toMatchObject({ id: res.runId, status: 'complete' });
    expect(runFindings(db, run.id).length).toBe(res.report.findings.length);
    const pages = db.prepare('SELECT count(*) AS n FROM pages WHERE run_id = ?').get(run.id) as { n: number };
    expect(pages.n).toBe(res.report.pages.length);
    db.close();
  });

  it('report.json follows its schema, and the published JSON Schema is current', () => {
    const json = JSON.parse(readFileSync(join(dir, 'report', 'report.json'), 'utf8'));
    expect(() => reportSchema.parse(json)).not.toThrow();
    expect(json.pages[0]).toHaveProperty('depth');
    expect(json.links[0]).toHaveProperty('state');
    const published = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'schema', 'report.schema.json'), 'utf8'));
    const { $id, title, ...rest } = published;
    expect(rest).toEqual(JSON.parse(JSON.stringify(reportJsonSchema())));
  });

  it('escapes a hostile page title in the HTML report', () => {
    const html = readFileSync(join(dir, 'report', 'index.html'), 'utf8');
    const hostile = portal.manifest.plants.find((p) => p.id === 'hostile-title')!;
    const page = res.artifacts.pages.find((p) => p.url === abs(hostile.path))!;
    expect(page.title).toMatch(/<script>|onerror/);
    expect(html).not.toMatch(/<script>alert|<img src=x onerror/i);
    expect(html).not.toMatch(/<script/i);
    // It is there, as inert text.
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('every finding names a rule reference and a responsible division', () => {
    for (const f of res.report.findings) {
      expect(f.refs.length, f.id).toBeGreaterThan(0);
      expect(f.division, f.id).toBeTruthy();
    }
  });
});

describe('tampering plants (integrity): each found with its rule, no near miss reported', () => {
  const plants = () => portal.manifest.plants.filter((p) => p.area === 'integrity');
  const found = (rule: string, path: string) => res.result.findings.filter((f) => f.audit === 'integrity' && f.rule === rule && f.url === abs(path));

  it('finds the hidden gambling links, the cloaking script, the script-written hidden links and the hijacked keywords', () => {
    const expected = plants().filter((p) => !p.nearMiss);
    expect(expected.map((p) => p.kind).sort()).toEqual(['cloaking-script', 'hidden-links', 'illegal-link', 'spider-cloaking', 'spider-cloaking', 'title-hijack']);
    for (const p of expected.filter((x) => x.kind !== 'spider-cloaking')) expect(found(p.kind, p.path), p.id).toHaveLength(1);
    // The homepage's double life: crawlers get a gambling title and links, search visitors a redirect.
    expect(found('spider-cloaking', '/').map((f) => f.evidence.as).sort()).toEqual(['search-visitor', 'spider']);
    // …while the crawl (and anyone typing the address) saw the real homepage, once.
    expect(res.artifacts.pages.find((p) => p.depth === 1)!.title).not.toMatch(/百家乐/);
    expect(portal.requests.get('SPIDER GET /')).toBe(1);
    expect(portal.requests.get('SEARCH GET /')).toBe(1);
    const illegal = found('illegal-link', plants().find((p) => p.id === 'illegal-hidden-links')!.path)[0];
    expect((illegal.evidence.links as unknown[]).length).toBe(6);
    // The three serious ones make 严重问题 hit; the hidden links alone would not.
    const veto = res.report.findings.find((f) => f.audit === 'verdict' && f.rule === 'veto-严重问题');
    expect(veto).toBeDefined();
  });

  it('names the gambling sites in the HTML report without ever linking to them', () => {
    const html = readFileSync(join(dir, 'report', 'index.html'), 'utf8');
    expect(html).toContain('www.xpj-vip.example');
    expect(html).not.toMatch(/href="[^"]*(xpj-vip|pj8888|bjl-vip)\.example/);
  });

  it('reports nothing else: not the crackdown news, the hidden sub-menu, the back button, nor any other page', () => {
    const integrity = res.result.findings.filter((f) => f.audit === 'integrity');
    expect(integrity).toHaveLength(6);
    const nearMissPage = plants().find((p) => p.id === 'crackdown-news')!.path;
    expect(integrity.filter((f) => f.url === abs(nearMissPage)).map((f) => f.rule)).toEqual(['illegal-link']);
    expect(res.artifacts.pages.find((p) => p.url === abs(nearMissPage))!.links.some((l) => l.url.includes('.example/'))).toBe(false); // hidden links are not crawled
  });
});

describe('site search (near miss: it works)', () => {
  it('finds the titles it was asked for, so nothing is reported', () => {
    const d = res.report.audits.find((a) => a.id === 'search')!.data as { evaluated: boolean; queries: number; found: number };
    expect(d).toMatchObject({ evaluated: true, queries: 2, found: 2 });
    expect(res.result.findings.filter((f) => f.audit === 'search')).toEqual([]);
    expect([...portal.requests.keys()].filter((k) => k.startsWith('GET /search?'))).toHaveLength(2);
  });
});
