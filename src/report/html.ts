/**
 * The site report (index.html): one renderer for the report `zhaocuo audit` writes and the one
 * `zhaocuo report` builds from the store. Self-contained (inline CSS and SVG charts, no script,
 * nothing fetched: a CSP meta forbids it), printable (and printed to PDF by src/report/pdf.ts),
 * Chinese UI. Verdict first, then 优先整改 (否决 and 严重 items by division, with their tickets), then the trends over the last runs, the task matrix, and one
 * section per audit (IPv6, links, columns, identity, accessibility, Lighthouse, privacy,
 * wording, …) with its rule references, the responsible division, its figures and findings.
 * Every string from the site goes through the `html` tag (escaped, personal data masked).
 */
import type { Report } from './schema.ts';
import { html, Raw } from './escape.ts';
import { CSS, type Finding } from './sections/common.ts';
import { verdictSection } from './sections/verdict.ts';
import { prioritySection, type FindingTicket } from './sections/priority.ts';
import { trendsSection } from './sections/trends.ts';
import { overviewSection } from './sections/overview.ts';
import { tasksSection } from './sections/tasks.ts';
import { auditSection, orderedAudits, sectionId } from './sections/audit.ts';
import { taskMatrix, type TicketFigures } from './tasks.ts';
import type { Trends } from './trends.ts';
import { formatLocal, formatZoned, zoneName } from '../tickets/zoned.ts';

export { SEVERITY_ZH } from './sections/common.ts';

/** What only the store knows: the runs before this one and the site's 找错 tickets. */
export interface ReportExtras {
  trends?: Trends;
  tickets?: TicketFigures;
  /** When the report was rendered (ISO); default: not shown. */
  generatedAt?: string;
  /** The 找错 tickets of the run's 否决/严重 findings by fingerprint (from the store); absent: no store. */
  findingTickets?: Record<string, FindingTicket>;
  /** The zone every time is shown in (IANA; the config's tickets.timezone); default Asia/Shanghai. */
  timezone?: string;
}

export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data: 'self'";

/** "2026-03-02 09:00–09:12 北京时间" (the end's date only when it differs). */
function checkedAt(r: Report, tz: string): string {
  const start = formatLocal(r.startedAt, tz);
  const end = formatLocal(r.finishedAt, tz);
  if (!start) return '—';
  const tail = !end || end === start ? '' : end.slice(0, 10) === start.slice(0, 10) ? `–${end.slice(11)}` : ` 至 ${end}`;
  return `${start}${tail} ${zoneName(tz)}`;
}

export function renderHtml(r: Report, extras: ReportExtras = {}): string {
  const byAudit = new Map<string, Finding[]>();
  for (const f of r.findings) {
    const list = byAudit.get(f.audit) ?? [];
    list.push(f);
    byAudit.set(f.audit, list);
  }
  const name = r.site.name ?? r.site.host;
  const tz = extras.timezone ?? 'Asia/Shanghai';
  const zone = zoneName(tz);
  const audits = orderedAudits(r);
  const tasks = taskMatrix(r, extras.tickets);
  const doc = html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}"><link rel="icon" href="data:,">
<title>找错 检查报告 — ${name}</title><style>${new Raw(CSS)}</style></head><body>
<header><h1>政府网站检查报告 · ${name}</h1><p><span class="url">${r.site.url}</span> · 检查日期 ${r.run.today}（${zone}） · 检查时间 ${checkedAt(r, tz)} · 运行 #${r.run.id ?? '—'} · zhaocuo ${r.tool.version}${extras.generatedAt ? ` · 生成于 ${formatZoned(extras.generatedAt, tz)}` : ''}</p></header>
<main>
<nav class="toc"><a href="#verdict">检查结论</a><a href="#priority">优先整改</a><a href="#trends">趋势</a><a href="#overview">概况</a><a href="#tasks">任务对照</a>${audits.map((a) => html`<a href="#${sectionId(a.id)}">${a.title.zh}</a>`)}</nav>
${verdictSection(r, byAudit.get('verdict') ?? [])}
${prioritySection(r, extras.findingTickets, tz)}
${trendsSection(extras.trends)}
${overviewSection(r)}
${tasksSection(r, tasks)}
${audits.map((a) => auditSection(r, a, byAudit.get(a.id) ?? [], tz))}
</main></body></html>`;
  return doc.value;
}
