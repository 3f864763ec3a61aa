/**
 * The extension end to end, in real Chromium with the built MV3 extension loaded (puppeteer-core,
 * headless): the sample portal and `zhaocuo serve` on loopback with a temp SQLite db and a
 * reporter token. Popups are opened the way a person opens them — the toolbar action on the
 * page (which grants activeTab) — and the page is used with the mouse.
 *
 *  - settings: the token checked against the server on save;
 *  - flag: picking mode, a click, the form shows what will be sent; the ticket is in the
 *    database with its selector (which names the clicked element) and the screenshot; a text
 *    selection is taken as well;
 *  - nothing lost: the server stops, a report is kept (the popup shows it), the browser
 *    closes, the server comes back, the browser starts again: the report arrives, once;
 *  - page check: the portal's planted accessibility defects and the unmasked personal data,
 *    one of them filed as a ticket with its evidence;
 *  - a screenshot of the popup for the README (`ZHAOCUO_UPDATE_DOCS=1` writes docs/extension-popup.png).
 *
 * The extension is built here when .output/chrome-mv3 is missing or older than its sources.
 */
import { ruleLabel } from '../src/audit/labels.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { parseConfig } from '../src/config/load.ts';
import { findFullBrowser } from '../src/gather/browser/find.ts';
import { EXTENSION_ID } from '../src/server/extension-origin.ts';
import { plantById, plantsOf } from '../src/sample-portal/manifest.ts';
import { startSamplePortal, type SamplePortal } from '../src/sample-portal/server.ts';
import { startServer, type RunningServer } from '../src/server/serve.ts';
import { createToken } from '../src/server/tokens.ts';
import { openDb } from '../src/store/db.ts';
import type { Config } from '../src/config/schema.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const EXT_DIR = join(ROOT, '.output', 'chrome-mv3');
const dir = mkdtempSync(join(tmpdir(), 'zc-e2e-ext-'));
const profile = join(dir, 'profile');
const dbFile = join(dir, 'tickets.db');

let portal: SamplePortal;
let srv: RunningServer | null = null;
let serverPort = 0;
let config: Config;
let browser: Browser;
let extId = '';
let token = '';

// --- helpers ---------------------------------------------------------------------------------

/** Newest modification time of the extension's sources (entrypoints, the src/ and audits/ code it bundles, config). */
function newestSource(): number {
  let newest = 0;
  const walk = (p: string) => {
    const st = statSync(p);
    if (st.isDirectory()) for (const f of readdirSync(p)) walk(join(p, f));
    else if (/\.(ts|json|html)$/.test(p)) newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of ['entrypoints', 'src', 'audits', 'wxt.config.ts', 'package.json']) walk(join(ROOT, p));
  return newest;
}

async function buildIfNeeded(): Promise<void> {
  const manifest = join(EXT_DIR, 'manifest.json');
  if (existsSync(manifest) && statSync(manifest).mtimeMs >= newestSource()) return;
  await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules', 'wxt', 'bin', 'wxt.mjs'), 'build'], { cwd: ROOT, timeout: 170_000, maxBuffer: 16 * 1024 * 1024 });
}

async function launch(): Promise<Browser> {
  const b = await puppeteer.launch({
    executablePath: findFullBrowser(), // extensions load only in the full browser
    headless: true,
    pipe: true,
    enableExtensions: [EXT_DIR],
    userDataDir: profile,
    args: [
      '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1 , EXCLUDE ::1', '--window-size=1280,800',
    ],
  });
  const sw = await b.waitForTarget((t) => t.type() === 'service_worker' && t.url().endsWith('/background.js'), { timeout: 15_000 });
  extId = new URL(sw.url()).host;
  return b;
}

async function startTickets(): Promise<void> {
  srv = await startServer({ db: dbFile, config, host: '127.0.0.1', port: serverPort, notify: false, log: () => {} });
  serverPort = srv.port;
}

