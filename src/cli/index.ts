/** The zhaocuo command line. Exit codes: 0 ok, 1 findings at/above --fail-on, 2 usage or config error, 3 the site could not be audited, 4 internal error (a bug: the run is marked failed). */
import { CommanderError, type Command } from 'commander';
import { ZhCommand, useChineseHelp } from './zh-help.ts';
import { UsageError } from '../config/errors.ts';
import { StartUrlError } from '../gather/crawl.ts';
import { dbUsageError } from '../store/db-errors.ts';
import { VERSION } from '../report/build.ts';
import { failActiveRuns } from '../run/active-runs.ts';
import { RedisUnavailableError } from '../distributed/redis-url.ts';

/**
 * Each command's module, loaded only when that command runs: a command's module brings its
 * whole stack (the server's, the report's, BullMQ), and loading all of them cost every run
 * ~50 MB of memory and a second of start-up. Help, --version and unknown commands load all.
 */
const COMMANDS: Record<string, () => Promise<(program: Command) => void>> = {
  audit: async () => (await import('./audit.ts')).registerAudit,
  probe: async () => (await import('./probe.ts')).registerProbe,
  runs: async () => (await import('./runs.ts')).registerRuns,
  start: async () => (await import('./start.ts')).registerStart,
  sample: async () => (await import('./sample.ts')).registerSample,
  serve: async () => (await import('./serve.ts')).registerServe,
  tickets: async () => (await import('./tickets.ts')).registerTickets,
  tokens: async () => (await import('./tokens.ts')).registerTokens,
  report: async () => (await import('./report.ts')).registerReport,
  annual: async () => (await import('./annual.ts')).registerAnnual,
  sites: async () => (await import('./sites.ts')).registerSites,
  schedule: async () => (await import('./schedule.ts')).registerSchedule,
  worker: async () => (await import('./worker.ts')).registerWorker,
};

/** The program with every command, or with `only` the one named (when it is one). */
export async function buildProgram(only?: string): Promise<Command> {
  const program = useChineseHelp(new ZhCommand('zhaocuo'), VERSION)
    .description('找错 — 按国家政府网站检查的标准检查政府网站，并把问题转为找错工单')
    .exitOverride();
  const names = only && Object.hasOwn(COMMANDS, only) ? [only] : Object.keys(COMMANDS);
  for (const register of await Promise.all(names.map((n) => COMMANDS[n]()))) register(program);
  return program;
}

export async function main(argv = process.argv): Promise<number> {
  try {
    // The command is the first argument (zhaocuo has no options before it but --help/--version).
    await (await buildProgram(argv[2])).parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? 0 : 2;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`zhaocuo: ${err.message}\n`);
      return 2;
    }
    // A database error the user can fix (damaged, locked, read-only file) after it was opened.
    const dbErr = dbUsageError(err);
    if (dbErr) {
      process.stderr.write(`zhaocuo: ${dbErr.message}\n`);
      return 2;
    }
    if (err instanceof RedisUnavailableError) {
      process.stderr.write(`zhaocuo: ${err.message}\n`);
      return 3;
    }
    if (err instanceof StartUrlError) {
      process.stderr.write(`zhaocuo: ${err.message}\n`);
      return 3;
    }
    process.stderr.write(`zhaocuo: 意外错误（unexpected error）：${(err as Error).stack ?? err}\n`);
    return 3;
  }
}

/** Exit code of a bug that escaped every handler. */
export const EXIT_INTERNAL = 4;

/**
 * The last line of defence: an error no code caught, or a run whose promise never settles
 * (the event loop empties while main() is still waiting), is one clear line on stderr, the
 * unfinished runs marked failed in the store, and exit 4, never a silent success or hang.
 */
export function installCrashHandlers(settled: () => boolean): void {
  const crash = (what: string, err: unknown) => {
    const msg = String((err as Error)?.message ?? err).split('\n')[0];
    failActiveRuns(`${what}: ${msg}`);
    process.stderr.write(`zhaocuo: 内部错误，本次审计失败（internal error, run failed — ${what}: ${msg}）\n`);
    process.exit(EXIT_INTERNAL);
  };
  process.on('unhandledRejection', (err) => crash('unhandled rejection', err));
  process.on('uncaughtException', (err) => crash('uncaught exception', err));
  process.on('beforeExit', () => {
    if (!settled()) crash('stalled', new Error('a step never finished (a promise that never settles)'));
  });
}

const isMain = process.argv[1] && /cli[\\/]index\.ts$/.test(process.argv[1]);
if (isMain) {
  let done = false;
  installCrashHandlers(() => done);
  main().then((code) => {
    done = true;
    process.exit(code);
  });
}
