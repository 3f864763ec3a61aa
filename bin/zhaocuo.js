#!/usr/bin/env node
// The CLI runs its TypeScript sources through tsx, so there is no build step to forget.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../src/cli/index.ts');
process.exit(await main());
