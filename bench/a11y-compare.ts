/**
 * What our report says each page violates, read back from the accessibility audit's findings
 * and data (the way a webmaster reads the report), and the comparison with raw axe-core.
 * Shared by `npm run bench:a11y-agreement` and tests/a11y-agreement.test.ts.
 */
import type { Finding } from '../src/audit/types.ts';
import type { AccessibilityData } from '../audits/accessibility.ts';
import type { RawAxeResult } from './raw-axe.ts';

export interface OurPage {
  url: string;
  /** Rules the report names for this page: its own findings and the template findings that list it. */
  rules: string[];
  /** audited | partial (some frames could not be entered) | failed (timeout, crash, navigation error). */
  status: string;
  error?: string;
}

const NOT_VIOLATIONS = /^(needs-review\/|page-not-audited$|page-partly-audited$)/;

export function ourPages(findings: Finding[], data: AccessibilityData): Map<string, OurPage> {
  const out = new Map<string, OurPage>();
  for (const p of data.pages) out.set(p.url, { url: p.url, rules: [], status: p.status ?? (p.framesAudited === undefined ? 'failed' : 'audited'), ...(p.error ? { error: p.error } : {}) });
  for (const f of findings) {
    if (f.audit !== 'accessibility' || NOT_VIOLATIONS.test(f.rule)) continue;
    for (const u of new Set([f.url, ...((f.evidence.pages as string[] | undefined) ?? [])])) {
      const p = out.get(u);
      if (p && !p.rules.includes(f.rule)) p.rules.push(f.rule);
    }
  }
  for (const p of out.values()) p.rules.sort();
  return out;
}

export interface PageAgreement {
  url: string;
  raw: string[];
  ours: string[];
  /** Rules raw axe reports that our report does not name for the page. */
  missing: string[];
  /** Rules only our report names (a frame or a late change raw axe did not see). */
  extra: string[];
  ourStatus: string;
  rawError?: string;
  ourError?: string;
}

export function compare(raw: RawAxeResult[], ours: Map<string, OurPage>): PageAgreement[] {
  return raw.map((r) => {
    const o = ours.get(r.url);
    const mine = o?.rules ?? [];
    return {
      url: r.url,
      raw: r.rules,
      ours: mine,
      missing: r.rules.filter((x) => !mine.includes(x)),
      extra: mine.filter((x) => !r.rules.includes(x)),
      ourStatus: o?.status ?? 'not in report',
      ...(r.error ? { rawError: r.error } : {}),
      ...(o?.error ? { ourError: o.error } : {}),
    };
  });
}
