/**
 * The task matrix: the department's 2018 task table (audits/rules/task-matrix.json) read
 * against one run. For every task the software can evidence, the lead unit, the audits that
 * evidence it, and 已落实 / 未落实 / 无法判断 with the evidence; every other task is listed as
 * 不可由软件判断 with why, never hidden. Pure: a report (and the ticket figures, which only the
 * store has) in, rows out.
 */
import MATRIX from '../../audits/rules/task-matrix.json' with { type: 'json' };
import type { ColumnRecord, ColumnsData } from '../../audits/columns.ts';
import type { Ipv6Data } from '../../audits/ipv6.ts';
import type { PrivacyData } from '../../audits/privacy.ts';
import type { ServiceGuidesData } from '../../audits/service-guides.ts';
import type { WordingData } from '../../audits/wording.ts';
import type { IdentityData } from '../../audits/identity.ts';
import { daysBetween } from '../gather/dates.ts';
import { PII_KIND_ZH, type PiiKind } from '../pii/detect.ts';
import type { Report } from './schema.ts';
import type { RateRow } from '../tickets/stats.ts';
import { dirOf } from '../gather/url.ts';

export type TaskState = 'met' | 'not-met' | 'not-checkable' | 'manual';
export const TASK_STATE_ZH: Record<TaskState, string> = { met: '已落实', 'not-met': '未落实', 'not-checkable': '本次无法判断', manual: '不可由软件判断' };

type Check =
  | { kind: 'columns'; columns: string[]; optional?: string[]; fresh?: boolean }
  | { kind: 'keywords'; pattern: string; what: string; withinDays?: number; pagesOnly?: boolean }
  | { kind: 'column-items'; column: string; pattern: string; what: string }
  | { kind: 'tickets' }
  | { kind: 'service-guides' }
  | { kind: 'verdict' }
  | { kind: 'ipv6' }
  | { kind: 'privacy' };

export interface TaskDef {
  n: number;
  group: string;
  title: string;
  lead: string[];
  responsible: string;
  checkable: boolean;
  audits?: string[];
  check?: Check;
  why?: string;
}

export const TASKS = (MATRIX as unknown as { tasks: TaskDef[] }).tasks;
export const TASK_GROUPS = (MATRIX as { groups: Record<string, string> }).groups;
export const TASK_DOC = (MATRIX as { doc: string }).doc;

/** 找错 tickets of the site as the on-time rule counts them (src/tickets/stats.ts). */
export type TicketFigures = Omit<RateRow, 'key'> & { total: number };

/** A task of the table as the report shows it: its definition, judged. */
export interface TaskRow extends Pick<TaskDef, 'n' | 'group' | 'title' | 'lead' | 'responsible' | 'checkable'> {
  audits: string[];
  state: TaskState;
  /** One line a person can check each. */
  evidence: string[];
}

const AUDIT_ZH: Record<string, string> = {
  columns: '栏目设置与更新', links: '链接可用性', tickets: '找错工单', identity: '网站标识', interaction: '互动交流', 'service-guides': '办事指南',
  verdict: '检查结论', ipv6: 'IPv6 支持', privacy: '个人信息保护', wording: '表述规范',
};
export const auditZh = (id: string, r?: Report) => r?.audits.find((a) => a.id === id)?.title.zh ?? AUDIT_ZH[id] ?? id;

function ran(r: Report, id: string): boolean {
  return r.audits.some((a) => a.id === id && a.status === 'ran');
}

function data<T>(r: Report, id: string): T | undefined {
  return r.audits.find((a) => a.id === id && a.status === 'ran')?.data as T | undefined;
}

const pct = (n: number | null | undefined) => (n === null || n === undefined ? '—' : `${(Math.round(n * 1000) / 10).toFixed(1)}%`);

const COLUMN_STATE_ZH: Record<ColumnRecord['state'], string> = { fresh: '按期更新', stale: '超期未更新', blank: '空白栏目', missing: '未找到', present: '存在' };

function findColumn(cols: ColumnRecord[], name: string): ColumnRecord | undefined {
  return cols.find((c) => c.entries.includes(name)) ?? cols.find((c) => c.name === name);
}

function columnLine(name: string, c: ColumnRecord | undefined): string {
  if (!c || c.state === 'missing') return `“${name}”栏目：未找到${c?.note ? `（${c.note}）` : ''}`;
  const when = c.newest ? `，最新信息 ${c.newest}` : '';
  return `“${name}”栏目：${COLUMN_STATE_ZH[c.state]}${when}${c.url ? `（${c.url}）` : ''}`;
}

type Judged = { state: TaskState; evidence: string[] };

/** Evidence pages in a fixed order (newest first, then by URL), whichever order the report lists pages in. */
const newestFirst = (a: Report['pages'][number], b: Report['pages'][number]) => (b.publishedAt ?? '').localeCompare(a.publishedAt ?? '') || (a.url < b.url ? -1 : a.url > b.url ? 1 : 0);

