/**
 * Finds the Chromium (or Chrome) the browser audits drive: CHROME_PATH first, then the usual
 * system paths. Injectable (env, candidates, exists) so a test can simulate a machine
 * without a browser.
 */
import { accessSync, constants, statSync } from 'node:fs';

export const DEFAULT_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'] as const;

export class BrowserNotFoundError extends Error {
  override name = 'BrowserNotFoundError';
  constructor(readonly tried: string[]) {
    super(
      `no Chromium/Chrome found (tried ${tried.join(', ') || 'nothing'}): run \`npm run setup\` to install it, ` +
        'or set CHROME_PATH to a Chromium or Chrome binary; the browser audits (accessibility, age-friendly, lighthouse) are skipped',
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
