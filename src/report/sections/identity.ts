/** 网站标识: each marker of the page footer (standards §3) with its value and state, and the domain rule. */
import { html, link, type Raw } from '../escape.ts';
import type { IdentityData } from '../../../audits/identity.ts';

const STATE_ZH: Record<string, [string, string]> = {
  ok: ['符合', 'pass'],
  'not-in-footer': ['不在页面底部', 'u'],
  'script-only': ['仅由脚本写入', 'u'],
  malformed: ['格式错误', 'fail'],
  missing: ['缺失', 'fail'],
};
const DOMAIN_ZH: Record<string, string> = { ip: 'IP 地址访问（无法判断域名）', 'gov-portal': '政府门户网站域名（www.<地区>.gov.cn）', 'gov-department': '部门网站域名（<部门>.<地区>.gov.cn）', 'gov-bare': '.gov.cn 域名（层级不符合规范）', 'not-gov': '非 .gov.cn 域名' };

export function identitySummary(data: unknown): Raw {
  const d = data as Partial<IdentityData> | undefined;
  if (!d?.markers) return html``;
  return html`<p>域名：${d.domain?.host ?? ''} — ${DOMAIN_ZH[d.domain?.kind ?? ''] ?? d.domain?.kind ?? ''}；检查页面 ${d.pagesChecked?.length ?? 0} 个${d.renderedAvailable ? '（含浏览器渲染后的页面）' : ''}。</p>
<table><tr><th>标识</th><th>状态</th><th>读到的值</th><th>页面</th><th class="num">缺失页面</th></tr>
${d.markers.map((m) => {
  // Found on some pages, missing on others: say so, not a bare 缺失 beside the value read.
  const [zh, cls] = m.state === 'missing' && m.value ? ['部分页面缺失', 'fail'] : STATE_ZH[m.state] ?? [m.state, 'muted'];
  return html`<tr><td>${m.label}</td><td class="${cls}">${zh}</td><td>${m.value ?? '—'}</td><td class="url">${m.page ? link(m.page) : '—'}</td><td class="num">${m.pagesMissing.length}/${m.pagesChecked}</td></tr>`;
})}</table>`;
}
