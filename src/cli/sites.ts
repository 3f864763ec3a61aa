/** `zhaocuo sites add|list|remove|import`: the registry of sites audited on a schedule. */
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
  const sites = program.command('sites').description('the sites audited on a schedule (zhaocuo schedule): add, list, remove, import a sites.yaml');
  const common = (c: Command) => c.option('--db <file>', 'SQLite database', 'data/zhaocuo.db').option('-c, --config <file>', 'base site config the sites’ overrides apply to (default: zhaocuo.config.* in the current folder)');

  common(
    sites
      .command('add')
      .description('register a site (or update it): name, 主办单位, schedule, tags, config overrides')
      .argument('<url>', 'start URL, e.g. https://hyj.example.gov.cn/')
      .requiredOption('--name <name>', '网站名称')
      .option('--sponsor <name>', '主办单位')
      .option('--schedule <cron>', 'cron line in Beijing time, e.g. "30 2 * * *" (default: a nightly slot 01:00–05:00 spread per site)')
      .option('--tag <key=value>', 'province / city / county / department tag, repeatable: --tag province=福建省', tagPair)
      .option('--override <file>', 'YAML/JSON file with this site’s config overrides (site, crawl, divisions, audits …)')
      .option('--disabled', 'registered but not scheduled'),
  ).action(async (url: string, o: { name: string; sponsor?: string; schedule?: string; tag?: Record<string, string>; override?: string; disabled?: boolean; db: string; config?: string }) => {
    const { config: base } = await loadConfig(o.config);
    const raw = { url, name: o.name, ...(o.sponsor ? { sponsor: o.sponsor } : {}), ...(o.schedule ? { schedule: o.schedule } : {}), tags: o.tag ?? {}, config: o.override ? readSitesFile(o.override) ?? {} : {}, enabled: !o.disabled };
    const entry = parseEntry(raw as Record<string, unknown>, base);
    const db = openDb(o.db);
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
      .description('register every site of a sites.yaml (checked whole before anything is stored)')
      .argument('<file>', 'sites.yaml or sites.json')
      .option('--prune', 'also remove registered sites the file does not list'),
  ).action(async (file: string, o: { db: string; config?: string; prune?: boolean }) => {
    const { config: base } = await loadConfig(o.config);
    const entries = loadSitesFile(file, base);
    const db = openDb(o.db);
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
    .description('the registered sites with their schedule and next run (Beijing time)')
    .option('--db <file>', 'SQLite database', 'data/zhaocuo.db')
    .option('--tag <value>', 'only sites with this tag value, e.g. 福建省')
    .option('--json', 'print JSON')
    .action((o: { db: string; tag?: string; json?: boolean }) => {
      const db = openDb(o.db);
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
    .description('take a site out of the registry (its runs and tickets are kept)')
    .argument('<site>', 'its URL or exact name')
    .option('--db <file>', 'SQLite database', 'data/zhaocuo.db')
    .action((key: string, o: { db: string }) => {
      const db = openDb(o.db);
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


