/** 办事指南 elements, 互动交流 channels and replies, and site availability from the stored probes. */
import { html, link, type Raw } from '../escape.ts';
import type { ServiceGuidesData } from '../../../audits/service-guides.ts';
import { channelReason, type InteractionData } from '../../../audits/interaction.ts';
import type { AvailabilityData } from '../../../audits/availability.ts';
import { formatLocal, zoneName } from '../../tickets/zoned.ts';

export function serviceGuidesSummary(data: unknown): Raw {
  const d = data as Partial<ServiceGuidesData> | undefined;
  if (!d?.guides) return html``;
  const bad = d.guides.filter((g) => g.missing.length).sort((a, b) => b.missing.length - a.missing.length);
  return html`<div class="cards">
<div class="card"><b>${d.total ?? 0}</b><span>办事指南</span></div>
<div class="card"><b class="pass">${d.complete ?? 0}</b><span>要素齐全</span></div>
<div class="card"><b class="${d.incomplete ? 'fail' : 'pass'}">${d.incomplete ?? 0}</b><span>要素缺失</span></div>
<div class="card"><b class="${d.severe ? 'fail' : 'pass'}">${d.severe ?? 0}</b><span>缺少 4 类及以上要素</span></div>
</div>
${bad.length ? html`<details data-print-open><summary>要素缺失的办事指南（${bad.length} 个）</summary><table><tr><th>事项</th><th>缺少的要素</th><th>页面</th></tr>
${bad.map((g) => html`<tr><td>${g.title}</td><td class="${g.severe ? 'fail' : ''}">${g.missing.join('、')}</td><td class="url">${link(g.url)}</td></tr>`)}</table></details>` : ''}`;
}

export function interactionSummary(data: unknown): Raw {
  const d = data as Partial<InteractionData> | undefined;
  if (!d?.channels) return html``;
  return html`<div class="cards">
<div class="card"><b>${d.channels.filter((c) => c.working).length}/${d.channels.length}</b><span>可用的互动渠道</span></div>
<div class="card"><b>${d.total ?? 0}</b><span>公开的留言</span></div>
<div class="card"><b>${d.answered ?? 0}</b><span>已答复</span></div>
<div class="card"><b class="${d.overdue ? 'fail' : 'pass'}">${d.overdue ?? 0}</b><span>超过 3 个月未答复</span></div>
<div class="card"><b>${d.meanReplyDays ?? '—'}</b><span>平均答复天数（最长 ${d.maxReplyDays ?? '—'}）</span></div>
</div>
${d.channels.length ? html`<table><tr><th>渠道</th><th>状态</th><th>地址</th></tr>${d.channels.map((c) => html`<tr><td>${c.name}</td><td class="${c.working ? 'pass' : 'fail'}">${c.working ? '可用' : '不可用'}（${channelReason(c.reason)}）</td><td class="url">${link(c.url)}</td></tr>`)}</table>` : ''}`;
}

export function availabilitySummary(data: unknown, _r: unknown, tz = 'Asia/Shanghai'): Raw {
  const d = data as Partial<AvailabilityData> | undefined;
  if (!d) return html``;
  return html`<p>探测窗口 ${formatLocal(d.since, tz) || '—'} 至 ${formatLocal(d.until, tz) || '—'}（${zoneName(tz)}）：IPv${d.family ?? 4} 探测 ${d.total ?? 0} 次（判定需 ${d.required ?? '—'} 次），未在 15 秒内打开 ${d.failed ?? 0} 次（${((d.failedShare ?? 0) * 100).toFixed(1)}%）；${d.evaluated ? (d.hit ? html`<span class="fail">触发单项否决</span>` : html`<span class="pass">未触发</span>`) : html`<span class="u">探测次数不足，未评估</span>`}。</p>`;
}
