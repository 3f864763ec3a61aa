/**
 * identity — 网站标识等 (standards §3). On the homepage and a sample of other pages, the markers
 * of the 页面底部功能区: 党政机关标识 (the red conac badge; the blue 事业单位 badge is reported as
 * such), 网站标识码, ICP备案编号, 公安机关备案号, 主办单位, 联系方式 and the 我为政府网站找错
 * entry. Each marker is reported with its value, the page, whether it sits in the footer, and
 * what is missing or malformed. One finding per (rule, marker) for the whole sample, listing the
 * pages, so a template defect is one ticket.
 *
 * Where a marker is read from, in order: the footer text → the page text → the rendered DOM
 * (when a browser gatherer ran) → the inline scripts. A marker seen only in the last two is
 * "only after scripts" (marker-script-only): the inspection's crawler, like ours without a
 * browser, does not run scripts.
 *
 * Rendered DOM: when the browser gatherer ran (`artifacts.browser`), its `rendered[]` entries
 * ({url, finalUrl, text, footerText, footerLinks}) and `pages[]` entries (renderedText,
 * renderedFooterText, renderedLinks) are read through the small `RenderedInput` shape below, so a
 * marker written by JavaScript is read with its value and reported at info severity.
 *
 * The domain rule: `.gov.cn`; portal `www.<x>.gov.cn`, department `<dept>.<x>.gov.cn`. A site
 * audited by IP address (e.g. the sample portal on 127.0.0.1) gets one info finding, not noise.
 */
import { z } from 'zod';
import { defineAudit, type FindingDraft, type RuleRef, type Severity, type VerdictInputs } from '../src/audit/types.ts';
import type { Artifacts, PageArtifact } from '../src/gather/artifacts.ts';
import { sitePages } from '../src/gather/frames.ts';
import RULES from './rules/identity.json' with { type: 'json' };
import { guideline, inspection, seedTask, standard } from './rules/refs.ts';

// --- user-facing strings ---------------------------------------------------------------------

export const MARKERS = ['conac', 'siteCode', 'icp', 'police', 'sponsor', 'contact', 'jiucuo'] as const;
export type MarkerId = (typeof MARKERS)[number];

const MARKER_ZH: Record<MarkerId, string> = {
  conac: '党政机关网站标识',
  siteCode: '网站标识码',
  icp: 'ICP备案编号',
  police: '公安机关备案号',
  sponsor: '主办单位',
  contact: '联系方式',
  jiucuo: '“我为政府网站找错”入口',
};

/** The blue badge of 事业单位 is its own marker name: a finding about it never calls it the red 党政机关 badge. */
const INSTITUTION_BADGE_ZH = '事业单位网站标识';

/** The marker's name as found on the site (the badge's colour decides which badge it is). */
function markerLabel(id: MarkerId, variant?: 'party' | 'institution'): string {
  return id === 'conac' && variant === 'institution' ? INSTITUTION_BADGE_ZH : MARKER_ZH[id];
}

const STR = {
  missing: (m: string, n: number, home: boolean) => `${m}缺失：抽查的 ${n} 个页面${home ? '（含首页）' : ''}未找到${m}`,
  malformed: (m: string, v: string, why: string) => `${m}格式不正确：“${v}”（${why}）`,
  scriptOnly: (m: string, rendered: boolean) =>
    rendered
      ? `${m}仅在脚本执行后才显示（渲染后页面可见，静态 HTML 中没有），不执行脚本的检查工具会判为缺失`
      : `${m}仅由脚本写入（静态 HTML 中没有，只在页面脚本中出现），不执行脚本的检查工具会判为缺失`,
  notInFooter: (m: string) => `${m}不在页面底部功能区（页面中可见，但不在底部）`,
  institution: '页面使用的是事业单位（蓝色）标识，而非党政机关（红色）标识；如主办单位为行政机关，请向机构编制部门核实标识类型',
  ipHost: (h: string) => `网站以 IP 地址（${h}）访问，无法核验域名是否符合 .gov.cn 规范；正式检查请使用网站的域名`,
  notGov: (h: string) => `网站域名 ${h} 不是 .gov.cn 域名（政府网站应使用 .gov.cn 域名）`,
  portalForm: (h: string) => `门户网站域名 ${h} 不符合 www.<地区>.gov.cn 的形式`,
  bareGov: (h: string) => `网站域名 ${h} 缺少主机名：门户网站应为 www.${h}，部门网站应为 <部门>.${h}`,
};

