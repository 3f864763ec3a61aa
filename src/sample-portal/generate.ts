// The sample portal generator: a deterministic, realistic, fictional provincial department site
// "示例省海洋与渔业局" with planted defects (and a near miss beside each), recorded in a manifest.
//
// generatePortal() returns every resource pre-rendered (path+query → status, headers, body) plus a
// `dynamic` renderer for the endless calendar, the search page and the consultation form post.
// All dates are computed relative to `today`; every random choice comes from the seed.

import { CSS, GIF_1X1, SITE_JS, makeDoc, makeIco, makePdf, makePng } from './assets.ts';
import {
  ANNUAL_REPORT_SENTENCES,
  CITIES,
  COUNTIES,
  DIVISIONS,
  FINANCE_SENTENCES,
  GENERAL_SENTENCES,
  GIVEN,
  GUIDES,
  GUIDE_CATEGORIES,
  INTERPRET_SENTENCES,
  LAWS,
  LEADERS,
  MESSAGES,
  NEWS_SENTENCES,
  NOTICE_OPENINGS,
  NOTICE_SENTENCES,
  PERSONNEL_SENTENCES,
  PLACES,
  PLAN_SENTENCES,
  POLICY_SENTENCES,
  SITE,
  SURNAMES,
  TITLES,
  TOPICS,
  UNITS,
  type GuideCategory,
} from './content.ts';
import { encodeGbk } from './gbk.ts';
import { creditCodeCheck, luhnCheck, luhnValid, residentIdCheck, residentIdValid } from './identifiers.ts';
import {
  depthCounts,
  maskDigits,
  type ColumnEntry,
  type ColumnKind,
  type GuideEntry,
  type Manifest,
  type MessageEntry,
  type PageEntry,
  type PageKind,
  type Plant,
} from './manifest.ts';
import {
  DAY_MS,
  Rng,
  cnDay,
  compactDay,
  compactMonth,
  dayFromParts,
  dayParts,
  formatDay,
  isoDay,
  pad2,
  parseIsoDay,
  type DateFormat,
} from './random.ts';
import { esc, makeChrome, sidebar, type Chrome, type FooterVariant, type SectionKey } from './templates.ts';

export interface GenerateOptions {
  seed?: number;
  /** approximate number of HTML pages (default 200; the smallest site has about 60) */
  pages?: number;
  /** YYYY-MM-DD; every date on the site is relative to it (default '2026-11-20') */
  today?: string;
  /** origin of the friendly external site (default 'http://127.0.0.1:5555') */
  external?: string;
  /** optional origin (served by the same server) for some images and attachments */
  cdn?: string;
  /** origin that refuses connections (default 'http://127.0.0.2:59999') */
  brokenExternal?: string;
  /** 办事指南 missing ≥4 element categories (default 4; 5 or more hits the veto rule) */
  badGuides?: number;
}

export interface Resource {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** body contains ORIGIN_PLACEHOLDER, to be replaced by the request's origin when served */
  templated?: boolean;
}

export interface Portal {
  resources: Map<string, Resource>;
  manifest: Manifest;
  /** renders URLs that are not pre-generated (calendar months, search, form posts); undefined → 404 */
  dynamic(pathAndQuery: string, method?: string): Resource | undefined;
  /** the 404 page */
  notFound: Resource;
  /**
   * A hacked server's double life (integrity plants): the homepage search-engine crawlers are
   * served, and where visitors arriving from a search engine are redirected. Ordinary
   * visitors (and the crawl) see the real homepage.
   */
  cloaked: { spiderHome: Resource; searchRedirect: string };
}

export const ORIGIN_PLACEHOLDER = '__ORIGIN__';

/** A link to an item the CMS deleted: its server answers 200 with a "not found" page (soft 404). */
const SOFT_404_LINK = '/info/2019/t20190312_4455.html';

export const DEFAULTS = {
  seed: 20261120,
  pages: 200,
  today: '2026-11-20',
  external: 'http://127.0.0.1:5555',
  brokenExternal: 'http://127.0.0.2:59999',
  badGuides: 4,
} as const;

/** A copy of a templated resource with the placeholder replaced by `origin` (e.g. http://host:port). */
export function withOrigin(res: Resource, origin: string): Resource {
  if (!res.templated) return res;
  const body = Buffer.from(res.body.toString('utf8').split(ORIGIN_PLACEHOLDER).join(origin), 'utf8');
  return { status: res.status, headers: { ...res.headers, 'content-length': String(body.length) }, body };
}

// ---------------------------------------------------------------------------------------------
// Columns

type BodyKind = 'news' | 'notice' | 'policy' | 'interpret' | 'personnel' | 'plan' | 'finance' | 'general' | 'reply';

interface ColDef {
  key: string;
  name: string;
  section: SectionKey;
  parent?: string;
  dir: string;
  kind: ColumnKind;
  layout: 'list' | 'table' | 'page' | 'hub';
  fmt?: DateFormat;
  newestAge?: number;
  avgStep?: number;
  span?: number;
  weight?: number;
  body?: BodyKind;
  blank?: boolean;
  /** items are fixed (guides, reports): no generic articles */
  fixed?: boolean;
  order: number;
}

const PERIOD: Record<ColumnKind, number | null> = {
  dynamic: 14,
  notice: 183,
  policy: 183,
  personnel: 365,
  plan: 365,
  other: null,
};

function columnDefs(): ColDef[] {
  const defs: Omit<ColDef, 'order'>[] = [
    { key: 'gzdt', name: '工作动态', section: 'xwdt', dir: '/xwdt/gzdt/', kind: 'dynamic', layout: 'list', fmt: 'dash', newestAge: 1, avgStep: 1.2, span: 3650, weight: 30, body: 'news' },
    { key: 'bmdt', name: '部门动态', section: 'xwdt', dir: '/xwdt/bmdt/', kind: 'dynamic', layout: 'list', fmt: 'dash', newestAge: 30, avgStep: 3, span: 3650, weight: 12, body: 'news' },
    { key: 'tzgg', name: '通知公告', section: 'xwdt', dir: '/xwdt/tzgg/', kind: 'notice', layout: 'list', fmt: 'bracket', newestAge: 2, avgStep: 4, span: 4500, weight: 18, body: 'notice' },
    { key: 'xxgkzn', name: '政府信息公开指南', section: 'zwgk', dir: '/zwgk/xxgkzn/', kind: 'other', layout: 'page' },
    { key: 'xxgkml', name: '政府信息公开目录', section: 'zwgk', dir: '/zwgk/xxgkml/', kind: 'other', layout: 'hub' },
    { key: 'ndbg', name: '政府信息公开年报', section: 'zwgk', dir: '/zwgk/ndbg/', kind: 'other', layout: 'list', fmt: 'dash', fixed: true },
    { key: 'jgzn', name: '机构职能', section: 'zwgk', dir: '/zwgk/jgzn/', kind: 'other', layout: 'page' },
    { key: 'ldxx', name: '领导信息', section: 'zwgk', dir: '/zwgk/ldxx/', kind: 'other', layout: 'page' },
    { key: 'zcwj', name: '政策文件', section: 'zwgk', dir: '/zwgk/zcwj/', kind: 'policy', layout: 'table', fmt: 'dash', newestAge: 150, avgStep: 20, span: 5400, weight: 10, body: 'policy' },
    { key: 'zcjd', name: '政策解读', section: 'zwgk', dir: '/zwgk/zcjd/', kind: 'policy', layout: 'list', fmt: 'slash', newestAge: 20, avgStep: 15, span: 5400, weight: 8, body: 'interpret' },
    { key: 'ghjh', name: '规划计划', section: 'zwgk', dir: '/zwgk/ghjh/', kind: 'plan', layout: 'list', fmt: 'dot', newestAge: 200, avgStep: 60, span: 5400, weight: 3, body: 'plan' },
    { key: 'czyjs', name: '财政预决算', section: 'zwgk', dir: '/zwgk/czyjs/', kind: 'other', layout: 'list', fmt: 'slash', newestAge: 60, avgStep: 45, span: 5400, weight: 4, body: 'finance' },
    { key: 'rsxx', name: '人事信息', section: 'zwgk', dir: '/zwgk/rsxx/', kind: 'personnel', layout: 'list', fmt: 'cn', newestAge: 400, avgStep: 40, span: 5400, weight: 4, body: 'personnel' },
    { key: 'qzqd', name: '权责清单', section: 'zwgk', dir: '/zwgk/qzqd/', kind: 'other', layout: 'list', fmt: 'bracket', newestAge: 90, avgStep: 90, span: 5400, weight: 2, body: 'general' },
    { key: 'ssjygk', name: '双随机一公开', section: 'zwgk', dir: '/zwgk/ssjygk/', kind: 'other', layout: 'hub' },
    { key: 'ccjh', name: '抽查计划', section: 'zwgk', parent: 'ssjygk', dir: '/zwgk/ssjygk/ccjh/', kind: 'other', layout: 'list', fmt: 'dot', newestAge: 45, avgStep: 60, span: 5400, weight: 3, body: 'general' },
    { key: 'ccjg', name: '抽查结果', section: 'zwgk', parent: 'ssjygk', dir: '/zwgk/ssjygk/ccjg/', kind: 'other', layout: 'list', fmt: 'dot', blank: true, fixed: true },
    { key: 'jytabl', name: '建议提案办理', section: 'zwgk', dir: '/zwgk/jytabl/', kind: 'other', layout: 'list', fmt: 'cn', newestAge: 35, avgStep: 30, span: 5400, weight: 6, body: 'reply' },
    { key: 'bszn', name: '办事指南', section: 'bsfw', dir: '/bsfw/bszn/', kind: 'other', layout: 'list', fmt: 'dash', fixed: true },
    { key: 'ldxx_mail', name: '领导信箱', section: 'hdjl', dir: '/hdjl/ldxx/', kind: 'other', layout: 'page' },
    { key: 'zxzx', name: '在线咨询', section: 'hdjl', dir: '/hdjl/zxzx/', kind: 'other', layout: 'page' },
  ];
  return defs.map((d, i) => ({ ...d, order: i }));
}

const SECTION_NAMES: Record<SectionKey, string> = {
  home: '首页',
  xwdt: '新闻动态',
  zwgk: '政府信息公开',
  bsfw: '办事服务',
  hdjl: '互动交流',
  ztzl: '专题专栏',
};

const SECTION_HREF: Record<SectionKey, string> = {
  home: '/',
  xwdt: '/xwdt/index.html',
  zwgk: '/zwgk/index.html',
  bsfw: '/bsfw/index.html',
  hdjl: '/hdjl/index.html',
  ztzl: '/ztzl/index.html',
};

const PER_PAGE = 20;

// ---------------------------------------------------------------------------------------------
// Articles

interface Media {
  href: string; // as written in the page
  resPath: string; // where it is served
  name: string;
  type: 'pdf' | 'doc' | 'png';
}

interface ArticleBody {
  html: string;
  plants?: Plant[];
  head?: string;
  footer?: FooterVariant;
  titleHtml?: string;
  /** full custom page (malformed) */
  fullMain?: string;
}

interface Article {
  col: ColDef;
  idx: number;
  day: number;
  time: string;
  title: string;
  topic: string;
  seed: number;
  id: number;
  path: string;
  /** href from the column's list pages */
  listHref: string;
  kind: 'generic' | 'plant' | 'guide' | 'report';
  wantImage: boolean;
  wantAttach: 'pdf' | 'doc' | null;
  media: Media[];
  docNo?: string;
  source: string;
  custom?: (a: Article) => ArticleBody;
  /** plant articles are placed at this index (0 = newest) of their column */
  pos?: number;
}

interface HtmlPage {
  html: string;
  kind: PageKind;
  title: string;
  column?: string;
  encoding: 'utf-8' | 'gbk';
  /** content-type header value */
  contentType?: string;
  /** listed in manifest.pages (false: robots-disallowed pages) */
  listed: boolean;
  /** served from `resources` (false: rendered by `dynamic`) */
  serve: boolean;
  lastModified?: string;
  /** on-site link targets (path+query, no fragment), filled in by addPage */
  links?: string[];
  /** which footer the page carries (derived from the HTML when not given) */
  footer?: FooterVariant;
}

const pick = <T>(r: Rng, a: readonly T[]) => r.pick(a);

function leaderLabel(i: number): { full: string; short: string } {
  const l = LEADERS[i];
  const shortTitle = l.title.includes('副局长') ? '副局长' : l.title.includes('局长') ? '局长' : '二级巡视员';
  return { full: `${l.title}${l.name}`, short: `${l.name}${shortTitle}` };
}

function personName(r: Rng): string {
  return pick(r, SURNAMES) + pick(r, GIVEN) + (r.chance(0.7) ? pick(r, GIVEN) : '');
}

interface Slots {
  topic: string;
  topic2: string;
  city: string;
  county: string;
  leader: string;
  leaderName: string;
  unit: string;
  division: string;
  year: string;
  year2: string;
  law: string;
  place: string;
  date: string;
  month: string;
}

function makeSlots(r: Rng, day: number, topic?: string): Slots {
  const { y, m, d } = dayParts(day);
  const li = r.int(0, LEADERS.length - 1);
  const L = leaderLabel(li);
  const t = topic ?? pick(r, TOPICS);
  let t2 = pick(r, TOPICS);
  if (t2 === t) t2 = TOPICS[(TOPICS.indexOf(t as (typeof TOPICS)[number]) + 1) % TOPICS.length];
  return {
    topic: t,
    topic2: t2,
    city: pick(r, CITIES),
    county: pick(r, COUNTIES),
    leader: L.full,
    leaderName: L.short,
    unit: pick(r, UNITS),
    division: pick(r, DIVISIONS),
    year: String(y),
    year2: String(y + 2),
    law: pick(r, LAWS),
    place: pick(r, PLACES),
    date: `${m}月${d}日`,
    month: String(m),
  };
}

function fill(tpl: string, s: Slots, r: Rng): string {
  return tpl.replace(/\{(\w+)\}/g, (whole, k: string) => {
    switch (k) {
      case 'n':
        return String(r.int(3, 60));
      case 'n2':
        return String(r.int(8, 28));
      case 'm':
      case 'm2':
        return String(r.int(120, 9800));
      case 'pct':
        return String(r.int(12, 96));
      case 'tel':
        return String(r.int(1000, 9999));
      default:
        return (s as unknown as Record<string, string>)[k] ?? whole;
    }
  });
}

function paras(sentences: readonly string[], r: Rng, s: Slots, nParas: [number, number], perPara: [number, number]): string {
  const pool = r.shuffle(sentences.slice());
  const n = r.int(nParas[0], nParas[1]);
  let k = 0;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = r.int(perPara[0], perPara[1]);
    const parts: string[] = [];
    for (let j = 0; j < c; j++) parts.push(fill(pool[k++ % pool.length], s, r));
    out.push(`<p>${esc(parts.join(''))}</p>`);
  }
  return out.join('\n');
}

