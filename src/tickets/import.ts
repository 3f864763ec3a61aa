/**
 * Import of the national platform's message export (CSV or xlsx), with the header names
 * taken from tickets.import.columns. Importing the same file again files nothing twice:
 * each message is keyed by the platform's message id, or, when the export has none, by a
 * hash of its content (URL, description, time, reporter).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import ExcelJS from 'exceljs';
import type { DB } from '../store/db.ts';
import { UsageError } from '../config/errors.ts';
import type { TicketContext } from './context.ts';
import type { TicketsConfig } from './config.ts';
import { decodeCsv, parseCsv } from './csv.ts';
import { createTicket } from './service.ts';
import { fromLocal } from './zoned.ts';
import { isCategory, type Category } from './model.ts';

export interface ImportResult {
  file: string;
  rows: number;
  created: number;
  duplicates: number;
  tickets: string[];
  errors: { row: number; message: string }[];
}

type Field = keyof TicketsConfig['import']['columns'];
const FIELDS: Field[] = ['messageId', 'receivedAt', 'pageUrl', 'category', 'description', 'reporter', 'title'];

const norm = (h: string) => h.replace(/[\s*＊:：]/g, '').toLowerCase();

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; text?: unknown; result?: unknown; hyperlink?: string; error?: string };
    if (o.richText) return o.richText.map((r) => r.text).join('');
    if (o.text !== undefined) return cellText(o.text);
    if (o.result !== undefined) return cellText(o.result);
    if (o.hyperlink) return o.hyperlink;
    return '';
  }
  return String(v);
}

const pad = (n: number | string) => String(n).padStart(2, '0');

/** The message time as an instant: xlsx dates (wall time), Excel serials, or text in the configured zone. */
export function parseReceived(v: unknown, tz: string): Date | undefined {
  if (v instanceof Date) {
    // exceljs gives the wall-clock time shown in the cell as UTC fields.
    const d = v.toISOString();
    return fromLocal(d.slice(0, 10), d.slice(11, 19), tz);
  }
  if (typeof v === 'number' && v > 20000 && v < 80000) {
    const ms = Math.round((v - 25569) * 86400) * 1000;
    return parseReceived(new Date(ms), tz);
  }
  const s = cellText(v).trim();
  if (!s) return undefined;
  if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(s)) {
    const d = new Date(s);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  const m = s.match(/^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT]+(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2}))?秒?)?$/);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', se = '0'] = m;
  if (Number(mo) > 12 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(se) > 59) return undefined;
  return fromLocal(`${y}-${pad(mo)}-${pad(d)}`, `${pad(h)}:${pad(mi)}:${pad(se)}`, tz);
}

function category(v: string): { category: Category; original?: string } {
  const s = v.trim();
  if (isCategory(s)) return { category: s };
  if (s === '其它') return { category: '其他' };
  return { category: '其他', original: s || undefined };
}

async function readTable(path: string, cfg: TicketsConfig['import']): Promise<unknown[][]> {
  const ext = extname(path).toLowerCase();
  if (ext === '.xlsx') {
    const wb = new ExcelJS.Workbook();
    try {
      await wb.xlsx.readFile(path);
    } catch (err) {
      throw new UsageError(`无法按 xlsx 读取 ${path}：${(err as Error).message} (cannot read as xlsx)`);
    }
    const ws = cfg.sheet ? wb.getWorksheet(cfg.sheet) : wb.worksheets[0];
    if (!ws) throw new UsageError(`${path}：没有工作表 ${cfg.sheet ? JSON.stringify(cfg.sheet) : ''}（配置项 tickets.import.sheet；文件中的工作表：${wb.worksheets.map((w) => w.name).join('、')}） (no worksheet)`);
    const rows: unknown[][] = [];
    ws.eachRow({ includeEmpty: false }, (r) => {
      const vals = (r.values as unknown[]).slice(1);
      rows.push(vals);
    });
    return rows;
  }
  if (ext === '.xls') throw new UsageError(`${path}：不支持旧的 .xls 格式，请另存为 .xlsx 或 .csv (the old .xls format is not supported)`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new UsageError(`无法读取 ${path}：${(err as Error).message} (cannot read)`);
  }
  return parseCsv(decodeCsv(bytes, cfg.encoding));
}

export function mapHeaders(header: unknown[], columns: TicketsConfig['import']['columns']): Partial<Record<Field, number>> {
  const names = header.map((h) => norm(cellText(h)));
  const out: Partial<Record<Field, number>> = {};
  for (const f of FIELDS) {
    const cands = ([] as string[]).concat(columns[f]);
    for (const c of cands) {
      const i = names.indexOf(norm(c));
      if (i >= 0) {
        out[f] = i;
        break;
      }
    }
  }
  return out;
}

export async function importMessages(db: DB, ctx: TicketContext, path: string): Promise<ImportResult> {
  const cfg = ctx.config.tickets.import;
  const table = await readTable(path, cfg);
  const result: ImportResult = { file: path, rows: 0, created: 0, duplicates: 0, tickets: [], errors: [] };
  if (!table.length) return result;
  const [header, ...rows] = table;
  const col = mapHeaders(header, cfg.columns);
  if (col.description === undefined && col.title === undefined) {
    throw new UsageError(
      `${path}：找不到问题描述列。文件中的表头：${header.map(cellText).filter(Boolean).join('、')}。` +
        `请在配置 tickets.import.columns.description 中写明该列的表头（现为 ${JSON.stringify(cfg.columns.description)}） (no description column)`,
    );
  }
  const tz = ctx.config.tickets.timezone;
  const actor = { name: `导入：${basename(path)}` };
  rows.forEach((r, i) => {
    const rowNo = i + 2;
    result.rows++;
    const get = (f: Field) => (col[f] === undefined ? '' : cellText(r[col[f]!]).trim());
    const raw = (f: Field) => (col[f] === undefined ? undefined : r[col[f]!]);
    try {
      const title = get('title');
      const description = get('description') || title;
      if (!description) throw new Error('问题描述为空');
      const receivedRaw = raw('receivedAt');
      const received = parseReceived(receivedRaw, tz);
      if (cellText(receivedRaw).trim() && !received) throw new Error(`无法识别时间 ${JSON.stringify(cellText(receivedRaw))}（应如 2026-03-02 10:15）`);
      const urlText = get('pageUrl');
      const pageUrl = /^https?:\/\/\S+$/i.test(urlText) ? urlText : null;
      const cat = category(get('category'));
      const messageId = get('messageId');
      const reporter = get('reporter');
      const externalId = messageId
        ? `msg:${messageId}`
        : `sha256:${createHash('sha256').update([urlText, description, received?.toISOString() ?? '', reporter].join('\u0000')).digest('hex')}`;
      const evidence: Record<string, unknown> = { platform: '我为政府网站找错' };
      if (messageId) evidence.messageId = messageId;
      if (title && title !== description) evidence.title = title;
      if (cat.original) evidence.platformCategory = cat.original;
      if (urlText && !pageUrl) evidence.pageText = urlText;
      const res = createTicket(
        db,
        ctx,
        { source: 'import', pageUrl, category: cat.category, description, evidence, reporter: reporter || '网民', division: cfg.division ?? null, receivedAt: received, externalId },
        actor,
      );
      if (res.created) {
        result.created++;
        result.tickets.push(res.ticket.number);
      } else result.duplicates++;
    } catch (err) {
      result.errors.push({ row: rowNo, message: (err as Error).message });
    }
  });
  return result;
}
