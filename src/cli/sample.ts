/**
 * The bundled sample portal (示例省海洋与渔业局) as `zhaocuo start` audits it and as
 * `zhaocuo sample serve` keeps it up: the same pages (pages, seed, date), on the same stable
 * ports (src/sample-portal/ports.ts), under the same name, answered by a loopback DNS server.
 */
import { isPostgresUrl } from '../store/db.ts';
import type { Command } from 'commander';
import { dirname } from 'node:path';
import { loadConfig } from '../config/load.ts';
import { todayIn } from '../tickets/zoned.ts';
import type { SamplePortal } from '../sample-portal/server.ts';
import type { TestDns } from '../sample-portal/dns.ts';
import { portsFile, type SamplePorts } from '../sample-portal/ports.ts';
import { positiveInt } from './options.ts';

export const SAMPLE_HOST = 'hyj.example.gov.cn';
export const SAMPLE_NAME = '示例省海洋与渔业局';

export interface SampleOptions {
  pages: number;
  seed: number;
  today: string;
  /** the database the runs go to: the ports are kept in its folder */
  db: string;
  /** --port: the portal's port (the external site takes the next one); else the stored or default pair */
  port?: number;
}

export interface RunningSample {
  portal: SamplePortal;
  dns: TestDns;
  ports: SamplePorts;
  /** http://hyj.example.gov.cn:PORT/ */
  url: string;
  /** a line saying the sample moved off its usual ports, or null */
  movedNote: string | null;
  close(): Promise<void>;
}

/** Serves the sample portal and its external site on stable ports, plus the DNS server that names it. */
export async function startSample(o: SampleOptions): Promise<RunningSample> {
  // Loaded on demand: only `start` and `sample serve` need the generator and the DNS server.
  const { startSamplePortal } = await import('../sample-portal/server.ts');
  const { startDnsServer } = await import('../sample-portal/dns.ts');
  const { startOnStablePorts } = await import('../sample-portal/ports.ts');
  // The ports are kept beside a SQLite file; with a PostgreSQL store, in data/.
  const dataDir = isPostgresUrl(o.db) ? 'data' : dirname(o.db);
  const requested = o.port ? { portal: o.port, external: o.port + 1 } : undefined;
  const started = await startOnStablePorts(
    dataDir,
    (p) => startSamplePortal({ pages: o.pages, seed: o.seed, today: o.today, host: 'both', port: p.portal, externalPort: p.external }),
    requested,
  );
  const portal = started.value;
  const movedNote = started.moved
    ? `端口 ${started.moved.portal}/${started.moved.external} 已被占用，示例网站改用 ${started.ports.portal}/${started.ports.external}` +
      (requested ? '（本次运行不计入之前的趋势）' : `（由数据目录决定，已记入 ${portsFile(dataDir)}，以后的运行沿用；本次运行不计入之前的趋势）`)
    : null;
  const dns = await startDnsServer({
    [SAMPLE_HOST]: { A: ['127.0.0.1'], AAAA: ['::1'] },
    'example.gov.cn': { NS: ['ns1.example.gov.cn'] },
    'ns1.example.gov.cn': { A: ['127.0.0.1'], AAAA: ['::1'] },
  }).catch(async (err) => {
    await portal.close();
    throw err;
  });
  return {
    portal,
    dns,
    ports: started.ports,
    url: `http://${SAMPLE_HOST}:${portal.port}/`,
    movedNote,
    async close() {
      await dns.close();
      await portal.close();
    },
  };
}

/** The options `start` and `sample serve` share, so both serve the same portal. */
export function sampleOptions(cmd: Command): Command {
  return cmd
    .option('--pages <n>', '示例网站的页面数', positiveInt, 300)
    .option('--seed <n>', '生成器随机种子', positiveInt, 1)
    .option('--db <file|url>', 'SQLite 文件或 postgres:// 地址（示例网站的端口记在 SQLite 文件所在的目录，PostgreSQL 时记在 data/）', 'data/zhaocuo.db')
    .option(
      '--port <n>',
      '示例网站的端口，外部网站用下一个端口（默认 8360/8361；被占用时改用由数据目录决定的固定端口，记在数据目录的 sample-ports.json 中，以后沿用，多次运行在数据库中归为同一网站）',
      positiveInt,
    );
}

/** The date the sample's pages count from: the config's `today`, else today in the office's zone. */
export async function sampleToday(): Promise<{ today: string; config: Awaited<ReturnType<typeof loadConfig>>['config'] }> {
  const { config } = await loadConfig(undefined);
  return { today: config.today ?? todayIn(config.tickets.timezone), config };
}

export function registerSample(program: Command): void {
  const sample = program.command('sample').description('自带的示例网站（示例省海洋与渔业局）');
  sampleOptions(sample.command('serve').description('启动示例网站并保持运行（用于试用浏览器扩展），按 Ctrl-C 停止')).action(
    async (opts: { pages: number; seed: number; db: string; port?: number }) => {
      const { today } = await sampleToday();
      const s = await startSample({ ...opts, today });
      const m = s.portal.manifest;
      const port = s.portal.port;
      const lines = [
        `示例网站（${SAMPLE_NAME}，${m.htmlPageCount} 个页面，种子 ${m.seed}，日期 ${m.today}）已启动：`,
        `  网址：http://127.0.0.1:${port}/   http://[::1]:${port}/`,
        `  外部网站：${s.portal.external.url}/`,
        `  域名：${s.url}（由本机 DNS 服务器 ${s.dns.server} 解析；检查它：zhaocuo audit ${s.url} --dns-server ${s.dns.server}；`,
        `        浏览器以域名打开：chromium --host-resolver-rules="MAP ${SAMPLE_HOST} 127.0.0.1"）`,
        `  试用扩展：在扩展的设置页“门户网站”中填 http://127.0.0.1:${port}，保存后打开上面的网址`,
        `按 Ctrl-C 停止。`,
      ];
      if (s.movedNote) process.stderr.write(`zhaocuo：${s.movedNote}\n`);
      process.stdout.write(lines.join('\n') + '\n');
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await s.close();
      process.stdout.write('示例网站已停止。\n');
    },
  );
}
