/**
 * The browser pool and the per-page checks in real headless Chromium (one browser for the
 * file), against a small loopback site made for it: axe inside a same-origin and a cross-site
 * iframe and inside shadow DOM, markers written by scripts in the rendered text, a page that
 * hangs, a page that crashes, alerts on load, state cleared between pages, and a browser that
 * dies mid-page.
 */
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBrowser } from '../src/gather/browser/find.ts';
import { checkPage, type PageCheckConfig } from '../src/gather/browser/gather.ts';
import { BrowserPool, PageTaskError } from '../src/gather/browser/pool.ts';
import { startServer, type TestServer } from './helpers/http-server.ts';

const doc = (title: string, body: string, head = '') => `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${title}</title>${head}</head><body><main><h1>${title}</h1>${body}</main></body></html>`;

let site: TestServer;
let pool: BrowserPool;
const hung: http.ServerResponse[] = [];
const CFG: PageCheckConfig = { pageTimeoutMs: 20_000, settleMs: 0, axeLocale: 'zh_CN' };
const url = (p: string) => site.url + p;
const check = (path: string, timeoutMs?: number) => pool.withPage((page) => checkPage(page, { url: url(path), navigateTo: url(path), reasons: ['config'] }, CFG, pool, null), timeoutMs);

beforeAll(async () => {
  site = await startServer({
    '/frames.html': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      // The cross-site frame (localhost vs 127.0.0.1) runs in another renderer process.
      res.end(
        doc(
          '框架与影子树',
          `<iframe id="same" src="/inner.html" title="同源框架"></iframe>
           <iframe id="cross" src="http://localhost:${site.port}/cross.html" title="跨站框架"></iframe>
           <div id="host"></div>
           <script>document.getElementById('host').attachShadow({ mode: 'open' }).innerHTML = '<button class="shadow-btn"></button>';</script>`,
        ),
      );
    },
    '/inner.html': doc('同源', '<form><input type="text" name="q1"></form>'),
    '/cross.html': doc('跨站', '<img src="/x.png" class="cross-img">'),
    '/marker.html': doc('标识', '<footer class="footer"><p>主办单位：示例局</p><span id="code"></span></footer><script>document.getElementById("code").textContent = "网站标识码：" + "35000" + "00025";</script>'),
    '/clean.html': doc('无问题页面', '<p>这是一个没有无障碍问题的页面。</p>'),
    '/alert.html': doc('弹窗', '<p>内容</p><script>alert("欢迎访问本网站");</script>'),
    '/hang.html': (_req, res) => void hung.push(res), // never answers
    '/js-redirect.html': doc('跳转', '<p>跳转中</p><script>addEventListener("load", () => setTimeout(() => location.replace("/clean.html"), 50));</script>'),
    '/set-state.html': doc('写入', '<p>写入</p><script>document.cookie = "zc=1; path=/"; localStorage.setItem("zc", "1"); sessionStorage.setItem("zc", "1");</script>'),
    '/read-state.html': doc('读取', '<p id="s"></p><script>document.getElementById("s").textContent = "state:" + document.cookie + "|" + localStorage.getItem("zc") + "|" + sessionStorage.getItem("zc");</script>'),
  });
  pool = new BrowserPool({ executablePath: findBrowser(), size: 2, pageTimeoutMs: 20_000 });
  await pool.start();
}, 30_000);

afterAll(async () => {
  await pool?.close();
  for (const r of hung) r.destroy();
  await site?.close();
});

describe('axe in every frame', () => {
  it('audits same-origin and cross-site iframe content and shadow DOM', async () => {
    const { page } = await check('/frames.html');
    const v = page.axe!.violations;
    const label = v.find((r) => r.id === 'label');
    expect(label?.nodes[0].target).toEqual(['#same', 'input']);
    expect(label?.nodes[0].selector).toBe('#same → input');
    const img = v.find((r) => r.id === 'image-alt');
    expect(img?.nodes[0].target[0]).toBe('#cross');
    expect(img?.nodes[0].html).toMatch(/cross-img/);
    const btn = v.find((r) => r.id === 'button-name');
    const [shadow] = btn!.nodes[0].target as string[][];
    expect(shadow[0]).toBe('#host');
    expect(btn?.nodes[0].selector).toBe(`#host >>> ${shadow[1]}`);
    expect(btn?.nodes[0].html).toMatch(/shadow-btn/);
    expect(page.axe!.framesAudited).toBe(3);
    expect(btn?.help).toMatch(/按钮/); // axe's Chinese texts
  });

  it('finds nothing on a clean page', async () => {
    const { page } = await check('/clean.html');
    expect(page.error).toBeUndefined();
    expect(page.axe!.violations).toEqual([]);
  });
});

