/**
 * Ticket lifecycle on each store (a real SQLite file, a real PostgreSQL): numbering, routing, validated status changes
 * (no 已答复 without a reply, no 不予处理 without a reason), reopening, full history,
 * overdue and due-today lists, the on-time rate, and two processes writing at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config/load.ts';
import { openDb } from '../src/store/db.ts';
import type { DB } from '../src/store/db.ts';
import { STORE_KINDS, testStores } from './helpers/test-stores.ts';
import { ticketContext, type TicketContext } from '../src/tickets/context.ts';
import { createTicket, updateTicket, recomputeMissingDue } from '../src/tickets/service.ts';
import { getTicket, listTickets, ticketHistory } from '../src/tickets/store.ts';
import { onTimeStats } from '../src/tickets/stats.ts';
import { TicketError, type Status } from '../src/tickets/model.ts';
import { fromLocal, formatLocal } from '../src/tickets/zoned.ts';

const dir = mkdtempSync(join(tmpdir(), 'zc-life-'));
const stores = testStores(dir);
afterAll(() => stores.close());
let db: DB;
let ctx: TicketContext;
const START = fromLocal('2025-09-29', '10:00', 'Asia/Shanghai');
let clock = START;
const at = (d: string, t: string) => fromLocal(d, t, 'Asia/Shanghai');
const A = { name: '张三（法规处）', tokenId: 7 };

const config = parseConfig({
  divisions: { default: '办公室', prefixes: { '/zwgk/': '法规处', '/hdjl/': '宣传处' }, columns: { 政策解读: '政策法规处' }, others: ['信息中心'] },
});

function file(over: Partial<Parameters<typeof createTicket>[2]> = {}) {
  return createTicket(db, ctx, { source: 'manual', category: '错别字', description: '“政府”写成“正府”', pageUrl: 'https://hyj.example.gov.cn/zwgk/tzgg/1.html', ...over }, A).ticket;
}

function expectError(fn: () => unknown, status: number, re: RegExp) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TicketError);
    expect((e as TicketError).status).toBe(status);
    expect((e as Error).message).toMatch(re);
    return;
  }
  throw new Error('expected an error');
}

describe.each(STORE_KINDS)('tickets on %s', (kind) => {
  beforeAll(async () => {
    clock = START;
    db = await stores.open(kind, 'z');
    ctx = ticketContext(config, { now: () => clock });
  });
  afterAll(() => db?.close());

  describe('filing', () => {
    it('numbers tickets per year, routes by URL prefix, computes the deadline, records who filed it', () => {
      const t = file();
      expect(t.number).toBe('ZC-2025-000001');
      expect(t.division).toBe('法规处');
      expect(t.status).toBe('待处理');
      expect(t.site).toBe('https://hyj.example.gov.cn');
      expect(formatLocal(t.dueAt, 'Asia/Shanghai')).toBe('2025-10-09 17:30'); // Mon 09-29 → Tue 09-30, (Oct 1–8 off) Thu 10-09
      expect(ticketHistory(db, t.id)).toMatchObject([{ action: 'created', actor: '张三（法规处）', newValue: '待处理' }]);
      expect(file().number).toBe('ZC-2025-000002');
    });
    it('routes by column before URL prefix, falls back to the default division, and an explicit division wins', () => {
      expect(file({ column: '政策解读' }).division).toBe('政策法规处');
      expect(file({ pageUrl: 'https://hyj.example.gov.cn/other/x.html' }).division).toBe('办公室');
      expect(file({ division: '信息中心' }).division).toBe('信息中心');
    });
    it('masks personal data in what reporters write', () => {
      const t = file({ description: '页面公开了手机号 13812345678 和身份证 11010519491231002X', reporter: '李四 13900001111' });
      expect(t.description).not.toMatch(/13812345678|11010519491231002X/);
      expect(t.description).toMatch(/138\*\*\*\*5678/);
      expect(t.reporter).not.toMatch(/13900001111/);
    });
    it('the same external id (an import) files nothing twice', () => {
      const a = createTicket(db, ctx, { source: 'import', category: '其他', description: 'x', externalId: 'msg:42' }, A);
      const b = createTicket(db, ctx, { source: 'import', category: '其他', description: 'x', externalId: 'msg:42' }, A);
      expect(a.created).toBe(true);
      expect(b.created).toBe(false);
      expect(b.ticket.id).toBe(a.ticket.id);
    });
    it('a ticket needs a known category and a description', () => {
      expectError(() => file({ category: '乱写' as never }), 400, /unknown category/);
      expectError(() => file({ description: '   ' }), 400, /description is required/);
    });
  });

  describe('status changes are validated', () => {
    it('待处理 → 已答复 without a reply is refused; with a reply it closes the ticket', () => {
      const t = file();
      expectError(() => updateTicket(db, ctx, t.number, { status: '已答复' }, A), 422, /改为“已答复”需要答复内容/);
      expect(getTicket(db, t.id)!.status).toBe('待处理');
      const done = updateTicket(db, ctx, t.number, { status: '已答复', reply: '已更正，感谢指正。' }, A);
      expect(done.status).toBe('已答复');
      expect(done.reply).toBe('已更正，感谢指正。');
      expect(done.closedAt).not.toBeNull();
    });
    it('待处理 → 处理中 → 已整改 → 已答复 (reply given before), with history of who, what, when', () => {
      const t = file();
      clock = at('2025-09-29', '11:00');
      updateTicket(db, ctx, t.id, { status: '处理中' }, A);
      updateTicket(db, ctx, t.id, { status: '已整改', note: '已修改页面' }, A);
      updateTicket(db, ctx, t.id, { reply: '已整改' }, { name: '王五（法规处）' });
      const done = updateTicket(db, ctx, t.id, { status: '已答复' }, A);
      expect(done.status).toBe('已答复');
      const h = ticketHistory(db, t.id);
      expect(h.map((x) => [x.action, x.oldValue, x.newValue])).toEqual([
        ['created', null, '待处理'],
        ['status', '待处理', '处理中'],
        ['status', '处理中', '已整改'],
        ['replied', null, '已整改'],
        ['status', '已整改', '已答复'],
      ]);
      expect(h[3].actor).toBe('王五（法规处）');
      expect(h[2].note).toBe('已修改页面');
      expect(h.every((x) => !Number.isNaN(Date.parse(x.at)))).toBe(true);
    });
    it('不予处理 needs a reason; moves that skip the flow are refused; same status is a conflict', () => {
      const t = file();
      expectError(() => updateTicket(db, ctx, t.id, { status: '不予处理' }, A), 422, /改为“不予处理”需要填写理由/);
      const r = updateTicket(db, ctx, t.id, { status: '不予处理', reason: '非本单位网站' }, A);
      expect(r.rejectReason).toBe('非本单位网站');
      expect(r.closedAt).not.toBeNull();
      expectError(() => updateTicket(db, ctx, t.id, { status: '已整改' }, A), 409, /不能从“不予处理”改为“已整改”/);
      expectError(() => updateTicket(db, ctx, t.id, { status: '不予处理', reason: 'x' }, A), 409, /工单已是“不予处理”状态/);
      const fixed = updateTicket(db, ctx, file().id, { status: '已整改' }, A);
      expectError(() => updateTicket(db, ctx, fixed.id, { status: '待处理' }, A), 409, /不能从“已整改”改为“待处理”：“已整改”只能改为/);
    });
    it('reopening a closed ticket clears the close, counts it and starts a new deadline from now', () => {
      const t = file();
      updateTicket(db, ctx, t.id, { status: '已答复', reply: '已处理' }, A);
      clock = at('2025-10-09', '09:00');
      const re = updateTicket(db, ctx, t.id, { status: '处理中', note: '网民反映仍未改正' }, A);
      expect(re.closedAt).toBeNull();
      expect(re.reopenCount).toBe(1);
      expect(formatLocal(re.dueAt, 'Asia/Shanghai')).toBe('2025-10-11 17:30'); // Thu → Fri, Sat (make-up day)
      expect(ticketHistory(db, t.id).some((h) => h.action === 'reopened' && h.note === '网民反映仍未改正')).toBe(true);
    });
    it('reassignment to another division is a recorded, editable field', () => {
      const t = file();
      const u = updateTicket(db, ctx, t.id, { division: '宣传处', note: '属宣传处栏目' }, A);
      expect(u.division).toBe('宣传处');
      expect(ticketHistory(db, t.id).at(-1)).toMatchObject({ field: 'division', oldValue: '法规处', newValue: '宣传处', note: '属宣传处栏目' });
    });
    it('refuses a division the config does not name (a typo would hand the ticket to nobody), saying what to configure', () => {
      const t = file();
      expectError(() => updateTicket(db, ctx, t.id, { division: '宣传外' }, A), 422, /责任处室“宣传外”未在配置中登记[\s\S]*办公室、法规处、宣传处、政策法规处、信息中心[\s\S]*divisions\.others/);
      expectError(() => file({ division: '不存在处' }), 422, /未在配置中登记/);
      expect(getTicket(db, t.id)!.division).toBe('法规处');
      expect(updateTicket(db, ctx, t.id, { division: ' 信息中心 ' }, A).division).toBe('信息中心');
    });
  });

  describe('overdue, due today, on-time rate', () => {
    it('lists overdue and due-today tickets by the clock and the calendar', async () => {
      const fresh = await stores.open(kind, 'lists');
      clock = at('2026-02-13', '10:00'); // Fri: due Tue 02-24 (make-up Sat 02-14, Spring Festival)
      const c2 = ticketContext(config, { now: () => clock });
      const t1 = createTicket(fresh, c2, { source: 'manual', category: '其他', description: 'a' }, A).ticket;
      clock = at('2026-02-24', '09:00');
      const t2 = createTicket(fresh, c2, { source: 'manual', category: '其他', description: 'b', division: '宣传处' }, A).ticket; // due Thu 02-26
      const opts = () => ({ now: clock, timezone: 'Asia/Shanghai' });
      expect(listTickets(fresh, { dueToday: true }, opts()).items.map((t) => t.number)).toEqual([t1.number]);
      expect(listTickets(fresh, { overdue: true }, opts()).total).toBe(0);
      clock = at('2026-02-24', '17:31');
      expect(listTickets(fresh, { overdue: true }, opts()).items.map((t) => t.number)).toEqual([t1.number]);
      // t2 answered on time; t1 late
      updateTicket(fresh, c2, t2.id, { status: '已答复', reply: 'ok' }, A);
      clock = at('2026-02-25', '10:00');
      updateTicket(fresh, c2, t1.id, { status: '已答复', reply: 'late' }, A);
      const s = onTimeStats(fresh, c2, { period: 'month' });
      expect(s.total).toMatchObject({ counted: 2, onTime: 1, late: 1, rate: 0.5 });
      expect(s.periods).toMatchObject([{ key: '2026-02', counted: 2, onTime: 1 }]);
      expect(s.divisions.map((d) => [d.key, d.rate])).toEqual([
        ['办公室', 0],
        ['宣传处', 1],
      ]);
      // scoping: a handler sees their division (and own tickets) only
      expect(listTickets(fresh, {}, { ...opts(), scope: { division: '宣传处', reporterTokenId: -1, either: true } }).items.map((t) => t.number)).toEqual([t2.number]);
      fresh.close();
    });
    it('a ticket whose deadline could not be computed gets it once the calendar data is added', async () => {
      const f = await stores.open(kind, 'due');
      clock = at('2026-12-30', '10:00');
      const c1 = ticketContext(config, { now: () => clock });
      const t = createTicket(f, c1, { source: 'manual', category: '其他', description: 'year end' }, A).ticket;
      expect(t.dueAt).toBeNull();
      expect(t.dueError).toMatch(/2027/);
      expect(ticketHistory(f, t.id)[0].note).toMatch(/办理时限无法计算/);
      const c2 = ticketContext(parseConfig({ tickets: { calendar: { years: { '2027': { daysOff: ['2027-01-01'] } } } } }), { now: () => clock });
      expect(recomputeMissingDue(f, c2)).toBe(1);
      expect(formatLocal(getTicket(f, t.id)!.dueAt, 'Asia/Shanghai')).toBe('2027-01-04 17:30');
      f.close();
    });
  });

  describe('two processes writing the same database', () => {
    it('an "audit" process and this one file 150 tickets each at once: all 300 kept, numbers unique', async () => {
      const file2 = await stores.target(kind, 'concurrent');
      const main = openDb(file2);
      const c = ticketContext(config);
      const script = `
        import { openDb } from ${JSON.stringify(join(import.meta.dirname, '../src/store/db.ts'))};
        import { parseConfig } from ${JSON.stringify(join(import.meta.dirname, '../src/config/load.ts'))};
        import { ticketContext } from ${JSON.stringify(join(import.meta.dirname, '../src/tickets/context.ts'))};
        import { createTicket } from ${JSON.stringify(join(import.meta.dirname, '../src/tickets/service.ts'))};
        const db = openDb(${JSON.stringify(file2)});
        const ctx = ticketContext(parseConfig({}));
        for (let i = 0; i < 150; i++) createTicket(db, ctx, { source: 'audit', category: '其他', description: 'child ' + i }, { name: 'child' });
        db.close();`;
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      const done = new Promise<number>((r) => child.on('exit', (code) => r(code ?? -1)));
      for (let i = 0; i < 150; i++) {
        createTicket(main, c, { source: 'manual', category: '其他', description: 'main ' + i }, A);
        if (i % 10 === 0) await new Promise((r) => setTimeout(r, 5));
      }
      expect(await done, err).toBe(0);
      const rows = main.get(main.q.selectFrom('tickets').select((eb) => [eb.fn.countAll().as('n'), eb.fn.count('number').distinct().as('u')]));
      expect({ n: Number(rows?.n), u: Number(rows?.u) }).toEqual({ n: 300, u: 300 });
      main.close();
    }, kind === 'postgres' ? 90_000 : 30_000);
  });

  describe('the ticket list order', () => {
    it('open first, by status; within a status the most severe first (否决 before 严重 …), then by deadline', async () => {
      const odb = await stores.open(kind, 'order');
      const c = ticketContext(config, { now: () => at('2025-10-09', '10:00') });
      const mk = (description: string, severity: string | null, received: string) =>
        createTicket(odb, c, { source: 'audit', category: '其他', description, severity, receivedAt: at(received, '10:00') }, A).ticket;
      mk('low, early', 'low', '2025-10-09');
      mk('critical, late', 'critical', '2025-10-10');
      mk('manual, earliest', null, '2025-10-08');
      mk('high', 'high', '2025-10-09');
      const doing = mk('critical, 处理中', 'critical', '2025-10-09');
      updateTicket(odb, c, doing.id, { status: '处理中' }, A);
      const order = listTickets(odb, {}, { now: at('2025-10-10', '12:00'), timezone: 'Asia/Shanghai' }).items.map((t) => t.description);
      expect(order).toEqual(['critical, late', 'high', 'low, early', 'manual, earliest', 'critical, 处理中']);
      odb.close();
    });
  });
});

// keep TS honest about the Status import
const _s: Status = '待处理';
void _s;