async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeout = 15_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeout) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An element of the extension's panel (its open shadow root) on the page. */
function inPanel(page: Page, sel: string): Promise<boolean> {
  return page.evaluate((s) => Boolean(document.getElementById('zhaocuo-root')?.shadowRoot?.querySelector(s)), sel);
}
function panelText(page: Page, sel: string): Promise<string> {
  return page.evaluate((s) => document.getElementById('zhaocuo-root')?.shadowRoot?.querySelector(s)?.textContent ?? '', sel);
}
function panelAttr(page: Page, sel: string, attr: string): Promise<string | null> {
  return page.evaluate((s, a) => document.getElementById('zhaocuo-root')?.shadowRoot?.querySelector(s)?.getAttribute(a) ?? null, sel, attr);
}
const waitPanel = (page: Page, sel: string, timeout?: number) => until(`panel ${sel}`, () => inPanel(page, sel), timeout);

/** Clicks the toolbar action on this page (activeTab for it) and returns the popup. */
async function openPopup(page: Page): Promise<Page> {
  const ext = (await browser.extensions()).get(extId);
  if (!ext) throw new Error('extension not loaded');
  await page.bringToFront();
  await page.triggerExtensionAction(ext);
  const target = await browser.waitForTarget((t) => t.url().startsWith(`chrome-extension://${extId}/popup.html`), { timeout: 10_000 });
  const popup = (await target.asPage())!;
  await until('popup rendered', () => popup.evaluate(() => Boolean(document.querySelector('[data-zc=flag]'))).catch(() => false));
  return popup;
}

async function openPortal(path: string): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 720 });
  await page.goto(portal.url + path, { waitUntil: 'load' });
  return page;
}

async function submitForm(page: Page, description: string, category?: string): Promise<{ state: string; ticket: string | null; text: string }> {
  await waitPanel(page, '[data-zc=form]');
  if (category) await page.evaluate((c) => {
    const sel = document.getElementById('zhaocuo-root')!.shadowRoot!.querySelector('select[name=category]') as HTMLSelectElement;
    sel.value = c;
  }, category);
  await page.type('#zhaocuo-root >>> textarea[name=description]', description);
  await page.click('#zhaocuo-root >>> [data-zc=submit]');
  await waitPanel(page, '[data-zc=result]');
  return {
    state: (await panelAttr(page, '[data-zc=result]', 'data-state')) ?? '',
    ticket: await panelAttr(page, '[data-zc=result]', 'data-ticket'),
    text: await panelText(page, '[data-zc=result]'),
  };
}

interface Row {
  number: string;
  category: string;
  description: string;
  evidence_json: string;
  external_id: string;
  page_url: string;
  reporter: string;
}
const rows = (): Row[] => openDbRows('SELECT number, category, description, evidence_json, external_id, page_url, reporter FROM tickets ORDER BY id');
function openDbRows(sql: string, ...args: unknown[]): Row[] {
  if (srv) return srv.db.prepare(sql).all(...args) as Row[];
  const db = openDb(dbFile);
  try {
    return db.prepare(sql).all(...args) as Row[];
  } finally {
    db.close();
  }
}

// --- setup -----------------------------------------------------------------------------------

beforeAll(async () => {
  await buildIfNeeded();
  portal = await startSamplePortal({ host: '127.0.0.1' });
  const db = openDb(dbFile);
  token = createToken(db, { name: '张三', role: 'reporter' }).token;
  db.close();
  browser = await launch();
  // No extensionOrigins: the extension's id is pinned by its key, and the server allows it by default.
  expect(extId).toBe(EXTENSION_ID);
  config = parseConfig({});
  await startTickets();
}, 300_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await srv?.close();
  await portal?.close();
});

// --- tests -----------------------------------------------------------------------------------

