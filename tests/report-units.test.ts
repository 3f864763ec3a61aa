/**
 * Report parts on hand-made data: the task matrix (met / not met / not checkable / not for the
 * software, for every task of the table), the charts (inline SVG, escaped), the renderer's
 * self-containment and escaping, format parsing.
 */
import { describe, expect, it } from 'vitest';
import type { Report } from '../src/report/schema.ts';
import { TASKS, taskMatrix, type TaskRow, type TicketFigures } from '../src/report/tasks.ts';
import { barChartSvg, lineChartSvg } from '../src/report/charts.ts';
import { renderHtml } from '../src/report/html.ts';
import { parseFormats } from '../src/report/site.ts';
import { UsageError } from '../src/config/errors.ts';

const O = 'https://hyj.example.gov.cn';

function column(name: string, state: string, extra: Record<string, unknown> = {}) {
  return { name, entries: [name], url: state === 'missing' ? null : `${O}/${encodeURIComponent(name)}/index.html`, kind: 'other', periodDays: null, newest: null, ageDays: null, items: 3, datedItems: 0, listPages: 1, state, required: true, source: 'link', seedTasks: [], ...extra };
}

function report(o: { audits?: Report['audits']; pages?: Report['pages']; ipv6?: unknown; name?: string } = {}): Report {
  return {
    schemaVersion: 1,
    tool: { name: 'zhaocuo', version: 'test' },
    site: { url: `${O}/`, origin: O, host: 'hyj.example.gov.cn', ...(o.name ? { name: o.name } : {}) },
    run: { id: 7, today: '2026-11-20' },
    startedAt: '2026-11-20T00:00:00Z',
    finishedAt: '2026-11-20T00:01:00Z',
    summary: { pages: 1, links: 0, broken: 0, blocked: 0, skipped: 0, requests: 1, durationMs: 10, pagesByDepth: { 1: 1 }, findings: { critical: 0, high: 0, medium: 0, low: 0, info: 0 }, findingsTotal: 0 },
    pages: o.pages ?? [{ url: `${O}/`, status: 200, depth: 1, title: '首页', charset: 'utf-8' }],
    links: [],
    findings: [],
    audits: o.audits ?? [],
    ...(o.ipv6 ? { ipv6: o.ipv6 } : {}),
  };
}

const ran = (id: string, data: unknown): Report['audits'][number] => ({ id, title: { zh: id, en: id }, status: 'ran', findings: 0, refs: [], data });
const skipped = (id: string, reason: string): Report['audits'][number] => ({ id, title: { zh: id, en: id }, status: 'skipped', reason, findings: 0, refs: [] });
const row = (rows: TaskRow[], n: number) => rows.find((r) => r.n === n)!;
const tickets = (t: Partial<TicketFigures>): TicketFigures => ({ total: 0, counted: 0, onTime: 0, late: 0, overdueOpen: 0, pending: 0, rate: null, ...t });

