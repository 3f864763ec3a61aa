/**
 * privacy — 个人信息未脱敏 (task 35; standards §9). Every page's title and text is scanned for
 * unmasked resident ID numbers (area code, birth date and check digit valid), old 15-digit ID
 * numbers (area code and 19YY birth date valid, after an ID keyword or alone in a table cell /
 * list item; rule unmasked-id-number-15), personal mobile numbers and bank card numbers (Luhn).
 * Unified social credit codes, 15-digit registration numbers (注册号), digit runs in file names
 * and URLs, office fixed lines, already masked values and ID-like numbers with a wrong check
 * digit are not reported. One finding per page and kind, listing the masked values.
 *
 * No output of this audit carries a value in clear: values, snippets and locators are built
 * from the masked text (the runner masks messages and evidence once more).
 */
import { z } from 'zod';
import { defineAudit, SEVERITIES, type FindingDraft, type RuleRef, type Severity } from '../src/audit/types.ts';
import type { PageArtifact } from '../src/gather/artifacts.ts';
import { findPii, maskPii, MASK_EXAMPLE, PII_KIND_ZH, type PiiHit, type PiiKind } from '../src/pii/detect.ts';
import { guideline, regulation, seedTask } from './rules/refs.ts';
import { definePagePart, pagePart } from '../src/audit/page-parts.ts';
import { shortHash } from '../src/audit/short-hash.ts';

const PII_KINDS = ['id-number', 'id-number-15', 'mobile', 'bank-card'] as const satisfies readonly PiiKind[];

const options = z.strictObject({
  /** Kinds to look for ('id-number-15': old 15-digit ID numbers, apart from 18-digit 'id-number'). */
  kinds: z.array(z.enum(PII_KINDS)).default([...PII_KINDS]),
  /** Characters of (masked) context on each side of a value. */
  contextChars: z.number().int().min(0).max(100).default(20),
  /** Masked values and snippets listed per finding. */
  maxValues: z.number().int().min(1).max(200).default(20),
  /** Severity of personal mobile numbers (ID and bank card numbers are high). */
  mobileSeverity: z.enum(SEVERITIES).default('medium'),
});

const RULE: Record<PiiKind, string> = { 'id-number': 'unmasked-id-number', 'id-number-15': 'unmasked-id-number-15', mobile: 'unmasked-mobile', 'bank-card': 'unmasked-bank-card' };

const PIPL: RuleRef = { source: 'regulation', doc: '中华人民共和国个人信息保护法', item: '第二十八条 — 身份证件号码、金融账户属敏感个人信息' };
const REFS: RuleRef[] = [
  seedTask(35),
  regulation('第十五条 — 涉及个人隐私的政府信息不得公开'),
  PIPL,
  guideline('安全防护 — 加强用户信息保护，防止个人信息泄露'),
];

export interface PrivacyData {
  pagesScanned: number;
  pagesWithPii: number;
  /** Distinct values found, by kind (counts only; no value is kept). */
  values: Record<PiiKind, number>;
  findings: number;
}

/** A value found on a page, as the runner keeps it: [kind, a hash of the value (never the value), the value masked, its snippet]. */
type KeptHit = [PiiKind, string, string, string];

/** A page's values (the kinds asked for) and its footer's (any kind), or null when it has none of the kinds asked for. */
interface PagePii {
  hits: KeptHit[];
  footer: string[];
}

interface PageHits {
  page: PageArtifact;
  hits: KeptHit[];
}

function snippet(masked: string, h: PiiHit, n: number): string {
  return masked.slice(Math.max(0, h.index - n), h.index + h.length + n).replace(/\s*\n\s*/g, ' ');
}

/** Tells two values apart without keeping them in clear. */
const idOf = (h: PiiHit) => `${h.kind}:${shortHash(h.value)}`;

const piiOnPage = definePagePart({
  id: 'privacy.hits',
  version: 1,
  of(p: PageArtifact, o: z.infer<typeof options>): PagePii | null {
    const text = `${p.title}\n${p.text}`;
    const hits = findPii(text).filter((h) => o.kinds.includes(h.kind));
    if (!hits.length) return null;
    const masked = maskPii(text);
    return { hits: hits.map((h) => [h.kind, idOf(h), h.masked, snippet(masked, h, o.contextChars)]), footer: findPii(p.footerText ?? '').map(idOf) };
  },
});

const byDepth = (a: PageArtifact, b: PageArtifact) => (a.depth ?? 99) - (b.depth ?? 99) || a.url.localeCompare(b.url);

