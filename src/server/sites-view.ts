/**
 * The dashboard's sites view (/sites): every registered site and every site with runs — name,
 * 主办单位, tags, last run (Beijing time), verdict, score, open and overdue 找错 tickets, the
 * trend arrow — in the league order of src/sites/league.ts (the one `zhaocuo report --tag`
 * prints), sortable by each column and filtered by a tag, one click to the site's newest
 * report. Sorting and filtering are links (the CSP allows no script). Below 720 px the rows
 * stack into labelled cards and the column headers wrap into a row of sort chips.
 */
import { html, Raw } from '../report/escape.ts';
import { SCHEDULE_TZ } from '../sites/cron.ts';
import { DEFAULT_DIR, TREND_ARROW, TREND_ZH, tagsText, trendOf, type LeagueEntry, type SortDir, type SortKey } from '../sites/league.ts';
import { formatLocal } from '../tickets/zoned.ts';
import { layout, type ViewCtx } from './views.ts';

export interface SitesQuery {
  sort: SortKey;
  dir: SortDir;
  tag?: string;
}

const COLUMNS: { key: SortKey; label: string; num?: boolean }[] = [
  { key: 'rank', label: '排名', num: true },
  { key: 'name', label: '网站名称' },
  { key: 'sponsor', label: '主办单位' },
  { key: 'tags', label: '标签' },
  { key: 'lastRun', label: '上次检查（北京时间）' },
  { key: 'verdict', label: '结论' },
  { key: 'score', label: '得分', num: true },
  { key: 'open', label: '未办结工单', num: true },
  { key: 'overdue', label: '逾期工单', num: true },
  { key: 'trend', label: '趋势' },
];

const CSS = `
.chips{display:flex;flex-wrap:wrap;gap:6px;margin:0 0 12px}.chip{display:inline-block;padding:2px 12px;border:1px solid #cbd5e1;border-radius:14px;background:#fff;color:#1f2328;text-decoration:none;font-size:13px}
.chip.on{background:#9b1c1c;border-color:#9b1c1c;color:#fff}.box{overflow-x:auto;max-width:100%}table.sites th a{color:inherit;text-decoration:none}table.sites th[aria-sort] a{color:#9b1c1c}
table.sites td{overflow-wrap:break-word}table.sites td .muted{overflow-wrap:anywhere}table.sites a.report,table.sites td[data-label="趋势"] span{white-space:nowrap}table.sites td.num,table.sites th.num{text-align:right}table.sites tr.veto td{background:#fef2f2}
.v{display:inline-block;padding:0 8px;border-radius:10px;font-size:12px;color:#fff;white-space:nowrap;background:#6b7280}.v-合格{background:#15803d}.v-不合格{background:#c2410c}.v-单项否决{background:#b91c1c}
.t-up{color:#15803d}.t-down{color:#b91c1c}.t-same{color:#6b7280}.late{color:#b91c1c;font-weight:bold}
@media (max-width:720px){main{padding:12px}header{padding:10px 12px}section{padding:10px}}
@media (max-width:720px){table.sites thead{display:block;margin:0 0 10px}table.sites thead tr{display:flex;flex-wrap:wrap;gap:6px;border:0;padding:0;margin:0;background:none}table.sites thead tr::before{content:"排序：";color:#6b7280}
table.sites th{display:block;background:#fff;border:1px solid #cbd5e1;border-radius:14px;padding:1px 10px;font-weight:normal;font-size:13px}table.sites th.plain{display:none}table.sites td.num{text-align:left}}
`;

function href(q: SitesQuery, change: Partial<SitesQuery>): string {
  const n = { ...q, ...change };
  const p = new URLSearchParams();
  if (n.tag) p.set('tag', n.tag);
  if (n.sort !== 'rank') p.set('sort', n.sort);
  if (n.dir !== DEFAULT_DIR[n.sort]) p.set('dir', n.dir);
  const s = p.toString();
  return `/sites${s ? `?${s}` : ''}`;
}

function header(q: SitesQuery, c: (typeof COLUMNS)[number]): Raw {
  const on = q.sort === c.key;
  // A click on the sorted column turns it round; another column starts in its own direction.
  const dir: SortDir = on ? (q.dir === 'asc' ? 'desc' : 'asc') : DEFAULT_DIR[c.key];
  const mark = on ? (q.dir === 'asc' ? ' ▲' : ' ▼') : '';
  return html`<th data-key="${c.key}"${c.num ? new Raw(' class="num"') : ''}${on ? new Raw(` aria-sort="${q.dir === 'asc' ? 'ascending' : 'descending'}"`) : ''}><a href="${href(q, { sort: c.key, dir })}">${c.label}${mark}</a></th>`;
}

