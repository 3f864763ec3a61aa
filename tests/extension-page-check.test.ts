/**
 * The page check's logic without a browser: the background's link checker against the sample
 * portal on loopback, the runner's audits on pages of the portal (planted defects found, near
 * misses not), axe results worded as the accessibility audit words them, and the report
 * draft: what is sent is masked and checked with the server's own schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSamplePortal, type SamplePortal } from '../src/sample-portal/server.ts';
import { plantById, plantsOf } from '../src/sample-portal/manifest.ts';
import { checkLinks, NO_PERMISSION, type LinkFetch } from '../src/extension/link-check.ts';
import { auditItems, axeItems, fromAxe, isHomepage, linksToCheck, localiseAxe, pageArtifact, sortItems, type CheckItem } from '../src/extension/page-check.ts';
import { checkIntake, pageText, suggestCategory, toIntake, type Draft } from '../src/extension/draft.ts';
import { browserName, viewportText } from '../src/extension/env.ts';
import { normaliseServerUrl, originPattern, parseOrigins } from '../src/extension/settings.ts';
import { categoryLabel, STRINGS } from '../src/extension/i18n.ts';
import zhCN from 'axe-core/locales/zh_CN.json' with { type: 'json' };

let portal: SamplePortal;
const get = async (path: string) => (await fetch(portal.url + path)).text();

beforeAll(async () => {
  portal = await startSamplePortal({ host: '127.0.0.1' });
});
afterAll(async () => {
  await portal?.close();
});

/** The page check as the content script runs it, with the live DOM = the served HTML (+ changes). */
async function check(path: string, o: { live?: (html: string) => string; fetch?: LinkFetch } = {}): Promise<CheckItem[]> {
  const url = portal.url + path;
  const staticHtml = await get(path);
  const liveHtml = o.live ? o.live(staticHtml) : staticHtml;
  const live = pageArtifact(url, liveHtml, isHomepage(url) ? 1 : 2);
  const targets = await checkLinks(url, linksToCheck(live), { pageAnchors: live.anchors, fetch: o.fetch });
  const homeHtml = isHomepage(url) ? null : await get('/');
  return sortItems(auditItems({ url, title: live.title, liveHtml, staticHtml, homeHtml }, targets, portal.manifest.today));
}

describe('link check (background)', () => {
  it('judges each planted link target as the crawl does, once per URL', async () => {
    const page = plantById(portal.manifest, 'broken-internal-link').path;
    const url = portal.url + page;
    const live = pageArtifact(url, await get(page), 2);
    const links = linksToCheck(live);
    portal.resetCounts();
    const targets = await checkLinks(url, [...links, ...links], { pageAnchors: live.anchors });
    const byUrl = new Map(targets.map((t) => [t.url, t]));
    expect(targets.length).toBe(new Set(links.map((l) => l.url)).size);
    for (const p of plantsOf(portal.manifest, { area: 'links' }).filter((x) => x.path === page && x.target && x.expectedState)) {
      const t = byUrl.get(new URL(p.target!, url).href.split('#')[0]);
      expect(t, p.id).toBeDefined();
      if (p.kind === 'fragment') {
        const frag = new URL(p.target!, url).hash.slice(1);
        expect(Boolean(t!.missingFragments?.includes(decodeURIComponent(frag))), p.id).toBe(p.expectedState === 'broken');
      } else expect(t!.state, p.id).toBe(p.expectedState);
    }
    // One request per target and method: HEAD, and GET where the anchors or a page's title (soft 404) must be read.
    for (const [key, n] of portal.requests) expect(n, key).toBe(1);
  });

  it('external links: refused and 404 are broken, bot protection blocked, 429 retried, HEAD 405 answered by GET', async () => {
    const page = plantById(portal.manifest, 'broken-external-refused').path;
    const url = portal.url + page;
    const live = pageArtifact(url, await get(page), 2);
    const targets = await checkLinks(url, linksToCheck(live));
    for (const id of ['broken-external-refused', 'broken-external-404', 'external-ok', 'external-bot-403', 'external-429-retry', 'external-head-405']) {
      const p = plantById(portal.manifest, id);
      expect(targets.find((t) => t.url === p.target)?.state, id).toBe(p.expectedState);
    }
  });

  it('without permission for an origin the browser hides the answer: "answered" is skipped, "nothing answered" is broken', async () => {
    const foreign = portal.external.url;
    // What an extension without host access sees: CORS failures, and opaque no-cors answers.
    const browserLike: LinkFetch = async (u, init) => {
      if (!u.startsWith(foreign) && !u.startsWith('http://127.0.0.2')) return fetch(u, init);
      if (init.mode === 'no-cors') {
        await fetch(u, { ...init, mode: 'cors' });
        return { type: 'opaque', status: 0, ok: false, headers: new Headers(), url: '', redirected: false, body: null } as unknown as Response;
      }
      throw new TypeError('Failed to fetch');
    };
    const url = portal.url + '/x.html';
    const targets = await checkLinks(url, [
      { url: `${foreign}/gone.html`, kind: 'a' },
      { url: 'http://127.0.0.2:59999/page.html', kind: 'a' },
    ], { fetch: browserLike });
    expect(targets[0]).toMatchObject({ state: 'skipped', skipReason: NO_PERMISSION });
    expect(targets[1].state).toBe('broken');
  });
});

