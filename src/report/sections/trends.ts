/** 趋势: charts over the last runs (inline SVG), the figures per run, and what is new or fixed since the run before. */
import { html, link, Raw } from '../escape.ts';
import { lineChartSvg, type LineChart } from '../charts.ts';
import type { DeltaItem, TrendPoint, Trends } from '../trends.ts';
import { SEVERITY_ZH, pct } from './common.ts';

const label = (p: TrendPoint) => `#${p.runId} ${p.today.slice(5)}`;
const round1 = (n: number | null) => (n === null ? null : Math.round(n * 1000) / 10);

/** The charts of the trend section, in order; exported so tests can check their data. */
export function trendCharts(t: Trends): (LineChart & { note: string })[] {
  const pts = t.points;
  const labels = pts.map(label);
  return [
    { title: '检查得分', labels, series: [{ name: '得分', values: pts.map((p) => p.score) }], min: 0, max: 100, markLine: { value: 60, label: '合格线' }, note: '检查结论的得分（满分 100）；虚线为合格线。' },
    { title: '不可用链接', labels, series: [{ name: '不可用链接', values: pts.map((p) => p.broken) }], note: '每次运行核验为不可用的链接目标数。' },
    { title: '超期未更新与空白栏目', labels, series: [{ name: '超期未更新', values: pts.map((p) => p.stale) }, { name: '空白栏目', values: pts.map((p) => p.blank) }], note: '栏目设置与更新审计项的计数；缺口表示该次未运行。' },
    { title: '无障碍问题', labels, series: [{ name: '无障碍问题', values: pts.map((p) => p.a11y) }], note: 'WCAG 2.1 AA（axe）问题条数，不含需人工复核项；缺口表示该次未运行浏览器检查。' },
    { title: 'IPv6 链接支持率', labels, series: [{ name: '二级', values: pts.map((p) => round1(p.ipv6Level2)) }, { name: '三级', values: pts.map((p) => round1(p.ipv6Level3)) }], unit: '%', min: 0, max: 100, markLine: { value: 90, label: '二级要求' }, note: '二级、三级链接经 IPv6 可访问的比例；虚线为二级链接要求 90%（三级 85%），阈值未经官方文本确认。' },
    { title: '找错工单按时率', labels, series: [{ name: '按时率', values: pts.map((p) => round1(p.tickets.rate)) }], unit: '%', min: 0, max: 100, markLine: { value: 100, label: '要求' }, note: '截至各次运行结束时，已到期或已办结的找错工单中按时办结的比例；虚线为要求 100%（任务 20：2 个工作日）。' },
  ];
}

function deltaList(items: DeltaItem[], cap = 60): Raw {
  if (!items.length) return html`<p class="muted">无。</p>`;
  return html`<ul>${items.slice(0, cap).map((f) => html`<li><span class="sev sev-${f.severity}">${SEVERITY_ZH[f.severity]}</span> ${f.message} <span class="muted">— ${link(f.url)}${f.division ? ` · ${f.division}` : ''}</span></li>`)}</ul>${items.length > cap ? html`<p class="muted">另有 ${items.length - cap} 项，见 xlsx 导出。</p>` : ''}`;
}

export function trendsSection(t: Trends | undefined): Raw {
  if (!t) {
    return html`<section id="trends"><h2>趋势</h2><p class="muted">本报告由单次运行生成。各次运行的趋势图、“较上次新发现 / 已整改”清单和找错工单按时率需要数据库：<code>zhaocuo report --site &lt;网站&gt; --last 10</code>。</p></section>`;
  }
  const charts = trendCharts(t);
  const pts = t.points;
  return html`<section id="trends"><h2>趋势 <span class="muted">最近 ${pts.length} 次运行</span></h2>
<div class="charts">${charts.map((c) =>
  c.series.every((s) => s.values.every((v) => v === null))
    ? html`<div class="chart empty"><b>${c.title}</b><p class="u">最近 ${pts.length} 次运行均未测量。</p><p>${c.note}</p></div>`
    : html`<div class="chart">${new Raw(lineChartSvg(c))}<p>${c.note}</p></div>`)}</div>
<details data-print-open><summary>各次运行的数据</summary>
<table><tr><th>运行</th><th>检查日期</th><th class="num">页面</th><th class="num">不可用链接</th><th class="num">超期栏目</th><th class="num">空白栏目</th><th class="num">无障碍问题</th><th class="num">IPv6 二级</th><th class="num">IPv6 三级</th><th class="num">得分</th><th>结论</th><th class="num">找错按时率</th><th class="num">问题总数</th></tr>
${pts.map((p) => html`<tr><td>#${p.runId}</td><td class="nw">${p.today}</td><td class="num">${p.pages}</td><td class="num">${p.broken}</td><td class="num">${p.stale ?? '—'}</td><td class="num">${p.blank ?? '—'}</td><td class="num">${p.a11y ?? '—'}</td><td class="num">${pct(p.ipv6Level2)}</td><td class="num">${pct(p.ipv6Level3)}</td><td class="num">${p.score ?? '—'}</td><td class="nw">${p.verdict ?? '—'}</td><td class="num">${pct(p.tickets.rate)}${p.tickets.counted ? ` (${p.tickets.onTime}/${p.tickets.counted})` : ''}</td><td class="num">${p.findings}</td></tr>`)}
</table></details>
${t.previousRunId === null ? html`<p class="muted">这是该网站的第一次完整运行，没有可比较的上一次运行。</p>` : html`<h3>较上次运行（#${t.previousRunId}）的变化</h3>
<p>新发现 <b class="${t.newSince.length ? 'fail' : 'pass'}">${t.newSince.length}</b> 个，已整改（本次未再发现）<b class="pass">${t.fixedSince.length}</b> 个，仍存在 ${t.persisting} 个${t.notRechecked ? html`；另有 ${t.notRechecked} 个本次未复查（审计项未运行或页面未抓取），不计为整改` : ''}。</p>
<div class="delta"><div id="new-since"><h3>本次新发现</h3>${deltaList(t.newSince)}</div><div id="fixed-since"><h3>已整改（本次未再发现）</h3>${deltaList(t.fixedSince)}</div></div>`}
</section>`;
}