function row(e: LeagueEntry): Raw {
  const s = e.standing;
  const r = s.latest;
  const t = trendOf(s);
  const cell = (label: string, body: unknown, cls = '') => html`<td data-label="${label}"${cls ? new Raw(` class="${cls}"`) : ''}>${body}</td>`;
  const pending = s.pending ? html` <span class="badge ${s.pending.status === 'failed' ? 'overdue' : 's-处理中'}" title="${s.pending.error ?? ''}">${s.pending.status === 'failed' ? `之后的运行 #${s.pending.runId} 失败` : `运行 #${s.pending.runId} 检查中`}</span>` : '';
  return html`<tr data-site="${s.origin}" class="${e.verdict === '单项否决' ? 'veto' : ''}">
${cell('排名', e.rank ?? '—', 'num')}
${cell('网站名称', html`<b>${s.name}</b><br><span class="muted">${s.url}</span>`)}
${cell('主办单位', s.sponsor ?? '—')}
${cell('标签', s.registered ? tagsText(s.tags) || '—' : html`<span class="muted">未登记</span>`)}
${cell('上次检查（北京时间）', html`${r ? html`<time datetime="${r.at}">${formatLocal(r.at, SCHEDULE_TZ)}</time>` : '未检查'}${pending}`, 'nw')}
${cell('结论', html`<span class="v v-${e.verdict}" title="${r?.vetoes.length ? `单项否决：${r.vetoes.join('、')}` : ''}">${e.verdict}</span>`)}
${cell('得分', r?.score ?? '—', 'num')}
${cell('未办结工单', s.openTickets, 'num')}
${cell('逾期工单', s.overdueTickets ? html`<span class="late">${s.overdueTickets}</span>` : 0, 'num')}
${cell('趋势', t ? html`<span class="t-${t.trend}" title="${TREND_ZH[t.trend]}（#${s.previous!.runId} ${s.previous!.score} 分 → #${r!.runId} ${r!.score} 分）">${TREND_ARROW[t.trend]} ${t.delta > 0 ? `+${t.delta}` : t.delta}</span>` : html`<span class="muted">—</span>`)}
${cell('报告', r ? html`<a class="report" href="/runs/${r.runId}/report">查看报告</a>` : html`<span class="muted">无</span>`)}
</tr>`;
}

export function sitesPage(v: ViewCtx, rows: LeagueEntry[], q: SitesQuery, tags: string[]): string {
  const vetoed = rows.filter((e) => e.verdict === '单项否决').length;
  const unchecked = rows.filter((e) => e.verdict === '未检查').length;
  const body = html`<style>${new Raw(CSS)}</style><h1>网站${q.tag ? ` · ${q.tag}` : ''}</h1>
<nav class="chips" id="tags" aria-label="按标签筛选"><a class="chip${q.tag ? '' : ' on'}" href="${href(q, { tag: undefined })}">全部</a>${tags.map((t) => html`<a class="chip${q.tag === t ? ' on' : ''}" href="${href(q, { tag: t })}">${t}</a>`)}</nav>
<p class="muted">共 ${rows.length} 个网站${vetoed ? `，单项否决 ${vetoed} 个` : ''}${unchecked ? `，未检查 ${unchecked} 个` : ''}。排名：单项否决的网站排在最后，其余按得分从高到低，得分相同时逾期工单少的在前（与 zhaocuo report --tag 的排名表一致）；趋势为得分与上一次完成的检查相比。时间为北京时间（${SCHEDULE_TZ}）。</p>
${q.tag && !rows.length ? html`<p class="error">没有带标签“${q.tag}”的网站。</p>` : ''}
<section><div class="box"><table class="sites stack" id="sites"><thead><tr>${COLUMNS.map((c) => header(q, c))}<th class="plain">报告</th></tr></thead><tbody>
${rows.map((e) => row(e))}${rows.length || q.tag ? '' : html`<tr><td colspan="11" class="muted">还没有网站：zhaocuo sites add &lt;网址&gt; --name &lt;名称&gt;，或 zhaocuo sites import sites.yaml</td></tr>`}
</tbody></table></div></section>`;
  return layout(v, '网站', body);
}
