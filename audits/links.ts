/**
 * links — 链接不可用. Every link target verified in the crawl that does not work: pages,
 * images, attachments, scripts, styles and external sites; redirect loops; anchors that the
 * target page does not have. One finding per broken target (with every page that links to
 * it), so fixing it once closes it; bot-protected targets are "blocked", not broken.
 * Inspection deduction: homepage −1 per broken link, other pages −0.1 each, capped.
 */
import { z } from 'zod';
import { defineAudit, type FindingDraft, type VerdictInputs } from '../src/audit/types.ts';
import type { LinkKind, LinkTarget, PageArtifact, StylesheetArtifact } from '../src/gather/artifacts.ts';
import { guideline, inspection, seedTask } from './rules/refs.ts';
import { forEachLinkRef } from '../src/gather/link-refs.ts';

const options = z.strictObject({
  /** Points per broken link on the homepage / on other pages [u]. */
  homepageWeight: z.number().min(0).default(1),
  otherWeight: z.number().min(0).default(0.1),
  /** Cap of the deduction for 链接不可用 [u]. */
  cap: z.number().min(0).default(5),
  /** A chain of more hops than this is reported (slow, and fragile when one hop breaks). */
  maxRedirectHops: z.number().int().min(1).default(2),
  /** Report targets that bot protection would not let us check (info). */
  reportBlocked: z.boolean().default(true),
});

const KIND_ZH: Record<LinkKind, string> = {
  a: '链接', img: '图片', script: '脚本', stylesheet: '样式表', link: '图标/预加载资源', iframe: '内嵌框架', attachment: '附件', area: '热区链接',
  form: '表单提交地址', source: '图片/音视频源', video: '视频', audio: '音频', poster: '视频封面', track: '字幕文件', object: '插件对象',
  embed: '嵌入内容', 'input-image': '图片按钮', refresh: '自动跳转', css: '样式表引用的资源',
};

export interface LinksData extends VerdictInputs {
  brokenTargets: number;
  homepageBroken: number;
  otherBroken: number;
  blocked: number;
  redirectLoops: number;
  missingAnchors: number;
  deduction: { homepage: number; other: number; total: number; cap: number; unconfirmed: true };
}

interface Referrer {
  page: string;
  text: string;
  kind: LinkKind;
  depth: number | null;
}

/**
 * Every page (or same-site stylesheet) that links to each of `keys`, once each
 * (src/gather/link-refs.ts). Only the entries a finding may name: every link of a big site
 * as an object would be a million of them.
 */
function referrersOf(a: { pages: PageArtifact[]; stylesheets?: StylesheetArtifact[] }, keys: Set<string>): Map<string, Referrer[]> {
  const map = new Map<string, Referrer[]>();
  forEachLinkRef(a, (r) => {
    if (!keys.has(r.key)) return;
    const ref = { page: r.from, text: r.text, kind: r.kind, depth: r.depth };
    const list = map.get(r.key);
    if (list) list.push(ref);
    else map.set(r.key, [ref]);
  });
  return map;
}

const round = (n: number) => Math.round(n * 100) / 100;

