/**
 * integrity — signs that a page was tampered with (seed task 27: 防攻击、防篡改、防病毒; the
 * inspection's 严重问题: links to illegal content, unhandled defacement, forged dates):
 *
 *  - illegal-link: a link whose text or address names gambling, pornography or other illegal
 *    services (rules/integrity.json), visible or not — news of a crackdown that names the same
 *    words (打击…赌博…) is told apart by its enforcement words;
 *  - hidden-links: many links to unrelated hosts that a visitor cannot see (display:none,
 *    off-screen, zero size, a class the page's CSS hides, written by a script), the usual form
 *    of injected 暗链;
 *  - title-hijack: the title or the meta keywords/description carry those words (search engines
 *    show them in place of the department's name);
 *  - cloaking-script: an inline script that sends visitors arriving from a search engine
 *    elsewhere (document.referrer + a search engine + a redirect), the signature of 挂马 pages;
 *  - spider-cloaking: the homepage and column pages fetched as Baiduspider and as a visitor
 *    from a Baidu search (src/gather/spider-view.ts) show gambling titles or links, or redirect
 *    to another site, where the page everyone else gets does not — a hacked server's double life;
 *  - defacement: a defacer's signature on a page ("Hacked by …"), serious; homepage-changed: a
 *    homepage title with nothing in common with the last stored run's, for a person to check;
 *  - future-date: items dated after the day of the check (a date typed wrong, or a date set
 *    ahead so a column looks updated), to be checked by a person.
 *
 * Illegal links, title hijacks, cloaking scripts, spider cloaking and defacement are 严重问题
 * (single veto) and are marked serious; hidden links without illegal words, a changed homepage
 * title and future dates are for a person to check.
 * Sources: the crawl's parsed pages (links, hidden links, inline scripts, meta) and, when the
 * browser ran, the rendered DOM of sampled pages (links scripts made invisible).
 */
import { z } from 'zod';
import { defineAudit, type FindingDraft, type RuleRef, type VetoContribution } from '../src/audit/types.ts';
import RULES from './rules/integrity.json' with { type: 'json' };
import { guideline, inspection, seedTask } from './rules/refs.ts';
import { definePagePart, pagePart } from '../src/audit/page-parts.ts';
import type { PageArtifact } from '../src/gather/artifacts.ts';

const options = z.strictObject({
  /** More terms of illegal content (matched like the built-in ones). */
  extraTerms: z.array(z.string().min(2)).default([]),
  /** Hosts whose hidden links are expected (e.g. a partner's hidden share widget); subdomains included. */
  allowHosts: z.array(z.string().min(1)).default([]),
  /** Hidden links to other hosts on one page before it is reported as 疑似暗链. */
  minHiddenLinks: z.number().int().min(1).max(100).default(5),
  /** …spread over at least this many hosts. */
  minHiddenHosts: z.number().int().min(1).max(50).default(3),
  /** Report items dated after the day of the check (more than `futureToleranceDays` ahead). */
  futureDates: z.boolean().default(true),
  futureToleranceDays: z.number().int().min(0).max(30).default(1),
  /** Fetch the homepage and column pages as Baiduspider and as a Baidu search visitor (the gatherer reads this). */
  spiderCheck: z.boolean().default(true),
  /** Column (二级) pages fetched that way besides the homepage. */
  spiderPages: z.number().int().min(0).max(50).default(5),
});
type Options = z.infer<typeof options>;

const SERIOUS = inspection('单项否决 — 严重问题（链接至违法违规内容、网站被篡改挂马等）');
const REFS: RuleRef[] = [seedTask(27), SERIOUS, guideline('安全防护 — 防攻击、防篡改、防病毒，及时发现并处置篡改、挂马和暗链')];
const DATE_REFS: RuleRef[] = [inspection('单项否决 — 严重问题（伪造发布日期）；栏目更新以真实发布日期为准'), guideline('信息发布 — 发布日期准确')];

export interface IntegrityData {
  pagesScanned: number;
  renderedPagesScanned: number;
  illegalLinks: number;
  hiddenLinkPages: number;
  titleHijacks: number;
  cloakingScripts: number;
  futureDated: number;
  /** Pages fetched as a search engine / search visitor (each both ways), and those served something else. */
  spiderViews: number;
  spiderCloaked: number;
  /** Pages with a defacer's signature ("hacked by …"). */
  defaced: number;
  serious: number;
  veto: VetoContribution;
}

