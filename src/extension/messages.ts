/**
 * Message passing between the popup, the options and report pages, the content script and the
 * background: one typed table of requests and their answers. Every answer travels as
 * `{ ok: true, data }` or `{ ok: false, error }`, so an error thrown in the background reaches
 * the sender as an Error with its message (a rejected promise does not survive the channel in
 * every browser). A router ignores types it has no handler for, so the background and a content
 * script can listen on the same channel.
 */
import { browser } from 'wxt/browser';
import type { LinkTarget } from '../gather/artifacts.ts';
import type { Draft } from './draft.ts';
import type { LinkToCheck } from './link-check.ts';
import type { OutboxItem, SentItem, SubmitOutcome } from './queue.ts';
import type { Settings } from './settings.ts';

export interface Me {
  tokenId: number;
  name: string;
  role: string;
  division: string | null;
}

/** Requests and what they answer. */
export interface Protocol {
  /** popup/menu/shortcut → background: picking mode (or the selection) in a tab. */
  'flag:start': { req: { tabId?: number }; res: { tabId: number } };
  /** popup → background: run the page check in a tab. */
  'check:start': { req: { tabId?: number }; res: { tabId: number } };
  /** content → background: the visible part of the sender's tab as a PNG data URL. */
  capture: { req: Record<string, never>; res: { dataUrl: string } };
  /** content → background: verify link targets (the background may read other origins). */
  'links:check': { req: { pageUrl: string; links: LinkToCheck[]; pageAnchors: string[] }; res: { targets: LinkTarget[] } };
  /** content/report page → background: file a report (sent now, or kept and retried). */
  'report:submit': { req: { draft: Draft }; res: SubmitOutcome };
  'queue:list': { req: Record<string, never>; res: { items: OutboxItem[]; sent: SentItem[] } };
  'queue:get': { req: { id: string }; res: { item: OutboxItem | null } };
  /** Send what is due now (or everything pending with `all`). */
  'queue:flush': { req: { all?: boolean }; res: { sent: number; failed: number; rejected: number } };
  /** Send one kept (rejected) report again as it is, e.g. after the token was fixed. */
  'queue:retry': { req: { id: string }; res: SubmitOutcome };
  'queue:remove': { req: { id: string }; res: { removed: boolean } };
  /** GET /api/me with the given (or the stored) settings. */
  'settings:check': { req: { settings?: Settings }; res: { me: Me } };
  /** background → content */
  ping: { req: Record<string, never>; res: { ready: true } };
  'pick:start': { req: { useSelection?: boolean; linkUrl?: string; srcUrl?: string }; res: { started: true } };
  'check:run': { req: Record<string, never>; res: { started: true } };
}

export type MessageType = keyof Protocol;
export type Message<K extends MessageType = MessageType> = { type: K } & Protocol[K]['req'];
export type Answer<T> = { ok: true; data: T } | { ok: false; error: string };

export interface SenderInfo {
  tab?: { id?: number; windowId?: number; url?: string };
  url?: string;
  id?: string;
}

export type Handler<K extends MessageType> = (msg: Message<K>, sender: SenderInfo) => Promise<Protocol[K]['res']> | Protocol[K]['res'];
export type Handlers = { [K in MessageType]?: Handler<K> };

function isMessage(m: unknown): m is Message {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';
}

/**
 * A runtime.onMessage listener that answers the types it has handlers for (as a promise of an
 * Answer) and leaves the rest to other listeners (returns undefined).
 */
export function createRouter(handlers: Handlers): (msg: unknown, sender: SenderInfo) => Promise<Answer<unknown>> | undefined {
  return (msg, sender) => {
    if (!isMessage(msg)) return undefined;
    const h = handlers[msg.type] as Handler<MessageType> | undefined;
    if (!h) return undefined;
    return (async () => {
      try {
        return { ok: true as const, data: await h(msg as Message<MessageType>, sender ?? {}) };
      } catch (err) {
        return { ok: false as const, error: err instanceof Error ? err.message : String(err) };
      }
    })();
  };
}

function unwrap<T>(type: string, a: unknown): T {
  if (!a || typeof a !== 'object' || !('ok' in a)) throw new Error(`no answer to ${type}`);
  const ans = a as Answer<T>;
  if (!ans.ok) throw new Error(ans.error);
  return ans.data;
}

/** Sends a request to the background (or the extension's pages) and returns its answer. */
export async function send<K extends MessageType>(type: K, req: Protocol[K]['req']): Promise<Protocol[K]['res']> {
  return unwrap(type, await browser.runtime.sendMessage({ type, ...req }));
}

/** Sends a request to the content script of a tab. */
export async function sendToTab<K extends MessageType>(tabId: number, type: K, req: Protocol[K]['req']): Promise<Protocol[K]['res']> {
  return unwrap(type, await browser.tabs.sendMessage(tabId, { type, ...req }));
}
