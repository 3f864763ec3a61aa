/**
 * service-guides — 办事指南 (standards §1 服务不实用, §2 element categories; seed task 25).
 * Guide pages are the items of the 办事指南/办事服务 column (found by link text or the URL the
 * config gives) and any page whose labels look like a guide table (≥ 3 element categories).
 * For each guide: which element categories are present (labels th/dt/label, headings and
 * "名称：" lines of the page's own text, never the footer), one finding per guide missing any,
 * and the veto 服务不实用: ≥ 5 guides each missing ≥ 4 categories (fewer than 5 guides: every
 * one missing ≥ 4), or no online service at all.
 */
import { z } from 'zod';
import { defineAudit, type DeductionContribution, type FindingDraft, type VerdictInputs, type VetoContribution } from '../src/audit/types.ts';
import type { PageArtifact } from '../src/gather/artifacts.ts';
import RULES from './rules/service-guides.json' with { type: 'json' };
import { guideline, inspection, regulation, seedTask } from './rules/refs.ts';
import { columnText, findLinkByNames, pageLines, pageOwnLine, readColumn, siteIndex, type SiteIndex } from './columns.ts';
import { definePagePart, pagePart } from '../src/audit/page-parts.ts';

const STR = {
  incomplete: (title: string, missing: string[]) => `办事指南“${title}”缺少 ${missing.length} 类要素：${missing.join('、')}`,
  noServices: '未发现任何在线服务：网站没有办事服务/办事指南栏目，也没有在线办理入口',
  vetoHit: (n: number, total: number, min: number) => `${total} 个办事指南中有 ${n} 个各缺少 ${min} 类及以上要素`,
  vetoMiss: (n: number, total: number, min: number) => `${total} 个办事指南中 ${n} 个缺少 ${min} 类及以上要素，未达否决线`,
};

const categorySchema = z.strictObject({ name: z.string().min(1), synonyms: z.array(z.string()).default([]), confirmed: z.boolean().default(false) });

const options = z.strictObject({
  /** Replaces the element categories (e.g. to add 事项编码, 法定期限, 承诺期限, 监督电话). */
  categories: z.array(categorySchema).optional(),
  /** Extra labels by category name. */
  synonyms: z.record(z.string(), z.array(z.string())).default({}),
  /** URLs (or paths) of the columns that list the guides, when link text does not find them. */
  columnUrls: z.array(z.string()).default([]),
  /** A page outside the guide column counts as a guide with at least this many category labels. */
  minLabels: z.number().int().min(1).default(3),
  /** 服务不实用: guides missing at least this many categories … */
  vetoMissing: z.number().int().min(1).default(4),
  /** … reaching this count (or every guide, when there are fewer). */
  vetoGuides: z.number().int().min(1).default(5),
  /** False for a department without external services: the veto is not evaluated (scored out of 75). */
  externalServices: z.boolean().default(true),
  /** Deduction per incomplete guide and its cap [u]. */
  deduction: z.strictObject({ each: z.number().min(0).default(1), cap: z.number().min(0).default(5) }).default({ each: 1, cap: 5 }),
});
type Options = z.infer<typeof options>;

interface Category {
  name: string;
  synonyms: string[];
  confirmed: boolean;
}

function categories(o: Options): Category[] {
  const base: Category[] = (o.categories ?? RULES.categories).map((c) => ({ name: c.name, synonyms: [c.name, ...(c.synonyms ?? [])], confirmed: Boolean(c.confirmed) }));
  for (const c of base) c.synonyms.push(...(o.synonyms[c.name] ?? []));
  return base;
}

const norm = (s: string) => s.replace(/[\s\u00a0\u3000]+/g, '').replace(/[：:]+$/, '');

const LABEL_LINE = /^\s*(?:[一二三四五六七八九十]+[、.．]|\d+[、.．)）]|[（(][一二三四五六七八九十\d]+[)）])?\s*([^：:\s]{2,12})\s*[：:]/;

/** The category a label shows: the one with its longest matching synonym. */
function categoryOf(label: string, cats: Category[]): string | undefined {
  let best: { cat: string; len: number } | undefined;
  for (const c of cats) {
    for (const s of c.synonyms) {
      const syn = norm(s);
      if (!syn) continue;
      const ok = label === syn || (label.includes(syn) && label.length <= syn.length + 4);
      if (ok && (!best || syn.length > best.len)) best = { cat: c.name, len: syn.length };
    }
  }
  return best?.cat;
}

