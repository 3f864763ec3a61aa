/**
 * The site report as a person sees it: opened in headless Chromium with the network switched
 * off (every request but the file itself fails) it renders completely, makes no request and
 * shows its charts (inline SVG with drawn lines); printed to PDF by the same Chromium, its text
 * (extracted with pdfjs-dist) carries the stored figures. Runs of the sample portal served on
 * 127.0.0.1 and ::1 under its own name, so the IPv6 figures are real.
 * `ZHAOCUO_UPDATE_DOCS=1 npx vitest run tests/report-browser.test.ts` refreshes docs/report.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser } from 'puppeteer-core';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { buildReportFixture, HOSTILE_MOBILE, type ReportFixture } from './report-fixture.ts';
import { writeSiteReport, type SiteReport } from '../src/report/site.ts';
import { findBrowser } from '../src/gather/browser/find.ts';
import { BASE_ARGS, headlessMode } from '../src/gather/browser/flags.ts';

let fx: ReportFixture;
let rep: SiteReport;
let browser: Browser;
const DOCS = join(import.meta.dirname, '..', 'docs');

beforeAll(async () => {
  fx = await buildReportFixture({ ipv6: true });
  rep = await writeSiteReport(fx.db, { runId: fx.runs[2].runId!, last: 10, outDir: join(fx.dir, 'site-report'), formats: ['html', 'pdf'], timezone: 'Asia/Shanghai' });
  browser = await puppeteer.launch({ executablePath: findBrowser(), headless: headlessMode(findBrowser()), args: [...BASE_ARGS] });
}, 240_000); // three audited runs and a PDF: minutes on a loaded 2-core machine
afterAll(async () => {
  await browser?.close();
  await fx?.close();
});

const one = <T>(sql: string, ...args: unknown[]) => fx.db.prepare(sql).get(...args) as T;
const stored = <T>(runId: number, audit: string) => JSON.parse(one<{ data_json: string }>('SELECT data_json FROM audit_data WHERE run_id = ? AND audit = ?', runId, audit).data_json) as T;
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

describe('in a browser with the network off', () => {
  it('renders completely without a single request leaving the page, and shows its charts', async () => {
    const page = await browser.newPage();
    const url = pathToFileURL(rep.files.html!).href;
    const requests: string[] = [];
    const failed: string[] = [];
    await page.setRequestInterception(true);
    page.on('request', (req) => {
      requests.push(req.url());
      if (req.url() === url) void req.continue();
      else {
        failed.push(req.url());
        void req.abort('internetdisconnected');
      }
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(url, { waitUntil: 'load' });

    expect(failed).toEqual([]);
    expect(requests).toEqual([url]);
    expect(errors).toEqual([]);

    const facts = await page.evaluate(() => {
      const sections = [...document.querySelectorAll('main > section')].map((s) => s.id);
      const charts = [...document.querySelectorAll('#trends .chart svg')].map((svg) => {
        const box = svg.getBoundingClientRect();
        const lines = [...svg.querySelectorAll('path')].filter((p) => {
          const b = (p as SVGGraphicsElement).getBBox();
          return p.getAttribute('fill') === 'none' && (b.width > 0 || b.height > 0);
        }).length;
        return { w: box.width, h: box.height, lines, label: svg.getAttribute('aria-label'), text: svg.textContent ?? '' };
      });
      const last = document.querySelector('main > section:last-of-type')!.getBoundingClientRect();
      return { sections, charts, bottom: last.bottom + window.scrollY, height: document.documentElement.scrollHeight, font: getComputedStyle(document.body).fontFamily };
    });
    // Every section, in order: verdict first, then trends, overview, tasks, one per audit.
    expect(facts.sections.slice(0, 6)).toEqual(['verdict', 'priority', 'trends', 'overview', 'tasks', 'ipv6']);
    for (const id of ['audit-links', 'audit-columns', 'audit-identity', 'audit-accessibility', 'audit-lighthouse', 'audit-privacy', 'audit-wording']) expect(facts.sections).toContain(id);
    expect(facts.bottom).toBeGreaterThan(2000);
    expect(facts.bottom).toBeLessThanOrEqual(facts.height);
    // Five charts with data (accessibility was not measured in these runs: a note instead), each drawn.
    expect(facts.charts.map((c) => c.label)).toEqual(['检查得分', '不可用链接', '超期未更新与空白栏目', 'IPv6 链接支持率', '找错工单按时率']);
    for (const c of facts.charts) {
      expect(c.w, c.label!).toBeGreaterThan(200);
      expect(c.h, c.label!).toBeGreaterThan(100);
      expect(c.lines, c.label!).toBeGreaterThan(0);
      expect(c.text, c.label!).toContain('#3 11-20');
    }
    expect(facts.font).toContain('WenQuanYi Micro Hei');
    await page.close();
  });

  // The screenshot goes to docs/report.png (the README's) with ZHAOCUO_UPDATE_DOCS=1, else beside the report.
  it('looks right: a screenshot of the verdict and 优先整改 (docs/report.png)', async () => {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(pathToFileURL(rep.files.html!).href, { waitUntil: 'load' });
    const clip = await page.evaluate(() => {
      const end = document.querySelector('#priority')!.getBoundingClientRect();
      // Through the first divisions of 优先整改 (the whole list is as long as the site's problems).
      return { x: 0, y: 0, width: 1280, height: Math.min(2400, Math.ceil(end.bottom + window.scrollY + 16)) };
    });
    const path = process.env.ZHAOCUO_UPDATE_DOCS === '1' ? join(DOCS, 'report.png') : join(fx.dir, 'report.png');
    const png = await page.screenshot({ path, clip });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    await page.close();
  });
});

describe('优先整改 and figures that agree', () => {
  it('lists every 否决 and 严重 finding right after the verdict, by division, with its ticket number and deadline (未建工单 when none)', async () => {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(rep.files.html!).href, { waitUntil: 'load' });
    const groups = await page.$$eval('#priority h3.division', (hs) =>
      hs.map((h) => {
        const rows = [...(h.nextElementSibling as HTMLTableElement).querySelectorAll('tr[data-fingerprint]')];
        return { division: h.firstChild!.textContent!.trim(), rows: rows.map((tr) => ({ fp: tr.getAttribute('data-fingerprint')!, cells: [...tr.querySelectorAll('td')].map((td) => (td as HTMLElement).innerText.trim()) })) };
      }),
    );
    await page.close();
    const id = fx.runs[2].runId!;
    const want = fx.db.prepare("SELECT DISTINCT fingerprint, severity, COALESCE(division, '未分派责任处室') AS division FROM findings WHERE run_id = ? AND severity IN ('critical', 'high')").all(id) as { fingerprint: string; severity: string; division: string }[];
    expect(want.length).toBeGreaterThan(3);
    const shown = groups.flatMap((g) => g.rows.map((r) => ({ ...r, division: g.division })));
    expect(shown.map((r) => r.fp).sort()).toEqual(want.map((w) => w.fingerprint).sort());
    let withTicket = 0;
    for (const w of want) {
      const row = shown.find((r) => r.fp === w.fingerprint)!;
      expect(row.division).toBe(w.division);
      expect(row.cells[0]).toBe(w.severity === 'critical' ? '否决' : '严重');
      const t = fx.db.prepare('SELECT number, due_at FROM tickets WHERE fingerprint = ?').get(w.fingerprint) as { number: string; due_at: string | null } | undefined;
      if (t) {
        withTicket++;
        expect(row.cells[3]).toContain(t.number);
        if (t.due_at) expect(row.cells[4]).toBe(new Date(Date.parse(t.due_at) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' '));
      } else expect(row.cells[3]).toBe('未建工单');
    }
    expect(withTicket).toBeGreaterThan(0);
    // Groups: most 否决 first.
    const crit = groups.map((g) => g.rows.filter((r) => r.cells[0] === '否决').length);
    expect(crit).toEqual([...crit].sort((a, b) => b - a));
  });

  it("the overview's broken-link count equals the links section's, the trends' and the stored figure", async () => {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(rep.files.html!).href, { waitUntil: 'load' });
    const f = await page.evaluate(() => ({
      overview: Number(document.querySelector('#overview-broken b')!.textContent),
      links: Number(document.querySelector('#links-broken b')!.textContent),
      trend: Number([...document.querySelectorAll('#trends table tr')].at(-1)!.querySelectorAll('td')[3].textContent),
    }));
    await page.close();
    const d = stored<{ brokenTargets: number }>(fx.runs[2].runId!, 'links');
    expect(d.brokenTargets).toBeGreaterThan(0);
    expect(f).toEqual({ overview: d.brokenTargets, links: d.brokenTargets, trend: d.brokenTargets });
  });
});

describe('on a phone (390 px wide)', () => {
  // The phone screenshot goes to docs/report-phone.png (the README's) with ZHAOCUO_UPDATE_DOCS=1.
  it('nothing runs off the right edge; tables stack, long URLs break; a screenshot (docs/report-phone.png)', async () => {
    const page = await browser.newPage();
    await page.setViewport({ width: 390, height: 844, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    await page.goto(pathToFileURL(rep.files.html!).href, { waitUntil: 'load' });
    const facts = await page.evaluate(() => {
      const se = document.scrollingElement!;
      // Every element whose box ends right of the viewport (outside a box that scrolls on its own).
      const inScroller = (el: Element) => {
        for (let p = el.parentElement; p; p = p.parentElement) if (p.scrollWidth > p.clientWidth && getComputedStyle(p).overflowX === 'auto') return true;
        return false;
      };
      const over = [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > 391 && !inScroller(el)).map((el) => el.tagName + '.' + el.className).slice(0, 5);
      const row = document.querySelector('table.findings tr:nth-child(2)');
      const cells = row ? [...row.querySelectorAll('td')].map((td) => ({ display: getComputedStyle(td).display, width: td.getBoundingClientRect().width })) : [];
      return { scrollWidth: se.scrollWidth, over, cells };
    });
    expect(facts.over).toEqual([]);
    expect(facts.scrollWidth).toBeLessThanOrEqual(390);
    // The findings table stacks: each cell a full-width block.
    expect(facts.cells.length).toBeGreaterThan(3);
    for (const c of facts.cells) {
      expect(c.display).toBe('block');
      expect(c.width).toBeGreaterThan(300);
    }
    const path = process.env.ZHAOCUO_UPDATE_DOCS === '1' ? join(DOCS, 'report-phone.png') : join(fx.dir, 'report-phone.png');
    const png = await page.screenshot({ path, clip: { x: 0, y: 0, width: 390, height: 844 } });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    await page.close();
  });
});

describe('times in Beijing time, the zone named', () => {
  it('header: 检查日期 and 检查时间 with 北京时间; no raw ISO time anywhere in the visible text', async () => {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(rep.files.html!).href, { waitUntil: 'load' });
    const { header, body } = await page.evaluate(() => {
      for (const d of document.querySelectorAll('details')) d.open = true;
      return { header: document.querySelector('header')!.innerText, body: document.body.innerText };
    });
    await page.close();
    const run = one<{ today: string; started_at: string }>('SELECT today, started_at FROM runs WHERE id = ?', fx.runs[2].runId);
    // started_at is UTC; the header shows the Beijing wall clock (UTC+8).
    const bj = new Date(Date.parse(run.started_at) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
    expect(header).toContain(`检查日期 ${run.today}（北京时间）`);
    expect(header).toContain(`检查时间 ${bj}`);
    expect(header).toMatch(/生成于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 北京时间/);
    expect(body).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    expect(body).not.toMatch(/\bUTC\b/);
  });
});

describe('the IPv6 figures are the stored ones', () => {
  it('cards and trends table show the stored 二级/三级 rates of each run', () => {
    const html = readFileSync(rep.files.html!, 'utf8');
    const last = stored<{ level2Rate: number; level3Rate: number; level2: { supported: number; total: number } }>(fx.runs[2].runId!, 'ipv6');
    expect(html).toContain(`${pct(last.level2Rate)}</b><span>二级链接 IPv6 支持率（${last.level2.supported}/${last.level2.total}`);
    for (const r of fx.runs) {
      const d = stored<{ level2Rate: number; level3Rate: number }>(r.runId!, 'ipv6');
      const row = html.match(new RegExp(`<tr><td>#${r.runId}</td>([\\s\\S]*?)</tr>`))![1];
      expect(row).toContain(`<td class="num">${pct(d.level2Rate)}</td><td class="num">${pct(d.level3Rate)}</td>`);
    }
  });
});

describe('as PDF', () => {
  let text = '';
  let pages = 0;

  beforeAll(async () => {
    const doc = await getDocument({ data: new Uint8Array(readFileSync(rep.files.pdf!)), verbosity: 0 }).promise;
    pages = doc.numPages;
    for (let i = 1; i <= doc.numPages; i++) {
      const c = await (await doc.getPage(i)).getTextContent();
      text += c.items.map((x) => ('str' in x ? x.str + (x.hasEOL ? '\n' : '') : '')).join('') + '\n';
    }
    await doc.destroy();
  }, 60_000);

  it('printed with nothing fetched, in Chinese, with page numbers', () => {
    expect(rep.refused).toEqual([]);
    expect(pages).toBeGreaterThan(3);
    expect(text).toContain('政府网站检查报告');
    expect(text).toMatch(new RegExp(`第 1 / ${pages} 页`));
  });

  it('carries the stored verdict, score, deductions, trend figures and task matrix', () => {
    const id = fx.runs[2].runId!;
    const v = stored<{ verdict: string; score: number; deductions: { item: string; points: number }[] }>(id, 'verdict');
    expect(text).toContain(`${v.verdict} ${v.score} 分`);
    for (const d of v.deductions) expect(text).toMatch(new RegExp(`${d.item}[^\\n]*${d.points}`));
    // The trends table (opened for print): each run's pages and broken links.
    for (const r of fx.runs) {
      const pagesN = one<{ n: number }>('SELECT count(*) AS n FROM pages WHERE run_id = ?', r.runId).n;
      const broken = stored<{ brokenTargets: number }>(r.runId!, 'links').brokenTargets;
      expect(text).toMatch(new RegExp(`#${r.runId}\\s+${one<{ today: string }>('SELECT today FROM runs WHERE id = ?', r.runId).today}\\s+${pagesN}\\s+${broken}\\b`));
    }
    expect(text).toContain('任务对照');
    expect(text).toContain('不可由软件判断');
    expect(text).toContain('较上次运行');
  });

  it('shows personal data masked', () => {
    expect(text.replace(/\s+/g, '')).not.toContain(HOSTILE_MOBILE);
  });
});
