/**
 * The annual work report form (政府网站工作年度报表) from the store: three stored runs of the
 * sample portal (two broken links fixed between them) and 找错 tickets filed by people with
 * known dates. Its prefilled figures — runs, problems found and fixed, tickets received and
 * closed with their mean handling days, the footer identity, updates by column kind — agree
 * with the store; the HTML marks the blanks for the webmaster; the xlsx reads back the same.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { buildReportFixture, type ReportFixture } from './report-fixture.ts';
import { main } from '../src/cli/index.ts';
import { annualForms, isBlank, type AnnualForm } from '../src/report/annual.ts';
import { renderAnnualHtml } from '../src/report/sections/annual.ts';
import { annualXlsx } from '../src/report/xlsx.ts';
import { parseConfig } from '../src/config/load.ts';
import { ticketContext } from '../src/tickets/context.ts';
import { createTicket, updateTicket } from '../src/tickets/service.ts';
import { esc } from '../src/report/escape.ts';

let fx: ReportFixture;
let form: AnnualForm;
const TZ = 'Asia/Shanghai';
const at = (iso: string) => ticketContext(parseConfig({}), { now: () => new Date(iso) });
const actor = { name: '测试' };
/** People's tickets: received (UTC) → closed (UTC) or open. */
const PEOPLE: { source: 'manual' | 'import' | 'extension'; received: string; closed?: string }[] = [
  { source: 'manual', received: '2026-03-02T01:00:00Z', closed: '2026-03-03T01:00:00Z' },
  { source: 'extension', received: '2026-03-02T01:00:00Z', closed: '2026-03-06T01:00:00Z' },
  { source: 'manual', received: '2026-06-01T02:00:00Z' },
  // Received in 2025, closed in 2026: counts as closed in 2026, not as received.
  { source: 'import', received: '2025-12-30T01:00:00Z', closed: '2026-01-05T01:00:00Z' },
];

const one = <T>(sql: string, ...args: unknown[]) => fx.db.prepare(sql).get(...args) as T;
const field = (f: AnnualForm, block: string, label: string) => {
  const x = f.blocks.find((b) => b.id === block)!.fields.find((y) => y.label.startsWith(label));
  if (!x) throw new Error(`no field ${block}/${label}`);
  return x;
};

beforeAll(async () => {
  fx = await buildReportFixture();
  PEOPLE.forEach((p, i) => {
    const { ticket } = createTicket(fx.db, at(p.received), { source: p.source, pageUrl: `${fx.origin}/`, category: '错别字', description: `首页第 ${i + 1} 处错字`, site: fx.origin, receivedAt: new Date(p.received), externalId: p.source === 'import' ? `MSG-${i}` : null }, actor);
    if (p.closed) updateTicket(fx.db, at(p.closed), ticket.id, { status: '已答复', reply: '已更正' }, actor);
  });
  [form] = annualForms(fx.db, { year: 2026, site: fx.origin, timezone: TZ });
}, 240_000); // three audited runs: minutes on a loaded 2-core machine
afterAll(() => fx?.close());

