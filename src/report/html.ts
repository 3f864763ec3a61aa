/**
 * index.html: the report a webmaster opens. Self-contained (inline CSS, no scripts, no
 * external assets), printable, Chinese UI. Verdict first, then findings by audit with their
 * evidence and rule references. Every string from the site goes through `html`/`esc`.
 */
import type { Report } from './schema.ts';
import { html, link, type Raw } from './escape.ts';
import type { Ipv6Data } from '../../audits/ipv6.ts';
import { SEVERITIES, type RuleRef, type Severity } from '../audit/types.ts';

export const SEVERITY_ZH: Record<Severity, string> = { critical: '否决', high: '严重', medium: '一般', low: '轻微', info: '提示' };
const SOURCE_ZH: Record<RuleRef['source'], string> = { guideline: '发展指引', inspection: '检查指标', regulation: '条例', seed: '任务分解表', standard: '标准' };

const CSS = `
*{box-sizing:border-box}body{font-family:"Microsoft YaHei","PingFang SC","WenQuanYi Micro Hei","Noto Sans CJK SC",sans-serif;margin:0;color:#1f2328;background:#f6f7f9;line-height:1.55}
header{background:#9b1c1c;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;opacity:.9}
main{max-width:1180px;margin:0 auto;padding:20px 28px}section{background:#fff;border:1px solid #e3e6ea;border-radius:8px;padding:16px 20px;margin:0 0 18px}
h2{font-size:18px;margin:0 0 12px}h3{font-size:15px;margin:16px 0 8px}.cards{display:flex;flex-wrap:wrap;gap:12px}.card{flex:1 1 140px;border:1px solid #e3e6ea;border-radius:6px;padding:10px 14px}
.card b{display:block;font-size:24px}.card span{color:#57606a;font-size:13px}.card span.sev{color:#fff}table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #eaecef;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f3f4f6}td.url{word-break:break-all;max-width:420px}.sev{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;color:#fff;white-space:nowrap}
.sev-critical{background:#7f1d1d}.sev-high{background:#c2410c}.sev-medium{background:#b45309}.sev-low{background:#2563eb}.sev-info{background:#6b7280}
.pass{color:#15803d}.fail{color:#b91c1c}.refs{color:#57606a;font-size:12px}.muted{color:#6b7280}.u{color:#9a3412;font-size:12px}details{margin:4px 0}summary{cursor:pointer}
.verdict{font-size:28px;font-weight:bold}@media print{body{background:#fff}section{break-inside:avoid-page;border:none}header{background:#fff;color:#000;border-bottom:2px solid #9b1c1c}}
`;

function refsLine(refs: RuleRef[]): Raw {
  return html`<div class="refs">${refs.map((r, i) => html`${i ? '；' : ''}${SOURCE_ZH[r.source]}：${r.doc}${r.item ? ` · ${r.source === 'seed' ? '任务' : ''}${r.item}` : ''}${r.unconfirmed ? html`<span class="u">（权重未经官方文本确认）</span>` : ''}`)}</div>`;
}

/** `audits[id=verdict].data` as audits/verdict.ts returns it (VerdictData); every field optional for older reports. */
interface VerdictView {
  verdict?: string;
  score?: number;
  passMark?: number;
  base?: number;
  provisional?: boolean;
  vetoes?: { item: string; hit: boolean; evaluated?: boolean; notApplicable?: boolean; evidence?: string }[];
  deductions?: { item: string; points: number; raw?: number; cap?: number; unconfirmed?: boolean; excluded?: boolean }[];
  unconfirmedNote?: string | null;
  reasons?: string[];
}

function vetoState(x: NonNullable<VerdictView['vetoes']>[number]): Raw {
  if (x.hit) return html`<td class="fail">触发</td>`;
  if (x.notApplicable) return html`<td class="muted">不适用</td>`;
  if (x.evaluated === false) return html`<td class="u">未评估</td>`;
  return html`<td class="pass">未触发</td>`;
}

