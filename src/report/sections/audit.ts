/**
 * One section per audit, in the order an assessor reads them (IPv6, links, columns, identity,
 * accessibility, Lighthouse, privacy, wording, then the rest): title and status, the rule
 * references, the responsible division, the audit's own figures (a summary renderer per
 * audit, from its `data`) and its findings with their evidence.
 */
import { html, type Raw } from '../escape.ts';
import type { Report } from '../schema.ts';
import { divisionsLine, findingsTable, refsLine, severityCounts, type AuditEntry, type Finding } from './common.ts';
import { ipv6Summary } from './ipv6.ts';
import { linksSummary } from './links.ts';
import { columnsSummary } from './columns.ts';
import { identitySummary } from './identity.ts';
import { accessibilitySummary, ageFriendlySummary, lighthouseSummary } from './browser.ts';
import { integritySummary, privacySummary, searchSummary, wordingSummary } from './content.ts';
import { availabilitySummary, interactionSummary, serviceGuidesSummary } from './services.ts';

/** `tz`: the zone times are shown in (the availability window). */
type Summary = (data: unknown, r: Report, tz: string) => Raw;

/** Audit id → its summary renderer, in report order. The verdict has its own section. */
const SECTIONS: [string, Summary | null][] = [
  ['ipv6', (_d, r) => ipv6Summary(r)],
  ['links', linksSummary],
  ['columns', columnsSummary],
  ['identity', identitySummary],
  ['accessibility', accessibilitySummary],
  ['age-friendly', ageFriendlySummary],
  ['lighthouse', lighthouseSummary],
  ['privacy', privacySummary],
  ['wording', wordingSummary],
  ['integrity', integritySummary],
  ['service-guides', serviceGuidesSummary],
  ['search', searchSummary],
  ['interaction', interactionSummary],
  ['availability', availabilitySummary],
];

/** Section anchors: the IPv6 section keeps its historical id. */
export function sectionId(auditId: string): string {
  return auditId === 'ipv6' ? 'ipv6' : `audit-${auditId}`;
}

/** The audits in report order (known ones first, then any other, as the report lists them). */
export function orderedAudits(r: Report): AuditEntry[] {
  const rank = new Map(SECTIONS.map(([id], i) => [id, i]));
  return r.audits
    .filter((a) => a.id !== 'verdict')
    .map((a, i) => ({ a, k: rank.get(a.id) ?? SECTIONS.length + i }))
    .sort((x, y) => x.k - y.k)
    .map((x) => x.a);
}

export function auditSection(r: Report, a: AuditEntry, list: Finding[], tz = 'Asia/Shanghai'): Raw {
  const summary = SECTIONS.find(([id]) => id === a.id)?.[1];
  const status = a.status === 'ran' ? `${list.length} 个问题` : a.status === 'skipped' ? '未运行' : '运行失败';
  let figures: Raw = html``;
  if (a.status === 'ran' && summary) {
    try {
      figures = summary(a.data, r, tz);
    } catch {
      // A report written by another version may hold data of another shape: show the findings anyway.
      figures = html`<p class="muted">（本审计项的汇总数据格式无法识别，仅列出问题）</p>`;
    }
  }
  return html`<section id="${sectionId(a.id)}"><h2>${a.title.zh} — ${status} ${severityCounts(list)}</h2>
  ${refsLine(a.refs)}${divisionsLine(list, a.refs)}${a.reason ? html`<p class="muted">${a.reason}</p>` : a.status === 'skipped' ? html`<p class="muted">本次运行未执行该审计项。</p>` : ''}
  ${figures}
  ${list.length ? html`<h3>问题清单</h3>${findingsTable(list)}` : a.status === 'ran' ? html`<p class="pass">未发现问题。</p>` : ''}</section>`;
}
