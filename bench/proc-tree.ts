/** Peak RSS of a process and all its descendants, sampled from /proc (Linux). */
import { readFileSync, readdirSync } from 'node:fs';

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
