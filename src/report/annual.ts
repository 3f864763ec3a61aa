/**
 * 政府网站工作年度报表 (standards §8; 国办函〔2018〕12号), one form per site and year, prefilled
 * from what the store knows; every field it cannot know is left blank for the webmaster (and
 * marked 待填写). Filled in:
 *  - header: name, homepage, sponsor, site type, 网站标识码, ICP and 公安 filing numbers, as the
 *    identity audit read them from the page footers;
 *  - 信息发布 / 解读回应: pages published in the year (their publish dates, over every stored
 *    run), by the column they sit under (the columns audit's column URLs) and its kind;
 *  - 互动交流: 找错 tickets reported by people (national platform import, extension, manual)
 *    received and closed in the year and their mean handling time (calendar days);
 *  - 安全防护: runs in the year with a security audit (integrity, HTTPS, privacy), the distinct
 *    security problems they found, and those found fixed (gone from a later run of the year that
 *    ran their audit and fetched their page again); all problems of the year beside them, extra;
 *  - 办事服务, 创新发展: 办事指南 found, accessibility and IPv6 as the last run of the year saw them.
 * The field list is not confirmed against the official form [u]: the report says so.
 */
import type { ColumnRecord, ColumnsData } from '../../audits/columns.ts';
import type { IdentityData } from '../../audits/identity.ts';
import type { Ipv6Data } from '../../audits/ipv6.ts';
import type { AccessibilityData } from '../../audits/accessibility.ts';
import type { ServiceGuidesData } from '../../audits/service-guides.ts';
import type { InteractionData } from '../../audits/interaction.ts';
import COLUMN_RULES from '../../audits/rules/columns.json' with { type: 'json' };
import { UsageError } from '../config/errors.ts';
import { maskDeep, maskPii } from '../pii/detect.ts';
import { bytewise, type Store } from '../store/store.ts';
import { pageFetched } from '../store/runs.ts';
import { findSites } from './from-store.ts';
import { SOURCE_ZH as TICKET_SOURCE_ZH, type Source } from '../tickets/model.ts';
import { fromLocal } from '../tickets/zoned.ts';
import { dirOf } from '../gather/url.ts';

export interface AnnualField {
  label: string;
  /** null: left for the webmaster (待填写). */
  value: string | number | null;
  /** Where a prefilled value comes from, in words. */
  source?: string;
  /** A row this tool adds (not a field of the form). */
  extra?: boolean;
}

export interface AnnualBlock {
  id: string;
  title: string;
  fields: AnnualField[];
}

export interface UpdateCount {
  kind: string;
  label: string;
  count: number;
}

export interface AnnualForm {
  year: number;
  origin: string;
  name: string | null;
  /** Complete runs whose date falls in the year. */
  runs: number[];
  /** The run the snapshot fields (identity, IPv6, accessibility …) come from. */
  snapshotRunId: number | null;
  snapshotDate: string | null;
  blocks: AnnualBlock[];
  updates: UpdateCount[];
  generatedAt: string;
}

const KIND_LABEL: Record<string, string> = { dynamic: '动态/要闻类', notice: '通知公告类', policy: '政策文件类', personnel: '人事类', plan: '规划计划类', other: '其他栏目', none: '未归入栏目' };
const REG_ENTRIES = new Set((COLUMN_RULES.columns as { name: string; regulation?: string }[]).filter((c) => c.regulation).map((c) => c.name));
const OVERVIEW_ENTRIES = new Set(['机构职能', '负责人信息']);
const INTERPRET = /解读/;
const PRODUCT = /图解|图表|一图读懂|一图看懂|视频|动漫|漫画|H5|音频|长图|数说/i;
/** Column list pages (index.html, index_2.html, a directory) are not items. */
const LIST_PAGE = /\/(?:index(?:_\d+)?\.(?:s?html?|jsp|php|aspx?))?(?:\?.*)?$/i;
const PEOPLE: Source[] = ['import', 'extension', 'manual'];

