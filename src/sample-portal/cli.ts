// Serve the sample portal until Ctrl-C, with the generator's developer options (zhaocuo sample serve
// serves the one `zhaocuo start` audits, on its stable ports):
//   tsx src/sample-portal/cli.ts --pages 500 --port 8080 [--seed N] [--today YYYY-MM-DD]
//        [--host 127.0.0.1|::1|both] [--bad-guides N] [--cdn ORIGIN] [--manifest FILE]

import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startSamplePortal, type HostChoice } from './server.ts';

const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '200' },
    port: { type: 'string', default: '8080' },
    seed: { type: 'string' },
    today: { type: 'string' },
    host: { type: 'string', default: 'both' },
    'bad-guides': { type: 'string' },
    cdn: { type: 'string' },
    manifest: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  process.stdout.write(
    '用法：tsx src/sample-portal/cli.ts [--pages N] [--port N] [--seed N] [--today YYYY-MM-DD] [--host 127.0.0.1|::1|both] [--bad-guides N] [--cdn ORIGIN] [--manifest FILE]\n',
  );
  process.exit(0);
}

const int = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`--${name}：应为非负整数：${v}\n`);
    process.exit(2);
  }
  return n;
};

const host = values.host as HostChoice;
if (!['127.0.0.1', '::1', 'both'].includes(host)) {
  process.stderr.write(`--host：应为 127.0.0.1、::1 或 both\n`);
  process.exit(2);
}

const t0 = performance.now();
const portal = await startSamplePortal({
  pages: int('pages', values.pages),
  port: int('port', values.port),
  seed: int('seed', values.seed),
  today: values.today,
  host,
  badGuides: int('bad-guides', values['bad-guides']),
  cdn: values.cdn,
});
const ms = Math.round(performance.now() - t0);
const m = portal.manifest;
if (values.manifest) writeFileSync(values.manifest, JSON.stringify(m, null, 2));
process.stdout.write(
  `示例网站（示例省海洋与渔业局）：${m.htmlPageCount} 个页面（种子 ${m.seed}，日期 ${m.today}），${ms} 毫秒生成\n` +
    (host !== '::1' ? `  ${portal.url}/\n` : '') +
    (host !== '127.0.0.1' ? `  ${portal.urlV6}/\n` : '') +
    `  外部网站：${portal.external.url}/\n` +
    `  预置缺陷：${m.plants.filter((p) => !p.nearMiss).length} 个（另有 ${m.plants.filter((p) => p.nearMiss).length} 个相似但正确的对照）\n` +
    (values.manifest ? `  缺陷清单：${values.manifest}\n` : '') +
    `按 Ctrl-C 停止。\n`,
);

const stop = async () => {
  await portal.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
