/** A bug that escapes every handler: one clear line, the run failed in the store, exit 4. */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const FIXTURE = join(import.meta.dirname, 'helpers', 'crash-fixture.ts');
const dir = mkdtempSync(join(tmpdir(), 'zc-crash-'));

const crash = (how: string) =>
  new Promise<{ code: number | null; stderr: string; db: string }>((resolve) => {
    const db = join(dir, `${how}.db`);
    execFile(process.execPath, ['--import', 'tsx', FIXTURE, db, how], { timeout: 50_000 }, (err, _out, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stderr, db }));
  });

describe('crash handlers', () => {
  for (const [how, what, detail] of [
    ['reject', 'unhandled rejection', 'boom in a page handler'],
    ['throw', 'uncaught exception', 'boom in a timer'],
    ['stall', 'stalled', 'never settles'],
  ] as const) {
    it(`${what}: one line, exit 4, the run failed`, async () => {
      const r = await crash(how);
      expect(r.code).toBe(4);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('内部错误，本次审计失败');
      expect(lines[0]).toContain(detail);
      const run = new Database(r.db).prepare('SELECT status, error FROM runs').get() as { status: string; error: string };
      expect(run.status).toBe('failed');
      expect(run.error).toContain(what);
    }, 60_000); // a tsx child on a loaded machine takes seconds to start
  }
});
