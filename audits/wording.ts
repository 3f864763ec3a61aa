/**
 * wording — 表述错误与错别字. A configurable dictionary (rules/wording.json + the site's
 * `audits.wording.options.entries`) of wrong and outdated expressions: institution names from
 * before the 2018/2023 reforms (outdated), serious political wording errors (serious, which
 * feed the 严重问题 veto), and common typos of government texts (typo). Each hit is reported
 * with the page, the entry, its correction and ±20 characters of context.
 *
 * Text repeated by the page template (footer, header, side bars) is reported once, with every
 * page that shows it, not once per page.
 */
import { z } from 'zod';
import builtinData from './rules/wording.json' with { type: 'json' };
import { defineAudit, SEVERITIES, type FindingDraft, type RuleRef, type Severity, type VerdictInputs, type VetoContribution } from '../src/audit/types.ts';
import type { PageArtifact } from '../src/gather/artifacts.ts';
import { maskPii } from '../src/pii/detect.ts';
import { definePagePart, pagePart } from '../src/audit/page-parts.ts';
import { guideline, inspection, regulation, seedTask } from './rules/refs.ts';

export const WORDING_KINDS = ['outdated', 'serious', 'typo'] as const;
export type WordingKind = (typeof WORDING_KINDS)[number];

export const wordingEntrySchema = z.strictObject({
  /** The wrong text, literally as it appears on a page. */
  wrong: z.string().min(2, '词条至少 2 个字'),
  /** What to write instead. */
  correct: z.string().min(1),
  kind: z.enum(WORDING_KINDS),
  /** Default by kind: serious → critical, outdated → medium, typo → low. */
  severity: z.enum(SEVERITIES).optional(),
  /** No hit when the text before ends with one of these (also across a place name: 原示例省…). */
  unlessPrecededBy: z.array(z.string().min(1)).default([]),
  /** No hit when the text after starts with one of these. */
  unlessFollowedBy: z.array(z.string().min(1)).default([]),
  /** Pages published before this date are not reported (the expression was right then). */
  since: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD').optional(),
  note: z.string().optional(),
});
export type WordingEntry = z.infer<typeof wordingEntrySchema>;

/** The built-in dictionary, validated when the module loads (a broken data file fails loudly). */
export const BUILTIN_ENTRIES: WordingEntry[] = z.array(wordingEntrySchema).parse((builtinData as { entries: unknown[] }).entries);

const options = z.strictObject({
  /** Entries the site adds; an entry with the same `wrong` as a built-in one replaces it. */
  entries: z.array(wordingEntrySchema).default([]),
  /** false: only the site's own entries. */
  builtin: z.boolean().default(true),
  /** Built-in kinds to switch off, e.g. ["typo"]. */
  disableKinds: z.array(z.enum(WORDING_KINDS)).default([]),
  /** Built-in entries to switch off, by their `wrong` text. */
  disable: z.array(z.string()).default([]),
  /** Characters of context on each side of a hit. */
  contextChars: z.number().int().min(0).max(200).default(20),
  /** Contexts listed per finding. */
  maxContexts: z.number().int().min(1).max(100).default(5),
});
export type WordingOptions = z.infer<typeof options>;

const DEFAULT_SEVERITY: Record<WordingKind, Severity> = { serious: 'critical', outdated: 'medium', typo: 'low' };
const RULE: Record<WordingKind, string> = { outdated: 'outdated-name', serious: 'serious-wording', typo: 'typo' };
const KIND_ZH: Record<WordingKind, string> = { outdated: '过时名称', serious: '严重表述错误', typo: '错别字' };

const REFS: Record<WordingKind, RuleRef[]> = {
  outdated: [
    inspection('内容准确性 — 机构名称等信息错误、过时', true),
    guideline('信息发布 — 确保信息准确，机构调整后及时更新'),
    regulation('第六条 — 行政机关应当及时、准确地公开政府信息'),
    seedTask(27),
  ],
  serious: [
    inspection('单项否决 — 严重问题：严重表述错误'),
    guideline('信息发布 — 严格审核把关，杜绝严重表述错误'),
    seedTask(27),
  ],
  typo: [
    inspection('内容准确性 — 错别字', true),
    guideline('信息发布 — 确保信息准确'),
    seedTask(27),
  ],
};

export interface WordingHitSummary {
  wrong: string;
  correct: string;
  url: string;
  pageCount: number;
}

export interface WordingData extends VerdictInputs {
  pagesScanned: number;
  entries: number;
  hits: Record<WordingKind, number>;
  findings: Record<WordingKind, number>;
  /** Serious wording errors (no page text beyond the entry itself). */
  serious: WordingHitSummary[];
  veto: VetoContribution;
}

