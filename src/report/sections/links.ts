/** 链接可用性: broken targets on the homepage and other pages, blocked, loops, anchors, the deduction. */
import { html, type Raw } from '../escape.ts';
import type { LinksData } from '../../../audits/links.ts';
import type { Report } from '../schema.ts';

export function linksSummary(data: unknown, r: Report): Raw {
  const d = data as Partial<LinksData> | undefined;
  const s = r.summary;
  if (!d) return html``;
  // Broken entries the audit does not count on their own: no page links to them (a redirect hop),
  // or a #fragment link to a target that is itself broken (counted as that target).
  const unlinked = s.broken - (d.brokenTargets ?? 0);
  return html`<div class="cards">
<div class="card" id="links-broken"><b class="${d.brokenTargets ? 'fail' : 'pass'}">${d.brokenTargets ?? 0}</b><span>不可用链接（含页内锚点缺失）</span></div>
<div class="card"><b class="${d.homepageBroken ? 'fail' : 'pass'}">${d.homepageBroken ?? 0}</b><span>首页上的不可用链接</span></div>
<div class="card"><b>${d.otherBroken ?? 0}</b><span>其他页面上的不可用链接</span></div>
<div class="card"><b>${d.blocked ?? 0}</b><span>被对方拦截（待人工核验）</span></div>
<div class="card"><b>${d.redirectLoops ?? 0}</b><span>重定向循环</span></div>
<div class="card"><b>${d.missingAnchors ?? 0}</b><span>页内锚点缺失</span></div>
<div class="card"><b>${d.deduction?.total ?? 0}</b><span>扣分（首页 ${d.deduction?.homepage ?? 0}，其他 ${d.deduction?.other ?? 0}，上限 ${d.deduction?.cap ?? '—'}）</span></div>
</div>
<p class="muted">共核验链接目标 ${s.links} 个：可用 ${s.links - s.broken - s.blocked - s.skipped}，不可用 ${s.broken}，被拦截 ${s.blocked}，未核验（超出范围或限制）${s.skipped}。“不可用链接” ${d.brokenTargets ?? 0} 个 = 有页面引用的不可用目标 ${(d.brokenTargets ?? 0) - (d.missingAnchors ?? 0)} 个 + 缺失的页内锚点 ${d.missingAnchors ?? 0} 个${unlinked > 0 ? `；其余 ${unlinked} 个不可用条目不单独计入（没有页面直接引用的地址，或指向不可用页面的锚点链接）` : ''}。扣分标准：首页每个不可用链接扣 1 分，其他页面每个扣 0.1 分（权重未经官方文本确认，可在配置中调整）。</p>`;
}
