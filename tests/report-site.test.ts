/**
 * The site report from stored runs of the sample portal (three nights, a fix and a new break
 * between them): the store rebuilds the report the run wrote; the audit run's index.html and
 * `zhaocuo report` come from one renderer; the figures in the HTML, the xlsx (read back with
 * exceljs) and the CSV agree with the store; new/fixed since the run before by fingerprint;
 * the task matrix; hostile strings from the site stay inert; the CLI contract.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { buildReportFixture, HOSTILE_MOBILE, HOSTILE_TITLE, type ReportFixture } from './report-fixture.ts';
import { main } from '../src/cli/index.ts';
import { reportFromStore } from '../src/report/from-store.ts';
import { renderHtml } from '../src/report/html.ts';
import { reportSchema } from '../src/report/schema.ts';
import { reportExtras, siteReportData, writeSiteReport } from '../src/report/site.ts';
import { writeReport } from '../src/report/write.ts';
import { TASKS } from '../src/report/tasks.ts';
import { SHEETS } from '../src/report/xlsx.ts';
import { formatLocal } from '../src/tickets/zoned.ts';
import { parseCsv } from '../src/tickets/csv.ts';

let fx: ReportFixture;
const TZ = 'Asia/Shanghai';
const ids = () => fx.runs.map((r) => r.runId!);

beforeAll(async () => {
  fx = await buildReportFixture();
}, 240_000); // three audited runs: minutes on a loaded 2-core machine
afterAll(() => fx?.close());

const q = <T>(sql: string, ...args: unknown[]) => fx.db.prepare(sql).all(...args) as T[];
const one = <T>(sql: string, ...args: unknown[]) => fx.db.prepare(sql).get(...args) as T;
const storedData = <T>(runId: number, audit: string) => JSON.parse(one<{ data_json: string }>('SELECT data_json FROM audit_data WHERE run_id = ? AND audit = ?', runId, audit).data_json) as T;
const section = (html: string, id: string) => html.match(new RegExp(`<section id="${id}">[\\s\\S]*?</section>`))?.[0] ?? '';
/** Cells of the trends table row of a run (text, tags stripped). */
function trendRow(html: string, runId: number): string[] {
  const row = html.match(new RegExp(`<tr><td>#${runId}</td>([\\s\\S]*?)</tr>`))?.[1] ?? '';
  return [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1].replace(/<[^>]+>/g, '').trim());
}

describe('one report, from the run or from the store', () => {
  it('the store rebuilds the report the run wrote', () => {
    for (const r of fx.runs) {
      const s = reportFromStore(fx.db, r.runId!);
      const json = JSON.parse(readFileSync(r.files!.json, 'utf8'));
      expect(s.summary).toEqual(json.summary);
      expect(s.findings).toEqual(json.findings);
      // Why an audit was skipped too (browser and IPv6 off in these runs).
      expect(s.audits.map((a) => [a.id, a.status, a.reason ?? null, a.findings, a.data ?? null])).toEqual(json.audits.map((a: { id: string; status: string; reason?: string; findings: number; data?: unknown }) => [a.id, a.status, a.reason ?? null, a.findings, a.data ?? null]));
      expect(s.audits.filter((a) => a.status === 'skipped').every((a) => a.reason)).toBe(true);
      const pageKey = (p: { url: string; status: number; depth: number | null; title: string; publishedAt?: string }) => JSON.stringify([p.url, p.status, p.depth, p.title, p.publishedAt ?? null]);
      expect(s.pages.map(pageKey).sort()).toEqual(json.pages.map(pageKey).sort());
      expect(s.links.map((l) => `${l.url} ${l.state} ${l.fromCount}`).sort()).toEqual(json.links.map((l: { url: string; state: string; fromCount: number }) => `${l.url} ${l.state} ${l.fromCount}`).sort());
      // The redirect chains (the portal plants a 3-hop chain and a loop).
      const chains = (links: { url: string; redirects?: string[] }[]) => Object.fromEntries(links.filter((l) => l.redirects).map((l) => [l.url, l.redirects]));
      expect(Object.keys(chains(json.links)).length).toBeGreaterThan(0);
      expect(chains(s.links)).toEqual(chains(json.links));
      expect(() => reportSchema.parse(s)).not.toThrow();
    }
  });

  it('the audit run’s index.html and zhaocuo report render the same verdict, task evidence and findings', () => {
    const last = fx.runs[2];
    const written = readFileSync(last.files!.html, 'utf8');
    const data = siteReportData(fx.db, last.runId!, 10);
    const rebuilt = renderHtml(data.report, { trends: data.trends, tickets: data.tickets });
    expect(section(written, 'verdict')).not.toBe('');
    expect(section(rebuilt, 'verdict')).toBe(section(written, 'verdict'));
    for (const a of ['links', 'columns', 'identity', 'privacy', 'wording', 'service-guides', 'interaction']) {
      expect(section(rebuilt, `audit-${a}`), a).toBe(section(written, `audit-${a}`));
    }
    // The run is stored before its report is written, so the run's own report has the trends too.
    expect(section(written, 'trends')).toContain('<svg');
    expect(section(written, 'trends').replace(/zr\d+-/g, '')).toBe(section(rebuilt, 'trends').replace(/zr\d+-/g, ''));
    expect(written).toMatch(/<tr id="task-20">/);
  });

  it('with the store’s extras the run’s own report shows the same trends and task matrix as zhaocuo report', () => {
    const last = fx.runs[2];
    const now = new Date();
    const data = siteReportData(fx.db, last.runId!, 10, now);
    const files = writeReport(join(fx.dir, 'run-3-with-store'), last.report, reportExtras(fx.db, last.runId!, 10, now));
    const written = readFileSync(files.html, 'utf8');
    const rebuilt = renderHtml(data.report, { trends: data.trends, tickets: data.tickets });
    expect(section(written, 'trends')).toContain('<svg');
    expect(section(written, 'trends').replace(/zr\d+-/g, '')).toBe(section(rebuilt, 'trends').replace(/zr\d+-/g, ''));
    // Why an audit was skipped is stored: the task matrix names the same reasons.
    expect(section(written, 'tasks')).toMatch(/审计项：/);
    expect(section(rebuilt, 'tasks')).toBe(section(written, 'tasks'));
  });
});