function verdictSection(r: Report): Raw {
  const v = r.audits.find((a) => a.id === 'verdict' && a.status === 'ran')?.data as VerdictView | undefined;
  const linksData = r.audits.find((a) => a.id === 'links')?.data as { homepageBroken?: number; otherBroken?: number; deduction?: { total: number } } | undefined;
  if (!v) {
    return html`<section><h2>检查结论</h2><p class="muted">本次未运行检查结论评估（verdict）。链接扣分估算：${linksData?.deduction?.total ?? 0} 分（首页不可用链接 ${linksData?.homepageBroken ?? 0} 个，其他页面 ${linksData?.otherBroken ?? 0} 个）。</p></section>`;
  }
  const pass = v.verdict === '合格';
  const vetoes = v.vetoes ?? [];
  const unevaluated = vetoes.filter((x) => x.evaluated === false && !x.notApplicable);
  const deductions = v.deductions ?? [];
  return html`<section><h2>检查结论</h2>
    <p class="verdict ${pass ? 'pass' : 'fail'}">${v.verdict ?? '—'}　<span>${v.score ?? '—'} 分</span></p>
    <p class="muted">合格线 ${v.passMark ?? 60} 分；${v.base === 75 ? '本部门无对外服务，按 75 分制计分后 × 4/3' : '满分 100 分'}；得分 = 满分 − Σ min(扣分, 权重)；任一单项否决指标触发即不合格。</p>
    ${v.reasons?.length ? html`<p class="fail">${v.reasons.join('；')}</p>` : ''}
    ${v.provisional && unevaluated.length ? html`<p class="u">以下单项否决指标本次未评估，结论仅基于已评估的指标：${unevaluated.map((x) => x.item).join('、')}</p>` : ''}
    <h3>单项否决指标</h3><table><tr><th>指标</th><th>结果</th><th>依据</th></tr>
    ${vetoes.map((x) => html`<tr><td>${x.item}</td>${vetoState(x)}<td>${x.evidence ?? ''}</td></tr>`)}</table>
    <h3>扣分</h3>${deductions.length ? html`<table><tr><th>指标</th><th>扣分（计入）</th><th>扣分（原始）</th><th>上限（权重）</th></tr>
    ${deductions.map((d) => html`<tr><td>${d.item}${d.unconfirmed ? html` <span class="u">[权重待确认]</span>` : ''}${d.excluded ? html` <span class="muted">（不适用，不计）</span>` : ''}</td><td>${d.points}</td><td>${d.raw ?? d.points}</td><td>${d.cap ?? ''}</td></tr>`)}</table>` : html`<p class="muted">没有审计项报告扣分。</p>`}
    ${v.unconfirmedNote ? html`<p class="u">${v.unconfirmedNote}</p>` : ''}</section>`;
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
  // Browser audits (issue 5): axe help, elements, screenshots and raw files beside the report.
  if (typeof e.help === 'string' && typeof e.helpUrl === 'string') rows.push(html`<div>说明：${link(e.helpUrl, e.help)}${Array.isArray(e.wcag) && e.wcag.length ? ` · WCAG ${(e.wcag as string[]).join('、')}` : ''}</div>`);
  if (Array.isArray(e.nodes) && e.nodes.length > 1) rows.push(html`<details><summary>元素 ${e.nodeCount ?? e.nodes.length} 处</summary>${(e.nodes as { selector?: string; html?: string }[]).map((n) => html`<div><code>${n.selector ?? ''}</code> <code>${n.html ?? ''}</code></div>`)}</details>`);
  const files = [
    ...(Array.isArray(e.screenshots) ? (e.screenshots as { page?: string; file?: string }[]).map((x) => ({ label: '截图', path: x.file })) : []),
    ...(Array.isArray(e.files) ? (e.files as { label?: string; path?: string }[]) : []),
  ].filter((f): f is { label: string; path: string } => typeof f.path === 'string' && localFile(f.path));
  if (files.length) rows.push(html`<div>${files.map((f, i) => html`${i ? ' · ' : ''}<a href="${f.path}">${f.label ?? f.path}</a>`)}</div>`);
  return html`${rows}`;
}

/** A file written beside the report (screenshots/…, lighthouse/…): a relative path, nothing else. */
function localFile(path: string): boolean {
  return /^[\w-]+\/[\w.-]+$/.test(path) && !path.includes('..');
}