// --- options ---------------------------------------------------------------------------------

const options = z.strictObject({
  /** Pages checked besides the homepage (spread over the crawl, shallow pages first). */
  samplePages: z.number().int().min(0).default(12),
  /** Paths or URLs always checked (e.g. a page known to use another template). */
  include: z.array(z.string()).default([]),
  /** Markers the site must show (default: all seven). */
  markers: z.array(z.enum(MARKERS)).default([...MARKERS]),
  /** 'portal' expects www.<x>.gov.cn; 'department' <dept>.<x>.gov.cn; 'auto' accepts either. */
  siteType: z.enum(['auto', 'portal', 'department']).default('auto'),
  /** Lines at the end of the page text treated as the footer when the page has no footer region. */
  footerFallbackLines: z.number().int().min(0).default(12),
  /** Extra label words (added to the rule data). */
  labels: z.strictObject({
    siteCode: z.array(z.string()).default([]),
    sponsor: z.array(z.string()).default([]),
    phone: z.array(z.string()).default([]),
    address: z.array(z.string()).default([]),
  }).default({ siteCode: [], sponsor: [], phone: [], address: [] }),
});
type Options = z.infer<typeof options>;

// --- rendered DOM (optional input) -----------------------------------------------------------

/**
 * What the identity audit reads of a rendered page; every field but url is optional. The
 * browser gatherer (src/gather/browser) leaves it as `browser.rendered[]`
 * ({url, finalUrl, text, footerText, footerLinks}); the extension's page check builds the same.
 */
export interface RenderedInput {
  url: string;
  /** Visible text of the rendered DOM (after scripts ran). */
  renderedText?: string;
  /** Visible text of the rendered footer region. */
  renderedFooterText?: string;
  /** Links and images (alt as text) of the rendered DOM / footer. */
  renderedLinks?: { url: string; text: string; inFooter?: boolean }[];
}

/** Rendered text by page URL (and final URL), from `browser.rendered[]`. */
export function renderedPages(browser: unknown): Map<string, RenderedInput> {
  const out = new Map<string, RenderedInput>();
  const b = browser as { rendered?: unknown } | undefined;
  const put = (keys: unknown[], r: RenderedInput) => {
    for (const k of keys) if (typeof k === 'string' && !out.has(k)) out.set(k, r);
  };
  if (Array.isArray(b?.rendered)) {
    for (const r of b.rendered as { url?: unknown; finalUrl?: unknown; text?: unknown; footerText?: unknown; footerLinks?: unknown }[]) {
      if (!r || typeof r.url !== 'string') continue;
      const links = Array.isArray(r.footerLinks) ? (r.footerLinks as { url: string; text: string }[]).map((l) => ({ ...l, inFooter: true })) : undefined;
      put([r.url, r.finalUrl], {
        url: r.url,
        ...(typeof r.text === 'string' ? { renderedText: r.text } : {}),
        ...(typeof r.footerText === 'string' && r.footerText ? { renderedFooterText: r.footerText } : {}),
        ...(links ? { renderedLinks: links } : {}),
      });
    }
  }
  return out;
}

// --- readers (pure, exported for tests) --------------------------------------------------------

export interface MarkerValue {
  value: string;
  valid: boolean;
  /** Why it is malformed (Chinese). */
  problem?: string;
  /** For the badge: red 党政机关 or blue 事业单位. */
  variant?: 'party' | 'institution';
}

