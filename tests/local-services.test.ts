// The real Redis and PostgreSQL the distributed-mode tests start: up on a free loopback port,
// data kept across a restart (Redis AOF), gone after close.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import pg from 'pg';
import { startRedis } from './helpers/redis-server.ts';
import { startPostgres } from './helpers/postgres-server.ts';

describe('local services for tests', () => {
  it('redis-server starts, keeps its data across a restart, and is removed', async () => {
    const r = await startRedis();
    const c = new Redis(r.url, { maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: true });
    c.on('error', () => undefined);
    await c.connect();
    await c.set('k', 'v');
    c.disconnect();
    await r.stop();
    await r.start();
    const c2 = new Redis(r.url);
    expect(await c2.get('k')).toBe('v');
    c2.disconnect();
    await r.close();
    expect(existsSync(r.dir)).toBe(false);
  });

  it('PostgreSQL starts on loopback (as a non-root user when root) and answers queries', async () => {
    const p = await startPostgres();
    try {
      const c = new pg.Client(p.url);
      await c.connect();
      const { rows } = await c.query('SELECT current_user AS u, inet_server_addr()::text AS addr');
      expect(rows[0].u).toBe('zhaocuo');
      expect(rows[0].addr).toBe('127.0.0.1/32');
      await c.end();
    } finally {
      await p.close();
    }
  });
});
