/**
 * The zhaocuo package's folder, found from this module's location by walking up to the
 * package.json named "zhaocuo". Files the runner reads at run time (rule data, package.json,
 * the PostgreSQL worker, the sources hashed into cache keys) are named from here, never from
 * `import.meta.url` of the module that reads them: the CLI runs as a bundle (bin/cli-loader.mjs)
 * whose chunks sit in a cache folder, where a module's own URL says nothing about src/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'zhaocuo') return dir;
      } catch {
        /* an unreadable package.json on the way up is not ours */
      }
    }
    if (dirname(dir) === dir) throw new Error(`zhaocuo's package.json not found above ${from}: the install is incomplete`);
  }
}

export const PACKAGE_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

/** A path inside the package, e.g. `packagePath('audits', 'rules', 'holidays.json')`. */
export const packagePath = (...parts: string[]): string => join(PACKAGE_ROOT, ...parts);
