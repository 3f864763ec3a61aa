/**
 * The selector generator (src/extension/selector.ts): every selector names exactly its element;
 * it prefers what lasts (stable ids, hrefs, names) over positions; and it is the same selector
 * after the page gained state classes, generated classes and generated ids ("class noise").
 * Valid and invalid cases side by side, ESLint-style. DOM: linkedom (a real parser and
 * querySelectorAll, without a browser).
 */
import { describe, expect, it } from 'vitest';
import { parseHTML } from 'linkedom';
import { cssEscape, isNoisyClass, isStableId, resolveSelector, uniqueSelector } from '../src/extension/selector.ts';

const PORTAL = `<!doctype html><html><head><title>示例</title></head><body>
<div class="header"><a class="logo" href="/">示例省海洋与渔业局</a>
  <ul class="nav"><li class="cur"><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>
<div id="content" class="main">
  <div class="box news"><h2>工作动态</h2>
    <ul class="list">
      <li><a href="/xwdt/1.html">海洋渔业工作会议召开</a><span>2026-11-09</span></li>
      <li><a href="/xwdt/2.html">开展休渔期执法检查</a><span>2026-11-08</span></li>
      <li><a href="/xwdt/3.html">召开安全生产专题会</a><span>2026-11-07</span></li>
    </ul></div>
  <div class="box notice"><h2>通知公告</h2>
    <ul class="list">
      <li><a href="/tzgg/1.html">关于征求意见的通知</a><span>2026-11-01</span></li>
      <li><a href="/tzgg/2.html">关于公布名单的公告</a><span>2026-10-28</span></li>
    </ul></div>
  <p>第一段</p><p>第二段：本单位联系电话 0591-87654321</p><p>第三段</p>
  <form><input name="q" type="text"><input type="text"><input type="text"><button>搜索</button></form>
  <div id="ext-gen1234"><span>由脚本生成的区域</span></div>
  <div id="新闻:要闻"><em>特殊字符的 id</em></div>
</div>
<div class="footer"><p>主办单位：示例省海洋与渔业局</p><p>网站标识码：3500000025</p><img src="/images/conac.png"></div>
</body></html>`;

function dom(html = PORTAL) {
  return parseHTML(html).document as unknown as Document;
}

/** The selector names exactly this element. */
function expectUnique(doc: Document, el: Element) {
  const sel = uniqueSelector(el);
  const found = doc.querySelectorAll(sel);
  expect(found.length, sel).toBe(1);
  expect(found[0] === el, sel).toBe(true);
  return sel;
}

describe('unique: every element of the page gets a selector that names only it', () => {
  it('all elements of the body', () => {
    const doc = dom();
    const all = Array.from(doc.querySelectorAll('body *'));
    expect(all.length).toBeGreaterThan(40);
    for (const el of all) expectUnique(doc, el);
  });

  it('identical siblings are told apart (nth-of-type only when nothing else tells them apart)', () => {
    const doc = dom();
    const paras = Array.from(doc.querySelectorAll('#content > p'));
    const sels = paras.map((p) => expectUnique(doc, p));
    expect(new Set(sels).size).toBe(3);
    expect(sels[1]).toMatch(/p:nth-of-type\(2\)/);
    const inputs = Array.from(doc.querySelectorAll('input'));
    expect(expectUnique(doc, inputs[0])).toBe('input[name="q"]');
    for (const i of inputs) expectUnique(doc, i);
  });

  it('ids and classes with characters CSS must escape', () => {
    const doc = dom();
    const em = doc.querySelector('em')!;
    const sel = expectUnique(doc, em);
    expect(sel).toContain('#新闻\\:要闻');
    expect(cssEscape('1abc')).toBe('\\31 abc');
    expect(cssEscape('a"b')).toBe('a\\"b');
  });
});

