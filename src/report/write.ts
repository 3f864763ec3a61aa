/** Writes report.json and index.html so that a reader never sees a half-written report. */
import { accessSync, constants, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../config/errors.ts';
import { pidAlive } from '../store/liveness.ts';
import { renderHtml, type ReportExtras } from './html.ts';
import type { Report } from './schema.ts';
import { writeJsonFile } from './json-stream.ts';

/** Fails early (before a long crawl) when the out dir cannot be written. */
export function ensureWritableDir(dir: string): string {
  const abs = resolve(dir);
  try {
    // Walk up to the first existing folder ourselves: Node 20's recursive mkdir never returns
    // under some virtual file systems (/proc), and a cron job must not hang on a typo.
    const missing: string[] = [];
    let cur = abs;
    while (!existsSync(cur)) {
      missing.unshift(cur);
      const up = dirname(cur);
      if (up === cur) break;
      cur = up;
    }
    if (!statSync(cur).isDirectory()) throw Object.assign(new Error(`${cur} 不是文件夹`), { code: 'ENOTDIR' });
    accessSync(cur, constants.W_OK);
    for (const m of missing) mkdirSync(m);
    accessSync(abs, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOTDIR' ? 'a file is in the way' : code === 'ENOENT' ? 'the folder cannot be created there' : (err as Error).message;
    throw new UsageError(`无法把报告写入 ${abs}：${why}，请换一个 --out 目录 (cannot write reports)`);
  }
  return abs;
}

/**
 * Removes the `<file>.tmp-<pid>` files a killed writer left in `dir` (its pid is gone), so a
 * report folder holds only whole files; a live writer's (this process's too) are left to it.
 */
export function removeStaleTemps(dir: string): number {
  let n = 0;
  for (const name of readdirSync(dir)) {
    const m = /\.tmp-(\d+)$/.exec(name);
    if (!m || pidAlive(Number(m[1]))) continue;
    rmSync(join(dir, name), { force: true, recursive: true });
    n++;
  }
  return n;
}

/**
 * `extras` (the runs before and the site's tickets, from the store) add the trends and the
 * 找错 on-time rate; without them the report says where to get them (`zhaocuo report`).
 */
export function writeReport(dir: string, report: Report, extras: ReportExtras = {}): { json: string; html: string } {
  const abs = ensureWritableDir(dir);
  removeStaleTemps(abs);
  const json = join(abs, 'report.json');
  const htmlPath = join(abs, 'index.html');
  const tag = `.tmp-${process.pid}`;
  try {
    writeFileSync(htmlPath + tag, renderHtml(report, extras));
    // Streamed: the whole text at once would be the run's largest allocation on a big site.
    writeJsonFile(json + tag, report);
    // report.json is renamed last: when it is there, the report is complete.
    renameSync(htmlPath + tag, htmlPath);
    renameSync(json + tag, json);
  } catch (err) {
    // A full disk or a file in the way: no half-written temp file stays behind.
    for (const f of [htmlPath + tag, json + tag]) rmSync(f, { force: true });
    throw err;
  }
  return { json, html: htmlPath };
}
