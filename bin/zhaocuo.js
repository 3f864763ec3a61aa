#!/usr/bin/env node
// The CLI runs its TypeScript sources through tsx, so there is no build step to forget.
import { register } from 'tsx/esm/api';
register();
const { main, installCrashHandlers } = await import('../src/cli/index.ts');
let done = false;
installCrashHandlers(() => done);
const code = await main();
done = true;
process.exit(code);