describe('zhaocuo report: the figures agree with the store', () => {
  let out: string;
  let html: string;
  const run3 = () => ids()[2];

  beforeAll(async () => {
    out = join(fx.dir, 'report-cli');
    const code = await main(['node', 'zhaocuo', 'report', '--site', `${fx.origin}/`, '--last', '5', '--format', 'html,xlsx,csv,json', '--out', out, '--db', fx.dbPath]);
    expect(code).toBe(0);
    html = readFileSync(join(out, 'index.html'), 'utf8');
  });

  it('writes every format, for the newest run of the site', () => {
    for (const f of ['index.html', 'report.xlsx', 'findings.csv', 'tickets.csv', 'report.json']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(html).toContain(`运行 #${run3()}`);
    expect(() => reportSchema.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')))).not.toThrow();
  });

  it('verdict, score and deductions are the stored verdict', () => {
    const v = storedData<{ verdict: string; score: number; deductions: { item: string; points: number }[] }>(run3(), 'verdict');
    const s = section(html, 'verdict');
    expect(s).toContain(`${v.verdict}　<span>${v.score} 分</span>`);
    for (const d of v.deductions) expect(s).toMatch(new RegExp(`${d.item}[\\s\\S]*?<td class="num">${d.points}</td>`));
  });

  it('each run’s row of the trends table is that run in the store', () => {
    for (const id of ids()) {
      const cells = trendRow(html, id);
      const pages = one<{ n: number }>('SELECT count(*) AS n FROM pages WHERE run_id = ?', id).n;
      const broken = one<{ n: number }>("SELECT count(*) AS n FROM links WHERE run_id = ? AND state = 'broken'", id).n;
      const findings = one<{ n: number }>('SELECT count(*) AS n FROM findings WHERE run_id = ?', id).n;
      const cols = storedData<{ counts: { stale: number; blank: number } }>(id, 'columns').counts;
      const score = storedData<{ score: number }>(id, 'verdict').score;
      const today = one<{ today: string }>('SELECT today FROM runs WHERE id = ?', id).today;
      // 运行 | 日期 | 页面 | 不可用链接 | 超期 | 空白 | 无障碍 | 二级 | 三级 | 得分 | 结论 | 按时率 | 问题总数
      expect(cells, `run ${id}`).toEqual([today, String(pages), String(broken), String(cols.stale), String(cols.blank), '—', '—', '—', String(score), expect.any(String), expect.any(String), String(findings)]);
    }
    const brokenByRun = ids().map((id) => one<{ n: number }>("SELECT count(*) AS n FROM links WHERE run_id = ? AND state = 'broken'", id).n);
    expect(brokenByRun[1]).toBe(brokenByRun[0] - 2); // two fixed
    expect(brokenByRun[2]).toBe(brokenByRun[1] + 1); // one new
  });

  it('new since the run before: the fingerprints run 3 has and run 2 had not', () => {
    const fresh = q<{ fingerprint: string; message: string }>('SELECT fingerprint, message FROM findings WHERE run_id = ? AND fingerprint NOT IN (SELECT fingerprint FROM findings WHERE run_id = ?)', ids()[2], ids()[1]);
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.some((f) => f.message.includes(fx.brokenTarget))).toBe(true);
    const list = html.match(/<div id="new-since">([\s\S]*?)<\/div><div id="fixed-since">/)![1];
    expect((list.match(/<li>/g) ?? []).length).toBe(fresh.length);
    expect(list).toContain(fx.brokenTarget);
    expect(html).toContain(`新发现 <b class="fail">${fresh.length}</b> 个`);
  });

  it('fixed since the run before: run 2’s report lists the two repaired targets, and the tickets were verified', async () => {
    const out2 = join(fx.dir, 'report-run2');
    const r = await writeSiteReport(fx.db, { runId: ids()[1], last: 10, outDir: out2, formats: ['html', 'xlsx'], timezone: TZ });
    const gone = q<{ fingerprint: string; message: string }>('SELECT fingerprint, message FROM findings WHERE run_id = ? AND fingerprint NOT IN (SELECT fingerprint FROM findings WHERE run_id = ?)', ids()[0], ids()[1]);
    expect(r.trends.fixedSince.map((f) => f.fingerprint).sort()).toEqual(gone.map((g) => g.fingerprint).sort());
    for (const t of fx.fixedTargets) expect(r.trends.fixedSince.some((f) => f.message.includes(t)), t).toBe(true);
    const page = readFileSync(r.files.html!, 'utf8');
    const fixedList = page.match(/<div id="fixed-since">([\s\S]*?)<\/div><\/div>/)![1];
    for (const t of fx.fixedTargets) expect(fixedList).toContain(t);
    // The ticket of the fixed high-severity link was verified by run 2 (已整改).
    const verified = q<{ status: string }>('SELECT status FROM tickets WHERE verified_run_id = ?', ids()[1]);
    expect(verified.length).toBeGreaterThan(0);
    // xlsx: the 已整改 sheet has them.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(r.files.xlsx!);
    const ws = wb.getWorksheet(SHEETS.fixed)!;
    expect(ws.rowCount - 1).toBe(gone.length);
  });

  it('the 找错 figures of task 20 are the site’s tickets in the store', () => {
    const total = one<{ n: number }>('SELECT count(*) AS n FROM tickets WHERE site_id = (SELECT id FROM sites WHERE origin = ?)', fx.origin).n;
    expect(total).toBeGreaterThan(0);
    const row = html.match(/<tr id="task-20">([\s\S]*?)<\/tr>/)![1];
    expect(row).toContain(`找错工单 ${total} 件`);
  });

  it('the task matrix lists every task of the table; the software-checkable ones judged with evidence', () => {
    const rows = [...html.matchAll(/<tr id="task-(\d+)">([\s\S]*?)<\/tr>/g)];
    expect(rows.map((m) => Number(m[1]))).toEqual(TASKS.map((t) => t.n));
    expect(rows).toHaveLength(36);
    const checkable = [3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 20, 25, 27, 28, 33, 35, 36];
    for (const [, n, body] of rows) {
      if (checkable.includes(Number(n))) expect(body, `task ${n}`).toMatch(/st-(met|not-met|not-checkable)/);
      else expect(body, `task ${n}`).toContain('不可由软件判断');
    }
    // The portal has no 重大建设项目 column: task 7 is not met, with the column named.
    expect(rows.find((m) => m[1] === '7')![2]).toMatch(/st-not-met[\s\S]*重大建设项目/);
    // It has 权责清单: task 3 met. IPv6 was off: task 28 not checkable.
    expect(rows.find((m) => m[1] === '3')![2]).toContain('st-met');
    expect(rows.find((m) => m[1] === '28')![2]).toContain('st-not-checkable');
    // Task 13: the 政策解读 item titled 图解 counts.
    expect(rows.find((m) => m[1] === '13')![2]).toContain('st-met');
  });

  it('every section names its rule references and the responsible division', () => {
    for (const a of ['links', 'columns', 'identity', 'privacy', 'wording', 'service-guides']) {
      const s = section(html, `audit-${a}`);
      expect(s, a).toMatch(/<div class="refs">/);
      expect(s, a).toMatch(/责任处室：|牵头单位/);
    }
    expect(section(html, 'audit-columns')).toContain('<b>法规处</b>');
  });

  it('xlsx: one sheet per export, Chinese headers, and rows that are the store’s findings and tickets', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(out, 'report.xlsx'));
    const fs = wb.getWorksheet(SHEETS.findings)!;
    const headers = (fs.getRow(1).values as unknown[]).slice(1);
    for (const h of ['网站', '页面', '问题', '级别', '规则依据', '责任处室', '状态', '发现时间']) expect(headers).toContain(h);
    const stored = q<{ fingerprint: string; url: string; division: string }>('SELECT fingerprint, url, division FROM findings WHERE run_id = ? ORDER BY rowid', run3());
    expect(fs.rowCount - 1).toBe(stored.length);
    const col = (h: string) => headers.indexOf(h) + 1;
    const first = new Map(q<{ fingerprint: string; at: string }>('SELECT f.fingerprint, min(r.started_at) AS at FROM findings f JOIN runs r ON r.id = f.run_id GROUP BY f.fingerprint').map((x) => [x.fingerprint, x.at]));
    const tickets = new Map(q<{ fingerprint: string; status: string }>('SELECT fingerprint, status FROM tickets WHERE fingerprint IS NOT NULL').map((x) => [x.fingerprint, x.status]));
    stored.forEach((f, i) => {
      const row = fs.getRow(i + 2);
      expect(row.getCell(col('指纹')).value).toBe(f.fingerprint);
      expect(row.getCell(col('网站')).value).toBe(fx.origin);
      expect(row.getCell(col('页面')).value).toBe(f.url);
      expect(row.getCell(col('责任处室')).value).toBe(f.division);
      expect(row.getCell(col('状态')).value).toBe(tickets.get(f.fingerprint) ?? '未建工单');
      expect(row.getCell(col('发现时间')).value).toBe(formatLocal(first.get(f.fingerprint), TZ));
    });
    const ts = wb.getWorksheet(SHEETS.tickets)!;
    expect(ts.rowCount - 1).toBe(one<{ n: number }>('SELECT count(*) AS n FROM tickets').n);
    expect(wb.getWorksheet(SHEETS.trends)!.rowCount - 1).toBe(3);
    expect(wb.getWorksheet(SHEETS.tasks)!.rowCount - 1).toBe(36);
    expect(fs.autoFilter).toBeTruthy();
  });

  it('CSV: the same findings, with a BOM for Excel', () => {
    const raw = readFileSync(join(out, 'findings.csv'));
    expect(raw.subarray(0, 3).toString('hex')).toBe('efbbbf');
    const rows = parseCsv(raw.toString('utf8').slice(1));
    expect(rows[0]).toContain('规则依据');
    expect(rows.length - 1).toBe(one<{ n: number }>('SELECT count(*) AS n FROM findings WHERE run_id = ?', run3()).n);
  });

  it('hostile strings from the site stay inert, personal data stays masked, in every output', async () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img src=x/i);
    expect(html).toContain('&lt;img src=x onerror=alert(3)&gt;');
    expect(html).not.toContain(HOSTILE_MOBILE);
    expect(html).toContain('138****5678');
    // The seed's own hostile title (page list) too.
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    for (const f of ['findings.csv', 'tickets.csv', 'report.json']) expect(readFileSync(join(out, f), 'utf8'), f).not.toContain(HOSTILE_MOBILE);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(out, 'report.xlsx'));
    wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => {
      expect(String(c.value)).not.toContain(HOSTILE_MOBILE);
      expect(typeof c.value === 'object' && c.value !== null && 'formula' in c.value).toBe(false);
    })));
    // The planted ID number of the privacy plants is never in clear.
    const id = fx.portal.manifest.plants.find((p) => p.id === 'personal-id')!;
    expect(html).not.toContain(id.value!);
    expect(HOSTILE_TITLE).toContain('<script>');
  });
});

describe('zhaocuo report: usage errors exit 2', () => {
  it('no run and no site, an unknown format, an unknown site, a run that does not exist', async () => {
    const base = ['node', 'zhaocuo', 'report', '--db', fx.dbPath, '--out', join(fx.dir, 'x')];
    expect(await main([...base])).toBe(2);
    expect(await main([...base, '--run', '1', '--format', 'docx'])).toBe(2);
    expect(await main([...base, '--site', 'http://nowhere.example'])).toBe(2);
    expect(await main([...base, '--run', '999'])).toBe(2);
  });
});
