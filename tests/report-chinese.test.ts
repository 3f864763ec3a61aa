/**
 * All Chinese where a user reads (issue 14): the HTML report of a real audit of the sample
 * portal, opened in headless Chromium, names every finding by its Chinese label; rule ids, audit
 * ids and English severities appear nowhere in the visible text (document.body.innerText) but
 * in the small grey 「规则」 field; no English fragments ("soft 404", "no AAAA record",
 * "redirect loop", "timeout") in messages or evidence; evidence reads as fields, never JSON.
 * The same for the xlsx export. One browser for the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ExcelJS from 'exceljs';
import puppeteer, { type Browser } from 'puppeteer-core';
import { buildReportFixture, type ReportFixture } from './report-fixture.ts';
import { findBrowser } from '../src/gather/browser/find.ts';
import { BASE_ARGS, headlessMode } from '../src/gather/browser/flags.ts';
import { renderHtml } from '../src/report/html.ts';
import { findingExportRows, reportXlsx, FINDING_COLUMNS, SHEETS } from '../src/report/xlsx.ts';
import { AUDIT_ZH, RULE_ZH, SEVERITY_ZH, ruleLabel } from '../src/audit/labels.ts';
import { evidenceFields, evidenceText } from '../src/report/evidence.ts';
import { ALL_AUDITS } from '../audits/index.ts';
import { leaks, pageText } from './helpers/visible-text.ts';
import type { Report } from '../src/report/schema.ts';

let fx: ReportFixture;
let browser: Browser;

beforeAll(async () => {
  fx = await buildReportFixture({ ipv6: true, runs: 1 });
  browser = await puppeteer.launch({ executablePath: findBrowser(), headless: headlessMode(findBrowser()), args: [...BASE_ARGS] });
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await fx?.close();
});

/** The text a person sees, with the 「规则」 fields taken out and every folded list opened. */
async function visibleText(file: string): Promise<{ text: string; ruleFields: string[] }> {
  const page = await browser.newPage();
  try {
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    return await pageText(page);
  } finally {
    await page.close();
  }
}

