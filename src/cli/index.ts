/** The zhaocuo command line. Exit codes: 0 ok, 1 findings at/above --fail-on, 2 usage or config error, 3 the site could not be audited. */
import { Command, CommanderError } from 'commander';
import { UsageError } from '../config/errors.ts';
import { StartUrlError } from '../gather/crawl.ts';
import { VERSION } from '../report/build.ts';
import { registerAudit } from './audit.ts';
import { registerProbe } from './probe.ts';
import { registerRuns } from './runs.ts';
import { registerStart } from './start.ts';
import { registerServe } from './serve.ts';
import { registerTickets } from './tickets.ts';
import { registerTokens } from './tokens.ts';
import { registerReport } from './report.ts';
import { registerAnnual } from './annual.ts';

export function buildProgram(): Command {
  const program = new Command('zhaocuo')
    .description('找错 — audits government portals the way the national inspection judges them')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError('(zhaocuo --help lists the commands)');
  registerAudit(program);
  registerProbe(program);
  registerRuns(program);
  registerStart(program);
  registerServe(program);
  registerTickets(program);
  registerTokens(program);
  registerReport(program);
  registerAnnual(program);
  return program;
}

export async function main(argv = process.argv): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? 0 : 2;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`zhaocuo: ${err.message}\n`);
      return 2;
    }
    if (err instanceof StartUrlError) {
      process.stderr.write(`zhaocuo: ${err.message}\n`);
      return 3;
    }
    process.stderr.write(`zhaocuo: unexpected error: ${(err as Error).stack ?? err}\n`);
    return 3;
  }
}

const isMain = process.argv[1] && /cli[\\/]index\.ts$/.test(process.argv[1]);
if (isMain) {
  main().then((code) => process.exit(code));
}
