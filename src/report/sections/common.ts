/**
 * What every section of the site report shares: the style sheet, severity and rule-source
 * labels, the rule-reference line, the "责任处室" line and the findings table with its
 * evidence cell. Every string from the site goes through the `html` tag (escaped, masked).
 */
import { html, link, type Raw } from '../escape.ts';
import { SEVERITIES, type RuleRef, type Severity } from '../../audit/types.ts';
import type { Report } from '../schema.ts';
import SEED_TASKS from '../../../audits/rules/seed-tasks.json' with { type: 'json' };
import { SEVERITY_ZH, ruleLabel } from '../../audit/labels.ts';
import { EVIDENCE_CSS, evidenceHtml } from '../evidence.ts';
import { STACKED_TABLE_CSS } from '../stacked-table.ts';

export { SEVERITY_ZH };
export const SOURCE_ZH: Record<RuleRef['source'], string> = { guideline: '发展指引', inspection: '检查指标', regulation: '条例', seed: '任务分解表', standard: '标准' };

export type Finding = Report['findings'][number];
export type AuditEntry = Report['audits'][number];

/** CJK fonts first: the PDF is printed by the same Chromium with the fonts installed on the machine. */
export const FONT_STACK = `"Microsoft YaHei","PingFang SC","WenQuanYi Micro Hei","Noto Sans CJK SC","Source Han Sans SC",sans-serif`;

/** Trusted, constant: interpolate as Raw (escaping would turn its quotes into entities and break it). */
export const CSS = `
*{box-sizing:border-box}body{font-family:${FONT_STACK};margin:0;color:#1f2328;background:#f6f7f9;line-height:1.55;font-size:14px}
header{background:#9b1c1c;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;opacity:.9}
main{max-width:1180px;margin:0 auto;padding:20px 28px}section{background:#fff;border:1px solid #e3e6ea;border-radius:8px;padding:16px 20px;margin:0 0 18px}
nav.toc{font-size:13px;margin:0 0 14px;color:#57606a}nav.toc a{color:#1d4ed8;text-decoration:none;margin-right:10px;white-space:nowrap}
h2{font-size:18px;margin:0 0 12px}h3{font-size:15px;margin:16px 0 8px}.cards{display:flex;flex-wrap:wrap;gap:12px}.card{flex:1 1 140px;border:1px solid #e3e6ea;border-radius:6px;padding:10px 14px}
.card b{display:block;font-size:24px}.card span{color:#57606a;font-size:13px}.card span.sev{color:#fff}table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #eaecef;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f3f4f6}td.url{word-break:break-all;max-width:420px}td.num,th.num{text-align:right;white-space:nowrap}.nw{white-space:nowrap}.sev{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;color:#fff;white-space:nowrap}
.sev-critical{background:#7f1d1d}.sev-high{background:#c2410c}.sev-medium{background:#b45309}.sev-low{background:#2563eb}.sev-info{background:#6b7280}
.rule-id{color:#9ca3af;font-size:11px}.rule-id code{font-size:11px}${EVIDENCE_CSS}
.pass{color:#15803d}.fail{color:#b91c1c}.warn{color:#b45309}.refs{color:#57606a;font-size:12px}.muted{color:#6b7280}.u{color:#9a3412;font-size:12px}details{margin:4px 0}summary{cursor:pointer}
.verdict{font-size:28px;font-weight:bold;margin:0 0 6px}.verdict span{font-size:22px}.who{font-size:13px;margin:4px 0 10px}.who b{font-weight:normal;background:#eef2ff;border-radius:4px;padding:0 6px;margin-right:4px}
.state{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;white-space:nowrap;border:1px solid currentColor}
.tasks td{word-break:break-word}.tasks td:last-child{word-break:break-all}.st-met{color:#15803d}.st-not-met{color:#b91c1c}.st-not-checkable{color:#9a3412}.st-manual{color:#6b7280}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(340px,100%),1fr));gap:12px}.chart{border:1px solid #e3e6ea;border-radius:6px;padding:6px 8px 2px;break-inside:avoid}
.chart svg{display:block;width:100%;height:auto}.chart p{margin:0;font-size:12px;color:#57606a}.chart.empty{min-height:120px}.chart.empty b{display:block;font-size:13px;margin:4px 0 30px;color:#1f2328}
.delta{display:grid;grid-template-columns:1fr 1fr;gap:16px}.delta ul{margin:4px 0;padding-left:18px;font-size:13px}.delta li{margin:2px 0;word-break:break-all}
@media (max-width:760px){.delta{grid-template-columns:1fr}}
code{overflow-wrap:anywhere}header p{overflow-wrap:anywhere}nav.toc a{display:inline-block}
@media (max-width:600px){header{padding:12px 14px}header h1{font-size:18px}main{padding:12px 8px}section{padding:12px 10px}.verdict{font-size:24px}
table{display:block;overflow-x:auto;max-width:100%}td,th{overflow-wrap:anywhere}.nw{white-space:normal}.card{flex-basis:120px}
}
${STACKED_TABLE_CSS}
@media print{body{background:#fff;font-size:12px}main{max-width:none;padding:0}section{border:none;padding:8px 0;margin:0 0 10px}header{background:#fff;color:#000;border-bottom:2px solid #9b1c1c;padding:8px 0}
nav.toc{display:none}table{page-break-inside:auto}tr{break-inside:avoid}h2,h3{break-after:avoid}.charts{grid-template-columns:1fr 1fr}.card{padding:6px 10px}.card b{font-size:18px}}
@page{size:A4;margin:14mm 12mm}
`;