describe('the HTML report of an audit', () => {
  it('names findings in Chinese; ids only in the grey 规则 field; no English fragments', async () => {
    const r = fx.runs[0];
    const { text, ruleFields } = await visibleText(r.files!.html);
    expect(text).toContain('政府网站检查报告');
    expect(text).toContain('链接不可用');
    expect(text).toContain('栏目缺失');
    expect(text).toMatch(/严重|一般/);
    expect(leaks(text, r.report.findings.map((f) => f.rule))).toEqual([]);
    // The ids are there for those who look them up, and only there.
    expect(ruleFields.some((t) => /规则\s*broken-link/.test(t))).toBe(true);
    expect(ruleFields.length).toBeGreaterThanOrEqual(r.report.findings.length);
    // Evidence as fields: never a JSON object.
    expect(text).not.toMatch(/\{"|":\s*"/);
    expect(text).toMatch(/问题链接：|HTTP 状态：|引用页面：/);
  });

  it('names browser audits (axe, Lighthouse), veto items and link errors in Chinese too', async () => {
    const base = fx.runs[0].report;
    const extra = (audit: string, rule: string, severity: Report['findings'][number]['severity'], message: string, evidence: Record<string, unknown>) =>
      ({ id: `x-${rule}`, audit, rule, severity, url: base.site.url, message, fingerprint: `fp-${rule}`, refs: [], division: null, evidence });
    const report: Report = {
      ...base,
      audits: [
        ...base.audits,
        { id: 'accessibility', title: { zh: '无障碍（GB/T 37668）', en: 'Accessibility (WCAG 2.1 AA)' }, status: 'ran', findings: 2, refs: [] } as Report['audits'][number],
        { id: 'lighthouse', title: { zh: 'Lighthouse 页面质量', en: 'Lighthouse' }, status: 'ran', findings: 2, refs: [] } as Report['audits'][number],
      ],
      findings: [
        ...base.findings,
        extra('accessibility', 'color-contrast', 'high', '元素必须满足最小颜色对比度比率阈值', { selector: 'p.x', impact: 'serious', wcag: ['1.4.3'], help: '元素必须满足最小颜色对比度比率阈值', helpUrl: 'https://dequeuniversity.com/rules/axe/4.14/color-contrast' }),
        extra('accessibility', 'needs-review/color-contrast', 'info', '需人工复核', {}),
        extra('lighthouse', 'score/best-practices', 'low', 'Lighthouse 最佳实践得分 72 分', { category: 'best-practices', formFactor: 'mobile', value: '72' }),
        extra('lighthouse', 'uses-http2', 'info', 'Lighthouse 未通过：未使用 HTTP/2', { categories: ['performance'] }),
        extra('links', 'broken-link', 'medium', '链接不可用', { target: 'http://127.0.0.2:59999/x', error: '连接被拒绝', pages: [base.site.url], pageCount: 1 }),
      ],
    };
    const file = join(fx.dir, 'synthetic.html');
    writeFileSync(file, renderHtml(report));
    const { text, ruleFields } = await visibleText(file);
    expect(leaks(text, report.findings.map((f) => f.rule))).toEqual([]);
    expect(text).toContain('需人工复核：元素必须满足最小颜色对比度比率阈值');
    expect(text).toContain('Lighthouse 最佳实践得分偏低');
    expect(text).toContain('Lighthouse 未通过项');
    expect(text).toContain('影响程度：较重');
    expect(text).toContain('模拟设备：移动端');
    expect(ruleFields.join(' ')).toContain('uses-http2');
  });
});

describe('the label table', () => {
  it('names every audit as its meta does, and every rule the audits write literally', async () => {
    for (const a of ALL_AUDITS) expect(AUDIT_ZH[a.meta.id], a.meta.id).toBe(a.meta.title.zh);
    const { readFileSync, readdirSync } = await import('node:fs');
    const dir = join(import.meta.dirname, '..', 'audits');
    const literal = new Set<string>();
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts'))) {
      const src = readFileSync(join(dir, f), 'utf8');
      for (const line of src.split('\n').filter((l) => /\brule: /.test(l))) for (const m of line.matchAll(/'([a-z0-9]+(?:-[a-z0-9]+)+|typo|defacement)'/g)) literal.add(m[1]);
      for (const m of src.matchAll(/(?:levelFinding|domainFinding)\('([a-z0-9-]+)'|'(marker-[a-z-]+)'|'(unmasked-[a-z0-9-]+)'|'(outdated-name|serious-wording)'/g))
        for (const g of m.slice(1)) if (g) literal.add(g);
    }
    expect(literal.size).toBeGreaterThan(50);
    const unnamed = [...literal].filter((r) => !RULE_ZH[r]);
    expect(unnamed).toEqual([]);
    expect(Object.values(SEVERITY_ZH)).toEqual(['否决', '严重', '一般', '轻微', '提示']);
    expect(ruleLabel('wording', 'some-new-rule')).toBe('表述与错别字问题');
    expect(ruleLabel('verdict', 'veto-栏目不更新')).toBe('单项否决：栏目不更新');
  });

  it('reads evidence as fields: lists as lists, known ids as Chinese, machine data left out', () => {
    const e = { target: 'http://x.example/a', status: 404, pages: ['http://x.example/', 'http://x.example/b'], pageCount: 2, requestHeaders: { 'user-agent': 'x' }, rect: { x: 1 }, kind: 'notice', refs: [], findingId: 'f1' };
    const f = evidenceFields(e);
    expect(f.map((x) => x.label)).toEqual(['问题链接', 'HTTP 状态', '类别', '引用页面']);
    expect(f.find((x) => x.key === 'pages')!.value).toMatchObject({ kind: 'list', items: [{ kind: 'link' }, { kind: 'link' }] });
    expect(evidenceText(e)).toBe('问题链接：http://x.example/a\nHTTP 状态：HTTP 404\n类别：通知公告类\n引用页面：http://x.example/；http://x.example/b');
    // Illegal content is never a link.
    expect(evidenceFields({ serious: true, target: 'http://bad.example/' })[0].value).toEqual({ kind: 'code', text: 'http://bad.example/' });
  });
});

describe('the xlsx export', () => {
  it('has the Chinese rule name and the evidence as fields beside the rule id', async () => {
    const rows = findingExportRows(fx.db, fx.runs[0].runId!, { timezone: 'Asia/Shanghai' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await reportXlsx({ findings: rows, tickets: [], timezone: "Asia/Shanghai" })) as unknown as ExcelJS.Buffer);
    const ws = wb.getWorksheet(SHEETS.findings)!;
    const col = (h: string) => FINDING_COLUMNS.findIndex((c) => c.header === h) + 1;
    let broken = 0;
    ws.eachRow((row, n) => {
      if (n === 1) return;
      const rule = String(row.getCell(col('规则')).value);
      const name = String(row.getCell(col('问题名称')).value);
      const ev = String(row.getCell(col('证据')).value ?? '');
      expect(name).not.toContain(rule);
      expect(name).toMatch(/[\u4e00-\u9fff]/);
      expect(ev).not.toMatch(/\{"|":/);
      if (rule === 'broken-link') {
        broken++;
        expect(name).toBe('链接不可用');
        expect(ev).toMatch(/^问题链接：http/m);
      }
    });
    expect(broken).toBeGreaterThan(0);
  });
});
