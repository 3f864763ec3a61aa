/**
 * Finds the Chromium (or Chrome) the browser audits drive: CHROME_PATH first, then the usual
 * system paths. Injectable (env, candidates, exists) so a test can simulate a machine
 * without a browser.
 *
 * The audits prefer Chromium's headless shell (Debian's chromium-headless-shell, installed by
 * `npm run setup`): the same Blink and V8 as the full browser, without the browser UI layer
 * (history, profiles, extensions) that a full headless Chromium still runs for every
 * navigation. It halves the CPU a page costs here, so the pool audits ~1.7× the pages per
 * minute (bench:browser). Extensions only load in the full browser: `findFullBrowser`.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { basename } from 'node:path';

/**
 * Debian's /usr/bin/chromium-headless-shell is a wrapper script that does not exec: the binary
 * itself comes first, so the pool's pid is the browser's (a wedged browser must be killable).
 */
export const SHELL_CANDIDATES = ['/usr/lib/chromium/chromium-headless-shell', '/usr/bin/chromium-headless-shell', '/usr/bin/chrome-headless-shell'] as const;
export const FULL_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'] as const;
export const DEFAULT_CANDIDATES = [...SHELL_CANDIDATES, ...FULL_CANDIDATES] as const;

export class BrowserNotFoundError extends Error {
  override name = 'BrowserNotFoundError';
  constructor(readonly tried: string[]) {
    super(
      `找不到 Chromium/Chrome（已查找：${tried.join('、') || '无'}）：请运行 \`npm run setup\` 安装，或用 CHROME_PATH 指定浏览器程序；` +
        '本次跳过浏览器检查（无障碍、适老化、Lighthouse） (no Chromium/Chrome found)',
    );
  }
}

export interface FindOptions {
  /** Default: process.env. Only CHROME_PATH is read. */
  env?: Record<string, string | undefined>;
  /** Paths tried after CHROME_PATH. Default: DEFAULT_CANDIDATES. */
  candidates?: readonly string[];
  /** Whether a path is an executable file. Default: the file system. */
  exists?: (path: string) => boolean;
}

/** A function that returns the browser binary, or throws BrowserNotFoundError. */
export type BrowserFinder = () => string;

export function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether a binary is a headless shell (no extensions, no headful mode). */
export const isHeadlessShell = (path: string): boolean => /headless[-_]shell/i.test(basename(path));

export function findBrowser(o: FindOptions = {}): string {
  const env = o.env ?? process.env;
  const exists = o.exists ?? isExecutable;
  const tried: string[] = [];
  for (const p of [env.CHROME_PATH, ...(o.candidates ?? DEFAULT_CANDIDATES)]) {
    if (!p) continue;
    tried.push(p);
    if (exists(p)) return p;
  }
  throw new BrowserNotFoundError(tried);
}

/** A full Chromium/Chrome (for loading the extension): CHROME_PATH unless it is a headless shell. */
export function findFullBrowser(o: FindOptions = {}): string {
  const env = o.env ?? process.env;
  const chromePath = env.CHROME_PATH && !isHeadlessShell(env.CHROME_PATH) ? env.CHROME_PATH : undefined;
  return findBrowser({ ...o, env: { CHROME_PATH: chromePath }, candidates: o.candidates ?? FULL_CANDIDATES });
}
