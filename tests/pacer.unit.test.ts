/**
 * The in-process host pacer (crawl.hostIntervalMs for plain audits and the embedded scheduler):
 * concurrent turns of one host are spaced from send to send, other hosts are not held up.
 * The send times are taken at the sent() call, where the request goes out.
 */
import { describe, expect, it } from 'vitest';
import { LocalPacer } from '../src/gather/pacer.ts';

describe('LocalPacer', () => {
  it('spaces sends to one host by the interval, whoever asks, and leaves other hosts alone', async () => {
    const p = new LocalPacer();
    const sends: { host: string; at: number }[] = [];
    const one = async (host: string, work: number) => {
      const sent = await p.turn(host, 40);
      sends.push({ host, at: Date.now() });
      sent();
      sent(); // idempotent
      await new Promise((r) => setTimeout(r, work)); // the response comes later; the next turn does not wait for it
    };
    const t0 = Date.now();
    await Promise.all([...Array.from({ length: 6 }, (_, i) => one('a.example', i * 5)), one('b.example', 0), one('b.example', 0)]);
    const a = sends.filter((s) => s.host === 'a.example').map((s) => s.at);
    expect(a).toHaveLength(6);
    for (let i = 1; i < a.length; i++) expect(a[i] - a[i - 1]).toBeGreaterThanOrEqual(39);
    const b = sends.filter((s) => s.host === 'b.example').map((s) => s.at);
    // b's first send does not queue behind a's five waits.
    expect(b[0] - t0).toBeLessThan(a[5] - t0);
    expect(b[1] - b[0]).toBeGreaterThanOrEqual(39);
  });
});
