/**
 * `zhaocuo serve`: the app on @hono/node-server, the outbox delivery loop (webhooks) and the
 * due-today / overdue scan, over one SQLite file that audits may write at the same time.
 */
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config/schema.ts';
import { VERSION } from '../report/build.ts';
import { openDb, type DB } from '../store/db.ts';
import { markStaleRuns } from '../store/stale-runs.ts';
import { ticketContext, type TicketContext } from '../tickets/context.ts';
import { deliverOutbox, enqueueDueNotices } from '../tickets/notify.ts';
import { recomputeMissingDue } from '../tickets/service.ts';
import { createApp } from './app.ts';

export interface ServeOptions {
  db: string | DB;
  config: Config;
  host?: string;
  port?: number;
  /** Folder relative report paths are resolved against, and calendar files (default: cwd). */
  cwd?: string;
  log?: (line: string) => void;
  /** Run the notification loop (default true). */
  notify?: boolean;
  now?: () => Date;
}

export interface RunningServer {
  url: string;
  port: number;
  host: string;
  db: DB;
  ctx: TicketContext;
  /** One round of the notification loop (scan + deliver), for tests and `tickets notify`. */
  notifyOnce(): Promise<void>;
  close(): Promise<void>;
}

export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const log = o.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const ownDb = typeof o.db === 'string';
  const db = typeof o.db === 'string' ? openDb(o.db) : o.db;
  const ctx = ticketContext(o.config, { cwd: o.cwd, now: o.now });
  const filled = recomputeMissingDue(db, ctx);
  if (filled) log(`zhaocuo: computed the deadline of ${filled} ticket(s) from newly added calendar data`);
  const app = createApp({ db, ctx, version: VERSION, reportsBase: o.cwd, log });
  const host = o.host ?? o.config.server.host;
  const port = o.port ?? o.config.server.port;

  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port }, () => resolve(s));
    s.once('error', reject);
  });
  const addr = server.address() as AddressInfo;
  const url = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;

  let busy = false;
  const notifyOnce = async () => {
    if (busy) return;
    busy = true;
    try {
      recomputeMissingDue(db, ctx);
      enqueueDueNotices(db, ctx);
      const r = await deliverOutbox(db, ctx);
      if (r.failed || r.dead) log(`zhaocuo: webhook deliveries: ${r.sent} sent, ${r.failed} to retry, ${r.dead} given up`);
    } catch (err) {
      log(`zhaocuo: notification round failed: ${(err as Error).message}`);
    } finally {
      busy = false;
    }
  };
  const timer = o.notify === false || !o.config.tickets.notify.webhooks.length ? null : setInterval(notifyOnce, o.config.tickets.notify.intervalSeconds * 1000);
  timer?.unref();
  if (timer) setTimeout(notifyOnce, 200).unref();
  // The server outlives the audits it shows: a run whose process died after the server opened the store is marked failed within a minute.
  const staleScan = setInterval(() => {
    try {
      markStaleRuns(db);
    } catch (err) {
      log(`zhaocuo: could not check for interrupted runs: ${(err as Error).message}`);
    }
  }, 60_000).unref();

  return {
    url,
    port: addr.port,
    host,
    db,
    ctx,
    notifyOnce,
    close: async () => {
      if (timer) clearInterval(timer);
      clearInterval(staleScan);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      if (ownDb) db.close();
    },
  };
}
