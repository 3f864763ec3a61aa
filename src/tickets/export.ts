/** Tickets as a supervisor's table: xlsx (exceljs) and CSV, with Chinese headers; personal data masked. */
import ExcelJS from 'exceljs';
import { maskPii } from '../pii/detect.ts';
import { SOURCE_ZH, type Ticket } from './model.ts';
import { formatLocal } from './zoned.ts';
import { toCsv } from './csv.ts';

export const EXPORT_COLUMNS: { header: string; width: number; value: (t: Ticket, tz: string, now: Date) => string | number }[] = [
  { header: '编号', width: 18, value: (t) => t.number },
  { header: '网站', width: 26, value: (t) => t.site ?? '' },
  { header: '页面地址', width: 40, value: (t) => t.pageUrl ?? '' },
  { header: '问题类型', width: 12, value: (t) => t.category },
  { header: '问题描述', width: 50, value: (t) => t.description },
  { header: '来源', width: 12, value: (t) => SOURCE_ZH[t.source] },
  { header: '报告人', width: 12, value: (t) => t.reporter ?? '' },
  { header: '责任处室', width: 14, value: (t) => t.division },
  { header: '状态', width: 10, value: (t) => t.status },
  { header: '受理时间', width: 18, value: (t, tz) => formatLocal(t.receivedAt, tz) },
  { header: '办理时限', width: 18, value: (t, tz) => (t.dueAt ? formatLocal(t.dueAt, tz) : '无法计算') },
  { header: '办结时间', width: 18, value: (t, tz) => formatLocal(t.closedAt, tz) },
  { header: '是否按时', width: 10, value: (t, _tz, now) => timeliness(t, now) },
  { header: '答复内容', width: 40, value: (t) => t.reply ?? '' },
  { header: '不予处理理由', width: 24, value: (t) => t.rejectReason ?? '' },
  { header: '整改核验', width: 16, value: (t) => (t.verifiedRunId ? `运行 #${t.verifiedRunId}` : '') },
  { header: '平台留言编号', width: 16, value: (t) => (typeof t.evidence.messageId === 'string' ? t.evidence.messageId : '') },
];

/** 按时 / 超期 / 未到期 / 超期未办结 / — (no deadline). */
export function timeliness(t: Ticket, now: Date): string {
  if (!t.dueAt) return '—';
  if (t.closedAt) return t.closedAt <= t.dueAt ? '按时' : '超期';
  return t.dueAt < now.toISOString() ? '超期未办结' : '未到期';
}

function rows(tickets: Ticket[], tz: string, now: Date): (string | number)[][] {
  return tickets.map((t) => EXPORT_COLUMNS.map((c) => {
    const v = c.value(t, tz, now);
    return typeof v === 'string' ? maskPii(v) : v;
  }));
}

export function ticketsCsv(tickets: Ticket[], tz: string, now = new Date()): string {
  return toCsv(EXPORT_COLUMNS.map((c) => c.header), rows(tickets, tz, now));
}

export async function ticketsXlsx(tickets: Ticket[], tz: string, now = new Date()): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'zhaocuo';
  wb.created = now;
  const ws = wb.addWorksheet('找错工单', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = EXPORT_COLUMNS.map((c) => ({ header: c.header, width: c.width }));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF3F4F6' } };
  for (const r of rows(tickets, tz, now)) ws.addRow(r);
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: EXPORT_COLUMNS.length } };
  const late = EXPORT_COLUMNS.findIndex((c) => c.header === '是否按时') + 1;
  ws.eachRow((row, n) => {
    if (n === 1) return;
    const v = String(row.getCell(late).value ?? '');
    if (v.startsWith('超期')) row.getCell(late).font = { color: { argb: 'FFB91C1C' }, bold: true };
    row.alignment = { vertical: 'top', wrapText: true };
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
