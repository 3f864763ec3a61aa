/**
 * The extension's settings (Options page): the tickets server and the staff member's token,
 * their name and division, the portal origins the extension may read (host permissions are
 * asked for these only), and the UI language. Kept in storage.local, never synced: the token
 * is a secret.
 */
import { browser } from 'wxt/browser';
import type { Lang } from './i18n.ts';

export interface Settings {
  /** http(s)://host[:port] of `zhaocuo serve`, no trailing slash; '' when not set. */
  serverUrl: string;
  token: string;
  name: string;
  division: string;
  /** Portal origins (http(s)://host[:port]) the user configured. */
  portalOrigins: string[];
  lang: Lang;
}

export const DEFAULT_SETTINGS: Settings = { serverUrl: '', token: '', name: '', division: '', portalOrigins: [], lang: 'zh' };

const KEY = 'settings';

export async function loadSettings(): Promise<Settings> {
  const got = (await browser.storage.local.get(KEY)) as Record<string, Partial<Settings> | undefined>;
  return { ...DEFAULT_SETTINGS, ...(got[KEY] ?? {}) };
}

export async function saveSettings(s: Settings): Promise<void> {
  await browser.storage.local.set({ [KEY]: s });
}

/** The origin of an http(s) URL typed by a person ("127.0.0.1:8787" gets http://), or null. */
export function originOf(input: string): string | null {
  return typedHttpUrl(input)?.origin ?? null;
}

/** An http(s) URL as a person types it (the scheme may be left out), or null. */
function typedHttpUrl(input: string): URL | null {
  const t = input.trim();
  if (!t) return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(t) ? t : `http://${t}`;
  try {
    const u = new URL(withScheme);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : null;
  } catch {
    return null;
  }
}

/** The server URL as typed, normalised: scheme, host, port and path prefix, no trailing slash. */
export function normaliseServerUrl(input: string): string | null {
  const u = typedHttpUrl(input);
  return u ? (u.origin + u.pathname).replace(/\/+$/, '') : null;
}

/** Portal origins from a text field: one a line (commas and spaces also separate). */
export function parseOrigins(text: string): { origins: string[]; invalid: string[] } {
  const origins: string[] = [];
  const invalid: string[] = [];
  for (const part of text.split(/[\s,，;；]+/)) {
    if (!part) continue;
    const o = originOf(part);
    if (!o) invalid.push(part);
    else if (!origins.includes(o)) origins.push(o);
  }
  return { origins, invalid };
}

/** The match pattern of an origin for permissions.request: http://host:port/* (ports are ignored by match patterns). */
export function originPattern(origin: string): string {
  const u = new URL(origin);
  return `${u.protocol}//${u.hostname.includes(':') ? `[${u.hostname.replace(/^\[|\]$/g, '')}]` : u.hostname}/*`;
}

export function isConfigured(s: Settings): boolean {
  return Boolean(s.serverUrl && s.token);
}

export interface MeAnswer {
  tokenId: number;
  name: string;
  role: string;
  division: string | null;
}

const UNREACHABLE = 'server not reachable at';

/** fetchMe's error when nobody answered (a refusal is any other error: 401, 403, not a zhaocuo server). */
export function serverUnreachable(message: string): boolean {
  return message.includes(UNREACHABLE);
}

/** GET /api/me: who the token belongs to; throws with the server's message (or why it did not answer). */
export async function fetchMe(s: Pick<Settings, 'serverUrl' | 'token'>, fetchImpl: typeof fetch = (u, i) => globalThis.fetch(u, i), timeoutMs = 10_000): Promise<MeAnswer> {
  if (!s.serverUrl) throw new Error('no server URL');
  if (!s.token) throw new Error('no token');
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  let res: Response;
  try {
    res = await fetchImpl(`${s.serverUrl}/api/me`, { headers: { authorization: `Bearer ${s.token}` }, signal: ctl.signal });
  } catch (err) {
    throw new Error(`${UNREACHABLE} ${s.serverUrl} (${(err as Error).name === 'AbortError' ? 'timeout' : (err as Error).message})`);
  } finally {
    clearTimeout(timer);
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw new Error(typeof body.error === 'string' ? `${res.status}: ${body.error}` : `HTTP ${res.status}`);
  if (typeof body.name !== 'string' || typeof body.role !== 'string') throw new Error('the server did not answer as zhaocuo serve does');
  return { tokenId: Number(body.tokenId), name: body.name, role: body.role, division: (body.division as string | null) ?? null };
}
