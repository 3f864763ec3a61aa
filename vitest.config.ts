import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Real servers, real Chromium, real SQLite: give I/O-bound tests room on a shared 2-core machine.
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Test files run in parallel up to the core count; each shares one portal/browser inside.
    maxWorkers: 2,
  },
});