function ordered(sentences: readonly string[], r: Rng, s: Slots): string {
  return sentences.map((t) => `<p>${esc(fill(t, s, r))}</p>`).join('\n');
}

function signature(day: number, who: string = SITE.name): string {
  return `<p style="text-align:right">${esc(who)}</p>\n<p style="text-align:right">${cnDay(day)}</p>`;
}

// ---------------------------------------------------------------------------------------------

export function generatePortal(options: GenerateOptions = {}): Portal {
  const seed = (options.seed ?? DEFAULTS.seed) >>> 0;
  const requested = Math.max(1, Math.floor(options.pages ?? DEFAULTS.pages));
  const todayIso = options.today ?? DEFAULTS.today;
  const today = parseIsoDay(todayIso);
  const external = (options.external ?? DEFAULTS.external).replace(/\/+$/, '');
  const brokenExternal = (options.brokenExternal ?? DEFAULTS.brokenExternal).replace(/\/+$/, '');
  const cdn = options.cdn ? options.cdn.replace(/\/+$/, '') : null;
  const badGuides = Math.max(0, Math.min(12, Math.floor(options.badGuides ?? DEFAULTS.badGuides)));

  const rng = new Rng(seed);
  const chrome: Chrome = makeChrome(external);
  const cols = columnDefs();
  const colBy = new Map(cols.map((c) => [c.key, c]));
  const col = (k: string) => colBy.get(k)!;

  const resources = new Map<string, Resource>();
  const pages = new Map<string, HtmlPage>();
  const slab = new Slab();
  const plants: Plant[] = [];

  // --- static assets ----------------------------------------------------------------------
  const PNG_PHOTO = makePng(60, 40, [0x5b, 0x8d, 0xbf]);
  const PDF = makePdf('Shili Province Ocean and Fisheries Bureau - attachment');
  const DOC = makeDoc();
  const binary = (type: string, body: Buffer): Resource => ({
    status: 200,
    headers: { 'content-type': type, 'content-length': String(body.length) },
    body,
  });
  const text = (type: string, s: string): Resource => binary(type, Buffer.from(s, 'utf8'));
  const TYPE_OF: Record<Media['type'], string> = { pdf: 'application/pdf', doc: 'application/msword', png: 'image/png' };
  const BODY_OF: Record<Media['type'], Buffer> = { pdf: PDF, doc: DOC, png: PNG_PHOTO };
  let imageCount = 0;
  let attachCount = 0;
  const addMedia = (m: Media) => {
    resources.set(m.resPath, binary(TYPE_OF[m.type], BODY_OF[m.type]));
    if (m.type === 'png') imageCount++;
    else attachCount++;
  };

  resources.set('/favicon.ico', binary('image/x-icon', makeIco()));
  resources.set('/css/main.css', text('text/css; charset=utf-8', CSS));
  resources.set('/js/main.js', text('application/javascript; charset=utf-8', SITE_JS));
  resources.set('/images/logo.png', binary('image/png', makePng(60, 60, [0x0b, 0x53, 0x94], [0xff, 0xff, 0xff])));
  resources.set('/images/dzjg.png', binary('image/png', makePng(42, 50, [0xd0, 0x10, 0x10], [0xff, 0xd7, 0x00])));
  resources.set('/images/jiucuo.png', binary('image/png', makePng(110, 55, [0x1d, 0x6f, 0xd6], [0xff, 0xff, 0xff])));
  resources.set('/images/gongan.png', binary('image/png', makePng(16, 16, [0xe0, 0xc0, 0x40])));
  resources.set('/images/banner.png', binary('image/png', makePng(240, 40, [0x1c, 0x6e, 0xa4])));
  resources.set('/images/float-ad.gif', binary('image/gif', GIF_1X1));
  resources.set('/images/captcha.gif', binary('image/gif', GIF_1X1));
  resources.set('/images/leader.png', binary('image/png', makePng(30, 40, [0x99, 0x99, 0x99])));

  // --- plan the article counts --------------------------------------------------------------
  const plantSpecs = buildPlantSpecs();
  const plantCountByCol = new Map<string, number>();
  for (const p of plantSpecs) plantCountByCol.set(p.col, (plantCountByCol.get(p.col) ?? 0) + 1);

  // fixed items: guides and reports
  const guideCount = 3 + badGuides;
  const reportYears = annualReportYears(today);
  const fixedCountByCol = new Map<string, number>([
    ['bszn', guideCount],
    ['ndbg', reportYears.length + 1],
  ]);

  const genericCols = cols.filter((c) => c.layout === 'list' || c.layout === 'table').filter((c) => !c.fixed && !c.blank);
  const listCols = cols.filter((c) => c.layout === 'list' || c.layout === 'table');
  // non-list, non-article HTML pages: home, sitemap.html, js-footer, calendar, 6 hubs, 6 single pages, 3 legacy, orphan
  const OTHER_PAGES = 4 + 6 + 6 + 3 + 1;

  const minGeneric = (c: ColDef) => ((plantCountByCol.get(c.key) ?? 0) > 0 ? 0 : 1);
  const distribute = (G: number): Map<string, number> => {
    const out = new Map<string, number>();
    let left = G;
    for (const c of genericCols) {
      const m = Math.min(left, minGeneric(c));
      out.set(c.key, m);
      left -= m;
    }
    const wsum = genericCols.reduce((s, c) => s + (c.weight ?? 0), 0);
    const shares = genericCols.map((c) => ({ c, exact: (left * (c.weight ?? 0)) / wsum }));
    let given = 0;
    for (const s of shares) {
      const f = Math.floor(s.exact);
      out.set(s.c.key, out.get(s.c.key)! + f);
      given += f;
    }
    shares.sort((a, b) => b.exact - Math.floor(b.exact) - (a.exact - Math.floor(a.exact)) || a.c.order - b.c.order);
    for (let i = 0; i < left - given; i++) out.set(shares[i % shares.length].c.key, out.get(shares[i % shares.length].c.key)! + 1);
    return out;
  };
  const itemsOf = (gen: Map<string, number>, c: ColDef) =>
    (gen.get(c.key) ?? 0) + (plantCountByCol.get(c.key) ?? 0) + (fixedCountByCol.get(c.key) ?? 0);
  const totalFor = (G: number) => {
    const gen = distribute(G);
    let t = OTHER_PAGES;
    for (const c of listCols) {
      const n = itemsOf(gen, c);
      t += n + Math.max(1, Math.ceil(n / PER_PAGE));
    }
    return t;
  };
  const minG = genericCols.reduce((s, c) => s + minGeneric(c), 0);
  let G = Math.max(minG, Math.floor((requested - totalFor(minG)) / 1.05) + minG);
  while (G > minG && totalFor(G) > requested) G--;
  while (totalFor(G + 1) <= requested) G++;
  const genericCounts = distribute(G);

  // --- build the articles -------------------------------------------------------------------
  const byCol = new Map<string, Article[]>();
  const allArticles: Article[] = [];
  const newArticle = (c: ColDef, kind: Article['kind'], label: string): Article => {
    const r = rng.fork(`${c.key}:${label}`);
    return {
      col: c,
      idx: 0,
      day: 0,
      time: `${pad2(r.int(8, 17))}:${pad2(r.int(0, 59))}`,
      title: '',
      topic: pick(r, TOPICS),
      seed: r.seed,
      id: 0,
      path: '',
      listHref: '',
      kind,
      wantImage: false,
      wantAttach: null,
      media: [],
      source: SITE.name,
    };
  };

  for (const c of listCols) {
    const list: Article[] = [];
    const n = genericCounts.get(c.key) ?? 0;
    for (let i = 0; i < n; i++) {
      const a = newArticle(c, 'generic', String(i));
      const r = new Rng(a.seed).fork('media');
      const imgP = c.body === 'news' ? 0.35 : 0.05;
      const attP = c.body === 'finance' ? 1 : c.body === 'policy' ? 0.6 : c.body === 'notice' ? 0.4 : c.body === 'news' ? 0.03 : 0.25;
      a.wantImage = r.chance(imgP);
      a.wantAttach = r.chance(attP) ? (r.chance(0.7) ? 'pdf' : 'doc') : null;
      if (c.key === 'bmdt') a.source = pick(r, UNITS);
      list.push(a);
    }
    byCol.set(c.key, list);
  }

  // plant articles, inserted at their positions
  for (const spec of plantSpecs.slice().sort((x, y) => x.pos - y.pos)) {
    const c = col(spec.col);
    const a = newArticle(c, 'plant', spec.id);
    a.title = spec.title;
    a.custom = spec.render;
    a.pos = spec.pos;
    if (spec.source) a.source = spec.source;
    const list = byCol.get(c.key)!;
    list.splice(Math.min(spec.pos, list.length), 0, a);
  }

  // dates: newest first, stepping back
  for (const c of listCols) {
    const list = byCol.get(c.key)!;
    if (c.fixed || list.length === 0) continue;
    const r = rng.fork(`dates:${c.key}`);
    const eff = Math.min(c.avgStep ?? 5, (c.span ?? 3650) / Math.max(1, list.length));
    let back = c.newestAge ?? 1;
    list.forEach((a, i) => {
      if (i > 0) back += r.next() * 2 * eff;
      a.day = today - Math.floor(back);
    });
    // a dated title must not name a year after its date
    for (const a of list) {
      if (a.kind !== 'generic') continue;
      const r2 = new Rng(a.seed);
      const tpls = TITLES[c.key] ?? TITLES.gzdt;
      a.title = fill(pick(r2, tpls), makeSlots(r2.fork('title'), a.day, a.topic), r2);
    }
  }

  // guides (fixed)
  const guideRt = buildGuides(guideCount, badGuides);
  {
    const list = byCol.get('bszn')!;
    guideRt.forEach((g, i) => {
      const a = newArticle(col('bszn'), 'guide', `guide${i}`);
      a.title = `${g.spec.title}办事指南`;
      a.day = today - 12 - i * 23;
      a.custom = () => ({ html: guideBody(g) });
      list.push(a);
    });
  }
  // annual reports (fixed)
  {
    const list = byCol.get('ndbg')!;
    const formDay = dayFromParts(reportYears[0] + 1, 1, 20);
    const form = newArticle(col('ndbg'), 'report', 'webform');
    form.title = `${SITE.name}政府网站工作年度报表（${reportYears[0]}年度）`;
    form.day = formDay;
    form.custom = () => ({ html: websiteFormBody(reportYears[0]) });
    list.push(form);
    for (const y of reportYears) {
      const a = newArticle(col('ndbg'), 'report', `report${y}`);
      a.title = `${SITE.name}${y}年政府信息公开工作年度报告`;
      a.day = dayFromParts(y + 1, 1, 25);
      a.custom = (art) => ({ html: annualReportBody(y, art) });
      list.push(a);
    }
    list.sort((x, y) => y.day - x.day);
  }

  for (const c of listCols) {
    const list = byCol.get(c.key)!;
    list.forEach((a, i) => {
      a.idx = i;
      allArticles.push(a);
    });
  }

  // ids in date order, then paths and media
  allArticles
    .slice()
    .sort((a, b) => a.day - b.day || a.col.order - b.col.order || b.idx - a.idx)
    .forEach((a, i) => {
      a.id = 5100001 + i;
    });
  for (const a of allArticles) {
    const ym = compactMonth(a.day);
    const file = `t${compactDay(a.day)}_${a.id}.html`;
    a.path = `${a.col.dir}${ym}/${file}`;
    a.listHref = `./${ym}/${file}`;
    const dir = `${a.col.dir}${ym}/`;
    const stem = `${compactDay(a.day)}_${a.id}`;
    const viaCdn = cdn !== null && a.id % 3 === 0;
    if (a.wantImage) {
      const name = `W0${stem}.png`;
      a.media.push(
        viaCdn
          ? { href: `${cdn}/uploads/${ym}/${name}`, resPath: `/uploads/${ym}/${name}`, name, type: 'png' }
          : { href: `./${name}`, resPath: `${dir}${name}`, name, type: 'png' },
      );
    }
    if (a.wantAttach) {
      const name = `P0${stem}.${a.wantAttach}`;
      a.media.push(
        viaCdn
          ? { href: `${cdn}/uploads/${ym}/${name}`, resPath: `/uploads/${ym}/${name}`, name, type: a.wantAttach }
          : { href: `./${name}`, resPath: `${dir}${name}`, name, type: a.wantAttach },
      );
    }
    for (const m of a.media) addMedia(m);
    if (a.col.key === 'zcwj') {
      const { y } = dayParts(a.day);
      a.docNo = `${SITE.abbr}〔${y}〕${(a.id % 97) + 1}号`;
    }
  }

  // --- page helpers -------------------------------------------------------------------------
  const footerFor = (path: string): FooterVariant => (path.startsWith('/zwgk/') ? 'split' : 'plain');

  const sectionCols = (section: SectionKey): [string, string][] =>
    cols.filter((c) => c.section === section && !c.parent).map((c) => [c.name, `${c.dir}index.html`]);

  const colCrumbs = (c: ColDef, last = true): [string, string?][] => {
    const out: [string, string?][] = [[SECTION_NAMES[c.section], SECTION_HREF[c.section]]];
    if (c.parent) out.push([col(c.parent).name, `${col(c.parent).dir}index.html`]);
    out.push(last ? [c.name] : [c.name, `${c.dir}index.html`]);
    return out;
  };

  const colSidebar = (c: ColDef): string => {
    if (c.parent) {
      const p = col(c.parent);
      const kids = cols.filter((k) => k.parent === p.key).map((k) => [k.name, `${k.dir}index.html`] as [string, string]);
      return sidebar(p.name, [[`${p.name}首页`, `${p.dir}index.html`], ...kids], `${c.dir}index.html`);
    }
    return sidebar(SECTION_NAMES[c.section], sectionCols(c.section), `${c.dir}index.html`);
  };

  // Each page is serialised at once and only its metadata and on-site link targets are kept,
  // so the HTML strings die young (much less GC work on big sites).
  const addPage = (path: string, p: HtmlPage) => {
    if (!p.footer) {
      const tail = p.html.slice(-2500);
      p.footer = tail.includes(`'35000' + '00025'`) ? 'js' : tail.includes('网站标识码：<span>') ? 'split' : 'plain';
    }
    const targets = new Set<string>();
    for (const href of extractLinks(p.html)) {
      const t = resolveHref(path, href);
      if (t !== null) targets.add(t);
    }
    p.links = [...targets];
    if (p.serve) {
      const body = p.encoding === 'gbk' ? encodeGbk(p.html) : slab.put(p.html);
      const headers: Record<string, string> = {
        'content-type': p.contentType ?? 'text/html; charset=utf-8',
        'content-length': String(body.length),
      };
      if (p.lastModified) headers['last-modified'] = p.lastModified;
      resources.set(path, { status: 200, headers, body });
    }
    p.html = '';
    pages.set(path, p);
  };

  const dateSpan = (a: Article, fmt: DateFormat) => `<span>${formatDay(a.day, fmt)}</span>`;

  const itemLi = (a: Article, href: string, fmt: DateFormat) => `<li><a href="${href}">${esc(a.title)}</a>${dateSpan(a, fmt)}</li>`;

  // --- articles -----------------------------------------------------------------------------
  for (const a of allArticles) {
    const c = a.col;
    const list = byCol.get(c.key)!;
    const body = a.custom ? a.custom(a) : { html: genericBody(a) };
    if (body.plants) plants.push(...body.plants);
    const pub = `${isoDay(a.day)} ${a.time}`;
    const footer = body.footer ?? footerFor(a.path);
    const head =
      `<meta name="ColumnName" content="${esc(c.name)}">\n<meta name="ArticleTitle" content="${esc(a.title)}">\n` +
      `<meta name="PubDate" content="${pub}">\n<meta name="ContentSource" content="${esc(a.source)}">\n` +
      (footer === 'plain' ? `<meta name="SiteIDCode" content="${SITE.siteCode}">\n` : '') +
      (body.head ?? '');
    const newer = list[a.idx - 1];
    const older = list[a.idx + 1];
    const rel = (b: Article) => `../${compactMonth(b.day)}/t${compactDay(b.day)}_${b.id}.html`;
    const prevNext =
      `<div class="prevnext"><p>上一篇：${newer ? `<a href="${rel(newer)}">${esc(newer.title)}</a>` : '没有了'}</p>` +
      `<p>下一篇：${older ? `<a href="${rel(older)}">${esc(older.title)}</a>` : '没有了'}</p></div>`;
    const attach = a.media.filter((m) => m.type !== 'png');
    const attachHtml = attach.length
      ? `<div class="attach">附件：${attach
          .map((m, i) => `<p><a href="${m.href}">${i + 1}. ${esc(attachmentName(a))}.${m.type}</a></p>`)
          .join('')}</div>`
      : '';
    const img = a.media.find((m) => m.type === 'png');
    const imgHtml = img ? `<p style="text-align:center"><img src="${img.href}" alt="${esc(a.topic)}工作现场" width="600" height="400"></p>\n` : '';
    const meta =
      c.section === 'zwgk'
        ? `<table class="info"><tbody><tr><th scope="row">索引号</th><td>FJHYJ-0200-${dayParts(a.day).y}-${String(a.id % 100000).padStart(5, '0')}</td><th scope="row">发布机构</th><td>${SITE.name}</td></tr>` +
          `<tr><th scope="row">生成日期</th><td>${isoDay(a.day)}</td><th scope="row">文号</th><td>${a.docNo ?? '无'}</td></tr></tbody></table>\n`
        : '';
    const main =
      body.fullMain ??
      `<div class="content-box article">
${meta}<h1>${esc(a.title)}</h1>
<div class="info">发布时间：${pub}　来源：${esc(a.source)}　<span class="fontsize">字号：<a href="javascript:setFontSize(18)">大</a> <a href="javascript:setFontSize(16)">中</a> <a href="javascript:setFontSize(14)">小</a></span></div>
<div class="body" id="zoom">
${imgHtml}${body.html}
</div>
${attachHtml}
<div class="tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
${prevNext}
</div>`;
    const html = chrome.page({
      title: `${a.title}_${SITE.name}`,
      titleHtml: body.titleHtml,
      section: c.section,
      crumbs: colCrumbs(c, false),
      main,
      head,
      footer,
    });
    addPage(a.path, {
      html,
      kind: a.kind === 'guide' ? 'guide' : 'article',
      title: a.title,
      column: c.key,
      encoding: 'utf-8',
      listed: true,
      serve: true,
      lastModified: new Date(a.day * DAY_MS + (Number(a.time.slice(0, 2)) - 8) * 3600_000 + Number(a.time.slice(3)) * 60_000).toUTCString(),
    });
  }

  // --- column list pages --------------------------------------------------------------------
  for (const c of listCols) {
    const list = byCol.get(c.key)!;
    const nPages = Math.max(1, Math.ceil(list.length / PER_PAGE));
    for (let k = 0; k < nPages; k++) {
      const items = list.slice(k * PER_PAGE, (k + 1) * PER_PAGE);
      const file = (i: number) => (i === 0 ? 'index.html' : `index_${i}.html`);
      const path = `${c.dir}${file(k)}`;
      let listHtml: string;
      if (c.layout === 'table') {
        listHtml =
          `<table class="list"><thead><tr><th scope="col">标题</th><th scope="col">文号</th><th scope="col">发布日期</th></tr></thead><tbody>` +
          items.map((a) => `<tr><td><a href="${a.listHref}">${esc(a.title)}</a></td><td>${a.docNo ?? ''}</td><td>${formatDay(a.day, c.fmt!)}</td></tr>`).join('\n') +
          `</tbody></table>`;
      } else {
        listHtml = `<ul class="list">\n${items.map((a) => itemLi(a, a.listHref, c.fmt!)).join('\n')}\n</ul>`;
      }
      let pager = '';
      if (nPages > 1) {
        const parts: string[] = [`<span>共${list.length}条　第${k + 1}/${nPages}页</span>`];
        if (k > 0) parts.push(`<a href="${file(0)}">首页</a>`, `<a href="${file(k - 1)}">上一页</a>`);
        // a window around the current page, plus every tenth page (as many CMS page bars do)
        for (let i = 0; i < nPages; i++) {
          const inWindow = i >= k - 3 && i <= k + 3;
          if (!inWindow && (i + 1) % 10 !== 0) continue;
          parts.push(i === k ? `<span aria-current="page">${i + 1}</span>` : `<a href="${file(i)}">${i + 1}</a>`);
        }
        if (k < nPages - 1) parts.push(`<a href="${file(k + 1)}">下一页</a>`, `<a href="${file(nPages - 1)}">尾页</a>`);
        pager = `<div class="pages">${parts.join(' ')}</div>`;
      }
      const anchor = c.key === 'zcjd' && k === 0 ? ' id="top-anchor-that-exists"' : '';
      const main = `${colSidebar(c)}
<div class="content-box"${anchor}>
<h1 class="col-title">${esc(c.name)}</h1>
${listHtml}
${pager}
</div>`;
      addPage(path, {
        html: chrome.page({ title: `${c.name}_${SITE.name}`, section: c.section, crumbs: colCrumbs(c), main, footer: footerFor(path) }),
        kind: k === 0 ? 'column' : 'list',
        title: c.name,
        column: c.key,
        encoding: 'utf-8',
        listed: true,
        serve: true,
      });
    }
  }

  // --- messages (领导信箱) ---------------------------------------------------------------------
  const messages = buildMessages();

  // --- homepage, hubs, single pages, specials ---------------------------------------------------
  const top = (k: string, n: number) => byCol.get(k)!.slice(0, n);
  const block = (k: string, n: number, fmt: DateFormat = 'dash', title?: string) => {
    const c = col(k);
    return `<section class="block"><h2>${esc(title ?? c.name)}<a href="${c.dir}index.html">更多${esc(c.name)}</a></h2>
<ul class="list">
${top(k, n).map((a) => itemLi(a, a.path, fmt)).join('\n')}
</ul></section>`;
  };
  const quick = (items: [string, string][]) => `<ul class="quick">${items.map(([t, h]) => `<li><a href="${h}">${esc(t)}</a></li>`).join('')}</ul>`;
  const webForm = byCol.get('ndbg')!.find((a) => a.kind === 'report' && a.title.includes('年度报表'))!;
  const calendarPath = `/calendar.html?month=${isoDay(today).slice(0, 7)}`;

  const homeMain = `<div class="content-box">
<h1 class="sr-only">${SITE.name}门户网站</h1>
<p class="banner"><img src="/images/banner.png" alt="建设海洋强省　共护碧海蓝天" width="1180" height="200"></p>
<div class="blocks">
${block('gzdt', 7, 'dash', '要闻动态')}
${block('tzgg', 6)}
${block('zcwj', 5)}
${block('zcjd', 5)}
${block('bmdt', 5)}
${block('rsxx', 4)}
</div>
<section><h2>政府信息公开</h2>
${quick([
  ['政府信息公开指南', '/zwgk/xxgkzn/index.html'],
  ['政府信息公开目录', '/zwgk/xxgkml/index.html'],
  ['政府信息公开年报', '/zwgk/ndbg/index.html'],
  ['机构职能', '/zwgk/jgzn/index.html'],
  ['领导信息', '/zwgk/ldxx/index.html'],
  ['财政预决算', '/zwgk/czyjs/index.html'],
  ['权责清单', '/zwgk/qzqd/index.html'],
  ['双随机一公开', '/zwgk/ssjygk/index.html'],
  ['建议提案办理', '/zwgk/jytabl/index.html'],
  ['规划计划', '/zwgk/ghjh/index.html'],
])}</section>
<section><h2>办事服务</h2>
${quick([
  ['办事指南', '/bsfw/bszn/index.html'],
  ['示例省网上办事大厅', `${external}/links/zwfw.html`],
])}</section>
<section><h2>互动交流</h2>
${quick([
  ['领导信箱', '/hdjl/ldxx/index.html'],
  ['在线咨询', '/hdjl/zxzx/index.html'],
  ['活动日历', calendarPath],
])}</section>
<section><h2>网站服务</h2>
${quick([
  ['政府网站工作年度报表', webForm.path],
  ['网站声明', '/js-footer.html'],
  ['历史信息（旧版网站）', '/legacy/index.html'],
  ['网站地图', '/sitemap.html'],
])}</section>
<section><h2>友情链接</h2>
${quick([
  ['中国政府网', `${external}/links/gov.html`],
  ['示例省人民政府', `${external}/links/province.html`],
  ['农业农村部', `${external}/links/moa.html`],
  ['自然资源部', `${external}/links/mnr.html`],
])}</section>
</div>`;
  addPage('/', {
    html: chrome.page({ title: SITE.name, section: 'home', main: homeMain, head: `<meta name="description" content="${SITE.name}门户网站">\n` }),
    kind: 'home',
    title: SITE.name,
    encoding: 'utf-8',
    listed: true,
    serve: true,
  });

  // hubs
  addPage('/xwdt/index.html', {
    html: chrome.page({
      title: `新闻动态_${SITE.name}`,
      section: 'xwdt',
      crumbs: [['新闻动态']],
      main: `${sidebar('新闻动态', sectionCols('xwdt'))}
<div class="content-box"><h1 class="col-title">新闻动态</h1><div class="blocks">
${block('gzdt', 8)}
${block('bmdt', 8)}
${block('tzgg', 8)}
</div></div>`,
    }),
    kind: 'hub',
    title: '新闻动态',
    encoding: 'utf-8',
    listed: true,
    serve: true,
  });

  addPage('/zwgk/index.html', {
    html: chrome.page({
      title: `政府信息公开_${SITE.name}`,
      section: 'zwgk',
      crumbs: [['政府信息公开']],
      footer: 'split',
      main: `${sidebar('政府信息公开', sectionCols('zwgk'))}
<div class="content-box"><h1 class="col-title">政府信息公开</h1>
${quick([
  ['政府信息公开指南', '/zwgk/xxgkzn/index.html'],
  ['政府信息公开目录', '/zwgk/xxgkml/index.html'],
  ['政府信息公开年报', '/zwgk/ndbg/index.html'],
])}
<div class="blocks">
${block('zcwj', 5)}
${block('zcjd', 5)}
${block('rsxx', 5)}
${block('czyjs', 5)}
</div></div>`,
    }),
    kind: 'hub',
    title: '政府信息公开',
    encoding: 'utf-8',
    listed: true,
    serve: true,
  });

  addPage('/zwgk/ssjygk/index.html', {
    html: chrome.page({
      title: `双随机一公开_${SITE.name}`,
      section: 'zwgk',
      crumbs: colCrumbs(col('ssjygk')),
      footer: 'split',
      main: `${sidebar('双随机一公开', [
        ['抽查计划', '/zwgk/ssjygk/ccjh/index.html'],
        ['抽查结果', '/zwgk/ssjygk/ccjg/index.html'],
      ])}
<div class="content-box"><h1 class="col-title">双随机一公开</h1>
<p>根据国务院关于推广随机抽查规范事中事后监管的有关要求，我局在海洋与渔业执法检查中全面推行“双随机、一公开”监管。</p>
<div class="blocks">${block('ccjh', 5)}
<section class="block"><h2>抽查结果<a href="/zwgk/ssjygk/ccjg/index.html">更多抽查结果</a></h2><ul class="list"></ul></section></div>
</div>`,
    }),
    kind: 'hub',
    title: '双随机一公开',
    column: 'ssjygk',
    encoding: 'utf-8',
    listed: true,
    serve: true,
  });

  const xxgkmlItems: [string, string][] = [
    ['机构职能', '/zwgk/jgzn/index.html'],
    ['领导信息', '/zwgk/ldxx/index.html'],
    ['政策文件', '/zwgk/zcwj/index.html'],
    ['政策解读', '/zwgk/zcjd/index.html'],
    ['规划计划', '/zwgk/ghjh/index.html'],
    ['财政预决算', '/zwgk/czyjs/index.html'],
    ['人事信息', '/zwgk/rsxx/index.html'],
    ['权责清单', '/zwgk/qzqd/index.html'],
    ['双随机一公开', '/zwgk/ssjygk/index.html'],
    ['建议提案办理', '/zwgk/jytabl/index.html'],
    ['政府信息公开年报', '/zwgk/ndbg/index.html'],
  ];
  addPage('/zwgk/xxgkml/index.html', {
    html: chrome.page({
      title: `政府信息公开目录_${SITE.name}`,
      section: 'zwgk',
      crumbs: colCrumbs(col('xxgkml')),
      footer: 'split',
      main: `${colSidebar(col('xxgkml'))}
<div class="content-box"><h1 class="col-title">政府信息公开目录</h1>
<table class="list"><thead><tr><th scope="col">类别</th><th scope="col">说明</th></tr></thead><tbody>
${xxgkmlItems.map(([t, h]) => `<tr><td><a href="${h}">${t}</a></td><td>主动公开的${t}信息</td></tr>`).join('\n')}
</tbody></table></div>`,
    }),
    kind: 'hub',
    title: '政府信息公开目录',
    column: 'xxgkml',
    encoding: 'utf-8',
    listed: true,
    serve: true,
  });

  const contentPage = (c: ColDef, inner: string) =>
    chrome.page({
      title: `${c.name}_${SITE.name}`,
      section: c.section,
      crumbs: colCrumbs(c),
      footer: footerFor(c.dir),
      main: `${colSidebar(c)}
<div class="content-box article"><h1>${esc(c.name)}</h1>
<div class="body" id="zoom">
${inner}
</div></div>`,
    });

  addPage('/zwgk/xxgkzn/index.html', {
    html: contentPage(
      col('xxgkzn'),
      `<p>为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。</p>
<h2>一、主动公开</h2><p>主动公开的政府信息通过本网站“政府信息公开”专栏发布，一般自信息形成或者变更之日起20个工作日内予以公开。</p>
<h2>二、依申请公开</h2><p>公民、法人或者其他组织可以向我局申请获取相关政府信息。受理机构：${SITE.name}办公室；地址：${SITE.address}；联系电话：${SITE.phone}；受理时间：工作日上午8:30—12:00，下午14:30—17:30。</p>
<h2>三、监督方式</h2><p>公民、法人或者其他组织认为我局在政府信息公开工作中侵犯其合法权益的，可以向示例省人民政府办公厅投诉、举报，也可以依法申请行政复议或者提起行政诉讼。</p>`,
    ),
    kind: 'content',
    title: '政府信息公开指南',
    column: 'xxgkzn',
    encoding: 'utf-8',
    listed: true,
    serve: true,
  });

  addPage('/zwgk/jgzn/index.html', {
    html: contentPage(
      col('jgzn'),
      `<h2>主要职责</h2>
<p>贯彻执行国家和省有关海洋与渔业工作的方针政策和法律法规，拟订全省海洋与渔业发展战略、规划和计划并组织实施。</p>
<p>负责全省海域使用、海岛保护利用的监督管理，组织开展海洋生态保护修复。</p>
<p>负责全省渔业行业管理，组织实施渔业捕捞许可、渔船渔港和渔业安全生产监督管理。</p>
<h2>机构沿革</h2>
<p>2018年，根据《示例省机构改革方案》，原示例省海洋与渔业厅的海洋管理和渔业管理职责整合，组建${SITE.name}，作为省政府直属机构。</p>
<h2>内设机构</h2>
<ul>${DIVISIONS.map((d) => `<li>${d}</li>`).join('')}</ul>
<h2>联系方式</h2><p>地址：${SITE.address}　邮编：${SITE.postcode}　办公电话：${SITE.phone}　电子邮箱：<a href="mailto:${SITE.email}">${SITE.email}</a></p>`,
    ),
    kind: 'content',
    title: '机构职能',
    column: 'jgzn',
    encoding: 'utf-8',
    listed: true,
    serve: true,
  });

  addPage('/zwgk/ldxx/index.html', {
    html: contentPage(
      col('ldxx'),
      LEADERS.map(
        (l) =>
          `<div class="leader"><p><img src="/images/leader.png" alt="${l.name}同志照片" width="90" height="120"></p><h2>${l.name}　${l.title}</h2><p>${l.duty}</p></div>`,
      ).join('\n'),
    ),
    kind: 'content',
    title: '领导信息',
    column: 'ldxx',
    encoding: 'utf-8',
    listed: true,
    serve: true,
  });

  // 办事服务 hub
  const guides = byCol.get('bszn')!;
  addPage('/bsfw/index.html', {
    html: chrome.page({
      title: `办事服务_${SITE.name}`,
      section: 'bsfw',
      crumbs: [['办事服务']],
      main: `${sidebar('办事服务', sectionCols('bsfw'))}
<div class="content-box"><h1 class="col-title">办事服务</h1>
<p>本局政务服务事项已全部进驻示例省网上办事大厅，可<a href="${external}/links/zwfw.html">在线办理</a>。</p>
<ul class="list">
${guides.map((a) => itemLi(a, a.path, 'dash')).join('\n')}
</ul></div>`,
    }),
    kind: 'hub',
    title: '办事服务',
    encoding: 'utf-8',
    listed: true,
    serve: true,
  });

  // 互动交流 hub, 领导信箱, 在线咨询
  addPage('/hdjl/index.html', {
    html: chrome.page({
      title: `互动交流_${SITE.name}`,
      section: 'hdjl',
      crumbs: [['互动交流']],
      main: `${sidebar('互动交流', sectionCols('hdjl'))}
<div class="content-box"><h1 class="col-title">领导信箱</h1>
<ul class="list">
${messages.entries
  .slice(0, 5)
  .map((m) => `<li><a href="/hdjl/ldxx/index.html#${m.id}">${esc(m.title)}</a><span>${m.askedDate}</span></li>`)
  .join('\n')}
</ul>
<p><a href="/hdjl/zxzx/index.html">我要咨询</a>　<a href="/hdjl/ldxx/index.html">查看全部留言</a></p>
<p>联系电话：${SITE.phone}　电子邮箱：<a href="mailto:${SITE.email}">${SITE.email}</a></p>
</div>`,
    }),
    kind: 'hub',
    title: '互动交流',
    encoding: 'utf-8',
    listed: true,
    serve: true,
  });
  addPage('/hdjl/ldxx/index.html', {
    html: chrome.page({
      title: `领导信箱_${SITE.name}`,
      section: 'hdjl',
      crumbs: colCrumbs(col('ldxx_mail')),
      main: `${colSidebar(col('ldxx_mail'))}
<div class="content-box"><h1 class="col-title">领导信箱</h1>
<p><a href="/hdjl/zxzx/index.html">我要写信</a></p>
${messages.html}
</div>`,
    }),
    kind: 'content',
    title: '领导信箱',
    column: 'ldxx_mail',
    encoding: 'utf-8',
    listed: true,
    serve: true,
  });
  addPage('/hdjl/zxzx/index.html', {
    html: chrome.page({
      title: `在线咨询_${SITE.name}`,
      section: 'hdjl',
      crumbs: colCrumbs(col('zxzx')),
      main: `${colSidebar(col('zxzx'))}
<div class="content-box"><h1 class="col-title">在线咨询</h1>
<p>请如实填写以下信息，我们将在5个工作日内答复。信访事项请通过信访渠道反映。</p>
<form class="zx" action="/hdjl/zxzx/submit" method="post">
<div><label for="zx-name">姓名</label><input id="zx-name" name="name" type="text"></div>
<div><label for="zx-phone">联系电话</label><input id="zx-phone" name="phone" type="tel"></div>
<div><label for="zx-title">标题</label><input id="zx-title" name="title" type="text"></div>
<div><label for="zx-content">咨询内容</label><textarea id="zx-content" name="content" rows="6" cols="60"></textarea></div>
<div><span class="yzm-text">验证码</span><input name="yzm" type="text" size="6"> <img src="/images/captcha.gif" alt="验证码图片" width="60" height="24"></div>
<div><button type="submit">提交</button></div>
</form></div>`,
    }),
    kind: 'content',
    title: '在线咨询',
    column: 'zxzx',
    encoding: 'utf-8',
    listed: true,
    serve: true,
  });

  // 专题专栏 hub, with a pop-up overlay on load and a floating ad layer (适老化 plants)
  const latest = byCol.get('gzdt')!.slice(0, 3);
  addPage('/ztzl/index.html', {
    html: chrome.page({
      title: `专题专栏_${SITE.name}`,
      section: 'ztzl',
      crumbs: [['专题专栏']],
      main: `<div class="content-box"><h1 class="col-title">专题专栏</h1>
<ul class="list">
<li><a href="/xwdt/gzdt/index.html">海洋生态保护修复专题</a><span>${isoDay(today - 30)}</span></li>
<li><a href="/zwgk/zcjd/index.html">渔业政策解读专题</a><span>${isoDay(today - 45)}</span></li>
${latest.map((a) => itemLi(a, a.path, 'dash')).join('\n')}
</ul></div>`,
      bodyEnd: `<div id="popup-mask" class="popup-mask" style="display:none;position:fixed;left:0;top:0;width:100%;height:100%;background:rgba(0,0,0,0.5);z-index:9999">
<div class="popup-box" role="dialog" aria-label="专题通知" style="width:480px;margin:120px auto;background:#fff;color:#333;padding:20px">
<p>欢迎访问“全国海洋宣传日”专题！</p><button type="button" onclick="document.getElementById('popup-mask').style.display='none'">关闭</button></div></div>
<div id="float-ad" class="float-ad" style="position:fixed;right:10px;top:200px;width:120px;z-index:999;background:#fff">
<a href="/xwdt/gzdt/index.html"><img src="/images/float-ad.gif" alt="海洋宣传月活动" width="120" height="90"></a>
<button type="button" onclick="this.parentNode.style.display='none'">关闭</button></div>
<script>
window.addEventListener('load', function () { document.getElementById('popup-mask').style.display = 'block'; });
(function () { var ad = document.getElementById('float-ad'), y = 200, d = 1;
  setInterval(function () { y += d; if (y > 400 || y < 100) d = -d; ad.style.top = y + 'px'; }, 50); })();
</script>
`,
    }),
    kind: 'hub',
    title: '专题专栏',
    encoding: 'utf-8',
    listed: true,
    serve: true,
  });
  plants.push(
    {
      id: 'a11y-label',
      kind: 'a11y',
      area: 'accessibility',
      path: '/hdjl/zxzx/index.html',
      axeRule: 'label',
      detail: '表单输入框（验证码）没有关联的标签',
      evidence: '<input name="yzm" type="text" size="6">',
    },
    {
      id: 'popup-on-load',
      kind: 'popup',
      area: 'age-friendly',
      path: '/ztzl/index.html',
      detail: '页面加载后弹出遮罩层窗口（适老化要求不得有弹窗）',
      evidence: 'id="popup-mask"',
    },
    {
      id: 'floating-ad',
      kind: 'floating-ad',
      area: 'age-friendly',
      path: '/ztzl/index.html',
      detail: '页面存在漂浮广告层（适老化要求不得有广告）',
      evidence: 'id="float-ad"',
    },
  );

  // orphan: an archived special topic nobody links to (only in sitemap.xml)
  addPage('/ztzl/2019/index.html', {
    html: chrome.page({
      title: `2019年全国海洋宣传日专题（已归档）_${SITE.name}`,
      section: 'ztzl',
      crumbs: [['专题专栏', '/ztzl/index.html'], ['2019年全国海洋宣传日专题']],
      main: `<div class="content-box article"><h1>2019年全国海洋宣传日专题（已归档）</h1>
<div class="body"><p>本专题已归档，内容仅供查阅。</p></div></div>`,
    }),
    kind: 'orphan',
    title: '2019年全国海洋宣传日专题（已归档）',
    encoding: 'utf-8',
    listed: true,
    serve: true,
  });
  plants.push({
    id: 'orphan-page',
    kind: 'orphan-page',
    area: 'crawl',
    path: '/ztzl/2019/index.html',
    detail: '孤立页面：没有任何页面链接到它，仅在 sitemap.xml 中列出',
  });

  // JS-only 网站标识码
  addPage('/js-footer.html', {
    html: chrome.page({
      title: `网站声明_${SITE.name}`,
      section: null,
      crumbs: [['网站声明']],
      footer: 'js',
      main: `<div class="content-box article"><h1>网站声明</h1>
<div class="body">
<p>本网站由${SITE.name}主办，所载内容版权归${SITE.name}所有。未经许可，任何单位和个人不得转载、摘编或以其他方式使用。</p>
<p>本网站尊重并保护用户隐私，不会在未经用户同意的情况下公开、编辑或透露用户的个人信息。</p>
</div></div>`,
    }),
    kind: 'special',
    title: '网站声明',
    encoding: 'utf-8',
    listed: true,
    serve: true,
  });
  plants.push(
    {
      id: 'identity-js-only',
      kind: 'identity-js-only',
      area: 'identity',
      path: '/js-footer.html',
      detail: '网站标识码仅由 JavaScript 写入，静态 HTML 中不可见；渲染后的 DOM 中为“网站标识码：3500000025”',
      evidence: `'35000' + '00025'`,
    },
    {
      id: 'identity-split',
      kind: 'identity-split',
      area: 'identity',
      path: '/zwgk/index.html',
      detail: '页面底部的网站标识码、ICP备案号、公安备案号被拆分在多个标签中，按文本拼接后完整',
      nearMiss: true,
      evidence: '网站标识码：<span>3500</span><span>000025</span>',
    },
    {
      id: 'identity-plain',
      kind: 'identity-plain',
      area: 'identity',
      path: '/',
      detail: '首页底部功能区标识齐全（党政机关标识、网站标识码、ICP备案、公安备案、主办单位、联系方式、我为政府网站找错）',
      nearMiss: true,
      evidence: `网站标识码：${SITE.siteCode}`,
    },
  );

  // legacy GBK section
  buildLegacy();

  // private page (robots-disallowed)
  addPage('/private/secret.html', {
    html: chrome.page({
      title: `内部资料_${SITE.name}`,
      section: null,
      crumbs: [['内部资料']],
      main: `<div class="content-box article"><h1>内部资料（请勿公开）</h1><div class="body"><p>本页面为内部工作资料，不对外公开。</p></div></div>`,
      head: '<meta name="robots" content="noindex, nofollow">\n',
    }),
    kind: 'special',
    title: '内部资料',
    encoding: 'utf-8',
    listed: false,
    serve: true,
  });

  // calendar (dynamic; the entry month is a listed page)
  addPage(calendarPath, {
    html: renderCalendar(isoDay(today).slice(0, 7))!,
    kind: 'calendar',
    title: '活动日历',
    encoding: 'utf-8',
    listed: true,
    serve: false,
  });

  // sitemap.html
  {
    const groups: string[] = [];
    for (const s of ['xwdt', 'zwgk', 'bsfw', 'hdjl'] as SectionKey[]) {
      const items: string[] = [];
      for (const c of cols.filter((x) => x.section === s)) items.push(`<li><a href="${c.dir}index.html">${esc(c.name)}</a></li>`);
      groups.push(`<section><h2><a href="${SECTION_HREF[s]}">${SECTION_NAMES[s]}</a></h2><ul>${items.join('')}</ul></section>`);
    }
    groups.push(`<section><h2><a href="/ztzl/index.html">专题专栏</a></h2><ul><li><a href="/legacy/index.html">历史信息（旧版网站）</a></li><li><a href="/js-footer.html">网站声明</a></li></ul></section>`);
    addPage('/sitemap.html', {
      html: chrome.page({
        title: `网站地图_${SITE.name}`,
        section: null,
        crumbs: [['网站地图']],
        main: `<div class="content-box"><h1>网站地图</h1>\n${groups.join('\n')}\n</div>`,
      }),
      kind: 'special',
      title: '网站地图',
      encoding: 'utf-8',
      listed: true,
      serve: true,
    });
  }

  // --- redirects ------------------------------------------------------------------------------
  const redirects = [
    { from: '/old/a.html', status: 301, to: '/old/b.html' },
    { from: '/old/b.html', status: 302, to: '/old/c.html' },
    { from: '/old/c.html', status: 301, to: '/zwgk/zcjd/index.html' },
    { from: '/loop/a.html', status: 302, to: '/loop/b.html' },
    { from: '/loop/b.html', status: 302, to: '/loop/a.html' },
  ];
  for (const r of redirects) {
    const body = Buffer.from(
      `<html><head><title>${r.status} ${r.status === 301 ? 'Moved Permanently' : 'Found'}</title></head><body><h1>${r.status === 301 ? '301 Moved Permanently' : '302 Found'}</h1><hr><center>nginx</center></body></html>\n`,
    );
    resources.set(r.from, { status: r.status, headers: { location: r.to, 'content-type': 'text/html', 'content-length': String(body.length) }, body });
  }

  resources.set('/index.html', resources.get('/')!);

  // --- the homepage as a hacked server shows it to search engines only --------------------------
  // Crawlers (Baiduspider …) get a gambling title and hidden gambling links; visitors coming from a
  // search engine are sent to the gambling site; everyone else sees the real page. The hosts are
  // under .example and the redirect is never followed by the audit (a foreign host).
  const cloakHost = 'http://www.xpj-vip.example/';
  const home = resources.get('/')!;
  const spiderHtml = home.body
    .toString('utf8')
    .replace(/<title>[^<]*<\/title>/, `<title>澳门新葡京_百家乐_真人娱乐-${SITE.name}</title>`)
    .replace('</body>', `<div style="display:none"><a href="${cloakHost}">澳门新葡京</a><a href="http://www.bjl-vip.example/">百家乐</a></div></body>`);
  const spiderBody = Buffer.from(spiderHtml);
  const cloaked = { spiderHome: { ...home, headers: { ...home.headers, 'content-length': String(spiderBody.length) }, body: spiderBody }, searchRedirect: `${cloakHost}?from=baidu` };
  plants.push(
    { id: 'spider-cloaking', kind: 'spider-cloaking', area: 'integrity', path: '/', detail: '首页只对搜索引擎爬虫（Baiduspider）显示赌博网站标题和隐藏的赌博链接，直接访问的人看不到（服务器被篡改）' },
    { id: 'search-redirect', kind: 'spider-cloaking', area: 'integrity', path: '/', detail: '从百度搜索结果进入首页的访客被 302 跳转到赌博网站' },
  );

  // --- link graph and depths ------------------------------------------------------------------
  const redirectTo = new Map(redirects.map((r) => [r.from, r.to]));
  const finalOf = (p: string): string | null => {
    const seen = new Set<string>();
    while (redirectTo.has(p)) {
      if (seen.has(p)) return null;
      seen.add(p);
      p = redirectTo.get(p)!;
    }
    return p;
  };
  const listedPaths = new Set([...pages].filter(([, p]) => p.listed).map(([k]) => k));
  const depth = new Map<string, number>([['/', 1]]);
  const queue: string[] = ['/'];
  for (let qi = 0; qi < queue.length; qi++) {
    const from = queue[qi];
    const d = depth.get(from)!;
    for (const target of pages.get(from)!.links!) {
      const to = finalOf(target);
      if (to === null || !listedPaths.has(to) || depth.has(to)) continue;
      depth.set(to, d + 1);
      queue.push(to);
    }
  }
  const pageEntries: PageEntry[] = [];
  for (const [path, p] of pages) {
    if (!p.listed) continue;
    const e: PageEntry = { path, depth: depth.get(path) ?? null, kind: p.kind, title: p.title, encoding: p.encoding };
    if (p.column) e.column = p.column;
    pageEntries.push(e);
  }
  pageEntries.sort((a, b) => (a.depth ?? 1e9) - (b.depth ?? 1e9) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  // --- robots.txt, sitemap.xml ----------------------------------------------------------------
  resources.set('/robots.txt', {
    ...text('text/plain; charset=utf-8', `# robots.txt for ${SITE.host}\nUser-agent: *\nDisallow: /private/\n\nSitemap: ${ORIGIN_PLACEHOLDER}/sitemap.xml\n`),
    templated: true,
  });
  {
    const urls: string[] = [];
    const lastmod = new Map(allArticles.map((a) => [a.path, isoDay(a.day)]));
    for (const e of pageEntries) {
      if (e.kind === 'list' || e.kind === 'calendar') continue;
      const lm = lastmod.get(e.path);
      urls.push(`<url><loc>${ORIGIN_PLACEHOLDER}${e.path}</loc>${lm ? `<lastmod>${lm}</lastmod>` : ''}</url>`);
    }
    resources.set('/sitemap.xml', {
      ...text(
        'application/xml; charset=utf-8',
        `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`,
      ),
      templated: true,
    });
  }

  // --- manifest -------------------------------------------------------------------------------
  const columns: ColumnEntry[] = cols.map((c) => {
    const list = byCol.get(c.key);
    const isList = c.layout === 'list' || c.layout === 'table';
    const newest = list && list.length ? list[0].day : null;
    const period = isList ? PERIOD[c.kind] : null;
    const age = newest === null ? null : today - newest;
    const e: ColumnEntry = {
      key: c.key,
      name: c.name,
      path: `${c.dir}index.html`,
      section: c.section,
      kind: c.kind,
      layout: c.layout,
      itemCount: list ? list.length : 0,
      listPages: isList ? Math.max(1, Math.ceil((list?.length ?? 0) / PER_PAGE)) : 1,
      newestDate: newest === null ? null : isoDay(newest),
      newestAgeDays: age,
      periodDays: period,
      stale: period !== null && age !== null && age > period,
      blank: isList && (list?.length ?? 0) === 0,
    };
    if (c.parent) e.parent = c.parent;
    if (c.fmt) e.dateFormat = c.fmt;
    return e;
  });
  for (const c of columns) {
    if (c.stale) {
      plants.push({
        id: `stale-column-${c.key}`,
        kind: 'stale-column',
        area: 'columns',
        path: c.path,
        column: c.key,
        ageDays: c.newestAgeDays!,
        periodDays: c.periodDays!,
        detail: `栏目“${c.name}”最新信息发布于 ${c.newestDate}（${c.newestAgeDays} 天前），超过更新周期 ${c.periodDays} 天，属于栏目不更新`,
      });
    }
  }
  for (const k of ['zcwj', 'ghjh']) {
    const c = columns.find((x) => x.key === k)!;
    plants.push({
      id: `fresh-column-${k}`,
      kind: 'fresh-column',
      area: 'columns',
      path: c.path,
      column: k,
      nearMiss: true,
      ageDays: c.newestAgeDays!,
      periodDays: c.periodDays!,
      detail: `栏目“${c.name}”最新信息 ${c.newestAgeDays} 天前，未超过更新周期 ${c.periodDays} 天，不应判为不更新`,
    });
  }
  {
    const c = columns.find((x) => x.key === 'ccjg')!;
    plants.push({
      id: 'blank-column-ccjg',
      kind: 'blank-column',
      area: 'columns',
      path: c.path,
      column: 'ccjg',
      detail: '栏目“双随机一公开—抽查结果”有列表容器但没有任何信息，属于空白栏目',
      evidence: '<ul class="list">\n\n</ul>',
    });
  }

  const guideEntries: GuideEntry[] = guides.map((a, i) => {
    const g = guideRt[i];
    return { path: a.path, title: a.title, present: g.present, missing: g.missing, grade: g.grade };
  });
  guideEntries.forEach((g, i) => {
    if (g.grade === 'complete') return;
    plants.push({
      id: `guide-${g.grade}-${i + 1}`,
      kind: g.grade === 'severe' ? 'guide-severe' : 'guide-minor',
      area: 'service-guides',
      path: g.path,
      detail: `办事指南“${g.title}”缺少 ${g.missing.length} 类要素：${g.missing.join('、')}`,
      extra: { missing: g.missing },
    });
  });
  const firstComplete = guideEntries.find((g) => g.grade === 'complete')!;
  plants.push({
    id: 'guide-complete',
    kind: 'guide-complete',
    area: 'service-guides',
    path: firstComplete.path,
    nearMiss: true,
    detail: `办事指南“${firstComplete.title}”要素齐全`,
  });

  plants.push(...messages.plants);

  plants.push({
    id: 'calendar-trap',
    kind: 'crawler-trap',
    area: 'crawl',
    path: calendarPath,
    detail: '活动日历每个月份都链接上一月/下一月，URL 无穷无尽；爬虫必须限制而不是陷入其中',
    evidence: '?month=',
  });
  plants.push({
    id: 'robots-disallowed',
    kind: 'robots-disallowed',
    area: 'crawl',
    path: plants.find((p) => p.id === 'redirect-chain')!.path,
    target: '/private/secret.html',
    detail: '链接指向 robots.txt 禁止抓取的 /private/secret.html，爬虫不得抓取该页',
    evidence: 'href="/private/secret.html"',
  });

  const manifest: Manifest = {
    version: 1,
    seed,
    today: todayIso,
    requestedPages: requested,
    site: {
      name: SITE.name,
      oldName: SITE.oldName,
      host: SITE.host,
      siteCode: SITE.siteCode,
      icp: SITE.icp,
      police: SITE.police,
      sponsor: SITE.name,
      phone: SITE.phone,
      address: SITE.address,
    },
    external,
    brokenExternal,
    cdn,
    htmlPageCount: pageEntries.length,
    pages: pageEntries,
    depthCounts: depthCounts(pageEntries),
    maxDepth: pageEntries.reduce((m, p) => Math.max(m, p.depth ?? 0), 0),
    columns,
    guides: guideEntries,
    badGuides,
    messages: messages.entries,
    interaction: messages.summary,
    plants,
    redirects,
    robots: { disallow: ['/private/'] },
    traps: [{ path: '/calendar.html', pattern: '^/calendar\\.html\\?month=\\d{4}-\\d{2}$', detail: '活动日历：每月一个新 URL，无穷无尽' }],
    identity: {
      plainPages: pageEntries.filter((p) => pages.get(p.path)!.footer === 'plain').map((p) => p.path),
      splitPages: pageEntries.filter((p) => pages.get(p.path)!.footer === 'split').map((p) => p.path),
      jsOnlyPages: pageEntries.filter((p) => pages.get(p.path)!.footer === 'js').map((p) => p.path),
    },
    assets: { images: imageCount, attachments: attachCount },
  };

  // --- dynamic resources ----------------------------------------------------------------------
  const notFoundHtml = chrome.page({
    title: `页面不存在_${SITE.name}`,
    section: null,
    main: `<div class="content-box article"><h1>抱歉，您访问的页面不存在或已被删除</h1><div class="body"><p>请检查网址是否正确，或<a href="/">返回首页</a>。</p></div></div>`,
  });
  const notFound: Resource = { status: 404, headers: { 'content-type': 'text/html; charset=utf-8' }, body: Buffer.from(notFoundHtml) };
  notFound.headers['content-length'] = String(notFound.body.length);
  const htmlRes = (html: string, status = 200): Resource => {
    const body = Buffer.from(html, 'utf8');
    return { status, headers: { 'content-type': 'text/html; charset=utf-8', 'content-length': String(body.length) }, body };
  };
  const searchIndex = allArticles.map((a) => ({ title: a.title, path: a.path, day: a.day }));

  const dynamic = (pathAndQuery: string, method = 'GET'): Resource | undefined => {
    const qi = pathAndQuery.indexOf('?');
    const path = qi < 0 ? pathAndQuery : pathAndQuery.slice(0, qi);
    const params = new URLSearchParams(qi < 0 ? '' : pathAndQuery.slice(qi + 1));
    if (path === '/calendar.html' && (method === 'GET' || method === 'HEAD')) {
      const month = params.get('month') ?? isoDay(today).slice(0, 7);
      const html = renderCalendar(month);
      return html === null ? undefined : htmlRes(html);
    }
    if (path === '/search' && (method === 'GET' || method === 'HEAD')) {
      const q = (params.get('q') ?? '').trim();
      const hits = q ? searchIndex.filter((s) => s.title.includes(q)).slice(0, 20) : [];
      const main = `<div class="content-box"><h1>站内搜索</h1>
<p>${q ? `关键词“${esc(q)}”共找到 ${hits.length} 条结果` : '请输入搜索关键词'}</p>
<ul class="list">${hits.map((h) => `<li><a href="${h.path}">${esc(h.title)}</a><span>${isoDay(h.day)}</span></li>`).join('\n')}</ul></div>`;
      return htmlRes(chrome.page({ title: `站内搜索_${SITE.name}`, section: null, crumbs: [['站内搜索']], main }));
    }
    // An old CMS's "not found" page: any unknown address under /info/ gets 200 (a soft 404).
    if (path.startsWith('/info/') && (method === 'GET' || method === 'HEAD')) {
      const main = `<div class="content-box"><h1>页面不存在</h1><p>对不起，您访问的页面不存在或已被删除。</p><p><a href="/">返回首页</a></p></div>`;
      return htmlRes(chrome.page({ title: `页面不存在_${SITE.name}`, section: null, crumbs: [['页面不存在']], main }));
    }
    if (path === '/hdjl/zxzx/submit' && method === 'POST') {
      return htmlRes(
        chrome.page({
          title: `提交成功_${SITE.name}`,
          section: 'hdjl',
          crumbs: [['互动交流', '/hdjl/index.html'], ['在线咨询']],
          main: `<div class="content-box article"><h1>提交成功</h1><div class="body"><p>您的咨询已提交，我们将在5个工作日内答复。</p></div></div>`,
        }),
      );
    }
    return undefined;
  };

  // the HTML strings are no longer needed (the closures above would otherwise keep them alive)
  pages.clear();
  return { resources, manifest, dynamic, notFound, cloaked };

  // =============================================================================================
  // helpers that need the generator's state (function declarations are hoisted)

  function attachmentName(a: Article): string {
    const { y } = dayParts(a.day);
    if (a.col.body === 'finance') return a.title;
    if (a.col.body === 'notice') return `${a.topic}申报表`;
    return `${y}年${a.topic}相关材料`;
  }

  function genericBody(a: Article): string {
    const r = new Rng(a.seed).fork('body');
    const s = makeSlots(r, a.day, a.topic);
    switch (a.col.body) {
      case 'news':
        return paras(NEWS_SENTENCES, r, s, [3, 5], [2, 3]);
      case 'notice':
        return `<p>${esc(pick(r, NOTICE_OPENINGS))}</p>\n${paras(NOTICE_SENTENCES, r, s, [3, 5], [1, 2])}\n<p>${esc(
          fill('联系人：{division} {name}，联系电话：0591-8765{tel}。', { ...s, name: personName(r) } as Slots, r),
        )}</p>\n${signature(a.day)}`;
      case 'policy':
        return `<p>${esc(pick(r, NOTICE_OPENINGS))}</p>\n<p>${esc(`现将《${a.title.replace(/^.*《|》.*$/g, '')}》印发给你们，请认真贯彻执行。`)}</p>\n${ordered(POLICY_SENTENCES, r, s)}\n${signature(a.day)}`;
      case 'interpret':
        return ordered(INTERPRET_SENTENCES, r, s);
      case 'personnel': {
        const rows = Array.from({ length: r.int(2, 5) }, () => {
          const by = r.int(1972, 1998);
          return `<tr><td>${personName(r)}</td><td>${r.chance(0.5) ? '男' : '女'}</td><td>${by}年${pad2(r.int(1, 12))}月</td><td>${pick(r, DIVISIONS)}${pick(r, ['一级主任科员', '二级主任科员', '副处长', '科员', '专业技术岗'])}</td></tr>`;
        }).join('');
        return `${paras(PERSONNEL_SENTENCES, r, s, [2, 3], [1, 2])}\n<table class="list"><thead><tr><th scope="col">姓名</th><th scope="col">性别</th><th scope="col">出生年月</th><th scope="col">拟任职务（岗位）</th></tr></thead><tbody>${rows}</tbody></table>\n${signature(a.day)}`;
      }
      case 'plan':
        return paras(PLAN_SENTENCES, r, s, [3, 4], [1, 2]);
      case 'finance':
        return ordered(FINANCE_SENTENCES, r, s);
      case 'reply':
        return `<p>${esc(`${personName(r).slice(0, 1)}代表：`)}</p>\n<p>${esc(
          fill('您提出的关于加快推进{topic}的建议收悉。经认真研究，现答复如下：', s, r),
        )}</p>\n${paras(NEWS_SENTENCES, r, s, [2, 3], [1, 2])}\n<p>感谢您对海洋与渔业工作的关心和支持。</p>\n${signature(a.day)}`;
      default:
        return paras(GENERAL_SENTENCES, r, s, [1, 3], [1, 2]);
    }
  }

  function annualReportYears(t: number): number[] {
    const { y } = dayParts(t);
    const latest = t >= dayFromParts(y, 1, 25) ? y - 1 : y - 2;
    return [latest, latest - 1, latest - 2];
  }

  function annualReportBody(year: number, a: Article): string {
    const r = new Rng(a.seed).fork('report');
    const s = makeSlots(r, a.day);
    s.year = String(year);
    return `${ordered(ANNUAL_REPORT_SENTENCES, r, s)}
<table class="list"><thead><tr><th scope="col">信息内容</th><th scope="col">本年制发件数</th><th scope="col">本年废止件数</th><th scope="col">现行有效件数</th></tr></thead>
<tbody><tr><td>规章</td><td>0</td><td>0</td><td>0</td></tr><tr><td>行政规范性文件</td><td>${r.int(3, 12)}</td><td>${r.int(0, 3)}</td><td>${r.int(20, 60)}</td></tr></tbody></table>`;
  }

  function websiteFormBody(year: number): string {
    const r = rng.fork(`webform${year}`);
    const row = (k: string, v: string | number) => `<tr><th scope="row">${k}</th><td>${v}</td></tr>`;
    return `<table class="info"><caption>政府网站工作年度报表（${year}年度）</caption><tbody>
${row('网站名称', SITE.name)}
${row('首页网址', `http://${SITE.host}`)}
${row('主办单位', SITE.name)}
${row('网站类型', '部门网站')}
${row('政府网站标识码', SITE.siteCode)}
${row('ICP备案号', SITE.icp)}
${row('公安机关备案号', SITE.police)}
${row('独立用户访问总量（单位：个）', r.int(200000, 900000))}
${row('网站总访问量（单位：次）', r.int(2000000, 9000000))}
${row('信息发布总数（单位：条）', r.int(800, 3000))}
${row('收到留言数量（单位：条）', r.int(50, 300))}
${row('平均办理时间（单位：天）', r.int(3, 9))}
</tbody></table>`;
  }

  interface GuideRt {
    spec: (typeof GUIDES)[number];
    suffix: string;
    present: GuideCategory[];
    missing: GuideCategory[];
    grade: GuideEntry['grade'];
    phone: string;
  }

  function buildGuides(total: number, bad: number): GuideRt[] {
    const severeSets: GuideCategory[][] = [
      ['设定依据', '申请条件', '收费标准', '办理时间'],
      ['办理地点', '办理机构', '收费标准', '联系电话', '办理流程'],
      ['设定依据', '办理材料', '办理时间', '联系电话'],
      ['申请条件', '办理材料', '办理地点', '办理机构', '收费标准', '办理时间'],
      ['设定依据', '办理地点', '联系电话', '办理流程'],
    ];
    const grades: { grade: GuideEntry['grade']; missing: GuideCategory[] }[] = [
      { grade: 'complete', missing: [] },
      { grade: 'severe', missing: severeSets[0] },
      { grade: 'minor', missing: ['收费标准'] },
      { grade: 'complete', missing: [] },
    ];
    for (let i = 1; i < bad; i++) grades.push({ grade: 'severe', missing: severeSets[i % severeSets.length] });
    if (bad === 0) grades.splice(1, 1);
    const out: GuideRt[] = [];
    for (let i = 0; i < total; i++) {
      const g = grades[i];
      const spec = GUIDES[i % GUIDES.length];
      const missing = g.missing.slice();
      out.push({
        spec,
        suffix: i >= GUIDES.length ? `（${Math.floor(i / GUIDES.length) + 1}）` : '',
        missing,
        present: GUIDE_CATEGORIES.filter((c) => !missing.includes(c)),
        grade: g.grade,
        phone: `0591-8765${4300 + i * 7}`,
      });
    }
    return out;
  }

  function guideBody(g: GuideRt): string {
    const v: Record<GuideCategory, string> = {
      事项名称: g.spec.title + g.suffix,
      设定依据: g.spec.basis,
      申请条件: g.spec.conditions,
      办理材料: g.spec.materials,
      办理地点: g.spec.place,
      办理机构: g.spec.agency,
      收费标准: g.spec.fee,
      办理时间: g.spec.hours,
      联系电话: g.phone,
      办理流程: g.spec.process,
    };
    const rows = g.present.map((c) => `<tr><th scope="row">${c}</th><td>${esc(v[c])}</td></tr>`).join('\n');
    return `<table class="info bszn"><caption>${esc(g.spec.title + g.suffix)}办事指南</caption><tbody>
${rows}
</tbody></table>
<p><a href="${external}/links/zwfw.html">在线办理</a></p>`;
  }

  function buildMessages(): { html: string; entries: MessageEntry[]; summary: Manifest['interaction']; plants: Plant[] } {
    // [message spec index, asked days ago, reply days (null = unanswered)]
    const schedule: [number, number, number | null][] = [
      [7, 2, null],
      [0, 6, 1],
      [1, 13, 3],
      [2, 21, 5],
      [3, 34, 2],
      [4, 48, 7],
      [5, 63, 4],
      [6, 88, 10],
      [11, 120, null],
      [8, 152, 6],
      [9, 190, 8],
      [10, 243, 15],
    ];
    const r = rng.fork('messages');
    const entries: MessageEntry[] = [];
    const blocks: string[] = [];
    schedule.forEach(([si, ago, rd], i) => {
      const m = MESSAGES[si];
      const id = `msg-${i + 1}`;
      const asked = today - ago;
      const replied = rd === null ? null : asked + rd;
      const askedTime = `${pad2(r.int(8, 21))}:${pad2(r.int(0, 59))}`;
      const replyTime = `${pad2(r.int(9, 17))}:${pad2(r.int(0, 59))}`;
      entries.push({ id, title: m.title, askedDate: isoDay(asked), repliedDate: replied === null ? null : isoDay(replied), replyDays: rd });
      const who = `${pick(r, SURNAMES)}**`;
      blocks.push(`<dl class="msg" id="${id}">
<dt>${esc(m.title)}</dt>
<dd>留言人：${who}</dd>
<dd>留言时间：${isoDay(asked)} ${askedTime}</dd>
<dd>留言内容：${esc(m.question)}</dd>
${
  replied === null
    ? '<dd>答复：未答复</dd>'
    : `<dd>答复单位：${SITE.name}${m.division}</dd>
<dd>答复时间：${isoDay(replied)} ${replyTime}</dd>
<dd>答复内容：${esc(m.reply)}</dd>`
}
</dl>`);
    });
    const answered = entries.filter((e) => e.replyDays !== null);
    const mean = answered.reduce((s, e) => s + e.replyDays!, 0) / Math.max(1, answered.length);
    const summary = {
      path: '/hdjl/ldxx/index.html',
      total: entries.length,
      answered: answered.length,
      unanswered: entries.length - answered.length,
      meanReplyDays: Math.round(mean * 100) / 100,
      maxReplyDays: answered.reduce((m, e) => Math.max(m, e.replyDays!), 0),
      unansweredOver90: entries.filter((e) => e.replyDays === null && today - parseIsoDay(e.askedDate) > 90).length,
    };
    const old = entries.find((e) => e.replyDays === null && today - parseIsoDay(e.askedDate) > 90)!;
    const recent = entries.find((e) => e.replyDays === null && today - parseIsoDay(e.askedDate) <= 90)!;
    const fast = entries.find((e) => e.replyDays === 1)!;
    const mplants: Plant[] = [
      {
        id: 'message-unanswered-120d',
        kind: 'message-unanswered',
        area: 'interaction',
        path: summary.path,
        detail: `留言“${old.title}”于 ${old.askedDate} 提交，${today - parseIsoDay(old.askedDate)} 天未答复（超过3个月，互动回应差）`,
        evidence: `id="${old.id}"`,
        extra: { messageId: old.id, askedDate: old.askedDate },
      },
      {
        id: 'message-pending-recent',
        kind: 'message-pending',
        area: 'interaction',
        path: summary.path,
        nearMiss: true,
        detail: `留言“${recent.title}”${today - parseIsoDay(recent.askedDate)} 天前提交，尚在办理期限内`,
        evidence: `id="${recent.id}"`,
        extra: { messageId: recent.id },
      },
      {
        id: 'message-fast-reply',
        kind: 'message-answered',
        area: 'interaction',
        path: summary.path,
        nearMiss: true,
        detail: `留言“${fast.title}”1 天内答复`,
        evidence: `id="${fast.id}"`,
        extra: { messageId: fast.id },
      },
    ];
    return { html: blocks.join('\n'), entries, summary, plants: mplants };
  }

  function renderCalendar(month: string): string | null {
    const m = /^(\d{4})-(\d{2})$/.exec(month);
    if (!m) return null;
    const y = Number(m[1]);
    const mo = Number(m[2]);
    if (y < 1000 || mo < 1 || mo > 12) return null;
    const first = dayFromParts(y, mo, 1);
    const nextFirst = mo === 12 ? dayFromParts(y + 1, 1, 1) : dayFromParts(y, mo + 1, 1);
    const prev = mo === 1 ? `${y - 1}-12` : `${y}-${pad2(mo - 1)}`;
    const next = mo === 12 ? `${y + 1}-01` : `${y}-${pad2(mo + 1)}`;
    const dow = (first + 4) % 7; // 1970-01-01 was a Thursday
    const cells: string[] = [];
    for (let i = 0; i < dow; i++) cells.push('<td></td>');
    for (let d = first; d < nextFirst; d++) cells.push(`<td>${dayParts(d).d}</td>`);
    while (cells.length % 7) cells.push('<td></td>');
    const rows: string[] = [];
    for (let i = 0; i < cells.length; i += 7) rows.push(`<tr>${cells.slice(i, i + 7).join('')}</tr>`);
    const main = `<div class="content-box"><h1>活动日历（${y}年${mo}月）</h1>
<p><a href="?month=${prev}">上一月</a>　<a href="/calendar.html?month=${next}">下一月</a></p>
<table class="list"><thead><tr>${['日', '一', '二', '三', '四', '五', '六'].map((w) => `<th scope="col">${w}</th>`).join('')}</tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>`;
    return chrome.page({ title: `活动日历_${SITE.name}`, section: 'hdjl', crumbs: [['互动交流', '/hdjl/index.html'], ['活动日历']], main });
  }

  function buildLegacy(): void {
    const legacyPage = (title: string, inner: string, head: string) => `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html lang="zh-CN">
<head>
${head}<title>${title}－${SITE.name}（旧版）</title>
</head>
<body bgcolor="#FFFFFF">
<table width="980" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td bgcolor="#0B5394"><font color="#FFFFFF" size="5"><b>${SITE.name}</b></font></td></tr>
<tr><td><a href="/">返回新版首页</a> | <a href="/legacy/index.html">历史信息首页</a> | <a href="/legacy/notice1.html">渔业通告</a> | <a href="/legacy/notice2.html">海洋公报</a></td></tr>
<tr><td>
${inner}
</td></tr>
<tr><td align="center"><hr>
主办单位：${SITE.name}　地址：${SITE.address}<br>
联系电话：${SITE.phone}　网站标识码：${SITE.siteCode}　${SITE.icp}　${SITE.police}
</td></tr>
</table>
</body>
</html>
`;
    const defs: { path: string; title: string; decl: 'header' | 'meta' | 'none'; inner: string }[] = [
      {
        path: '/legacy/index.html',
        title: '历史信息',
        decl: 'header',
        inner: `<h1>历史信息</h1>
<p>本栏目保存本局网站改版前发布的部分历史信息，仅供查阅。</p>
<ul><li><a href="/legacy/notice1.html">关于实施海洋伏季休渔制度的通告</a>（2017年04月20日）</li>
<li><a href="/legacy/notice2.html">示例省海洋环境状况公报</a>（2017年06月05日）</li></ul>`,
      },
      {
        path: '/legacy/notice1.html',
        title: '关于实施海洋伏季休渔制度的通告',
        decl: 'meta',
        inner: `<h1>关于实施海洋伏季休渔制度的通告</h1>
<p>为保护海洋渔业资源，促进渔业可持续发展，根据《中华人民共和国渔业法》有关规定，现将本省海域伏季休渔有关事项通告如下：</p>
<p>一、休渔时间：每年5月1日12时至8月16日12时。</p>
<p>二、休渔作业类型：除钓具外的所有作业类型。</p>
<p>三、违反本通告规定的，由渔业行政主管部门依法从重处罚。</p>`,
      },
      {
        path: '/legacy/notice2.html',
        title: '示例省海洋环境状况公报',
        decl: 'none',
        inner: `<h1>示例省海洋环境状况公报</h1>
<p>全省近岸海域水质总体良好，一、二类海水面积比例保持稳定。</p>
<p>主要入海河流水质状况良好，海水浴场和滨海旅游度假区环境质量总体良好。</p>
<p>全年共发现赤潮若干次，未对海水养殖造成明显影响。</p>`,
      },
    ];
    for (const d of defs) {
      const head =
        d.decl === 'meta'
          ? '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">\n'
          : '';
      addPage(d.path, {
        html: legacyPage(d.title, d.inner, head),
        kind: 'legacy',
        title: `${d.title}－${SITE.name}（旧版）`,
        encoding: 'gbk',
        contentType: d.decl === 'header' ? 'text/html; charset=gbk' : 'text/html',
        listed: true,
        serve: true,
      });
      plants.push({
        id: `gbk-${d.decl}`,
        kind: 'gbk-page',
        area: 'encoding',
        path: d.path,
        charsetDeclared: d.decl,
        detail:
          d.decl === 'header'
            ? 'GBK 编码页面，字符集只在响应头 Content-Type 中声明'
            : d.decl === 'meta'
              ? 'GBK 编码页面，响应头无字符集，仅 <meta> 声明 gb2312'
              : 'GBK 编码页面，响应头和页面均未声明字符集，需要嗅探',
        evidence: d.title,
        nearMiss: true,
      });
    }
  }

  // --- plant articles -------------------------------------------------------------------------

  interface PlantSpec {
    id: string;
    col: string;
    pos: number;
    title: string;
    source?: string;
    render: (a: Article) => ArticleBody;
  }

  function buildPlantSpecs(): PlantSpec[] {
    const year = dayParts(today).y;
    const specs: PlantSpec[] = [];

    // 1 + 5: broken internal link, image, attachment; fragments; near misses
    specs.push({
      id: 'links',
      col: 'gzdt',
      pos: 8,
      title: '我局召开海洋与渔业系统信息化建设工作座谈会',
      render: (a) => {
        const dir = a.path.slice(0, a.path.lastIndexOf('/') + 1);
        const stem = `${compactDay(a.day)}_${a.id}`;
        const okPdf = `P0${stem}_1.pdf`;
        const badDoc = `P0${stem}_2.doc`;
        addMedia({ href: `./${okPdf}`, resPath: dir + okPdf, name: okPdf, type: 'pdf' });
        const textDirective = '/zwgk/zcjd/index.html#:~:text=%E6%94%BF%E7%AD%96%E8%A7%A3%E8%AF%BB';
        const html = `<p>${esc(`${cnDay(a.day).slice(5)}，我局召开海洋与渔业系统信息化建设工作座谈会，总结交流各地信息化建设经验，部署下一阶段重点工作。`)}</p>
<p><a href="#sec-2">跳转到：二、下一步工作</a></p>
<p>会议通报了全省海洋与渔业数据资源整合情况，详见<a href="/zwgk/missing-page.html">信息化建设专栏</a>。有关政策依据见<a href="/zwgk/zcwj/index.html">政策文件</a>栏目和<a href="/zwgk/zcjd/index.html#top-anchor-that-exists">政策解读</a>栏目，往期解读见<a href="/zwgk/zcjd/index.html#no-such-anchor">政策解读（往期）</a>，也可<a href="${textDirective}">直接查看相关解读段落</a>。</p>
<p style="text-align:center"><img src="/images/missing.png" alt="座谈会现场" width="600" height="400"></p>
<p><a name="sec-2"></a>二、下一步工作。会议要求，要加快推进海洋与渔业“一张图”建设，提升数据共享和业务协同水平。</p>
<p>往年会议材料见<a href="${SOFT_404_LINK}">2019年座谈会材料</a>（如提示页面不存在，请通过网站地图查找）。</p>
<div class="attach">附件：<p><a href="./${okPdf}">1. 信息化建设工作要点.pdf</a></p><p><a href="./${badDoc}">2. 信息化项目申报汇总表.doc</a></p></div>`;
        const base = (t: string) => (t.startsWith('./') ? dir + t.slice(2) : t);
        return {
          html,
          plants: [
            { id: 'broken-internal-link', kind: 'broken-link', area: 'links', path: a.path, target: '/zwgk/missing-page.html', expectedState: 'broken', detail: '站内链接指向不存在的页面（404）', evidence: 'href="/zwgk/missing-page.html"' },
            { id: 'broken-image', kind: 'broken-image', area: 'links', path: a.path, target: '/images/missing.png', expectedState: 'broken', detail: '图片无法显示（404）', evidence: 'src="/images/missing.png"' },
            { id: 'broken-attachment', kind: 'broken-attachment', area: 'links', path: a.path, target: base(`./${badDoc}`), expectedState: 'broken', detail: '附件无法下载（404）', evidence: `href="./${badDoc}"` },
            { id: 'working-link', kind: 'working-link', area: 'links', path: a.path, target: '/zwgk/zcwj/index.html', expectedState: 'ok', nearMiss: true, detail: '正常的站内链接', evidence: 'href="/zwgk/zcwj/index.html"' },
            { id: 'working-attachment', kind: 'working-attachment', area: 'links', path: a.path, target: base(`./${okPdf}`), expectedState: 'ok', nearMiss: true, detail: '正常的附件链接（PDF）', evidence: `href="./${okPdf}"` },
            { id: 'fragment-ok', kind: 'fragment', area: 'links', path: a.path, target: '/zwgk/zcjd/index.html#top-anchor-that-exists', expectedState: 'ok', nearMiss: true, detail: '锚点存在（id 属性）', evidence: 'href="/zwgk/zcjd/index.html#top-anchor-that-exists"' },
            { id: 'fragment-missing', kind: 'fragment', area: 'links', path: a.path, target: '/zwgk/zcjd/index.html#no-such-anchor', expectedState: 'broken', detail: '链接的锚点在目标页中不存在', evidence: 'href="/zwgk/zcjd/index.html#no-such-anchor"' },
            { id: 'fragment-name-anchor', kind: 'fragment', area: 'links', path: a.path, target: `${a.path}#sec-2`, expectedState: 'ok', nearMiss: true, detail: '页内锚点以 <a name> 形式存在', evidence: 'href="#sec-2"' },
            { id: 'text-directive', kind: 'text-directive', area: 'links', path: a.path, target: textDirective, expectedState: 'ok', nearMiss: true, detail: '#:~:text= 是文本片段指令，不是锚点，不得报告为锚点缺失', evidence: `href="${textDirective}"` },
            { id: 'soft-404', kind: 'soft-404', area: 'links', path: a.path, target: SOFT_404_LINK, expectedState: 'broken', detail: '链接指向已删除的信息：服务器返回 200 和“页面不存在”提示页（软 404）', evidence: `href="${SOFT_404_LINK}"` },
            { id: 'says-not-found', kind: 'soft-404-near-miss', area: 'links', path: a.path, target: a.path, expectedState: 'ok', nearMiss: true, detail: '正文提到“页面不存在”的正常文章，不是软 404', evidence: '如提示页面不存在' },
            { id: 'non-http-links', kind: 'non-http-link', area: 'links', path: a.path, nearMiss: true, detail: 'javascript: 链接（打印、关闭、字号）不是可检查的链接，不得报告', evidence: 'href="javascript:window.print()"' },
          ],
        };
      },
    });

    // 2: external links
    specs.push({
      id: 'external',
      col: 'tzgg',
      pos: 5,
      title: '关于推荐使用海洋与渔业相关服务平台的通知',
      render: (a) => {
        const L = {
          refused: `${brokenExternal}/page.html`,
          gone: `${external}/gone.html`,
          ok: `${external}/ok.html`,
          bot: `${external}/bot.html`,
          slow: `${external}/slow429.html`,
          head405: `${external}/head405.pdf`,
        };
        const html = `<p>各设区市海洋与渔业局，局属各单位：</p>
<p>为方便渔民群众和企业办事，现将有关服务平台推荐如下：</p>
<ul>
<li><a href="${L.ok}">全国渔业政务服务平台</a></li>
<li><a href="${L.refused}">示例省海洋渔业协会网站</a></li>
<li><a href="${L.gone}">全国水产技术推广信息网（旧址）</a></li>
<li><a href="${L.bot}">海洋预报服务平台</a></li>
<li><a href="${L.slow}">渔船动态监控服务平台</a></li>
<li><a href="${L.head405}">海洋渔业服务平台使用手册（PDF）</a></li>
</ul>
${signature(a.day)}`;
        return {
          html,
          plants: [
            { id: 'broken-external-refused', kind: 'broken-external', area: 'links', path: a.path, target: L.refused, expectedState: 'broken', detail: '外部链接无法连接（连接被拒绝）', evidence: `href="${L.refused}"` },
            { id: 'broken-external-404', kind: 'broken-external', area: 'links', path: a.path, target: L.gone, expectedState: 'broken', detail: '外部链接返回 404', evidence: `href="${L.gone}"` },
            { id: 'external-ok', kind: 'external-ok', area: 'links', path: a.path, target: L.ok, expectedState: 'ok', nearMiss: true, detail: '正常的外部链接', evidence: `href="${L.ok}"` },
            { id: 'external-bot-403', kind: 'external-blocked', area: 'links', path: a.path, target: L.bot, expectedState: 'blocked', nearMiss: true, detail: '外部站点返回 403（访问被拦截，防护策略），应计为“受阻”而非失效', evidence: `href="${L.bot}"` },
            { id: 'external-429-retry', kind: 'external-retry', area: 'links', path: a.path, target: L.slow, expectedState: 'ok', nearMiss: true, detail: '首次请求返回 429（Retry-After: 1），重试后 200', evidence: `href="${L.slow}"` },
            { id: 'external-head-405', kind: 'external-head-405', area: 'links', path: a.path, target: L.head405, expectedState: 'ok', nearMiss: true, detail: 'HEAD 返回 405，GET 返回 200，应判为正常', evidence: `href="${L.head405}"` },
          ],
        };
      },
    });

    // 3, 4, 17: redirect chain, redirect loop, robots-disallowed link
    specs.push({
      id: 'redirects',
      col: 'zcjd',
      pos: 2,
      title: '政策解读栏目迁移说明',
      render: (a) => ({
        html: `<p>因网站改版，原“政策解读”栏目已迁移，原地址<a href="/old/a.html">（旧版政策解读栏目）</a>将自动跳转到新栏目。</p>
<p>原“专题解读”频道<a href="/loop/a.html">（旧版专题解读）</a>正在整理中。</p>
<p>内部工作资料见<a href="/private/secret.html">内部资料</a>（仅限内网访问）。</p>`,
        plants: [
          { id: 'redirect-chain', kind: 'redirect-chain', area: 'links', path: a.path, target: '/old/a.html', expectedState: 'ok', hops: 3, finalTarget: '/zwgk/zcjd/index.html', detail: '链接经过 3 次跳转（301→302→301）才到达目标页，应报告跳转链', evidence: 'href="/old/a.html"' },
          { id: 'redirect-loop', kind: 'redirect-loop', area: 'links', path: a.path, target: '/loop/a.html', expectedState: 'broken', detail: '链接陷入跳转循环（/loop/a.html ⇄ /loop/b.html），无法访问', evidence: 'href="/loop/a.html"' },
        ],
      }),
    });

    // 15: hostile title
    const hostile = `<script>alert(1)</script> and <img src=x onerror=alert(2)> 关于“海洋日”活动的通知`;
    specs.push({
      id: 'hostile',
      col: 'gzdt',
      pos: 14,
      title: hostile,
      render: (a) => ({
        html: `<p>本页标题包含特殊字符，用于检验报告对标题的转义处理。</p>`,
        titleHtml: `&lt;script&gt;alert(1)&lt;/script&gt; and <img src=x onerror=alert(2)> 关于“海洋日”活动的通知_${SITE.name}`,
        plants: [
          {
            id: 'hostile-title',
            kind: 'hostile-title',
            area: 'report',
            path: a.path,
            detail: '页面标题含 <script> 与 <img onerror>，任何报告都必须转义显示',
            evidence: '&lt;script&gt;alert(1)&lt;/script&gt; and <img src=x onerror=alert(2)>',
            extra: { title: `${hostile}_${SITE.name}` },
          },
        ],
      }),
    });

    // 16: malformed HTML
    specs.push({
      id: 'malformed',
      col: 'tzgg',
      pos: 7,
      title: '关于做好台风防御工作的紧急通知',
      render: (a) => ({
        html: '',
        fullMain: `<div class="content-box article">
<h1>关于做好台风防御工作的紧急通知</h1>
<div class="info">发布时间：${isoDay(a.day)} ${a.time}　来源：${SITE.name}
<div class="body" id="zoom">
<p>各设区市海洋与渔业局：
<p>据省海洋预报台预报，今年第${(a.id % 20) + 1}号台风将于近日影响我省沿海。
<font face=宋体 size=3 color=#333333>一、立即组织渔船回港避风。</font></p></p>
<table><tr><td>序号<td>地区<td>回港渔船（艘）
<tr><td>1<td>闽东市<td>1200
<tr><td>2<td>莆阳市<td>860
</table>
<div class="note" style="color:#333333;"title="提示">
<b><i>请各地高度重视，确保人员安全。</b></i>
<A HREF=/xwdt/tzgg/index.html>返回通知公告列表</A>
<a href='/zwgk/index.html'>政府信息公开
<a href="/bsfw/index.html" class=>办事服务</a>
</div></div></div></div>
<p align=center>>${SITE.name}
</span></em></td>
</div>`,
        plants: [
          {
            id: 'malformed-html',
            kind: 'malformed-html',
            area: 'crawl',
            path: a.path,
            detail: 'HTML 结构错误（未闭合标签、多余的 </div>、残缺属性），但其中的链接仍须被发现',
            evidence: '<A HREF=/xwdt/tzgg/index.html>',
          },
        ],
      }),
    });

    // 9: personal data
    const idValid = makeValidId();
    const idBad = makeBadId();
    const bank = makeBankCard();
    const mobile = '13812345678';
    const masked = '3501**********1234';
    const uscc17 = '91350100MA2YK7N3P';
    const uscc = uscc17 + creditCodeCheck(uscc17);
    specs.push({
      id: 'privacy',
      col: 'rsxx',
      pos: 0,
      title: `${SITE.name}所属事业单位${year - 1}年公开招聘工作人员拟聘用人员公示`,
      render: (a) => ({
        html: `<p>根据《示例省事业单位公开招聘人员办法》，经笔试、面试、体检和考察，现将拟聘用人员名单公示如下：</p>
<table class="list"><thead><tr><th scope="col">姓名</th><th scope="col">性别</th><th scope="col">身份证号</th><th scope="col">联系电话</th><th scope="col">拟聘岗位</th></tr></thead>
<tbody><tr><td>李明华</td><td>男</td><td>${idValid}</td><td>${mobile}</td><td>渔业技术岗</td></tr>
<tr><td>张晓丽</td><td>女</td><td>${masked}</td><td>${SITE.phone}</td><td>海洋监测岗</td></tr></tbody></table>
<p>拟聘用人员李明华的报名费退费账户：${bank}。</p>
<p>考务承办单位：示例人才服务有限公司（统一社会信用代码：${uscc}）。</p>
<p>笔试考场编号：${idBad}。</p>
<p>公示期为5个工作日。监督电话：${SITE.phone}。</p>
${signature(a.day)}`,
        plants: [
          { id: 'personal-id', kind: 'personal-id', area: 'privacy', path: a.path, value: idValid, masked: maskDigits(idValid), detail: '公开了未脱敏的18位居民身份证号码（地区码、出生日期、校验位均有效）', evidence: idValid },
          { id: 'personal-mobile', kind: 'personal-mobile', area: 'privacy', path: a.path, value: mobile, masked: maskDigits(mobile, 3, 4), detail: '公开了个人手机号码', evidence: mobile },
          { id: 'personal-bankcard', kind: 'personal-bankcard', area: 'privacy', path: a.path, value: bank, masked: maskDigits(bank), detail: '公开了银行卡号（通过 Luhn 校验）', evidence: bank },
          { id: 'masked-id', kind: 'masked-id', area: 'privacy', path: a.path, value: masked, nearMiss: true, detail: '已脱敏的身份证号，不应报告', evidence: masked },
          { id: 'credit-code', kind: 'credit-code', area: 'privacy', path: a.path, value: uscc, nearMiss: true, detail: '18位统一社会信用代码，不是个人信息', evidence: uscc },
          { id: 'id-bad-checksum', kind: 'id-bad-checksum', area: 'privacy', path: a.path, value: idBad, nearMiss: true, detail: '形似身份证号的18位数字，但校验位错误，不应报告', evidence: idBad },
          { id: 'office-phone', kind: 'office-phone', area: 'privacy', path: a.path, value: SITE.phone, nearMiss: true, detail: '办公固定电话，不是个人信息', evidence: SITE.phone },
        ],
      }),
    });

    // 9 (near miss): long digit run in an attachment file name
    specs.push({
      id: 'filename',
      col: 'zcwj',
      pos: 1,
      title: `示例省海洋与渔业局关于印发《示例省渔业资源增殖放流管理办法》的通知`,
      render: (a) => {
        const file = `/uploads/${compactDay(a.day)}123456789012.pdf`;
        addMedia({ href: file, resPath: file, name: file.slice(9), type: 'pdf' });
        return {
          html: `<p>各设区市海洋与渔业局，局属各单位：</p>
<p>现将《示例省渔业资源增殖放流管理办法》印发给你们，请认真贯彻执行。</p>
<div class="attach">附件：<p><a href="${file}">示例省渔业资源增殖放流管理办法（PDF）</a></p></div>
${signature(a.day)}`,
          plants: [
            { id: 'digits-in-filename', kind: 'digits-in-filename', area: 'privacy', path: a.path, target: file, value: file.slice(9, -4), nearMiss: true, detail: '附件文件名中的长数字串，不是个人信息', evidence: `href="${file}"` },
          ],
        };
      },
    });

    // 10: outdated institution name + typos
    specs.push({
      id: 'wording',
      col: 'bmdt',
      pos: 1,
      title: '省水产技术推广总站开展渔船安全生产技术服务活动',
      source: '省水产技术推广总站',
      render: (a) => ({
        html: `<p>${esc(`${cnDay(a.day).slice(5)}，在示例省海洋与渔业厅的指导下，省水产技术推广总站组织技术人员深入沿海渔港开展安全生产技术服务活动。`)}</p>
<p>技术人员现场指导渔民按装北斗终端和AIS防碰撞设备，讲解设备日常维护要点。</p>
<p>技术人员强调，既使在休渔期间，渔船安全设备也要定期检查维护，确保随时处于良好状态。</p>`,
        plants: [
          { id: 'outdated-name', kind: 'outdated-name', area: 'wording', path: a.path, value: SITE.oldName, detail: `使用了机构改革前的旧称“${SITE.oldName}”，现名“${SITE.name}”`, evidence: `在${SITE.oldName}的指导下`, extra: { correct: SITE.name } },
          { id: 'typo-jishi', kind: 'typo', area: 'wording', path: a.path, value: '既使', detail: '错别字：“既使”应为“即使”', evidence: '既使', extra: { correct: '即使' } },
          { id: 'typo-anzhuang', kind: 'typo', area: 'wording', path: a.path, value: '按装', detail: '错别字：“按装”应为“安装”', evidence: '按装', extra: { correct: '安装' } },
        ],
      }),
    });

    // 10b: tampering (integrity audit): hidden gambling links, a cloaking script with script-written
    // hidden links, hijacked meta keywords; near misses: crackdown news naming the same words,
    // a hidden sub-menu of the site's own pages, a "back" button script reading the referrer.
    // Every foreign host is under .example, and none of these links is crawled or loaded.
    const spam = ['www.pj8888', 'www.amxpj', 'www.hg0088', 'www.js9999', 'www.bjl66', 'www.lhc888'].map((h) => `http://${h}.example/`);
    const spamText = ['澳门新葡京', '皇冠体育', '百家乐', '金沙娱乐', '真人娱乐', '六合彩'];
    specs.push({
      id: 'integrity-hidden',
      col: 'gzdt',
      pos: 9,
      title: '关于警惕“百家乐”等网络赌博陷阱的提示',
      render: (a) => ({
        html: `<p>近期，一些不法分子以“百家乐”“真人娱乐”等名义诱导群众参与网络赌博。请广大渔民群众提高警惕，远离网络赌博，发现线索及时举报。</p>
<p>相关工作见<a href="/xwdt/tzgg/index.html">关于开展打击网络赌博违法犯罪专项行动的通知</a>。</p>
<ul class="submenu" style="display:none"><li><a href="/xwdt/gzdt/index.html">工作动态</a></li><li><a href="/xwdt/bmdt/index.html">部门动态</a></li></ul>
<p><a href="javascript:goBack()">返回上一页</a></p>
<script>function goBack() { if (document.referrer) { location.href = document.referrer; } else { history.back(); } }</script>
${signature(a.day)}
<div style="display:none">${spam.map((u, i) => `<a href="${u}">${spamText[i]}</a>`).join(' ')}</div>`,
        plants: [
          { id: 'illegal-hidden-links', kind: 'illegal-link', area: 'integrity', path: a.path, detail: '页面底部被植入 6 个对访客隐藏（display:none）的赌博网站链接（暗链），属严重问题', evidence: `<div style="display:none"><a href="${spam[0]}">` },
          { id: 'crackdown-news', kind: 'crackdown-news', area: 'integrity', path: a.path, nearMiss: true, detail: '提醒群众警惕网络赌博的正文和“打击网络赌博”的通知链接，提到同样的词，但不是违法链接', evidence: '关于开展打击网络赌博违法犯罪专项行动的通知' },
          { id: 'hidden-submenu', kind: 'hidden-submenu', area: 'integrity', path: a.path, nearMiss: true, detail: '隐藏的站内二级菜单，不是暗链', evidence: '<ul class="submenu" style="display:none">' },
          { id: 'back-button-script', kind: 'back-button-script', area: 'integrity', path: a.path, nearMiss: true, detail: '按 document.referrer 返回上一页的脚本，不是按搜索引擎来源跳转的挂马脚本', evidence: 'location.href = document.referrer' },
        ],
      }),
    });
    const seo = ['www.tyzx-a', 'www.lygl-b', 'www.jkys-c', 'www.qczj-d', 'www.cjxw-e'].map((h) => `http://${h}.example/`);
    const seoText = ['体育资讯', '旅游攻略', '健康养生', '汽车报价', '财经新闻'];
    specs.push({
      id: 'integrity-script',
      col: 'gzdt',
      pos: 11,
      title: '省渔业执法总队开展伏季休渔专项执法检查',
      render: (a) => ({
        html: `<p>为巩固伏季休渔成果，省渔业执法总队组织开展专项执法检查，重点检查渔港和近岸海域。</p>
${signature(a.day)}
<script>(function () { var r = document.referrer.toLowerCase(); if (r.indexOf('baidu') > -1 || r.indexOf('sogou') > -1 || r.indexOf('so.com') > -1) { window.location.href = '${spam[0]}?from=gov'; } })();
document.write('<div style="position:absolute;left:-9999px;top:-9999px">' + '${seo.map((u, i) => `<a href="${u}">${seoText[i]}</a>`).join('')}' + '</div>');</script>`,
        plants: [
          { id: 'cloaking-script', kind: 'cloaking-script', area: 'integrity', path: a.path, detail: '脚本把从百度、搜狗等搜索引擎进入的访客跳转到赌博网站（挂马），属严重问题', evidence: "r.indexOf('baidu')" },
          { id: 'script-hidden-links', kind: 'hidden-links', area: 'integrity', path: a.path, detail: '脚本写入 5 个移出屏幕（left:-9999px）的外部链接，指向 5 个无关网站（疑似暗链，需人工核实）', evidence: 'left:-9999px' },
        ],
      }),
    });
    specs.push({
      id: 'integrity-meta',
      col: 'gzdt',
      pos: 13,
      title: '省海洋渔业执法总队召开年度工作会议',
      render: (a) => ({
        head: `<meta name="keywords" content="澳门新葡京,百家乐,真人娱乐,皇冠体育">\n`,
        html: `<p>会议总结了本年度海洋渔业执法工作，部署下一阶段重点任务。</p>\n${signature(a.day)}`,
        plants: [
          { id: 'meta-hijack', kind: 'title-hijack', area: 'integrity', path: a.path, detail: '页面关键词（meta keywords）被篡改为赌博网站名称（标题劫持），属严重问题', evidence: '<meta name="keywords" content="澳门新葡京' },
        ],
      }),
    });

    // 11: accessibility defects on one page, and a clean page
    specs.push({
      id: 'a11y',
      col: 'gzdt',
      pos: 10,
      title: '我局开展“全国海洋宣传日”系列宣传活动',
      render: (a) => {
        const dir = a.path.slice(0, a.path.lastIndexOf('/') + 1);
        const img = `W0${compactDay(a.day)}_${a.id}_noalt.png`;
        addMedia({ href: `./${img}`, resPath: dir + img, name: img, type: 'png' });
        return {
          html: `<p>${esc(`${cnDay(a.day).slice(5)}，我局在榕城市海滨广场开展“全国海洋宣传日”系列宣传活动，现场发放宣传资料2000余份。`)}</p>
<p style="text-align:center"><img src="./${img}" width="600" height="400"></p>
<p class="note" style="color:#c8c8c8;background-color:#ffffff">（本次活动由省海洋与渔业信息中心承办，图片由活动组委会提供。）</p>
<p>更多活动信息请关注工作动态栏目。<a href="/xwdt/gzdt/index.html"><i class="icon-more"></i></a></p>`,
          plants: [
            { id: 'a11y-image-alt', kind: 'a11y', area: 'accessibility', path: a.path, axeRule: 'image-alt', detail: '图片缺少替代文本（alt）', evidence: `<img src="./${img}" width="600" height="400">` },
            { id: 'a11y-color-contrast', kind: 'a11y', area: 'accessibility', path: a.path, axeRule: 'color-contrast', detail: '文字与背景对比度不足（#c8c8c8 / #ffffff ≈ 1.7:1）', evidence: 'color:#c8c8c8;background-color:#ffffff' },
            { id: 'a11y-link-name', kind: 'a11y', area: 'accessibility', path: a.path, axeRule: 'link-name', detail: '空链接：链接没有可识别的文字', evidence: '<a href="/xwdt/gzdt/index.html"><i class="icon-more"></i></a>' },
          ],
        };
      },
    });
    specs.push({
      id: 'clean',
      col: 'gzdt',
      pos: 12,
      title: '我局召开无障碍环境建设工作推进会',
      render: (a) => ({
        html: `<p>${esc(`${cnDay(a.day).slice(5)}，我局召开无障碍环境建设工作推进会，研究部署网站适老化与无障碍改造工作。`)}</p>
<p>会议要求，要对照国家标准，持续优化网站页面的可访问性，方便老年人和残疾人获取政务信息。</p>`,
        plants: [
          { id: 'a11y-clean', kind: 'a11y-clean', area: 'accessibility', path: a.path, nearMiss: true, detail: '无任何无障碍问题的页面（axe 不应报告违规）' },
        ],
      }),
    });

    return specs;
  }
}