const PROVINCES = RULES.provinces as Record<string, string[]>;
const ABBR_TO_CODE = new Map<string, string>();
for (const [code, abbrs] of Object.entries(PROVINCES)) for (const a of abbrs) ABBR_TO_CODE.set(a, code);
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const alt = (words: readonly string[]) => [...words].sort((a, b) => b.length - a.length).map(escapeRe).join('|');
const SP = '[ \\t\\u00a0\\u3000]*';

function labelWords(kind: keyof typeof RULES.labels, o?: Options): string[] {
  return [...RULES.labels[kind], ...(o?.labels[kind] ?? [])];
}

export function readSiteCode(text: string, o?: Options): MarkerValue | undefined {
  const re = new RegExp(`(?:${alt(labelWords('siteCode', o))})${SP}[：:]?${SP}((?:bm|BM)?${SP}\\d[\\d \\t]*\\d|[A-Za-z0-9]+)?`, 'g');
  let first: MarkerValue | undefined;
  for (const m of text.matchAll(re)) {
    const raw = (m[1] ?? '').replace(/\s+/g, '');
    const v = checkSiteCode(raw);
    if (v.valid) return v;
    first ??= v;
  }
  return first;
}

export function checkSiteCode(raw: string): MarkerValue {
  if (!raw) return { value: '', valid: false, problem: '标识码后没有数值' };
  if (/^bm\d{8}$/i.test(raw)) return { value: raw, valid: true };
  if (/^bm/i.test(raw)) return { value: raw, valid: false, problem: `部委网站标识码应为 bm 加 8 位数字，实际为 bm 加 ${raw.length - 2} 位` };
  if (!/^\d+$/.test(raw)) return { value: raw, valid: false, problem: '应为 10 位数字或 bm 加 8 位数字' };
  if (raw.length !== 10) return { value: raw, valid: false, problem: `应为 10 位数字，实际 ${raw.length} 位` };
  if (!PROVINCES[raw.slice(0, 2)]) return { value: raw, valid: false, problem: `前两位 ${raw.slice(0, 2)} 不是有效的省级行政区划代码` };
  return { value: raw, valid: true };
}

export function readIcp(text: string): MarkerValue | undefined {
  const re = new RegExp(`([\\u4e00-\\u9fa5])${SP}ICP${SP}备${SP}[：:]?${SP}(\\d+)${SP}号?(?:${SP}[-－]${SP}(\\d+))?`, 'g');
  let first: MarkerValue | undefined;
  for (const m of text.matchAll(re)) {
    const [, prov, digits, seq] = m;
    const value = `${prov}ICP备${digits}号${seq ? `-${seq}` : ''}`;
    let problem: string | undefined;
    if (!ABBR_TO_CODE.has(prov)) problem = `“${prov}”不是省级行政区简称`;
    else if (digits.length < 6 || digits.length > 8) problem = `备案号应为 6–8 位数字，实际 ${digits.length} 位`;
    else if (!new RegExp(`${digits}${SP}号`).test(m[0])) problem = '备案号后缺少“号”字';
    const v: MarkerValue = problem ? { value, valid: false, problem } : { value, valid: true };
    if (v.valid) return v;
    first ??= v;
  }
  if (!first && /ICP\s*备/.test(text)) return { value: snippetAround(text, text.search(/ICP\s*备/)), valid: false, problem: '未能读出备案编号' };
  return first;
}

export function readPolice(text: string): MarkerValue | undefined {
  const re = new RegExp(`([\\u4e00-\\u9fa5])${SP}公网安备${SP}[：:]?${SP}(\\d+)${SP}(号?)`, 'g');
  let first: MarkerValue | undefined;
  for (const m of text.matchAll(re)) {
    const [, prov, digits] = m;
    const value = `${prov}公网安备 ${digits}号`;
    const code = ABBR_TO_CODE.get(prov);
    let problem: string | undefined;
    if (!code) problem = `“${prov}”不是省级行政区简称`;
    else if (digits.length !== 14) problem = `备案号应为 14 位数字，实际 ${digits.length} 位`;
    else if (!PROVINCES[digits.slice(0, 2)]) problem = `前两位 ${digits.slice(0, 2)} 不是有效的行政区划代码`;
    else if (digits.slice(0, 2) !== code) problem = `省份简称“${prov}”与行政区划代码 ${digits.slice(0, 2)} 不一致`;
    const v: MarkerValue = problem ? { value, valid: false, problem } : { value, valid: true };
    if (v.valid) return v;
    first ??= v;
  }
  if (!first && /公网安备/.test(text)) return { value: snippetAround(text, text.indexOf('公网安备')), valid: false, problem: '未能读出备案编号' };
  return first;
}

