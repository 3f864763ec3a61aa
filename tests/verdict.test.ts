/**
 * The inspection verdict over hand-built audit data: veto items hit / not hit / 未评估,
 * deductions capped at their weights, the pass mark, departments without external services,
 * and 严重问题 from serious wording — the last one through the real runner and wording audit.
 */
import { describe, expect, it } from 'vitest';
import verdict, { judge, VETO_ITEMS, type VerdictData } from '../audits/verdict.ts';
import wording from '../audits/wording.ts';
import links from '../audits/links.ts';
import { runAudits } from '../src/audit/run.ts';
import type { Finding, VerdictInputs } from '../src/audit/types.ts';
import { parseConfig } from '../src/config/load.ts';
import type { Artifacts, PageArtifact } from '../src/gather/artifacts.ts';
import { parseHtml } from '../src/gather/parse.ts';

const HOME = 'https://hyj.example.gov.cn/';

function page(url: string, html: string, depth: number | null = 1, status = 200): PageArtifact {
  const p = parseHtml(html, url);
  return {
    url, finalUrl: url, status, redirects: [], contentType: 'text/html', charset: 'utf-8', charsetSource: 'header', headers: {},
    timingMs: 1, bytes: html.length, depth, fromSitemap: false, title: p.title, lang: p.lang, text: p.text, footerText: p.footerText,
    scriptText: p.scriptText, headings: p.headings, labels: p.labels, links: p.links, images: p.images, forms: p.forms, lists: p.lists,
    anchors: p.anchors, meta: p.meta, publishedAt: p.publishedAt,
  };
}

function artifacts(pages: PageArtifact[]): Artifacts {
  return {
    site: { startUrl: HOME, origin: 'https://hyj.example.gov.cn', host: 'hyj.example.gov.cn' },
    pages, targets: [], robots: { url: HOME + 'robots.txt', found: false, honoured: true, disallowedUrls: [], sitemaps: [] },
    sitemap: { urls: [], found: false }, crawl: { pages: pages.length, targets: 0, requests: pages.length, bytes: 0, durationMs: 1, limited: 0 },
  };
}

const OPTS = verdict.meta.options.parse({});
const homeOnly = artifacts([page(HOME, '<html><title>示例省海洋与渔业局</title><body>首页</body></html>')]);

function run(data: Record<string, unknown>, findings: Finding[] = [], options: Record<string, unknown> = {}) {
  const res = verdict.run({ artifacts: homeOnly, options: verdict.meta.options.parse(options), today: '2026-11-20', findings, data });
  return { ...res, v: res.data as VerdictData };
}

/** Every veto item evaluated and clean. */
const clean = (): Record<string, VerdictInputs> => ({
  probe: { veto: { item: '站点无法访问', hit: false, evaluated: true, evidence: '一周 140 次探测，失败 0 次' } },
  columns: {
    veto: [
      { item: '首页不更新', hit: false, evidence: '首页最新信息 2026-11-18' },
      { item: '栏目不更新', hit: false, evidence: '超期栏目 1 个，空白栏目 0 个' },
    ],
    deductions: [{ item: '栏目更新', points: 2, cap: 8, unconfirmed: true }],
  },
  interaction: { veto: { item: '互动回应差', hit: false, evidence: '领导信箱可用，无超3个月未回复留言' } },
  'service-guides': { veto: { item: '服务不实用', hit: false, evidence: '办事指南 8 个，要素缺失≥4类的 1 个' } },
  wording: { veto: { item: '严重问题', hit: false, evaluated: true, evidence: '未发现严重表述错误' } },
  links: { deductions: [{ item: '链接不可用', points: 1.3, cap: 5, unconfirmed: true }] },
});