describe('the form, prefilled from the store', () => {
  it('安全防护: the year’s security checks, the distinct security problems they found (not typos or links), and those a later run found fixed', () => {
    const runs = fx.runs.map((r) => r.runId!);
    const SEC = "('integrity', 'https', 'privacy')";
    const secRuns = one<{ n: number }>(`SELECT count(DISTINCT run_id) AS n FROM audit_data WHERE status = 'ran' AND audit IN ${SEC} AND run_id IN (${runs.join(',')})`).n;
    expect(secRuns).toBe(runs.length);
    expect(field(form, 'security', '安全检测评估次数').value).toBe(secRuns);
    const secFound = one<{ n: number }>(`SELECT count(DISTINCT fingerprint) AS n FROM findings WHERE audit IN ${SEC} AND run_id IN (${runs.join(',')})`).n;
    const found = one<{ n: number }>(`SELECT count(DISTINCT fingerprint) AS n FROM findings WHERE run_id IN (${runs.join(',')})`).n;
    expect(secFound).toBeGreaterThan(0);
    expect(secFound).toBeLessThan(found);
    expect(field(form, 'security', '发现问题数量').value).toBe(secFound);
    // Each figure says what it counts.
    expect(field(form, 'security', '发现问题数量').source).toMatch(/仅安全类问题（暗链、挂马与篡改迹象、HTTPS 证书与混合内容、个人信息泄露）[\s\S]*不含不可用链接、栏目更新、错别字/);
    expect(field(form, 'security', '全部检查问题').value).toBe(found);
    expect(field(form, 'security', '全部检查问题').extra).toBe(true);
    // Fixed: last seen before the last run, and that run ran the audit and fetched the page.
    const gone = fx.db.prepare(
      `SELECT fingerprint, audit, url, max(run_id) AS last FROM findings WHERE run_id IN (${runs.join(',')}) GROUP BY fingerprint HAVING last < ?`,
    ).all(runs[2]) as { fingerprint: string; audit: string; url: string; message?: string }[];
    const fixed = gone.filter((g) => one<{ c: number }>("SELECT EXISTS (SELECT 1 FROM audit_data WHERE run_id = ? AND audit = ? AND status = 'ran') AS c", runs[2], g.audit).c && one<{ c: number }>('SELECT EXISTS (SELECT 1 FROM pages WHERE run_id = ? AND url = ? AND status BETWEEN 200 AND 299) AS c', runs[2], g.url).c);
    expect(field(form, 'security', '其中已整改').value).toBe(fixed.length);
    expect(field(form, 'security', '问题整改数量').value).toBe(fixed.filter((f) => ['integrity', 'https', 'privacy'].includes(f.audit)).length);
    // The two repaired links are among them.
    const messages = fx.db.prepare(`SELECT DISTINCT message FROM findings WHERE fingerprint IN (${fixed.map(() => '?').join(',')})`).all(...fixed.map((f) => f.fingerprint)) as { message: string }[];
    for (const t of fx.fixedTargets) expect(messages.some((m) => m.message.includes(t)), t).toBe(true);
    expect(isBlank(field(form, 'security', '是否开展应急演练'))).toBe(true);
  });

  it('互动交流: 找错 tickets reported by people, received and closed in the year, mean handling days', () => {
    expect(field(form, 'interaction', '收到留言数量').value).toBe(3);
    expect(field(form, 'interaction', '办结留言数量').value).toBe(3);
    const days = PEOPLE.filter((p) => p.closed).map((p) => (Date.parse(p.closed!) - Date.parse(p.received)) / 86_400_000);
    expect(field(form, 'interaction', '平均办理时间').value).toBe(Math.round((days.reduce((s, d) => s + d, 0) / days.length) * 10) / 10);
    const onTime = one<{ n: number }>("SELECT count(*) AS n FROM tickets WHERE source != 'audit' AND closed_at >= '2026' AND closed_at <= due_at").n;
    expect(field(form, 'interaction', '其中：2 个工作日内按时办结').value).toBe(onTime);
    // Tickets the audit filed are not messages: the source line says how many were left out.
    const audit = one<{ n: number }>("SELECT count(*) AS n FROM tickets WHERE source = 'audit'").n;
    expect(audit).toBeGreaterThan(0);
    expect(field(form, 'interaction', '收到留言数量').source).toContain(`不含自动检查工单 ${audit} 件`);
  });

  it('header: name, homepage, sponsor and filing numbers as the identity audit read them', () => {
    const last = fx.runs[2].runId!;
    const id = JSON.parse(one<{ data_json: string }>("SELECT data_json FROM audit_data WHERE run_id = ? AND audit = 'identity'", last).data_json) as { markers: { marker: string; value: string | null }[] };
    const value = (m: string) => id.markers.find((x) => x.marker === m)!.value;
    expect(field(form, 'header', '网站名称').value).toBe('示例省海洋与渔业局');
    expect(field(form, 'header', '首页网址').value).toBe(`${fx.origin}/`);
    expect(field(form, 'header', 'ICP备案编号').value).toBe(value('icp'));
    expect(field(form, 'header', '公安机关备案号').value).toBe(value('police'));
    expect(field(form, 'header', '网站标识码').value).toBe(value('siteCode'));
    expect(field(form, 'header', '主办单位').value).toBe(value('sponsor'));
    expect(isBlank(field(form, 'header', '网站总访问量'))).toBe(true);
  });

  it('信息发布: the year’s dated items, each under one column kind', () => {
    const items = (fx.db.prepare(
      "SELECT DISTINCT p.url FROM pages p JOIN runs r ON r.id = p.run_id WHERE r.status = 'complete' AND p.published_at BETWEEN '2026-01-01' AND '2026-12-31' AND p.status BETWEEN 200 AND 299",
    ).all() as { url: string }[]).filter((p) => !/\/(?:index(?:_\d+)?\.html?)?$/.test(p.url));
    expect(items.length).toBeGreaterThan(50);
    expect(field(form, 'publish', '总数').value).toBe(items.length);
    expect(form.updates.reduce((s, u) => s + u.count, 0)).toBe(items.length);
    // Every 2026 item of 工作动态 is counted among the 政务动态.
    const gzdt = items.filter((p) => p.url.includes('/xwdt/gzdt/')).length;
    expect(gzdt).toBeGreaterThan(0);
    expect(Number(field(form, 'publish', '政务动态').value)).toBeGreaterThanOrEqual(gzdt);
    expect(form.updates.find((u) => u.kind === 'dynamic')!.count).toBeGreaterThanOrEqual(gzdt);
    // 解读: the 政策解读 items of the year, the 图解 one as a 解读产品.
    expect(Number(field(form, 'interpret', '解读产品数量').value)).toBeGreaterThanOrEqual(1);
  });

  it('leaves out the sites with no audit run in the year (all sites), and says which', () => {
    fx.db.prepare("INSERT INTO sites (origin, name, created_at) VALUES ('https://never.example.gov.cn', '未检查的网站', ?)").run(new Date().toISOString());
    const forms = annualForms(fx.db, { year: 2026, timezone: TZ });
    expect(forms.map((f) => f.origin)).toEqual([fx.origin]);
    expect(forms.leftOut).toEqual(['https://never.example.gov.cn']);
    expect(() => annualForms(fx.db, { year: 2024, timezone: TZ })).toThrow(/2024 年没有任何网站完成检查运行/);
  });

  it('another year knows no runs and no tickets', () => {
    const [f] = annualForms(fx.db, { year: 2024, site: fx.origin, timezone: TZ });
    expect(field(f, 'security', '安全检测评估次数').value).toBe(0);
    expect(isBlank(field(f, 'security', '发现问题数量'))).toBe(true);
    expect(field(f, 'interaction', '收到留言数量').value).toBe(0);
  });
});

