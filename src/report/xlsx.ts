/**
 * Exports for supervisors: a run's findings and the site's 找错 tickets as xlsx (one sheet each,
 * Chinese headers, frozen header row and filters on the columns a supervisor filters by —
 * 网站, 页面, 问题, 级别, 规则依据, 责任处室, 状态, 发现时间 …) plus the fixed-since, trend and
 * task-matrix sheets; and as CSV. Personal data is masked; cells are text, never formulas.
 */
import ExcelJS from 'exceljs';
import type { RuleRef, Severity } from '../audit/types.ts';
import { maskPii } from '../pii/detect.ts';
import type { Store } from '../store/store.ts';
import { runFindings } from '../store/runs.ts';
import { toCsv } from '../tickets/csv.ts';
import { EXPORT_COLUMNS } from '../tickets/export.ts';
import type { Ticket } from '../tickets/model.ts';
import { formatLocal } from '../tickets/zoned.ts';
import { completeRunOrThrow } from './from-store.ts';
import { SEVERITY_ZH, SOURCE_ZH } from './sections/common.ts';
import { auditLabel, ruleLabel } from '../audit/labels.ts';
import { evidenceText } from './evidence.ts';
import { TASK_STATE_ZH, auditZh, type TaskRow } from './tasks.ts';
import type { DeltaItem, Trends } from './trends.ts';
import { ALL_AUDITS } from '../../audits/index.ts';
import { isBlank, type AnnualForm } from './annual.ts';

export interface FindingExportRow {
  site: string;
  page: string;
  message: string;
  severity: Severity;
  audit: string;
  rule: string;
  refs: RuleRef[];
  /** The evidence as 标签：值 lines (never JSON). */
  evidence: string;
  division: string;
  /** Ticket status, or 未建工单. */
  status: string;
  ticket: string;
  /** 较上次新发现 (not in the run before, which ran its audit) / 持续存在 / 首次检查 (its audit's first run on the site). */
  change: string;
  /** First run of the site that found it (local time). */
  firstSeen: string;
  firstRunId: number;
  runId: number;
  deduction: number | null;
  fingerprint: string;
}

const AUDIT_TITLES = new Map(ALL_AUDITS.map((a) => [a.meta.id, a.meta.title.zh]));

export function refsText(refs: RuleRef[]): string {
  return refs.map((r) => `${SOURCE_ZH[r.source]}：${r.doc}${r.item ? ` · ${r.source === 'seed' ? '任务' : ''}${r.item}` : ''}${r.unconfirmed ? '（未经官方文本确认）' : ''}`).join('；');
}

/** The findings of a stored run with their ticket, first sighting and change since the run before. */
export function findingExportRows(db: Store, runId: number, o: { timezone: string; trends?: Trends }): FindingExportRow[] {
  const run = completeRunOrThrow(db, runId);
  const first = new Map(
    db.all(
      db.q
        .selectFrom('findings as f')
        .innerJoin('runs as r', 'r.id', 'f.run_id')
        .select((eb) => ['f.fingerprint as fp', eb.fn.min('r.id').as('run'), eb.fn.min('r.started_at').as('at')])
        .where('r.site_id', '=', run.siteId).where('r.status', '=', 'complete').where('r.id', '<=', runId)
        .where('f.fingerprint', 'in', (eb) => eb.selectFrom('findings').select('fingerprint').where('run_id', '=', runId))
        .groupBy('f.fingerprint'),
    ).map((x) => [x.fp, x]),
  );
  const ticket = (fp: string) => db.get(db.q.selectFrom('tickets').select(['number', 'status']).where('site_id', '=', run.siteId).where('fingerprint', '=', fp));
  const fresh = new Set((o.trends?.runId === runId ? o.trends.newSince : []).map((d) => d.fingerprint));
  return runFindings(db, runId).map((f) => {
    const t = ticket(f.fingerprint);
    const firstSeen = first.get(f.fingerprint);
    return {
      site: run.origin,
      page: f.url,
      message: f.message,
      severity: f.severity,
      audit: f.audit,
      rule: f.rule,
      refs: f.refs,
      evidence: evidenceText(f.evidence, { maxItems: 20 }),
      division: f.division ?? '',
      status: t?.status ?? '未建工单',
      ticket: t?.number ?? '',
      change: fresh.has(f.fingerprint) ? '较上次新发现' : firstSeen && firstSeen.run < runId ? '持续存在' : '首次检查',
      firstSeen: formatLocal(firstSeen?.at ?? run.startedAt, o.timezone),
      firstRunId: firstSeen?.run ?? runId,
      runId,
      deduction: f.deduction ?? null,
      fingerprint: f.fingerprint,
    };
  });
}

