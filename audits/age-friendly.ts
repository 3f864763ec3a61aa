/**
 * age-friendly — 适老化. On the pages the browser opened: pop-ups over the page on load (an
 * overlay covering much of the screen, a modal dialog, or a JavaScript alert), floating layers
 * (飘窗, fixed or high z-index positioned elements over the content — the 适老化 campaign bans
 * ads, pop-ups and inducement buttons on age-friendly pages), a main text size below the
 * minimum, and a viewport that forbids zooming. A layer or viewport shared by the template is
 * one finding listing its pages.
 */
import { z } from 'zod';
import { defineAudit, type FindingDraft } from '../src/audit/types.ts';
import type { AgeFacts, BrowserPage, LayerInfo } from '../src/gather/browser/types.ts';
import { guideline, standard } from './rules/refs.ts';

// --- user-facing strings ---------------------------------------------------------------------

const CAMPAIGN = '互联网网站适老化通用设计规范（工业和信息化部，2020）';
const NOTICE = '关于做好政府网站、政务新媒体适老化与无障碍改造工作的通知（国办公开办函〔2021〕28号）';

const STR = {
  popup: (what: string, n: number) => `页面打开时弹出${what}，遮挡页面内容${n > 1 ? `（${n} 个页面）` : ''}`,
  dialog: (type: string, msg: string, n: number) => `页面打开时弹出脚本对话框（${type}）：“${msg}”${n > 1 ? `（${n} 个页面）` : ''}`,
  floating: (what: string, n: number) => `页面有漂浮层${what}，悬浮在内容之上${n > 1 ? `（${n} 个页面）` : ''}`,
  font: (px: number, min: number) => `正文字号过小：页面大部分文字为 ${px}px，低于 ${min}px`,
  smallShare: (share: number, px: number) => `页面 ${Math.round(share * 100)}% 的文字小于 ${px}px`,
  zoom: (content: string, why: string, n: number) => `页面禁止缩放（viewport：${content}；${why}），老年用户无法放大页面${n > 1 ? `（${n} 个页面）` : ''}`,
};

// --- options ---------------------------------------------------------------------------------

const options = z.strictObject({
  /** A layer covering at least this share of the viewport on load is a pop-up. */
  popupCoverage: z.number().min(0).max(1).default(0.25),
  /** A modal dialog (role=dialog, aria-modal) covering at least this share is a pop-up. */
  modalCoverage: z.number().min(0).max(1).default(0.05),
  /** Smallest floating layer reported (px², about 100 × 60). */
  floatingMinArea: z.number().min(0).default(6000),
  /** Main text (the size carrying the most characters) below this is reported, px. */
  minFontPx: z.number().positive().default(14),
  /** Text below this size… */
  tinyFontPx: z.number().positive().default(12),
  /** …on more than this share of the characters is reported too. */
  tinyShare: z.number().min(0).max(1).default(0.3),
  /** maximum-scale below this blocks zooming. */
  minMaximumScale: z.number().positive().default(2),
  /** Ignore layers whose id/class match this (e.g. the site's own 无障碍 toolbar). */
  ignoreLayers: z.string().optional(),
  maxPagesListed: z.number().int().positive().default(50),
});
type Options = z.infer<typeof options>;

// --- checks (pure, exported for tests) -----------------------------------------------------------

const AD_NAME = /(^|[-_\s])(float|floater|floating|piao|piaochuang|piaofu|ad|ads|adv|advert|couplet|duilian|popup|tanchuang)([-_\s\d]|$)/i;

export type LayerKind = 'popup' | 'floating' | null;

export function classifyLayer(l: LayerInfo, o: Options): LayerKind {
  if (o.ignoreLayers && new RegExp(o.ignoreLayers, 'i').test(l.idClass)) return null;
  if (l.chrome || l.bar) return null;
  if (l.coverage >= o.popupCoverage || (l.modal && l.coverage >= o.modalCoverage)) return 'popup';
  const area = l.rect.width * l.rect.height;
  if (area < o.floatingMinArea) return null;
  // A floating layer shows something (image, link, text) over the content.
  if (l.position === 'fixed' || AD_NAME.test(l.idClass)) {
    if (l.hasImage || l.links > 0 || l.text) return 'floating';
  }
  return null;
}

/** Why a viewport forbids zooming, or null when it allows it. */
export function zoomBlocked(viewport: string | null, minMaximumScale: number): string | null {
  if (!viewport) return null;
  const kv = new Map<string, string>();
  for (const part of viewport.split(/[,;]/)) {
    const [k, v] = part.split('=').map((s) => s?.trim().toLowerCase());
    if (k) kv.set(k, v ?? '');
  }
  const us = kv.get('user-scalable');
  if (us !== undefined && (us === 'no' || us === '0' || (Number(us) > -1 && Number(us) < 1 && us !== ''))) return `user-scalable=${us}`;
  const max = kv.get('maximum-scale');
  if (max !== undefined && max !== '' && Number.isFinite(Number(max)) && Number(max) < minMaximumScale) return `maximum-scale=${max} 小于 ${minMaximumScale}`;
  return null;
}

export function fontShare(age: AgeFacts, belowPx: number): number {
  let total = 0;
  let small = 0;
  for (const [px, n] of Object.entries(age.fontHistogram)) {
    total += n;
    if (Number(px) < belowPx) small += n;
  }
  return total ? small / total : 0;
}

