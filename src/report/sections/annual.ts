/** The 政府网站工作年度报表 as a printable page: one form per site, prefilled values with their source, blanks marked 待填写. */
import { html, Raw } from '../escape.ts';
import { barChartSvg } from '../charts.ts';
import { isBlank, type AnnualForm } from '../annual.ts';
import { CSS } from './common.ts';
import { REPORT_CSP } from '../html.ts';

const ANNUAL_CSS = `
.form td.v{width:34%;font-weight:bold}.form td.blank{background:#fefce8;color:#a16207;font-weight:normal}.form tr.extra td{color:#57606a}.form td.src{color:#57606a;font-size:12px}
.form th.block{background:#9b1c1c;color:#fff;font-size:14px}@media print{.form th.block{background:#fff;color:#000;border-bottom:2px solid #9b1c1c}section.site{break-before:page}section.site:first-of-type{break-before:auto}}
`;

export function renderAnnualHtml(forms: AnnualForm[]): string {
  const year = forms[0]?.year ?? '';
  const filled = (f: AnnualForm) => f.blocks.flatMap((b) => b.fields).filter((x) => !x.extra && !isBlank(x)).length;
  const total = (f: AnnualForm) => f.blocks.flatMap((b) => b.fields).filter((x) => !x.extra).length;
  return html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}"><link rel="icon" href="data:,">
<title>${year} 年度政府网站工作年度报表（预填稿）</title><style>${new Raw(CSS + ANNUAL_CSS)}</style></head><body>
<header><h1>政府网站工作年度报表（${year} 年度，预填稿）</h1><p>由 zhaocuo 根据检查记录预填；黄色为待网站管理员填写的项目。报表字段依据国办函〔2018〕12号，字段清单未经官方文本逐项核对。</p></header>
<main>
${forms.map((f) => html`<section class="site" id="site-${f.origin.replace(/[^\w]/g, '_')}"><h2>${f.name ?? f.origin} <span class="muted">${f.origin}</span></h2>
<p class="muted">${year} 年完成检查 ${f.runs.length} 次${f.snapshotRunId ? `；年度快照取自运行 #${f.snapshotRunId}（${f.snapshotDate}）` : ''}；已预填 ${filled(f)}/${total(f)} 项。</p>
<table class="form"><tr><th>项目</th><th>数值</th><th>来源 / 说明</th></tr>
${f.blocks.map((b) => html`<tr><th class="block" colspan="3">${b.title}</th></tr>${b.fields.map((x) => html`<tr class="${x.extra ? 'extra' : ''}"><td>${x.label}${x.extra ? html` <span class="muted">（本工具补充）</span>` : ''}</td>${isBlank(x) ? (x.extra ? html`<td class="v muted">—</td>` : html`<td class="v blank">待填写</td>`) : html`<td class="v">${x.value}</td>`}<td class="src">${x.source ?? ''}</td></tr>`)}`)}
</table>
<h3>按栏目类型统计的信息更新量</h3>
<div class="chart" style="max-width:520px">${new Raw(barChartSvg({ title: `${year} 年发布的信息（条）`, labels: f.updates.map((u) => u.label), values: f.updates.map((u) => u.count) }))}</div>
<table style="max-width:520px"><tr><th>栏目类型</th><th class="num">信息（条）</th></tr>${f.updates.map((u) => html`<tr><td>${u.label}</td><td class="num">${u.count}</td></tr>`)}</table>
</section>`)}
</main></body></html>`.value;
}