export function refsLine(refs: RuleRef[]): Raw {
  return html`<div class="refs">${refs.map((r, i) => html`${i ? '；' : ''}${SOURCE_ZH[r.source]}：${r.doc}${r.item ? ` · ${r.source === 'seed' ? '任务' : ''}${r.item}` : ''}${r.unconfirmed ? html`<span class="u">（权重未经官方文本确认）</span>` : ''}`)}</div>`;
}

const SEED = (SEED_TASKS as { tasks: Record<string, { title: string; lead: string[] }> }).tasks;

/**
 * Who answers for a section: the divisions its findings were routed to (with counts), or, with
 * no findings, the lead units of the seed tasks the audit cites.
 */
export function divisionsLine(findings: Finding[], refs: RuleRef[]): Raw {
  const counts = new Map<string, number>();
  for (const f of findings) if (f.division) counts.set(f.division, (counts.get(f.division) ?? 0) + 1);
  if (counts.size) {
    const list = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], 'zh'));
    return html`<p class="who">责任处室：${list.map(([d, n]) => html`<b>${d}</b>${n} 个问题　`)}</p>`;
  }
  const leads = [...new Set(refs.filter((r) => r.source === 'seed' && r.item && SEED[r.item]).flatMap((r) => SEED[r.item!].lead))];
  return leads.length ? html`<p class="who">牵头单位（任务分解表）：${leads.map((d) => html`<b>${d}</b>`)}</p>` : html``;
}

/** A file written beside the report (screenshots/…, lighthouse/…): a relative path, nothing else. */
export function localFile(path: string): boolean {
  return /^[\w-]+\/[\w.-]+$/.test(path) && !path.includes('..');
}

export function evidenceCell(e: Record<string, unknown>): Raw {
  const files = reportFiles(e);
  // report.json lists every page; the page shows the first 50 (a nav link can be on 10,000).
  return html`${evidenceHtml(e, { maxItems: 50 })}${files.length ? html`<div>${files.map((f, i) => html`${i ? ' · ' : ''}<a href="${f.path}">${f.label}</a>`)}</div>` : ''}`;
}

/**
 * The rule's Chinese name, and its id in the small grey 「规则」 field (class rule-id) for those
 * who look it up in report.json; nothing else shows an id.
 */
export function ruleCell(f: Pick<Finding, 'audit' | 'rule'>): Raw {
  return html`<span class="rule-name">${ruleLabel(f.audit, f.rule)}</span> <span class="rule-id" title="规则编号，见 report.json">规则 <code>${f.rule}</code></span>`;
}

/** Files a finding's evidence names beside the report (screenshots, Lighthouse JSON). */
export function reportFiles(e: Record<string, unknown>): { label: string; path: string }[] {
  return [
    ...(Array.isArray(e.screenshots) ? (e.screenshots as { page?: string; file?: string }[]).map((x) => ({ label: '截图', path: x.file })) : []),
    ...(Array.isArray(e.files) ? (e.files as { label?: string; path?: string }[]).map((x) => ({ label: x.label === 'Lighthouse JSON' ? 'Lighthouse 原始结果' : (x.label ?? '文件'), path: x.path })) : []),
  ].filter((f): f is { label: string; path: string } => typeof f.path === 'string' && localFile(f.path));
}

export function findingsTable(list: Finding[]): Raw {
  return html`<table class="findings stack"><colgroup><col style="width:6%"><col style="width:44%"><col style="width:19%"><col style="width:22%"><col style="width:9%"></colgroup>
  <tr><th>级别</th><th>问题</th><th>页面</th><th>证据</th><th class="nw">责任处室</th></tr>
  ${list.map((f) => html`<tr><td data-label="级别"><span class="sev sev-${f.severity}">${SEVERITY_ZH[f.severity]}</span></td><td>${f.message}<div class="refs">${ruleCell(f)}${f.deduction ? ` · 扣 ${f.deduction} 分` : ''}</div>${refsLine(f.refs)}</td><td class="url" data-label="页面">${link(f.url)}</td><td class="url" data-label="证据">${evidenceCell(f.evidence)}</td><td data-label="责任处室">${f.division ?? ''}</td></tr>`)}
  </table>`;
}

export function severityCounts(list: Finding[]): Raw {
  const n = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of list) n[f.severity]++;
  return html`${SEVERITIES.filter((s) => n[s]).map((s) => html`<span class="sev sev-${s}">${SEVERITY_ZH[s]} ${n[s]}</span> `)}`;
}

export const pct = (n: number | null | undefined, digits = 1) => (n === null || n === undefined || !Number.isFinite(n) ? '—' : `${(n * 100).toFixed(digits)}%`);

/** The data an audit returned in this report, typed by the caller (every field optional). */
export function auditData<T>(r: Report, id: string): T | undefined {
  const a = r.audits.find((x) => x.id === id && x.status === 'ran');
  return a?.data as T | undefined;
}
