/**
 * Stable ports for the sample portal and its "external" site, so that `zhaocuo start` run twice
 * is the same site in the store (same origin) linking to the same external URLs (same
 * fingerprints): 0 new, 0 fixed, no duplicate ticket.
 *
 * Defaults 8360 (portal) and 8361 (external site). When a pair is taken, the next candidates are
 * derived from the data directory (a hash of its absolute path), so the fallback is the same on
 * every run with that directory; the pair chosen is written to `<data dir>/sample-ports.json`
 * and tried first next time. Only a pair that is taken again moves the sample.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface SamplePorts {
  portal: number;
  external: number;
}

export const DEFAULT_SAMPLE_PORTS: SamplePorts = { portal: 8360, external: 8361 };

export const PORTS_FILE = 'sample-ports.json';

/** Fallback range: above the usual service ports, below Linux's ephemeral range (32768+). */
const LOW = 20000;
const SPAN = 12000;

export function portsFile(dataDir: string): string {
  return join(dataDir, PORTS_FILE);
}

export function readStoredPorts(dataDir: string): SamplePorts | undefined {
  try {
    const v = JSON.parse(readFileSync(portsFile(dataDir), 'utf8')) as Partial<SamplePorts>;
    const ok = (n: unknown): n is number => Number.isInteger(n) && (n as number) > 0 && (n as number) < 65536;
    return ok(v.portal) && ok(v.external) && v.portal !== v.external ? { portal: v.portal, external: v.external } : undefined;
  } catch {
    return undefined;
  }
}

export function storePorts(dataDir: string, ports: SamplePorts): void {
  mkdirSync(dataDir, { recursive: true });
  const file = portsFile(dataDir);
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify({ portal: ports.portal, external: ports.external, note: 'zhaocuo start / zhaocuo sample serve：示例网站的固定端口（删除本文件则恢复默认 8360/8361）' }, null, 1) + '\n');
  renameSync(tmp, file);
}

/** The k-th fallback pair of a data directory (the same on every run). */
export function derivedPorts(dataDir: string, k: number): SamplePorts {
  const h = createHash('sha1').update(resolve(dataDir)).digest().readUInt32BE(0);
  const pairs = SPAN / 2;
  const i = (h + k * 7919) % pairs; // 7919 is prime and coprime with the number of pairs: no pair twice
  const portal = LOW + 2 * i;
  return { portal, external: portal + 1 };
}

/** The pairs to try, in order: the requested one (--port), else the stored one, else the defaults; then the derived ones. */
export function candidatePorts(dataDir: string, requested?: SamplePorts, tries = 12): SamplePorts[] {
  const first = requested ?? readStoredPorts(dataDir) ?? DEFAULT_SAMPLE_PORTS;
  const out = [first];
  for (let k = 0; out.length < tries; k++) {
    const p = derivedPorts(dataDir, k);
    if (!out.some((q) => q.portal === p.portal || q.external === p.external)) out.push(p);
  }
  return out;
}

export interface StableStart<T> {
  value: T;
  ports: SamplePorts;
  /** the first candidate was taken: the sample moved to another (stored) pair */
  moved: SamplePorts | null;
}

/**
 * Starts something on the first free candidate pair (`start` rejects with EADDRINUSE when a
 * port is taken) and stores the pair used in the data directory.
 */
export async function startOnStablePorts<T>(dataDir: string, start: (ports: SamplePorts) => Promise<T>, requested?: SamplePorts): Promise<StableStart<T>> {
  const candidates = candidatePorts(dataDir, requested);
  let lastErr: unknown;
  for (const ports of candidates) {
    try {
      const value = await start(ports);
      const stored = readStoredPorts(dataDir);
      if (!requested && (stored?.portal !== ports.portal || stored?.external !== ports.external)) {
        try {
          storePorts(dataDir, ports);
        } catch {
          // a read-only data dir: the derived pair is still the same next time
        }
      }
      return { value, ports, moved: ports === candidates[0] ? null : candidates[0] };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      lastErr = err;
    }
  }
  throw lastErr;
}
