import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

export default defineConfig({
  test: {
    // Real servers, real Chromium, real SQLite: give I/O-bound tests room on a shared 2-core machine.
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Test files run in parallel up to the core count; each shares one portal/browser inside.
    maxWorkers: 2,
    // `npm test` runs both: the core, and the extension's unit tests with WXT's fake browser
    // (`wxt/browser` is the in-memory fakeBrowser there). The extension's end-to-end test
    // (tests/e2e-extension.test.ts, real Chromium) belongs to the core project.
    projects: [
      { extends: true, test: { name: 'core', include: ['tests/**/*.test.ts'], exclude: ['tests/extension-*.test.ts'] } },
      { extends: true, plugins: [WxtVitest()], test: { name: 'extension', include: ['tests/extension-*.test.ts'] } },
    ],
  },
});
