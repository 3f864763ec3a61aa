/**
 * The parts that keep a big site's audit in bounded memory: report.json written piece by piece
 * (the same bytes as JSON.stringify(report, null, 1)), and the interner that keeps one frozen
 * copy of what a portal's template repeats on every page.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeJsonFile } from '../src/report/json-stream.ts';
import { Interner, internKey } from '../src/gather/intern.ts';

const dir = mkdtempSync(join(tmpdir(), 'zhaocuo-memory-parts-'));
let n = 0;
const roundTrip = (value: unknown) => {
  const file = join(dir, `v${n++}.json`);
  writeJsonFile(file, value);
  return readFileSync(file, 'utf8');
};

describe('writeJsonFile', () => {
  const cases: Record<string, unknown> = {
    'a report-shaped object': {
      schemaVersion: 1,
      site: { url: 'https://hyj.example.gov.cn/', name: '示例省海洋与渔业局' },
      summary: { pages: 2, pagesByDepth: { 1: 1, 2: 1 }, incremental: undefined },
      pages: [{ url: 'https://hyj.example.gov.cn/', title: '首页 "引号" \\ 反斜杠\n换行\u2028', depth: 1 }, { url: 'https://hyj.example.gov.cn/a.html', title: '', depth: null, fromSitemap: true }],
      links: [{ url: 'x', from: ['a', 'b'], kinds: [], redirects: [[1, 2], {}], nested: { deeper: { deepest: [1, { a: [] }] } } }],
      findings: [],
      audits: [{ id: 'links', data: undefined, fn: () => 1 }],
      empty: {},
      sparse: [undefined, null, () => 0, 1],
    },
    'a top-level array': [1, 'two', [3, [4]], { five: 5 }, []],
    'an empty object': {},
    'an empty array': [],
    'a string': '找错',
    'a number': 42,
    null: null,
    'an object with a toJSON': { when: new Date('2026-11-20T00:00:00Z'), list: [new Date(0)] },
  };
  for (const [name, value] of Object.entries(cases)) {
    it(`writes ${name} as JSON.stringify(v, null, 1) does`, () => {
      expect(roundTrip(value)).toBe(JSON.stringify(value, null, 1));
    });
  }

  it('writes more than one chunk (a megabyte of two-byte text) intact', () => {
    const value = { pages: Array.from({ length: 30_000 }, (_, i) => ({ url: `https://hyj.example.gov.cn/${i}.html`, title: `第${i}页 网站标识码` })) };
    expect(roundTrip(value)).toBe(JSON.stringify(value, null, 1));
  });
});

describe('Interner', () => {
  it('returns one copy of equal strings and objects, and freezes the kept ones', () => {
    const i = new Interner();
    const a = i.str(['首', '页'].join(''));
    expect(i.str('首页')).toBe(a);
    const l1 = i.obj({ url: 'https://a/', text: '首页', kind: 'a', inNav: true });
    const l2 = i.obj({ url: 'https://a/', text: '首页', kind: 'a', inNav: true });
    expect(l2).toBe(l1);
    expect(Object.isFrozen(l1)).toBe(true);
    expect(i.obj({ url: 'https://a/', text: '首页', kind: 'a' })).not.toBe(l1);
    expect(() => {
      (l1 as { text: string }).text = 'changed';
    }).toThrow(TypeError);
  });

  it('shares long objects by a hash of their JSON, and deep-freezes them', () => {
    const i = new Interner();
    const list = () => ({ selector: 'body > nav > ul', inNav: true, inFooter: false, items: Array.from({ length: 20 }, (_, k) => ({ text: `栏目${k}`, href: `https://a/${k}/` })) });
    const first = i.obj(list());
    expect(i.obj(list())).toBe(first);
    expect(Object.isFrozen(first.items[3])).toBe(true);
    const other = list();
    other.items[19].text = '别的栏目';
    expect(i.obj(other)).not.toBe(first);
  });

  it('keeps apart two different objects whose hashes meet (checked by their data, not trusted to the hash)', () => {
    const i = new Interner();
    // Found by search: these two JSONs share the interner's 30-bit key.
    const link = (k: number) => ({ url: `https://a/${k}/`, text: '栏目' });
    expect(internKey(JSON.stringify(link(5558)))).toBe(internKey(JSON.stringify(link(8790))));
    const a = i.obj(link(5558));
    const b = i.obj(link(8790));
    expect(b).not.toBe(a);
    expect(b.url).toBe('https://a/8790/');
    expect(i.obj(link(8790))).toBe(b);
    expect(i.obj(link(5558))).toBe(a);
    expect(Object.isFrozen(b)).toBe(true);
  });

  it('shares arrays of strings and elements of object arrays; empty arrays are one frozen array', () => {
    const i = new Interner();
    const h1 = i.strs(['新闻动态', '通知公告']);
    expect(i.strs(['新闻动态', '通知公告'])).toBe(h1);
    expect(i.strs([])).toBe(i.each([]));
    expect(Object.isFrozen(i.strs([]))).toBe(true);
    const links = i.each([{ url: 'https://a/', text: 'x' }, { url: 'https://b/', text: 'y' }]);
    const again = i.each([{ url: 'https://b/', text: 'y' }]);
    expect(again[0]).toBe(links[1]);
  });
});
