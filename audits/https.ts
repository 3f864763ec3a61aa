/**
 * https — the site's own HTTPS certificates (seed task 27: 安全保障). A certificate that has
 * expired, is self-signed, lacks its intermediate certificates or names another domain makes
 * every browser warn the visitor off, or refuse the page. The crawl records the problem per
 * host (src/gather/http.ts) and goes on as a visitor clicking through the warning would, so the
 * other audits still judge the site; this audit reports it. It also reports mixed content:
 * HTTPS pages that load scripts, styles, frames or images over plain HTTP.
 */
import { z } from 'zod';
import { defineAudit, type FindingDraft, type RuleRef } from '../src/audit/types.ts';
import { guideline, seedTask } from './rules/refs.ts';

const REFS: RuleRef[] = [seedTask(27), guideline('安全防护 — 加强网站安全保障，使用有效的数字证书（HTTPS）')];

export interface HttpsData {
  hostsChecked: number;
  invalid: { host: string; code: string; message: string }[];
  /** Resources HTTPS pages load over plain HTTP. */
  mixedContent: number;
}

/** Kinds of link a page loads by itself (not the ones a visitor follows, not form actions). */
const MIXED_KINDS = new Set(['script', 'stylesheet', 'link', 'css', 'iframe', 'object', 'embed', 'track', 'img', 'source', 'video', 'audio', 'poster', 'input-image']);
/** Images and media: the browser upgrades or shows them and marks the page; the others it blocks. */
const PASSIVE = new Set(['img', 'source', 'video', 'audio', 'poster', 'input-image']);
const KIND_ZH: Record<string, string> = { script: '脚本', stylesheet: '样式表', link: '图标或预加载资源', css: '样式表中的资源', iframe: '内嵌页面', object: '插件对象', embed: '嵌入内容', track: '字幕', img: '图片', source: '图片或音视频', video: '视频', audio: '音频', poster: '视频封面', 'input-image': '图片按钮' };

export default defineAudit({
  meta: {
    id: 'https',
    title: { zh: 'HTTPS 证书', en: 'HTTPS certificates' },
    description: '检查本站各主机的 HTTPS 证书：过期、自签名、证书链不完整、与域名不符都会让浏览器拦截或警告访问者；以及 HTTPS 页面通过 HTTP 加载的脚本、样式、内嵌页面和图片（混合内容）。',
    refs: REFS,
    severity: 'high',
    requires: ['pages'],
    options: z.strictObject({}),
  },
  run({ artifacts }) {
    const findings: FindingDraft[] = [];
    const problems = artifacts.tls ?? [];
    for (const t of problems) {
      findings.push({
        rule: 'tls-invalid',
        url: t.url,
        locator: `host:${t.host}`,
        severity: 'high',
        message: `${t.host} 的${t.message}：访问者的浏览器会显示“不安全”警告或拒绝打开网站。请更换有效证书，并部署完整的证书链。`,
        refs: REFS,
        evidence: { host: t.host, code: t.code, error: t.message },
      });
    }
    // Mixed content: an HTTPS page loading scripts, styles, frames or images over plain HTTP.
    // Browsers block the active ones and mark the page 不安全; one finding per resource, listing its pages.
    const mixed = new Map<string, { kind: string; pages: string[] }>();
    for (const p of artifacts.pages) {
      if (!(p.finalUrl || p.url).startsWith('https:')) continue;
      for (const l of p.links) {
        if (!MIXED_KINDS.has(l.kind) || !l.url.startsWith('http:')) continue;
        const m = mixed.get(l.url) ?? { kind: l.kind, pages: [] };
        if (m.pages.at(-1) !== p.url) m.pages.push(p.url); // pages come one at a time
        mixed.set(l.url, m);
      }
    }
    for (const [url, m] of mixed) {
      const active = !PASSIVE.has(m.kind);
      findings.push({
        rule: 'mixed-content',
        url: m.pages[0],
        locator: url,
        severity: active ? 'medium' : 'low',
        message: `${m.pages.length > 1 ? `${m.pages.length} 个 HTTPS 页面` : 'HTTPS 页面'}通过不加密的 HTTP 加载${KIND_ZH[m.kind] ?? '资源'} ${url}：${active ? '浏览器会拦截它，页面功能或样式可能失效' : '浏览器会把页面标为“不安全”'}。请改用 https:// 地址。`,
        refs: REFS,
        evidence: { target: url, kind: m.kind, pages: m.pages, pageCount: m.pages.length },
      });
    }
    const hosts = new Set(artifacts.pages.filter((p) => p.url.startsWith('https:')).map((p) => new URL(p.url).host));
    const data: HttpsData = { hostsChecked: hosts.size, invalid: problems.map(({ host, code, message }) => ({ host, code, message })), mixedContent: mixed.size };
    return { findings, data };
  },
});