export default defineAudit({
  meta: {
    id: 'privacy',
    title: { zh: '个人信息保护', en: 'Personal data exposure' },
    description: '检查页面中未脱敏的居民身份证号码（校验地区码、出生日期和校验位）、15 位（一代）身份证号码（校验地区码和出生日期，且前有“身份证号”等字样或单独位于表格单元格、列表项中）、个人手机号码和银行卡号（Luhn 校验）。统一社会信用代码、工商注册号、文件名与网址中的数字串、办公固定电话、已脱敏的号码不报告。报告中一律只显示脱敏后的号码。',
    refs: REFS,
    severity: 'high',
    requires: ['pages'],
    options,
    pageParts: [piiOnPage],
  },
  run({ artifacts, options: o }) {
    const scanned: PageHits[] = [];
    // Values printed by the page template (footer) on several pages are one defect, not one per page.
    const footerSeen = new Map<string, Set<PageArtifact>>();
    for (const p of artifacts.pages) {
      const pii = pagePart(artifacts, piiOnPage, p, o);
      if (!pii) continue;
      scanned.push({ page: p, hits: pii.hits });
      for (const k of pii.footer) {
        let set = footerSeen.get(k);
        if (!set) footerSeen.set(k, (set = new Set()));
        set.add(p);
      }
    }
    const isTemplate = (id: string) => (footerSeen.get(id)?.size ?? 0) > 1;

    const findings: FindingDraft[] = [];
    const distinct: Record<PiiKind, Set<string>> = { 'id-number': new Set(), 'id-number-15': new Set(), mobile: new Set(), 'bank-card': new Set() };
    const severityOf = (k: PiiKind): Severity => (k === 'mobile' ? o.mobileSeverity : 'high');
    const add = (kind: PiiKind, url: string, masked: string[], snippets: string[], pages: PageArtifact[]) => {
      const values = [...new Set(masked)];
      const shown = values.slice(0, o.maxValues);
      const template = pages.length > 1;
      findings.push({
        rule: RULE[kind],
        url,
        locator: `${template ? 'footer:' : ''}${kind}:${[...values].sort().join(',')}`,
        severity: severityOf(kind),
        message:
          `${template ? `页面底部（${pages.length} 个页面）` : '页面'}公开了未脱敏的${PII_KIND_ZH[kind]} ${values.length} 个：${shown.join('、')}${values.length > shown.length ? ' 等' : ''}。` +
          `请删除或脱敏（如 ${MASK_EXAMPLE[kind]}）后重新发布，并排查同类信息。`,
        refs: REFS,
        evidence: {
          kind,
          kindZh: PII_KIND_ZH[kind],
          value: shown.join('、'),
          values: shown,
          count: values.length,
          snippet: snippets[0],
          snippets: snippets.slice(0, o.maxValues),
          ...(template ? { pages: pages.slice(0, 50).map((p) => p.url), pageCount: pages.length } : {}),
        },
      });
    };

    const templateHits = new Map<string, { kind: PiiKind; masked: string; snippet: string; pages: PageArtifact[] }>();
    for (const { page, hits } of scanned.sort((a, b) => byDepth(a.page, b.page))) {
      const byKind = new Map<PiiKind, { masked: string[]; snippets: string[] }>();
      for (const [kind, id, masked, snip] of hits) {
        distinct[kind].add(id);
        if (isTemplate(id)) {
          const t = templateHits.get(id) ?? { kind, masked, snippet: snip, pages: [] };
          if (!t.pages.includes(page)) t.pages.push(page);
          templateHits.set(id, t);
          continue;
        }
        const g = byKind.get(kind) ?? { masked: [], snippets: [] };
        g.masked.push(masked);
        g.snippets.push(snip);
        byKind.set(kind, g);
      }
      for (const kind of PII_KINDS) {
        const g = byKind.get(kind);
        if (g) add(kind, page.url, g.masked, g.snippets, [page]);
      }
    }
    for (const kind of PII_KINDS) {
      const list = [...templateHits.values()].filter((t) => t.kind === kind);
      if (!list.length) continue;
      const pages = [...new Set(list.flatMap((t) => t.pages))].sort(byDepth);
      add(kind, pages[0].url, list.map((t) => t.masked), list.map((t) => t.snippet), pages);
    }

    const data: PrivacyData = {
      pagesScanned: artifacts.pages.length,
      pagesWithPii: scanned.length,
      values: { 'id-number': distinct['id-number'].size, 'id-number-15': distinct['id-number-15'].size, mobile: distinct.mobile.size, 'bank-card': distinct['bank-card'].size },
      findings: findings.length,
    };
    return { findings, data };
  },
});