function judge(r: Report, def: TaskDef, tickets: TicketFigures | undefined): Judged {
  const check = def.check!;
  const needs = (id: string): Judged | undefined =>
    ran(r, id) ? undefined : { state: 'not-checkable', evidence: [`本次运行未执行“${auditZh(id, r)}”审计项${r.audits.find((a) => a.id === id)?.reason ? `：${r.audits.find((a) => a.id === id)!.reason}` : ''}`] };

  switch (check.kind) {
    case 'columns': {
      const skip = needs('columns');
      if (skip) return skip;
      const cols = data<ColumnsData>(r, 'columns')?.columns ?? [];
      const bad = (c: ColumnRecord | undefined) => !c || c.state === 'missing' || c.state === 'blank' || (check.fresh === true && c.state === 'stale');
      const found = check.columns.map((name) => ({ name, c: findColumn(cols, name) }));
      const evidence = found.map(({ name, c }) => columnLine(name, c));
      for (const name of check.optional ?? []) evidence.push(`${columnLine(name, findColumn(cols, name))}（选设，不影响判断）`);
      return { state: found.some(({ c }) => bad(c)) ? 'not-met' : 'met', evidence };
    }
    case 'keywords': {
      const skip = needs('columns');
      if (skip) return skip;
      const re = new RegExp(check.pattern);
      const cols = check.pagesOnly ? [] : (data<ColumnsData>(r, 'columns')?.columns ?? []).filter((c) => c.state !== 'missing' && re.test(c.name));
      const pages = r.pages.filter((p) => p.status >= 200 && p.status < 300 && re.test(p.title)).sort(newestFirst);
      const recent = check.withinDays ? pages.filter((p) => p.publishedAt && p.publishedAt <= r.run.today && daysBetween(p.publishedAt, r.run.today) <= check.withinDays!) : pages;
      const evidence: string[] = [];
      if (cols.length) evidence.push(`栏目：${cols.slice(0, 5).map((c) => `“${c.name}”（${COLUMN_STATE_ZH[c.state]}）`).join('、')}`);
      if (recent.length) evidence.push(`${recent.length} 个页面${check.withinDays ? `（${check.withinDays} 天内）` : ''}：${recent.slice(0, 3).map((p) => `《${p.title}》${p.publishedAt ? ` ${p.publishedAt}` : ''}`).join('、')}`);
      if (cols.length || recent.length) return { state: 'met', evidence };
      const older = pages.filter((p) => !recent.includes(p));
      if (older.length) return { state: 'not-met', evidence: [`只找到 ${check.withinDays} 天以前或未注明日期的相关信息：${older.slice(0, 3).map((p) => `《${p.title}》${p.publishedAt ? ` ${p.publishedAt}` : ''}`).join('、')}`] };
      return { state: 'not-met', evidence: [`在本次抓取的 ${r.pages.length} 个页面中未找到${check.what}`] };
    }
    case 'column-items': {
      const skip = needs('columns');
      if (skip) return skip;
      const c = findColumn(data<ColumnsData>(r, 'columns')?.columns ?? [], check.column);
      if (!c || !c.url || c.state === 'missing' || c.state === 'blank') return { state: 'not-met', evidence: [columnLine(check.column, c)] };
      const dir = dirOf(c.url);
      const re = new RegExp(check.pattern, 'i');
      const items = r.pages.filter((p) => p.url.startsWith(dir) && p.url !== c.url && re.test(p.title)).sort(newestFirst);
      if (items.length) return { state: 'met', evidence: [`“${check.column}”栏目中 ${items.length} 条${check.what}：${items.slice(0, 3).map((p) => `《${p.title}》`).join('、')}`] };
      return { state: 'not-met', evidence: [`“${check.column}”栏目（${c.items} 条信息）中未见${check.what}`] };
    }
    case 'tickets': {
      const jiucuo = data<IdentityData>(r, 'identity')?.markers.find((m) => m.marker === 'jiucuo');
      const entry = jiucuo ? `“我为政府网站找错”入口：${jiucuo.state === 'ok' ? '有' : jiucuo.state === 'missing' ? '未找到' : '有（位置或写法不规范）'}` : null;
      if (!tickets) return { state: 'not-checkable', evidence: ['按时率需要数据库中的找错工单（用 zhaocuo report 从数据库生成报告）', ...(entry ? [entry] : [])] };
      const line = `找错工单 ${tickets.total} 件：已到期或已办结 ${tickets.counted} 件，按时 ${tickets.onTime} 件，超期 ${tickets.late} 件（其中超期未办结 ${tickets.overdueOpen} 件），未到期 ${tickets.pending} 件；按时率 ${pct(tickets.rate)}（要求 100%，2 个工作日内）`;
      const evidence = [line, ...(entry ? [entry] : [])];
      if (!tickets.counted) return { state: 'not-checkable', evidence };
      return { state: tickets.rate === 1 ? 'met' : 'not-met', evidence };
    }
    case 'service-guides': {
      const skip = needs('service-guides');
      if (skip) return skip;
      const d = data<ServiceGuidesData>(r, 'service-guides');
      const note = '变更后 1 个工作日内公开：不可由软件判断';
      if (!d || !d.total) return { state: 'not-checkable', evidence: ['未找到办事指南', note] };
      if (!d.incomplete) return { state: 'met', evidence: [`${d.total} 个办事指南要素齐全`, note] };
      return { state: 'not-met', evidence: [`${d.total} 个办事指南中 ${d.incomplete} 个缺少要素，其中 ${d.severe} 个缺少 4 类及以上`, note] };
    }
    case 'verdict': {
      const skip = needs('verdict');
      if (skip) return skip;
      const v = data<{ verdict: string; score: number; reasons: string[]; provisional: boolean }>(r, 'verdict')!;
      const evidence = [`检查结论：${v.verdict}，${v.score} 分${v.reasons.length ? `（${v.reasons.join('；')}）` : ''}${v.provisional ? '；部分单项否决指标未评估' : ''}`];
      const links = data<{ brokenTargets?: number }>(r, 'links');
      if (links) evidence.push(`不可用链接 ${links.brokenTargets ?? 0} 个`);
      const identity = data<IdentityData>(r, 'identity');
      if (identity) {
        const bad = identity.markers.filter((m) => m.state === 'missing' || m.state === 'malformed');
        evidence.push(bad.length ? `网站标识缺失或格式错误：${bad.map((m) => m.label).join('、')}` : '网站标识齐全');
      }
      return { state: v.verdict === '合格' ? 'met' : 'not-met', evidence };
    }
    case 'ipv6': {
      const d = r.ipv6 as Ipv6Data | undefined;
      if (!d) return needs('ipv6') ?? { state: 'not-checkable', evidence: ['本次运行没有 IPv6 数据'] };
      const fails: string[] = [];
      if (!d.aaaa) fails.push('域名无 AAAA 记录');
      if (!d.homepageV6.ok) fails.push(`首页 IPv6 不可访问（成功 ${d.homepageV6.succeeded}/${d.homepageV6.probes}）`);
      if (d.sameContent === false) fails.push('IPv4/IPv6 内容不一致');
      if (!d.level2.pass) fails.push(`二级链接支持率 ${pct(d.level2Rate)} 低于 ${pct(d.level2.threshold)}`);
      if (!d.level3.pass) fails.push(`三级链接支持率 ${pct(d.level3Rate)} 低于 ${pct(d.level3.threshold)}`);
      const line = `AAAA ${d.aaaa ? '有' : '无'}；首页 IPv6 ${d.homepageV6.ok ? '可访问' : '不可用'}；二级 ${pct(d.level2Rate)}（${d.level2.supported}/${d.level2.total}），三级 ${pct(d.level3Rate)}（${d.level3.supported}/${d.level3.total}）；DNS 解析链路 ${d.nameServers.ok ? '支持' : '不支持'} IPv6`;
      return { state: fails.length ? 'not-met' : 'met', evidence: [line, ...fails] };
    }
    case 'privacy': {
      const skip = needs('privacy');
      if (skip) return skip;
      const d = data<PrivacyData>(r, 'privacy');
      const values = Object.entries(d?.values ?? {}).filter(([, n]) => n > 0) as [PiiKind, number][];
      const evidence = [`扫描 ${d?.pagesScanned ?? 0} 个页面，${d?.pagesWithPii ?? 0} 个页面含未脱敏个人信息${values.length ? `：${values.map(([k, n]) => `${PII_KIND_ZH[k]} ${n} 个`).join('，')}` : ''}`];
      const w = data<WordingData>(r, 'wording');
      if (w) evidence.push(`严重表述错误 ${w.findings?.serious ?? 0} 处`);
      return { state: d?.pagesWithPii ? 'not-met' : 'met', evidence };
    }
  }
}

export function taskMatrix(r: Report, tickets?: TicketFigures): TaskRow[] {
  return TASKS.map((def) => {
    const base = { n: def.n, group: def.group, title: def.title, lead: def.lead, responsible: def.responsible, checkable: def.checkable, audits: def.audits ?? [] };
    if (!def.checkable || !def.check) return { ...base, state: 'manual' as const, evidence: [def.why ?? '不可由软件判断'] };
    return { ...base, ...judge(r, def, tickets) };
  });
}

export function taskCounts(rows: TaskRow[]): Record<TaskState, number> {
  const out: Record<TaskState, number> = { met: 0, 'not-met': 0, 'not-checkable': 0, manual: 0 };
  for (const r of rows) out[r.state]++;
  return out;
}
