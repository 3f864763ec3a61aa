/**
 * index.html: the report a webmaster opens. Self-contained (inline CSS, no scripts, no
 * external assets), printable, Chinese UI. Verdict first, then findings by audit with their
 * evidence and rule references. Every string from the site goes through `html`/`esc`.
 */
import type { Report } from './schema.ts';
import { html, link, type Raw } from './escape.ts';
import { SEVERITIES, type RuleRef, type Severity } from '../audit/types.ts';

export const SEVERITY_ZH: Record<Severity, string> = { critical: '否决', high: '严重', medium: '一般', low: '轻微', info: '提示' };
const SOURCE_ZH: Record<RuleRef['source'], string> = { guideline: '发展指引', inspection: '检查指标', regulation: '条例', seed: '任务分解表', standard: '标准' };

const CSS = `
*{box-sizing:border-box}body{font-family:"Microsoft YaHei","PingFang SC","WenQuanYi Micro Hei","Noto Sans CJK SC",sans-serif;margin:0;color:#1f2328;background:#f6f7f9;line-height:1.55}
header{background:#9b1c1c;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;opacity:.9}
main{max-width:1180px;margin:0 auto;padding:20px 28px}section{background:#fff;border:1px solid #e3e6ea;border-radius:8px;padding:16px 20px;margin:0 0 18px}
h2{font-size:18px;margin:0 0 12px}h3{font-size:15px;margin:16px 0 8px}.cards{display:flex;flex-wrap:wrap;gap:12px}.card{flex:1 1 140px;border:1px solid #e3e6ea;border-radius:6px;padding:10px 14px}
.card b{display:block;font-size:24px}.card span{color:#57606a;font-size:13px}table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #eaecef;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f3f4f6}td.url{word-break:break-all;max-width:420px}.sev{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;color:#fff;white-space:nowrap}
.sev-critical{background:#7f1d1d}.sev-high{background:#c2410c}.sev-medium{background:#b45309}.sev-low{background:#2563eb}.sev-info{background:#6b7280}
.pass{color:#15803d}.fail{color:#b91c1c}.refs{color:#57606a;font-size:12px}.muted{color:#6b7280}.u{color:#9a3412;font-size:12px}details{margin:4px 0}summary{cursor:pointer}
.verdict{font-size:28px;font-weight:bold}@media print{body{background:#fff}section{break-inside:avoid-page;border:none}header{background:#fff;color:#000;border-bottom:2px solid #9b1c1c}}
`;

function refsLine(refs: RuleRef[]): Raw {
  return html`<div class="refs">${refs.map((r, i) => html`${i ? '；' : ''}${SOURCE_ZH[r.source]}：${r.doc}${r.item ? ` · ${r.source === 'seed' ? '任务' : ''}${r.item}` : ''}${r.unconfirmed ? html`<span class="u">（权重未经官方文本确认）</span>` : ''}`)}</div>`;
}

interface VerdictView {
  verdict?: string;
  score?: number;
  vetoes?: { item: string; hit: boolean; evidence?: string }[];
  deductions?: { item: string; points: number; cap?: number; unconfirmed?: boolean }[];
}

function verdictSection(r: Report): Raw {
  const v = r.audits.find((a) => a.id === 'verdict' && a.status === 'ran')?.data as VerdictView | undefined;
  const linksData = r.audits.find((a) => a.id === 'links')?.data as { homepageBroken?: number; otherBroken?: number; deduction?: { total: number } } | undefined;
  if (!v) {
    return html`<section><h2>检查结论</h2><p class="muted">本次未运行检查结论评估（verdict）。链接扣分估算：${linksData?.deduction?.total ?? 0} 分（首页不可用链接 ${linksData?.homepageBroken ?? 0} 个，其他页面 ${linksData?.otherBroken ?? 0} 个）。</p></section>`;
  }
  const pass = v.verdict === '合格';
  return html`<section><h2>检查结论</h2>
    <p class="verdict ${pass ? 'pass' : 'fail'}">${v.verdict ?? '—'}　<span>${v.score ?? '—'} 分</span></p>
    <h3>单项否决指标</h3><table><tr><th>指标</th><th>结果</th><th>依据</th></tr>
    ${(v.vetoes ?? []).map((x) => html`<tr><td>${x.item}</td><td class="${x.hit ? 'fail' : 'pass'}">${x.hit ? '触发' : '未触发'}</td><td>${x.evidence ?? ''}</td></tr>`)}</table>
    <h3>扣分</h3><table><tr><th>指标</th><th>扣分</th><th>上限</th></tr>
    ${(v.deductions ?? []).map((d) => html`<tr><td>${d.item}${d.unconfirmed ? html` <span class="u">[权重待确认]</span>` : ''}</td><td>${d.points}</td><td>${d.cap ?? ''}</td></tr>`)}</table></section>`;
}

