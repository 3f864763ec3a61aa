/** A CLI process whose run crashes in a given way (argv: db path, how), for tests/cli-crash.test.ts. */
import { installCrashHandlers } from '../../src/cli/index.ts';
import { runStarted } from '../../src/run/active-runs.ts';
import { openDb } from '../../src/store/db.ts';
import { beginRun } from '../../src/store/runs.ts';

const [dbPath, how] = process.argv.slice(2);
const db = openDb(dbPath);
runStarted(db, beginRun(db, 'http://127.0.0.1:9', 'http://127.0.0.1:9/', '2026-12-04'));
installCrashHandlers(() => false);
if (how === 'reject') void Promise.reject(new Error('boom in a page handler'));
else if (how === 'throw') setTimeout(() => { throw new Error('boom in a timer'); }, 1);
else await new Promise(() => undefined); // 'stall': nothing left to run, nothing settled
