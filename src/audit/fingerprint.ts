/**
 * Stable identity of a defect across runs: audit + rule + site-relative URL + locator.
 * Site-relative, so the same defect on two nights (or on the portal served on another port)
 * is one ticket, and its disappearance verifies the fix.
 */
import { createHash } from 'node:crypto';

export function siteRelative(url: string, siteHosts: Set<string>): string {
  try {
    const u = new URL(url);
    if (siteHosts.has(u.host.toLowerCase())) return u.pathname + u.search + u.hash;
    u.hash = '';
    return u.href;
  } catch {
    return url;
  }
}

export function fingerprint(audit: string, rule: string, url: string, locator = ''): string {
  return createHash('sha1').update(`${audit}\u0000${rule}\u0000${url}\u0000${locator}`).digest('hex').slice(0, 16);
}
