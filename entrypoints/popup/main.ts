/** The popup: flag, check this page, and what waits in the outbox (with what was filed lately). */
import { browser } from 'wxt/browser';
import { strings, categoryLabel, roleLabel, type Lang } from '../../src/extension/i18n.ts';
import { send } from '../../src/extension/messages.ts';
import type { OutboxItem, SentItem } from '../../src/extension/queue.ts';
import { isConfigured, loadSettings, saveSettings, type Settings } from '../../src/extension/settings.ts';
import { clear, h } from '../../src/extension/ui/dom.ts';
import { BASE_CSS } from '../../src/extension/ui/styles.ts';

const doc = document;
doc.head.appendChild(h(doc, 'style', {}, BASE_CSS));
const app = doc.getElementById('app')!;

const time = (ms: number, lang: Lang) => new Date(ms).toLocaleTimeString(lang === 'en' ? 'en-GB' : 'zh-CN', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const short = (s: string, n = 60) => (s.length > n ? s.slice(0, n - 1) + '…' : s);

async function activeTabId(): Promise<number | undefined> {
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  return tab?.id;
}

async function shortcut(): Promise<string> {
  try {
    const cmds = await browser.commands.getAll();
    return cmds.find((c) => c.name === 'flag-element')?.shortcut || 'Alt+Shift+Z';
  } catch {
    return 'Alt+Shift+Z';
  }
}

async function render(): Promise<void> {
  const s = await loadSettings();
  const t = strings(s.lang);
  const [{ items, sent }, key] = await Promise.all([send('queue:list', {}), shortcut()]);
  clear(app);

  const status = h(doc, 'p', { class: 'muted', 'data-zc': 'server-status' }, isConfigured(s) ? `${t.server}：${s.serverUrl}` : t.notConfigured);
  app.appendChild(
    h(doc, 'div', { class: 'head' }, h(doc, 'h1', { style: 'margin:0' }, h(doc, 'span', { class: 'brand' }, t.appName), ' zhaocuo'),
      h(doc, 'button', { type: 'button', class: 'link', 'data-zc': 'open-settings', onclick: () => void browser.runtime.openOptionsPage() }, t.settings)),
  );
  app.appendChild(status);
  if (isConfigured(s)) {
    void send('settings:check', {}).then(
      ({ me }) => (status.textContent = `${t.signedInAs(me.name, roleLabel(me.role, s.lang))} · ${s.serverUrl}`),
      (err: Error) => {
        const down = /not reachable/.test(err.message);
        status.textContent = down ? t.serverDown(s.serverUrl) : t.tokenBad(err.message);
        status.className = down ? 'note wait' : 'note err';
      },
    );
  }

  const error = h(doc, 'div', { 'data-zc': 'popup-error' });
  const act = (type: 'flag:start' | 'check:start') => async () => {
    clear(error);
    try {
      await send(type, { tabId: await activeTabId() });
      window.close();
    } catch (err) {
      error.appendChild(h(doc, 'div', { class: 'note err' }, (err as Error).message));
    }
  };
  app.appendChild(h(doc, 'button', { type: 'button', class: 'big primary', 'data-zc': 'flag', onclick: act('flag:start') }, h(doc, 'b', {}, t.flag), `${t.flagHint} · ${t.shortcut(key)}`));
  app.appendChild(h(doc, 'button', { type: 'button', class: 'big', 'data-zc': 'check', onclick: act('check:start') }, h(doc, 'b', {}, t.check), t.checkHint));
  app.appendChild(error);

  renderOutbox(s, items, sent);
  app.appendChild(
    h(doc, 'p', { class: 'muted', style: 'margin-top:10px' },
      h(doc, 'button', { type: 'button', class: 'link', 'data-zc': 'lang-zh', onclick: () => void setLang(s, 'zh') }, '中文'), '|',
      h(doc, 'button', { type: 'button', class: 'link', 'data-zc': 'lang-en', onclick: () => void setLang(s, 'en') }, 'English')),
  );
}

async function setLang(s: Settings, lang: Lang): Promise<void> {
  await saveSettings({ ...s, lang });
  await render();
}

function renderOutbox(s: Settings, items: OutboxItem[], sent: SentItem[]): void {
  const t = strings(s.lang);
  const pending = items.filter((i) => i.status === 'pending');
  const rejected = items.filter((i) => i.status === 'rejected');
  const run = (fn: () => Promise<unknown>) => async () => {
    await fn().catch(() => undefined);
    await render();
  };
  const label = (i: OutboxItem) => `${categoryLabel(i.draft.category, s.lang)} · ${short(i.draft.description || i.draft.snippet || '', 40)}`;

  const box = h(doc, 'section', { 'data-zc': 'outbox', 'data-pending': pending.length, 'data-rejected': rejected.length });
  box.appendChild(
    h(doc, 'div', { class: 'head', style: 'margin-top:8px' }, h(doc, 'h2', { style: 'margin:0' }, t.outbox, h(doc, 'span', { class: 'count' }, String(pending.length))),
      pending.length ? h(doc, 'button', { type: 'button', 'data-zc': 'send-now', onclick: run(() => send('queue:flush', { all: true })) }, t.sendNow) : null),
  );
  if (!pending.length) box.appendChild(h(doc, 'p', { class: 'muted' }, t.outboxEmpty));
  for (const i of pending) {
    box.appendChild(
      h(doc, 'div', { class: 'item', 'data-zc': 'pending-item', 'data-id': i.id },
        h(doc, 'div', { class: 'msg' }, label(i)),
        h(doc, 'div', { class: 'muted url' }, short(i.draft.pageUrl, 90)),
        h(doc, 'div', { class: 'muted' }, [t.attempts(i.attempts), i.nextAttemptAt ? t.nextTry(time(i.nextAttemptAt, s.lang)) : '', i.lastStatus === 0 ? t.noAnswer : i.lastError ?? ''].filter(Boolean).join(' · ')),
        h(doc, 'div', { class: 'row' }, h(doc, 'button', { type: 'button', class: 'link', onclick: run(() => send('queue:remove', { id: i.id })) }, t.remove))),
    );
  }
  if (rejected.length) {
    box.appendChild(h(doc, 'h2', { style: 'margin-top:8px' }, t.needsAction, h(doc, 'span', { class: 'count' }, String(rejected.length))));
    for (const i of rejected) {
      box.appendChild(
        h(doc, 'div', { class: 'item', 'data-zc': 'rejected-item', 'data-id': i.id },
          h(doc, 'div', { class: 'msg' }, label(i)),
          h(doc, 'div', { class: 'note err' }, `${i.lastStatus || '—'}: ${i.lastError ?? ''}`, i.details?.length ? h(doc, 'ul', {}, i.details.map((d) => h(doc, 'li', {}, d))) : null),
          h(doc, 'div', { class: 'row' },
            h(doc, 'button', { type: 'button', onclick: () => void browser.tabs.create({ url: browser.runtime.getURL(`/report.html?id=${encodeURIComponent(i.id)}` as '/report.html') }) }, t.edit),
            h(doc, 'button', { type: 'button', onclick: run(() => send('queue:retry', { id: i.id })) }, t.resend),
            h(doc, 'button', { type: 'button', class: 'link', onclick: run(() => send('queue:remove', { id: i.id })) }, t.remove))),
      );
    }
  }
  if (sent.length) {
    box.appendChild(h(doc, 'h2', { style: 'margin-top:8px' }, t.recentlySent));
    for (const x of sent.slice(0, 5)) {
      box.appendChild(
        h(doc, 'div', { class: 'item', 'data-zc': 'sent-item', 'data-ticket': x.ticketNumber },
          h(doc, 'a', { href: `${x.serverUrl}/tickets/${encodeURIComponent(x.ticketNumber)}`, target: '_blank', rel: 'noopener' }, x.ticketNumber),
          ` · ${categoryLabel(x.category as OutboxItem['draft']['category'], s.lang)} · ${short(x.description, 40)}`),
      );
    }
  }
  app.appendChild(box);
}

void render();