export function readSponsor(text: string, o?: Options): MarkerValue | undefined {
  const re = new RegExp(`(?:${alt(labelWords('sponsor', o))})${SP}[：:]${SP}([^\\s|｜,，;；。:：]{2,40})`);
  const m = text.match(re);
  if (m && /[\u4e00-\u9fa5]{2}/.test(m[1])) return { value: m[1], valid: true };
  // "版权所有：示例省海洋与渔业局" names the sponsor too (common in footers, rare in articles).
  const m3 = text.match(new RegExp(`版权所有${SP}[：:©]?${SP}(?:©${SP})?([\\u4e00-\\u9fa5（）()]{4,40})`));
  if (m3) return { value: m3[1], valid: true };
  return undefined;
}

export function readContact(text: string, o?: Options): MarkerValue | undefined {
  const phoneRe = new RegExp(
    `(?:${alt(labelWords('phone', o))})${SP}[：:]?${SP}((?:[(（]?0\\d{2,3}[)）]?${SP}[-－]?${SP})?\\d{7,8}(?:[-－转]\\d{1,5})?|1[3-9]\\d{9}|400[- ]?\\d{3}[- ]?\\d{4}|12345)(?!\\d)`,
  );
  const addrRe = new RegExp(`(?:${alt(labelWords('address', o))})${SP}[：:]${SP}([^\\s|｜]{4,60})`);
  const phone = text.match(phoneRe)?.[1];
  const addr = text.match(addrRe)?.[1];
  if (!phone && !addr) return undefined;
  const parts = [phone ? `电话 ${phone}` : '', addr ? `地址 ${addr}` : ''].filter(Boolean);
  return { value: parts.join('；'), valid: true };
}

function snippetAround(text: string, at: number): string {
  return text.slice(Math.max(0, at - 10), at + 30).replace(/\s+/g, ' ').trim();
}

/** Script text as a page would show it: string concatenations joined, escapes and tags undone. */
export function scriptVisibleText(script: string): string {
  return script
    .replace(/(['"`])\s*\+\s*(['"`])/g, '')
    .replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/%u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/<[^>]*>/g, ' ');
}

interface LinkLike {
  url: string;
  text: string;
  src?: string;
  inFooter: boolean;
}

const containsAny = (s: string, words: readonly string[]) => words.some((w) => w && s.includes(w));

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return '';
  }
}

function isConac(l: LinkLike): boolean {
  const c = RULES.conac;
  const host = hostOf(l.url);
  if (c.hosts.some((h) => host === h || host.endsWith(`.${h}`))) return true;
  const url = l.url.toLowerCase();
  if (containsAny(url, c.hrefWords)) return true;
  if (containsAny(l.text, c.altWords) && /标识|机关|事业单位/.test(l.text)) return true;
  return Boolean(l.src && containsAny(l.src.toLowerCase(), c.srcWords));
}

function conacVariant(l: LinkLike): 'party' | 'institution' {
  const s = `${l.text} ${l.src ?? ''}`;
  return containsAny(s, RULES.conac.institutionWords) && !s.includes('党政机关') ? 'institution' : 'party';
}

function isJiucuo(l: LinkLike): boolean {
  const j = RULES.jiucuo;
  return containsAny(l.text, j.textWords) || containsAny(l.url.toLowerCase(), j.hrefWords) || Boolean(l.src && containsAny(l.src.toLowerCase(), ['jiucuo']));
}

