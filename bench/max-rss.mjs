// Preloaded into a benchmarked Node process (NODE_OPTIONS=--import): at exit it writes the
// process's peak resident set size as the kernel counted it (getrusage ru_maxrss, in kB) to
// $ZHAOCUO_BENCH_MAXRSS_FILE, and the CPU time it used (user + system, µs, all its threads) to that
// file + '.cpu'. Sampling /proc every 100 ms can miss a short peak; this cannot.
import { writeFileSync } from 'node:fs';

const file = process.env.ZHAOCUO_BENCH_MAXRSS_FILE;
if (file)
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(file, String(u.maxRSS));
    writeFileSync(file + '.cpu', String(u.userCPUTime + u.systemCPUTime));
  });
