/** What the pages say: personal data left unmasked (task 35) and wording (严重表述错误, outdated names, typos). */
import { html, type Raw } from '../escape.ts';
import type { PrivacyData } from '../../../audits/privacy.ts';
import type { WordingData } from '../../../audits/wording.ts';
import type { IntegrityData } from '../../../audits/integrity.ts';
import type { SearchData } from '../../../audits/search.ts';
import { PII_KIND_ZH, type PiiKind } from '../../pii/detect.ts';

export function privacySummary(data: unknown): Raw {
  const d = data as Partial<PrivacyData> | undefined;
  if (!d) return html``;
  const values = Object.entries(d.values ?? {}) as [PiiKind, number][];
  return html`<div class="cards">
<div class="card"><b>${d.pagesScanned ?? 0}</b><span>扫描页面</span></div>
<div class="card"><b class="${d.pagesWithPii ? 'fail' : 'pass'}">${d.pagesWithPii ?? 0}</b><span>含未脱敏个人信息的页面</span></div>
${values.map(([k, n]) => html`<div class="card"><b class="${n ? 'fail' : 'pass'}">${n}</b><span>${PII_KIND_ZH[k] ?? k}（不同号码）</span></div>`)}
</div><p class="muted">报告、工单和导出文件中只出现脱敏后的号码。</p>`;
}

const WORDING_ZH: Record<string, string> = { serious: '严重表述错误', outdated: '过时名称', typo: '错别字' };

export function wordingSummary(data: unknown): Raw {
  const d = data as Partial<WordingData> | undefined;
  if (!d) return html``;
  const kinds = Object.keys(WORDING_ZH);
  return html`<div class="cards">
<div class="card"><b>${d.pagesScanned ?? 0}</b><span>扫描页面（词典 ${d.entries ?? 0} 条）</span></div>
${kinds.map((k) => html`<div class="card"><b class="${(d.findings as Record<string, number> | undefined)?.[k] ? 'fail' : 'pass'}">${(d.findings as Record<string, number> | undefined)?.[k] ?? 0}</b><span>${WORDING_ZH[k]}（出现 ${(d.hits as Record<string, number> | undefined)?.[k] ?? 0} 处）</span></div>`)}
</div>`;
}

export function integritySummary(data: unknown): Raw {
  const d = data as Partial<IntegrityData> | undefined;
  if (!d) return html``;
  const card = (n: number | undefined, label: string, bad = true) => html`<div class="card"><b class="${n ? (bad ? 'fail' : 'warn') : 'pass'}">${n ?? 0}</b><span>${label}</span></div>`;
  return html`<div class="cards">
<div class="card"><b>${d.pagesScanned ?? 0}</b><span>扫描页面${d.renderedPagesScanned ? `（其中 ${d.renderedPagesScanned} 个在浏览器中渲染）` : ''}</span></div>
${card(d.illegalLinks, '违法违规内容链接')}
${card(d.hiddenLinkPages, '有成批隐藏外链的页面（疑似暗链）', false)}
${card(d.titleHijacks, '标题或关键词被篡改的页面')}
${card(d.cloakingScripts, '按搜索引擎来源跳转的脚本（挂马）')}
${card(d.defaced, '有篡改标记（Hacked by …）的页面')}
${d.spiderViews ? card(d.spiderCloaked, `只对搜索引擎显示的内容（比对 ${d.spiderViews} 次）`) : html``}
${card(d.futureDated, '日期晚于检查日的页面', false)}
</div><p class="muted">违法链接、标题篡改、挂马脚本和只对搜索引擎显示的内容属于“严重问题”单项否决；隐藏外链和超前日期需人工核实。</p>`;
}

export function searchSummary(data: unknown): Raw {
  const d = data as Partial<SearchData> | undefined;
  if (!d) return html``;
  if (!d.evaluated) return html`<p class="muted">未检查：${d.skipped ?? '—'}</p>`;
  return html`<div class="cards">
<div class="card"><b>${d.queries ?? 0}</b><span>用已发布信息的标题检索</span></div>
<div class="card"><b class="${d.found === d.queries ? 'pass' : 'fail'}">${d.found ?? 0}</b><span>搜到</span></div>
<div class="card"><b class="${d.failed ? 'fail' : 'pass'}">${d.failed ?? 0}</b><span>出错</span></div>
</div><p class="muted">搜索表单：${d.form?.action ?? '—'}（参数 ${d.form?.param ?? '—'}）</p>`;
}
