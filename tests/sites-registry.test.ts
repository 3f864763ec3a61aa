/**
 * The sites registry: the shipped example file is valid; every problem of a sites file names
 * its key (Chinese first) — unknown keys at each level, a bad or never-firing cron line, a bad
 * config override or audit option, settings that stay global, a site listed twice; the default
 * nightly slots spread over the quiet window and stay put; add / import / list / remove through
 * the CLI on a real SQLite file.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { loadConfig, parseConfig } from '../src/config/load.ts';
import { main } from '../src/cli/index.ts';
import { openDb } from '../src/store/db.ts';
import { defaultSchedule, nextSlot, parseCron, previousSlot, QUIET_WINDOW } from '../src/sites/cron.ts';
import { loadSitesFile, parseSitesFile } from '../src/sites/load.ts';
import { siteConfig } from '../src/sites/merge.ts';
import { listRegistered } from '../src/sites/registry.ts';

const dir = mkdtempSync(join(tmpdir(), 'zc-sites-'));
const base = parseConfig({});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const site = (extra: Record<string, unknown> = {}) => ({ url: 'https://hyj.example.gov.cn/', name: '示例省海洋与渔业局', ...extra });
const problems = (raw: unknown) => {
  try {
    parseSitesFile(raw, base, 'sites.yaml');
  } catch (err) {
    return (err as Error).message;
  }
  return 'valid';
};

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const w1 = process.stdout.write.bind(process.stdout);
  const w2 = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
  try {
    const code = await main(['node', 'zhaocuo', ...args]);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = w1;
    process.stderr.write = w2;
    process.exitCode = undefined;
  }
}

describe('sites file validation', () => {
  it('the shipped example is valid, with defaults merged under each site', async () => {
    const { config } = await loadConfig(join(import.meta.dirname, '..', 'examples', 'zhaocuo.config.yaml'));
    const entries = loadSitesFile(join(import.meta.dirname, '..', 'examples', 'sites.yaml'), config);
    expect(entries).toHaveLength(3);
    expect(entries[0].tags).toEqual({ province: '示例省', department: '海洋与渔业局' });
    expect(entries[2].enabled).toBe(false);
    const c0 = siteConfig(config, entries[0]);
    // the site's own override, the file's defaults, the base config's values, in that order
    expect(c0.site).toMatchObject({ url: 'https://hyj.example.gov.cn/', name: '示例省海洋与渔业局', exclude: ['/search'] });
    expect(c0.crawl.maxPages).toBe(5000);
    expect(c0.crawl.timeoutMs).toBe(config.crawl.timeoutMs);
    const c1 = siteConfig(config, entries[1]);
    expect(c1.crawl.maxPages).toBe(20000);
    expect(c1.crawl.perHost).toBe(4);
    // the base config's site part (hosts of another site) is never inherited
    expect(c1.site.hosts).toEqual([]);
  });

  it('names an unknown key at every level, Chinese first', () => {
    expect(problems({ sites: [site({ tag: {} })] })).toMatch(/^sites\.yaml 有误（is invalid）:\n {2}sites\[0\]\.tag（示例省海洋与渔业局）: 未知的键/);
    expect(problems({ site: [site()] })).toMatch(/sites: 缺少必填项[\s\S]*site: 未知的键/);
    expect(problems({ sites: [site({ tags: { provnce: '福建省' } })] })).toMatch(/sites\[0\]\.tags\.provnce（示例省海洋与渔业局）: 未知的键/);
    expect(problems({ sites: [site({ config: { crawl: { maxPagez: 5 } } })] })).toMatch(/sites\[0\]\.config\.crawl\.maxPagez（示例省海洋与渔业局）: 未知的键/);
    expect(problems({ sites: [site({ config: { crawl: { perHost: 0 } } })] })).toMatch(/sites\[0\]\.config\.crawl\.perHost/);
  });

  it('a bad cron line names the key and says how to write one', () => {
    const m = problems({ sites: [site(), site({ url: 'https://b.example.gov.cn/', name: '乙局', schedule: '61 2 * * *' })] });
    expect(m).toMatch(/sites\[1\]\.schedule（乙局）: 不是有效的 cron 表达式 "61 2 \* \* \*"：应为“分 时 日 月 周”五段[\s\S]*minute: 61/);
    expect(problems({ sites: [site({ schedule: '0 0 * * * *' })] })).toMatch(/sites\[0\]\.schedule.*五段/);
    expect(problems({ sites: [site({ schedule: '0 0 30 2 *' })] })).toMatch(/sites\[0\]\.schedule.*永远不会触发/);
    expect(() => parseCron('every night')).toThrow(/不是有效的 cron 表达式/);
  });

  it('ticket and server settings stay global; an audit option is checked by its audit', () => {
    expect(problems({ sites: [site({ config: { tickets: {} } })] })).toMatch(/sites\[0\]\.config\.tickets（示例省海洋与渔业局）: 工单设置是全局的/);
    expect(problems({ sites: [site({ config: { site: { url: 'https://x/' } } })] })).toMatch(/sites\[0\]\.config\.site\.url.*网址写在站点条目的 url/);
    expect(problems({ sites: [site({ config: { audits: { links: { options: { cap: 'five' } } } } })] })).toMatch(/sites\[0\]（示例省海洋与渔业局 https:\/\/hyj\.example\.gov\.cn\/）的配置有误[\s\S]*audits\.links\.options[\s\S]*cap/);
    expect(problems({ sites: [site({ config: { audits: { linkz: {} } } })] })).toMatch(/audits\.linkz: unknown audit|audits\.linkz/);
  });

  it('a bad URL, a missing name, a site listed twice', () => {
    expect(problems({ sites: [site({ url: 'ftp://x.gov.cn/' })] })).toMatch(/sites\[0\]\.url.*不是 http\(s\) 网址/);
    expect(problems({ sites: [{ url: 'https://a.gov.cn/' }] })).toMatch(/sites\[0\]\.name.*缺少必填项/);
    expect(problems({ sites: [site(), site({ url: 'https://hyj.example.gov.cn/index.html', name: '又一个' })] })).toMatch(/sites\[1\]\.url（又一个）: 与 sites\[0\] 是同一网站/);
    expect(problems({ sites: [] })).toMatch(/至少登记一个网站/);
    expect(problems('sites')).toMatch(/应为含 sites: 列表的对象/);
  });
});

describe('default schedules', () => {
  it('spread 300 sites over the quiet window, each at a fixed minute', () => {
    const origins = Array.from({ length: 300 }, (_, i) => `https://d${i}.example${i % 7}.gov.cn`);
    const minutes = origins.map((o) => {
      const [m, h] = defaultSchedule(o).split(' ').map(Number);
      return h * 60 + m;
    });
    const from = QUIET_WINDOW.fromHour * 60;
    for (const m of minutes) {
      expect(m).toBeGreaterThanOrEqual(from);
      expect(m).toBeLessThan(from + QUIET_WINDOW.hours * 60);
    }
    // every half hour of the window gets some sites, none gets a crowd (uniform: 300/8 = 37.5)
    const buckets = new Array(QUIET_WINDOW.hours * 2).fill(0);
    for (const m of minutes) buckets[Math.floor((m - from) / 30)]++;
    expect(Math.min(...buckets)).toBeGreaterThan(15);
    expect(Math.max(...buckets)).toBeLessThan(65);
    expect(Math.max(...[...new Set(minutes)].map((m) => minutes.filter((x) => x === m).length))).toBeLessThanOrEqual(8); // 300 in 240 minutes: a few share a minute; --max-parallel bounds the rest
    // deterministic: the same origin has the same slot
    expect(defaultSchedule(origins[5])).toBe(defaultSchedule(origins[5]));
  });

  it('reads cron lines in Beijing time', () => {
    const now = new Date('2026-12-04T00:00:00Z'); // 08:00 in Beijing
    expect(previousSlot('30 2 * * *', now)?.toISOString()).toBe('2026-12-03T18:30:00.000Z');
    expect(nextSlot('30 2 * * *', now)?.toISOString()).toBe('2026-12-04T18:30:00.000Z');
  });
});

describe('zhaocuo sites (CLI, real SQLite)', () => {
  const db = join(dir, 'z.db');
  it('imports a file, lists it, updates on a second import, prunes, removes', async () => {
    const file = join(dir, 'sites.yaml');
    writeFileSync(file, YAML.stringify({ defaults: { tags: { province: '福建省' } }, sites: [site({ sponsor: '福建省海洋与渔业局' }), site({ url: 'https://www.fz.example.gov.cn/', name: '福州市人民政府', schedule: '0 3 * * *', tags: { city: '福州市' } })] }));
    let r = await cli('sites', 'import', file, '--db', db);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/新登记 2 个，更新 0 个/);
    r = await cli('sites', 'list', '--db', db);
    expect(r.out).toMatch(/示例省海洋与渔业局 {2}https:\/\/hyj\.example\.gov\.cn\/ {2}主办:福建省海洋与渔业局 {2}"\d+ [1-4] \* \* \*"（默认夜间时段） {2}下次 \d{4}-\d\d-\d\d \d\d:\d\d {2}省份:福建省/);
    expect(r.out).toMatch(/福州市人民政府 .*"0 3 \* \* \*" .*省份:福建省 地市:福州市/);
    r = await cli('sites', 'list', '--db', db, '--tag', '福州市', '--json');
    const listed = JSON.parse(r.out) as { name: string; nextRunAt: string }[];
    expect(listed.map((s) => s.name)).toEqual(['福州市人民政府']);
    expect(new Date(listed[0].nextRunAt).getUTCHours()).toBe(19); // 03:00 Beijing

    r = await cli('sites', 'add', 'https://www.xm.example.gov.cn/', '--name', '厦门市人民政府', '--tag', 'province=福建省', '--tag', '地市=厦门市', '--schedule', '45 1 * * *', '--db', db);
    expect(r.out).toMatch(/已登记 厦门市人民政府/);
    r = await cli('sites', 'add', 'https://www.xm.example.gov.cn/', '--name', '厦门市人民政府', '--tag', 'town=思明', '--db', db);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--tag.*应写作 键=值/);
    r = await cli('sites', 'add', 'https://www.xm.example.gov.cn/', '--name', '厦门市人民政府', '--schedule', '* *', '--db', db);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^zhaocuo: zhaocuo sites add 有误（is invalid）:\n {2}schedule: 不是有效的 cron 表达式/);

    writeFileSync(file, YAML.stringify({ sites: [site({ name: '示例省海洋与渔业局（新）' })] }));
    r = await cli('sites', 'import', file, '--db', db, '--prune');
    expect(r.out).toMatch(/新登记 0 个，更新 1 个，移除 2 个（共 1 个网站）/);
    const d = openDb(db);
    expect(listRegistered(d).map((s) => s.name)).toEqual(['示例省海洋与渔业局（新）']);
    d.close();
    r = await cli('sites', 'remove', 'https://hyj.example.gov.cn/', '--db', db);
    expect(r.out).toMatch(/已移除/);
    r = await cli('sites', 'remove', '不存在', '--db', db);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/没有登记网站“不存在”/);
  });

  it('a bad file stores nothing and exits 2 with every problem', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'sites:\n  - url: https://a.example.gov.cn/\n    name: 甲\n    schedule: "99 * * * *"\n  - url: https://b.example.gov.cn/\n    nmae: 乙\n');
    const r = await cli('sites', 'import', file, '--db', join(dir, 'bad.db'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/sites\[0\]\.schedule（甲）/);
    expect(r.err).toMatch(/sites\[1\]\.nmae（https:\/\/b\.example\.gov\.cn\/）: 未知的键/);
    const d = openDb(join(dir, 'bad.db'));
    expect(listRegistered(d)).toEqual([]);
    d.close();
  });
});
