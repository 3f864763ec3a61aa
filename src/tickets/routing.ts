/** The responsible division (责任处室) of a ticket: the config's column map, then the longest URL prefix, then the default. */
import type { Config } from '../config/schema.ts';
import { divisionFor } from '../config/divisions.ts';
import { TicketError } from './model.ts';

export function routeDivision(config: Config, pageUrl: string | null | undefined, column?: string | null): string {
  return (pageUrl || column ? divisionFor(config, pageUrl ?? '', column ?? undefined) : undefined) ?? config.divisions.default;
}

/** Every division the config names (for forms and token checks). */
export function knownDivisions(config: Config): string[] {
  const d = config.divisions;
  return [...new Set([d.default, ...Object.values(d.prefixes), ...Object.values(d.columns), ...d.others])];
}

/**
 * A division typed by a person (转办, a ticket filed with a division) must be one the config
 * names: a typo would hand the ticket to nobody, and its deadline would pass unseen.
 */
export function checkDivision(config: Config, division: string): string {
  const name = division.trim();
  const known = knownDivisions(config);
  if (!name) throw new TicketError('请选择责任处室（division must not be empty）', 400);
  if (!known.includes(name)) {
    throw new TicketError(
      `责任处室“${name}”未在配置中登记，不能转办到该处室。已登记的处室：${known.join('、')}。如需新增，请在配置文件的 divisions.others（或 divisions.prefixes / divisions.columns）中加入“${name}”后重启服务（unknown division; add it to divisions.others in the config）`,
      422,
    );
  }
  return name;
}