describe('the built extension', () => {
  it('declares no site access: host access is optional, the content script is injected on demand', () => {
    const m = JSON.parse(readFileSync(join(EXT_DIR, 'manifest.json'), 'utf8'));
    expect(m.manifest_version).toBe(3);
    expect(m.host_permissions ?? []).toEqual([]);
    expect(m.content_scripts ?? []).toEqual([]);
    expect(m.optional_host_permissions).toEqual(['http://*/*', 'https://*/*']);
    expect(m.permissions).toEqual(expect.arrayContaining(['activeTab', 'scripting', 'storage', 'alarms', 'contextMenus']));
    expect(m.commands['flag-element'].suggested_key.default).toBe('Alt+Shift+Z');
    expect(existsSync(join(EXT_DIR, 'content-scripts', 'page.js'))).toBe(true);
  });

  it('options: the token is checked against the server on save (a bad one says why)', async () => {
    const page = await browser.newPage();
    await page.goto(`chrome-extension://${extId}/options.html`);
    await page.waitForSelector('input[name=serverUrl]');
    expect(await page.$eval('[data-zc=extension-origin]', (e) => e.textContent)).toContain(`chrome-extension://${extId}`);
    await page.type('input[name=serverUrl]', `127.0.0.1:${serverPort}`);
    await page.type('input[name=token]', 'zc_' + 'x'.repeat(43));
    await page.type('input[name=name]', '张三');
    await page.click('[data-zc=save]');
    await until('token check', () => page.$eval('[data-zc=token-check]', (e) => e.getAttribute('data-state')).catch(() => null));
    expect(await page.$eval('[data-zc=token-check]', (e) => e.getAttribute('data-state'))).toBe('error');
    expect(await page.$eval('[data-zc=token-check]', (e) => e.textContent)).toContain('令牌无效或已被吊销');
    // Refused: said so, and nothing saved as if it worked.
    expect(await page.$eval('[data-zc=token-check]', (e) => e.textContent)).toContain('服务器拒绝了该令牌，设置未保存');
    expect(await page.$('[data-zc=saved]')).toBeNull();
    const kept = (await page.evaluate(`chrome.storage.local.get('settings')`)) as { settings?: { token: string } };
    expect(kept.settings?.token ?? '').not.toBe('zc_' + 'x'.repeat(43));

    await page.$eval('input[name=token]', (e) => ((e as HTMLInputElement).value = ''));
    await page.type('input[name=token]', token);
    await page.click('[data-zc=save]');
    await until('token ok', async () => (await page.$eval('[data-zc=token-check]', (e) => e.getAttribute('data-state')).catch(() => null)) === 'ok');
    expect(await page.$eval('[data-zc=token-check]', (e) => e.textContent)).toBe('令牌有效：张三（报告人）');
    await page.waitForSelector('[data-zc=saved]');
    const saved = (await page.evaluate(`chrome.storage.local.get('settings')`)) as { settings: { token: string } };
    expect(saved.settings.token).toBe(token);
    await page.close();
  });

  it('flag: picking mode, a click, the form shows what is sent; the ticket has the selector and the screenshot', async () => {
    const path = plantById(portal.manifest, 'a11y-clean').path;
    const page = await openPortal(path);
    const popup = await openPopup(page);
    expect(await popup.$eval('[data-zc=server-status]', (e) => e.textContent)).toContain(`127.0.0.1:${serverPort}`);
    await popup.click('[data-zc=flag]');
    await until('picking mode', () => page.evaluate(() => (document.getElementById('zhaocuo-root')?.shadowRoot?.querySelector('[data-zc=banner]') as HTMLElement | null)?.style.display === 'block'));

    const target = '.article .body p';
    const expectedText = await page.$eval(target, (e) => (e as HTMLElement).innerText.trim());
    await page.hover(target);
    await page.click(target);
    await waitPanel(page, '[data-zc=form]');
    const shown = {
      url: await panelText(page, '[data-zc=url]'),
      selector: await panelText(page, '[data-zc=selector]'),
      snippet: await panelText(page, '[data-zc=snippet]'),
      viewport: await panelText(page, '[data-zc=viewport]'),
      browser: await panelText(page, '[data-zc=browser]'),
      screenshot: await panelAttr(page, '[data-zc=screenshot]', 'src'),
    };
    expect(shown.url).toBe(portal.url + path);
    expect(shown.viewport).toBe('1280×720 @1x');
    expect(shown.browser).toMatch(/^Chrome \d+$/);
    expect(shown.snippet).toBe(expectedText.replace(/\s+/g, ' ').slice(0, 500));
    expect(shown.screenshot).toMatch(/^data:image\/png;base64,/);
    // The selector names the clicked element, and only it.
    expect(await page.evaluate((s, t) => document.querySelectorAll(s).length === 1 && document.querySelector(s) === document.querySelector(t), shown.selector, target)).toBe(true);
    // Clicking did not navigate or run the page's handlers.
    expect(page.url()).toBe(portal.url + path);

    const r = await submitForm(page, '第一段的日期写错了，应为 11 月 4 日', '内容不准确');
    expect(r.state).toBe('sent');
    expect(r.ticket).toMatch(/^ZC-\d{4}-\d{6}$/);
    expect(r.text).toContain(r.ticket!);

    const row = rows().find((x) => x.number === r.ticket)!;
    expect(row).toMatchObject({ category: '内容不准确', description: '第一段的日期写错了，应为 11 月 4 日', page_url: portal.url + path, reporter: '张三' });
    const ev = JSON.parse(row.evidence_json);
    expect(ev).toMatchObject({ selector: shown.selector, snippet: shown.snippet, viewport: '1280×720 @1x', pageTitle: await page.title() });
    expect(row.external_id).toMatch(/^\d+:[A-Za-z0-9_-]{8,}$/);
    const shot = srv!.db.prepare("SELECT b.mime, b.bytes FROM ticket_blobs b JOIN tickets t ON t.id = b.ticket_id WHERE t.number = ? AND b.kind = 'screenshot'").get(r.ticket) as { mime: string; bytes: Buffer };
    expect(shot.mime).toBe('image/png');
    // The visible tab: a PNG of the viewport's size.
    expect(shot.bytes.readUInt32BE(16)).toBe(1280);
    expect(shot.bytes.readUInt32BE(20)).toBe(720);
    await page.close();
  });

  it('Esc leaves picking mode; the page works as before', async () => {
    const path = plantById(portal.manifest, 'a11y-clean').path;
    const page = await openPortal(path);
    const popup = await openPopup(page);
    await popup.click('[data-zc=flag]');
    const banner = () => page.evaluate(() => (document.getElementById('zhaocuo-root')?.shadowRoot?.querySelector('[data-zc=banner]') as HTMLElement | null)?.style.display);
    await until('picking mode', async () => (await banner()) === 'block');
    await page.hover('.article h1');
    await page.keyboard.press('Escape');
    await until('picking mode left', async () => (await banner()) === 'none');
    expect(await inPanel(page, '[data-zc=form]')).toBe(false);
    // A click is the page's again: a link navigates.
    await Promise.all([page.waitForNavigation(), page.click('a[href="/sitemap.html"]')]);
    expect(page.url()).toBe(portal.url + '/sitemap.html');
    await page.close();
  });

  it('flag with a text selection: the selected text is taken, the category prefilled as 错别字', async () => {
    const path = plantById(portal.manifest, 'a11y-clean').path;
    const page = await openPortal(path);
    const word = await page.evaluate(() => {
      const p = document.querySelector('.article .body p')!;
      const text = p.firstChild as Text;
      const range = document.createRange();
      range.setStart(text, 0);
      range.setEnd(text, 4);
      getSelection()!.removeAllRanges();
      getSelection()!.addRange(range);
      return getSelection()!.toString();
    });
    const popup = await openPopup(page);
    await popup.click('[data-zc=flag]');
    await waitPanel(page, '[data-zc=form]');
    expect(await panelText(page, '[data-zc=selectedText]')).toBe(word);
    expect(await page.evaluate(() => (document.getElementById('zhaocuo-root')!.shadowRoot!.querySelector('select[name=category]') as HTMLSelectElement).value)).toBe('错别字');
    const r = await submitForm(page, `“${word}”有错字`);
    expect(r.state).toBe('sent');
    const ev = JSON.parse(rows().find((x) => x.number === r.ticket)!.evidence_json);
    expect(ev.selectedText).toBe(word);
    await page.close();
  });

  it('nothing lost: server down → kept and shown; browser restarts, server back → arrives exactly once', async () => {
    await srv!.close();
    srv = null;
    const path = plantById(portal.manifest, 'a11y-clean').path;
    const page = await openPortal(path);
    let popup = await openPopup(page);
    await popup.click('[data-zc=flag]');
    await until('picking mode', () => page.evaluate(() => (document.getElementById('zhaocuo-root')?.shadowRoot?.querySelector('[data-zc=banner]') as HTMLElement | null)?.style.display === 'block'));
    await page.click('.article h1');
    const before = rows().length;
    const r = await submitForm(page, '服务器停机时报告的问题：标题有误');
    expect(r.state).toBe('queued');

    // The popup shows what waits (and is the README's screenshot).
    popup = await openPopup(page);
    await until('outbox', () => popup.$eval('[data-zc=outbox]', (e) => e.getAttribute('data-pending') === '1').catch(() => false));
    expect(await popup.$eval('[data-zc=pending-item]', (e) => e.textContent)).toContain('服务器停机时报告的问题');
    // docs/extension-popup.png (the README's) with ZHAOCUO_UPDATE_DOCS=1, else beside the test's files.
    const shotPath = process.env.ZHAOCUO_UPDATE_DOCS ? join(ROOT, 'docs', 'extension-popup.png') : join(dir, 'extension-popup.png');
    mkdirSync(dirname(shotPath), { recursive: true });
    await until('server status', () => popup.$eval('[data-zc=server-status]', (e) => e.classList.contains('note')).catch(() => false));
    const width = await popup.$eval('#app', (e) => Math.ceil(e.getBoundingClientRect().width));
    await popup.setViewport({ width, height: 1000, deviceScaleFactor: 2 });
    await (await popup.$('#app'))!.screenshot({ path: shotPath });
    expect(statSync(shotPath).size).toBeGreaterThan(10_000);
    const key = await popup.$eval('[data-zc=pending-item]', (e) => e.getAttribute('data-id'));
    expect(key).toBeTruthy();

    // The browser closes with the report kept; the server comes back; the browser starts again.
    await browser.close();
    await startTickets();
    expect(rows().length).toBe(before);
    browser = await launch();
    const arrived = await until('the kept report', () => Promise.resolve(openDbRows("SELECT number, evidence_json, external_id, description FROM tickets WHERE external_id LIKE ?", `%:${key}`)[0]), 20_000);
    expect(arrived.description).toBe('服务器停机时报告的问题：标题有误');
    expect(JSON.parse(arrived.evidence_json).selector).toBeTruthy();

    // Nothing waits any more, and nothing arrives twice.
    const again = await openPortal(path);
    popup = await openPopup(again);
    await until('outbox empty', () => popup.$eval('[data-zc=outbox]', (e) => e.getAttribute('data-pending') === '0').catch(() => false));
    expect(await popup.$$eval('[data-zc=sent-item]', (els) => els.map((e) => e.getAttribute('data-ticket')))).toContain(arrived.number);
    await new Promise((r2) => setTimeout(r2, 500));
    expect(openDbRows('SELECT number FROM tickets WHERE external_id LIKE ?', `%:${key}`)).toHaveLength(1);
    expect(rows().length).toBe(before + 1);
    await again.close();
  });

  it('page check: the planted accessibility defects, each with a button to file it', async () => {
    const a11y = plantsOf(portal.manifest, { area: 'accessibility', nearMiss: false });
    const path = plantById(portal.manifest, 'a11y-image-alt').path;
    const page = await openPortal(path);
    const popup = await openPopup(page);
    await popup.click('[data-zc=check]');
    await waitPanel(page, '[data-zc=check-summary]', 30_000);
    const found = await page.evaluate(() =>
      [...document.getElementById('zhaocuo-root')!.shadowRoot!.querySelectorAll('[data-zc=item]')].map((e) => ({ audit: e.getAttribute('data-audit'), rule: e.getAttribute('data-rule'), file: Boolean(e.querySelector('[data-zc=file]')) })),
    );
    for (const p of a11y.filter((x) => x.path === path)) expect(found, p.id).toContainEqual({ audit: 'accessibility', rule: p.axeRule, file: true });
    // Each result named in Chinese (the report's label table); the rule id only in the grey 规则 field.
    const shown = await page.evaluate(() =>
      [...document.getElementById('zhaocuo-root')!.shadowRoot!.querySelectorAll('[data-zc=item]')].map((e) => {
        const rest = e.cloneNode(true) as HTMLElement;
        for (const f of rest.querySelectorAll('.rule-id')) f.remove();
        return { audit: e.getAttribute('data-audit')!, rule: e.getAttribute('data-rule')!, name: e.querySelector('[data-zc=rule-name]')?.textContent ?? '', field: [...e.querySelectorAll('.rule-id')].map((f) => f.textContent), rest: rest.textContent ?? '' };
      }),
    );
    expect(shown.length).toBeGreaterThan(0);
    for (const x of shown) {
      expect(x.name, x.rule).toBe(ruleLabel(x.audit, x.rule));
      expect(x.field, x.rule).toEqual([`规则 ${x.rule}`]);
      expect(x.rest, x.rule).not.toContain(x.rule);
    }
    // The portal's identity markers are all there: nothing from identity.
    expect(found.filter((f) => f.audit === 'identity')).toEqual([]);
    await page.close();
  });

  it('page check: unmasked personal data, filed as a ticket with its evidence filled in', async () => {
    const id = plantById(portal.manifest, 'personal-id');
    const page = await openPortal(id.path);
    const popup = await openPopup(page);
    await popup.click('[data-zc=check]');
    await waitPanel(page, '[data-zc=check-summary]', 30_000);
    const text = await panelText(page, '[data-zc=group-privacy]');
    for (const pid of ['personal-id', 'personal-mobile', 'personal-bankcard']) {
      const p = plantById(portal.manifest, pid);
      expect(text, pid).toContain(p.masked!);
      expect(text, pid).not.toContain(p.value!);
    }
    await page.click('#zhaocuo-root >>> [data-rule=unmasked-id-number] [data-zc=file]');
    await waitPanel(page, '[data-zc=form]');
    expect(await page.evaluate(() => (document.getElementById('zhaocuo-root')!.shadowRoot!.querySelector('textarea[name=description]') as HTMLTextAreaElement).value)).toContain(id.masked!);
    expect(await page.evaluate(() => (document.getElementById('zhaocuo-root')!.shadowRoot!.querySelector('select[name=category]') as HTMLSelectElement).value)).toBe('内容不准确');
    const selector = await panelText(page, '[data-zc=selector]');
    // The selector names the element that shows the number.
    expect(await page.evaluate((s) => document.querySelector(s)?.textContent ?? '', selector)).toContain(id.value!);
    const r = await submitForm(page, '');
    expect(r.state).toBe('sent');
    const row = rows().find((x) => x.number === r.ticket)!;
    const ev = JSON.parse(row.evidence_json);
    expect(ev.selector).toBe(selector);
    expect(row.description).toContain(id.masked!);
    expect(JSON.stringify(row)).not.toContain(id.value!);
    // Back to the results: the filed one shows its ticket, the others can still be filed.
    await page.click('#zhaocuo-root >>> [data-zc=close]');
    await waitPanel(page, '[data-rule=unmasked-id-number] [data-zc=filed]');
    expect(await panelText(page, '[data-rule=unmasked-id-number] [data-zc=filed]')).toBe(r.ticket);
    expect(await inPanel(page, '[data-rule=unmasked-mobile] [data-zc=file]')).toBe(true);
    await page.close();
  });

  it('options with portal sites: saved and the token checked while the browser asks for access to those sites only', async () => {
    const page = await browser.newPage();
    await page.goto(`chrome-extension://${extId}/options.html`);
    await page.waitForSelector('textarea[name=portals]');
    expect(await page.$eval('input[name=serverUrl]', (e) => (e as HTMLInputElement).value)).toBe(`http://127.0.0.1:${serverPort}`);
    await page.type('textarea[name=portals]', `${portal.url}/index.html\nhttps://www.example.gov.cn`);
    await page.click('[data-zc=save]');
    await until('token ok', async () => (await page.$eval('[data-zc=token-check]', (e) => e.getAttribute('data-state')).catch(() => null)) === 'ok');
    // The extension page's own API (chrome.*, not typed in the tests).
    const stored = (await page.evaluate(`chrome.storage.local.get('settings')`)) as { settings: { portalOrigins: string[] } };
    expect(stored.settings.portalOrigins).toEqual([portal.url, 'https://www.example.gov.cn']);
    // Asked, not granted (nobody answers the prompt in a headless browser): nothing else was given.
    expect(await page.evaluate(`chrome.permissions.getAll()`)).toMatchObject({ origins: [] });
    await page.close();
  });
});