describe('verdict', () => {
  it('lists every veto item of the inspection rules, in order; a clean site passes', () => {
    const { v, findings } = run(clean());
    expect(v.vetoes.map((x) => x.item)).toEqual([...VETO_ITEMS]);
    expect(v.vetoes.every((x) => x.evaluated && !x.hit)).toBe(true);
    expect(v.vetoes.find((x) => x.item === '栏目不更新')!.evidence).toBe('超期栏目 1 个，空白栏目 0 个');
    expect(v.verdict).toBe('合格');
    expect(v.score).toBe(96.7);
    expect(v.provisional).toBe(false);
    expect(findings).toEqual([]);
  });

  it('any veto hit makes the site 不合格, whatever the score, with one critical finding per hit item', () => {
    const data = clean();
    (data.columns.veto as { hit: boolean; evidence: string }[])[1] = { item: '栏目不更新', hit: true, evidence: '6 个栏目超期未更新：工作动态、通知公告…' } as never;
    data.interaction = { veto: { item: '互动回应差', hit: true, evidence: '2 条咨询超过3个月未回复' } };
    const { v, findings } = run(data);
    expect(v.verdict).toBe('不合格');
    expect(v.score).toBe(96.7);
    expect(v.reasons).toEqual(['单项否决：栏目不更新', '单项否决：互动回应差']);
    expect(findings.map((f) => f.rule)).toEqual(['veto-栏目不更新', 'veto-互动回应差']);
    expect(findings.every((f) => f.severity === 'critical' && f.url === HOME && f.refs?.some((r) => r.source === 'inspection'))).toBe(true);
    expect(findings[0].message).toContain('6 个栏目超期未更新');
  });

  it('shows items no audit evaluated as 未评估, never as passed', () => {
    const { v } = run({ links: clean().links, columns: { veto: { item: '首页不更新', hit: false, evaluated: false, evidence: '首页无带日期的信息列表' } } });
    const by = Object.fromEntries(v.vetoes.map((x) => [x.item, x]));
    for (const item of ['站点无法访问', '首页不更新', '栏目不更新', '互动回应差', '服务不实用', '严重问题']) {
      expect(by[item].evaluated, item).toBe(false);
      expect(by[item].hit, item).toBe(false);
    }
    expect(by['首页不更新'].evidence).toBe('首页无带日期的信息列表');
    expect(by['栏目不更新'].evidence).toBe('本次检查没有审计项评估此指标');
    expect(by['站点无法访问'].evidence).toContain('一周');
    expect(v.provisional).toBe(true);
    expect(v.verdict).toBe('合格'); // nothing hit; the report says the verdict is provisional
  });

  it('caps each deduction at its weight and merges the same item from two audits', () => {
    const v = judge(
      {
        links: { deductions: [{ item: '链接不可用', points: 12.4, cap: 5, unconfirmed: true }] },
        identity: { deductions: [{ item: '网站标识', points: 1, cap: 3 }] },
        columns: { deductions: [{ item: '网站标识', points: 1.5, cap: 3 }, { item: '栏目更新', points: 0, cap: 8 }] },
        junk: { deductions: [{ item: 'no points' }], veto: 'not a veto' },
      },
      [],
      OPTS,
    );
    const by = Object.fromEntries(v.deductions.map((d) => [d.item, d]));
    expect(by['链接不可用']).toMatchObject({ points: 5, raw: 12.4, cap: 5, unconfirmed: true });
    expect(by['网站标识']).toMatchObject({ points: 2.5, raw: 2.5, cap: 3, unconfirmed: false, sources: ['identity', 'columns'] });
    expect(v.deductions).toHaveLength(3);
    expect(v.score).toBe(92.5);
    expect(v.unconfirmedNote).toContain('链接不可用');
    expect(v.unconfirmedNote).not.toContain('网站标识');
    expect(judge({ a: { deductions: [{ item: 'x', points: 1, cap: 2 }] } }, [], OPTS).unconfirmedNote).toBeNull();
  });

  it('fails below the pass mark even without a veto hit, with a score finding', () => {
    const data: Record<string, VerdictInputs> = {
      ...clean(),
      a: { deductions: [{ item: '信息发布', points: 30, cap: 20 }, { item: '互动交流', points: 14, cap: 15 }] },
      b: { deductions: [{ item: '办事服务', points: 9, cap: 10 }] },
    };
    const { v, findings } = run(data);
    // 100 − (2 + 1.3 + 20 + 14 + 9) = 53.7
    expect(v.score).toBe(53.7);
    expect(v.verdict).toBe('不合格');
    expect(v.reasons).toEqual(['得分 53.7 低于 60 分']);
    expect(findings.map((f) => f.rule)).toEqual(['score-below-pass']);
    expect(run(data, [], { passMark: 50 }).v.verdict).toBe('合格');
  });

  it('scores a department without external services out of 75 × 4/3; 服务 items do not apply', () => {
    const data: Record<string, VerdictInputs> = {
      ...clean(),
      'service-guides': { veto: { item: '服务不实用', hit: true, evidence: '无在线服务' }, deductions: [{ item: '办事服务', points: 10, cap: 25 }] },
    };
    const { v, findings } = run(data, [], { noExternalServices: true });
    const service = v.vetoes.find((x) => x.item === '服务不实用')!;
    expect(service).toMatchObject({ hit: false, evaluated: false, notApplicable: true });
    expect(v.deductions.find((d) => d.item === '办事服务')).toMatchObject({ points: 0, excluded: true });
    // (75 − 3.3) × 4/3 = 95.6
    expect(v.base).toBe(75);
    expect(v.score).toBe(95.6);
    expect(v.verdict).toBe('合格');
    expect(v.provisional).toBe(false);
    expect(findings).toEqual([]);
    expect(run(data).v.verdict).toBe('不合格');
  });

  it('counts findings marked serious by any audit under 严重问题', () => {
    const marked = { id: 'security-1', audit: 'security', rule: 'defaced', severity: 'critical', url: HOME, message: '首页被篡改', fingerprint: 'x', refs: [], division: null, evidence: { serious: true } } as Finding;
    const { v, findings } = run(clean(), [marked]);
    const serious = v.vetoes.find((x) => x.item === '严重问题')!;
    expect(serious.hit).toBe(true);
    expect(serious.evidence).toContain('首页被篡改');
    expect(serious.sources).toEqual(['wording', 'security']);
    expect(findings.map((f) => f.rule)).toEqual(['veto-严重问题']);
  });

  it('takes 严重问题 from serious wording through the real runner: critical finding, veto hit, 不合格', () => {
    const arts = artifacts([
      page(HOME, '<html><title>示例省海洋与渔业局</title><body><p>欢迎访问。</p></body></html>'),
      page(HOME + 'a.html', '<html><title>交流活动</title><body><p>本次活动邀请了台湾政府有关人员参加，并就渔业合作交换意见。</p></body></html>', 2),
    ]);
    const result = runAudits(arts, parseConfig({ today: '2026-11-20' }), '2026-11-20', [links, wording, verdict]);
    const wf = result.findings.find((f) => f.audit === 'wording')!;
    expect(wf).toMatchObject({ rule: 'serious-wording', severity: 'critical', url: HOME + 'a.html' });
    expect(wf.evidence).toMatchObject({ value: '台湾政府', correction: '台湾当局', serious: true });
    const v = result.data.verdict as VerdictData;
    expect(v.verdict).toBe('不合格');
    const serious = v.vetoes.find((x) => x.item === '严重问题')!;
    expect(serious).toMatchObject({ hit: true, evaluated: true, sources: ['wording'] });
    expect(serious.evidence).toContain('台湾政府');
    expect(result.findings.filter((f) => f.audit === 'verdict').map((f) => f.rule)).toEqual(['veto-严重问题']);

    const ok = runAudits(artifacts([arts.pages[0]]), parseConfig({ today: '2026-11-20' }), '2026-11-20', [links, wording, verdict]);
    expect(ok.findings.filter((f) => f.audit === 'verdict')).toEqual([]);
    expect((ok.data.verdict as VerdictData).vetoes.find((x) => x.item === '严重问题')).toMatchObject({ hit: false, evaluated: true });
  });

  it('notes an unreachable homepage under 站点无法访问 without judging it from one run', () => {
    const down = artifacts([page(HOME, '', 1, 503)]);
    const res = verdict.run({ artifacts: down, options: OPTS, today: '2026-11-20', findings: [], data: {} });
    const access = (res.data as VerdictData).vetoes[0];
    expect(access).toMatchObject({ item: '站点无法访问', hit: false, evaluated: false });
    expect(access.evidence).toContain('HTTP 503');

    const probed = verdict.run({ artifacts: down, options: OPTS, today: '2026-11-20', findings: [], data: { availability: { veto: { item: '站点无法访问', hit: false, evaluated: false, evidence: '近一周仅 12 次探测，不足以判定' } } } });
    const kept = (probed.data as VerdictData).vetoes[0];
    expect(kept).toMatchObject({ evaluated: false, sources: ['availability'] });
    expect(kept.evidence).toContain('近一周仅 12 次探测');
    expect(kept.evidence).toContain('HTTP 503');
  });
});
