/**
 * The soft-404 rule, pure (shared by the crawl and the extension's link check): a page that
 * answered 200 but is the site's "not found" page. See soft404.ts for the probe.
 */
import type { PageArtifact } from './artifacts.ts';

export interface Soft404Probe {
  /** The made-up URL asked for. */
  url: string;
  status: number;
  finalUrl: string;
  /** Title of the answer when it was a 200 page. */
  title?: string;
}

/**
 * Titles of error pages ("404", "页面不存在" …) — an article is never titled so. A bare 404 is
 * not enough: 第404号建议 is a proposal's number.
 */
const ERROR_TITLE =
  /^\s*404(\s|$|[-_|:：])|404\s*(错误|error|not\s*found|页面)|(error|错误)\s*404|页面不存在|网页不存在|页面未找到|找不到(该|此|您要访问的)?页面|文章不存在|信息不存在|内容不存在|页面已删除|信息已删除|页面错误|错误页面|not\s*found/i;

/** Why a page that answered 200 is really the site's "not found" page, or null. */
export function soft404Reason(page: Pick<PageArtifact, 'url' | 'finalUrl' | 'title'>, probe: Soft404Probe | null): string | null {
  if (probe && probe.status === 200) {
    if (probe.finalUrl !== probe.url && page.finalUrl === probe.finalUrl) return `跳转到本站的错误页 ${probe.finalUrl}`;
    if (probe.title && page.title === probe.title) return `与不存在的页面回应相同（“${probe.title.slice(0, 40)}”）`;
  }
  if (ERROR_TITLE.test(page.title)) return `页面标题显示不存在（“${page.title.slice(0, 40)}”）`;
  return null;
}