const describeLayer = (l: LayerInfo) => {
  const bits = [l.hasImage ? '含图片' : '', l.links ? `含 ${l.links} 个链接` : '', l.closeControl ? '有关闭按钮' : '无关闭按钮', AD_NAME.test(l.idClass) ? '疑似广告' : ''].filter(Boolean);
  return `（${l.rect.width}×${l.rect.height}px，覆盖屏幕 ${Math.round(l.coverage * 100)}%${bits.length ? '，' + bits.join('，') : ''}）`;
};

interface Group {
  kind: string;
  key: string;
  pages: string[];
  layer?: LayerInfo;
  detail?: string;
}

export interface AgeFriendlyData {
  pagesChecked: number;
  popups: number;
  floating: number;
  smallFont: number;
  zoomBlocked: number;
  pages: { url: string; textFontPx: number | null; bodyFontPx: number; viewport: string | null; popups: number; floating: number; dialogs: number }[];
}

export default defineAudit({
  meta: {
    id: 'age-friendly',
    title: { zh: '适老化', en: 'Age-friendly design' },
    description: '抽样页面的适老化检查：打开时的弹窗、漂浮广告层、正文字号、页面能否缩放。',
    refs: [standard(CAMPAIGN), standard(NOTICE), guideline('网站功能 — 适老化与无障碍改造')],
    severity: 'medium',
    requires: ['browser'],
    options,
  },
  run({ artifacts, options: o }) {
    const b = artifacts.browser!;
    const pages = b.pages.filter((p): p is BrowserPage & { age: AgeFacts } => Boolean(p.age));
    const groups = new Map<string, Group>();
    const group = (kind: string, key: string, page: string, extra: Partial<Group> = {}) => {
      const k = `${kind}\u0000${key}`;
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { kind, key, pages: [], ...extra }));
      if (!g.pages.includes(page)) g.pages.push(page);
    };
    const findings: FindingDraft[] = [];
    const rows: AgeFriendlyData['pages'] = [];
    let smallFont = 0;

    for (const p of pages) {
      let popups = 0;
      let floating = 0;
      for (const l of p.age.layers) {
        const kind = classifyLayer(l, o);
        if (!kind) continue;
        if (kind === 'popup') popups++;
        else floating++;
        group(kind, `${l.selector}\u0000${l.html}`, p.url, { layer: l });
      }
      for (const d of p.dialogs ?? []) {
        popups++;
        group('dialog', `${d.type}\u0000${d.message}`, p.url, { detail: d.message });
      }
      const zoom = zoomBlocked(p.age.viewport, o.minMaximumScale);
      if (zoom) group('zoom', p.age.viewport ?? '', p.url, { detail: zoom });

      const px = p.age.textFontPx;
      if (px !== null && px < o.minFontPx) {
        smallFont++;
        findings.push({ rule: 'small-font', url: p.url, severity: 'medium', message: STR.font(px, o.minFontPx), evidence: { value: `${px}px`, bodyFontPx: p.age.bodyFontPx, fontHistogram: p.age.fontHistogram } });
      } else {
        const share = fontShare(p.age, o.tinyFontPx);
        if (share > o.tinyShare) {
          smallFont++;
          findings.push({ rule: 'small-font', url: p.url, severity: 'low', message: STR.smallShare(share, o.tinyFontPx), evidence: { value: `${Math.round(share * 100)}%`, textFontPx: px, fontHistogram: p.age.fontHistogram } });
        }
      }
      rows.push({ url: p.url, textFontPx: px, bodyFontPx: p.age.bodyFontPx, viewport: p.age.viewport, popups, floating, dialogs: p.dialogs?.length ?? 0 });
    }

    const home = b.pages.find((p) => p.reasons.includes('home'))?.url;
    const first = (list: string[]) => (home && list.includes(home) ? home : [...list].sort()[0]);
    let popupGroups = 0;
    let floatGroups = 0;
    let zoomGroups = 0;
    for (const g of groups.values()) {
      const url = first(g.pages);
      const evidence = { pages: g.pages.slice(0, o.maxPagesListed), pageCount: g.pages.length };
      if (g.kind === 'popup' || g.kind === 'floating') {
        const l = g.layer!;
        if (g.kind === 'popup') popupGroups++;
        else floatGroups++;
        findings.push({
          rule: g.kind === 'popup' ? 'popup-on-load' : 'floating-layer',
          url,
          locator: l.selector,
          severity: g.kind === 'popup' ? 'high' : 'medium',
          message: g.kind === 'popup' ? STR.popup(`遮罩层${describeLayer(l)}`, g.pages.length) : STR.floating(describeLayer(l), g.pages.length),
          evidence: { ...evidence, selector: l.selector, snippet: l.html, anchorText: l.text || undefined, rect: l.rect, coverage: l.coverage, position: l.position, zIndex: l.zIndex, closeControl: l.closeControl },
        });
      } else if (g.kind === 'dialog') {
        popupGroups++;
        const [type] = g.key.split('\u0000');
        findings.push({ rule: 'popup-on-load', url, locator: `dialog:${g.key}`, severity: 'high', message: STR.dialog(type, g.detail ?? '', g.pages.length), evidence: { ...evidence, value: g.detail } });
      } else if (g.kind === 'zoom') {
        zoomGroups++;
        findings.push({ rule: 'zoom-disabled', url, locator: g.key, severity: 'medium', message: STR.zoom(g.key, g.detail ?? '', g.pages.length), evidence: { ...evidence, snippet: `<meta name="viewport" content="${g.key}">` }, refs: [standard(CAMPAIGN), standard('WCAG 2.1', '1.4.4 调整文本大小（AA 级）')] });
      }
    }

    const data: AgeFriendlyData = { pagesChecked: pages.length, popups: popupGroups, floating: floatGroups, smallFont, zoomBlocked: zoomGroups, pages: rows };
    return { findings, data };
  },
});
