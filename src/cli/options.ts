/** Parsers for CLI option values: a bad value is a usage error that names the flag. */
import { InvalidArgumentError } from 'commander';
import { SEVERITIES, type Severity } from '../audit/types.ts';
import { SEVERITY_ZH } from '../audit/labels.ts';

export function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('应为正整数');
  return n;
}

export function seconds(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('应为秒数，例如 15');
  return n;
}

export function severity(v: string): Severity {
  if (!(SEVERITIES as readonly string[]).includes(v)) throw new InvalidArgumentError(`应为以下之一：${SEVERITIES.map((s) => `${s}（${SEVERITY_ZH[s]}）`).join('、')}`);
  return v as Severity;
}

export function isoDate(v: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v))) throw new InvalidArgumentError('应为 YYYY-MM-DD 格式的日期');
  return v;
}

export function hostPort(v: string): string {
  if (!/^(\[[0-9a-fA-F:]+\]|[^\s:]+)(:\d{1,5})?$/.test(v)) throw new InvalidArgumentError('应为 主机:端口，例如 127.0.0.1:5353');
  return v;
}
