/** The short summary a run prints on stdout. */
import type { Report } from '../report/schema.ts';
import { SEVERITIES } from '../audit/types.ts';
import { SEVERITY_ZH } from '../report/html.ts';

export function summaryText(r: Report, files?: { html: string }): string {
  const s = r.summary;
  const depth = Object.entries(s.pagesByDepth).map(([d, n]) => `${d}:${n}`).join(' ');
  const secs = s.durationMs / 1000;
  const lines = [
    `zhaocuo — ${r.site.name ?? r.site.host} ${r.site.url}`,
    `  pages ${s.pages} (depth ${depth})  links ${s.links}  broken ${s.broken}  blocked ${s.blocked}  in ${secs.toFixed(1)} s (${(s.pages / Math.max(secs, 0.001)).toFixed(0)} pages/s)`,
    `  findings ${s.findingsTotal}: ${SEVERITIES.map((k) => `${SEVERITY_ZH[k]}(${k}) ${s.findings[k] ?? 0}`).join(' · ')}`,
  ];
  const inc = s.incremental;
  if (inc && inc.notModified + inc.sameContent > 0) lines.push(`  re-audit: ${inc.notModified + inc.sameContent} pages unchanged (${inc.notModified} answered 304), ${inc.changed} changed, ${inc.fresh} new; ${mb(s.bytes)} received (--full fetches everything)`);
  const verdict = r.audits.find((a) => a.id === 'verdict')?.data as { verdict?: string; score?: number } | undefined;
  if (verdict?.verdict) lines.push(`  verdict: ${verdict.verdict} (${verdict.score} 分)`);
  const ipv6 = r.ipv6 as { level2Rate?: number; level3Rate?: number; homepageV6?: { ok?: boolean } } | undefined;
  if (ipv6) lines.push(`  IPv6: homepage ${ipv6.homepageV6?.ok ? 'ok' : 'fails'} · 二级 ${pct(ipv6.level2Rate)} · 三级 ${pct(ipv6.level3Rate)}`);
  if (files) lines.push(`  report: ${files.html}`);
  return lines.join('\n');
}

const mb = (n: number | undefined) => (n === undefined ? '—' : `${(n / 1048576).toFixed(1)} MB`);
const pct = (n: number | undefined) => (n === undefined ? '—' : `${(n * 100).toFixed(1)}%`);
