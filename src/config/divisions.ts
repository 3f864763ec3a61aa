/** Routes a finding to its responsible division (责任处室) from the site config. */
import type { Config } from './schema.ts';

export function divisionFor(config: Config, url: string, column?: string): string | undefined {
  const d = config.divisions;
  if (column && d.columns[column]) return d.columns[column];
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  let best: string | undefined;
  let bestLen = -1;
  for (const [prefix, division] of Object.entries(d.prefixes)) {
    if (path.startsWith(prefix) && prefix.length > bestLen) {
      best = division;
      bestLen = prefix.length;
    }
  }
  return best;
}
