/** The responsible division (责任处室) of a ticket: the config's column map, then the longest URL prefix, then the default. */
import type { Config } from '../config/schema.ts';
import { divisionFor } from '../config/divisions.ts';

export function routeDivision(config: Config, pageUrl: string | null | undefined, column?: string | null): string {
  return (pageUrl || column ? divisionFor(config, pageUrl ?? '', column ?? undefined) : undefined) ?? config.divisions.default;
}

/** Every division the config names (for forms and token checks). */
export function knownDivisions(config: Config): string[] {
  const d = config.divisions;
  return [...new Set([d.default, ...Object.values(d.prefixes), ...Object.values(d.columns)])];
}
