/**
 * Which national 找错 category a finding of each audit files under. Pure data, shared by the
 * tickets filed from audit runs (from-audit.ts, overridable by tickets.fromAudits.categories)
 * and the extension's page check (本页体检), which files the same findings by hand.
 */
import type { Category } from './model.ts';

export const DEFAULT_AUDIT_CATEGORIES: Record<string, Category> = {
  links: '内容无法访问',
  ipv6: '内容无法访问',
  availability: '内容无法访问',
  https: '内容无法访问',
  columns: '信息不更新',
  freshness: '信息不更新',
  'service-guides': '信息不更新',
  interaction: '咨询留言不回复',
  wording: '错别字',
  privacy: '内容不准确',
  identity: '内容不准确',
  integrity: '虚假伪造内容',
};

/**
 * The verdict's veto findings (rule `veto-<item>`) file under the category of what tripped the
 * veto: 严重问题 under that of the audit that found it (wording, integrity, links …).
 */
export const VETO_CATEGORIES: Record<string, Category> = {
  站点无法访问: '内容无法访问',
  首页不更新: '信息不更新',
  栏目不更新: '信息不更新',
  互动回应差: '咨询留言不回复',
  服务不实用: '信息不更新',
  严重问题: '内容不准确',
};

/** The category of a finding: by audit; a veto by its item (and, for 严重问题, its first source audit with one). */
export function categoryOf(f: { audit: string; rule: string; evidence?: Record<string, unknown> }, categories: Record<string, Category> = DEFAULT_AUDIT_CATEGORIES): Category {
  if (f.audit === 'verdict' && f.rule.startsWith('veto-')) {
    const item = f.rule.slice('veto-'.length);
    const sources = Array.isArray(f.evidence?.sources) ? (f.evidence.sources as unknown[]).filter((x): x is string => typeof x === 'string') : [];
    if (item === '严重问题') for (const s of sources) if (categories[s] && categories[s] !== '其他') return categories[s];
    return VETO_CATEGORIES[item] ?? categories.verdict ?? '其他';
  }
  return categories[f.audit] ?? '其他';
}
