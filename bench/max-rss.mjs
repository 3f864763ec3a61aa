// Preloaded into a benchmarked Node process (NODE_OPTIONS=--import): at exit it writes the
// process's peak resident set size as the kernel counted it (getrusage ru_maxrss, in kB) to
// $ZHAOCUO_BENCH_MAXRSS_FILE. Sampling /proc every 100 ms can miss a short peak; this cannot.
import { writeFileSync } from 'node:fs';

const file = process.env.ZHAOCUO_BENCH_MAXRSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
