import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import v8 from 'node:v8';
import { spillText, TextSpill } from '../src/gather/text-spill.ts';

const long = (i: number) => `第${i}页 政府信息公开 办事服务 ${'互动交流 '.repeat(80)}\n第二段 é ✓ ${i}`;

describe('page texts kept out of the heap (src/gather/text-spill.ts)', () => {
  it('reads each text back as written, in place, for JSON, spread and structuredClone', () => {
    const spill = new TextSpill();
    const pages = Array.from({ length: 50 }, (_, i) => spillText({ url: `http://a.test/${i}`, title: `t${i}`, text: long(i), footerText: 'f' }, spill));
    pages.forEach((p, i) => expect(p.text).toBe(long(i)));
    expect(Object.keys(pages[3])).toEqual(['url', 'title', 'text', 'footerText']);
    expect(JSON.parse(JSON.stringify(pages[7]))).toEqual({ url: 'http://a.test/7', title: 't7', text: long(7), footerText: 'f' });
    expect({ ...pages[9] }).toEqual({ url: 'http://a.test/9', title: 't9', text: long(9), footerText: 'f' });
    expect(structuredClone(pages[11]).text).toBe(long(11));
    // A page given a new text keeps it (and only that page changes).
    pages[2].text = '改过的正文';
    expect(pages[2].text).toBe('改过的正文');
    expect(pages[1].text).toBe(long(1));
    expect(JSON.parse(JSON.stringify(pages[2])).text).toBe('改过的正文');
  });

  it('leaves a short text on the page, and no file behind in the temp folder', () => {
    const before = readdirSync(tmpdir()).filter((n) => n.startsWith('zhaocuo-text-')).length;
    const spill = new TextSpill();
    const p = { url: 'http://a.test/', text: '短文本' };
    expect(spillText(p, spill)).toBe(p);
    expect(Object.getOwnPropertyDescriptor(spillText({ text: long(1) }, spill), 'text')?.get).toBeTypeOf('function');
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith('zhaocuo-text-')).length).toBe(before);
  });

  it('keeps a page with all its fields a fast object, every page with one hidden class (not a dictionary each)', () => {
    v8.setFlagsFromString('--allow-natives-syntax');
    const fast = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean;
    const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;
    const fields = ['url', 'finalUrl', 'status', 'redirects', 'contentType', 'charset', 'charsetSource', 'headers', 'timingMs', 'bytes', 'depth', 'fromSitemap', 'title', 'lang', 'text', 'footerText', 'scriptText', 'headings', 'labels', 'links', 'images', 'forms', 'lists', 'anchors', 'meta'];
    const spill = new TextSpill();
    const page = (i: number) => spillText(Object.fromEntries(fields.map((f) => [f, f === 'text' ? long(i) : `${f}${i}`])) as { text: string }, spill);
    const a = page(1);
    const b = page(2);
    expect(fast(a)).toBe(true);
    expect(sameMap(a, b)).toBe(true);
    expect(b.text).toBe(long(2));
    expect(Object.keys(b)).toEqual(fields);
  });
});