interface Candidate {
  url: string;
  text: string;
  how?: string;
}

/** Terms with their category, lower-cased; ASCII terms are also looked for in URLs. */
function compileTerms(extra: string[]): { term: string; category: string }[] {
  const out: { term: string; category: string }[] = [];
  for (const [category, list] of Object.entries(RULES.terms)) for (const t of list) out.push({ term: t.toLowerCase(), category });
  for (const t of extra) out.push({ term: t.toLowerCase(), category: '自定义' });
  return out;
}

const hostOf = (u: string): string => {
  try {
    return new URL(u).hostname.toLowerCase();
  } catch {
    return '';
  }
};

const underHost = (host: string, list: string[]) => list.some((h) => host === h || host.endsWith(`.${h}`));

/** Links written into the page by inline scripts (document.write / innerHTML strings), with the hiding style if any. */
function scriptLinks(script: string, base: string): Candidate[] {
  if (!/document\.write|innerHTML|insertAdjacentHTML/i.test(script)) return [];
  const how = /display\s*:\s*none|visibility\s*:\s*hidden|(left|top|text-indent)\s*:\s*-\d{3,}|font-size\s*:\s*0|height\s*:\s*[01]px/i.test(script) ? 'written by script, hidden' : 'written by script';
  const out: Candidate[] = [];
  for (const m of script.matchAll(/<a\s[^>]*?href\s*=\s*\\?["']?([^"'\s>\\]+)\\?["']?[^>]*>([^<]{0,200})</gi)) {
    try {
      out.push({ url: new URL(m[1], base).href, text: m[2].trim(), how });
    } catch {
      /* not a URL */
    }
    if (out.length >= 200) break;
  }
  return out;
}

/**
 * An inline script that redirects visitors who come from a search engine: near a read of
 * document.referrer, a test for a search engine's name (indexOf/includes/match/search or a
 * regex .test) and a redirect. A back button (location.href = document.referrer) and a
 * statistics snippet loading hm.baidu.com on the same page are not that.
 */
