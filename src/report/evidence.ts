/**
 * A finding's (or a ticket's) evidence as fields a person reads — 标签：值, lists as lists,
 * links as links — never as raw JSON. One reading for the HTML report, the dashboard's ticket
 * page and the xlsx export. Keys without a Chinese label are machine data: they stay in
 * report.json (and the ticket's stored evidence) and are not shown.
 */
import { html, link, type Raw } from './escape.ts';
import { AUDIT_ZH } from '../audit/labels.ts';

export type FieldValue =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'link'; url: string; text?: string }
  | { kind: 'list'; items: FieldValue[]; more?: number };

export interface Field {
  key: string;
  label: string;
  value: FieldValue;
}

/** Evidence keys a person reads, in the order they are shown, with their labels. */
const LABELS: [string, string][] = [
  ['item', '否决指标'],
  ['target', '问题链接'],
  ['status', 'HTTP 状态'],
  ['error', '原因'],
  ['anchorText', '链接文字'],
  ['column', '栏目'],
  ['kindZh', '类别'],
  ['kind', '类别'],
  ['marker', '标识'],
  ['value', '值'],
  ['values', '发现的值'],
  ['correction', '建议改为'],
  ['note', '说明'],
  ['newest', '最新信息日期'],
  ['ageDays', '距今天数'],
  ['periodDays', '更新周期（天）'],
  ['items', '信息条数'],
  ['title', '标题'],
  ['pageTitle', '页面标题'],
  ['selectedText', '选中的文字'],
  ['asked', '提问日期'],
  ['missing', '缺少的要素'],
  ['present', '已有的要素'],
  ['terms', '违法违规词语'],
  ['differences', '差异'],
  ['links', '链接'],
  ['hosts', '涉及网站'],
  ['a', 'A 记录'],
  ['aaaa', 'AAAA 记录'],
  ['level2Unsupported', '受影响的二级链接'],
  ['level3Unsupported', '受影响的三级链接'],
  ['byHost', '按主机'],
  ['urlCount', '链接数'],
  ['urls', '链接'],
  ['help', '说明'],
  ['description', '规则说明'],
  ['impact', '影响程度'],
  ['wcag', 'WCAG 准则'],
  ['failureSummary', '修复建议'],
  ['snippet', '页面片段'],
  ['snippets', '页面片段'],
  ['contexts', '上下文'],
  ['selector', '元素位置'],
  ['nodeCount', '元素数'],
  ['nodes', '元素'],
  ['redirects', '重定向经过'],
  ['position', '定位方式'],
  ['coverage', '遮挡比例'],
  ['closeControl', '有关闭按钮'],
  ['bodyFontPx', '正文字号（px）'],
  ['textFontPx', '文字字号（px）'],
  ['fontHistogram', '字号分布（px：处数）'],
  ['formFactor', '模拟设备'],
  ['category', '类别'],
  ['categories', '所属类别'],
  ['score', '得分'],
  ['weight', '权重'],
  ['total', '探测次数'],
  ['required', '判定所需探测次数'],
  ['sparseDays', '探测不足的日期'],
  ['count', '数量'],
  ['sources', '来源检查项'],
  ['synonyms', '可用的栏目名称'],
  ['messageId', '平台留言编号'],
  ['platformCategory', '平台问题类型'],
  ['pageText', '问题网址（原文）'],
  ['pageCount', '引用页面数'],
  ['pages', '引用页面'],
  ['viewport', '浏览器窗口'],
  ['browser', '浏览器'],
];
export const EVIDENCE_LABELS: ReadonlyMap<string, string> = new Map(LABELS);

/** Keys inside list items (objects) with their labels; others are not shown. */
const SUB_LABELS: Record<string, string> = { host: '主机', unsupported: '不支持', day: '日期', probes: '探测次数', url: '网址', text: '文字', selector: '位置', html: '代码', page: '页面' };

/** Values that are ids, by key. */
const VALUE_ZH: Record<string, Record<string, string>> = {
  formFactor: { mobile: '移动端', desktop: '桌面端' },
  category: { performance: '性能', accessibility: '无障碍', 'best-practices': '最佳实践', seo: '搜索引擎优化' },
  categories: { performance: '性能', accessibility: '无障碍', 'best-practices': '最佳实践', seo: '搜索引擎优化' },
  impact: { critical: '严重', serious: '较重', moderate: '中等', minor: '轻微' },
  kind: { dynamic: '动态/要闻类', notice: '通知公告类', policy: '政策文件类', personnel: '人事类', plan: '规划计划类', other: '其他' },
  position: { fixed: '固定（随页面滚动不动）', absolute: '绝对定位', sticky: '粘性定位' },
  sources: AUDIT_ZH,
};

const CODE_KEYS = new Set(['snippet', 'snippets', 'selector', 'contexts']);
const isUrl = (s: string) => /^https?:\/\//i.test(s);

function scalar(key: string, v: unknown, noLinks: boolean): FieldValue | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'boolean') return { kind: 'text', text: v ? '是' : '否' };
  if (typeof v === 'number') return { kind: 'text', text: key === 'coverage' ? `${Math.round(v * 100)}%` : String(v) };
  if (typeof v !== 'string') return null;
  const zh = VALUE_ZH[key]?.[v];
  if (zh) return { kind: 'text', text: zh };
  if (isUrl(v) && !noLinks) return { kind: 'link', url: v };
  if (CODE_KEYS.has(key) || isUrl(v)) return { kind: 'code', text: v };
  return { kind: 'text', text: v };
}