// ---------------------------------------------------------------------------------------------
// Page bodies are written into large shared buffers: far fewer allocations (and GCs) than one
// Buffer per page on a 20,000-page site.

class Slab {
  private buf = Buffer.alloc(0);
  private off = 0;
  put(s: string): Buffer {
    const n = Buffer.byteLength(s, 'utf8');
    if (this.off + n > this.buf.length) {
      this.buf = Buffer.allocUnsafe(Math.max(4 << 20, n));
      this.off = 0;
    }
    this.buf.write(s, this.off, 'utf8');
    const out = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// identifiers for the privacy plant

function makeValidId(): string {
  for (let seq = 123; seq < 999; seq++) {
    const first = `350102198503${pad2(12)}${seq}`;
    const id = first + residentIdCheck(first);
    if (!id.endsWith('X') && !luhnValid(id)) return id;
  }
  throw new Error('unreachable');
}

function makeBadId(): string {
  for (let seq = 456; seq < 999; seq++) {
    const first = `350103199001011${String(seq).slice(1)}`.slice(0, 17);
    const right = residentIdCheck(first);
    for (const d of '0123456789') {
      const id = first + d;
      if (d !== right && !luhnValid(id) && !residentIdValid(id)) return id;
    }
  }
  throw new Error('unreachable');
}

function makeBankCard(): string {
  for (let tail = 12; tail < 99; tail++) {
    const body = `622202123456789${pad2(tail)}${tail % 10}`;
    const card = body + luhnCheck(body);
    // no 18-digit window of the card may read as a valid resident ID
    let idLike = false;
    for (let i = 0; i + 18 <= card.length; i++) if (residentIdValid(card.slice(i, i + 18))) idLike = true;
    if (!idLike) return card;
  }
  throw new Error('unreachable');
}

// ---------------------------------------------------------------------------------------------
// link extraction (regex over the generated HTML; the generator writes hrefs a parser agrees with)

const COMMENT_RE = /<!--[\s\S]*?-->/g;
const SCRIPT_RE = /<script\b[\s\S]*?<\/script>/gi;
const A_HREF_RE = /<a\s(?:[^>]*?\s)?href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi;

export function extractLinks(html: string): string[] {
  let h = html;
  if (h.includes('<!--')) h = h.replace(COMMENT_RE, '');
  if (h.includes('<script') || h.includes('<SCRIPT')) h = h.replace(SCRIPT_RE, '');
  const out: string[] = [];
  A_HREF_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = A_HREF_RE.exec(h)) !== null) out.push((m[1] ?? m[2] ?? m[3]).replace(/&amp;/g, '&'));
  return out;
}

