/** 概况: the crawl's figures, findings by severity, pages by depth and the page list (folded away). */
import { html, link, type Raw } from '../escape.ts';
import { SEVERITIES } from '../../audit/types.ts';
import type { Report } from '../schema.ts';
import { SEVERITY_ZH } from './common.ts';
import { brokenLinks } from '../figures.ts';

const PAGE_LIST_CAP = 1000;

/** The crawled pages (first 1,000 by depth; report.json has all), folded away: titles come from the site. */
function pagesList(r: Report): Raw {
  const sorted = [...r.pages].sort((a, b) => (a.depth ?? 1e9) - (b.depth ?? 1e9) || (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
  const shown = sorted.slice(0, PAGE_LIST_CAP);
  return html`<details><summary>页面清单（${r.pages.length} 个${r.pages.length > PAGE_LIST_CAP ? `，此处列出前 ${PAGE_LIST_CAP} 个，完整清单见 report.json` : ''}）</summary>
<table><tr><th>层级</th><th>状态</th><th>标题</th><th>发布日期</th><th>地址</th><th>编码</th></tr>${shown.map((p) => html`<tr><td>${p.depth ?? '—'}</td><td>${p.status}</td><td>${p.title}</td><td>${p.publishedAt ?? ''}</td><td class="url">${link(p.url)}</td><td>${p.charset}</td></tr>`)}</table></details>`;
}

/** What the crawl could not cover: limits reached (a crawler trap) and pages read only in part. Escaped: patterns and errors quote the site. */
function crawlNotes(r: Report): Raw | string {
  const partial = r.pages.filter((p) => p.error);
  if (!r.crawlLimits?.length && !partial.length) return '';
  return html`<h3>抓取说明</h3><ul>${(r.crawlLimits ?? []).map((l) => html`<li>${l.message}：${l.skipped} 个地址，例如 <span class="url">${link(l.example)}</span></li>`)}${partial.slice(0, 50).map((p) => html`<li><span class="url">${link(p.url)}</span>：${p.error!}</li>`)}</ul>`;
}

export function overviewSection(r: Report): Raw {
  const s = r.summary;
  const broken = brokenLinks(r);
  const depthRows = Object.entries(s.pagesByDepth).sort(([a], [b]) => (a === 'orphan' ? 1 : b === 'orphan' ? -1 : Number(a) - Number(b)));
  return html`<section id="overview"><h2>概况</h2><div class="cards">
<div class="card"><b>${s.pages}</b><span>页面</span></div><div class="card"><b>${s.links}</b><span>链接目标</span></div>
<div class="card" id="overview-broken"><b class="${broken ? 'fail' : 'pass'}">${broken}</b><span>不可用链接</span></div><div class="card"><b>${s.blocked}</b><span>被拦截（待人工核验）</span></div>
${SEVERITIES.map((sev) => html`<div class="card"><b>${s.findings[sev] ?? 0}</b><span><span class="sev sev-${sev}">${SEVERITY_ZH[sev]}</span> 问题</span></div>`)}
</div>
<h3>页面层级</h3><table><tr><th>层级</th><th class="num">页面数</th></tr>${depthRows.map(([d, n]) => html`<tr><td>${d === 'orphan' ? '仅站点地图可达' : d === '1' ? '首页' : `${d} 级`}</td><td class="num">${n}</td></tr>`)}</table>
${pagesList(r)}
${crawlNotes(r)}
<p class="muted">请求 ${s.requests} 次，用时 ${(s.durationMs / 1000).toFixed(1)} 秒。机器可读结果：report.json。</p></section>`;
}
