/** The example config in the README parses, and config errors name the key. */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadConfig, parseConfig } from '../src/config/load.ts';
import { auditOptions } from '../src/audit/run.ts';
import { ALL_AUDITS } from '../audits/index.ts';
import { divisionFor } from '../src/config/divisions.ts';

describe('config', () => {
  it('the shipped example config is valid, audit options included', async () => {
    const { config } = await loadConfig(join(import.meta.dirname, '..', 'examples', 'zhaocuo.config.yaml'));
    expect(config.crawl.perHost).toBe(8);
    expect(() => auditOptions(config, ALL_AUDITS)).not.toThrow();
    expect(divisionFor(config, 'https://hyj.example.gov.cn/zwgk/czyjs/2026/x.html')).toBe('计财处');
    expect(divisionFor(config, 'https://hyj.example.gov.cn/other/', '权责清单')).toBe('法规处');
  });
  it('names the key of a bad value and of an unknown key', () => {
    expect(() => parseConfig({ crawl: { perHost: 0 } })).toThrow(/crawl\.perHost/);
    expect(() => parseConfig({ site: { hostz: [] } })).toThrow(/site\.hostz：未知的配置项/);
    expect(() => parseConfig({ today: '2026/11/20' })).toThrow(/today：应为 YYYY-MM-DD 格式的日期/);
    expect(() => parseConfig([])).toThrow(/expected an object/);
  });
  it('names the key inside an audit option', () => {
    const config = parseConfig({ audits: { links: { options: { cap: 'five' } } } });
    expect(() => auditOptions(config, ALL_AUDITS)).toThrow(/audits\.links\.options[\s\S]*cap/);
    expect(() => auditOptions(parseConfig({ audits: { linkz: {} } }), ALL_AUDITS)).toThrow(/audits\.linkz: unknown audit/);
  });
});
