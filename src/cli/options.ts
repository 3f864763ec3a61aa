/** Parsers for CLI option values: a bad value is a usage error that names the flag. */
import { InvalidArgumentError } from 'commander';
import { SEVERITIES, type Severity } from '../audit/types.ts';

export function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

export function seconds(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected seconds, e.g. 15');
  return n;
}

export function severity(v: string): Severity {
  if (!(SEVERITIES as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected one of ${SEVERITIES.join(', ')}`);
  return v as Severity;
}

export function isoDate(v: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v))) throw new InvalidArgumentError('expected a date as YYYY-MM-DD');
  return v;
}

export function hostPort(v: string): string {
  if (!/^(\[[0-9a-fA-F:]+\]|[^\s:]+)(:\d{1,5})?$/.test(v)) throw new InvalidArgumentError('expected HOST:PORT, e.g. 127.0.0.1:5353');
  return v;
}
