/**
 * Webhook notifications through the outbox, delivered to real receivers on loopback:
 * DingTalk (markdown, signed) and WeCom (text) bodies, a receiver that fails first and then
 * accepts (retried after the backoff), one that never answers (given up after maxAttempts),
 * due-today and overdue notices once each — and filing never waits for any of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config/load.ts';
import { openDb, type DB } from '../src/store/db.ts';
import { ticketContext, type TicketContext } from '../src/tickets/context.ts';
import { createTicket, updateTicket } from '../src/tickets/service.ts';
import { deliverOutbox, enqueueDueNotices, listOutbox } from '../src/tickets/notify.ts';
import { fromLocal } from '../src/tickets/zoned.ts';

interface Hit {
  path: string;
  query: URLSearchParams;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}
const hits: Hit[] = [];
let dingCalls = 0;
let receiver: http.Server;
let base: string;
let db: DB;
let ctx: TicketContext;
let clock = fromLocal('2026-03-02', '10:00', 'Asia/Shanghai'); // Monday
const SECRET = 'SECtest';

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      const u = new URL(req.url!, 'http://x');
      hits.push({ path: u.pathname, query: u.searchParams, body: JSON.parse(data) });
      if (u.pathname === '/ding' && ++dingCalls === 1) {
        res.writeHead(500).end('temporarily down');
        return;
      }
      if (u.pathname === '/errcode') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":310000,"errmsg":"keywords not in content"}');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const config = parseConfig({
    divisions: { default: '办公室', others: ['宣传处'] },
    tickets: {
      notify: {
        dashboardUrl: 'http://zhaocuo.hyj.example.gov.cn:8787',
        retry: { baseSeconds: 60, maxSeconds: 600, maxAttempts: 2 },
        timeoutMs: 2000,
        webhooks: [
          { name: 'ding', url: `${base}/ding?access_token=abc`, format: 'dingtalk', msgtype: 'markdown', secret: SECRET },
          { name: 'wecom', url: `${base}/wecom?key=k`, format: 'wecom', msgtype: 'text', events: ['new', 'overdue'] },
          { name: 'nobody', url: 'http://127.0.0.2:59999/hook', format: 'json', events: ['new'] },
          { name: 'keyword', url: `${base}/errcode`, format: 'dingtalk', msgtype: 'text', events: ['new'], divisions: ['宣传处'] },
        ],
      },
    },
  });
  db = openDb(join(mkdtempSync(join(tmpdir(), 'zc-notify-')), 'n.db'));
  ctx = ticketContext(config, { now: () => clock });
});
afterAll(async () => {
  db?.close();
  await new Promise((r) => receiver?.close(r));
});

const later = (s: number) => (clock = new Date(clock.getTime() + s * 1000));

describe('webhooks', () => {
  let number: string;
  it('filing a ticket queues a message per subscribed webhook and returns at once', () => {
    const { ticket } = createTicket(db, ctx, { source: 'extension', category: '错别字', description: '标题 [点我](http://evil) 手机 13812345678', pageUrl: 'https://hyj.example.gov.cn/a.html' }, { name: '张三' });
    // Queued, not sent: filing never waits on a webhook (no clock here: the machine may be loaded).
    expect(hits).toHaveLength(0);
    number = ticket.number;
    expect(listOutbox(db).map((o) => [o.target, o.event, o.status])).toEqual([
      ['ding', 'new', 'pending'],
      ['wecom', 'new', 'pending'],
      ['nobody', 'new', 'pending'],
    ]);
  });

  it('delivers: the failing receiver and the dead host are kept for a retry; the others are sent', async () => {
    const r = await deliverOutbox(db, ctx);
    expect(r).toEqual({ sent: 1, failed: 2, dead: 0 });
    const rows = Object.fromEntries(listOutbox(db).map((o) => [o.target, o]));
    expect(rows.wecom.status).toBe('sent');
    expect(rows.ding).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringMatching(/HTTP 500/) });
    expect(rows.nobody).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringMatching(/ECONNREFUSED/) });
    expect(Date.parse(rows.ding.nextAttemptAt) - clock.getTime()).toBe(60_000);
  });

  it('nothing is retried before the backoff; after it, the receiver accepts and the dead host is given up', async () => {
    expect(await deliverOutbox(db, ctx)).toEqual({ sent: 0, failed: 0, dead: 0 });
    later(61);
    expect(await deliverOutbox(db, ctx)).toEqual({ sent: 1, failed: 0, dead: 1 });
    const rows = Object.fromEntries(listOutbox(db).map((o) => [o.target, o]));
    expect(rows.ding).toMatchObject({ status: 'sent', attempts: 2 });
    expect(rows.nobody).toMatchObject({ status: 'dead', attempts: 2 });
  });

  it('bodies: DingTalk markdown (signed URL), WeCom text; reporter text cannot inject links; personal data masked', () => {
    const ding = hits.filter((h) => h.path === '/ding').at(-1)!;
    expect(ding.body.msgtype).toBe('markdown');
    expect(ding.body.markdown.title).toBe(`【找错】新工单 ${number}`);
    expect(ding.body.markdown.text).toMatch(/\*\*类型\*\*：错别字/);
    expect(ding.body.markdown.text).toContain(`[查看工单](http://zhaocuo.hyj.example.gov.cn:8787/tickets/${number})`);
    expect(ding.body.markdown.text).not.toContain('[点我](http://evil)');
    expect(ding.body.markdown.text).not.toContain('13812345678');
    const ts = ding.query.get('timestamp')!;
    expect(ding.query.get('sign')).toBe(createHmac('sha256', SECRET).update(`${ts}\n${SECRET}`).digest('base64'));
    expect(ding.query.get('access_token')).toBe('abc');
    const wecom = hits.find((h) => h.path === '/wecom')!;
    expect(wecom.body).toEqual({ msgtype: 'text', text: { content: expect.stringContaining(`【找错】新工单 ${number}`) } });
  });

  it('a 200 with a non-zero errcode (DingTalk keyword check) is a failure, not a delivery', async () => {
    createTicket(db, ctx, { source: 'manual', category: '其他', description: '宣传处的问题', division: '宣传处' }, { name: '张三' });
    await deliverOutbox(db, ctx);
    const kw = listOutbox(db).find((o) => o.target === 'keyword')!;
    expect(kw).toMatchObject({ status: 'pending', lastError: expect.stringMatching(/errcode 310000/) });
  });

  it('due-today (from office hours) and overdue notices, once each', async () => {
    const c = () => listOutbox(db).filter((o) => o.event === 'due-today' || o.event === 'overdue').map((o) => `${o.event}:${o.target}`);
    // the first ticket was received Mon 03-02 10:00 → due Wed 03-04 17:30
    clock = fromLocal('2026-03-04', '07:00', 'Asia/Shanghai');
    expect(enqueueDueNotices(db, ctx)).toEqual({ dueToday: 0, overdue: 0 }); // before office hours
    clock = fromLocal('2026-03-04', '08:31', 'Asia/Shanghai');
    expect(enqueueDueNotices(db, ctx).dueToday).toBe(2); // two open tickets due today, to `ding` only
    expect(enqueueDueNotices(db, ctx).dueToday).toBe(0);
    clock = fromLocal('2026-03-04', '17:31', 'Asia/Shanghai');
    const o = enqueueDueNotices(db, ctx);
    expect(o.overdue).toBe(4); // two tickets × (ding, wecom)
    expect(enqueueDueNotices(db, ctx).overdue).toBe(0);
    expect(c().sort()).toEqual(['due-today:ding', 'due-today:ding', 'overdue:ding', 'overdue:ding', 'overdue:wecom', 'overdue:wecom']);
    await deliverOutbox(db, ctx);
    const overdue = hits.filter((h) => h.path === '/wecom' && h.body.text.content.includes('已超期'));
    expect(overdue).toHaveLength(2);
    // a closed ticket is not reminded
    updateTicket(db, ctx, number, { status: '已答复', reply: '已改' }, { name: '张三' });
    clock = fromLocal('2026-03-05', '09:00', 'Asia/Shanghai');
    expect(enqueueDueNotices(db, ctx)).toEqual({ dueToday: 0, overdue: 0 });
  });
});
