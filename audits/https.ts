/**
 * https — the site's own HTTPS certificates (seed task 27: 安全保障). A certificate that has
 * expired, is self-signed, lacks its intermediate certificates or names another domain makes
 * every browser warn the visitor off, or refuse the page. The crawl records the problem per
 * host (src/gather/http.ts) and goes on as a visitor clicking through the warning would, so the
 * other audits still judge the site; this audit reports it.
 */
import { z } from 'zod';
import { defineAudit, type FindingDraft, type RuleRef } from '../src/audit/types.ts';
import { guideline, seedTask } from './rules/refs.ts';

const REFS: RuleRef[] = [seedTask(27), guideline('安全防护 — 加强网站安全保障，使用有效的数字证书（HTTPS）')];

export interface HttpsData {
  hostsChecked: number;
  invalid: { host: string; code: string; message: string }[];
}

export default defineAudit({
  meta: {
    id: 'https',
    title: { zh: 'HTTPS 证书', en: 'HTTPS certificates' },
    description: '检查本站各主机的 HTTPS 证书：过期、自签名、证书链不完整、与域名不符都会让浏览器拦截或警告访问者。',
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
    const hosts = new Set(artifacts.pages.filter((p) => p.url.startsWith('https:')).map((p) => new URL(p.url).host));
    const data: HttpsData = { hostsChecked: hosts.size, invalid: problems.map(({ host, code, message }) => ({ host, code, message })) };
    return { findings, data };
  },
});
