/** 栏目设置与更新: the homepage's freshness and every column found (or missing) with its newest item and period. */
import { html, link, type Raw } from '../escape.ts';
import type { ColumnRecord, ColumnsData } from '../../../audits/columns.ts';

export const COLUMN_KIND_ZH: Record<string, string> = { dynamic: '动态/要闻', notice: '通知公告', policy: '政策文件', personnel: '人事', plan: '规划计划', other: '其他' };
const STATE_ZH: Record<ColumnRecord['state'], [string, string]> = {
  fresh: ['按期更新', 'pass'],
  stale: ['超期未更新', 'fail'],
  blank: ['空白栏目', 'fail'],
  missing: ['缺失', 'fail'],
  present: ['存在', 'muted'],
};

export function columnsSummary(data: unknown): Raw {
  const d = data as Partial<ColumnsData> | undefined;
  if (!d?.columns) return html``;
  const c = d.counts;
  const h = d.homepage;
  // Required columns that are missing, then stale and blank ones, then the rest; by name within.
  const rank: Record<string, number> = { missing: 0, stale: 1, blank: 2, fresh: 3, present: 4 };
  const cols = [...d.columns].filter((x) => x.state !== 'missing' || x.required).sort((a, b) => rank[a.state] - rank[b.state] || Number(b.required) - Number(a.required));
  return html`${h ? html`<p>首页：${h.updated ? html`<span class="pass">按期更新</span>` : html`<span class="fail">不更新</span>`}，最新信息 ${h.newest ?? '无日期'}${h.ageDays !== null && h.ageDays !== undefined ? `（${h.ageDays} 天前）` : ''}${h.navOnly ? `；首页为导航页，按 ${h.judgedPages} 个二级页面判断` : ''}。</p>` : ''}
${c ? html`<div class="cards">
<div class="card"><b>${c.columns}</b><span>找到的栏目</span></div>
<div class="card"><b class="${c.missing ? 'fail' : 'pass'}">${c.missing}</b><span>应设未设栏目</span></div>
<div class="card"><b class="${c.stale ? 'fail' : 'pass'}">${c.stale}</b><span>超期未更新（动态/通知/政策类 ${c.staleUrgent}）</span></div>
<div class="card"><b class="${c.blank ? 'fail' : 'pass'}">${c.blank}</b><span>空白栏目</span></div>
<div class="card"><b>${c.fresh}</b><span>按期更新</span></div>
</div>` : ''}
<details data-print-open><summary>栏目一览（${cols.length} 个）</summary>
<table><tr><th>栏目</th><th>类型</th><th>状态</th><th>最新发布</th><th class="num">距今（天）</th><th class="num">更新周期（天）</th><th class="num">条目</th><th>任务</th><th>地址</th></tr>
${cols.map((x) => {
  const [zh, cls] = STATE_ZH[x.state] ?? [x.state, 'muted'];
  return html`<tr><td>${x.name}${x.required ? '' : html` <span class="muted">（选设）</span>`}</td><td class="nw">${COLUMN_KIND_ZH[x.kind] ?? x.kind}</td><td class="${cls} nw">${zh}${x.note ? html`<div class="refs">${x.note}</div>` : ''}</td><td class="nw">${x.newest ?? '—'}</td><td class="num">${x.ageDays ?? '—'}</td><td class="num">${x.periodDays ?? '—'}</td><td class="num">${x.items}</td><td>${x.seedTasks.join('、')}</td><td class="url">${x.url ? link(x.url) : '—'}</td></tr>`;
})}</table><p class="muted">“存在”：该类栏目没有更新周期要求（如机构职能），只检查是否存在、是否空白。更新周期：动态/要闻 14 天，通知公告、政策文件 6 个月，人事、规划计划 12 个月（后两项未经官方文本确认）。</p></details>`;
}
