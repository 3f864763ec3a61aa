/**
 * The CLI bundle built before anything is measured. The bin bundles its sources on the first run
 * after they change (bin/cli-loader.mjs); a benchmark right after an edit would otherwise time
 * that build (1–2 s) in its first measured run, as no nightly run after the first one does.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** zhaocuo's bin, run itself as users run it: its #! line sets malloc's thresholds and V8's flags. */
export const BIN = join(import.meta.dirname, '..', 'bin', 'zhaocuo.js');

export function ensureCliBuilt(): void {
  execFileSync(BIN, ['--version'], { stdio: 'ignore' });
}
