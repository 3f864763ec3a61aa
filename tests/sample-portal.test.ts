// Tests of the sample portal itself: the generator (determinism, size, link integrity, depths,
// dates relative to `today`) and the servers (IPv4 + IPv6, gzip, HEAD, Host, counting), and that
// every plant recorded in the manifest is really there.

import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePortal, type Portal } from '../src/sample-portal/generate.ts';
import { columnByKey, plantById, plantsOf, type Plant } from '../src/sample-portal/manifest.ts';
import { startSamplePortal, type SamplePortal } from '../src/sample-portal/server.ts';

// --- small independent helpers ---------------------------------------------------------------

interface Got {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function request(url: string, opts: { method?: string; headers?: Record<string, string> } = {}): Promise<Got> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname.replace(/^\[|\]$/g, ''),
        port: u.port,
        path: u.pathname + u.search,
        method: opts.method ?? 'GET',
        headers: opts.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Follow redirects by hand; returns the hops and the final response, or 'loop'. */
async function follow(url: string, max = 10): Promise<{ hops: number; statuses: number[]; final: Got | 'loop'; finalUrl: string }> {
  const seen = new Set<string>();
  const statuses: number[] = [];
  let cur = url;
  for (let i = 0; i <= max; i++) {
    if (seen.has(cur)) return { hops: i, statuses, final: 'loop', finalUrl: cur };
    seen.add(cur);
    const r = await request(cur);
    statuses.push(r.status);
    if (r.status >= 300 && r.status < 400 && r.headers.location) {
      cur = new URL(r.headers.location, cur).href;
      continue;
    }
    return { hops: i, statuses, final: r, finalUrl: cur };
  }
  return { hops: max, statuses, final: 'loop', finalUrl: cur };
}

function idValid(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = w.reduce((s, x, i) => s + x * Number(id[i]), 0);
  const area = Number(id.slice(0, 2));
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  return (
    '10X98765432'[sum % 11] === id[17] &&
    area >= 11 &&
    area <= 82 &&
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === m - 1 &&
    date.getUTCDate() === d
  );
}

function luhn(num: string): boolean {
  let sum = 0;
  for (let i = num.length - 1, dbl = false; i >= 0; i--, dbl = !dbl) {
    let d = Number(num[i]);
    if (dbl) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

const HTML_TYPE = /^text\/html/;
const isPage = (portal: Portal, path: string) => {
  const r = portal.resources.get(path);
  return !!r && r.status === 200 && HTML_TYPE.test(r.headers['content-type'] ?? '');
};

function decode(r: { headers: Record<string, string | string[] | undefined>; body: Buffer }, path: string): string {
  const ct = String(r.headers['content-type'] ?? '');
  return ct.includes('gbk') || path.startsWith('/legacy/') ? new TextDecoder('gbk').decode(r.body) : r.body.toString('utf8');
}

/** every href/src in a page, outside scripts */
function refs(html: string): string[] {
  const h = html
    .replace(/<script\b[\s\S]*?<\/script>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<title>[\s\S]*?<\/title>/i, '');
  const out: string[] = [];
  // tag by tag, attribute by attribute (so text inside attribute values is never taken for one)
  for (const tag of h.matchAll(/<[a-z][\w-]*((?:\s+[^\s=>\/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*\/?>/gi)) {
    for (const a of tag[1].matchAll(/([^\s=>\/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
      const name = a[1].toLowerCase();
      if (name === 'href' || name === 'src') out.push((a[2] ?? a[3] ?? a[4] ?? '').replace(/&amp;/g, '&'));
    }
  }
  return out;
}

// --- generator ---------------------------------------------------------------------------------

describe('generator', () => {
  const p200 = generatePortal({ seed: 11 });
  const m = p200.manifest;

  it('is deterministic: same seed gives byte-identical resources and manifest', () => {
    const a = generatePortal({ seed: 5, pages: 400 });
    const b = generatePortal({ seed: 5, pages: 400 });
    expect([...a.resources.keys()]).toEqual([...b.resources.keys()]);
    for (const [k, r] of a.resources) {
      const o = b.resources.get(k)!;
      expect(o.status, k).toBe(r.status);
      expect(o.headers, k).toEqual(r.headers);
      expect(r.body.equals(o.body), k).toBe(true);
    }
    expect(JSON.stringify(a.manifest)).toBe(JSON.stringify(b.manifest));
    const c = generatePortal({ seed: 6, pages: 400 });
    expect(c.resources.get('/')!.body.equals(a.resources.get('/')!.body)).toBe(false);
  });

  it('produces about the asked number of pages (50 → the minimal site, 2000 → ±1%)', () => {
    const small = generatePortal({ pages: 50 });
    expect(small.manifest.htmlPageCount).toBeGreaterThanOrEqual(50);
    // The minimal site is every column and every plant (each plant article is a page): ~60 pages.
    expect(small.manifest.htmlPageCount).toBeLessThanOrEqual(65);
    const big = generatePortal({ pages: 2000 });
    expect(Math.abs(big.manifest.htmlPageCount - 2000)).toBeLessThanOrEqual(20);
    for (const p of [small, big, p200]) {
      // the manifest lists every served HTML page (less the /index.html alias and the robots-disallowed page) + the calendar entry
      const served = [...p.resources.keys()].filter((k) => isPage(p, k) && k !== '/index.html' && !k.startsWith('/private/'));
      const listed = p.manifest.pages.filter((e) => e.kind !== 'calendar').map((e) => e.path);
      expect(new Set(served)).toEqual(new Set(listed));
      // every plant's page exists, whatever the size
      for (const pl of p.manifest.plants) {
        const base = pl.path.split('?')[0];
        expect(p.resources.has(pl.path) || p.dynamic(pl.path) !== undefined || p.resources.has(base), `${pl.id} ${pl.path}`).toBe(true);
      }
    }
  });

  it('has no broken internal link or image besides the planted ones', () => {
    const p = generatePortal({ pages: 1200, seed: 3 });
    const broken = new Set<string>();
    for (const e of p.manifest.pages) {
      const r = e.kind === 'calendar' ? p.dynamic(e.path)! : p.resources.get(e.path)!;
      const base = new URL(e.path, 'http://portal.test');
      for (const ref of refs(decode(r, e.path))) {
        if (/^(javascript|mailto):/i.test(ref) || ref.startsWith('#')) continue;
        const u = new URL(ref, base);
        if (u.origin !== base.origin) continue;
        let path = u.pathname + u.search;
        for (let i = 0; i < 5; i++) {
          const res = p.resources.get(path);
          if (res && res.status >= 300 && res.status < 400) path = res.headers.location;
          else break;
        }
        const ok = p.resources.get(path)?.status === 200 || p.dynamic(path) !== undefined;
        if (!ok) broken.add(path);
      }
    }
    const planted = plantsOf(p.manifest, { area: 'links' })
      .filter((x) => x.expectedState === 'broken' && x.target?.startsWith('/'))
      .map((x) => x.target!.split('#')[0])
      .filter((t) => p.resources.get(t)?.status !== 200 && !t.startsWith('/loop/') && !t.startsWith('/info/')); // /info/: soft 404s, answered 200
    expect([...broken].filter((b) => !b.startsWith('/loop/')).sort()).toEqual([...new Set(planted)].sort());
  });

  it('records BFS depths: homepage 1, orphan unreachable, counts add up', () => {
    const home = m.pages.find((e) => e.path === '/')!;
    expect(home.depth).toBe(1);
    expect(m.pages.find((e) => e.path === '/ztzl/2019/index.html')!.depth).toBeNull();
    expect(m.pages.filter((e) => e.depth === null).map((e) => e.path)).toEqual(['/ztzl/2019/index.html']);
    expect(m.pages.some((e) => e.path.startsWith('/private/'))).toBe(false);
    expect(Object.values(m.depthCounts).reduce((a, b) => a + b, 0)).toBe(m.htmlPageCount);
    expect(m.depthCounts['1']).toBe(1);
    // the column pages hang off the navigation
    for (const c of m.columns) {
      const d = m.pages.find((e) => e.path === c.path)?.depth;
      expect(d, c.path).not.toBeNull();
      expect(d!, c.path).toBeLessThanOrEqual(4);
    }
    // the calendar entry month is a page at depth 2 (linked from the homepage)
    expect(m.pages.find((e) => e.kind === 'calendar')!.depth).toBe(2);
  });

  it('computes dates relative to today: freshness plants stay put', () => {
    for (const today of ['2026-11-20', '2027-03-01', '2030-01-10']) {
      const p = generatePortal({ today, pages: 150 });
      const mm = p.manifest;
      expect(columnByKey(mm, 'gzdt').newestAgeDays).toBe(1);
      expect(columnByKey(mm, 'tzgg').newestAgeDays).toBe(2);
      expect(columnByKey(mm, 'bmdt')).toMatchObject({ newestAgeDays: 30, stale: true, periodDays: 14 });
      expect(columnByKey(mm, 'rsxx')).toMatchObject({ newestAgeDays: 400, stale: true, periodDays: 365 });
      expect(columnByKey(mm, 'zcwj')).toMatchObject({ newestAgeDays: 150, stale: false, periodDays: 183 });
      expect(columnByKey(mm, 'ccjg')).toMatchObject({ itemCount: 0, blank: true });
      expect(mm.columns.filter((c) => c.stale).map((c) => c.key).sort()).toEqual(['bmdt', 'rsxx']);
      expect(mm.interaction.unansweredOver90).toBe(1);
      expect(mm.today).toBe(today);
    }
  });

  it('keeps the guides fixed; badGuides reaches the veto', () => {
    const grades = m.guides.map((g) => g.grade);
    expect(grades.filter((g) => g === 'complete')).toHaveLength(2);
    expect(grades.filter((g) => g === 'minor')).toHaveLength(1);
    expect(grades.filter((g) => g === 'severe')).toHaveLength(4);
    for (const g of m.guides) {
      if (g.grade === 'severe') expect(g.missing.length).toBeGreaterThanOrEqual(4);
      if (g.grade === 'minor') expect(g.missing).toHaveLength(1);
      const html = p200.resources.get(g.path)!.body.toString();
      for (const c of g.present) expect(html, `${g.title} ${c}`).toContain(`<th scope="row">${c}</th>`);
      for (const c of g.missing) expect(html, `${g.title} ${c}`).not.toContain(`<th scope="row">${c}</th>`);
    }
    const veto = generatePortal({ badGuides: 5, pages: 100 }).manifest;
    expect(veto.guides.filter((g) => g.grade === 'severe')).toHaveLength(5);
    expect(veto.guides).toHaveLength(8);
  });

  it('records the message list with computable reply times', () => {
    const answered = m.messages.filter((x) => x.replyDays !== null);
    const mean = answered.reduce((s, x) => s + x.replyDays!, 0) / answered.length;
    expect(m.interaction.meanReplyDays).toBeCloseTo(mean, 2);
    const html = p200.resources.get('/hdjl/ldxx/index.html')!.body.toString();
    for (const msg of m.messages) {
      expect(html).toContain(`id="${msg.id}"`);
      expect(html).toContain(`留言时间：${msg.askedDate}`);
      if (msg.repliedDate) expect(html).toContain(`答复时间：${msg.repliedDate}`);
      const d = msg.repliedDate ? (Date.parse(msg.repliedDate) - Date.parse(msg.askedDate)) / 864e5 : null;
      expect(d).toBe(msg.replyDays);
    }
    expect(m.messages.some((x) => x.replyDays === null && Date.parse(m.today) - Date.parse(x.askedDate) === 120 * 864e5)).toBe(true);
  });

  it('plants privacy values that are exactly valid, and near misses that are not', () => {
    expect(idValid(plantById(m, 'personal-id').value!)).toBe(true);
    expect(luhn(plantById(m, 'personal-id').value!)).toBe(false);
    expect(plantById(m, 'personal-mobile').value).toMatch(/^1[3-9]\d{9}$/);
    expect(luhn(plantById(m, 'personal-bankcard').value!)).toBe(true);
    expect(plantById(m, 'personal-bankcard').value).toMatch(/^62\d{14,17}$/);
    expect(idValid(plantById(m, 'id-bad-checksum').value!)).toBe(false);
    expect(plantById(m, 'id-bad-checksum').value).toMatch(/^\d{18}$/);
    expect(luhn(plantById(m, 'id-bad-checksum').value!)).toBe(false);
    expect(plantById(m, 'masked-id').value).toMatch(/^\d{4}\*{10}\d{4}$/);
    expect(plantById(m, 'credit-code').value).toMatch(/^91350100[0-9A-HJ-NPQRTUWXY]{10}$/);
    expect(plantById(m, 'personal-id').masked).toMatch(/^\d{4}\*{10}[\dX]{4}$/);
  });

  it('puts some images and attachments on the cdn origin, served by the same server', () => {
    const p = generatePortal({ pages: 300, cdn: 'http://cdn.portal.test:8081' });
    const hrefs = new Set<string>();
    for (const e of p.manifest.pages) {
      const r = p.resources.get(e.path);
      if (!r) continue;
      for (const x of refs(decode(r, e.path))) if (x.startsWith('http://cdn.portal.test:8081/')) hrefs.add(x);
    }
    expect(hrefs.size).toBeGreaterThan(3);
    for (const h of hrefs) expect(p.resources.get(new URL(h).pathname)?.status, h).toBe(200);
    expect(p.manifest.cdn).toBe('http://cdn.portal.test:8081');
  });

  it('writes the 网站标识码 of /js-footer.html only with JavaScript', () => {
    const html = p200.resources.get('/js-footer.html')!.body.toString();
    expect(html).not.toContain('3500000025');
    expect(html).toContain("'35000' + '00025'");
    expect(m.identity.jsOnlyPages).toEqual(['/js-footer.html']);
    expect(m.identity.splitPages).toContain('/zwgk/index.html');
    const split = p200.resources.get('/zwgk/index.html')!.body.toString();
    expect(split).not.toContain('3500000025');
    expect(split.replace(/<\/?span>/g, '')).toContain('网站标识码：3500000025');
    expect(m.identity.plainPages).toContain('/');
  });
});

// --- server ------------------------------------------------------------------------------------

describe('server', () => {
  let sp: SamplePortal;
  beforeAll(async () => {
    sp = await startSamplePortal({ pages: 200, seed: 2 });
  });
  afterAll(async () => {
    await sp?.close();
  });

  it('serves the same site on 127.0.0.1 and ::1', async () => {
    expect(sp.url).toBe(`http://127.0.0.1:${sp.port}`);
    expect(sp.urlV6).toBe(`http://[::1]:${sp.port}`);
    const a = await request(sp.url + '/');
    const b = await request(sp.urlV6 + '/');
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.body.equals(b.body)).toBe(true);
    expect(a.body.toString()).toContain('<html lang="zh-CN">');
    expect((await request(sp.url + '/index.html')).body.equals(a.body)).toBe(true);
  });

  it('every planted defect in the manifest is there, as recorded', async () => {
    const checked: string[] = [];
    const plants = sp.manifest.plants;
    for (const p of plants) {
      const page = await request(sp.url + p.path);
      expect(page.status, `${p.id} ${p.path}`).toBe(200);
      const html = decode(page, p.path);
      if (p.evidence) expect(html, p.id).toContain(p.evidence);
      if (p.target && p.expectedState) await checkLink(p);
      checked.push(p.id);
    }
    const need = [
      'broken-internal-link', 'broken-image', 'broken-attachment', 'working-link', 'broken-external-refused',
      'broken-external-404', 'external-ok', 'external-bot-403', 'external-429-retry', 'external-head-405',
      'redirect-chain', 'redirect-loop', 'fragment-ok', 'fragment-missing', 'fragment-name-anchor', 'text-directive',
      'stale-column-bmdt', 'stale-column-rsxx', 'fresh-column-zcwj', 'blank-column-ccjg', 'gbk-header', 'gbk-meta',
      'gbk-none', 'personal-id', 'personal-mobile', 'personal-bankcard', 'masked-id', 'credit-code',
      'digits-in-filename', 'office-phone', 'id-bad-checksum', 'outdated-name', 'typo-jishi', 'a11y-image-alt',
      'a11y-label', 'a11y-color-contrast', 'a11y-link-name', 'popup-on-load', 'floating-ad', 'a11y-clean',
      'message-unanswered-120d', 'message-fast-reply', 'calendar-trap', 'hostile-title', 'malformed-html',
      'robots-disallowed', 'orphan-page', 'identity-js-only', 'identity-split',
    ];
    for (const id of need) expect(checked, id).toContain(id);
    // the near miss of the outdated name: "原…厅" in a historical sense
    expect((await request(sp.url + '/zwgk/jgzn/index.html')).body.toString()).toContain(`原${sp.manifest.site.oldName}`);
  });

  async function checkLink(p: Plant): Promise<void> {
    const t = p.target!;
    const [path, frag] = t.split('#');
    if (t.startsWith('/')) {
      const r = await follow(sp.url + path);
      if (p.kind === 'redirect-chain') {
        expect(r.hops).toBe(p.hops);
        expect(r.statuses).toEqual([301, 302, 301, 200]);
        expect(new URL(r.finalUrl).pathname).toBe(p.finalTarget);
        return;
      }
      if (p.kind === 'redirect-loop') {
        expect(r.final).toBe('loop');
        return;
      }
      expect(r.final, p.id).not.toBe('loop');
      const fin = r.final as Got;
      if (p.kind === 'soft-404') {
        // answered 200, with the site's "not found" page
        expect(fin.status, p.id).toBe(200);
        expect(fin.body.toString(), p.id).toContain('<title>页面不存在');
        return;
      }
      if (p.expectedState === 'broken' && !frag) {
        expect(fin.status, p.id).toBe(404);
        return;
      }
      expect(fin.status, p.id).toBe(200);
      if (frag && !frag.startsWith(':~:')) {
        const has = new RegExp(`(id|name)="${frag}"`).test(fin.body.toString());
        expect(has, p.id).toBe(p.expectedState === 'ok');
      }
      return;
    }
    // external
    if (p.id === 'broken-external-refused') {
      await expect(request(t)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } else if (p.id === 'external-429-retry') {
      const first = await request(t);
      expect(first.status).toBe(429);
      expect(first.headers['retry-after']).toBe('1');
      expect((await request(t)).status).toBe(200);
    } else if (p.id === 'external-head-405') {
      expect((await request(t, { method: 'HEAD' })).status).toBe(405);
      const g = await request(t);
      expect(g.status).toBe(200);
      expect(g.headers['content-type']).toBe('application/pdf');
      expect(g.body.subarray(0, 5).toString()).toBe('%PDF-');
    } else if (p.id === 'external-bot-403') {
      const g = await request(t);
      expect(g.status).toBe(403);
      expect(g.body.toString()).toContain('访问被拦截');
    } else {
      expect((await request(t)).status, p.id).toBe(p.expectedState === 'ok' ? 200 : 404);
    }
  }

  it('serves the footer badge and 找错 targets on the external site', async () => {
    const home = (await request(sp.url + '/')).body.toString();
    const ext = [...home.matchAll(/href="(http:\/\/127\.0\.0\.1:\d+\/[^"]+)"/g)].map((x) => x[1].replace(/&amp;/g, '&'));
    expect(ext.some((u) => u.includes('/conac/'))).toBe(true);
    expect(ext.some((u) => u.includes('/jiucuo/'))).toBe(true);
    for (const u of new Set(ext)) expect((await request(u)).status, u).toBe(200);
  });

  it('decodes the GBK legacy pages with TextDecoder("gbk")', async () => {
    for (const p of plantsOf(sp.manifest, { kind: 'gbk-page' })) {
      const r = await request(sp.url + p.path);
      const ct = String(r.headers['content-type']);
      if (p.charsetDeclared === 'header') expect(ct).toBe('text/html; charset=gbk');
      else expect(ct).toBe('text/html');
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(r.body)).toThrow();
      const text = new TextDecoder('gbk').decode(r.body);
      expect(text).not.toContain('\ufffd');
      expect(text).toContain(p.evidence!);
      expect(text).toContain('网站标识码：3500000025');
      expect(text).toContain('主办单位：示例省海洋与渔业局');
      const ascii = r.body.toString('latin1');
      if (p.charsetDeclared === 'meta') expect(ascii).toContain('charset=gb2312');
      else expect(ascii).not.toMatch(/charset/i);
    }
  });

  it('counts every request by method and path', async () => {
    sp.resetCounts();
    const path = sp.manifest.pages.find((e) => e.kind === 'article')!.path;
    await request(sp.url + path);
    await request(sp.url + path);
    await request(sp.url + path, { method: 'HEAD' });
    await request(sp.url + '/nope.html');
    expect(sp.requests.get(`GET ${path}`)).toBe(2);
    expect(sp.requests.get(`HEAD ${path}`)).toBe(1);
    expect(sp.requests.get('GET /nope.html')).toBe(1);
    expect(sp.requests.size).toBe(3);
  });

  it('supports HEAD, gzip, ETag, favicon and 404', async () => {
    const path = sp.manifest.pages.find((e) => e.kind === 'article')!.path;
    const plain = await request(sp.url + path);
    const head = await request(sp.url + path, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBe(String(plain.body.length));
    const gz = await request(sp.url + path, { headers: { 'accept-encoding': 'gzip, deflate' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
    const etag = String(plain.headers.etag);
    expect((await request(sp.url + path, { headers: { 'if-none-match': etag } })).status).toBe(304);
    const ico = await request(sp.url + '/favicon.ico');
    expect(ico.status).toBe(200);
    expect(ico.headers['content-type']).toBe('image/x-icon');
    const nf = await request(sp.url + '/no/such/page.html');
    expect(nf.status).toBe(404);
    expect(nf.body.toString()).toContain('页面不存在');
    const png = await request(sp.url + '/images/logo.png');
    expect(png.body.subarray(1, 4).toString()).toBe('PNG');
  });

  it('answers any Host header; robots.txt and sitemap.xml use it', async () => {
    const host = `hyj.example.gov.cn:${sp.port}`;
    const robots = (await request(sp.url + '/robots.txt', { headers: { host } })).body.toString();
    expect(robots).toContain('Disallow: /private/');
    expect(robots).toContain(`Sitemap: http://${host}/sitemap.xml`);
    const sm = (await request(sp.url + '/sitemap.xml', { headers: { host } })).body.toString();
    expect(sm).toContain(`<loc>http://${host}/ztzl/2019/index.html</loc>`);
    expect(sm).not.toContain('/private/');
    const home = await request(sp.url + '/', { headers: { host: 'www.anything.test' } });
    expect(home.status).toBe(200);
  });

  it('has an endless calendar and a safe search page', async () => {
    let url = sp.url + sp.manifest.pages.find((e) => e.kind === 'calendar')!.path;
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const r = await request(url);
      expect(r.status).toBe(200);
      seen.add(url);
      const next = /<a href="([^"]+)">下一月<\/a>/.exec(r.body.toString())![1];
      url = new URL(next, url).href;
    }
    expect(seen.size).toBe(6);
    const s = await request(sp.url + '/search?q=' + encodeURIComponent('<script>x</script>'));
    expect(s.status).toBe(200);
    expect(s.body.toString()).not.toContain('<script>x</script>');
    const hit = await request(sp.url + '/search?q=' + encodeURIComponent('办事指南'));
    expect(hit.body.toString()).toMatch(/共找到 [1-9]\d* 条结果/);
  });

  it('listens on ::1 only when asked, and uses a given external site', async () => {
    const v6 = await startSamplePortal({ pages: 60, host: '::1', external: 'http://127.0.0.1:1' });
    try {
      expect(v6.url).toBe(v6.urlV6);
      expect((await request(v6.urlV6 + '/')).status).toBe(200);
      await expect(request(`http://127.0.0.1:${v6.port}/`)).rejects.toBeTruthy();
      expect(v6.external.url).toBe('http://127.0.0.1:1');
      expect(v6.manifest.external).toBe('http://127.0.0.1:1');
    } finally {
      await v6.close();
    }
  });

  it('escapes the hostile title everywhere except inside <title>', async () => {
    const p = plantById(sp.manifest, 'hostile-title');
    const html = (await request(sp.url + p.path)).body.toString();
    const title = /<title>([\s\S]*?)<\/title>/.exec(html)![1];
    expect(title).toContain('&lt;script&gt;');
    const rest = html.replace(/<title>[\s\S]*?<\/title>/, '');
    expect(rest).not.toContain('<script>alert(1)');
    expect(rest).not.toContain('<img src=x');
  });
});
