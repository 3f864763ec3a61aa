/**
 * POST /api/intake, the extension's contract (src/server/inputs.ts intakeBody): the report's
 * clientKey makes a resend file no second ticket (200 with the first ticket), per token; the
 * viewport, browser and selected text are kept (masked) in the evidence; CORS for the
 * configured extension origin. A real server on loopback over a temp SQLite file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config/load.ts';
import { startServer, type RunningServer } from '../src/server/serve.ts';
import { createToken } from '../src/server/tokens.ts';
import { openDb } from '../src/store/db.ts';

const EXT = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
let srv: RunningServer;
const tok: Record<string, string> = {};

beforeAll(async () => {
  const dbFile = join(mkdtempSync(join(tmpdir(), 'zc-intake-')), 'i.db');
  const db = openDb(dbFile);
  tok.a = createToken(db, { name: '张三', role: 'reporter' }).token;
  tok.b = createToken(db, { name: '李四', role: 'reporter' }).token;
  db.close();
  srv = await startServer({ db: dbFile, config: parseConfig({ server: { extensionOrigins: [EXT] } }), host: '127.0.0.1', port: 0, notify: false, log: () => {} });
});
afterAll(async () => {
  await srv?.close();
});

const body = (over: Record<string, unknown> = {}) => ({ category: '错别字', description: '“海洋”写成“海羊”', pageUrl: 'https://hyj.example.gov.cn/zwgk/1.html', ...over });
async function intake(token: string, b: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${srv.url}/api/intake`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify(b) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}
const count = () => (srv.db.prepare('SELECT count(*) AS n FROM tickets').get() as { n: number }).n;

describe('idempotency key', () => {
  it('the same report sent twice is one ticket: 201, then 200 with the same ticket', async () => {
    const before = count();
    const key = '3f2c9a1e-7b6d-4c51-9e0a-1d2b3c4d5e6f';
    const first = await intake(tok.a, body({ clientKey: key }));
    expect(first.status).toBe(201);
    const again = await intake(tok.a, body({ clientKey: key, description: '重发（回应丢失后）' }));
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.number).toBe(first.body.number);
    expect(again.body.description).toBe('“海洋”写成“海羊”');
    expect(count()).toBe(before + 1);
  });

  it('keys are per token: another reporter with the same key files their own ticket', async () => {
    const key = 'same-key-for-both-123';
    const a = await intake(tok.a, body({ clientKey: key }));
    const b = await intake(tok.b, body({ clientKey: key }));
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.number).not.toBe(b.body.number);
    expect(b.body.reporter).toBe('李四');
  });

  it('without a key every report is a new ticket (as before)', async () => {
    const before = count();
    expect((await intake(tok.a, body())).status).toBe(201);
    expect((await intake(tok.a, body())).status).toBe(201);
    expect(count()).toBe(before + 2);
  });

  it('a malformed key is refused, naming the field', async () => {
    const r = await intake(tok.a, body({ clientKey: 'short' }));
    expect(r.status).toBe(400);
    expect(r.body.details).toEqual(['clientKey：应为 8–100 个字符，只含 A–Z a–z 0–9 _ -（bad clientKey）']);
    expect((await intake(tok.a, body({ clientKey: 'a b c d e f g h' }))).status).toBe(400);
  });
});

describe('evidence from the extension', () => {
  it('viewport, browser and selected text are kept, personal data masked; unknown fields still refused', async () => {
    const r = await intake(tok.a, body({ clientKey: 'evidence-test-0001', selector: 'p:nth-of-type(2)', snippet: '手机 13812345678', selectedText: '13812345678', viewport: '1280×720 @1x', browser: 'Chrome 156' }));
    expect(r.status).toBe(201);
    expect(r.body.evidence).toEqual({ selector: 'p:nth-of-type(2)', snippet: '手机 138****5678', selectedText: '138****5678', viewport: '1280×720 @1x', browser: 'Chrome 156' });
    expect(r.body.source).toBe('extension');
    const bad = await intake(tok.a, body({ division: '法规处' }));
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual(['division：未知字段（unknown field）']);
  });

  it('the extension origin gets CORS; the replay answer too', async () => {
    const key = 'cors-replay-key-42';
    const first = await intake(tok.a, body({ clientKey: key }), { origin: EXT });
    const again = await intake(tok.a, body({ clientKey: key }), { origin: EXT });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.headers.get('access-control-allow-origin')).toBe(EXT);
  });
});
