/** How an HTTP answer counts for a link: ok, broken, or blocked (bot protection, login). */
import type { LinkState } from './artifacts.ts';

/** Bot protection and login walls: the link may work for people; we cannot tell. */
const BLOCKED = new Set([401, 403, 429, 999]);

export function linkState(status: number, error?: string): LinkState {
  if (error || status === 0) return 'broken';
  if (BLOCKED.has(status)) return 'blocked';
  return status >= 400 ? 'broken' : 'ok';
}

/** HEAD answers after which a GET is worth trying (servers that refuse or mishandle HEAD). */
export const HEAD_REFUSED = new Set([400, 403, 404, 405, 406, 429, 500, 501, 503, 999]);
