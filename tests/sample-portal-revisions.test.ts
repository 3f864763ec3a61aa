// The sample portal between two runs: validators (ETag, Last-Modified) answered with 304,
// revisions of a share of its pages, removed pages, and validators switched off.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSamplePortal, type SamplePortal } from '../src/sample-portal/server.ts';
import { REVISION_MOBILE } from '../src/sample-portal/revisions.ts';

let sp: SamplePortal;
beforeAll(async () => {
  sp = await startSamplePortal({ pages: 80, host: '127.0.0.1' });
});
afterAll(() => sp.close());

const get = (path: string, headers: Record<string, string> = {}) => fetch(sp.url + path, { headers: { 'accept-encoding': 'identity', ...headers } });

/** An article page (articles carry Last-Modified). */
function articlePath(): string {
  const p = sp.revisions.htmlPaths().find((x) => sp.revisions.current(x)?.headers['last-modified']);
  if (!p) throw new Error('no article with Last-Modified');
  return p;
}

describe('sample portal validators and revisions', () => {
  it('answers If-None-Match and If-Modified-Since with 304, and a later revision with 200', async () => {
    const path = articlePath();
    const first = await get(path);
    const etag = first.headers.get('etag')!;
    const lm = first.headers.get('last-modified')!;
    expect(etag).toMatch(/^"/);
    expect(lm).toMatch(/GMT$/);
    expect((await get(path, { 'if-none-match': etag })).status).toBe(304);
    expect((await get(path, { 'if-modified-since': lm })).status).toBe(304);
    // If-None-Match decides when both are sent
    expect((await get(path, { 'if-none-match': '"other"', 'if-modified-since': lm })).status).toBe(200);

    expect(sp.revisions.mutate({ paths: [path], defect: true })).toEqual([path]);
    const after = await get(path, { 'if-none-match': etag });
    expect(after.status).toBe(200);
    const body = await after.text();
    expect(body).toContain(REVISION_MOBILE);
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(Date.parse(after.headers.get('last-modified')!)).toBeGreaterThan(Date.parse(lm));
    expect((await get(path, { 'if-modified-since': lm })).status).toBe(200);
    expect((await get(path, { 'if-modified-since': after.headers.get('last-modified')! })).status).toBe(304);
  });

  it('answers 304 with only what RFC 9110 §15.4.5 asks a 304 to repeat (ETag, Vary, Date), Last-Modified only without an ETag', async () => {
    const path = articlePath();
    const full = await get(path);
    expect(full.headers.get('vary')).toBe('Accept-Encoding');
    const lean = await get(path, { 'if-none-match': full.headers.get('etag')! });
    expect(lean.status).toBe(304);
    expect([...lean.headers.keys()].filter((k) => !['connection', 'keep-alive'].includes(k)).sort()).toEqual(['date', 'etag', 'vary']);
    expect(lean.headers.get('etag')).toBe(full.headers.get('etag'));
    sp.revisions.validators = 'last-modified';
    try {
      const byDate = await get(path, { 'if-modified-since': full.headers.get('last-modified')! });
      expect(byDate.status).toBe(304);
      expect(byDate.headers.get('last-modified')).toBe(full.headers.get('last-modified'));
      expect(byDate.headers.get('etag')).toBeNull();
    } finally {
      sp.revisions.validators = 'both';
    }
  });

  it('revises the chosen share of pages, removes pages, and can serve no validators', async () => {
    const all = sp.revisions.htmlPaths();
    const changed = sp.revisions.mutate({ fraction: 0.1 });
    expect(changed.length).toBe(Math.round(all.length * 0.1));
    expect(new Set(changed).size).toBe(changed.length);
    expect(await (await get(changed[0])).text()).toContain('zc-revision');

    const gone = all.find((p) => !changed.includes(p) && p !== '/index.html')!;
    sp.revisions.remove(gone);
    expect((await get(gone)).status).toBe(404);

    sp.revisions.validators = 'none';
    const path = articlePath();
    const res = await get(path);
    expect(res.headers.get('etag')).toBeNull();
    expect(res.headers.get('last-modified')).toBeNull();
    expect((await get(path, { 'if-modified-since': new Date().toUTCString() })).status).toBe(200);
    sp.revisions.validators = 'both';
  });

  it('counts the bytes its server sends', async () => {
    sp.resetCounts();
    expect(sp.bytesSent()).toBe(0);
    const res = await get('/index.html');
    const n = (await res.arrayBuffer()).byteLength;
    expect(sp.bytesSent()).toBeGreaterThan(n);
  });
});
