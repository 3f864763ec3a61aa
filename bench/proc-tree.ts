/** Peak RSS of a process and all its descendants, sampled from /proc (Linux). */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function children(pid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(d));
    } catch { /* gone */ }
  }
  return out;
}

function rssKb(pid: number): number {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/);
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

export function treeRssKb(pid: number): number {
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    total += rssKb(p);
    stack.push(...children(p));
  }
  return total;
}

/** Samples the tree every `ms` until stopped; returns the peak in MB. */
export function watchPeak(pid: number, ms = 100): () => number {
  let peak = 0;
  const t = setInterval(() => {
    peak = Math.max(peak, treeRssKb(pid));
  }, ms);
  return () => {
    clearInterval(t);
    return Math.round(peak / 1024);
  };
}

/**
 * Environment for a Node child whose own peak RSS is wanted exactly: it preloads
 * bench/max-rss.mjs, which writes the kernel's high-water mark (ru_maxrss) at exit.
 * `read()` returns it in MB (null when the child died before writing it).
 */
export function exactPeak(env: NodeJS.ProcessEnv = process.env): { env: NodeJS.ProcessEnv; read: () => number | null; cpuSeconds: () => number | null } {
  const dir = mkdtempSync(join(tmpdir(), 'zhaocuo-maxrss-'));
  const file = join(dir, 'maxrss');
  const hook = new URL('./max-rss.mjs', import.meta.url).href;
  return {
    env: { ...env, ZHAOCUO_BENCH_MAXRSS_FILE: file, NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} --import=${hook}`.trim() },
    /** The child's CPU time (user + system, seconds); call before read(), which removes the folder. */
    cpuSeconds: () => {
      try {
        return Number(readFileSync(file + '.cpu', 'utf8')) / 1e6;
      } catch {
        return null;
      }
    },
    read: () => {
      try {
        return Math.round(Number(readFileSync(file, 'utf8')) / 1024);
      } catch {
        return null;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
