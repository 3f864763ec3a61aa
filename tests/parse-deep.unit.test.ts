/** Pages nested 100,000 levels deep (closed and unclosed tags) parse without overflowing the stack, in linear time (the DOM stops at 512 levels, as in Chromium). */
import { describe, expect, it } from 'vitest';
import { parseHtml } from '../src/gather/parse.ts';

const N = 100_000;
const deep = (open: string, close: string, inner: string) => `<html><head><title>深</title></head><body>${open.repeat(N)}${inner}${close.repeat(N)}</body></html>`;

describe('deeply nested pages', () => {
  it('reads a link below 100,000 closed <div>s', () => {
    const p = parseHtml(deep('<div>', '</div>', '<a href="/deep.html">最深处</a>'), 'http://127.0.0.1/');
    expect(p.title).toBe('深');
    expect(p.links.map((l) => l.url)).toContain('http://127.0.0.1/deep.html');
    expect(p.text).toContain('最深处');
  });

  it('reads a link below 100,000 unclosed <div>s, and a form and hidden links inside them', () => {
    // Hidden links 300 levels down are still hidden; past 512 levels an element becomes a sibling
    // of the deepest one, as in Chromium, so the hidden subtree sits before the deep part.
    const hidden = '<div style="display:none">' + '<span>'.repeat(300) + '<a href="/hidden.html">x</a></div>';
    const inner = '<form action="/s"><input name="q"></form><a href="/deep.html">最深处</a>';
    const p = parseHtml(hidden + deep('<div>', '', inner), 'http://127.0.0.1/');
    expect(p.links.map((l) => l.url)).toContain('http://127.0.0.1/deep.html');
    expect(p.forms[0]?.inputs).toEqual(['q']);
    expect(p.hiddenLinks?.map((l) => l.url)).toContain('http://127.0.0.1/hidden.html');
  });

  it('stays fast on 100,000 nested labels, links and fonts (text is read a bounded way)', () => {
    const t0 = performance.now();
    for (const tag of ['label', 'a href="/x.html"', 'font']) {
      const p = parseHtml(deep(`<${tag}>文`, '', ''), 'http://127.0.0.1/');
      expect(p.text.length).toBeGreaterThan(0);
    }
    expect(performance.now() - t0).toBeLessThan(20_000);
  });

  it('reads a 5 MB page of a million unclosed <div>s in linear time, and wide deep rows fast', () => {
    const t0 = performance.now();
    expect(parseHtml(`<body>${'<div>'.repeat(1_000_000)}<a href="/end.html">尾</a>`, 'http://127.0.0.1/').links).toEqual([]);
    // Past 250,000 elements the rest of the page is not read, and the page says so.
    const cut = parseHtml(`<body>${'<div>'.repeat(1_000_000)}`, 'http://127.0.0.1/');
    expect(cut.cut).toMatch(/页面元素超过 250000 个/);
    // Each level holds two elements: list detection must not walk the whole rest of the page per level.
    const p = parseHtml(`<body>${'<div><i></i>'.repeat(100_000)}<a href="/end.html">尾</a>`, 'http://127.0.0.1/');
    expect(p.links.map((l) => l.url)).toEqual(['http://127.0.0.1/end.html']);
    expect(performance.now() - t0).toBeLessThan(15_000);
  });

  it('keeps text order and list items as before', () => {
    const p = parseHtml('<ul class="news"><li><a href="/a.html">通知一</a> 2026-01-02</li><li><a href="/b.html">通知二</a> 2026-01-03</li></ul><p>甲<b>乙</b><img alt="丙">丁</p>', 'http://127.0.0.1/');
    expect(p.lists[0].items).toEqual([
      { text: '通知一', href: 'http://127.0.0.1/a.html', date: '2026-01-02' },
      { text: '通知二', href: 'http://127.0.0.1/b.html', date: '2026-01-03' },
    ]);
    expect(p.text).toContain('甲乙丙丁');
  });
});
