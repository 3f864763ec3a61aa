/**
 * The browser audits: accessibility (axe, WCAG 2.1 AA — pages audited, failing rules, the
 * screenshot of each page with violations, kept beside the report), age-friendly design, and
 * Lighthouse (scores and the raw JSON beside the report).
 */
import { html, link, type Raw } from '../escape.ts';
import type { AccessibilityData } from '../../../audits/accessibility.ts';
import type { AgeFriendlyData } from '../../../audits/age-friendly.ts';
import type { LighthouseData } from '../../../audits/lighthouse.ts';
import { localFile } from './common.ts';

const IMPACT_ZH: Record<string, string> = { critical: '严重', serious: '较重', moderate: '中等', minor: '轻微' };

export function accessibilitySummary(data: unknown): Raw {
  const d = data as Partial<AccessibilityData> | undefined;
  if (!d?.byRule) return html``;
  const pages = (d.pages ?? []).filter((p) => p.violations > 0).sort((a, b) => b.nodes - a.nodes);
  return html`<div class="cards">
<div class="card"><b>${d.pagesAudited ?? 0}/${d.pagesSampled ?? 0}</b><span>完成检查的抽样页面</span></div>
<div class="card"><b class="${d.rules ? 'fail' : 'pass'}">${d.rules ?? 0}</b><span>未通过的规则</span></div>
<div class="card"><b>${d.nodes ?? 0}</b><span>不符合的页面元素</span></div>
<div class="card"><b>${d.templateFindings ?? 0}</b><span>全站模板问题</span></div>
<div class="card"><b>${d.needsReview?.length ?? 0}</b><span>需人工复核的规则</span></div>
</div>
<p class="muted">axe-core ${d.axeVersion ?? ''}，标签：${(d.tags ?? []).join('、')}。</p>
${d.byRule.length ? html`<h3>未通过的规则</h3><table><tr><th>规则</th><th>影响</th><th>WCAG</th><th class="num">页面</th><th class="num">元素</th></tr>
${d.byRule.map((x) => html`<tr><td>${x.help} <span class="rule-id">规则 <code>${x.id}</code></span></td><td>${IMPACT_ZH[x.impact ?? ''] ?? '—'}</td><td>${x.wcag.join('、')}</td><td class="num">${x.pages}</td><td class="num">${x.nodes}</td></tr>`)}</table>` : ''}
${pages.length ? html`<h3>有问题的页面与截图</h3><table><tr><th>页面</th><th class="num">规则</th><th class="num">元素</th><th>截图</th></tr>
${pages.map((p) => html`<tr><td class="url">${link(p.url)}</td><td class="num">${p.violations}</td><td class="num">${p.nodes}</td><td>${p.screenshot && localFile(p.screenshot) ? html`<a href="${p.screenshot}">截图</a>` : '—'}</td></tr>`)}</table>` : ''}
${d.pagesFailed?.length ? html`<p class="u">未能检查的页面：${d.pagesFailed.map((p, i) => html`${i ? '；' : ''}${p.url}（${p.error}）`)}</p>` : ''}`;
}

export function ageFriendlySummary(data: unknown): Raw {
  const d = data as Partial<AgeFriendlyData> | undefined;
  if (!d) return html``;
  return html`<div class="cards">
<div class="card"><b>${d.pagesChecked ?? 0}</b><span>检查页面</span></div>
<div class="card"><b class="${d.popups ? 'fail' : 'pass'}">${d.popups ?? 0}</b><span>打开即弹窗</span></div>
<div class="card"><b class="${d.floating ? 'fail' : 'pass'}">${d.floating ?? 0}</b><span>漂浮广告层</span></div>
<div class="card"><b>${d.smallFont ?? 0}</b><span>正文字号过小</span></div>
<div class="card"><b>${d.zoomBlocked ?? 0}</b><span>禁止缩放</span></div>
</div>`;
}

const CATEGORIES: [string, string][] = [['performance', '性能'], ['accessibility', '无障碍'], ['best-practices', '最佳实践'], ['seo', '搜索引擎优化']];

export function lighthouseSummary(data: unknown): Raw {
  const d = data as Partial<LighthouseData> | undefined;
  if (!d?.runs) return html``;
  const score = (s: number | null | undefined) => (s === null || s === undefined ? html`<span class="muted">—</span>` : html`<span class="${s >= 0.9 ? 'pass' : s < 0.5 ? 'fail' : 'u'}">${Math.round(s * 100)}</span>`);
  return html`${d.skipped ? html`<p class="muted">${d.skipped}</p>` : ''}<table><tr><th>页面</th><th>模拟</th>${CATEGORIES.map(([, zh]) => html`<th class="num">${zh}</th>`)}<th class="num">未通过项</th><th>原始结果</th></tr>
${d.runs.map((x) => html`<tr><td class="url">${link(x.url)}${x.error ? html`<div class="fail">${x.error}</div>` : ''}</td><td>${x.formFactor === 'mobile' ? '移动端' : '桌面端'}</td>${CATEGORIES.map(([k]) => html`<td class="num">${score(x.scores?.[k as keyof typeof x.scores])}</td>`)}<td class="num">${x.failing}</td><td>${x.report && localFile(x.report) ? html`<a href="${x.report}">Lighthouse 原始结果</a>` : '—'}</td></tr>`)}</table>`;
}