describe('audits on the page (same rule code as the runner)', () => {
  it('personal data: the planted ID, mobile and bank card numbers, masked; no near miss; no value in clear anywhere', async () => {
    const items = await check(plantById(portal.manifest, 'personal-id').path);
    const privacy = items.filter((i) => i.audit === 'privacy');
    expect(privacy.map((i) => i.rule).sort()).toEqual(['unmasked-bank-card', 'unmasked-id-number', 'unmasked-mobile']);
    const json = JSON.stringify(items);
    for (const id of ['personal-id', 'personal-mobile', 'personal-bankcard']) {
      const p = plantById(portal.manifest, id);
      expect(json).not.toContain(p.value!);
      expect(json).toContain(p.masked!);
    }
    for (const p of plantsOf(portal.manifest, { area: 'privacy', nearMiss: true }).filter((x) => x.path === plantById(portal.manifest, 'personal-id').path)) {
      expect(privacy.some((i) => (i.evidence.values as string[]).includes(p.value!) || (i.evidence.snippets as string[]).some((x) => x.includes(p.value!))), p.id).toBe(false);
    }
    const id = privacy.find((i) => i.rule === 'unmasked-id-number')!;
    expect(id).toMatchObject({ severity: 'high', category: '内容不准确', locate: { kind: 'pii', piiKind: 'id-number' } });
  });

  it('links: the planted broken link, image, attachment and anchor, each a finding to file under 内容无法访问', async () => {
    const items = await check(plantById(portal.manifest, 'broken-internal-link').path);
    const links = items.filter((i) => i.audit === 'links');
    const targets = links.map((i) => String(i.evidence.target));
    for (const id of ['broken-internal-link', 'broken-image', 'broken-attachment', 'fragment-missing']) {
      const p = plantById(portal.manifest, id);
      expect(targets, id).toContain(new URL(p.target!, portal.url).href);
    }
    for (const id of ['working-link', 'working-attachment', 'fragment-ok', 'fragment-name-anchor', 'text-directive']) {
      const p = plantById(portal.manifest, id);
      expect(targets, id).not.toContain(new URL(p.target!, portal.url).href);
    }
    expect(links.every((i) => i.category === '内容无法访问')).toBe(true);
    expect(links.find((i) => i.rule === 'broken-link')!.locate.kind).toBe('link');
  });

  it('identity: a marker written only by script is reported as the runner reports it with a browser (info)', async () => {
    const path = plantById(portal.manifest, 'identity-js-only').path;
    // The live DOM after the page's script wrote the marker.
    const items = await check(path, { live: (html) => html.replace('</body>', '<div class="footer">网站标识码：3500000025</div></body>') });
    const id = items.filter((i) => i.audit === 'identity');
    expect(id.map((i) => `${i.rule}:${i.evidence.marker}`)).toEqual(['marker-script-only:siteCode']);
    expect(id[0]).toMatchObject({ severity: 'info', locate: { kind: 'footer' } });
  });

  it('identity: a page whose footer lost its markers and the 找错 entry; the homepage still has them', async () => {
    const path = plantById(portal.manifest, 'a11y-clean').path;
    const strip = (html: string) => html.replace(/<footer[\s\S]*<\/body>/, '<footer class="footer">版权所有</footer></body>');
    const url = portal.url + path;
    const html = strip(await get(path));
    const items = auditItems({ url, title: '', liveHtml: html, staticHtml: html, homeHtml: await get('/') }, [], portal.manifest.today);
    const missing = items.filter((i) => i.rule === 'marker-missing').map((i) => String(i.evidence.marker)).sort();
    expect(missing).toEqual(['contact', 'icp', 'jiucuo', 'police', 'siteCode', 'sponsor']);
    // The 党政机关 badge is still on the page (its header), just not in the footer.
    expect(items.find((i) => i.evidence.marker === 'conac')).toMatchObject({ rule: 'marker-not-in-footer', severity: 'info' });
    // Not on the homepage: low, and the message does not say the homepage lacks them.
    for (const i of items.filter((x) => x.rule === 'marker-missing')) {
      expect(i.severity).toBe('low');
      expect(i.message).not.toContain('含首页');
      expect(i.url).toBe(url);
    }
  });

  it('the clean page: nothing from identity, privacy or links', async () => {
    const items = await check(plantById(portal.manifest, 'a11y-clean').path);
    expect(items).toEqual([]);
  });
});

