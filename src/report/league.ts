/**
 * The league table of a tag (`zhaocuo report --tag 福建省`): every registered site carrying the
 * tag, ranked the way a provincial 政府网站检查 ranks them (src/sites/league.ts), as a
 * self-contained HTML page (escaped, readable on a 390 px phone: rows stack into cards) and an
 * xlsx sheet in the house style of src/report/xlsx.ts. Scores, verdicts and veto items are each
 * site's newest complete run as its own report shows them; overdue tickets are counted now.
 */
import ExcelJS from 'exceljs';
import { join } from 'node:path';
import { renameSync, writeFileSync } from 'node:fs';
import { UsageError } from '../config/errors.ts';
import type { DB } from '../store/db.ts';
import { SCHEDULE_TZ } from '../sites/cron.ts';
import { knownTags, rankLeague, type LeagueEntry } from '../sites/league.ts';
import { listRegistered } from '../sites/registry.ts';
import { siteStandings } from '../sites/standings.ts';
import { formatLocal } from '../tickets/zoned.ts';
import { html, link, Raw } from './escape.ts';
import { CSS } from './sections/common.ts';
import { ensureWritableDir } from './write.ts';
import { sheet } from './xlsx.ts';

export const LEAGUE_FORMATS = ['html', 'xlsx', 'json'] as const;

/** One line of the table, as printed (HTML and xlsx read the same values). */
export interface LeagueRow {
  rank: number | null;
  name: string;
  url: string;
  sponsor: string;
  score: number | null;
  verdict: string;
  vetoes: string[];
  broken: number | null;
  overdue: number;
  /** The newest complete run's end, Beijing time; '' when there is none. */
  lastCheck: string;
  runId: number | null;
  /** Some veto items were not evaluated in that run. */
  provisional: boolean;
}

export const LEAGUE_COLUMNS: { header: string; width: number; value: (r: LeagueRow) => string | number | null }[] = [
  { header: '排名', width: 6, value: (r) => r.rank ?? '' },
  { header: '网站名称', width: 28, value: (r) => r.name },
  { header: '主办单位', width: 24, value: (r) => r.sponsor },
  { header: '得分', width: 8, value: (r) => r.score ?? '' },
  { header: '结论', width: 10, value: (r) => r.verdict },
  { header: '单项否决项', width: 28, value: (r) => r.vetoes.join('、') },
  { header: '断链数', width: 8, value: (r) => r.broken ?? '' },
  { header: '逾期工单', width: 9, value: (r) => r.overdue },
  { header: '上次检查（北京时间）', width: 20, value: (r) => r.lastCheck },
];

export function leagueRow(e: LeagueEntry): LeagueRow {
  const s = e.standing;
  return {
    rank: e.rank, name: s.name, url: s.url, sponsor: s.sponsor ?? '', score: s.latest?.score ?? null, verdict: e.verdict, vetoes: s.latest?.vetoes ?? [],
    broken: s.latest ? s.latest.broken : null, overdue: s.overdueTickets, lastCheck: formatLocal(s.latest?.at, SCHEDULE_TZ), runId: s.latest?.runId ?? null,
    provisional: !!s.latest?.provisional,
  };
}

export interface League {
  tag: string;
  generatedAt: string;
  rows: LeagueRow[];
  counts: { sites: number; ranked: number; vetoed: number; unchecked: number };
}

/** The league of a tag; a tag no registered site carries is an error naming the tags there are. */
export function leagueOf(db: DB, tag: string, now = new Date()): League {
  const t = tag.trim();
  if (!t) throw new UsageError('--tag 不能为空，请写标签值，如 --tag 福建省（empty tag）');
  const standings = siteStandings(db, { tag: t, now });
  if (!standings.length) {
    const known = knownTags(listRegistered(db));
    throw new UsageError(
      known.length
        ? `没有带标签“${t}”的已登记网站。已有的标签：${known.join('、')}（no registered site has this tag; zhaocuo sites list shows them）`
        : `没有带标签“${t}”的已登记网站：还没有网站登记标签，用 zhaocuo sites add <网址> --name <名称> --tag province=福建省 或 zhaocuo sites import sites.yaml 登记（no site has tags yet）`,
    );
  }
  const rows = rankLeague(standings).map(leagueRow);
  return {
    tag: t,
    generatedAt: now.toISOString(),
    rows,
    counts: { sites: rows.length, ranked: rows.filter((r) => r.rank !== null).length, vetoed: rows.filter((r) => r.verdict === '单项否决').length, unchecked: rows.filter((r) => r.verdict === '未检查').length },
  };
}