describe('stable: what lasts is preferred', () => {
  const cases: [string, (d: Document) => Element, string | RegExp][] = [
    ['a stable id', (d) => d.getElementById('content')!, '#content'],
    ['a link by its href, not its position in a list that grows daily', (d) => d.querySelectorAll('.news a')[1], 'a[href="/xwdt/2.html"]'],
    ['a form field by its name', (d) => d.querySelector('input[name=q]')!, 'input[name="q"]'],
    ['an image by its src', (d) => d.querySelector('img')!, 'img[src="/images/conac.png"]'],
    ['anchored at the nearest stable id', (d) => d.querySelector('.notice h2')!, /^#content /],
  ];
  for (const [name, pick, want] of cases) {
    it(name, () => {
      const doc = dom();
      const sel = expectUnique(doc, pick(doc));
      if (typeof want === 'string') expect(sel).toBe(want);
      else expect(sel).toMatch(want);
    });
  }

  it('a generated id is not used', () => {
    const doc = dom();
    const span = doc.querySelector('#ext-gen1234 span')!;
    const sel = expectUnique(doc, span);
    expect(sel).not.toContain('ext-gen');
  });

  it('a news item keeps its selector when a new item is published on top', () => {
    const doc = dom();
    const link = doc.querySelector('a[href="/xwdt/3.html"]')!;
    const before = uniqueSelector(link);
    const ul = doc.querySelector('.news ul')!;
    const li = doc.createElement('li');
    li.innerHTML = '<a href="/xwdt/4.html">新的一条</a><span>2026-11-10</span>';
    ul.insertBefore(li, ul.firstChild);
    expect(resolveSelector(doc, before)).toBe(link);
    expect(uniqueSelector(link)).toBe(before);
  });
});

describe('survives class noise: the same selector after scripts toggled state and generated classes', () => {
  const NOISE = ['active', 'cur', 'on', 'hover', 'selected', 'is-open', 'has-dropdown', 'js-track', 'css-1x2y3z', 'sc-AbC12d', 'jsx-2931847', 'a8f3c9d2e1', 'zc-highlight'];

  it('element by element, with noise added on it and on every ancestor', () => {
    const clean = dom();
    const noisy = dom();
    const cleanEls = Array.from(clean.querySelectorAll('body *'));
    const noisyEls = Array.from(noisy.querySelectorAll('body *'));
    const expected = cleanEls.map((el) => uniqueSelector(el));
    noisyEls.forEach((el, i) => {
      const extra = [NOISE[i % NOISE.length], NOISE[(i * 7 + 3) % NOISE.length]];
      el.setAttribute('class', `${el.getAttribute('class') ?? ''} ${extra.join(' ')}`.trim());
    });
    noisyEls.forEach((el, i) => {
      const sel = uniqueSelector(el);
      expect(sel, `element ${i} <${el.tagName.toLowerCase()}>`).toBe(expected[i]);
      expect(resolveSelector(noisy, sel)).toBe(el);
    });
    // …and the clean selector still finds the element in the noisy page.
    expected.forEach((sel, i) => expect(resolveSelector(noisy, sel)).toBe(noisyEls[i]));
  });

  it('noisy classes and generated ids are recognised; meaningful ones are kept', () => {
    for (const c of NOISE) expect(isNoisyClass(c), c).toBe(true);
    for (const c of ['list', 'news', 'notice', 'footer', 'logo', 'box', 'article-content', 'zwgk-nav']) expect(isNoisyClass(c), c).toBe(false);
    for (const id of ['ext-gen1234', 'j_id0:form:123', 'react-select-2-input', 'uid-8f3a2b', 'yui_3_18_1_1_1', 'ember123', '3f2a9c1d7e']) expect(isStableId(id), id).toBe(false);
    for (const id of ['content', 'main', 'footer', 'news-list', 'zoom', '新闻']) expect(isStableId(id), id).toBe(true);
  });
});

describe('edges', () => {
  it('html, body and head are named by their tag; a detached element has no document', () => {
    const doc = dom();
    expect(uniqueSelector(doc.body)).toBe('body');
    expect(uniqueSelector(doc.documentElement)).toBe('html');
  });

  it('duplicate ids (invalid markup) still give a selector that names one element', () => {
    const doc = dom('<html><body><div id="a"><b>1</b></div><div id="a"><b>2</b></div></body></html>');
    const b = doc.querySelectorAll('b')[1];
    expectUnique(doc, b);
  });
});
