/**
 * A test-only hook (ZHAOCUO_TEST_PAUSE_BEFORE_TICKETS=<file>): auditSite stops between storing
 * a run and filing its tickets, writes the run id to <file> and goes on once the file is removed,
 * so a test can stop PostgreSQL at that very point (tests/distributed-postgres.test.ts). Unset in
 * every real use; it costs nothing then.
 */
import { existsSync, writeFileSync } from 'node:fs';

export async function pauseForTest(file: string, runId: number): Promise<void> {
  writeFileSync(file, String(runId));
  while (existsSync(file)) await new Promise((r) => setTimeout(r, 50));
}
