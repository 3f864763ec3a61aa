/**
 * The CLI bundle built before anything is measured. The bin bundles its sources on the first run
 * after they change (bin/cli-loader.mjs); a benchmark right after an edit would otherwise time
 * that build (1–2 s) in its first measured run, as no nightly run after the first one does.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export function ensureCliBuilt(): void {
  execFileSync(join(import.meta.dirname, '..', 'bin', 'zhaocuo.js'), ['--version'], { stdio: 'ignore' });
}
