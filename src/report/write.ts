/** Writes report.json and index.html so that a reader never sees a half-written report. */
import { accessSync, constants, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../config/errors.ts';
import { renderHtml } from './html.ts';
import type { Report } from './schema.ts';

/** Fails early (before a long crawl) when the out dir cannot be written. */
export function ensureWritableDir(dir: string): string {
  const abs = resolve(dir);
  try {
    mkdirSync(abs, { recursive: true });
    accessSync(abs, constants.W_OK);
  } catch (err) {
    throw new UsageError(`cannot write reports to ${abs}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message} (choose another --out)`);
  }
  return abs;
}

export function writeReport(dir: string, report: Report): { json: string; html: string } {
  const abs = ensureWritableDir(dir);
  const json = join(abs, 'report.json');
  const htmlPath = join(abs, 'index.html');
  const tag = `.tmp-${process.pid}`;
  writeFileSync(htmlPath + tag, renderHtml(report));
  writeFileSync(json + tag, JSON.stringify(report, null, 1));
  // report.json is renamed last: when it is there, the report is complete.
  renameSync(htmlPath + tag, htmlPath);
  renameSync(json + tag, json);
  return { json, html: htmlPath };
}