describe('rendered DOM', () => {
  it('has the markers scripts write, in the text and in the footer text', async () => {
    const { rendered } = await check('/marker.html');
    expect(rendered!.footerText).toMatch(/网站标识码：3500000025/);
    expect(rendered!.text).toMatch(/网站标识码：3500000025/);
  });
});

describe('resilience', () => {
  it('a page that hangs fails alone, by timeout, while the next pages are checked', async () => {
    const [hang, clean] = await Promise.allSettled([check('/hang.html', 2500), check('/clean.html')]);
    expect(hang.status).toBe('rejected');
    expect((hang as PromiseRejectedResult).reason).toBeInstanceOf(PageTaskError);
    expect((hang as PromiseRejectedResult).reason.kind).toBe('timeout');
    expect(clean.status).toBe('fulfilled');
    const again = await check('/clean.html');
    expect(again.page.axe).toBeDefined();
    expect(pool.stats.timeouts).toBeGreaterThanOrEqual(1);
  });

  it('a page that crashes fails alone; the run goes on', async () => {
    const crash = pool.withPage(async (page) => {
      await page.goto(url('/clean.html'));
      const cdp = await page.createCDPSession();
      void cdp.send('Page.crash').catch(() => undefined); // kills the renderer
      await page.evaluate('new Promise(() => {})');
    });
    await expect(crash).rejects.toMatchObject({ kind: 'crash' });
    const next = await check('/clean.html');
    expect(next.page.axe!.violations).toEqual([]);
    expect(pool.stats.pageCrashes).toBe(1);
  });

  it('a script redirect while the page is read is followed, not a failure', async () => {
    const { page } = await check('/js-redirect.html');
    expect(page.error).toBeUndefined();
    expect(page.axe).toBeDefined();
    expect(page.finalUrl).toMatch(/\/(clean|js-redirect)\.html$/);
  });

  it('an alert on load is recorded and dismissed', async () => {
    const { page } = await check('/alert.html');
    expect(page.dialogs).toEqual([{ type: 'alert', message: '欢迎访问本网站' }]);
    expect(page.axe).toBeDefined();
  });

  it('a reused page starts with cleared cookies and storage', async () => {
    // Hold one slot busy, so both tasks below run one after the other on the other slot's page.
    let release!: () => void;
    const busy = pool.withPage(() => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setTimeout(r, 50));
    const states: string[] = [];
    for (const p of ['/set-state.html', '/read-state.html']) {
      states.push(
        await pool.withPage(async (page, info) => {
          await page.goto(url(p));
          return `${info.slot}:${await page.evaluate(`document.body.innerText`)}`;
        }),
      );
    }
    release();
    await busy;
    const [setSlot] = states[0].split(':');
    expect(states[1].startsWith(`${setSlot}:`)).toBe(true); // the same page was reused…
    expect(states[1]).toMatch(/state:\|null\|null/); // …and nothing carried over
  });

  it('a browser that dies mid-page is relaunched and the page tried again', async () => {
    let killed = false;
    const title = await pool.withPage(async (page) => {
      await page.goto(url('/clean.html'));
      if (!killed) {
        killed = true;
        process.kill(pool.pid()!, 'SIGKILL');
        await new Promise((r) => setTimeout(r, 5000));
      }
      return page.title();
    });
    expect(title).toBe('无问题页面');
    expect(pool.stats.browserRestarts).toBe(1);
    const after = await check('/clean.html');
    expect(after.page.axe!.violations).toEqual([]);
  });
});
