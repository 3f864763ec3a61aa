/** IPv6 (report.ipv6, the ipv6 audit's data): homepage over both families, DNS, 二级/三级 rates, hosts. */
import { html, link, type Raw } from '../escape.ts';
import type { Ipv6Data } from '../../../audits/ipv6.ts';
import type { Report } from '../schema.ts';
import { pct } from './common.ts';

export function ipv6Summary(r: Report): Raw {
  const d = r.ipv6 as Ipv6Data | undefined;
  if (!d) return html``;
  const ok = (b: boolean | null | undefined, yes = '是', no = '否') => (b === null || b === undefined ? html`<span class="muted">无法比较</span>` : html`<span class="${b ? 'pass' : 'fail'}">${b ? yes : no}</span>`);
  const level = (zh: string, rate: number | undefined, l: Ipv6Data['level2']) =>
    html`<div class="card"><b class="${l.pass ? 'pass' : 'fail'}">${pct(rate)}</b><span>${zh}链接 IPv6 支持率（${l.supported}/${l.total}，要求 ≥${pct(l.threshold)}）</span></div>`;
  // Hosts that cost the most 二级/三级 links first, then the other hosts without IPv6.
  const cost = (h: Ipv6Data['hosts'][number]) => h.level2.total - h.level2.supported + h.level3.total - h.level3.supported;
  const hosts = [...d.hosts].sort((x, y) => cost(y) - cost(x) || Number(x.v6ok) - Number(y.v6ok));
  return html`<div class="cards">
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
</table>`;
}