export default defineAudit({
  meta: {
    id: 'links',
    title: { zh: '链接可用性', en: 'Broken links' },
    description: '首页及其他页面的链接、图片、附件、外部链接不可用；重定向循环；页内锚点缺失。',
    refs: [inspection('可用性 — 链接不可用（首页每个扣1分，其他页面每个扣0.1分）', true), guideline('网站功能 — 信息发布：确保链接可用'), seedTask(27)],
    severity: 'medium',
    requires: ['pages', 'targets'],
    options,
  },
  run({ artifacts, options: o }) {
    const { pages, targets } = artifacts;
    const homepage = pages.find((p) => p.depth === 1);
    // The entries a finding may be about: failing, blocked or long-redirecting targets, missing anchors.
    const wanted = new Set<string>();
    for (const t of targets as LinkTarget[]) {
      if (t.fragment !== undefined) continue;
      if (t.state === 'broken' || (t.state === 'blocked' && o.reportBlocked) || (t.state === 'ok' && t.redirects.length > o.maxRedirectHops)) wanted.add(t.url);
      // (A target nobody links to is passed over, its missing anchors too.)
      if (t.missingFragments?.length) wanted.add(t.url);
      for (const frag of t.missingFragments ?? []) wanted.add(`${t.url}#${frag}`);
    }
    const refs = referrersOf(artifacts, wanted);
    const findings: FindingDraft[] = [];
    const homeBroken = new Set<string>();
    const otherBroken = new Set<string>();
    let blocked = 0;
    let loops = 0;
    let anchors = 0;

    const count = (key: string, from: Referrer[]) => {
      if (homepage && from.some((r) => r.page === homepage.url)) homeBroken.add(key);
      else otherBroken.add(key);
    };

    for (const t of targets as LinkTarget[]) {
      // A fragment entry is reported as a missing anchor (below, from its target's list), once.
      if (t.fragment !== undefined) continue;
      const from = refs.get(t.url) ?? [];
      if (!from.length) continue; // redirect hops and robots/sitemap files nobody links to
      const first = from[0];
      const onHome = Boolean(homepage && from.some((r) => r.page === homepage.url));
      const kindZh = KIND_ZH[first.kind] ?? '链接';
      const evidence = {
        target: t.url,
        status: t.status,
        error: t.error,
        anchorText: first.text,
        pages: from.map((r) => r.page),
        pageCount: from.length,
        redirects: t.redirects.length ? [...t.redirects, t.finalUrl] : undefined,
      };
      if (t.state === 'broken') {
        count(t.url, from);
        if (t.redirectLoop) loops++;
        const why = t.redirectLoop ? '重定向循环' : t.error ? t.error : `HTTP ${t.status}`;
        // An href no browser can load as written (not an http(s) URL): the page's markup is wrong.
        const malformed = !/^https?:\/\//i.test(t.url);
        findings.push({
          rule: t.redirectLoop ? 'redirect-loop' : malformed ? 'malformed-link' : 'broken-link',
          url: onHome ? homepage!.url : first.page,
          locator: t.url,
          severity: onHome || (t.internal && first.kind === 'a') ? 'high' : 'medium',
          message: malformed
            ? `${kindZh}地址写错了（${why}）：${t.url}，出现在 ${from.length} 个页面${onHome ? '，含首页' : ''}`
            : `${kindZh}不可用（${why}）：${t.url}，被 ${from.length} 个页面引用${onHome ? '，含首页' : ''}`,
          evidence,
          deduction: onHome ? o.homepageWeight : o.otherWeight,
        });
      } else if (t.state === 'blocked' && o.reportBlocked) {
        blocked++;
        findings.push({
          rule: 'blocked-link',
          url: first.page,
          locator: t.url,
          severity: 'info',
          message: `${kindZh}被对方站点拦截，无法自动核验（HTTP ${t.status}）：${t.url}，请人工确认`,
          evidence,
        });
      } else if (t.state === 'ok' && t.redirects.length > o.maxRedirectHops) {
        findings.push({
          rule: 'redirect-chain',
          url: first.page,
          locator: t.url,
          severity: 'low',
          message: `${kindZh}经过 ${t.redirects.length} 次重定向才到达 ${t.finalUrl}，请直接链接最终地址`,
          evidence,
        });
      }
      for (const frag of t.missingFragments ?? []) {
        const fromFrag = refs.get(`${t.url}#${frag}`) ?? [];
        if (!fromFrag.length) continue;
        anchors++;
        count(`${t.url}#${frag}`, fromFrag);
        const onHomeFrag = Boolean(homepage && fromFrag.some((r) => r.page === homepage.url));
        findings.push({
          rule: 'missing-anchor',
          url: fromFrag[0].page,
          locator: `${t.url}#${frag}`,
          severity: 'medium',
          message: `页内锚点不存在：${t.url}#${frag}（目标页面没有 id 或 name 为“${frag}”的元素）`,
          evidence: { ...evidence, target: `${t.url}#${frag}`, anchorText: fromFrag[0].text, pages: fromFrag.map((r) => r.page), pageCount: fromFrag.length },
          deduction: onHomeFrag ? o.homepageWeight : o.otherWeight,
        });
      }
    }

    // A site that answers pages that do not exist with 200 hides its broken links from every
    // checker that trusts the status (and search engines index its error page).
    const sp = artifacts.soft404;
    if (sp && sp.status === 200) {
      findings.push({
        rule: 'soft-404-site',
        url: artifacts.site.startUrl,
        locator: 'soft-404',
        severity: 'medium',
        message: `网站对不存在的页面返回 HTTP 200（软 404）${sp.finalUrl !== sp.url ? `，并跳转到 ${sp.finalUrl}` : ''}${sp.title ? `，页面标题“${sp.title.slice(0, 40)}”` : ''}：检查工具和搜索引擎难以发现失效链接。本次检查已按错误页识别失效链接；请让不存在的页面返回 404 状态码。`,
        evidence: { target: sp.url, status: sp.status, ...(sp.finalUrl !== sp.url ? { redirects: [sp.url, sp.finalUrl] } : {}) },
      });
    }

    const home = homeBroken.size * o.homepageWeight;
    const other = otherBroken.size * o.otherWeight;
    const data: LinksData = {
      brokenTargets: homeBroken.size + otherBroken.size,
      homepageBroken: homeBroken.size,
      otherBroken: otherBroken.size,
      blocked,
      redirectLoops: loops,
      missingAnchors: anchors,
      deduction: { homepage: round(home), other: round(other), total: round(Math.min(o.cap, home + other)), cap: o.cap, unconfirmed: true },
      deductions: [{ item: '链接不可用', points: round(Math.min(o.cap, home + other)), cap: o.cap, unconfirmed: true }],
    };
    return { findings, data };
  },
});
