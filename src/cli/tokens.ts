/** `zhaocuo tokens create|list|revoke`: personal API tokens (hashed at rest; shown once). */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { UsageError } from '../config/errors.ts';
import { loadConfig } from '../config/load.ts';
import { openDb } from '../store/db.ts';
import { knownDivisions } from '../tickets/routing.ts';
import { ROLES, ROLE_ZH, createToken, listTokens, revokeToken, type Role } from '../server/tokens.ts';
import { positiveInt } from './options.ts';

function role(v: string): Role {
  if (!(ROLES as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected one of ${ROLES.join(', ')}`);
  return v as Role;
}

export function registerTokens(program: Command): void {
  const tokens = program.command('tokens').description('personal API tokens for the server and the extension');
  tokens
    .command('create')
    .description('create a token and print it once (reporter: file + read own; handler: work tickets of --division; admin: all)')
    .requiredOption('--role <role>', 'reporter, handler or admin', role)
    .requiredOption('--name <name>', "the person's name, shown in ticket history")
    .option('--division <division>', 'the division a handler works for (责任处室)')
    .option('--db <file>', 'SQLite database', 'data/zhaocuo.db')
    .option('-c, --config <file>', 'site config (to check the division name)')
    .option('--json', 'print JSON')
    .action(async (o: { role: Role; name: string; division?: string; db: string; config?: string; json?: boolean }) => {
      if (o.role === 'handler' && !o.division) throw new UsageError('a handler token needs --division (the 责任处室 whose tickets it works)');
      if (o.role !== 'handler' && o.division) throw new UsageError('--division is only for handler tokens (a reporter files for any division; an admin sees all)');
      if (o.division) {
        const { config } = await loadConfig(o.config);
        const known = knownDivisions(config);
        if (!known.includes(o.division)) process.stderr.write(`zhaocuo: note: ${o.division} is not named in the config's divisions (known: ${known.join(', ')}); tickets are routed only to named divisions\n`);
      }
      const db = openDb(o.db);
      try {
        const { id, token } = createToken(db, { name: o.name, role: o.role, division: o.division });
        if (o.json) process.stdout.write(JSON.stringify({ id, token, role: o.role, name: o.name, division: o.division ?? null }) + '\n');
        else process.stdout.write(`token #${id} for ${o.name} (${ROLE_ZH[o.role]}${o.division ? ` · ${o.division}` : ''}):\n${token}\nIt is shown only now (the database keeps its hash). Use it as "Authorization: Bearer <token>" or to log in to the dashboard.\n`);
      } catch (err) {
        throw new UsageError((err as Error).message);
      } finally {
        db.close();
      }
    });
  tokens
    .command('list')
    .description('list tokens (never the secrets)')
    .option('--db <file>', 'SQLite database', 'data/zhaocuo.db')
    .option('--json', 'print JSON')
    .action((o: { db: string; json?: boolean }) => {
      const db = openDb(o.db);
      const rows = listTokens(db);
      db.close();
      if (o.json) return void process.stdout.write(JSON.stringify(rows, null, 1) + '\n');
      if (!rows.length) return void process.stdout.write('no tokens yet: zhaocuo tokens create --role admin --name <name>\n');
      for (const t of rows) {
        process.stdout.write(`#${t.tokenId}  ${t.prefix}…  ${t.role.padEnd(8)}  ${t.name}${t.division ? ` · ${t.division}` : ''}  created ${t.createdAt.slice(0, 10)}${t.lastUsedAt ? `  used ${t.lastUsedAt.slice(0, 10)}` : ''}${t.revokedAt ? '  REVOKED' : ''}\n`);
      }
    });
  tokens
    .command('revoke')
    .description('revoke a token (its dashboard sessions end too)')
    .argument('<id>', 'token number from `tokens list`', positiveInt)
    .option('--db <file>', 'SQLite database', 'data/zhaocuo.db')
    .action((id: number, o: { db: string }) => {
      const db = openDb(o.db);
      const ok = revokeToken(db, id);
      db.close();
      if (!ok) throw new UsageError(`no active token #${id}`);
      process.stdout.write(`token #${id} revoked\n`);
    });
}
