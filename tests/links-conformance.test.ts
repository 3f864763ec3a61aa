/**
 * Conformance table for link extraction (issue 12, "Links"): one small loopback page per
 * behaviour, and the state each link must have in report.json links[].
 *
 * Written from the HTML standard (the attribute index, "parse a srcset attribute", the link
 * types table, "shared declarative refresh steps", "find a potential indicated element"), the
 * URL standard (what the parser rejects, validation errors) and the documented behaviour of
 * linkinator 7.6 (README options --check-css / --check-fragments, states OK / BROKEN / SKIPPED;
 * its links.js attribute table, read in node_modules) and lychee (README: --include-fragments,
 * --include-mail; mail and non-http schemes are excluded, not checked). Where we choose to
 * differ from them, the expectation says why in a comment marked DIFFERS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './helpers/http-server.ts';
import { parseConfig } from '../src/config/load.ts';
import { auditSite, type AuditSiteResult } from '../src/run/audit-site.ts';

let srv: TestServer;
let res: AuditSiteResult;

const file = (type: string) => ({ headers: { 'content-type': type }, body: 'x' });
const png = file('image/png');

beforeAll(async () => {
  srv = await startServer({
    '/': `<!doctype html><html lang="zh-CN"><head><title>链接一致性</title></head><body>
      <a href="/srcset.html">srcset</a><a href="/media.html">媒体</a><a href="/embeds.html">嵌入</a>
      <a href="/head.html">link</a><a href="/map.html">热区</a><a href="/form.html">表单</a>
      <a href="/refresh.html">刷新</a><a href="/css.html">样式</a><a href="/malformed.html">错误地址</a>
      <a href="/schemes.html">其他协议</a><a href="/fragments.html">锚点</a></body></html>`,

    // srcset: every candidate, whatever whitespace separates them (newlines, tabs, none after a comma).
    '/srcset.html': `<html><title>srcset</title><body>
      <img src="/img/a.png" alt="图" srcset="/img/a-1x.png 1x,
      		/img/a-2x.png	2x ,  /img/a,comma.png 3x">
      <img srcset="/img/w1.png 100w,/img/w2.png 200w,
/img/missing-3x.png 3x" sizes="(max-width: 600px) 100vw, 50vw">
      <picture><source srcset="/img/p.webp" type="image/webp"><source srcset="/img/p-2x.avif 2x, /img/p-1x.avif 1x"><img src="/img/p.jpg" alt="p"></picture>
    </body></html>`,
    // video poster, video/audio src, <source src> inside video and audio, track.
    '/media.html': `<html><title>媒体</title><body>
      <video poster="/img/poster.jpg" src="/media/v.mp4"><source src="/media/v.webm" type="video/webm"><track src="/media/sub.vtt" label="中文"></video>
      <audio src="/media/a.mp3"><source src="/media/missing.ogg"></audio>
    </body></html>`,
    // object data, embed src, input type=image; input of another type loads nothing.
    '/embeds.html': `<html><title>嵌入</title><body>
      <object data="/files/doc.pdf" type="application/pdf"></object><embed src="/files/missing.swf">
      <form><input type="IMAGE" src="/img/submit.png" alt="提交"><input type="text" src="/img/never.png"></form>
    </body></html>`,
    // link rels that load something; hyperlink rels (canonical, alternate) and dns-prefetch do not.
    '/head.html': `<html><head><title>link</title>
      <link rel="icon" href="/favicon.ico"><link rel="Shortcut Icon" href="/favicon2.ico">
      <link rel="preload" href="/fonts/p.woff2" as="font"><link rel="manifest" href="/manifest.json">
      <link rel="apple-touch-icon" href="/img/touch.png"><link rel="stylesheet" href="/css/missing.css">
      <link rel="canonical" href="/canonical.html"><link rel="alternate" href="/en/head.html"><link rel="dns-prefetch" href="//cdn.invalid">
    </head><body>正文</body></html>`,
    '/map.html': `<html><title>热区</title><body><img src="/img/map.png" usemap="#m" alt="地图">
      <map name="m"><area shape="rect" coords="0,0,10,10" href="/area-target.html" alt="区域"></map></body></html>`,
    '/area-target.html': '<html><title>热区目标</title>热区</html>',
    '/form.html': `<html><title>表单</title><body><form action="/search.do" method="post"><input name="q"><button>搜索</button></form></body></html>`,
    '/search.do': (req, r) => {
      r.writeHead(500);
      r.end(req.method);
    },
    '/refresh.html': `<html><head><title>刷新</title><meta http-equiv="Refresh" content="0; URL='/refreshed.html'"></head><body>跳转中</body></html>`,
    '/refreshed.html': '<html><title>刷新目标</title>到了</html>',
    // url() in a style attribute, url() and @import in <style>, same-site stylesheets read in turn.
    '/css.html': `<html><head><title>样式</title>
      <style>@import url("/css/imported.css"); .x { background: url(/img/in-style.png) } /* url(/img/commented.png) */</style>
      <link rel="stylesheet" href="/css/site.css"></head>
      <body><div style="background-image: url('/img/bg.png')">背景</div><td background="/img/td.png"></td></body></html>`,
    '/css/site.css': { headers: { 'content-type': 'text/css' }, body: '@import "nested.css";\n.y { background: url(../img/from-css.png) }\n@font-face { src: url("/fonts/f.woff2") format("woff2") }\n.z { background: url(/img/css-missing.png) }\n' },
    '/css/nested.css': { headers: { 'content-type': 'text/css' }, body: '.n { cursor: url(/img/nested.png), auto }' },
    '/css/imported.css': { headers: { 'content-type': 'text/css' }, body: '.i { background: url(/img/imported.png) }' },
    // Malformed hrefs: broken with a reason, never dropped and never requested.
    '/malformed.html': `<html><title>错误地址</title><body>
      <a href="//">只有斜杠</a><a href="/files/a%zz.pdf">坏百分号</a><a href="http:/one-slash.html">一个斜杠</a>
      <a href="http:///three.html">三个斜杠</a><a href="http://[bad/">坏主机</a><a href="http://127.0.0.1:99999/">坏端口</a>
      <a href="file:///C:/Users/editor/通知.doc">本机文件</a></body></html>`,
    // Other schemes: skipped with the reason.
    '/schemes.html': `<html><title>其他协议</title><body>
      <a href="mailto:office@example.gov.cn">邮件</a><a href="tel:010-12345678">电话</a>
      <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="内嵌"><a href="javascript:void(0)">脚本</a>
      <a href="JavaScript:history.back()">返回</a></body></html>`,
    // Fragments: same page and other page; ids and a[name]; case-sensitive; #top, empty, text directives.
    '/fragments.html': `<html><title>锚点</title><body>
      <h2 id="intro">简介</h2><a name="legacy"></a>
      <a href="#intro">有</a><a href="#Intro">大小写不同</a><a href="#legacy">a name</a><a href="#gone">缺</a>
      <a href="#top">顶部</a><a href="#TOP">顶部大写</a><a href="#">空</a><a href="#:~:text=%E7%AE%80%E4%BB%8B">文本指令</a>
      <a href="/other.html#sec">他页有</a><a href="/other.html#nosuch">他页缺</a><a href="/other.html#">他页空</a>
      <a href="/other.html#:~:text=hello">他页文本指令</a><a href="/other.html#%E9%80%9A%E7%9F%A5">他页中文</a>
      <a href="/files/doc.pdf#page=2">PDF 页</a></body></html>`,
    '/other.html': '<html><title>他页</title><body><p id="sec">段</p><p id="通知">通知</p></body></html>',

    ...Object.fromEntries(
      [
        '/img/a.png', '/img/a-1x.png', '/img/a-2x.png', '/img/a,comma.png', '/img/w1.png', '/img/w2.png', '/img/p.webp', '/img/p-2x.avif',
        '/img/p-1x.avif', '/img/p.jpg', '/img/poster.jpg', '/img/submit.png', '/img/never.png', '/img/touch.png', '/img/map.png',
        '/img/in-style.png', '/img/bg.png', '/img/td.png', '/img/from-css.png', '/img/nested.png', '/img/imported.png',
      ].map((p) => [p, png]),
    ),
    '/media/v.mp4': file('video/mp4'),
    '/media/v.webm': file('video/webm'),
    '/media/sub.vtt': file('text/vtt'),
    '/media/a.mp3': file('audio/mpeg'),
    '/files/doc.pdf': file('application/pdf'),
    '/favicon.ico': file('image/x-icon'),
    '/favicon2.ico': file('image/x-icon'),
    '/fonts/p.woff2': file('font/woff2'),
    '/fonts/f.woff2': file('font/woff2'),
    '/manifest.json': file('application/manifest+json'),
  });
  const config = parseConfig({
    today: '2026-11-20',
    ipv6: { enabled: false },
    browser: { enabled: false },
    crawl: { timeoutMs: 1500, retries: 0 },
    audits: { integrity: { options: { spiderCheck: false } } },
  });
  res = await auditSite({ startUrl: srv.url + '/', config, db: null, outDir: null });
}, 30_000);

afterAll(() => srv?.close());

type Entry = AuditSiteResult['report']['links'][number];
/** The report.json links[] entry for a path on the test server, or for an href as written. */
const link = (pathOrHref: string): Entry | undefined => {
  const url = pathOrHref.startsWith('/') && !pathOrHref.startsWith('//') ? srv.url + pathOrHref : pathOrHref;
  return res.report.links.find((l) => l.url === url);
};
const expectLink = (pathOrHref: string, state: Entry['state'], kind: string) => {
  const l = link(pathOrHref);
  expect(l, pathOrHref).toBeDefined();
  expect({ url: pathOrHref, state: l!.state, kind: l!.kind }).toEqual({ url: pathOrHref, state, kind });
  return l!;
};
const requested = (path: string) => srv.count('GET', path) + srv.count('HEAD', path) + srv.count('POST', path);

describe('every URL kind HTML defines', () => {
  it('srcset: every candidate of img and picture/source, with any whitespace between candidates', () => {
    // DIFFERS from linkinator, which collapses only the first whitespace run before parsing the
    // srcset, so a candidate after a newline can be misread; we follow the standard's parser.
    for (const p of ['/img/a.png', '/img/a-1x.png', '/img/a-2x.png', '/img/w1.png', '/img/w2.png']) expectLink(p, 'ok', 'img');
    // A comma inside a candidate URL belongs to it; only trailing commas end a URL.
    expectLink('/img/a,comma.png', 'ok', 'img');
    expectLink('/img/missing-3x.png', 'broken', 'img');
    for (const p of ['/img/p.webp', '/img/p-2x.avif', '/img/p-1x.avif']) expectLink(p, 'ok', 'source');
    expectLink('/img/p.jpg', 'ok', 'img');
    // The sizes attribute holds media conditions, not URLs.
    expect(res.report.links.some((l) => l.url.includes('600px'))).toBe(false);
  });

  it('video poster and src, source inside video and audio, track, audio src', () => {
    expectLink('/img/poster.jpg', 'ok', 'poster');
    expectLink('/media/v.mp4', 'ok', 'video');
    expectLink('/media/v.webm', 'ok', 'source');
    expectLink('/media/sub.vtt', 'ok', 'track');
    expectLink('/media/a.mp3', 'ok', 'audio');
    expectLink('/media/missing.ogg', 'broken', 'source');
  });

  it('object data, embed src, input type=image (any case); other inputs load nothing', () => {
    expectLink('/files/doc.pdf', 'ok', 'object');
    expectLink('/files/missing.swf', 'broken', 'embed');
    expectLink('/img/submit.png', 'ok', 'input-image');
    // The standard: src on an input is used only in the Image Button state.
    expect(link('/img/never.png')).toBeUndefined();
    expect(requested('/img/never.png')).toBe(0);
  });

  it('link[href] of every rel that loads something; hyperlink rels are not fetched', () => {
    for (const p of ['/favicon.ico', '/favicon2.ico', '/fonts/p.woff2', '/manifest.json', '/img/touch.png']) expectLink(p, 'ok', 'link');
    expectLink('/css/missing.css', 'broken', 'stylesheet');
    // DIFFERS from linkinator, which checks link[href] of any rel: canonical and alternate only
    // name another document (the HTML standard's hyperlink link types); a browser never loads
    // them and a visitor cannot click them. dns-prefetch names an origin, not a resource.
    expect(link('/canonical.html')).toBeUndefined();
    expect(link('/en/head.html')).toBeUndefined();
    expect(requested('/canonical.html') + requested('/en/head.html')).toBe(0);
    expect(res.report.links.some((l) => l.url.includes('cdn.invalid'))).toBe(false);
  });

  it('area[href] is followed like a link', () => {
    expectLink('/area-target.html', 'ok', 'area');
    expect(res.artifacts.pages.some((p) => p.url === srv.url + '/area-target.html')).toBe(true);
  });

  it('form[action] is noted, never submitted and never requested', () => {
    // DIFFERS from linkinator and lychee, which ignore forms: an action is a URL the page sends
    // visitors to, so it is listed; submitting it could change data on a government site.
    const l = expectLink('/search.do', 'skipped', 'form');
    expect(l.error).toMatch(/不提交/);
    expect(requested('/search.do')).toBe(0);
  });

  it('meta http-equiv=refresh (any case, quoted URL=) is followed as a page', () => {
    expectLink('/refreshed.html', 'ok', 'refresh');
    expect(res.artifacts.pages.some((p) => p.url === srv.url + '/refreshed.html')).toBe(true);
  });

  it('url() in style attributes and <style>, @import, same-site CSS files read in turn', () => {
    // DIFFERS from linkinator only in being always on (its --check-css is off by default).
    expectLink('/img/bg.png', 'ok', 'css');
    expectLink('/img/in-style.png', 'ok', 'css');
    expectLink('/css/imported.css', 'ok', 'stylesheet');
    expectLink('/img/imported.png', 'ok', 'css');
    expectLink('/css/site.css', 'ok', 'stylesheet');
    // Relative URLs in a stylesheet resolve against the stylesheet, not the page.
    expectLink('/img/from-css.png', 'ok', 'css');
    expectLink('/fonts/f.woff2', 'ok', 'css');
    expectLink('/css/nested.css', 'ok', 'stylesheet');
    expectLink('/img/nested.png', 'ok', 'css');
    expectLink('/img/css-missing.png', 'broken', 'css');
    // The obsolete background attribute is still painted (rendering section of the standard).
    expectLink('/img/td.png', 'ok', 'img');
    // A comment is not CSS.
    expect(link('/img/commented.png')).toBeUndefined();
    // Whoever links is named: the stylesheet for its own url()s.
    expect(link('/img/from-css.png')!.from).toEqual([srv.url + '/css/site.css']);
    expect(link('/img/nested.png')!.from).toEqual([srv.url + '/css/nested.css']);
  });
});

describe('malformed hrefs are broken with the reason; other schemes are skipped with the reason', () => {
  it('malformed: only slashes, bad percent-encoding, a scheme with no host, a bad host or port, file:', () => {
    // DIFFERS from browsers, which recover from `http:/x` and `%zz`: the link still shows a typing
    // mistake (a URL-standard validation error), so it is reported. linkinator reports a URL its
    // parser rejects as BROKEN too; we add the ones the parser only recovers from.
    const cases: [string, RegExp][] = [
      ['//', /只有斜杠/],
      ['/files/a%zz.pdf', /百分号/],
      ['http:/one-slash.html', /主机名/],
      ['http:///three.html', /主机名/],
      ['http://[bad/', /无法解析/],
      ['http://127.0.0.1:99999/', /无法解析/],
      ['file:///C:/Users/editor/通知.doc', /本机/],
    ];
    for (const [href, reason] of cases) {
      // Listed as written (it has no absolute URL).
      const l = res.report.links.find((x) => x.url === href);
      expect(l, href).toBeDefined();
      expect({ href, state: l!.state, kind: l!.kind }).toEqual({ href, state: 'broken', kind: 'a' });
      expect(l!.error, href).toMatch(reason);
      expect(l!.from).toEqual([srv.url + '/malformed.html']);
    }
    expect(requested('/one-slash.html') + requested('/three.html') + requested('/files/a%zz.pdf')).toBe(0);
  });

  it('mailto:, tel:, data:, javascript: (any case) are skipped and say why', () => {
    // Same as linkinator (non-http(s) is SKIPPED) and lychee (mail excluded unless --include-mail).
    const cases: [string, string, RegExp][] = [
      ['mailto:office@example.gov.cn', 'a', /mailto/],
      ['tel:010-12345678', 'a', /tel/],
      ['data:image/gif;base64,R0lGODlhAQABAAAAACw=', 'img', /data:/],
      ['javascript:void(0)', 'a', /javascript/],
      ['JavaScript:history.back()', 'a', /javascript/],
    ];
    for (const [href, kind, reason] of cases) {
      const l = link(href);
      expect(l, href).toBeDefined();
      expect({ href, state: l!.state, kind: l!.kind }).toEqual({ href, state: 'skipped', kind });
      expect(l!.error, href).toMatch(reason);
      expect(l!.status).toBeNull();
    }
  });
});

describe('fragments are links[] entries of their own', () => {
  const frag = (f: string) => `/fragments.html#${f}`;
  it('same page: an id or an a[name] is ok; a missing one is broken; matching is case-sensitive', () => {
    // DIFFERS from linkinator --check-fragments, which emits an entry only for a fragment that
    // is missing: the contract lists every fragment link, ok ones too, so a consumer sees what was checked.
    expect(expectLink(frag('intro'), 'ok', 'a')).toMatchObject({ fragment: 'intro', base: srv.url + '/fragments.html' });
    expectLink(frag('legacy'), 'ok', 'a');
    expect(expectLink(frag('gone'), 'broken', 'a').error).toBeTruthy();
    // The standard's "find a potential indicated element" compares ids exactly (same as
    // linkinator and lychee): #Intro does not reach id="intro".
    expectLink(frag('Intro'), 'broken', 'a');
  });

  it('#top (any case) and an empty fragment are ok; a text directive is not an anchor', () => {
    // DIFFERS from linkinator, which marks #top broken when no element has id="top": the HTML
    // standard scrolls to the top of the document for "top" (ASCII case-insensitive).
    expectLink(frag('top'), 'ok', 'a');
    expectLink(frag('TOP'), 'ok', 'a');
    // `#` and `page#` name the page itself: no fragment entry, the page entry is ok.
    expect(res.report.links.filter((l) => l.url.startsWith(srv.url + '/fragments.html#')).map((l) => l.fragment).sort()).toEqual(
      ['Intro', 'TOP', 'gone', 'intro', 'legacy', 'top'].sort(),
    );
    // DIFFERS from linkinator, which would look for an element with id ":~:text=…": a text
    // directive (URL Fragment Text Directives) is stripped before the anchor is looked for.
    expect(res.report.links.some((l) => l.url.includes(':~:'))).toBe(false);
  });

  it('another page: checked against that page, decoded, its entry apart from the page entry', () => {
    expectLink('/other.html', 'ok', 'a');
    expectLink('/other.html#sec', 'ok', 'a');
    expect(expectLink('/other.html#nosuch', 'broken', 'a').error).toBeTruthy();
    expectLink('/other.html#通知', 'ok', 'a');
    expect(res.report.links.filter((l) => l.url.startsWith(srv.url + '/other.html#')).map((l) => l.fragment).sort()).toEqual(['nosuch', 'sec', '通知'].sort());
    // A link to a PDF is an attachment; its #page=2 is not an HTML anchor: ok, with a note that it was not checked (lychee and
    // linkinator only look for anchors in HTML too).
    expect(expectLink('/files/doc.pdf#page=2', 'ok', 'attachment').note).toMatch(/不是 HTML/);
  });

  it('the findings name the broken fragments, and every linking page is listed', () => {
    const missing = res.result.findings.filter((f) => f.rule === 'missing-anchor').map((f) => f.evidence.target).sort();
    expect(missing).toEqual([srv.url + '/fragments.html#Intro', srv.url + '/fragments.html#gone', srv.url + '/other.html#nosuch'].sort());
    expect(link('/other.html')!.from).toEqual([srv.url + '/fragments.html']);
    for (const l of res.report.links) expect(l.fromCount, l.url).toBe(l.from.length);
  });
});
