/**
 * Figures more than one part of the report shows, computed once so they agree: the overview's
 * 不可用链接 card, the links section, the task matrix and the trends all show this number.
 */
import type { LinksData } from '../../audits/links.ts';
import type { Report } from './schema.ts';

/**
 * 不可用链接: what the links audit counts and deducts for — broken targets some page links to,
 * plus missing page anchors. A report whose links audit did not run: the crawl's broken targets.
 */
export function brokenLinks(r: Report): number {
  const d = r.audits.find((a) => a.id === 'links' && a.status === 'ran')?.data as Partial<LinksData> | undefined;
  return typeof d?.brokenTargets === 'number' ? d.brokenTargets : r.summary.broken;
}