/** Links and images of a page as one list (images carry their link's href and their src). */
function linkLikes(page: PageArtifact): LinkLike[] {
  const out: LinkLike[] = page.links.filter((l) => l.kind === 'a' || l.kind === 'area').map((l) => ({ url: l.url, text: l.text, inFooter: Boolean(l.inFooter) }));
  for (const i of page.images) out.push({ url: i.href ?? i.src, text: i.alt ?? '', src: i.src, inFooter: i.inFooter });
  return out;
}

// --- per page ----------------------------------------------------------------------------------

export type MarkerState = 'footer' | 'page' | 'script' | 'missing';

export interface PageMarker {
  state: MarkerState;
  value?: string;
  valid?: boolean;
  problem?: string;
  variant?: 'party' | 'institution';
  /** True when the value was read from the rendered DOM (a browser gatherer ran). */
  rendered?: boolean;
}

export interface PageMarkers {
  url: string;
  homepage: boolean;
  markers: Record<MarkerId, PageMarker>;
}

function lastLines(text: string, n: number): string {
  if (n <= 0) return '';
  return text.split('\n').slice(-n).join('\n');
}

const TEXT_READERS: Record<'siteCode' | 'icp' | 'police' | 'sponsor' | 'contact', (t: string, o?: Options) => MarkerValue | undefined> = {
  siteCode: readSiteCode,
  icp: readIcp,
  police: readPolice,
  sponsor: readSponsor,
  contact: readContact,
};

export function inspectPage(page: PageArtifact, o: Options, rendered?: RenderedInput, homepage = false): PageMarkers {
  const footer = page.footerText || lastLines(page.text, o.footerFallbackLines);
  const script = scriptVisibleText(page.scriptText);
  const scriptSrcs = page.links.filter((l) => l.kind === 'script').map((l) => l.url.toLowerCase());
  const renderedFooter = rendered?.renderedFooterText ?? rendered?.renderedText;
  const markers = {} as Record<MarkerId, PageMarker>;

  for (const id of ['siteCode', 'icp', 'police', 'sponsor', 'contact'] as const) {
    const read = (t: string | undefined) => (t ? TEXT_READERS[id](t, o) : undefined);
    let v: MarkerValue | undefined;
    let state: MarkerState = 'missing';
    let fromRendered = false;
    if ((v = read(footer))) state = 'footer';
    else if ((v = read(page.text))) state = 'page';
    else if ((v = read(renderedFooter))) [state, fromRendered] = ['script', true];
    else if ((v = read(script))) state = 'script';
    markers[id] = v ? { state, ...v, ...(fromRendered ? { rendered: true } : {}) } : { state: 'missing' };
  }

  const links = linkLikes(page);
  const renderedLinks: LinkLike[] = (rendered?.renderedLinks ?? []).map((l) => ({ url: l.url, text: l.text, inFooter: Boolean(l.inFooter) }));
  const linkMarker = (test: (l: LinkLike) => boolean, scriptWords: readonly string[], withVariant: boolean): PageMarker => {
    const hits = links.filter(test);
    const best = hits.find((l) => l.inFooter) ?? hits[0];
    const describe = (l: LinkLike) => (l.text ? `${l.text}（${l.url}）` : l.url);
    if (best) {
      return { state: best.inFooter ? 'footer' : 'page', value: describe(best), valid: true, ...(withVariant ? { variant: conacVariant(best) } : {}) };
    }
    const r = renderedLinks.find(test);
    if (r) return { state: 'script', value: describe(r), valid: true, rendered: true, ...(withVariant ? { variant: conacVariant(r) } : {}) };
    const src = scriptSrcs.find((s) => containsAny(s, scriptWords));
    if (src) return { state: 'script', value: src, valid: true };
    const w = scriptWords.find((x) => page.scriptText.includes(x));
    if (w) return { state: 'script', value: snippetAround(page.scriptText, page.scriptText.indexOf(w)), valid: true };
    return { state: 'missing' };
  };
  markers.conac = linkMarker(isConac, RULES.conac.scriptWords, true);
  markers.jiucuo = linkMarker(isJiucuo, RULES.jiucuo.scriptWords, false);
  return { url: page.url, homepage, markers };
}