describe('tampering on the page (integrity, same rule code as the runner)', () => {
  it('finds the hidden gambling links, filed as 虚假伪造内容 with the rule named, and not the crackdown text beside them', async () => {
    const items = await check(plantById(portal.manifest, 'illegal-hidden-links').path);
    const ig = items.filter((i) => i.audit === 'integrity');
    expect(ig.map((i) => i.rule)).toEqual(['illegal-link']);
    expect(ig[0].category).toBe('虚假伪造内容');
    expect(ig[0].severity).toBe('critical');
    expect(ig[0].refs.some((r) => r.source === 'seed' && r.item === '27')).toBe(true);
  });

  it('finds the cloaking script, and the hidden links a script wrote into the live DOM', async () => {
    const path = plantById(portal.manifest, 'cloaking-script').path;
    const written = '<div style="position:absolute;left:-9999px;top:-9999px">' + ['a', 'b', 'c', 'd', 'e'].map((x) => `<a href="http://www.${x}-seo.example/">资讯${x}</a>`).join('') + '</div>';
    // The live DOM: the script's output stands where the script ran (the served HTML keeps only the script).
    const items = await check(path, { live: (html) => html.replace(/<\/script>(?![\s\S]*<\/script>)/, `</script>${written}`) });
    const rules = items.filter((i) => i.audit === 'integrity').map((i) => i.rule).sort();
    expect(rules).toEqual(['cloaking-script', 'hidden-links']);
    const hidden = items.find((i) => i.rule === 'hidden-links')!;
    expect(hidden.evidence.hosts).toEqual(expect.arrayContaining(['www.a-seo.example', 'www.e-seo.example']));
  });
});

describe('axe results', () => {
  const raw = [
    { id: 'image-alt', impact: 'critical' as const, tags: ['cat.text-alternatives', 'wcag2a', 'wcag111'], help: 'Images must have alternative text', description: 'd', helpUrl: 'https://dequeuniversity.com/rules/axe/4.14/image-alt',
      nodes: [{ target: ['img[src$="noalt.png"]'], html: '<img src="./W020261107_5100148_noalt.png" width="600" height="400">', impact: 'critical' as const, failureSummary: 'Fix any of the following' }] },
    { id: 'color-contrast', impact: 'serious' as const, tags: ['wcag2aa', 'wcag143'], help: 'Elements must meet minimum color contrast ratio thresholds', description: 'd', helpUrl: 'u',
      nodes: [{ target: ['.note'], html: '<p class="note">联系人 13812345678</p>' }, { target: ['iframe', '.x'], html: '<span class="x">b</span>' }] },
  ];

  it('one result per rule, worded and graded as the accessibility audit, filed under 其他; personal data masked', () => {
    const items = axeItems(localiseAxe(fromAxe(raw), zhCN), 'http://127.0.0.1/a.html');
    expect(items.map((i) => [i.rule, i.severity])).toEqual([['image-alt', 'high'], ['color-contrast', 'medium']]);
    expect(items[0].message).toBe('图像必须有替代文本（影响程度：严重），本页 1 处：img[src$="noalt.png"]');
    expect(items[1].message).toMatch(/本页 2 处，如\.note$/);
    expect(items[0]).toMatchObject({ category: '其他', locate: { kind: 'selector', selector: 'img[src$="noalt.png"]' }, evidence: { axeRule: 'image-alt', wcag: ['1.1.1'] } });
    expect(JSON.stringify(items)).not.toContain('13812345678');
  });

  it('English keeps axe’s own words', () => {
    expect(axeItems(fromAxe(raw), 'http://x/')[0].message).toMatch(/^Images must have alternative text/);
  });
});

