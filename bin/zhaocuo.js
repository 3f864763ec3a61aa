#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=1048576 MALLOC_TRIM_THRESHOLD_=4194304 node --max-semi-space-size=8
// glibc's malloc, left to itself, raises its mmap threshold each time a big block is freed, so
// later Buffers and typed arrays (report chunks, the columns audit's tables) come from a heap it
// never gives back: a 50,000-page audit peaked 542 MB, and 499 MB with these two fixed (bench
// --only size). They are read once, when node starts, so they are set here (env -S) and not later.
// V8's young generation grows to 16 MiB a semi-space on this machine's 24 GiB, three of them live at
// once; 8 MiB cut a 20,000-page audit's peak 333 → 305 MB for ~2% more CPU (4 MiB: 290 MB, +40%).
// The CLI is bundled from its TypeScript sources on first use and whenever they change
// (bin/cli-loader.mjs), so there is no build step to forget.
import { loadCli } from './cli-loader.mjs';

const { cli } = await loadCli(new URL('..', import.meta.url).pathname);
let done = false;
cli.installCrashHandlers(() => done);
const code = await cli.main();
done = true;
process.exit(code);