function cloaking(script: string): string | null {
  const engines = RULES.searchEngines.map((e) => e.replace(/\./g, '\\.')).join('|');
  const engineTest = new RegExp(`((indexOf|includes|match|search)\\s*\\(\\s*["'/][^)]{0,60}(${engines}))|(/[^/\\n]{0,80}(${engines})[^/\\n]{0,80}/[gimsuy]*\\.test\\s*\\()`, 'i');
  const redirect = /(location(\.href)?\s*=[^=]|location\.(replace|assign)\s*\(|window\.open\s*\(|document\.write\s*\()/i;
  for (const m of script.matchAll(/document\.referrer/gi)) {
    const around = script.slice(Math.max(0, m.index - 300), m.index + 600);
    if (engineTest.test(around) && redirect.test(around)) return around.replace(/\s+/g, ' ').trim();
  }
  return null;
}

/** The run's term and host tests, made once per options and site. */
interface Scanner {
  termsIn(s: string, urlToo?: boolean): { term: string; category: string }[];
  enforcementIn(s: string): boolean;
  illegal(c: Candidate): { term: string; category: string }[];
  innocentHost(h: string): boolean;
}

const scanners = new WeakMap<Options, Map<string, Scanner>>();
function scannerFor(o: Options, startUrl: string): Scanner {
  let bySite = scanners.get(o);
  if (!bySite) scanners.set(o, (bySite = new Map()));
  const made = bySite.get(startUrl);
  if (made) return made;
  const terms = compileTerms(o.extraTerms);
  const enforcement = RULES.enforcement;
  const siteHost = hostOf(startUrl).replace(/^www\./, '');
  const ownHost = (h: string) => !h || h === siteHost || h.endsWith(`.${siteHost}`) || siteHost.endsWith(`.${h.replace(/^www\./, '')}`);
  // One regex pass over every string first: on a 10,000-page site almost nothing matches.
  const any = new RegExp(terms.map((t) => t.term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'i');
  const termsIn = (s: string, urlToo = false): { term: string; category: string }[] => {
    if (!any.test(s)) return [];
    const low = s.toLowerCase();
    return terms.filter((t) => low.includes(t.term) && (!urlToo || /^[\x20-\x7e]+$/.test(t.term)));
  };
  const enforcementIn = (s: string) => enforcement.some((w) => s.includes(w));
  const scanner: Scanner = {
    termsIn,
    enforcementIn,
    illegal: (c) => [...(enforcementIn(c.text) ? [] : termsIn(c.text)), ...(ownHost(hostOf(c.url)) ? [] : termsIn(safe(c.url), true))],
    innocentHost: (h) => ownHost(h) || /\.gov\.cn$|\.gov$|\.edu\.cn$/.test(h) || underHost(h, o.allowHosts) || underHost(h, RULES.trustedHosts),
  };
  bySite.set(startUrl, scanner);
  return scanner;
}

type BadLink = Candidate & { terms: string[] };

/** What one page shows of tampering (dates aside: they depend on the day of the check); null when nothing. */
interface PageScan {
  bad?: BadLink[];
  hidden?: { links: Candidate[]; hosts: string[] };
  hijack?: { where: string[]; terms: string[] };
  cloak?: string;
  defaced?: string;
}

/** `extra`: links the rendered DOM hid (browser runs), after the page's own. */
function scanPage(p: PageArtifact, o: Options, s: Scanner, extra: Candidate[] = []): PageScan | null {
  const base = p.finalUrl || p.url;
  const all: Candidate[] = [];
  const hidden: Candidate[] = [];
  const seen = new Set<string>();
  const push = (c: Candidate, isHidden: boolean) => {
    const k = `${c.url}\u0000${c.text}`;
    if (seen.has(k)) return;
    seen.add(k);
    all.push(c);
    if (isHidden) hidden.push(c);
  };
  for (const l of p.links) if (l.kind === 'a' || l.kind === 'area' || l.kind === 'attachment') push({ url: l.url, text: l.text, how: l.concealed }, Boolean(l.concealed));
  for (const l of p.hiddenLinks ?? []) push({ url: l.url, text: l.text, how: l.concealed }, true);
  for (const c of scriptLinks(p.scriptText ?? '', base)) push(c, c.how === 'written by script, hidden');
  for (const c of extra) push(c, true);

  const out: PageScan = {};
  const bad = all.map((c) => ({ ...c, terms: [...new Set(s.illegal(c).map((t) => t.term))] })).filter((c) => c.terms.length);
  if (bad.length) out.bad = bad;
  const badUrls = new Set(bad.map((c) => c.url));
  const foreign = hidden.filter((c) => !badUrls.has(c.url) && !s.innocentHost(hostOf(c.url)));
  const hosts = [...new Set(foreign.map((c) => hostOf(c.url)))].sort();
  if (foreign.length >= o.minHiddenLinks && hosts.length >= o.minHiddenHosts) out.hidden = { links: foreign, hosts };

  // Title and meta keywords/description.
  const where: string[] = [];
  const titleTerms = s.enforcementIn(p.title) ? [] : s.termsIn(p.title);
  if (titleTerms.length) where.push(`标题「${p.title.slice(0, 80)}」`);
  for (const k of ['keywords', 'description']) {
    const v = p.meta?.[k];
    if (v && !s.enforcementIn(v) && s.termsIn(v).length) where.push(`meta ${k}「${v.slice(0, 80)}」`);
  }
  if (where.length) out.hijack = { where, terms: [...new Set([...titleTerms, ...s.termsIn(`${p.meta?.keywords ?? ''} ${p.meta?.description ?? ''}`)].map((t) => t.term))] };

  const cloak = cloaking(p.scriptText ?? '');
  if (cloak) out.cloak = cloak;
  const m = DEFACED.exec(`${p.title}\n${p.text.slice(0, 20_000)}`);
  if (m) out.defaced = m[0];
  return Object.keys(out).length ? out : null;
}

/** A page's scan without the rendered DOM, kept by page content between runs. */
const pageScan = definePagePart({
  id: 'integrity.page',
  version: 1,
  of: (p: PageArtifact, o: Options, site) => scanPage(p, o, scannerFor(o, site.startUrl)),
});

export default defineAudit({
  meta: {
    id: 'integrity',
    title: { zh: '网站安全：暗链、挂马与篡改迹象', en: 'Tampering: hidden links, illegal links, cloaking' },
    description:
      '检查页面中指向赌博、色情等违法内容的链接（含隐藏链接），成批隐藏的外部链接（疑似暗链），被篡改的标题与关键词，按搜索引擎来源跳转的脚本（挂马），以及晚于检查日期的发布日期。前四项属于“严重问题”单项否决。',
    refs: REFS,
    severity: 'critical',
    requires: ['pages'],
    options,
    pageParts: [pageScan],
  },
  run({ artifacts, options: o, today }) {
    const { termsIn, enforcementIn, illegal, innocentHost } = scannerFor(o, artifacts.site.startUrl);

    const findings: FindingDraft[] = [];
    const data: Omit<IntegrityData, 'veto' | 'serious'> = { pagesScanned: artifacts.pages.length, renderedPagesScanned: 0, illegalLinks: 0, hiddenLinkPages: 0, titleHijacks: 0, cloakingScripts: 0, futureDated: 0, spiderViews: 0, spiderCloaked: 0, defaced: 0 };

    // Illegal links and hidden links, per page; the same set on many pages (a template) is one finding.
    const illegalGroups = new Map<string, { pages: string[]; links: (Candidate & { terms: string[] })[] }>();
    const hiddenGroups = new Map<string, { pages: string[]; links: Candidate[]; hosts: string[] }>();
    const rendered = new Map((artifacts.browser?.rendered ?? []).map((r) => [r.url, r]));
    data.renderedPagesScanned = rendered.size;

    const pages = [...artifacts.pages].sort((a, b) => (a.depth ?? 99) - (b.depth ?? 99) || a.url.localeCompare(b.url));
    const defaced: { page: PageArtifact; mark: string }[] = [];
    for (const p of pages) {
      const concealed = rendered.get(p.url)?.concealedLinks;
      const scan = concealed?.length
        ? scanPage(p, o, scannerFor(o, artifacts.site.startUrl), concealed.map((c) => ({ url: c.url, text: c.text, how: `rendered: ${c.how}` })))
        : pagePart(artifacts, pageScan, p, o);
      if (scan?.defaced) defaced.push({ page: p, mark: scan.defaced });
      const bad = scan?.bad;
      if (bad) {
        const key = bad.map((c) => `${c.url}|${c.text}`).sort().join('\n');
        const g = illegalGroups.get(key) ?? { pages: [], links: bad };
        g.pages.push(p.url);
        illegalGroups.set(key, g);
      }
      if (scan?.hidden) {
        const key = scan.hidden.hosts.join(' ');
        const g = hiddenGroups.get(key) ?? { pages: [], ...scan.hidden };
        g.pages.push(p.url);
        hiddenGroups.set(key, g);
      }

      // Title and meta keywords/description.
      if (scan?.hijack) {
        data.titleHijacks++;
        const { where: hijacked, terms: found } = scan.hijack;
        findings.push({
          rule: 'title-hijack',
          url: p.url,
          locator: 'head',
          severity: 'critical',
          message: `页面的${hijacked.join('、')}含有违法违规内容词语（${found.slice(0, 5).join('、')}），疑似网站被篡改（标题劫持）。请立即核查服务器文件和模板，清除后排查入侵途径。`,
          refs: REFS,
          evidence: { serious: true, snippet: hijacked.join('；'), terms: found },
        });
      }

      // Cloaking scripts.
      const cloak = scan?.cloak;
      if (cloak) {
        data.cloakingScripts++;
        findings.push({
          rule: 'cloaking-script',
          url: p.url,
          locator: 'script:referrer',
          severity: 'critical',
          message: '页面脚本按访问来源（搜索引擎）跳转到其他网址：从搜索结果进入的访客会被带走，这是网站被挂马的典型特征。请立即清除该脚本并排查入侵途径。',
          refs: REFS,
          evidence: { serious: true, snippet: cloak.slice(0, 240) },
        });
      }

      // Dates after the day of the check.
      if (o.futureDates) {
        const limit = addDays(today, o.futureToleranceDays);
        const items = p.lists.filter((l) => !l.inNav).flatMap((l) => l.items.filter((i) => i.date && i.date > limit).map((i) => `${i.date} ${i.text.slice(0, 60)}`));
        if (p.publishedAt && p.publishedAt > limit) items.unshift(`${p.publishedAt}（本页发布日期）`);
        if (items.length) {
          data.futureDated++;
          findings.push({
            rule: 'future-date',
            url: p.url,
            locator: 'dates',
            severity: 'medium',
            message: `${items.length} 条信息的日期晚于检查日期（${today}）：${items.slice(0, 3).join('；')}${items.length > 3 ? ' 等' : ''}。请核实日期是否录入错误；提前填写发布日期使栏目显得已更新属于伪造发布日期。`,
            refs: DATE_REFS,
            evidence: { items: items.slice(0, 20), count: items.length },
          });
        }
      }
    }

    // Defacement: the signatures defacers leave, and a homepage whose title no longer resembles the last run's.
    for (const { page: p, mark } of defaced) {
      data.defaced++;
      findings.push({
        rule: 'defacement',
        url: p.url,
        locator: 'text',
        severity: 'critical',
        message: `页面上有入侵者留下的篡改标记「${mark.slice(0, 60)}」：网站被篡改。请立即恢复页面、保留日志并排查入侵途径，按网络安全事件报告。`,
        refs: REFS,
        evidence: { serious: true, snippet: mark.slice(0, 120) },
      });
    }
    const prev = artifacts.previousHomepage;
    const home = pages.find((p) => p.depth === 1);
    if (prev && home && prev.title && home.title && !similarTitles(prev.title, home.title)) {
      findings.push({
        rule: 'homepage-changed',
        url: home.url,
        locator: 'title',
        severity: 'medium',
        message: `首页标题与上次检查（${prev.today}）完全不同：「${prev.title.slice(0, 60)}」→「${home.title.slice(0, 60)}」。如不是网站改版或更名，请核查首页是否被篡改。`,
        refs: REFS,
        evidence: { previous: prev.title, previousRun: prev.runId, current: home.title },
      });
    }

    // The double life of a hacked server: what crawlers and search visitors get that others do not.
    const byUrl = new Map(artifacts.pages.map((p) => [p.url, p]));
    for (const v of artifacts.spiderViews ?? []) {
      data.spiderViews++;
      const p = byUrl.get(v.url);
      if (!p) continue;
      const who = v.as === 'spider' ? '以百度爬虫（Baiduspider）身份访问时' : '从百度搜索结果进入的访客';
      const diffs: string[] = [];
      if (v.offsiteLocation && !innocentHost(hostOf(v.offsiteLocation))) diffs.push(`被跳转到 ${v.offsiteLocation}`);
      if (v.title && v.title !== p.title && !enforcementIn(v.title) && termsIn(v.title).length) diffs.push(`标题是「${v.title.slice(0, 80)}」（直接访问时是「${p.title.slice(0, 40)}」）`);
      for (const k of ['keywords', 'description']) {
        const m = v.meta[k];
        if (m && m !== p.meta?.[k] && !enforcementIn(m) && termsIn(m).length) diffs.push(`meta ${k} 是「${m.slice(0, 80)}」`);
      }
      const known = new Set([...p.links, ...(p.hiddenLinks ?? [])].map((l) => l.url));
      const extra = v.links.filter((l) => !known.has(l.url)).map((l) => ({ url: l.url, text: l.text })).filter((c) => illegal(c).length);
      if (extra.length) diffs.push(`多出 ${extra.length} 个违法内容链接（${extra.slice(0, 3).map((c) => `「${c.text.slice(0, 20)}」→ ${c.url}`).join('；')}）`);
      if (cloaking(v.scriptText) && !cloaking(p.scriptText ?? '')) diffs.push('多出按搜索引擎来源跳转的脚本');
      if (!diffs.length) continue;
      data.spiderCloaked++;
      findings.push({
        rule: 'spider-cloaking',
        url: p.url,
        locator: v.as,
        severity: 'critical',
        message: `${who}，得到的页面与直接访问不同：${diffs.join('；')}。只对搜索引擎和搜索访客显示违法内容是服务器被篡改的典型特征，直接访问网站的人看不到。请检查服务器上的程序文件、模板和跳转规则（如 .htaccess、web.config、nginx 配置）。`,
        refs: REFS,
        evidence: { serious: true, as: v.as, requestHeaders: v.headers, ...(v.offsiteLocation ? { target: v.offsiteLocation } : {}), differences: diffs, ...(extra.length ? { links: extra.slice(0, 50) } : {}) },
      });
    }

    for (const g of illegalGroups.values()) {
      data.illegalLinks += g.links.length;
      const hiddenOnes = g.links.filter((c) => c.how);
      const shown = g.links.slice(0, 5).map((c) => `「${c.text.slice(0, 30) || '（无文字）'}」→ ${c.url}${c.how ? `（隐藏：${c.how}）` : ''}`);
      findings.push({
        rule: 'illegal-link',
        url: g.pages[0],
        locator: `links:${g.links.map((c) => c.url).sort().join(' ')}`,
        severity: 'critical',
        message:
          `${g.pages.length > 1 ? `${g.pages.length} 个页面` : '页面'}有 ${g.links.length} 个指向违法违规内容的链接${hiddenOnes.length ? `（其中 ${hiddenOnes.length} 个对访客隐藏，疑似暗链）` : ''}：${shown.join('；')}${g.links.length > 5 ? ' 等' : ''}。` +
          '请立即删除，核查模板与服务器文件，排查入侵途径。',
        refs: REFS,
        evidence: {
          serious: true,
          target: g.links[0].url,
          anchorText: g.links[0].text,
          links: g.links.slice(0, 50).map((c) => ({ url: c.url, text: c.text, hidden: c.how ?? null, terms: c.terms })),
          terms: [...new Set(g.links.flatMap((c) => c.terms))],
          pages: g.pages.slice(0, 50),
          pageCount: g.pages.length,
        },
      });
    }
    for (const g of hiddenGroups.values()) {
      data.hiddenLinkPages += g.pages.length;
      findings.push({
        rule: 'hidden-links',
        url: g.pages[0],
        locator: `hosts:${g.hosts.join(' ')}`,
        severity: 'high',
        message:
          `${g.pages.length > 1 ? `${g.pages.length} 个页面` : '页面'}有 ${g.links.length} 个对访客隐藏的外部链接，指向 ${g.hosts.length} 个网站（${g.hosts.slice(0, 5).join('、')}${g.hosts.length > 5 ? ' 等' : ''}），疑似暗链。` +
          '请核实这些链接的来源；不是本单位添加的，按网站被篡改处置。',
        refs: REFS,
        // Not a veto on its own: hidden links to unrelated hosts are suspicious, not proven illegal.
        evidence: {
          links: g.links.slice(0, 50).map((c) => ({ url: c.url, text: c.text, hidden: c.how ?? null })),
          hosts: g.hosts,
          pages: g.pages.slice(0, 50),
          pageCount: g.pages.length,
        },
      });
    }

    const serious = findings.filter((f) => f.evidence?.serious === true);
    const veto: VetoContribution = {
      item: '严重问题',
      hit: serious.length > 0,
      evidence: serious.length
        ? `${serious.length} 处篡改迹象（违法链接、标题劫持、挂马脚本或只对搜索引擎显示的内容）：${serious.slice(0, 2).map((f) => f.message.split('。')[0]).join('；')}`
        : `${artifacts.pages.length} 个页面未发现违法链接、标题劫持或挂马脚本${data.spiderViews ? `；以搜索引擎身份访问 ${data.spiderViews} 次，内容一致` : ''}`,
    };
    const result: IntegrityData = { ...data, serious: serious.length, veto };
    return { findings, data: result };
  },
});

/** What defacers sign their work with ("Hacked by X", "defaced by", "h4ck3d"), as text on the page. */
const DEFACED = /\b(h[a4]ck[e3]d|defaced|pwned|0wned)\s+by\b[^\n]{0,40}|\bh[a4]ck[e3]d\s+(by|from)\s*[:：]/i;

/** Two titles of the same homepage share a run of 4 characters (the department's name, usually). */
function similarTitles(a: string, b: string): boolean {
  const x = a.replace(/\s+/g, '');
  const y = b.replace(/\s+/g, '');
  if (x === y) return true;
  for (let i = 0; i + 4 <= x.length; i++) if (y.includes(x.slice(i, i + 4))) return true;
  return false;
}

function safe(u: string): string {
  try {
    return decodeURI(u);
  } catch {
    return u;
  }
}

function addDays(isoDay: string, n: number): string {
  const d = new Date(`${isoDay}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export type { Options as IntegrityOptions };
