/**
 * The background (MV3 service worker; an event page in Firefox): starts picking mode and the
 * page check in a tab (popup button, context-menu item, keyboard shortcut), takes the
 * screenshot of the visible tab, verifies the page's links, and owns the outbox — every report
 * is stored, sent, and retried with backoff by an alarm until the server has it.
 *
 * The content script is injected on demand (activeTab + scripting), so the extension needs no
 * access to any site until the user acts on a page.
 */
import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { checkLinks } from '../src/extension/link-check.ts';
import { createRouter, sendToTab, type SenderInfo } from '../src/extension/messages.ts';
import { Outbox, OUTBOX_KEY, type OutboxItem } from '../src/extension/queue.ts';
import { fetchMe, loadSettings } from '../src/extension/settings.ts';
import { strings } from '../src/extension/i18n.ts';

const MENU_ID = 'zhaocuo-flag';
const CONTENT_SCRIPT = '/content-scripts/page.js';
/** A PNG larger than this is taken again as JPEG (the server's default limit is 3 MB). */
const MAX_PNG_CHARS = 2_500_000;

export default defineBackground(() => {
  const outbox = new Outbox();

  async function activeTabId(tabId?: number): Promise<number> {
    if (tabId !== undefined) return tabId;
    const [tab] = await browser.tabs.query({ active: true, lastFocusedWindow: true });
    if (tab?.id === undefined) throw new Error('no active tab');
    return tab.id;
  }

  /** The content script in the tab (injected once; a second injection finds it there). */
  async function ensureContent(tabId: number): Promise<void> {
    try {
      await sendToTab(tabId, 'ping', {});
      return;
    } catch {
      /* not there yet */
    }
    try {
      await browser.scripting.executeScript({ target: { tabId }, files: [CONTENT_SCRIPT] });
    } catch (err) {
      const lang = (await loadSettings()).lang;
      throw new Error(`${strings(lang).noPageHere} (${(err as Error).message})`);
    }
  }

  async function flag(tabId: number, req: { useSelection?: boolean; linkUrl?: string; srcUrl?: string } = { useSelection: true }): Promise<{ tabId: number }> {
    await ensureContent(tabId);
    await sendToTab(tabId, 'pick:start', req);
    return { tabId };
  }

  async function capture(sender: SenderInfo): Promise<{ dataUrl: string }> {
    const windowId = sender.tab?.windowId;
    const shoot = (format: 'png' | 'jpeg') =>
      windowId === undefined ? browser.tabs.captureVisibleTab({ format, quality: 80 }) : browser.tabs.captureVisibleTab(windowId, { format, quality: 80 });
    let dataUrl = await shoot('png');
    if (dataUrl.length > MAX_PNG_CHARS) dataUrl = await shoot('jpeg');
    return { dataUrl };
  }

  async function updateBadge(items?: OutboxItem[]): Promise<void> {
    const list = items ?? (await outbox.list());
    const waiting = list.length;
    const action = (browser as unknown as { action?: typeof browser.action; browserAction?: typeof browser.action }).action ?? (browser as unknown as { browserAction: typeof browser.action }).browserAction;
    if (!action) return;
    await action.setBadgeText({ text: waiting ? String(waiting) : '' });
    await action.setBadgeBackgroundColor({ color: list.some((i) => i.status === 'rejected') ? '#c8161d' : '#9a6700' });
  }

  browser.runtime.onMessage.addListener(
    createRouter({
      'flag:start': async (m) => flag(await activeTabId(m.tabId)),
      'check:start': async (m) => {
        const tabId = await activeTabId(m.tabId);
        await ensureContent(tabId);
        await sendToTab(tabId, 'check:run', {});
        return { tabId };
      },
      capture: (_m, sender) => capture(sender),
      'links:check': async (m) => ({ targets: await checkLinks(m.pageUrl, m.links, { pageAnchors: m.pageAnchors }) }),
      'report:submit': async (m) => {
        const r = await outbox.submit(m.draft);
        // The server answers again: whatever else waits goes now.
        if (r.state === 'sent') void outbox.flush({ all: true });
        return r;
      },
      'queue:list': async () => ({ items: await outbox.list(), sent: await outbox.sent() }),
      'queue:get': async (m) => ({ item: await outbox.get(m.id) }),
      'queue:flush': (m) => outbox.flush({ all: m.all }),
      'queue:retry': (m) => outbox.retry(m.id),
      'queue:remove': async (m) => ({ removed: await outbox.remove(m.id) }),
      'settings:check': async (m) => ({ me: await fetchMe(m.settings ?? (await loadSettings())) }),
    }) as Parameters<typeof browser.runtime.onMessage.addListener>[0],
  );

  browser.alarms.onAlarm.addListener((alarm) => void outbox.onAlarm(alarm));

  const setupMenu = async () => {
    await browser.contextMenus.removeAll();
    browser.contextMenus.create({ id: MENU_ID, title: '找错：报告此处的问题', contexts: ['page', 'selection', 'link', 'image'] });
  };
  // A browser (re)start is a good moment to try everything that waits.
  browser.runtime.onInstalled.addListener(() => {
    void setupMenu();
    void outbox.resume();
  });
  browser.runtime.onStartup.addListener(() => {
    void setupMenu();
    void outbox.resume();
  });

  browser.contextMenus.onClicked.addListener((info, tab) => {
    if (info.menuItemId !== MENU_ID || tab?.id === undefined) return;
    void flag(tab.id, { useSelection: Boolean(info.selectionText), linkUrl: info.linkUrl, srcUrl: info.srcUrl }).catch(() => undefined);
  });

  browser.commands.onCommand.addListener((command, tab) => {
    if (command !== 'flag-element') return;
    void activeTabId(tab?.id)
      .then((id) => flag(id))
      .catch(() => undefined);
  });

  browser.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && OUTBOX_KEY in changes) void updateBadge((changes[OUTBOX_KEY].newValue as OutboxItem[] | undefined) ?? []);
  });

  // Every start of the worker: the alarm is there for what waits (and the badge says how much).
  void outbox.arm();
  void updateBadge();
});