/** The data of an audit in the last complete run (dated on or before the year's end) that ran it. */
function lastData<T>(db: Store, siteId: number, audit: string, until: string): { runId: number; today: string; data: T } | undefined {
  const row = db.get(
    db.q
      .selectFrom('runs as r')
      .innerJoin('audit_data as a', 'a.run_id', 'r.id')
      .select(['r.id', 'r.today', 'a.data_json'])
      .where('r.site_id', '=', siteId).where('r.status', '=', 'complete').where('r.today', '<=', until)
      .where('a.audit', '=', audit).where('a.status', '=', 'ran').where('a.data_json', 'is not', null)
      .orderBy('r.id', 'desc')
      .limit(1),
  );
  return row ? { runId: row.id, today: row.today, data: maskDeep(JSON.parse(row.data_json!)) as T } : undefined;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const pct = (n: number | undefined) => (n === undefined ? '—' : `${(n * 100).toFixed(1)}%`);

export interface AnnualOptions {
  year: number;
  /** An origin (or part of one); default: every site in the store. */
  site?: string;
  /** Ticket times are counted in this zone's calendar year. */
  timezone: string;
  now?: Date;
}

/** What the 安全防护 block counts: the security audits and what each checks. */
export const SECURITY_AUDITS: Record<string, string> = { integrity: '暗链、挂马与篡改迹象', https: 'HTTPS 证书与混合内容', privacy: '个人信息泄露' };

/**
 * One form per site; without --site, the sites with no complete audit run in the year are left
 * out (a registered site not audited yet has nothing to fill in) and named in `leftOut`.
 */
export function annualForms(db: Store, o: AnnualOptions): AnnualForm[] & { leftOut?: string[] } {
  const chosen = o.site ? findSites(db, o.site) : db.all(db.q.selectFrom('sites').select(['id', 'origin', 'name']).orderBy(bytewise(db, 'origin')));
  if (!chosen.length) throw new UsageError(o.site ? `数据库中没有网站 ${o.site}（zhaocuo runs 列出已有的检查运行）(no site ${o.site} in the database)` : '数据库中还没有网站：请先运行 zhaocuo audit <网址>（the database has no sites yet）');
  if (o.site) return chosen.map((s) => annualForm(db, s, o));
  const ran = (siteId: number) =>
    db.get(db.q.selectFrom('runs').select('id').where('site_id', '=', siteId).where('status', '=', 'complete').where('today', '>=', `${o.year}-01-01`).where('today', '<=', `${o.year}-12-31`).limit(1)) !== undefined;
  const audited = chosen.filter((s) => ran(s.id));
  if (!audited.length) throw new UsageError(`${o.year} 年没有任何网站完成检查运行，无法生成年度报表：请先运行 zhaocuo audit <网址>，或用 --year 选择其他年份（no site has a complete audit run in ${o.year}）`);
  const forms: AnnualForm[] & { leftOut?: string[] } = audited.map((s) => annualForm(db, s, o));
  forms.leftOut = chosen.filter((s) => !audited.includes(s)).map((s) => s.origin);
  return forms;
}

function annualForm(db: Store, site: { id: number; origin: string; name: string | null }, o: AnnualOptions): AnnualForm {
  const y = String(o.year);
  const start = `${y}-01-01`;
  const end = `${y}-12-31`;
  const complete = db.q.selectFrom('runs').where('site_id', '=', site.id).where('status', '=', 'complete');
  const runs = db.all(complete.select(['id', 'start_url']).where('today', '>=', start).where('today', '<=', end).orderBy('id'));
  const lastRun = db.get(complete.select(['id', 'today', 'start_url']).where('today', '<=', end).orderBy('id', 'desc').limit(1));

  const identity = lastData<IdentityData>(db, site.id, 'identity', end);
  const columns = lastData<ColumnsData>(db, site.id, 'columns', end);
  const ipv6 = lastData<Ipv6Data>(db, site.id, 'ipv6', end);
  const a11y = lastData<AccessibilityData>(db, site.id, 'accessibility', end);
  const guides = lastData<ServiceGuidesData>(db, site.id, 'service-guides', end);
  const interaction = lastData<InteractionData>(db, site.id, 'interaction', end);
  const marker = (id: string) => identity?.data.markers.find((m) => m.marker === id && m.value && m.state !== 'missing')?.value ?? null;
  const idSource = identity ? `网站标识审计（运行 #${identity.runId}，${identity.today}）` : undefined;

  // --- 信息发布: pages published in the year, by the column they sit under -----------------
  const cols = (columns?.data.columns ?? []).filter((c): c is ColumnRecord & { url: string } => Boolean(c.url) && c.state !== 'missing');
  const byDir = cols.map((c) => ({ c, dir: dirOf(c.url) })).filter((x) => x.dir.startsWith(site.origin)).sort((a, b) => b.dir.length - a.dir.length);
  const pages = db.all(
    db.q
      .selectFrom('pages as p')
      .innerJoin('runs as r', 'r.id', 'p.run_id')
      .select((eb) => ['p.url', eb.fn.max('p.title').as('title')])
      .where('r.site_id', '=', site.id).where('r.status', '=', 'complete')
      .where('p.published_at', '>=', start).where('p.published_at', '<=', end).where('p.status', '>=', 200).where('p.status', '<=', 299)
      .groupBy('p.url')
      .orderBy(bytewise(db, 'p.url')),
  );
  const items = pages.filter((p) => !LIST_PAGE.test(p.url));
  const colOf = (url: string) => byDir.find((x) => url.startsWith(x.dir) && url !== x.c.url)?.c;
  const kinds = new Map<string, number>(Object.keys(KIND_LABEL).map((k) => [k, 0]));
  let overview = 0;
  let dynamic = 0;
  let catalog = 0;
  let interpret = 0;
  let products = 0;
  for (const p of items) {
    const c = colOf(p.url);
    kinds.set(c ? c.kind : 'none', (kinds.get(c ? c.kind : 'none') ?? 0) + 1);
    if (!c) continue;
    const names = [c.name, ...c.entries];
    if (names.some((n) => OVERVIEW_ENTRIES.has(n))) overview++;
    else if (c.kind === 'dynamic' || c.kind === 'notice') dynamic++;
    else if (c.kind === 'policy' || c.kind === 'personnel' || c.kind === 'plan' || names.some((n) => REG_ENTRIES.has(n))) catalog++;
    if (names.some((n) => INTERPRET.test(n))) {
      interpret++;
      if (PRODUCT.test(p.title ?? '')) products++;
    }
  }
  const pubSource = columns ? `${y} 年发布的页面（按发布日期，全部已存运行），按所在栏目（运行 #${columns.runId} 的栏目）归类` : undefined;

  // --- 互动交流: 找错 tickets -----------------------------------------------------------------
  const from = fromLocal(start, '00:00', o.timezone).toISOString();
  const to = fromLocal(`${o.year + 1}-01-01`, '00:00', o.timezone).toISOString();
  const siteTickets = db.q.selectFrom('tickets').where('site_id', '=', site.id);
  const received = db.all(siteTickets.select((eb) => ['source', eb.fn.countAll<number>().as('n')]).where('received_at', '>=', from).where('received_at', '<', to).groupBy('source').orderBy('source')) as { source: Source; n: number }[];
  const closed = db.all(siteTickets.select(['source', 'received_at', 'closed_at', 'due_at']).where('closed_at', '>=', from).where('closed_at', '<', to)) as { source: Source; received_at: string; closed_at: string; due_at: string | null }[];
  const people = (s: Source) => PEOPLE.includes(s);
  const receivedPeople = received.filter((r) => people(r.source)).reduce((s, r) => s + r.n, 0);
  const receivedAudit = received.filter((r) => !people(r.source)).reduce((s, r) => s + r.n, 0);
  const closedPeople = closed.filter((t) => people(t.source));
  const days = closedPeople.map((t) => (Date.parse(t.closed_at) - Date.parse(t.received_at)) / 86_400_000);
  const meanDays = days.length ? round1(days.reduce((s, d) => s + d, 0) / days.length) : null;
  const onTime = closedPeople.filter((t) => t.due_at && t.closed_at <= t.due_at).length;
  const bySource = received.filter((r) => people(r.source)).map((r) => `${TICKET_SOURCE_ZH[r.source]} ${r.n}`).join('，');
  const ticketSource = `找错工单（${bySource || '无'}；不含自动检查工单 ${receivedAudit} 件）`;

  // --- 安全防护: security checks run, security problems found and fixed -------------------------
  // Only what a security check finds counts here (暗链/挂马/篡改, HTTPS, leaked personal data),
  // not broken links or typos; every problem of the year is given beside it, marked extra.
  const runIds = runs.map((r) => r.id);
  const secAudits = Object.keys(SECURITY_AUDITS);
  const secRuns = runIds.length
    ? db.all(db.q.selectFrom('audit_data').select('run_id as id').where('status', '=', 'ran').where('audit', 'in', secAudits).where('run_id', 'in', runIds).groupBy('run_id').orderBy('run_id')).map((r) => Number(r.id))
    : [];
  // Each fingerprint as its last sighting in the year (the run, and the audit and page it named then).
  const last = new Map<string, { audit: string; url: string; last: number }>();
  if (runIds.length) {
    for (const f of db.all(db.q.selectFrom('findings').select(['fingerprint', 'audit', 'url', 'run_id']).where('run_id', 'in', runIds).orderBy('run_id').orderBy('seq'))) {
      if (!last.has(f.fingerprint) || last.get(f.fingerprint)!.last < f.run_id) last.set(f.fingerprint, { audit: f.audit, url: f.url, last: f.run_id });
    }
  }
  const ranLater = (audit: string) =>
    db.get(db.q.selectFrom('audit_data').select((eb) => eb.fn.max('run_id').as('id')).where('audit', '=', audit).where('status', '=', 'ran').where('run_id', 'in', runIds))?.id ?? null;
  const lastRan = new Map<string, number | null>();
  const tally = (only?: string[]) => {
    if (!runIds.length) return { found: 0, fixed: 0 };
    const rows = [...last.values()];
    const counted = only ? rows.filter((f) => only.includes(f.audit)) : rows;
    let fixed = 0;
    for (const f of counted) {
      if (!lastRan.has(f.audit)) lastRan.set(f.audit, ranLater(f.audit));
      const later = lastRan.get(f.audit);
      if (later && later > f.last && pageFetched(db, later, f.url)) fixed++;
    }
    return { found: counted.length, fixed };
  };
  const sec = tally(secAudits);
  const all = tally();
  const what = Object.values(SECURITY_AUDITS).join('、');
  const secSource = `${y} 年运行了安全检查（${what}）的检查运行（运行 #${secRuns[0] ?? '—'}–#${secRuns.at(-1) ?? '—'}）`;
  const runsSource = `${y} 年完成的检查运行（运行 #${runIds[0] ?? '—'}–#${runIds.at(-1) ?? '—'}）`;

  // --- 创新发展: accessibility and IPv6 as last seen ------------------------------------------
  const a11yText = a11y ? `已检测：${a11y.data.pagesAudited} 个页面，未通过规则 ${a11y.data.rules} 条、元素 ${a11y.data.nodes} 处（WCAG 2.1 AA）` : null;
  const v6 = ipv6?.data;
  const ipv6Text = v6 ? `AAAA ${v6.aaaa ? '有' : '无'}；首页 IPv6 ${v6.homepageV6.ok ? '可访问' : '不可用'}；二级链接 ${pct(v6.level2Rate)}，三级链接 ${pct(v6.level3Rate)}` : null;
  const domainKind = identity?.data.domain.kind;

  const F = (label: string, value: string | number | null, source?: string, extra = false): AnnualField => ({ label, value, ...(value !== null && source ? { source } : {}), ...(extra ? { extra } : {}) });
  const blocks: AnnualBlock[] = [
    {
      id: 'header', title: '网站基本信息', fields: [
        F('网站名称', site.name ?? marker('sponsor'), site.name ? '站点配置' : idSource),
        F('首页网址', lastRun?.start_url ?? site.origin, '检查运行'),
        F('主办单位', marker('sponsor'), idSource),
        F('网站类型', domainKind === 'gov-portal' ? '政府门户网站' : domainKind === 'gov-department' ? '部门网站' : null, '按域名判断'),
        F('网站标识码', marker('siteCode'), idSource),
        F('ICP备案编号', marker('icp'), idSource),
        F('公安机关备案号', marker('police'), idSource),
        F('独立用户访问总量（单位：个）', null),
        F('网站总访问量（单位：次）', null),
      ],
    },
    {
      id: 'publish', title: '信息发布', fields: [
        F('总数（条）', columns ? items.length : null, pubSource),
        F('概况类信息更新量（条）', columns ? overview : null, pubSource),
        F('政务动态信息更新量（条）', columns ? dynamic : null, pubSource),
        F('信息公开目录信息更新量（条）', columns ? catalog : null, pubSource),
      ],
    },
    { id: 'topics', title: '专栏专题', fields: [F('维护数量（个）', null), F('新开设数量（个）', null)] },
    {
      id: 'interpret', title: '解读回应', fields: [
        F('解读信息发布总数（条）', columns ? interpret : null, pubSource),
        F('其中：解读材料数量（条）', columns ? interpret - products : null, `${pubSource ?? ''}；不含图解、视频等解读产品`),
        F('解读产品数量（个）', columns ? products : null, '解读栏目中标题含图解、图表、视频、动漫、H5 等的信息'),
        F('媒体评论文章数量（篇）', null),
        F('回应公众关注热点或重大舆情数量（次）', null),
      ],
    },
    {
      id: 'services', title: '办事服务', fields: [
        F('是否发布服务事项目录', null),
        F('注册用户数（个）', null),
        F('政务服务事项数量（项）', null),
        F('可全程在线办理政务服务事项数量（项）', null),
        F('办件量（件）', null),
        F('办事指南数量（个）', guides ? guides.data.total : null, guides ? `办事指南审计（运行 #${guides.runId}）：要素齐全 ${guides.data.complete} 个，缺少要素 ${guides.data.incomplete} 个` : undefined, true),
      ],
    },
    {
      id: 'interaction', title: '互动交流', fields: [
        F('是否使用统一平台', null),
        F('收到留言数量（条）', receivedPeople, ticketSource),
        F('办结留言数量（条）', closedPeople.length, ticketSource),
        F('平均办理时间（天）', meanDays, '找错工单从受理到办结的自然日平均值'),
        F('公开答复数量（条）', null),
        F('其中：2 个工作日内按时办结（条）', closedPeople.length ? onTime : null, '任务 20：2 个工作日内处理答复', true),
        F('网站公开留言（检测到，条）', interaction ? interaction.data.total : null, interaction ? `互动交流审计（运行 #${interaction.runId}）：已答复 ${interaction.data.answered} 条，平均答复 ${interaction.data.meanReplyDays ?? '—'} 天` : undefined, true),
        F('征集调查期数（期）', null),
        F('在线访谈期数（期）', null),
        F('智能问答（是否提供）', null),
      ],
    },
    {
      id: 'security', title: '安全防护', fields: [
        F('安全检测评估次数（次）', secRuns.length, secSource),
        F('发现问题数量（个）', secRuns.length ? sec.found : null, `仅安全类问题（${what}），按问题指纹去重；不含不可用链接、栏目更新、错别字等其他问题`),
        F('问题整改数量（个）', secRuns.length ? sec.fixed : null, `上述安全类问题中，后一次运行复查（审计项已运行、页面已抓取）未再发现的`),
        F('全部检查问题（个，含链接、栏目、错别字等）', runIds.length ? all.found : null, `${runsSource}发现的所有不同问题，供参考，不是报表项`, true),
        F('其中已整改（个）', runIds.length ? all.fixed : null, '后一次运行复查未再发现的', true),
        F('是否建立安全监测预警机制', null),
        F('是否开展应急演练', null),
        F('是否明确网站安全责任人', null),
      ],
    },
    {
      id: 'media', title: '移动新媒体', fields: [
        F('是否有移动新媒体', null), F('微博（名称、信息发布量、关注量）', null), F('微信（名称、信息发布量、订阅数）', null), F('其他（客户端等）', null),
      ],
    },
    {
      id: 'innovation', title: '创新发展', fields: [
        F('搜索即服务', null),
        F('多语言版本', null),
        F('无障碍浏览', a11yText, a11y ? `无障碍审计（运行 #${a11y.runId}，${a11y.today}）` : undefined),
        F('千人千网', null),
        F('IPv6 支持情况', ipv6Text, ipv6 ? `IPv6 审计（运行 #${ipv6.runId}，${ipv6.today}）；阈值未经官方文本确认` : undefined, true),
      ],
    },
  ];
  // Every value quoted from the site (identity markers, titles) stays masked.
  for (const b of blocks) for (const f of b.fields) if (typeof f.value === 'string') f.value = maskPii(f.value);

  return {
    year: o.year,
    origin: site.origin,
    name: site.name,
    runs: runIds,
    snapshotRunId: lastRun?.id ?? null,
    snapshotDate: lastRun?.today ?? null,
    blocks,
    updates: [...kinds].map(([kind, count]) => ({ kind, label: KIND_LABEL[kind], count })),
    generatedAt: (o.now ?? new Date()).toISOString(),
  };
}

export function isBlank(f: AnnualField): boolean {
  return f.value === null || f.value === '';
}
