// The PostgreSQL side of the synchronous store (src/store/postgres.ts): a worker thread that owns
// one `pg` connection and answers one request at a time. The main thread posts a request, blocks
// on Atomics.wait, and takes the reply with receiveMessageOnPort, so the store's callers stay as
// synchronous as with better-sqlite3. Plain JavaScript so it loads the same under tsx, vitest and
// node without a TypeScript loader in the worker.
import { workerData } from 'node:worker_threads';
import pg from 'pg';

const { port, signal, url, queryTimeoutMs, connectTimeoutMs } = workerData;
const flag = new Int32Array(signal);

// BIGINT (counts, ids) and NUMERIC (sums, averages) as numbers, as SQLite gives them; ids and
// counts stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

/** @type {pg.Client | null} */
let client = null;
let txOpen = false;
/** The connection went away inside a transaction: its writes are gone, so nothing may run until the caller rolls back. */
let txLost = false;
/** Whether a connection was ever made: a refused connection after that is the server going away mid-run, not a wrong URL. */
let connected = false;

const LOST_CODES = new Set(['57P01', '57P02', '57P03', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED']);

function isConnectionError(err) {
  return LOST_CODES.has(err?.code) || /Connection terminated|connection is closed|Client has encountered a connection error|not queryable|timeout/i.test(String(err?.message));
}

async function connect() {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs, query_timeout: queryTimeoutMs, keepAlive: true, application_name: 'zhaocuo' });
  // A server going away emits 'error' on an idle client; without a listener that would kill the worker.
  c.on('error', () => drop(c));
  // Whether TCP got through: a host that never answers the SYN and one that accepts and then
  // says nothing (a hung server, another service, a proxy) are told apart in the message.
  let accepted = false;
  c.connection.once('connect', () => (accepted = true));
  try {
    await c.connect();
  } catch (err) {
    if (/timeout expired/.test(String(err?.message))) {
      throw Object.assign(new Error(`${accepted ? 'accepted the connection but' : 'the host'} did not answer within ${connectTimeoutMs / 1000} s (timeout expired)`), { code: accepted ? 'ZC_SILENT' : 'ZC_NO_ANSWER', detail: String(connectTimeoutMs / 1000) });
    }
    throw err;
  }
  connected = true;
  return c;
}

function drop(c) {
  if (client !== c) return;
  client = null;
  if (txOpen) txLost = true;
  c.end().catch(() => {});
}

async function query(sql, params) {
  if (txLost) throw Object.assign(new Error('the connection was lost inside a transaction'), { code: 'ZC_TX_LOST' });
  const reuse = client !== null;
  try {
    if (!client) client = await connect();
    return await client.query({ text: sql, values: params.map(toPg) });
  } catch (err) {
    if (isConnectionError(err)) {
      if (client) drop(client);
      // A fresh connection may be tried again only outside a transaction, and only once.
      if (reuse && !txOpen && !txLost && !/^\s*(INSERT|UPDATE|DELETE)/i.test(sql)) return query(sql, params);
    }
    throw err;
  }
}

function toPg(v) {
  if (v instanceof Uint8Array && !Buffer.isBuffer(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return v;
}

async function handle(msg) {
  switch (msg.op) {
    case 'query': {
      const r = await query(msg.sql, msg.params);
      return { rows: r.rows ?? [], changes: r.rowCount ?? 0 };
    }
    case 'exec': {
      // Several statements, no parameters (migrations): the simple query protocol runs them in one go.
      await query(msg.sql, []);
      return { rows: [], changes: 0 };
    }
    case 'begin':
      if (txLost) throw Object.assign(new Error('the connection was lost inside a transaction'), { code: 'ZC_TX_LOST' });
      await query('BEGIN', []);
      txOpen = true;
      return { rows: [], changes: 0 };
    case 'commit':
      try {
        await query('COMMIT', []);
      } finally {
        txOpen = false;
      }
      return { rows: [], changes: 0 };
    case 'rollback':
      txOpen = false;
      if (txLost) {
        txLost = false;
        return { rows: [], changes: 0 };
      }
      try {
        await query('ROLLBACK', []);
      } catch { /* the connection may be what failed; the server rolls back a dropped session itself */ }
      return { rows: [], changes: 0 };
    case 'close':
      if (client) await client.end().catch(() => {});
      client = null;
      return { rows: [], changes: 0 };
    default:
      throw new Error(`unknown request ${msg.op}`);
  }
}

// One request at a time, in order: the main thread may post a request while a non-blocking one
// (PostgresStore.ping) still waits, and both must not race to open the connection.
let queue = Promise.resolve();
port.on('message', (msg) => {
  queue = queue.then(() => serve(msg));
});

async function serve(msg) {
  let reply;
  try {
    reply = await handle(msg);
  } catch (err) {
    reply = { error: { message: String(err?.message ?? err), code: err?.code ?? null, lost: (connected && isConnectionError(err)) || err?.code === 'ZC_TX_LOST', detail: err?.detail ?? null } };
  }
  port.postMessage({ ...reply, id: msg?.id });
  // Counted after it is posted: the main thread that sees the count finds the reply in the port.
  Atomics.add(flag, 0, 1);
  Atomics.notify(flag, 0);
}