// --- sample and domain ---------------------------------------------------------------------------

function isHtmlPage(p: PageArtifact): boolean {
  return !p.error && p.status >= 200 && p.status < 300 && /html/i.test(p.contentType || 'text/html');
}

/** The homepage as a visitor sees it (its framed header/footer merged in: src/gather/frames.ts). */
export function homepageOf(a: Artifacts): PageArtifact | undefined {
  return sitePages(a).home ?? a.pages.find((p) => p.url === a.site.startUrl) ?? a.pages[0];
}

/** The homepage, the pages named in `include`, then `samplePages` pages spread over the crawl. */
export function samplePages(a: Artifacts, o: Pick<Options, 'samplePages' | 'include'>): PageArtifact[] {
  const home = homepageOf(a);
  const out: PageArtifact[] = home ? [home] : [];
  const seen = new Set(out.map((p) => p.url));
  // Pages as a visitor sees them: a framed footer counts for its page and is not sampled alone.
  const site = sitePages(a);
  const byUrl = site.byUrl;
  for (const inc of o.include) {
    let url: string;
    try {
      url = new URL(inc, a.site.startUrl).href;
    } catch {
      continue;
    }
    const p = byUrl.get(url);
    if (p && !seen.has(p.url)) {
      out.push(p);
      seen.add(p.url);
    }
  }
  const rest = site.pages
    .filter((p) => !seen.has(p.url) && isHtmlPage(p))
    .sort((x, y) => (x.depth ?? 99) - (y.depth ?? 99) || (x.url < y.url ? -1 : x.url > y.url ? 1 : 0));
  let budget = o.samplePages;
  // One page of each footer variant first (a template whose footer differs is where markers go missing)…
  const footers = new Set(out.map((p) => footerSignature(p)));
  for (const p of rest) {
    if (budget <= 0) break;
    const sig = footerSignature(p);
    if (footers.has(sig)) continue;
    footers.add(sig);
    out.push(p);
    seen.add(p.url);
    budget--;
  }
  // …then pages evenly spaced over the ordered list: shallow pages and deep templates both get sampled.
  const left = rest.filter((p) => !seen.has(p.url));
  const n = Math.min(budget, left.length);
  for (let i = 0; i < n; i++) out.push(left[Math.floor((i * left.length) / n)]);
  return out;
}

/** A page's footer as a template signature: its text with digits and dates blurred, and its script. */
function footerSignature(p: PageArtifact): string {
  return `${p.footerText.replace(/\d+/g, '0')}|${p.scriptText.length > 0 ? p.scriptText.replace(/\d+/g, '0').slice(0, 500) : ''}`;
}

export interface DomainCheck {
  host: string;
  kind: 'ip' | 'gov-portal' | 'gov-department' | 'gov-bare' | 'not-gov';
}

export function classifyHost(hostname: string): DomainCheck {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':') || host === 'localhost') return { host, kind: 'ip' };
  if (!host.endsWith('.gov.cn')) return { host, kind: 'not-gov' };
  const labels = host.split('.');
  if (labels.length <= 3) return { host, kind: 'gov-bare' };
  return { host, kind: labels[0] === 'www' ? 'gov-portal' : 'gov-department' };
}

// --- the audit -----------------------------------------------------------------------------------

const IDENTITY_GUIDE = guideline('网站标识：在网站首页及其他页面底部功能区标注党政机关网站标识、网站标识码、ICP备案编号、公安机关备案号、主办单位及联系方式');
const REFS: Record<MarkerId, RuleRef[]> = {
  conac: [IDENTITY_GUIDE, standard('党政机关事业单位网站标识（中央机构编制委员会办公室）'), seedTask(27)],
  siteCode: [IDENTITY_GUIDE, inspection('网站标识码（页面底部功能区标注）', true), seedTask(27)],
  icp: [IDENTITY_GUIDE, standard('非经营性互联网信息服务备案管理办法（信息产业部令第33号）', '第十三条'), seedTask(27)],
  police: [IDENTITY_GUIDE, standard('计算机信息网络国际联网安全保护管理办法（公安部令第33号）'), seedTask(27)],
  sponsor: [IDENTITY_GUIDE, seedTask(27)],
  contact: [IDENTITY_GUIDE, seedTask(27)],
  jiucuo: [guideline('互动交流：在网站首页显著位置设置“我为政府网站找错”入口（网站纠错）'), seedTask(20), seedTask(27)],
};
const DOMAIN_REFS: RuleRef[] = [guideline('域名管理：政府网站使用 .gov.cn 域名，门户网站为 www.<地区>.gov.cn，部门网站为本级门户网站的下级域名'), seedTask(27)];