describe('the task matrix', () => {
  it('lists all 36 tasks; exactly the software-checkable ones are judged, the rest 不可由软件判断 with why', () => {
    const rows = taskMatrix(report());
    expect(rows.map((r) => r.n)).toEqual(Array.from({ length: 36 }, (_, i) => i + 1));
    expect(rows.filter((r) => r.checkable).map((r) => r.n)).toEqual([3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 20, 25, 27, 28, 33, 35, 36]);
    for (const r of rows) {
      expect(r.lead.length, `task ${r.n}`).toBeGreaterThan(0);
      expect(r.evidence.length, `task ${r.n}`).toBeGreaterThan(0);
      if (!r.checkable) expect(r.state).toBe('manual');
      else expect(r.audits.length).toBeGreaterThan(0);
    }
    // Lead units as the table gives them.
    expect(row(rows, 28).lead).toEqual(['预报台']);
    expect(row(rows, 6).lead).toEqual(['计财处']);
    expect(TASKS.find((t) => t.n === 36)!.lead).toContain('水产处');
  });

  it('an audit that did not run makes its tasks not checkable, with the reason', () => {
    const rows = taskMatrix(report({ audits: [skipped('columns', '已在配置中关闭')] }));
    expect(row(rows, 3)).toMatchObject({ state: 'not-checkable' });
    expect(row(rows, 3).evidence[0]).toContain('已在配置中关闭');
    expect(row(rows, 28).state).toBe('not-checkable');
    expect(row(rows, 35).state).toBe('not-checkable');
  });

  it('columns: present → met; missing or blank → not met; 政策解读 must also be current for task 12', () => {
    const cols = [column('权责清单', 'present'), column('建议提案办理', 'blank'), column('政策解读', 'stale', { kind: 'policy', newest: '2026-01-02' }), column('双随机一公开', 'missing')];
    const rows = taskMatrix(report({ audits: [ran('columns', { columns: cols })] }));
    expect(row(rows, 3).state).toBe('met');
    expect(row(rows, 3).evidence[0]).toContain('“权责清单”栏目：存在');
    expect(row(rows, 4).state).toBe('not-met');
    expect(row(rows, 5).state).toBe('not-met');
    expect(row(rows, 5).evidence[0]).toContain('未找到');
    expect(row(rows, 12).state).toBe('not-met');
    expect(row(rows, 12).evidence[0]).toContain('超期未更新');
  });

  it('task 11: an interview or press conference within a year; an older one does not count', () => {
    const page = (title: string, publishedAt: string) => ({ url: `${O}/hdjl/${publishedAt}.html`, status: 200, depth: 3, title, charset: 'utf-8', publishedAt });
    const cols = ran('columns', { columns: [] });
    expect(row(taskMatrix(report({ audits: [cols], pages: [page('局长做客在线访谈', '2026-05-01')] })), 11).state).toBe('met');
    const old = row(taskMatrix(report({ audits: [cols], pages: [page('局长做客在线访谈', '2025-05-01')] })), 11);
    expect(old.state).toBe('not-met');
    expect(old.evidence[0]).toContain('只找到');
  });

  it('task 20: the 找错 on-time rate decides; without the store or with nothing due it cannot be judged', () => {
    expect(row(taskMatrix(report()), 20).state).toBe('not-checkable');
    expect(row(taskMatrix(report(), tickets({ total: 2, pending: 2 })), 20).state).toBe('not-checkable');
    expect(row(taskMatrix(report(), tickets({ total: 3, counted: 3, onTime: 3, rate: 1 })), 20).state).toBe('met');
    const late = row(taskMatrix(report(), tickets({ total: 4, counted: 4, onTime: 3, late: 1, overdueOpen: 1, rate: 0.75 })), 20);
    expect(late.state).toBe('not-met');
    expect(late.evidence[0]).toContain('按时率 75.0%');
  });

  it('tasks 25, 27, 28, 35 from their audits’ data', () => {
    const ipv6 = { aaaa: true, homepageV6: { ok: true, successRate: 1, probes: 3, succeeded: 3 }, sameContent: true, nameServers: { ok: true }, level2Rate: 0.8, level3Rate: 0.9, level2: { total: 10, supported: 8, threshold: 0.9, pass: false }, level3: { total: 10, supported: 9, threshold: 0.85, pass: true } };
    const rows = taskMatrix(report({
      ipv6,
      audits: [
        ran('ipv6', ipv6),
        ran('service-guides', { total: 5, complete: 5, incomplete: 0, severe: 0 }),
        ran('verdict', { verdict: '合格', score: 92, reasons: [], provisional: false }),
        ran('privacy', { pagesScanned: 10, pagesWithPii: 1, values: { 'id-number': 1, mobile: 0, 'bank-card': 0 } }),
      ],
    }));
    expect(row(rows, 25).state).toBe('met');
    expect(row(rows, 27).state).toBe('met');
    expect(row(rows, 28).state).toBe('not-met');
    expect(row(rows, 28).evidence.join()).toContain('二级链接支持率 80.0% 低于 90.0%');
    expect(row(rows, 35).state).toBe('not-met');
    expect(row(rows, 35).evidence[0]).toContain('居民身份证号码 1 个');
  });
});

describe('charts', () => {
  it('inline SVG with an escaped accessible name; gaps for runs that did not measure', () => {
    const svg = lineChartSvg({ title: '<script>x</script>', labels: ['#1', '#2', '#3'], series: [{ name: 'a', values: [1, null, 3] }, { name: 'b', values: [2, 2, 2] }] });
    expect(svg.startsWith('<svg role="img" aria-label="&lt;script&gt;x&lt;/script&gt;"')).toBe(true);
    expect(svg).not.toMatch(/<script/i);
    expect(svg).not.toMatch(/<style/i);
    expect(svg).toContain('&lt;script&gt;x&lt;/script&gt;');
    // ECharts writes font families in a double-quoted style attribute: ours are single-quoted.
    expect(svg).not.toMatch(/font-family:"/);
    expect(barChartSvg({ title: '更新量', labels: ['动态'], values: [3] })).toMatch(/^<svg role="img"/);
  });
});

describe('the renderer', () => {
  it('is self-contained and keeps site strings inert, with or without the store’s extras', () => {
    const page = renderHtml(report({ name: '<img src=x onerror=alert(1)>局' }));
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; img-src data: &#39;self&#39;">`);
    expect(page).toContain('<link rel="icon" href="data:,">');
    expect(page).not.toMatch(/<img src=x/);
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;局');
    expect(page).not.toMatch(/<script|https?:\/\/(?!hyj\.example\.gov\.cn)[^"]*\.(css|js|png|woff)/i);
    // The style sheet is ours and is not escaped (quoted font names intact).
    expect(page).toContain('font-family:"Microsoft YaHei"');
    expect(page).toContain('<section id="trends">');
    expect(page.indexOf('id="verdict"')).toBeLessThan(page.indexOf('id="trends"'));
  });

  it('--format values', () => {
    expect(parseFormats('html, PDF,xlsx,html')).toEqual(['html', 'pdf', 'xlsx']);
    expect(() => parseFormats('docx')).toThrow(UsageError);
    expect(() => parseFormats('pdf', ['html', 'xlsx'])).toThrow(/html,xlsx/);
  });
});
