/**
 * Does the site search find what the site published? (Seed task 27: 强化信息搜索; the
 * guideline's 搜索功能.) The homepage's search form is submitted, as a visitor would, with the
 * exact titles of a few recent items from the homepage's lists; a title is found when the
 * result page links to the item or shows its title. Only GET forms of the site itself or of a
 * government search platform (*.gov.cn) are tried: a POST form or a script-driven search is
 * recorded as not tried, with the reason.
 */
import type { Artifacts, FormInfo, PageArtifact } from './artifacts.ts';
import { decodeBody } from './decode.ts';
import type { Fetcher } from './http.ts';
import { parseHtml } from './parse.ts';

export interface SearchQuery {
  query: string;
  /** The item the title belongs to. */
  expect: string;
  url: string;
  status: number;
  found: boolean;
  /** Result links on the page that lead into the site (a rough count of results). */
  resultLinks: number;
  error?: string;
}

export interface SearchProbe {
  /** The form used, or null when none was found / usable. */
  form: { action: string; param: string } | null;
  /** Why the search was not tried. */
  skipped?: string;
  queries: SearchQuery[];
}

const QUERY_PARAMS = /^(q|query|keyword|keywords|searchword|searchkey|wd|kw|key|word|sw|search|searchtext|content)$/i;
const SEARCH_ACTION = /search|sousuo|jsearch|query|jiansuo|s\.(?:jsp|php|aspx?)|\/so\//i;

/** The homepage's search form and the name of its query field, or why there is none to try. */
export function searchForm(home: PageArtifact): { form: FormInfo; param: string } | { skipped: string; form?: FormInfo } {
  const forms = home.forms.filter((f) => SEARCH_ACTION.test(f.action) || f.inputs.some((i) => QUERY_PARAMS.test(i)));
  if (!forms.length) return { skipped: '首页没有可识别的站内搜索表单（可能由脚本生成）' };
  const get = forms.find((f) => f.method === 'get');
  if (!get) return { skipped: '站内搜索表单以 POST 提交，未自动检查', form: forms[0] };
  const visible = get.inputs.filter((i) => !get.hidden || !(i in get.hidden));
  const param = visible.find((i) => QUERY_PARAMS.test(i)) ?? visible[0];
  if (!param) return { skipped: '站内搜索表单没有输入框' };
  return { form: get, param };
}

/** Recent items of the homepage's lists (titles long enough to be specific), newest first. */
function sampleTitles(home: PageArtifact, origin: string, n: number): { title: string; url: string }[] {
  const items = home.lists
    .filter((l) => !l.inNav && !l.inFooter)
    .flatMap((l) => l.items)
    .filter((i) => i.href && i.href.startsWith(origin) && i.text.length >= 8 && i.date)
    .sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''));
  const out: { title: string; url: string }[] = [];
  for (const i of items) {
    if (out.some((o) => o.url === i.href)) continue;
    // Lists often cut long titles ("我局召开…"): the part shown is what a visitor would type.
    const title = i.text.replace(/\s+/g, ' ').trim().replace(/(\.{2,}|…+)$/, '').trim().slice(0, 40);
    if (title.length < 8) continue;
    out.push({ title, url: i.href! });
    if (out.length >= n) break;
  }
  return out;
}

export async function probeSearch(artifacts: Artifacts, fetcher: Fetcher, queries = 2): Promise<SearchProbe> {
  const home = artifacts.pages.find((p) => p.depth === 1);
  if (!home) return { form: null, skipped: '没有首页', queries: [] };
  const f = searchForm(home);
  if ('skipped' in f) return { form: f.form ? { action: f.form.action, param: '' } : null, skipped: f.skipped, queries: [] };
  const action = new URL(f.form.action);
  const siteHost = new URL(artifacts.site.startUrl).hostname;
  if (action.hostname !== siteHost && !/\.gov\.cn$/i.test(action.hostname)) {
    return { form: { action: f.form.action, param: f.param }, skipped: `站内搜索在其他网站（${action.hostname}），未自动检查`, queries: [] };
  }
  const titles = sampleTitles(home, artifacts.site.origin, queries);
  if (!titles.length) return { form: { action: f.form.action, param: f.param }, skipped: '首页没有可用来检索的信息标题', queries: [] };

  const out: SearchQuery[] = [];
  for (const t of titles) {
    const u = new URL(action.href);
    for (const [k, v] of Object.entries(f.form.hidden ?? {})) u.searchParams.set(k, v);
    u.searchParams.set(f.param, t.title);
    const r = await fetcher.fetchAs(u.href, { referer: home.finalUrl || home.url });
    const q: SearchQuery = { query: t.title, expect: t.url, url: u.href, status: r.status, found: false, resultLinks: 0 };
    if (r.error) q.error = r.error;
    else if (r.offsiteLocation) q.error = `跳转到其他网站 ${r.offsiteLocation}`;
    if (r.body && r.status === 200) {
      const page = parseHtml(decodeBody(r.body, r.headers['content-type'] ?? '').text, r.finalUrl);
      const same = (a: string) => a.replace(/\/(index\.s?html?)?$/i, '/') === t.url.replace(/\/(index\.s?html?)?$/i, '/');
      const nav = new Set(home.links.filter((l) => l.inNav || l.inFooter).map((l) => l.url));
      q.resultLinks = page.links.filter((l) => l.kind === 'a' && !l.inNav && !l.inFooter && !nav.has(l.url) && l.url.startsWith(artifacts.site.origin)).length;
      // A result is a link to the item, or a link titled with it (platforms link through their
      // own redirect URLs). The page's text is not enough: it echoes the query ("“…”共找到 0 条").
      const title = t.title.replace(/\s+/g, '');
      q.found = page.links.some((l) => l.kind === 'a' && (same(l.url) || (!nav.has(l.url) && l.text.replace(/\s+/g, '').includes(title))));
    }
    out.push(q);
  }
  return { form: { action: f.form.action, param: f.param }, queries: out };
}
