/**
 * Message passing (src/extension/messages.ts) over WXT's fake browser: typed requests reach
 * the one router that handles them, answers come back unwrapped, errors thrown in a handler
 * arrive as Errors with their message, and unknown types are left to other listeners.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createRouter, send, sendToTab } from '../src/extension/messages.ts';

beforeEach(() => fakeBrowser.reset());

describe('router and send', () => {
  it('answers a request with the handler result, wrapped for the channel and unwrapped by send', async () => {
    fakeBrowser.runtime.onMessage.addListener(
      createRouter({
        'queue:remove': async (m) => ({ removed: m.id === 'abc' }),
      }) as never,
    );
    await expect(send('queue:remove', { id: 'abc' })).resolves.toEqual({ removed: true });
    await expect(send('queue:remove', { id: 'zzz' })).resolves.toEqual({ removed: false });
  });

  it('passes the sender (the content script asking for a screenshot of its own tab)', async () => {
    const seen = vi.fn();
    const router = createRouter({ capture: (_m, sender) => (seen(sender), { dataUrl: 'data:image/png;base64,AAAA' }) });
    const answer = await router({ type: 'capture' }, { tab: { id: 7, windowId: 3 } });
    expect(answer).toEqual({ ok: true, data: { dataUrl: 'data:image/png;base64,AAAA' } });
    expect(seen).toHaveBeenCalledWith({ tab: { id: 7, windowId: 3 } });
  });

  it('turns a thrown error into {ok:false} and send into a rejected promise with the message', async () => {
    fakeBrowser.runtime.onMessage.addListener(
      createRouter({
        'settings:check': async () => {
          throw new Error('401: unknown or revoked token');
        },
      }) as never,
    );
    await expect(send('settings:check', {})).rejects.toThrow('401: unknown or revoked token');
  });

  it('leaves types it has no handler for (and non-messages) to other listeners', async () => {
    const background = createRouter({ 'queue:list': () => ({ items: [], sent: [] }) });
    const content = createRouter({ ping: () => ({ ready: true as const }) });
    expect(background({ type: 'ping' }, {})).toBeUndefined();
    expect(background('hello', {})).toBeUndefined();
    expect(background(null, {})).toBeUndefined();
    fakeBrowser.runtime.onMessage.addListener(background as never);
    fakeBrowser.runtime.onMessage.addListener(content as never);
    await expect(send('ping', {})).resolves.toEqual({ ready: true });
    await expect(send('queue:list', {})).resolves.toEqual({ items: [], sent: [] });
  });

  it('send fails clearly when nobody answers', async () => {
    fakeBrowser.runtime.onMessage.addListener(createRouter({}) as never);
    await expect(send('queue:list', {})).rejects.toThrow(/no answer to queue:list/);
  });

  it('sendToTab addresses the content script of one tab', async () => {
    const content = createRouter({ 'pick:start': (m) => ({ started: Boolean(m.useSelection) as true }) });
    const spy = vi.spyOn(fakeBrowser.tabs, 'sendMessage').mockImplementation((async (tabId: number, msg: unknown) => (tabId === 5 ? content(msg, {}) : undefined)) as never);
    await expect(sendToTab(5, 'pick:start', { useSelection: true })).resolves.toEqual({ started: true });
    expect(spy).toHaveBeenCalledWith(5, { type: 'pick:start', useSelection: true });
    await expect(sendToTab(6, 'pick:start', {})).rejects.toThrow(/no answer/);
  });
});
