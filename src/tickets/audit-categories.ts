/**
 * Which national 找错 category a finding of each audit files under. Pure data, shared by the
 * tickets filed from audit runs (from-audit.ts, overridable by tickets.fromAudits.categories)
 * and the extension's page check (本页体检), which files the same findings by hand.
 */
import type { Category } from './model.ts';

export const DEFAULT_AUDIT_CATEGORIES: Record<string, Category> = {
  links: '内容无法访问',
  ipv6: '内容无法访问',
  columns: '信息不更新',
  freshness: '信息不更新',
  'service-guides': '信息不更新',
  interaction: '咨询留言不回复',
  wording: '错别字',
  privacy: '内容不准确',
  identity: '内容不准确',
  integrity: '虚假伪造内容',
};
