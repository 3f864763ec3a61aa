// Preloaded into a child process (node --import): on exit, writes the process's peak resident
// set size and CPU time (getrusage, as /usr/bin/time reads them) to $ZHAOCUO_PEAK_RSS_FILE.
import { writeFileSync } from 'node:fs';

const file = process.env.ZHAOCUO_PEAK_RSS_FILE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRssKb: u.maxRSS, cpuMs: Math.round((u.userCPUTime + u.systemCPUTime) / 1000) }));
  });
}