const categoriesFor = new WeakMap<Options, Category[]>();
const categoriesOf = (o: Options) => categoriesFor.get(o) ?? categoriesFor.set(o, categories(o)).get(o)!;

/**
 * A page's categories as far as the page alone tells: those of its labels and headings, and each
 * "名称：" line of its text with the category it shows. Whether a line counts is the site's to
 * say (a line repeated on 3+ pages is chrome), so the lines are kept beside their category.
 */
const pageCategories = definePagePart({
  id: 'service-guides.categories',
  version: 1,
  of(p: PageArtifact, o: Options): { fixed: string[]; lines: [string, string][] } {
    const cats = categoriesOf(o);
    const fixed = new Set<string>();
    for (const l of [...p.labels, ...p.headings]) {
      const cat = categoryOf(norm(l), cats);
      if (cat) fixed.add(cat);
    }
    const lines: [string, string][] = [];
    for (const line of p.text.split('\n')) {
      const m = line.match(LABEL_LINE);
      if (!m || !pageOwnLine(p, line)) continue;
      const cat = categoryOf(norm(m[1]), cats);
      if (cat && !fixed.has(cat)) lines.push([line, cat]);
    }
    return { fixed: [...fixed], lines };
  },
});

/** The categories a page shows in its own text (presentCategories of guideLabels of its content text). */
function pagePresent(idx: SiteIndex, p: PageArtifact, o: Options): Set<string> {
  const { fixed, lines } = pagePart(idx.artifacts, pageCategories, p, o);
  const present = new Set(fixed);
  for (const [line, cat] of lines) if (idx.linePages(line) < 3) present.add(cat);
  return present;
}

export interface GuideRecord {
  url: string;
  title: string;
  present: string[];
  missing: string[];
  /** Missing categories the standard confirms (事项名称, 设定依据, 申请条件, 办理材料). */
  missingConfirmed: string[];
  severe: boolean;
  /** How the page was found: listed in the guide column, or by its labels. */
  source: 'column' | 'labels';
}

export interface ServiceGuidesData extends VerdictInputs {
  columns: string[];
  onlineEntries: string[];
  guides: GuideRecord[];
  total: number;
  complete: number;
  incomplete: number;
  severe: number;
  categories: { name: string; confirmed: boolean }[];
  veto: VetoContribution;
  deductions: DeductionContribution[];
}

function guideColumns(idx: SiteIndex, o: Options): PageArtifact[] {
  const out = new Map<string, PageArtifact>();
  for (const u of o.columnUrls) {
    let url: string;
    try {
      url = new URL(u, idx.artifacts.site.startUrl).href;
    } catch {
      continue;
    }
    const p = idx.get(url);
    if (p) out.set(p.url, p);
  }
  for (const name of RULES.columnNames) {
    const m = findLinkByNames(idx, [name], { sameSiteOnly: true });
    const p = m && idx.get(m.url);
    if (p && p !== idx.home) out.set(p.url, p);
  }
  return [...out.values()];
}

const titleOf = (p: PageArtifact) => p.headings.find((h) => h.length >= 4) ?? p.title.split(/[_|｜-]/)[0] ?? p.url;