describe('the report draft', () => {
  const base: Draft = {
    pageUrl: 'https://hyj.example.gov.cn/zwgk/1.html', pageTitle: '人事信息 350102198503121248', selector: 'p:nth-of-type(2)',
    snippet: '  联系人：张三，身份证号 350102198503121248，手机 138-1234-5678  ', selectedText: '13812345678', includeScreenshot: false,
    screenshot: 'data:image/png;base64,AAAA', category: '内容不准确', description: '公开了个人信息', viewport: '1280×720 @1x', browser: 'Chrome 156',
  };

  it('what is sent: page text masked and tidied, the screenshot only when chosen, the idempotency key', () => {
    const body = toIntake(base, 'k'.repeat(32));
    expect(body).toEqual({
      clientKey: 'k'.repeat(32), category: '内容不准确', description: '公开了个人信息', pageUrl: 'https://hyj.example.gov.cn/zwgk/1.html',
      pageTitle: '人事信息 3501**********1248', selector: 'p:nth-of-type(2)', snippet: '联系人：张三，身份证号 3501**********1248，手机 138-****-5678',
      selectedText: '138****5678', viewport: '1280×720 @1x', browser: 'Chrome 156',
    });
    expect(toIntake({ ...base, includeScreenshot: true }, 'k'.repeat(32)).screenshot).toBe('data:image/png;base64,AAAA');
    expect(checkIntake(body)).toEqual([]);
  });

  it('checked with the server’s own schema before sending', () => {
    expect(checkIntake(toIntake({ ...base, description: ' ' }, 'k'.repeat(32)))).toEqual(['description：不能为空（must not be empty）']);
    expect(checkIntake({ ...toIntake(base, 'bad key!'), category: '错别字' })).toEqual(['clientKey：应为 8–100 个字符，只含 A–Z a–z 0–9 _ -（bad clientKey）']);
    expect(checkIntake({ ...toIntake(base, 'k'.repeat(32)), extra: 1 } as never)).toEqual(['extra：未知字段（unknown field）']);
  });

  it('suggests a category from what was flagged', () => {
    expect(suggestCategory({ tag: 'SPAN', inLink: false, selectedText: '海羊' })).toBe('错别字');
    expect(suggestCategory({ tag: 'A', inLink: true, selectedText: '' })).toBe('内容无法访问');
    expect(suggestCategory({ tag: 'IMG', inLink: false, selectedText: '' })).toBe('内容无法访问');
    expect(suggestCategory({ tag: 'P', inLink: false, selectedText: '' })).toBe('内容不准确');
    expect(suggestCategory({ tag: 'P', inLink: false, selectedText: '这一段话很长，超过了二十个字，说明的是内容本身的问题而不是一个错字' })).toBe('内容不准确');
  });

  it('environment, settings and strings', () => {
    expect(browserName('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36')).toBe('Chrome 156');
    expect(browserName('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0')).toBe('Firefox 128');
    expect(browserName('Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/140.0 Safari/537.36 Edg/140.0')).toBe('Edge 140');
    expect(viewportText(1280, 720, 2)).toBe('1280×720 @2x');
    expect(normaliseServerUrl('127.0.0.1:8787/')).toBe('http://127.0.0.1:8787');
    expect(normaliseServerUrl('https://zc.example.gov.cn/zhaocuo/')).toBe('https://zc.example.gov.cn/zhaocuo');
    expect(normaliseServerUrl('ftp://x')).toBeNull();
    expect(parseOrigins('https://www.example.gov.cn/index.html\nhyj.example.gov.cn，ftp://x')).toEqual({ origins: ['https://www.example.gov.cn', 'http://hyj.example.gov.cn'], invalid: ['ftp://x'] });
    expect(originPattern('http://127.0.0.1:8080')).toBe('http://127.0.0.1/*');
    expect(originPattern('http://[::1]:8080')).toBe('http://[::1]/*');
    expect(Object.keys(STRINGS.en).sort()).toEqual(Object.keys(STRINGS.zh).sort());
    expect(categoryLabel('错别字', 'en')).toBe('Typo (错别字)');
    expect(pageText('a\n\n b', 500)).toBe('a b');
  });
});