export const FINDING_COLUMNS: { header: string; width: number; value: (r: FindingExportRow) => string | number }[] = [
  { header: '网站', width: 26, value: (r) => r.site },
  { header: '页面', width: 42, value: (r) => r.page },
  { header: '问题', width: 60, value: (r) => r.message },
  { header: '级别', width: 8, value: (r) => SEVERITY_ZH[r.severity] },
  { header: '检查项', width: 16, value: (r) => AUDIT_TITLES.get(r.audit) ?? auditLabel(r.audit) },
  { header: '问题名称', width: 20, value: (r) => ruleLabel(r.audit, r.rule) },
  { header: '证据', width: 60, value: (r) => r.evidence },
  { header: '规则依据', width: 50, value: (r) => refsText(r.refs) },
  { header: '规则', width: 20, value: (r) => r.rule },
  { header: '责任处室', width: 14, value: (r) => r.division },
  { header: '状态', width: 10, value: (r) => r.status },
  { header: '工单编号', width: 18, value: (r) => r.ticket },
  { header: '变化', width: 12, value: (r) => r.change },
  { header: '发现时间', width: 18, value: (r) => r.firstSeen },
  { header: '首次发现运行', width: 12, value: (r) => r.firstRunId },
  { header: '本次运行', width: 10, value: (r) => r.runId },
  { header: '扣分', width: 8, value: (r) => r.deduction ?? '' },
  { header: '指纹', width: 18, value: (r) => r.fingerprint },
];

const DELTA_COLUMNS: { header: string; width: number; value: (d: DeltaItem, site: string) => string }[] = [
  { header: '网站', width: 26, value: (_d, site) => site },
  { header: '页面', width: 42, value: (d) => d.url },
  { header: '问题', width: 60, value: (d) => d.message },
  { header: '级别', width: 8, value: (d) => SEVERITY_ZH[d.severity] },
  { header: '检查项', width: 16, value: (d) => AUDIT_TITLES.get(d.audit) ?? auditLabel(d.audit) },
  { header: '问题名称', width: 20, value: (d) => ruleLabel(d.audit, d.rule) },
  { header: '规则', width: 20, value: (d) => d.rule },
  { header: '责任处室', width: 14, value: (d) => d.division ?? '' },
  { header: '指纹', width: 18, value: (d) => d.fingerprint },
];

const text = (v: string | number) => (typeof v === 'string' ? maskPii(v) : v);

export function findingsCsv(rows: FindingExportRow[]): string {
  return toCsv(FINDING_COLUMNS.map((c) => c.header), rows.map((r) => FINDING_COLUMNS.map((c) => text(c.value(r)))));
}

export function sheet(wb: ExcelJS.Workbook, name: string, columns: { header: string; width: number }[], rows: (string | number | null)[][]): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => ({ header: c.header, width: c.width }));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF3F4F6' } };
  for (const r of rows) ws.addRow(r.map((v) => (v === null ? '' : text(v))));
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  ws.eachRow((row, n) => {
    if (n > 1) row.alignment = { vertical: 'top', wrapText: true };
  });
  return ws;
}

export interface WorkbookInput {
  findings: FindingExportRow[];
  tickets: Ticket[];
  timezone: string;
  now?: Date;
  trends?: Trends;
  tasks?: TaskRow[];
}

/** Sheet names, in order (tests and readers look them up by name). */
export const SHEETS = { findings: '问题清单', tickets: '找错工单', fixed: '已整改', trends: '趋势', tasks: '任务对照' } as const;

