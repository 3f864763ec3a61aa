/** `zhaocuo tokens create|list|revoke`: personal API tokens (hashed at rest; shown once). */
import { DB_OPTION_HELP, storeFor } from '../store/target.ts';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { UsageError } from '../config/errors.ts';
import { loadConfig } from '../config/load.ts';
import { openDb } from '../store/db.ts';
import { knownDivisions } from '../tickets/routing.ts';
import { ROLES, ROLE_ZH, createToken, listTokens, revokeToken, type Role } from '../server/tokens.ts';
import { positiveInt } from './options.ts';

function role(v: string): Role {
  if (!(ROLES as readonly string[]).includes(v)) throw new InvalidArgumentError(`应为以下之一：${ROLES.join('、')}`);
  return v as Role;
}

export function registerTokens(program: Command): void {
  const tokens = program.command('tokens').description('服务器和浏览器插件使用的个人令牌');
  tokens
    .command('create')
    .description('创建令牌并只显示一次（reporter：登记并查看自己的工单；handler：办理 --division 的工单；admin：全部）')
    .requiredOption('--role <role>', 'reporter（报告人）、handler（办理人）或 admin（管理员）', role)
    .requiredOption('--name <name>', '使用人姓名，显示在工单处理记录中')
    .option('--division <division>', '办理人所在的责任处室')
    .option('--db <file|url>', DB_OPTION_HELP)
    .option('-c, --config <file>', '站点配置文件（用于核对处室名称）')
    .option('--json', '输出 JSON')
    .action(async (o: { role: Role; name: string; division?: string; db?: string; config?: string; json?: boolean }) => {
      if (o.role === 'handler' && !o.division) throw new UsageError('a handler token needs --division (the 责任处室 whose tickets it works)');
      if (o.role !== 'handler' && o.division) throw new UsageError('--division 只用于 handler（办理人）令牌：报告人可向任何处室登记问题，管理员可见全部 (--division is only for handler tokens)');
      if (o.division) {
        const { config } = await loadConfig(o.config);
        const known = knownDivisions(config);
        if (!known.includes(o.division)) process.stderr.write(`zhaocuo：提示：配置的 divisions 中没有“${o.division}”（已有：${known.join('、')}）；工单只会分派给配置中列出的处室；如需新增，请加入配置的 divisions.others\n`);
      }
      const db = openDb(await storeFor(o.db, o.config));
      try {
        const { id, token } = createToken(db, { name: o.name, role: o.role, division: o.division });
        if (o.json) process.stdout.write(JSON.stringify({ id, token, role: o.role, name: o.name, division: o.division ?? null }) + '\n');
        else process.stdout.write(`令牌 #${id}，使用人 ${o.name}（${ROLE_ZH[o.role]}${o.division ? ` · ${o.division}` : ''}）：\n${token}\n令牌只在此显示一次（数据库只保存其哈希）。用于请求头 "Authorization: Bearer <令牌>"，或登录管理页面。\n`);
      } catch (err) {
        throw new UsageError((err as Error).message);
      } finally {
        db.close();
      }
    });
  tokens
    .command('list')
    .description('列出令牌（不显示令牌本身）')
    .option('--db <file|url>', DB_OPTION_HELP)
    .option('--json', '输出 JSON')
    .action(async (o: { db?: string; json?: boolean }) => {
      const db = openDb(await storeFor(o.db));
      const rows = listTokens(db);
      db.close();
      if (o.json) return void process.stdout.write(JSON.stringify(rows, null, 1) + '\n');
      if (!rows.length) return void process.stdout.write('还没有令牌：zhaocuo tokens create --role admin --name <姓名>\n');
      for (const t of rows) {
        process.stdout.write(`#${t.tokenId}  ${t.prefix}…  ${t.role.padEnd(8)}  ${t.name}${t.division ? ` · ${t.division}` : ''}  创建于 ${t.createdAt.slice(0, 10)}${t.lastUsedAt ? `  最近使用 ${t.lastUsedAt.slice(0, 10)}` : ''}${t.revokedAt ? '  已吊销' : ''}\n`);
      }
    });
  tokens
    .command('revoke')
    .description('吊销令牌（其管理页面登录也随之失效）')
    .argument('<id>', '令牌编号（见 tokens list）', positiveInt)
    .option('--db <file|url>', DB_OPTION_HELP)
    .action(async (id: number, o: { db?: string }) => {
      const db = openDb(await storeFor(o.db));
      const ok = revokeToken(db, id);
      db.close();
      if (!ok) throw new UsageError(`没有有效的令牌 #${id}（zhaocuo tokens list 列出令牌） (no active token)`);
      process.stdout.write(`令牌 #${id} 已吊销\n`);
    });
}