/** IPv6 (report.ipv6, the ipv6 audit's data): homepage over both families, DNS, 二级/三级 rates, hosts. */
function ipv6Section(r: Report): Raw {
  const d = r.ipv6 as Ipv6Data | undefined;
  if (!d) return html``;
  const pct = (n: number | undefined) => (n === undefined ? '—' : `${(n * 100).toFixed(1)}%`);
  const ok = (b: boolean | null | undefined, yes = '是', no = '否') => (b === null || b === undefined ? html`<span class="muted">无法比较</span>` : html`<span class="${b ? 'pass' : 'fail'}">${b ? yes : no}</span>`);
  const level = (zh: string, rate: number | undefined, l: Ipv6Data['level2']) =>
    html`<div class="card"><b class="${l.pass ? 'pass' : 'fail'}">${pct(rate)}</b><span>${zh}链接 IPv6 支持率（${l.supported}/${l.total}，要求 ≥${pct(l.threshold)}）</span></div>`;
  // Hosts that cost the most 二级/三级 links first, then the other hosts without IPv6.
  const cost = (h: Ipv6Data['hosts'][number]) => h.level2.total - h.level2.supported + h.level3.total - h.level3.supported;
  const hosts = [...d.hosts].sort((x, y) => cost(y) - cost(x) || Number(x.v6ok) - Number(y.v6ok));
  return html`<section id="ipv6"><h2>IPv6 支持 <span class="muted">IPv6</span></h2>
<div class="cards">
<div class="card"><b>${ok(d.aaaa, '有', '无')}</b><span>网站域名 AAAA 记录</span></div>
<div class="card"><b>${ok(d.homepageV6.ok, '可访问', '不可用')}</b><span>首页 IPv6 访问（成功 ${d.homepageV6.succeeded}/${d.homepageV6.probes}，${pct(d.homepageV6.successRate)}）</span></div>
<div class="card"><b>${ok(d.sameContent, '一致', '不一致')}</b><span>IPv4 / IPv6 内容一致</span></div>
<div class="card"><b>${ok(d.nameServers.ok, '支持', '不支持')}</b><span>DNS 解析链路 IPv6（${d.nameServers.withAaaa}/${d.nameServers.servers.length} 台域名服务器有 AAAA）</span></div>
${level('二级', d.level2Rate, d.level2)}${level('三级', d.level3Rate, d.level3)}
</div>
<p class="muted">${d.counting} 判定方式：${d.judge === 'url' ? '逐个链接经 IPv6 访问' : '按主机判定'}。阈值未经官方文本确认，可在配置中调整。</p>
${d.nameServers.zone ? html`<p>域名 ${d.nameServers.zone} 的权威服务器：${d.nameServers.servers.map((s, i) => html`${i ? '、' : ''}${s.name}${s.aaaa.length ? '' : html`<span class="fail">（无 AAAA）</span>`}`)}</p>` : html`<p class="muted">未找到权威域名服务器${d.nameServers.error ? `：${d.nameServers.error}` : ''}</p>`}
<h3>链接主机</h3><table><tr><th>主机</th><th>A</th><th>AAAA</th><th>IPv6</th><th>二级（支持/总数）</th><th>三级（支持/总数）</th><th>引用页面</th></tr>
${hosts.map((h) => html`<tr><td class="url">${h.host}${h.site ? html` <span class="muted">（本站）</span>` : ''}</td><td>${h.a.join(' ')}</td><td>${h.aaaa.join(' ') || html`<span class="fail">无</span>`}</td><td>${h.v6ok ? html`<span class="pass">支持</span>` : html`<span class="fail">不支持</span><div class="refs">${h.reason ?? ''}</div>`}</td><td>${h.level2.total ? `${h.level2.supported}/${h.level2.total}` : '—'}</td><td>${h.level3.total ? `${h.level3.supported}/${h.level3.total}` : '—'}</td><td class="url"><details><summary>${h.linkedFromCount} 个</summary>${h.linkedFrom.map((p) => html`<div>${link(p)}</div>`)}</details></td></tr>`)}
</table></section>`;
}

const PAGE_LIST_CAP = 1000;

/** The crawled pages (first 1,000; report.json has all), folded away: titles come from the site. */
function pagesList(r: Report): Raw {
  const shown = r.pages.slice(0, PAGE_LIST_CAP);
  return html`<details><summary>页面清单（${r.pages.length} 个${r.pages.length > PAGE_LIST_CAP ? `，此处列出前 ${PAGE_LIST_CAP} 个，完整清单见 report.json` : ''}）</summary>
<table><tr><th>层级</th><th>状态</th><th>标题</th><th>地址</th><th>编码</th></tr>${shown.map((p) => html`<tr><td>${p.depth ?? '—'}</td><td>${p.status}</td><td>${p.title}</td><td class="url">${link(p.url)}</td><td>${p.charset}</td></tr>`)}</table></details>`;
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
${pagesList(r)}
<p class="muted">请求 ${s.requests} 次，用时 ${(s.durationMs / 1000).toFixed(1)} 秒。机器可读结果：report.json。</p></section>
${ipv6Section(r)}
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