export async function reportXlsx(i: WorkbookInput): Promise<Buffer> {
  const now = i.now ?? new Date();
  const wb = new ExcelJS.Workbook();
  wb.creator = 'zhaocuo';
  wb.created = now;
  const fs = sheet(wb, SHEETS.findings, FINDING_COLUMNS, i.findings.map((r) => FINDING_COLUMNS.map((c) => c.value(r))));
  const sevCol = FINDING_COLUMNS.findIndex((c) => c.header === '级别') + 1;
  fs.eachRow((row, n) => {
    const v = String(row.getCell(sevCol).value ?? '');
    if (n > 1 && (v === '否决' || v === '严重')) row.getCell(sevCol).font = { color: { argb: 'FFB91C1C' }, bold: true };
  });

  const ts = sheet(wb, SHEETS.tickets, EXPORT_COLUMNS, i.tickets.map((t) => EXPORT_COLUMNS.map((c) => c.value(t, i.timezone, now))));
  const late = EXPORT_COLUMNS.findIndex((c) => c.header === '是否按时') + 1;
  ts.eachRow((row, n) => {
    if (n > 1 && String(row.getCell(late).value ?? '').startsWith('超期')) row.getCell(late).font = { color: { argb: 'FFB91C1C' }, bold: true };
  });

  if (i.trends) {
    const t = i.trends;
    sheet(wb, SHEETS.fixed, DELTA_COLUMNS, t.fixedSince.map((d) => DELTA_COLUMNS.map((c) => c.value(d, t.origin))));
    const pct = (n: number | null) => (n === null ? null : Math.round(n * 1000) / 10);
    sheet(
      wb,
      SHEETS.trends,
      [
        { header: '运行', width: 8 }, { header: '检查日期', width: 12 }, { header: '页面', width: 8 }, { header: '不可用链接', width: 11 }, { header: '超期栏目', width: 10 },
        { header: '空白栏目', width: 10 }, { header: '无障碍问题', width: 11 }, { header: 'IPv6二级支持率(%)', width: 16 }, { header: 'IPv6三级支持率(%)', width: 16 },
        { header: '得分', width: 8 }, { header: '结论', width: 8 }, { header: '找错按时率(%)', width: 14 }, { header: '问题总数', width: 10 },
      ],
      t.points.map((p) => [p.runId, p.today, p.pages, p.broken, p.stale, p.blank, p.a11y, pct(p.ipv6Level2), pct(p.ipv6Level3), p.score, p.verdict, pct(p.tickets.rate), p.findings]),
    );
  }
  if (i.tasks) {
    sheet(
      wb,
      SHEETS.tasks,
      [{ header: '任务', width: 6 }, { header: '工作任务', width: 40 }, { header: '牵头单位', width: 20 }, { header: '责任单位', width: 14 }, { header: '依据审计项', width: 24 }, { header: '结论', width: 14 }, { header: '证据', width: 80 }],
      i.tasks.map((t) => [t.n, t.title, t.lead.join('、'), t.responsible, t.audits.map((a) => auditZh(a)).join('、'), TASK_STATE_ZH[t.state], t.evidence.join('\n')]),
    );
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The annual form as a workbook: one sheet per site (项目, 数值, 来源), blanks highlighted, and the updates by column kind. */
export async function annualXlsx(forms: AnnualForm[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'zhaocuo';
  const used = new Set<string>();
  for (const f of forms) {
    // Sheet names: at most 31 characters, none of : \ / ? * [ ], unique.
    let name = `${f.year}年报表 ${(f.name ?? new URL(f.origin).host).replace(/[:\\/?*[\]]/g, '_')}`.slice(0, 31);
    for (let i = 2; used.has(name); i++) name = `${name.slice(0, 27)} (${i})`;
    used.add(name);
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 2 }] });
    ws.columns = [{ width: 12 }, { width: 40 }, { width: 44 }, { width: 60 }];
    ws.addRow([`政府网站工作年度报表（${f.year} 年度，预填稿）`, f.name ?? '', f.origin]).font = { bold: true };
    const head = ws.addRow(['栏目', '项目', '数值', '来源 / 说明']);
    head.font = { bold: true };
    head.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF3F4F6' } };
    for (const b of f.blocks) {
      for (const x of b.fields) {
        const blank = isBlank(x);
        const row = ws.addRow([b.title, `${x.label}${x.extra ? '（本工具补充）' : ''}`, blank ? (x.extra ? '—' : '') : text(x.value as string | number), x.source ?? (blank && !x.extra ? '待填写' : '')]);
        row.alignment = { vertical: 'top', wrapText: true };
        if (blank && !x.extra) row.getCell(3).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFEF9C3' } };
      }
    }
    ws.addRow([]);
    ws.addRow(['', '按栏目类型统计的信息更新量', '信息（条）']).font = { bold: true };
    for (const u of f.updates) ws.addRow(['', u.label, u.count]);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