function evidenceCell(e: Record<string, unknown>): Raw {
  const rows: Raw[] = [];
  if (typeof e.target === 'string') rows.push(html`<div>目标：${link(e.target)}${e.status ? ` · HTTP ${e.status}` : ''}${e.error ? ` · ${e.error}` : ''}</div>`);
  if (typeof e.anchorText === 'string' && e.anchorText) rows.push(html`<div>链接文字：${e.anchorText}</div>`);
  if (typeof e.snippet === 'string') rows.push(html`<div>片段：<code>${e.snippet}</code></div>`);
  if (typeof e.selector === 'string') rows.push(html`<div>位置：<code>${e.selector}</code></div>`);
  if (typeof e.value === 'string') rows.push(html`<div>值：${e.value}</div>`);
  if (Array.isArray(e.redirects)) rows.push(html`<div>重定向：${(e.redirects as string[]).join(' → ')}</div>`);
  if (Array.isArray(e.pages) && e.pages.length) {
    const pages = e.pages as string[];
    rows.push(html`<details><summary>引用页面 ${e.pageCount ?? pages.length} 个</summary>${pages.map((p) => html`<div>${link(p)}</div>`)}</details>`);
  }
  return html`${rows}`;
}

export function renderHtml(r: Report): string {
  const s = r.summary;
  const byAudit = new Map<string, Report['findings']>();
  for (const f of r.findings) {
    const list = byAudit.get(f.audit) ?? [];
    list.push(f);
    byAudit.set(f.audit, list);
  }
  const depthRows = Object.entries(s.pagesByDepth).sort(([a], [b]) => (a === 'orphan' ? 1 : b === 'orphan' ? -1 : Number(a) - Number(b)));
  const name = r.site.name ?? r.site.host;
  const doc = html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data: 'self'">
<title>找错 检查报告 — ${name}</title><style>${CSS}</style></head><body>
<header><h1>政府网站检查报告 · ${name}</h1><p>${r.site.url} · 检查日期 ${r.run.today} · 运行 #${r.run.id ?? '—'} · zhaocuo ${r.tool.version}</p></header>
<main>
${verdictSection(r)}
<section><h2>概况</h2><div class="cards">
<div class="card"><b>${s.pages}</b><span>页面</span></div><div class="card"><b>${s.links}</b><span>链接目标</span></div>
<div class="card"><b class="${s.broken ? 'fail' : 'pass'}">${s.broken}</b><span>不可用链接</span></div><div class="card"><b>${s.blocked}</b><span>被拦截（待人工核验）</span></div>
${SEVERITIES.map((sev) => html`<div class="card"><b>${s.findings[sev] ?? 0}</b><span><span class="sev sev-${sev}">${SEVERITY_ZH[sev]}</span> 问题</span></div>`)}
</div>
<h3>页面层级</h3><table><tr><th>层级</th><th>页面数</th></tr>${depthRows.map(([d, n]) => html`<tr><td>${d === 'orphan' ? '仅站点地图可达' : d === '1' ? '首页' : `${d} 级`}</td><td>${n}</td></tr>`)}</table>
<p class="muted">请求 ${s.requests} 次，用时 ${(s.durationMs / 1000).toFixed(1)} 秒。机器可读结果：report.json。</p></section>
${r.audits.map((a) => {
  const list = byAudit.get(a.id) ?? [];
  return html`<section id="audit-${a.id}"><h2>${a.title.zh} <span class="muted">${a.title.en}</span> — ${a.status === 'ran' ? `${list.length} 个问题` : a.status === 'skipped' ? '未运行' : '运行失败'}</h2>
  ${refsLine(a.refs)}${a.reason ? html`<p class="muted">${a.reason}</p>` : ''}
  ${list.length ? html`<table><tr><th>级别</th><th>问题</th><th>页面</th><th>证据</th><th>责任处室</th></tr>
  ${list.map((f) => html`<tr><td><span class="sev sev-${f.severity}">${SEVERITY_ZH[f.severity]}</span></td><td>${f.message}<div class="refs">${f.rule}${f.deduction ? ` · 扣 ${f.deduction} 分` : ''}</div>${refsLine(f.refs)}</td><td class="url">${link(f.url)}</td><td class="url">${evidenceCell(f.evidence)}</td><td>${f.division ?? ''}</td></tr>`)}
  </table>` : a.status === 'ran' ? html`<p class="pass">未发现问题。</p>` : ''}</section>`;
})}
</main></body></html>`;
  return doc.value;
}
