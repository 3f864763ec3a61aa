/**
 * 优先整改: what to fix first, right after the verdict — every 否决 and 严重 finding grouped by
 * the division that answers for it (most 否决 first), each with its 找错 ticket number and
 * deadline when the report is built from the store (未建工单 when no ticket was filed). The rest
 * of the findings follow by audit as before.
 */
import { html, link, type Raw } from '../escape.ts';
import type { Report } from '../schema.ts';
import { formatLocal, zoneName } from '../../tickets/zoned.ts';
import { SEVERITY_ZH, type Finding } from './common.ts';
import { auditLabel } from '../../audit/labels.ts';

/** The ticket filed for a finding (by fingerprint), as the report shows it. */
export interface FindingTicket {
  number: string;
  status: string;
  dueAt: string | null;
}

export const PRIORITY_SEVERITIES = ['critical', 'high'] as const;
export const NO_DIVISION = '未分派责任处室';

export interface PriorityGroup {
  division: string;
  items: Finding[];
  critical: number;
}

/** The 否决 and 严重 findings by division: most 否决 first, then most items, then by name; 否决 first within a group. */
export function priorityGroups(r: Report): PriorityGroup[] {
  const by = new Map<string, Finding[]>();
  const seen = new Set<string>();
  for (const f of r.findings) {
    if (!(PRIORITY_SEVERITIES as readonly string[]).includes(f.severity) || seen.has(f.fingerprint)) continue;
    seen.add(f.fingerprint);
    const d = f.division ?? NO_DIVISION;
    by.set(d, [...(by.get(d) ?? []), f]);
  }
  return [...by]
    .map(([division, items]) => ({
      division,
      items: items.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'critical' ? -1 : 1)),
      critical: items.filter((f) => f.severity === 'critical').length,
    }))
    .sort((a, b) => b.critical - a.critical || b.items.length - a.items.length || a.division.localeCompare(b.division, 'zh'));
}

export function prioritySection(r: Report, tickets: Record<string, FindingTicket> | undefined, tz: string): Raw {
  const groups = priorityGroups(r);
  const title = (id: string) => r.audits.find((a) => a.id === id)?.title.zh ?? auditLabel(id);
  const total = groups.reduce((n, g) => n + g.items.length, 0);
  const zone = zoneName(tz);
  if (!total) return html`<section id="priority"><h2>优先整改</h2><p class="pass">本次检查没有单项否决或严重问题。其余问题按审计项列在下方。</p></section>`;
  const ticketCell = (f: Finding): Raw => {
    const t = tickets?.[f.fingerprint];
    return t ? html`<b>${t.number}</b> <span class="muted">${t.status}</span>` : html`<span class="u">未建工单</span>`;
  };
  const dueCell = (f: Finding): Raw => {
    const t = tickets?.[f.fingerprint];
    return t?.dueAt ? html`${formatLocal(t.dueAt, tz)}` : html`<span class="muted">—</span>`;
  };
  return html`<section id="priority"><h2>优先整改 <span class="muted">单项否决与严重问题 ${total} 个，按责任处室</span></h2>
<p class="muted">${tickets ? `工单编号与办理时限取自找错工单库（${zone}）。` : '本报告未连接工单库（--no-db），各问题的工单与办理时限见 zhaocuo report 或工单系统。'}其余问题按审计项列在下方。</p>
${groups.map((g) => html`<h3 class="division">${g.division} <span class="muted">${g.critical ? `否决 ${g.critical} 个` : ''}${g.critical && g.items.length > g.critical ? '，' : ''}${g.items.length > g.critical ? `严重 ${g.items.length - g.critical} 个` : ''}</span></h3>
<table class="priority stack"><colgroup><col style="width:6%"><col style="width:48%"><col style="width:22%"><col style="width:12%"><col style="width:12%"></colgroup><tr><th>级别</th><th>问题</th><th>页面</th><th>工单</th><th>办理时限（${zone}）</th></tr>
${g.items.map((f) => html`<tr data-fingerprint="${f.fingerprint}"><td data-label="级别"><span class="sev sev-${f.severity}">${SEVERITY_ZH[f.severity]}</span></td><td>${f.message}<div class="refs">${title(f.audit)}</div></td><td class="url" data-label="页面">${link(f.url)}</td><td data-label="工单">${ticketCell(f)}</td><td class="nw" data-label="办理时限">${dueCell(f)}</td></tr>`)}</table>`)}
</section>`;
}