export interface IdentityMarkerSummary {
  marker: MarkerId;
  label: string;
  /** The value found first (homepage first), when any. */
  value: string | null;
  /** The page it was read from. */
  page: string | null;
  /** Worst state over the sample: missing > malformed > script > page > footer. */
  state: 'ok' | 'not-in-footer' | 'script-only' | 'malformed' | 'missing';
  inFooter: boolean;
  variant?: 'party' | 'institution';
  pagesChecked: number;
  pagesMissing: string[];
}

export interface IdentityData extends VerdictInputs {
  pagesChecked: string[];
  renderedAvailable: boolean;
  domain: DomainCheck;
  markers: IdentityMarkerSummary[];
  pages: PageMarkers[];
}

type Problem = 'marker-missing' | 'marker-malformed' | 'marker-script-only' | 'marker-not-in-footer';
const PROBLEM_RANK: Record<Problem | 'ok', number> = { 'marker-missing': 4, 'marker-malformed': 3, 'marker-script-only': 2, 'marker-not-in-footer': 1, ok: 0 };
const SUMMARY_STATE: Record<Problem | 'ok', IdentityMarkerSummary['state']> = {
  'marker-missing': 'missing', 'marker-malformed': 'malformed', 'marker-script-only': 'script-only', 'marker-not-in-footer': 'not-in-footer', ok: 'ok',
};

function problemOf(m: PageMarker): Problem | 'ok' {
  if (m.state === 'missing') return 'marker-missing';
  if (m.valid === false) return 'marker-malformed';
  if (m.state === 'script') return 'marker-script-only';
  if (m.state === 'page') return 'marker-not-in-footer';
  return 'ok';
}

function severityOf(rule: Problem, onHome: boolean, rendered: boolean): Severity {
  // Only after scripts: lower than missing, on any page (an inspector's crawler runs no scripts);
  // info when a browser confirmed the rendered value.
  if (rule === 'marker-script-only') return rendered ? 'info' : 'low';
  if (!onHome) return rule === 'marker-not-in-footer' ? 'info' : 'low';
  switch (rule) {
    case 'marker-missing': return 'medium';
    case 'marker-malformed': return 'medium';
    case 'marker-not-in-footer': return 'low';
  }
}

