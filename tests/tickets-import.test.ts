/**
 * Import of the national platform's message export (CSV in GB18030 or UTF-8, and xlsx) with a
 * column mapping from the config: importing the same file twice files nothing twice (by
 * message id, else by a content hash); bad rows are reported by row number; export back out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { parseConfig } from '../src/config/load.ts';
import { UsageError } from '../src/config/errors.ts';
import { openDb, type DB } from '../src/store/db.ts';
import { ticketContext, type TicketContext } from '../src/tickets/context.ts';
import { importMessages } from '../src/tickets/import.ts';
import { getTicket, listTickets } from '../src/tickets/store.ts';
import { formatLocal } from '../src/tickets/zoned.ts';
import { parseCsv, decodeCsv, toCsv } from '../src/tickets/csv.ts';
import { ticketsXlsx } from '../src/tickets/export.ts';

const dir = mkdtempSync(join(tmpdir(), 'zc-import-'));
let db: DB;
let ctx: TicketContext;
const BIN = join(import.meta.dirname, '..', 'bin', 'zhaocuo.js');

const config = parseConfig({
  divisions: { default: '办公室', prefixes: { '/zwgk/': '法规处' } },
  tickets: { import: { columns: { messageId: '信件编号', receivedAt: ['转办时间', '留言时间'], pageUrl: '问题页面网址', description: '问题描述', category: '问题类型', reporter: '网民姓名' } } },
});

beforeAll(() => {
  db = openDb(join(dir, 'import.db'));
  ctx = ticketContext(config, { now: () => new Date('2026-03-05T02:00:00Z') });
});
afterAll(() => db?.close());

const HEADER = ['信件编号', '转办时间', '问题页面网址', '问题类型', '问题描述', '网民姓名'];
const ROWS = [
  ['JC2026030100001', '2026-03-02 10:15:00', 'https://hyj.example.gov.cn/zwgk/tzgg/202603/t1.html', '错别字', '“海洋”写成“海羊”', '王某'],
  ['JC2026030100002', '2026/3/2 18:40', 'https://hyj.example.gov.cn/bsfw/', '内容无法访问', '办事服务栏目打不开, 显示 "404"', '李某'],
  ['JC2026030100003', '2026年3月3日 09:00', '', '其它', '留言一周无人回复\n电话 13812345678', '赵某'],
  ['', '2026-03-03 11:00', 'https://hyj.example.gov.cn/zwgk/x.html', '信息不更新', '没有编号的留言：按内容去重', '钱某'],
];

describe('CSV export of the national platform', () => {
  it('GB18030 CSV (as Excel writes it): imports every message with the mapped columns', async () => {
    const csv = [HEADER, ...ROWS].map((r) => r.map((v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',')).join('\r\n');
    const gbk = join(dir, 'messages-gbk.csv');
    // Node decodes GB18030 but cannot encode it: glibc's iconv writes the file.
    const { execFileSync } = await import('node:child_process');
    writeFileSync(join(dir, 'utf8.csv'), csv);
    execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GB18030', join(dir, 'utf8.csv'), '-o', gbk]);
    expect(decodeCsv(readFileSync(gbk))).toBe(csv);

    const r = await importMessages(db, ctx, gbk);
    expect(r).toMatchObject({ rows: 4, created: 4, duplicates: 0, errors: [] });
    const t1 = getTicket(db, r.tickets[0])!;
    expect(t1).toMatchObject({ source: 'import', category: '错别字', division: '法规处', reporter: '王某', externalId: 'msg:JC2026030100001' });
    expect(formatLocal(t1.receivedAt, 'Asia/Shanghai')).toBe('2026-03-02 10:15');
    expect(formatLocal(t1.dueAt, 'Asia/Shanghai')).toBe('2026-03-04 17:30');
    const t2 = getTicket(db, r.tickets[1])!;
    expect(formatLocal(t2.dueAt, 'Asia/Shanghai')).toBe('2026-03-05 17:30'); // after hours: counts from 03-03
    expect(t2.description).toBe('办事服务栏目打不开, 显示 "404"');
    const t3 = getTicket(db, r.tickets[2])!;
    expect(t3.category).toBe('其他');
    expect(t3.pageUrl).toBeNull();
    expect(t3.description).toMatch(/138\*\*\*\*5678/);
    expect(getTicket(db, r.tickets[3])!.externalId).toMatch(/^sha256:/);
  });

  it('the same file again files nothing', async () => {
    const again = await importMessages(db, ctx, join(dir, 'messages-gbk.csv'));
    expect(again).toMatchObject({ rows: 4, created: 0, duplicates: 4 });
    // the UTF-8 copy of the same export is the same messages too
    expect(await importMessages(db, ctx, join(dir, 'utf8.csv'))).toMatchObject({ created: 0, duplicates: 4 });
    expect(listTickets(db, { source: 'import' }, { now: new Date(), timezone: 'Asia/Shanghai' }).total).toBe(4);
  });

  it('bad rows are reported by row number and the others still import', async () => {
    const f = join(dir, 'bad.csv');
    writeFileSync(f, toCsv(HEADER, [['JC9', '昨天', 'https://hyj.example.gov.cn/', '错别字', '时间写错了', 'x'], ['JC10', '', '', '错别字', '', 'y'], ['JC11', '2026-03-04 08:00', '', '错别字', '好的一行', 'z']]));
    const r = await importMessages(db, ctx, f);
    expect(r.created).toBe(1);
    expect(r.errors).toEqual([
      { row: 2, message: expect.stringMatching(/无法识别时间 "昨天"/) },
      { row: 3, message: expect.stringMatching(/问题描述为空/) },
    ]);
  });

  it('a file without the description column says which config key to set', async () => {
    const f = join(dir, 'other.csv');
    writeFileSync(f, '编号,内容摘要\r\n1,abc\r\n');
    await expect(importMessages(db, ctx, f)).rejects.toThrow(UsageError);
    await expect(importMessages(db, ctx, f)).rejects.toThrow(/tickets\.import\.columns\.description/);
  });

  it('CSV parsing: quotes, doubled quotes, newlines in fields, semicolons', () => {
    expect(parseCsv('a,b\r\n"x,1","he said ""hi""\nok"\r\n')).toEqual([['a', 'b'], ['x,1', 'he said "hi"\nok']]);
    expect(parseCsv('a;b\n1;2\n')).toEqual([['a', 'b'], ['1', '2']]);
  });
});

describe('xlsx export of the national platform', () => {
  it('dates as Excel dates, hyperlink cells, rich text; twice → nothing twice', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('留言');
    ws.addRow(HEADER);
    ws.addRow(['JCX-1', new Date(Date.UTC(2026, 2, 4, 16, 45)), { text: '问题页面', hyperlink: 'https://hyj.example.gov.cn/zwgk/y.html' }, '内容不准确', { richText: [{ text: '数据' }, { text: '有误' }] }, '孙某']);
    ws.addRow(['JCX-2', new Date(Date.UTC(2026, 2, 4, 9, 0)), '', '虚假伪造内容', '冒用单位名义', '周某']);
    const f = join(dir, 'messages.xlsx');
    await wb.xlsx.writeFile(f);
    const r = await importMessages(db, ctx, f);
    expect(r).toMatchObject({ rows: 2, created: 2, errors: [] });
    const t = getTicket(db, r.tickets[0])!;
    expect(t.description).toBe('数据有误');
    expect(t.category).toBe('内容不准确');
    expect(formatLocal(t.receivedAt, 'Asia/Shanghai')).toBe('2026-03-04 16:45');
    expect(await importMessages(db, ctx, f)).toMatchObject({ created: 0, duplicates: 2 });
  });

  it('exports tickets to xlsx with Chinese headers that read back', async () => {
    const { items } = listTickets(db, {}, { now: new Date(), timezone: 'Asia/Shanghai' });
    const buf = await ticketsXlsx(items, 'Asia/Shanghai');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws.name).toBe('找错工单');
    expect((ws.getRow(1).values as unknown[]).slice(1, 6)).toEqual(['编号', '网站', '页面地址', '问题类型', '问题描述']);
    expect(ws.rowCount).toBe(items.length + 1);
  });
});

describe('the CLI', () => {
  function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(process.execPath, [BIN, ...args], { cwd: dir, timeout: 30_000 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
    });
  }
  it('zhaocuo tickets import twice, then export CSV', async () => {
    writeFileSync(join(dir, 'zhaocuo.config.json'), JSON.stringify({ tickets: { import: { columns: { messageId: '信件编号', receivedAt: '转办时间', pageUrl: '问题页面网址', description: '问题描述', reporter: '网民姓名' } } } }));
    const a = await cli(['tickets', 'import', 'utf8.csv', '--db', 'cli.db']);
    expect(a.stdout).toMatch(/4 行，新登记工单 4 个，已导入过 0 个/);
    const b = await cli(['tickets', 'import', 'utf8.csv', '--db', 'cli.db']);
    expect(b.stdout).toMatch(/4 行，新登记工单 0 个，已导入过 4 个/);
    const e = await cli(['tickets', 'export', '--db', 'cli.db', '-o', 'out.csv']);
    expect(e.code, e.stderr).toBe(0);
    const out = readFileSync(join(dir, 'out.csv'), 'utf8');
    expect(out.startsWith('\ufeff编号,网站,页面地址,问题类型')).toBe(true);
    expect(out.split('\r\n').filter(Boolean)).toHaveLength(5);
  }, 30_000);
});