export default defineAudit({
  meta: {
    id: 'service-guides',
    title: { zh: '办事指南要素', en: 'Service guides (办事指南)' },
    description: '读取办事指南栏目中的每个指南，检查事项名称、设定依据、申请条件、办理材料等要素是否齐全，并按“服务不实用”单项否决规则判断。',
    refs: [guideline('办事服务：办事指南要素完整、准确'), inspection('单项否决：服务不实用'), seedTask(25)],
    severity: 'medium',
    requires: ['pages'],
    options,
    pageParts: [pageLines, pageCategories],
  },
  run({ artifacts, options: o, today }) {
    const idx = siteIndex(artifacts);
    const cats = categoriesOf(o);
    const cols = guideColumns(idx, o);
    const found = new Map<string, { page: PageArtifact; title?: string; source: GuideRecord['source'] }>();

    for (const c of cols) {
      const r = readColumn(idx, c, today, { maxListPages: 50 });
      for (const it of r.items) {
        if (!it.href) continue;
        const p = idx.get(it.href);
        if (!p || p === c || cols.includes(p) || idx.isDirIndex(p.url) || found.has(p.url)) continue;
        if (!pagePresent(idx, p, o).size && !/指南/.test(`${it.text}${p.title}`)) continue;
        found.set(p.url, { page: p, title: columnText(it.text) || undefined, source: 'column' });
      }
    }
    for (const p of idx.pages) {
      if (found.has(p.url) || p === idx.home || cols.includes(p)) continue;
      const present = pagePresent(idx, p, o);
      // A guide table names at least two confirmed categories (事项名称, 设定依据, 申请条件, 办理材料);
      // an 信息公开指南 with 受理机构/办公地址/办公时间/联系电话 lines does not.
      const confirmed = cats.filter((c) => c.confirmed && present.has(c.name)).length;
      if (present.size >= o.minLabels && confirmed >= 2) found.set(p.url, { page: p, source: 'labels' });
    }

    const guides: GuideRecord[] = [];
    for (const { page, title, source } of [...found.values()].sort((a, b) => (a.page.url < b.page.url ? -1 : 1))) {
      const present = pagePresent(idx, page, o);
      const missing = cats.filter((c) => !present.has(c.name));
      guides.push({
        url: page.url,
        title: title ?? titleOf(page),
        present: cats.filter((c) => present.has(c.name)).map((c) => c.name),
        missing: missing.map((c) => c.name),
        missingConfirmed: missing.filter((c) => c.confirmed).map((c) => c.name),
        severe: missing.length >= o.vetoMissing,
        source,
      });
    }

    const onlineEntries = [
      ...new Set(
        idx.pages.flatMap((p) => p.links.filter((l) => l.kind === 'a' && RULES.onlineWords.some((w) => l.text.includes(w))).map((l) => l.url)),
      ),
    ].slice(0, 20);

    const findings: FindingDraft[] = [];
    const refsFor = (g: GuideRecord) => [
      guideline('办事服务：办事指南要素完整、准确'),
      inspection('办事指南要素（事项名称、设定依据、申请条件、办理材料等）'),
      ...(g.missing.length > g.missingConfirmed.length ? [inspection('办事指南要素：办理地点、办理机构、收费标准、办理时间、联系电话、办理流程', true)] : []),
      ...(g.severe ? [inspection('单项否决：服务不实用')] : []),
      regulation('第二十条第（五）项'),
      seedTask(25),
    ];
    for (const g of guides) {
      if (!g.missing.length) continue;
      findings.push({
        rule: 'guide-incomplete',
        url: g.url,
        locator: 'elements',
        severity: g.severe ? 'high' : g.missingConfirmed.length ? 'medium' : 'low',
        message: STR.incomplete(g.title, g.missing),
        evidence: { title: g.title, present: g.present, missing: g.missing, missingConfirmed: g.missingConfirmed, pages: [g.url] },
        refs: refsFor(g),
        deduction: o.deduction.each,
      });
    }

    const severe = guides.filter((g) => g.severe);
    const noServices = !guides.length && !cols.length && !onlineEntries.length;
    if (noServices && o.externalServices) {
      findings.push({
        rule: 'no-online-services',
        url: idx.home?.url ?? artifacts.site.startUrl,
        locator: 'services',
        severity: 'critical',
        message: STR.noServices,
        evidence: {},
        refs: [guideline('办事服务：提供在线服务'), inspection('单项否决：服务不实用'), seedTask(25)],
      });
    }
    const guideVeto = guides.length > 0 && (severe.length >= o.vetoGuides || (guides.length < o.vetoGuides && severe.length === guides.length));
    const hit = o.externalServices && (noServices || guideVeto);
    const veto: VetoContribution = {
      item: '服务不实用',
      hit,
      evaluated: o.externalServices,
      evidence: !o.externalServices
        ? '部门无对外服务职能（配置），不检查此项'
        : noServices
          ? STR.noServices
          : guideVeto
            ? `${STR.vetoHit(severe.length, guides.length, o.vetoMissing)}：${severe.map((g) => `“${g.title}”`).join('、')}`
            : STR.vetoMiss(severe.length, guides.length, o.vetoMissing),
    };
    const incomplete = guides.filter((g) => g.missing.length);
    const data: ServiceGuidesData = {
      columns: cols.map((c) => c.url),
      onlineEntries,
      guides,
      total: guides.length,
      complete: guides.length - incomplete.length,
      incomplete: incomplete.length,
      severe: severe.length,
      categories: cats.map((c) => ({ name: c.name, confirmed: c.confirmed })),
      veto,
      deductions: [{ item: '办事指南要素缺失', points: Math.min(o.deduction.cap, incomplete.length * o.deduction.each), cap: o.deduction.cap, unconfirmed: true }],
    };
    return { findings, data };
  },
});
