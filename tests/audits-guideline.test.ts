/**
 * The guideline audits (identity, columns, service-guides, interaction) against the real sample
 * portal: one crawl for the file, every assertion checked against the portal's manifest — each
 * planted defect is found (true case) and each near miss is not reported (false positive absent).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSamplePortal, type SamplePortal } from '../src/sample-portal/server.ts';
import { plantById, plantsOf } from '../src/sample-portal/manifest.ts';
import { parseConfig } from '../src/config/load.ts';
import { auditSite, type AuditSiteResult } from '../src/run/audit-site.ts';
import type { Finding } from '../src/audit/types.ts';
import identity, { type IdentityData } from '../audits/identity.ts';
import columns, { type ColumnsData } from '../audits/columns.ts';
import serviceGuides, { type ServiceGuidesData } from '../audits/service-guides.ts';
import interaction, { type InteractionData } from '../audits/interaction.ts';

let sp: SamplePortal;
let res: AuditSiteResult;
let splitPage: string;
const url = (path: string) => sp.url + path;
const findings = (audit: string, rule?: string): Finding[] => res.result.findings.filter((f) => f.audit === audit && (!rule || f.rule === rule));
const data = <T>(id: string) => res.result.data[id] as T;

beforeAll(async () => {
  sp = await startSamplePortal({ host: '127.0.0.1' });
  const m = sp.manifest;
  splitPage = plantById(m, 'identity-split').path;
  res = await auditSite({
    startUrl: `${sp.url}/`,
    config: parseConfig({
      today: m.today,
      // The split-footer page is always in the identity sample; the JS-only page must be picked
      // by the default sampling (one page per footer variant).
      audits: { identity: { options: { include: [splitPage] } } },
    }),
    db: null,
    outDir: null,
    audits: [identity, columns, serviceGuides, interaction],
  });
}, 60_000);

afterAll(async () => {
  await sp?.close();
});

describe('identity', () => {
  it('reads every marker in the homepage footer (near miss: nothing reported missing or malformed)', () => {
    const d = data<IdentityData>('identity');
    const home = d.pages.find((p) => p.homepage)!;
    expect(home.url).toBe(url(plantById(sp.manifest, 'identity-plain').path));
    const site = sp.manifest.site;
    expect(home.markers.siteCode).toMatchObject({ state: 'footer', value: site.siteCode, valid: true });
    expect(home.markers.icp).toMatchObject({ state: 'footer', value: site.icp, valid: true });
    expect(home.markers.police).toMatchObject({ state: 'footer', value: site.police, valid: true });
    expect(home.markers.sponsor).toMatchObject({ state: 'footer', value: site.sponsor });
    expect(home.markers.contact.value).toContain(site.phone);
    expect(home.markers.conac).toMatchObject({ state: 'footer', variant: 'party' });
    expect(home.markers.jiucuo.state).toBe('footer');
    // Text markers are everywhere; the old-site (legacy) template lacks only the badge and the
    // 找错 entry, which is reported at low severity, never on the homepage.
    for (const f of findings('identity', 'marker-missing')) {
      expect(['conac', 'jiucuo']).toContain(f.evidence.marker);
      expect(f.severity).toBe('low');
      expect(f.evidence.pages).not.toContain(home.url);
    }
    expect(findings('identity', 'marker-malformed')).toEqual([]);
    expect(findings('identity', 'marker-not-in-footer')).toEqual([]);
    expect(findings('identity', 'conac-institution')).toEqual([]);
  });

  it('reads markers split across tags as whole values', () => {
    const p = data<IdentityData>('identity').pages.find((x) => x.url === url(splitPage))!;
    expect(p).toBeDefined();
    expect(p.markers.siteCode).toMatchObject({ state: 'footer', value: '3500000025', valid: true });
    expect(p.markers.icp).toMatchObject({ state: 'footer', value: sp.manifest.site.icp, valid: true });
    expect(p.markers.police).toMatchObject({ state: 'footer', value: sp.manifest.site.police, valid: true });
    expect(p.markers.sponsor.value).toBe(sp.manifest.site.sponsor);
    expect(p.markers.contact.value).toContain(sp.manifest.site.phone);
  });

  it('reads the markers of a GBK-encoded page (the old-site template) in the sample', () => {
    const gbk = new Set(sp.manifest.pages.filter((p) => p.encoding === 'gbk').map((p) => url(p.path)));
    const sampled = data<IdentityData>('identity').pages.filter((p) => gbk.has(p.url));
    expect(sampled.length).toBeGreaterThan(0);
    for (const p of sampled) {
      expect(p.markers.siteCode).toMatchObject({ value: sp.manifest.site.siteCode, valid: true });
      expect(p.markers.icp.value).toBe(sp.manifest.site.icp);
      expect(p.markers.police.value).toBe(sp.manifest.site.police);
      expect(p.markers.sponsor.value).toBe(sp.manifest.site.sponsor);
    }
  });

  it('reports the 网站标识码 written only by JavaScript as "only after scripts", with its value', () => {
    const jsPage = url(plantById(sp.manifest, 'identity-js-only').path);
    const p = data<IdentityData>('identity').pages.find((x) => x.url === jsPage)!;
    expect(p.markers.siteCode).toMatchObject({ state: 'script', value: '3500000025' });
    const f = findings('identity', 'marker-script-only');
    expect(f).toHaveLength(1);
    expect(f[0].evidence.marker).toBe('siteCode');
    expect(f[0].evidence.pages).toEqual([jsPage]);
    expect(f[0].message).toContain('网站标识码');
    expect(f[0].severity).toBe('low');
    // the other markers on that page are plain text: not reported
    expect(p.markers.icp.state).toBe('footer');
  });

  it('gives one info finding for an IP-address host, not a flood of domain findings', () => {
    const domain = res.result.findings.filter((f) => f.audit === 'identity' && f.rule.startsWith('domain-'));
    expect(domain.map((f) => [f.rule, f.severity])).toEqual([['domain-ip-host', 'info']]);
  });

  it('names rule references on every finding', () => {
    for (const f of res.result.findings) expect(f.refs.length, `${f.audit}/${f.rule}`).toBeGreaterThan(0);
  });
});

describe('columns', () => {
  const listColumns = () => sp.manifest.columns.filter((c) => c.layout === 'list' || c.layout === 'table');

  it('reports exactly the planted stale columns', () => {
    const stale = findings('columns', 'column-stale').map((f) => f.url).sort();
    const planted = plantsOf(sp.manifest, { kind: 'stale-column' }).map((p) => url(p.path)).sort();
    expect(planted.length).toBeGreaterThan(0);
    expect(stale).toEqual(planted);
    expect(stale).toEqual(sp.manifest.columns.filter((c) => c.stale).map((c) => url(c.path)).sort());
  });

  it('does not report the near-miss columns (政策文件 5 months old, 规划计划 within 12 months)', () => {
    const d = data<ColumnsData>('columns');
    for (const p of plantsOf(sp.manifest, { kind: 'fresh-column', nearMiss: true })) {
      const rec = d.columns.find((c) => c.url === url(p.path))!;
      expect(rec.state, p.id).toBe('fresh');
      expect(rec.ageDays).toBe(p.ageDays);
      expect(findings('columns').some((f) => f.url === url(p.path))).toBe(false);
    }
    const zcwj = d.columns.find((c) => c.name === '政策文件')!;
    expect(zcwj).toMatchObject({ kind: 'policy', periodDays: 183, state: 'fresh' });
    expect(zcwj.ageDays).toBeGreaterThan(120);
  });

  it('reports exactly the planted blank columns', () => {
    const blank = findings('columns', 'column-blank').map((f) => f.url).sort();
    expect(blank).toEqual(plantsOf(sp.manifest, { kind: 'blank-column' }).map((p) => url(p.path)).sort());
  });

  it('reads every list column: newest date and item count over its list pages, as generated', () => {
    const d = data<ColumnsData>('columns');
    for (const c of listColumns()) {
      const rec = d.columns.find((r) => r.url === url(c.path));
      expect(rec, c.name).toBeDefined();
      expect([rec!.name, rec!.newest, rec!.items, rec!.listPages]).toEqual([rec!.name, c.newestDate, c.itemCount, c.listPages]);
    }
  });

  it('finds catalog columns by synonym (负责人信息 as 领导信息) and reports columns the site lacks', () => {
    const d = data<ColumnsData>('columns');
    expect(d.columns.find((c) => c.name === '负责人信息')?.url).toBe(url(sp.manifest.columns.find((c) => c.key === 'ldxx')!.path));
    const missing = findings('columns', 'column-missing').map((f) => f.evidence.column);
    const names = new Set(sp.manifest.columns.map((c) => c.name));
    expect(names.has('统计信息')).toBe(false);
    expect(findings('columns', 'column-missing').some((f) => f.evidence.column === '统计信息')).toBe(true);
    // nothing the portal has is reported missing
    for (const f of findings('columns', 'column-missing')) expect(names.has(String(f.evidence.column)), String(missing)).toBe(false);
  });

  it('judges the homepage updated and returns both veto items, not hit, with seed-task references', () => {
    const d = data<ColumnsData>('columns');
    expect(d.homepage).toMatchObject({ updated: true, navOnly: false });
    expect(d.homepage.ageDays).toBeLessThanOrEqual(14);
    expect(findings('columns', 'homepage-not-updated')).toEqual([]);
    expect(d.veto.map((v) => [v.item, v.hit])).toEqual([['首页不更新', false], ['栏目不更新', false]]);
    expect(d.deductions.every((x) => x.unconfirmed)).toBe(true);
    const ssjygk = findings('columns').find((f) => f.url === url('/zwgk/ssjygk/ccjg/index.html'))!;
    expect(ssjygk.refs.some((r) => r.source === 'regulation' && r.item?.startsWith('第二十条'))).toBe(true);
    const d2 = d.columns.find((c) => c.name === '权责清单')!;
    expect(d2.seedTasks).toContain(3);
  });
});

describe('service-guides', () => {
  it('reports each guide missing categories with exactly the missing ones', () => {
    const byUrl = new Map(findings('service-guides', 'guide-incomplete').map((f) => [f.url, f]));
    for (const g of sp.manifest.guides) {
      const f = byUrl.get(url(g.path));
      if (g.grade === 'complete') {
        expect(f, `${g.title} is complete`).toBeUndefined();
        continue;
      }
      expect(f, g.title).toBeDefined();
      expect([...(f!.evidence.missing as string[])].sort()).toEqual([...g.missing].sort());
      expect(f!.severity).toBe(g.grade === 'severe' ? 'high' : 'low');
      expect(f!.refs.some((r) => r.source === 'seed' && r.item === '25')).toBe(true);
    }
    expect(byUrl.size).toBe(sp.manifest.guides.filter((g) => g.grade !== 'complete').length);
  });

  it('counts the guides missing ≥4 categories; below the veto line', () => {
    const d = data<ServiceGuidesData>('service-guides');
    expect(d.total).toBe(sp.manifest.guides.length);
    expect(d.severe).toBe(sp.manifest.guides.filter((g) => g.grade === 'severe').length);
    expect(d.severe).toBe(sp.manifest.badGuides);
    expect(d.veto).toMatchObject({ item: '服务不实用', hit: false, evaluated: true });
    expect(findings('service-guides', 'no-online-services')).toEqual([]);
  });
});

describe('interaction', () => {
  it('reports the message unanswered for more than 3 months, and not the recent pending one', () => {
    const old = plantById(sp.manifest, 'message-unanswered-120d');
    const recent = sp.manifest.messages.find((m) => m.id === plantById(sp.manifest, 'message-pending-recent').extra!.messageId)!;
    const f = findings('interaction', 'message-unanswered');
    expect(f).toHaveLength(sp.manifest.interaction.unansweredOver90);
    expect(f[0].url).toBe(url(old.path));
    expect(f[0].evidence.asked).toBe(old.extra!.askedDate);
    expect(f.some((x) => x.evidence.asked === recent.askedDate)).toBe(false);
    expect(findings('interaction', 'message-late-reply')).toEqual([]);
  });

  it('reads question and reply dates: counts and mean reply days as generated', () => {
    const d = data<InteractionData>('interaction');
    const s = sp.manifest.interaction;
    expect([d.total, d.answered, d.unanswered]).toEqual([s.total, s.answered, s.unanswered]);
    expect(d.meanReplyDays).toBe(s.meanReplyDays);
    expect(d.maxReplyDays).toBe(s.maxReplyDays);
    const fast = sp.manifest.messages.find((m) => m.id === plantById(sp.manifest, 'message-fast-reply').extra!.messageId)!;
    expect(d.messages.find((m) => m.title === fast.title)).toMatchObject({ asked: fast.askedDate, replied: fast.repliedDate, replyDays: 1 });
  });

  it('finds the working consultation channels and hits 互动回应差 for the overdue message', () => {
    const d = data<InteractionData>('interaction');
    expect(d.channels.filter((c) => c.working).map((c) => c.name).sort()).toEqual(['在线咨询', '领导信箱']);
    expect(findings('interaction', 'no-consultation-channel')).toEqual([]);
    expect(d.veto).toMatchObject({ item: '互动回应差', hit: true });
  });
});