describe('as HTML and xlsx', () => {
  it('HTML: every prefilled value beside its label, every blank marked 待填写, nothing from the site live', () => {
    const html = renderAnnualHtml([form]);
    const fields = form.blocks.flatMap((b) => b.fields);
    for (const x of fields) {
      if (isBlank(x)) continue;
      expect(html, x.label).toContain(`${esc(x.label)}${x.extra ? ' <span class="muted">（本工具补充）</span>' : ''}</td><td class="v">${esc(x.value)}</td>`);
    }
    expect(html.match(/<td class="v blank">待填写<\/td>/g)!.length).toBe(fields.filter((x) => isBlank(x) && !x.extra).length);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('<svg');
  });

  it('xlsx: the same values, blanks highlighted', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await annualXlsx([form])) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    const rows = new Map<string, ExcelJS.Row>();
    ws.eachRow((r) => rows.set(String(r.getCell(2).value), r));
    for (const b of form.blocks) {
      for (const x of b.fields) {
        const r = rows.get(`${x.label}${x.extra ? '（本工具补充）' : ''}`)!;
        expect(r, x.label).toBeDefined();
        expect(r.getCell(1).value).toBe(b.title);
        if (isBlank(x)) {
          if (!x.extra) expect((r.getCell(3).fill as ExcelJS.FillPattern).fgColor?.argb, x.label).toBe('FFFEF9C3');
        } else expect(r.getCell(3).value, x.label).toBe(x.value);
      }
    }
  });

  it('zhaocuo annual writes both; a bad year or an unknown site exits 2', async () => {
    const out = join(fx.dir, 'annual');
    expect(await main(['node', 'zhaocuo', 'annual', '--year', '2026', '--db', fx.dbPath, '--out', out])).toBe(0);
    expect(existsSync(join(out, 'annual-2026.html'))).toBe(true);
    expect(existsSync(join(out, 'annual-2026.xlsx'))).toBe(true);
    expect(readFileSync(join(out, 'annual-2026.html'), 'utf8')).toContain('政府网站工作年度报表');
    expect(await main(['node', 'zhaocuo', 'annual', '--year', '26', '--db', fx.dbPath, '--out', out])).toBe(2);
    expect(await main(['node', 'zhaocuo', 'annual', '--year', '2026', '--site', 'http://nowhere.example', '--db', fx.dbPath, '--out', out])).toBe(2);
  });
});