/** Resolve an href found on `base` (a path+query on this site) to a path+query without fragment; null if not on this site. */
export function resolveHref(base: string, href: string): string | null {
  href = href.trim();
  if (href === '' || href.startsWith('#')) return null;
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//')) return null;
  const hash = href.indexOf('#');
  if (hash >= 0) href = href.slice(0, hash);
  if (href.startsWith('/')) return normalisePath(href);
  const bq = base.indexOf('?');
  const basePath = bq >= 0 ? base.slice(0, bq) : base;
  if (href.startsWith('?')) return basePath + href;
  const dir = basePath.slice(0, basePath.lastIndexOf('/') + 1);
  return normalisePath(dir + href);
}

function normalisePath(p: string): string {
  const q = p.indexOf('?');
  const path = q >= 0 ? p.slice(0, q) : p;
  if (!path.includes('./')) return p;
  const segs: string[] = [];
  const parts = path.split('/');
  for (let i = 0; i < parts.length; i++) {
    const s = parts[i];
    if (s === '.') {
      if (i === parts.length - 1) segs.push('');
      continue;
    }
    if (s === '..') {
      if (segs.length > 1) segs.pop();
      if (i === parts.length - 1) segs.push('');
      continue;
    }
    segs.push(s);
  }
  return segs.join('/') + (q >= 0 ? p.slice(q) : '');
}