/** One list item: a string, or an object read through SUB_LABELS (a {url, text} pair is a link). */
function item(key: string, v: unknown, noLinks: boolean): FieldValue | null {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (typeof o.url === 'string' && !noLinks && Object.keys(o).every((k) => k === 'url' || k === 'text')) return { kind: 'link', url: o.url, text: typeof o.text === 'string' ? o.text : undefined };
    if (key === 'nodes') return { kind: 'code', text: [o.selector, o.html].filter((x) => typeof x === 'string').join('  ') };
    const parts = Object.entries(o)
      .filter(([k, x]) => SUB_LABELS[k] && (typeof x === 'string' || typeof x === 'number'))
      .map(([k, x]) => `${SUB_LABELS[k]} ${x}`);
    return parts.length ? { kind: 'text', text: parts.join(' · ') } : null;
  }
  return scalar(key, v, noLinks);
}

/**
 * The fields of an evidence object. `maxItems` caps long lists (the report shows the first 50
 * pages; report.json has them all). A serious finding's targets (illegal content) are never links.
 */
export function evidenceFields(e: Record<string, unknown>, o: { maxItems?: number } = {}): Field[] {
  const max = o.maxItems ?? 50;
  const noLinks = e.serious === true;
  const out: Field[] = [];
  for (const [key, label] of LABELS) {
    const v = e[key];
    if (v === undefined || v === null) continue;
    if (key === 'kind' && e.kindZh) continue;
    if (key === 'pageCount' && Array.isArray(e.pages) && e.pages.length === v) continue;
    let value: FieldValue | null;
    if (key === 'help' && typeof v === 'string' && typeof e.helpUrl === 'string') value = { kind: 'link', url: e.helpUrl, text: v };
    else if (key === 'status' && typeof v === 'number') value = v ? { kind: 'text', text: `HTTP ${v}` } : null;
    else if (key === 'redirects' && Array.isArray(v)) value = { kind: 'text', text: v.filter((x) => typeof x === 'string' && x).join(' → ') };
    else if (Array.isArray(v)) {
      const items = v.slice(0, max).map((x) => item(key, x, noLinks)).filter((x): x is FieldValue => x !== null);
      value = items.length ? { kind: 'list', items, more: v.length > max ? v.length - max : undefined } : null;
    } else if (v && typeof v === 'object') {
      const items = Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => typeof x === 'string' || typeof x === 'number')
        .map(([k, x]): FieldValue => ({ kind: 'text', text: `${k}：${x}` }));
      value = items.length ? { kind: 'list', items } : null;
    } else value = scalar(key, v, noLinks);
    if (value) out.push({ key, label, value });
  }
  return out;
}

function valueHtml(v: FieldValue, moreNote = '完整清单见 report.json'): Raw {
  switch (v.kind) {
    case 'text':
      return html`${v.text}`;
    case 'code':
      return html`<code>${v.text}</code>`;
    case 'link':
      return link(v.url, v.text);
    case 'list':
      return html`<ul class="ev-list">${v.items.map((x) => html`<li>${valueHtml(x)}</li>`)}${v.more ? html`<li class="muted">另有 ${v.more} 项，${moreNote}</li>` : ''}</ul>`;
  }
}

/** One line a field (标签：值, class ev); a list of more than 3 is folded away under its count. `moreNote` says where a capped list is whole. */
export function evidenceHtml(e: Record<string, unknown>, o: { maxItems?: number; moreNote?: string } = {}): Raw {
  const fields = evidenceFields(e, o);
  if (!fields.length) return html``;
  return html`<div class="ev">${fields.map((f) =>
    f.value.kind === 'list' && f.value.items.length > 3
      ? html`<details class="ev-f"><summary><span class="ev-k">${f.label}：</span>${f.value.items.length + (f.value.more ?? 0)} 项</summary>${valueHtml(f.value, o.moreNote)}</details>`
      : html`<div class="ev-f"><span class="ev-k">${f.label}：</span>${valueHtml(f.value, o.moreNote)}</div>`,
  )}</div>`;
}

/** The style the evidence needs (report and dashboard). */
export const EVIDENCE_CSS = `.ev-k{color:#57606a}.ev-f{word-break:break-all}ul.ev-list{margin:0;padding-left:18px}.ev-f>ul.ev-list{display:inline-block;vertical-align:top;margin:0}`;

function valueText(v: FieldValue): string {
  switch (v.kind) {
    case 'text':
    case 'code':
      return v.text;
    case 'link':
      return v.text ? `${v.text}（${v.url}）` : v.url;
    case 'list':
      return v.items.map(valueText).join('；') + (v.more ? `；另有 ${v.more} 项` : '');
  }
}

/** The fields as text lines (xlsx, CSV): 标签：值, lists joined with "；". */
export function evidenceText(e: Record<string, unknown>, o: { maxItems?: number } = {}): string {
  return evidenceFields(e, o)
    .map((f) => `${f.label}：${valueText(f.value)}`)
    .join('\n');
}
