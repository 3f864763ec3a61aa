/** The short summary a run prints on stdout. */
import type { Report } from '../report/schema.ts';
import { SEVERITIES } from '../audit/types.ts';
import { SEVERITY_ZH } from '../audit/labels.ts';

export function summaryText(r: Report, files?: { html: string }): string {
  const s = r.summary;
  const depth = Object.entries(s.pagesByDepth).map(([d, n]) => `${d === 'orphan' ? '仅站点地图' : d}:${n}`).join(' ');
  const secs = s.durationMs / 1000;
  const lines = [
    `zhaocuo — ${r.site.name ?? r.site.host} ${r.site.url}`,
    `  页面 ${s.pages}（层级 ${depth}）  链接 ${s.links}  不可用 ${s.broken}  被拦截 ${s.blocked}  用时 ${secs.toFixed(1)} 秒（每秒 ${(s.pages / Math.max(secs, 0.001)).toFixed(0)} 页）`,
    `  问题 ${s.findingsTotal}：${SEVERITIES.map((k) => `${SEVERITY_ZH[k]} ${s.findings[k] ?? 0}`).join(' · ')}`,
  ];
  const inc = s.incremental;
  if (inc && inc.notModified + inc.sameContent > 0) lines.push(`  复查：${inc.notModified + inc.sameContent} 个页面未变（其中 ${inc.notModified} 个回应 304），${inc.changed} 个有变化，${inc.fresh} 个新页面；共接收 ${mb(s.bytes)}（--full 重新抓取全部）`);
  const verdict = r.audits.find((a) => a.id === 'verdict')?.data as { verdict?: string; score?: number } | undefined;
  if (verdict?.verdict) lines.push(`  结论：${verdict.verdict}（${verdict.score} 分）`);
  const ipv6 = r.ipv6 as { level2Rate?: number; level3Rate?: number; homepageV6?: { ok?: boolean } } | undefined;
  if (ipv6) lines.push(`  IPv6：首页${ipv6.homepageV6?.ok ? '可访问' : '无法访问'} · 二级 ${pct(ipv6.level2Rate)} · 三级 ${pct(ipv6.level3Rate)}`);
  if (files) lines.push(`  报告：${files.html}`);
  return lines.join('\n');
}

const mb = (n: number | undefined) => (n === undefined ? '—' : `${(n / 1048576).toFixed(1)} MB`);
const pct = (n: number | undefined) => (n === undefined ? '—' : `${(n * 100).toFixed(1)}%`);