/** The dictionary in force: built-ins (minus the disabled) with the site's entries on top. */
export function dictionary(o: Pick<WordingOptions, 'entries' | 'builtin' | 'disableKinds' | 'disable'>): WordingEntry[] {
  const byWrong = new Map<string, WordingEntry>();
  if (o.builtin) {
    for (const e of BUILTIN_ENTRIES) if (!o.disableKinds.includes(e.kind) && !o.disable.includes(e.wrong)) byWrong.set(e.wrong, e);
  }
  for (const e of o.entries) byWrong.set(e.wrong, wordingEntrySchema.parse(e));
  return [...byWrong.values()];
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A place name that may stand between an excusing word and the entry: 原[示例省]海洋与渔业厅. */
const PLACE = '(?:\\p{Script=Han}{0,7}?(?:省|市|自治区|特别行政区|县|区|州|盟|旗))?';

interface Compiled {
  entries: WordingEntry[];
  /** One alternation, longest first, so 国家卫生和计划生育委员会 wins over 卫生和计划生育委员会. */
  re: RegExp;
  byWrong: Map<string, { entry: WordingEntry; before: RegExp[] }>;
}

export function compile(entries: WordingEntry[]): Compiled {
  const sorted = [...entries].sort((a, b) => b.wrong.length - a.wrong.length);
  const byWrong = new Map(sorted.map((e) => [e.wrong, { entry: e, before: e.unlessPrecededBy.map((s) => new RegExp(`${escapeRe(s)}${PLACE}$`, 'u')) }]));
  const re = sorted.length ? new RegExp(sorted.map((e) => escapeRe(e.wrong)).join('|'), 'gu') : /(?!)/gu;
  return { entries: sorted, re, byWrong };
}

export interface WordingHit {
  entry: WordingEntry;
  index: number;
  /** ±contextChars around the hit, within its line; personal data already masked. */
  context: string;
}

/**
 * Every hit of the dictionary in a text, exceptions applied. The text is masked first (only
 * digits change, offsets stay), so a context never shows personal data, even cut in half.
 */
export function findWording(text: string, c: Compiled, contextChars = 20, publishedAt?: string): WordingHit[] {
  const masked = maskPii(text);
  const hits: WordingHit[] = [];
  for (const m of masked.matchAll(c.re)) {
    const item = c.byWrong.get(m[0]);
    if (!item) continue;
    const { entry } = item;
    const i = m.index!;
    const end = i + m[0].length;
    if (entry.since && publishedAt && publishedAt < entry.since) continue;
    const before = masked.slice(Math.max(0, i - 16), i);
    if (item.before.some((r) => r.test(before))) continue;
    const after = masked.slice(end, end + 16);
    if (entry.unlessFollowedBy.some((s) => after.startsWith(s))) continue;
    // Context stays within the hit's line (block), so text a template repeats reads the same on every page.
    const lineStart = masked.lastIndexOf('\n', i - 1) + 1;
    const lineEnd = masked.indexOf('\n', end);
    const context = masked.slice(Math.max(lineStart, i - contextChars), Math.min(lineEnd < 0 ? masked.length : lineEnd, end + contextChars));
    hits.push({ entry, index: i, context });
  }
  return hits;
}

function message(e: WordingEntry, count: number, pages: number): string {
  const where = pages > 1 ? `（${pages} 个页面出现相同文字，多为页面模板或列表标题）` : count > 1 ? `（本页 ${count} 处）` : '';
  const note = e.note ? `。${e.note}` : '';
  switch (e.kind) {
    case 'outdated':
      return `使用了过时的名称“${e.wrong}”，应为“${e.correct}”${where}${note}`;
    case 'serious':
      return `严重表述错误：“${e.wrong}”，应为“${e.correct}”${where}${note}`;
    case 'typo':
      return `错别字：“${e.wrong}”应为“${e.correct}”${where}${note}`;
  }
}

/** A page's hits as plain data (the runner keeps them by page content): [entry's wrong text, index, context]. */
type PageHits = [string, number, string][];

const compiledFor = new WeakMap<WordingOptions, Compiled>();
const compiledOf = (o: WordingOptions) => compiledFor.get(o) ?? compiledFor.set(o, compile(dictionary(o))).get(o)!;

/** The dictionary's hits in a page's title and text; a page with neither has none. */
export const wordingHits = definePagePart({
  id: 'wording.hits',
  version: 1,
  of(p: PageArtifact, o: WordingOptions): PageHits | null {
    const text = p.text;
    if (!text && !p.title) return null;
    return findWording(`${p.title}\n${text}`, compiledOf(o), o.contextChars, p.publishedAt).map((h) => [h.entry.wrong, h.index, h.context]);
  },
});

const byDepth = (a: PageArtifact, b: PageArtifact) => (a.depth ?? 99) - (b.depth ?? 99) || a.url.localeCompare(b.url);

export default defineAudit({
  meta: {
    id: 'wording',
    title: { zh: '表述与错别字', en: 'Wording errors and typos' },
    description: '按词典检查过时的机构名称（2018年机构改革前旧称等）、严重表述错误（计入“严重问题”单项否决）和常见错别字，给出上下文和正确写法。词典可在配置中增补或关闭。',
    refs: [inspection('单项否决 — 严重问题：严重表述错误'), inspection('内容准确性 — 错别字、过时信息', true), guideline('信息发布 — 确保信息准确'), seedTask(27)],
    severity: 'low',
    requires: ['pages'],
    options,
    pageParts: [wordingHits],
  },
  run({ artifacts, options: o }) {
    const compiled = compiledOf(o);
    let scanned = 0;

    // Pass 1: hits per page, and on how many pages each (entry, context) is seen.
    const perPage = new Map<PageArtifact, WordingHit[]>();
    const shared = new Map<string, Set<PageArtifact>>();
    const keyOf = (h: WordingHit) => `${h.entry.wrong}\u0000${h.context}`;
    for (const p of artifacts.pages) {
      const kept = pagePart(artifacts, wordingHits, p, o);
      if (!kept) continue;
      scanned++;
      if (!kept.length) continue;
      const hits: WordingHit[] = kept.map(([wrong, index, context]) => ({ entry: compiled.byWrong.get(wrong)!.entry, index, context }));
      perPage.set(p, hits);
      for (const h of hits) {
        const k = keyOf(h);
        let set = shared.get(k);
        if (!set) shared.set(k, (set = new Set()));
        set.add(p);
      }
    }

    const findings: FindingDraft[] = [];
    const hitsByKind: Record<WordingKind, number> = { outdated: 0, serious: 0, typo: 0 };
    const findingsByKind: Record<WordingKind, number> = { outdated: 0, serious: 0, typo: 0 };
    const serious: WordingHitSummary[] = [];
    const add = (entry: WordingEntry, url: string, locator: string, contexts: string[], count: number, onPages: PageArtifact[]) => {
      findingsByKind[entry.kind]++;
      if (entry.kind === 'serious') serious.push({ wrong: entry.wrong, correct: entry.correct, url, pageCount: onPages.length });
      findings.push({
        rule: RULE[entry.kind],
        url,
        locator,
        severity: entry.severity ?? DEFAULT_SEVERITY[entry.kind],
        message: message(entry, count, onPages.length),
        refs: REFS[entry.kind],
        evidence: {
          value: entry.wrong,
          correction: entry.correct,
          kind: entry.kind,
          kindZh: KIND_ZH[entry.kind],
          snippet: contexts[0],
          contexts: contexts.slice(0, o.maxContexts),
          count,
          ...(entry.note ? { note: entry.note } : {}),
          ...(onPages.length > 1 ? { pages: onPages.slice(0, 50).map((p) => p.url), pageCount: onPages.length } : {}),
          ...(entry.kind === 'serious' ? { serious: true } : {}),
        },
      });
    };

    // Pass 2: hits shared by several pages → one finding each; the rest → one per page and entry.
    const reported = new Set<string>();
    for (const p of [...perPage.keys()].sort(byDepth)) {
      const own = new Map<string, WordingHit[]>();
      for (const h of perPage.get(p)!) {
        hitsByKind[h.entry.kind]++;
        const k = keyOf(h);
        const on = shared.get(k)!;
        if (on.size > 1) {
          if (reported.has(k)) continue;
          reported.add(k);
          const onPages = [...on].sort(byDepth);
          add(h.entry, onPages[0].url, `${h.entry.wrong}@${h.context}`, [h.context], 1, onPages);
        } else {
          const list = own.get(h.entry.wrong) ?? [];
          list.push(h);
          own.set(h.entry.wrong, list);
        }
      }
      for (const [wrong, list] of own) add(list[0].entry, p.url, wrong, list.map((h) => h.context), list.length, [p]);
    }

    const veto: VetoContribution = {
      item: '严重问题',
      hit: serious.length > 0,
      evaluated: true,
      evidence: serious.length
        ? `发现 ${serious.length} 处严重表述错误：${serious.slice(0, 5).map((s) => `“${s.wrong}”（${s.url}${s.pageCount > 1 ? ` 等 ${s.pageCount} 个页面` : ''}）`).join('；')}`
        : `扫描 ${scanned} 个页面，未发现词典所列严重表述错误（泄密、链接违法内容、篡改、伪造发布日期等其他严重问题不在本项检查范围）`,
    };
    const data: WordingData = { pagesScanned: scanned, entries: compiled.entries.length, hits: hitsByKind, findings: findingsByKind, serious, veto };
    return { findings, data };
  },
});
