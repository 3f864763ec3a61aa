/**
 * `zhaocuo probe`: probes a homepage over IPv4 and IPv6, stores each probe, and judges the
 * 站点无法访问 rule over the stored week. A round is one probe per family; the schedule runs
 * rounds every `everyMs` (first round at once) until stopped.
 */
import { NameResolver } from '../gather/dns.ts';
import type { DB } from '../store/db.ts';
import type { Store } from '../store/store.ts';
import { probeOnce, type ProbeResult } from './fetch.ts';
import { availabilityRule, type AvailabilityOptions, type AvailabilityResult } from './rule.ts';
import { insertProbe, loadProbes } from './store.ts';

export interface ProbeRunOptions {
  url: string;
  db: DB;
  resolver: NameResolver;
  families?: (4 | 6)[];
  timeoutMs?: number;
  userAgent?: string;
  rule?: Partial<AvailabilityOptions>;
}

export interface RoundResult {
  probes: ProbeResult[];
  rule: AvailabilityResult;
}

/** Minimum spacing that still gives `minPerDay` probes a day. */
export function maxIntervalMs(minPerDay: number): number {
  return Math.floor(86_400_000 / minPerDay);
}

/** Parses 60m, 1h, 90s, 45 (minutes) into milliseconds. */
export function parseInterval(v: string): number | undefined {
  const m = v.trim().match(/^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?$/i);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? 'm').toLowerCase();
  const ms = unit === 'ms' ? n : unit === 's' ? n * 1000 : unit === 'h' ? n * 3_600_000 : n * 60_000;
  return ms > 0 ? Math.round(ms) : undefined;
}

export async function probeRound(o: ProbeRunOptions): Promise<RoundResult> {
  const families = o.families ?? [4, 6];
  const probes = await Promise.all(families.map((family) => probeOnce(o.url, { family, resolver: o.resolver, timeoutMs: o.timeoutMs ?? o.rule?.loadLimitMs ?? 15_000, userAgent: o.userAgent })));
  o.db.tx(() => {
    for (const p of probes) insertProbe(o.db, p);
  });
  return { probes, rule: judgeStored(o.db, o.url, new Date(), o.rule) };
}

/** The 7-day rule over the probes stored for the URL's origin, up to `until`. */
export function judgeStored(db: Store, url: string, until: Date, rule: Partial<AvailabilityOptions> = {}): AvailabilityResult {
  const days = rule.days ?? 7;
  const since = new Date(until.getTime() - days * 86_400_000).toISOString();
  // `until` is exclusive in the rule; a probe stored this millisecond must count.
  const end = new Date(until.getTime() + 1).toISOString();
  return availabilityRule(loadProbes(db, [new URL(url).origin], since, end), end, rule);
}

export interface Schedule {
  /** Resolves when the schedule has stopped (after stop(), or after `rounds` rounds). */
  done: Promise<void>;
  stop(): void;
}

/** Rounds every `everyMs`, the first at once; `rounds` limits them (tests), else until stop(). */
export function schedule(o: ProbeRunOptions & { everyMs: number; rounds?: number; onRound: (r: RoundResult) => void; onError?: (e: Error) => void }): Schedule {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: () => void = () => undefined;
  const done = (async () => {
    let n = 0;
    while (!stopped) {
      const started = Date.now();
      try {
        o.onRound(await probeRound(o));
      } catch (err) {
        o.onError?.(err as Error);
      }
      if (o.rounds !== undefined && ++n >= o.rounds) break;
      if (stopped) break;
      // Spaced from the start of the round, so the schedule does not drift with slow probes.
      await new Promise<void>((r) => {
        wake = r;
        timer = setTimeout(r, Math.max(0, o.everyMs - (Date.now() - started)));
      });
    }
  })();
  return {
    done,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      wake();
    },
  };
}
