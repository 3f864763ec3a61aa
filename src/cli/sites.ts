/** `zhaocuo sites add|list|remove|import`: the registry of sites audited on a schedule. */
import { DB_OPTION_HELP, storeFor, storeTarget } from '../store/target.ts';
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../config/load.ts';
import { openDb } from '../store/db.ts';
import { nextSlot, SCHEDULE_TZ } from '../sites/cron.ts';
import { loadSitesFile, parseEntry, readSitesFile } from '../sites/load.ts';
import { listRegistered, removeRegistered, upsertSites, type RegisteredSite } from '../sites/registry.ts';
import { TAG_KEYS, TAG_ZH, type TagKey } from '../sites/schema.ts';
import { formatLocal } from '../tickets/zoned.ts';

const ZH_KEYS = Object.fromEntries(Object.entries(TAG_ZH).map(([k, v]) => [v, k])) as Record<string, TagKey>;

/** --tag province=福建省 (or 省份=福建省), repeatable. */
function tagPair(v: string, prev: Record<string, string> = {}): Record<string, string> {
  const m = /^([^=]+)=(.+)$/.exec(v.trim());
  const key = m ? ((TAG_KEYS as readonly string[]).includes(m[1].trim()) ? m[1].trim() : ZH_KEYS[m[1].trim()]) : undefined;
  if (!m || !key) throw new InvalidArgumentError(`应写作 键=值，键为 ${TAG_KEYS.map((k) => `${k}（${TAG_ZH[k]}）`).join('、')}，如 province=福建省（expected key=value）`);
  return { ...prev, [key]: m[2].trim() };
}

export function tagsText(s: Pick<RegisteredSite, 'tags'>): string {
  return TAG_KEYS.filter((k) => s.tags[k]).map((k) => `${TAG_ZH[k]}:${s.tags[k]}`).join(' ');
}

export function registerSites(program: Command): void {
  const sites = program.command('sites').description('按计划检查的网站（zhaocuo schedule）：添加、列出、删除、导入 sites.yaml');
  const common = (c: Command) => c.option('--db <file|url>', DB_OPTION_HELP).option('-c, --config <file>', '各网站配置覆盖所基于的站点配置（默认：当前目录中的 zhaocuo.config.*）');

  common(
    sites
      .command('add')
      .description('登记（或更新）一个网站：名称、主办单位、检查时间、标签、配置覆盖')
      .argument('<url>', '起始网址，例如 https://hyj.example.gov.cn/')
      .requiredOption('--name <name>', '网站名称')
      .option('--sponsor <name>', '主办单位')
      .option('--schedule <cron>', '北京时间的 cron 表达式，例如 "30 2 * * *"（默认：每晚 01:00–05:00 之间按网站错开的时刻）')
      .option('--tag <key=value>', '省/市/县/部门标签，可重复：--tag province=福建省', tagPair)
      .option('--override <file>', '本网站配置覆盖的 YAML/JSON 文件（site、crawl、divisions、audits …）')
      .option('--disabled', '登记但不按计划检查'),
  ).action(async (url: string, o: { name: string; sponsor?: string; schedule?: string; tag?: Record<string, string>; override?: string; disabled?: boolean; db?: string; config?: string }) => {
    const { config: base } = await loadConfig(o.config);
    const raw = { url, name: o.name, ...(o.sponsor ? { sponsor: o.sponsor } : {}), ...(o.schedule ? { schedule: o.schedule } : {}), tags: o.tag ?? {}, config: o.override ? readSitesFile(o.override) ?? {} : {}, enabled: !o.disabled };
    const entry = parseEntry(raw as Record<string, unknown>, base);
    const db = openDb(storeTarget(o.db, base));
    try {
      const r = upsertSites(db, [entry]);
      const s = listRegistered(db).find((x) => x.url === entry.url)!;
      process.stdout.write(`zhaocuo: ${r.added ? '已登记' : '已更新'} ${s.name} ${s.url}，检查时间 ${scheduleText(s)}\n`);
    } finally {
      db.close();
    }
  });

  common(
    sites
      .command('import')
      .description('登记 sites.yaml 中的每个网站（整个文件检查无误后才保存）')
      .argument('<file>', 'sites.yaml 或 sites.json')
      .option('--prune', '同时删除文件中未列出的已登记网站'),
  ).action(async (file: string, o: { db?: string; config?: string; prune?: boolean }) => {
    const { config: base } = await loadConfig(o.config);
    const entries = loadSitesFile(file, base);
    const db = openDb(storeTarget(o.db, base));
    try {
      const r = upsertSites(db, entries);
      let removed = 0;
      if (o.prune) {
        const keep = new Set(entries.map((e) => new URL(e.url).origin));
        for (const s of listRegistered(db)) if (!keep.has(s.origin)) removeRegistered(db, s.origin), removed++;
      }
      process.stdout.write(`zhaocuo: ${file}：新登记 ${r.added} 个，更新 ${r.updated} 个${o.prune ? `，移除 ${removed} 个` : ''}（共 ${listRegistered(db).length} 个网站）\n`);
    } finally {
      db.close();
    }
  });

  sites
    .command('list')
    .description('已登记的网站及其检查时间和下次运行（北京时间）')
    .option('--db <file|url>', DB_OPTION_HELP)
    .option('--tag <value>', '只列带此标签值的网站，例如 福建省')
    .option('--json', '输出 JSON')
    .action(async (o: { db?: string; tag?: string; json?: boolean }) => {
      const db = openDb(await storeFor(o.db));
      const list = listRegistered(db, { tag: o.tag });
      db.close();
      const now = new Date();
      if (o.json) return void process.stdout.write(JSON.stringify(list.map((s) => ({ ...s, nextRunAt: nextSlot(s.effectiveSchedule, now)?.toISOString() ?? null })), null, 1) + '\n');
      if (!list.length) return void process.stdout.write(o.tag ? `没有带标签“${o.tag}”的网站\n` : '还没有登记网站：zhaocuo sites add <网址> --name <名称>，或 zhaocuo sites import sites.yaml\n');
      for (const s of list) {
        const next = s.enabled ? `下次 ${formatLocal(nextSlot(s.effectiveSchedule, now)?.toISOString(), SCHEDULE_TZ)}` : '已暂停';
        process.stdout.write(`${s.name}  ${s.url}  ${s.sponsor ? `主办:${s.sponsor}  ` : ''}${scheduleText(s)}  ${next}  ${tagsText(s)}\n`);
      }
      process.stdout.write(`共 ${list.length} 个网站（时间为北京时间 ${SCHEDULE_TZ}）\n`);
    });

  sites
    .command('remove')
    .description('删除一个已登记的网站（其运行记录和工单保留）')
    .argument('<site>', '网址或完整名称')
    .option('--db <file|url>', DB_OPTION_HELP)
    .action(async (key: string, o: { db?: string }) => {
      const db = openDb(await storeFor(o.db));
      try {
        const s = removeRegistered(db, key);
        process.stdout.write(`zhaocuo: 已移除 ${s.name} ${s.url}（检查记录保留）\n`);
      } finally {
        db.close();
      }
    });
}

export function scheduleText(s: Pick<RegisteredSite, 'schedule' | 'effectiveSchedule'>): string {
  return s.schedule ? `"${s.schedule}"` : `"${s.effectiveSchedule}"（默认夜间时段）`;
}