const LEAGUE_CSS = `${CSS}
table.league td{overflow-wrap:anywhere}table.league tr.veto td{background:#fef2f2}table.league tr.unranked td{color:#6b7280}
.v-合格{color:#15803d;font-weight:bold}.v-不合格,.v-单项否决{color:#b91c1c;font-weight:bold}.v-未检查,.v-未评估{color:#6b7280}
header p,main p{overflow-wrap:anywhere}@media (max-width:720px){main{padding:12px}header{padding:12px}section{padding:12px}}`;

export function leagueHtml(l: League): string {
  const at = formatLocal(l.generatedAt, SCHEDULE_TZ);
  const c = l.counts;
  const cell = (label: string, v: unknown, cls = '') => html`<td data-label="${label}"${cls ? new Raw(` class="${cls}"`) : ''}>${v}</td>`;
  return html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"><link rel="icon" href="data:,">
<title>${l.tag} 政府网站检查排名</title><style>${new Raw(LEAGUE_CSS)}</style></head><body>
<header><h1>${l.tag} 政府网站检查排名</h1><p>生成于 ${at}（北京时间 ${SCHEDULE_TZ}）· 共 ${c.sites} 个网站，参与排名 ${c.ranked} 个，单项否决 ${c.vetoed} 个，未检查 ${c.unchecked} 个</p></header>
<main><section><p class="muted">排名规则：触发单项否决的网站排在最后并标红；其余按得分从高到低；得分相同时逾期工单少的在前，仍相同则并列。未检查（没有完成的检查）或未评估（检查未给出结论）的网站列在最后，不参与排名。得分、结论、单项否决项与断链数取自各网站最近一次完成的检查（与该网站检查报告一致，本次未评估的单项否决指标见各网站报告）；逾期工单为生成时未办结且已超过办理时限的找错工单。</p>
<table class="league stack" id="league"><thead><tr>${LEAGUE_COLUMNS.map((col) => html`<th>${col.header}</th>`)}</tr></thead><tbody>
${l.rows.map(
  (r) => html`<tr class="${r.verdict === '单项否决' ? 'veto' : r.rank === null ? 'unranked' : ''}" data-rank="${r.rank ?? ''}">${cell('排名', r.rank ?? '—', 'num')}${cell('网站名称', html`${link(r.url, r.name)}`)}${cell('主办单位', r.sponsor || '—')}${cell('得分', r.score ?? '—', 'num')}${cell('结论', html`<span class="v-${r.verdict}">${r.verdict}</span>`)}${cell('单项否决项', r.vetoes.join('、') || '—')}${cell('断链数', r.broken ?? '—', 'num')}${cell('逾期工单', r.overdue, 'num')}${cell('上次检查（北京时间）', r.lastCheck || '未检查', 'nw')}</tr>`,
)}
</tbody></table></section></main></body></html>`.value;
}

/** The sheet's name: the tag + 排名, within Excel's 31 characters and without : \ / ? * [ ]. */
export const leagueSheetName = (tag: string) => `${tag.replace(/[:\\/?*[\]]/g, '_').slice(0, 29)}排名`;

export async function leagueXlsx(l: League): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'zhaocuo';
  wb.created = new Date(l.generatedAt);
  const ws = sheet(wb, leagueSheetName(l.tag), LEAGUE_COLUMNS, l.rows.map((r) => LEAGUE_COLUMNS.map((c) => c.value(r))));
  const verdictCol = LEAGUE_COLUMNS.findIndex((c) => c.header === '结论') + 1;
  ws.eachRow((row, n) => {
    const v = String(row.getCell(verdictCol).value ?? '');
    if (n > 1 && (v === '单项否决' || v === '不合格')) row.getCell(verdictCol).font = { color: { argb: 'FFB91C1C' }, bold: true };
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function atomicWrite(path: string, data: string | Buffer): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export async function writeLeague(db: DB, o: { tag: string; outDir: string; formats: readonly string[]; now?: Date }): Promise<{ league: League; files: Partial<Record<'html' | 'xlsx' | 'json', string>> }> {
  const league = leagueOf(db, o.tag, o.now);
  const out = ensureWritableDir(o.outDir);
  const files: Partial<Record<'html' | 'xlsx' | 'json', string>> = {};
  if (o.formats.includes('html')) atomicWrite((files.html = join(out, 'league.html')), leagueHtml(league));
  if (o.formats.includes('xlsx')) atomicWrite((files.xlsx = join(out, 'league.xlsx')), await leagueXlsx(league));
  if (o.formats.includes('json')) atomicWrite((files.json = join(out, 'league.json')), JSON.stringify(league, null, 1));
  return { league, files };
}