export default defineAudit({
  meta: {
    id: 'identity',
    title: { zh: '网站标识', en: 'Site identity markers' },
    description: '首页及抽样页面底部功能区的党政机关网站标识、网站标识码、ICP备案编号、公安机关备案号、主办单位、联系方式与“我为政府网站找错”入口，以及 .gov.cn 域名规范。',
    refs: [IDENTITY_GUIDE, seedTask(27)],
    severity: 'medium',
    requires: ['pages'],
    options,
  },
  run({ artifacts, options: o }) {
    const rendered = renderedPages(artifacts.browser);
    const home = homepageOf(artifacts);
    const sample = samplePages(artifacts, o);
    const pages = sample.map((p) => inspectPage(p, o, rendered.get(p.url) ?? rendered.get(p.finalUrl), p === home));
    const findings: FindingDraft[] = [];
    const markers: IdentityMarkerSummary[] = [];

    for (const id of o.markers) {
      // The badge the site shows (red or blue) names the marker everywhere below.
      const siteVariant = pages.find((pm) => pm.markers[id].variant)?.markers[id].variant;
      // Pages by problem, homepage first (sample order).
      const byProblem = new Map<Problem, PageMarkers[]>();
      let worst: Problem | 'ok' = 'ok';
      for (const pm of pages) {
        const pr = problemOf(pm.markers[id]);
        if (PROBLEM_RANK[pr] > PROBLEM_RANK[worst]) worst = pr;
        if (pr === 'ok') continue;
        let list = byProblem.get(pr);
        if (!list) byProblem.set(pr, (list = []));
        list.push(pm);
      }
      const found = pages.find((pm) => pm.markers[id].state !== 'missing' && pm.markers[id].valid !== false) ?? pages.find((pm) => pm.markers[id].state !== 'missing');
      const fm = found?.markers[id];
      const label = markerLabel(id, fm?.variant ?? siteVariant);
      markers.push({
        marker: id,
        label,
        value: fm?.value ?? null,
        page: found?.url ?? null,
        state: SUMMARY_STATE[worst],
        inFooter: fm?.state === 'footer',
        ...(fm?.variant ? { variant: fm.variant } : {}),
        pagesChecked: pages.length,
        pagesMissing: (byProblem.get('marker-missing') ?? []).map((pm) => pm.url),
      });

      for (const [rule, list] of byProblem) {
        const onHome = list.some((pm) => pm.homepage);
        const first = list[0];
        const m = first.markers[id];
        const label = markerLabel(id, m.variant ?? siteVariant);
        const message =
          rule === 'marker-missing' ? STR.missing(label, list.length, onHome)
          : rule === 'marker-malformed' ? STR.malformed(label, m.value ?? '', m.problem ?? '')
          : rule === 'marker-script-only' ? STR.scriptOnly(label, Boolean(m.rendered))
          : STR.notInFooter(label);
        findings.push({
          rule,
          url: first.url,
          locator: id,
          severity: severityOf(rule, onHome, Boolean(m.rendered)),
          message: list.length > 1 && rule !== 'marker-missing' ? `${message}（共 ${list.length} 个页面）` : message,
          evidence: {
            marker: id,
            pages: list.slice(0, 50).map((pm) => pm.url),
            pageCount: list.length,
            ...(m.value ? { value: m.value } : {}),
            ...(m.problem ? { problem: m.problem } : {}),
            snippet: m.value,
          },
          refs: REFS[id],
        });
      }

      if (id === 'conac') {
        const inst = pages.filter((pm) => pm.markers.conac.variant === 'institution');
        if (inst.length) {
          findings.push({
            rule: 'conac-institution',
            url: inst[0].url,
            locator: 'conac',
            severity: 'info',
            message: STR.institution,
            evidence: { marker: 'conac', pages: inst.slice(0, 50).map((pm) => pm.url), pageCount: inst.length, value: inst[0].markers.conac.value },
            refs: REFS.conac,
          });
        }
      }
    }

    // The domain rule.
    const hostname = (() => {
      try {
        return new URL(artifacts.site.startUrl).hostname;
      } catch {
        return artifacts.site.host;
      }
    })();
    const domain = classifyHost(hostname);
    const homeUrl = home?.url ?? artifacts.site.startUrl;
    const domainFinding = (rule: string, severity: Severity, message: string) =>
      findings.push({ rule, url: homeUrl, locator: domain.host, severity, message, evidence: { value: domain.host }, refs: DOMAIN_REFS });
    if (domain.kind === 'ip') domainFinding('domain-ip-host', 'info', STR.ipHost(domain.host));
    else if (domain.kind === 'not-gov') domainFinding('domain-not-gov-cn', 'low', STR.notGov(domain.host));
    else if (domain.kind === 'gov-bare') domainFinding('domain-form', 'info', STR.bareGov(domain.host));
    else if (o.siteType === 'portal' && domain.kind !== 'gov-portal') domainFinding('domain-form', 'low', STR.portalForm(domain.host));

    const data: IdentityData = {
      pagesChecked: pages.map((p) => p.url),
      renderedAvailable: rendered.size > 0,
      domain,
      markers,
      pages,
    };
    return { findings, data };
  },
});
